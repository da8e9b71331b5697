"""Schemathesis against the API's own OpenAPI document, through the app's WSGI handler.

Requests generated from the document (valid ones, and ones that break it), sent with a linked
holder's session and CSRF token, must never get a 5xx, and every answer must be one the document
declares (status, content type, body).
The data is in the test database, so the WSGI calls run in this process with committed data
(``transaction=True``). Bounded and derandomized: the same examples on every run.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink

pytestmark = pytest.mark.django_db(transaction=True)

LINK = "/api/v1/link"
OPERATIONS = {"GET /api/v1/link", "POST /api/v1/link/unlink-code", "POST /api/v1/link/unlink"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Examples per operation in each generation mode: valid requests, and requests that break the document
# (50 of those: with 25, Hypothesis's derandomized run of this test can draw no body that breaks the
# schema of POST unlink-code, only ones the code allowance answers with 429).
EXAMPLES = {GenerationMode.POSITIVE: 50, GenerationMode.NEGATIVE: 50}


def session_of(account: BusinessAccount) -> tuple[dict[str, str], dict[str, str]]:
    """The cookies and headers a logged-in page's script sends: session, CSRF cookie and its token."""
    browser = Client()
    browser.force_login(account)
    browser.get(LINK)  # sets the CSRF cookie
    token = browser.cookies["lfb_csrftoken"].value
    cookies = {"lfb_session": browser.cookies["lfb_session"].value, "lfb_csrftoken": token}
    return cookies, {"X-CSRFToken": token}


def fuzz(
    operation: Any, mode: GenerationMode, cookies: dict[str, str], headers: dict[str, str], statuses: list[int]
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call(cookies=cookies, headers=headers)
        case.validate_response(response, checks=CHECKS)
        statuses.append(response.status_code)

    run()


def test_the_api_keeps_to_its_openapi_document(make_business_account: Any, make_link: Any) -> None:
    account = make_business_account(phone="+819012345678")
    make_link(account)
    cookies, headers = session_of(account)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

    seen: dict[GenerationMode, dict[str, list[int]]] = {mode: defaultdict(list) for mode in EXAMPLES}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in EXAMPLES:
            fuzz(operation, mode, cookies, headers, seen[mode][f"{operation.method.upper()} {operation.path}"])
    statuses, negative = seen[GenerationMode.POSITIVE], seen[GenerationMode.NEGATIVE]

    assert set(statuses) == OPERATIONS
    for label, answered in statuses.items():
        assert len(answered) >= 10, (label, answered)  # Hypothesis stops early when it runs out of examples
    # The requests got through the session and CSRF checks to the operations themselves.
    assert 200 in statuses["GET /api/v1/link"]
    assert 202 in statuses["POST /api/v1/link/unlink-code"]
    assert 400 in statuses["POST /api/v1/link/unlink"]  # six digits that reached the action: code.invalid
    # Bodies that break the document get as far as the schema check, and are refused there.
    assert 422 in negative["POST /api/v1/link/unlink-code"]
    assert 422 in negative["POST /api/v1/link/unlink"]
    every_status = {status for by_label in seen.values() for answered in by_label.values() for status in answered}
    assert not every_status & {401, 403}
    assert LoopLink.objects.filter(account=account).exists()  # no generated code guessed the real one
