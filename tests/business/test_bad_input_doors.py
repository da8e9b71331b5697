"""Loop for Business's doors for Loop, browsers coming back from Loop, the API and staff answer bad
input with a 4xx in their own format, never a 500 (issue 13).

NUL is the sharpest case (PostgreSQL text cannot hold it); JSON can also carry lone surrogates
(``"\\ud800"``), which no database driver can encode. A notice refused for either changes nothing.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink
from accountlink.business.webhooks_in.models import ReceivedNotice
from accountlink.kit.webhooks import sign
from tests.business.fake_loop import SECRET, FakeLoop, LoopPerson, deliver, notice
from tests.business.pages import CALLBACK, PERSONAL, come_back, start_link

pytestmark = pytest.mark.django_db

NUL = "a\x00b"


def assert_refused(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code
    assert response.json()["message"]


def assert_nothing_happened(account: BusinessAccount) -> None:
    assert LoopLink.objects.filter(account=account).exists()
    assert not ReceivedNotice.objects.exists()


# -- webhooks from Loop: the signature header ------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "t=1,s=\xff",  # the byte 0xff, as a WSGI server hands it to Django (Latin-1)
        "t=1,s=é",
        "t=1,s=" + "é" * 64,
        "t=١٧٠٠٠٠٠٠٠٠,s=00",  # Arabic-Indic digits, which int() would read
        "t=²,s=00",
        "t=" + "9" * 5000 + ",s=00",
        "t=1\x00,s=00",
        "t=,s=",
        ",,,=,=",
    ],
)
def test_an_unreadable_signature_header_is_a_bad_signature(
    linked_browser: Any, business_account: Any, header: str
) -> None:
    assert_refused(deliver(notice(), signature=header), 401, "webhook.bad_signature")
    assert_nothing_happened(business_account)


@pytest.mark.parametrize("timestamp", [10**400, 10**16])
def test_a_timestamp_no_clock_can_show_is_a_bad_signature_even_when_signed(
    linked_browser: Any, business_account: Any, timestamp: int
) -> None:
    """Signed with the right secret, but not a time in seconds: refused before any date maths."""
    assert_refused(deliver(notice(), timestamp=timestamp), 401, "webhook.bad_signature")
    assert_nothing_happened(business_account)


def test_a_signature_in_upper_case_hex_still_verifies(linked_browser: Any, business_account: Any) -> None:
    body = json.dumps(notice()).encode()
    stamp, _sep, digest = sign(SECRET, body).partition(",s=")
    assert deliver(body, signature=f"{stamp},s={digest.upper()}").json() == {"status": "ended"}


# -- webhooks from Loop: the body -------------------------------------------------------------------


@pytest.mark.parametrize("field", ["user_openid", "event", "client_key"])
@pytest.mark.parametrize("value", [NUL, "\x00", "\ud800", "open-\udfff"])
def test_nul_or_a_lone_surrogate_in_a_notice_is_malformed(
    linked_browser: Any, business_account: Any, field: str, value: str
) -> None:
    payload = {**notice(), field: value}
    assert_refused(deliver(payload), 400, "webhook.malformed")
    assert_nothing_happened(business_account)


@pytest.mark.parametrize("reason", ['{"reason": 1, "note": "\\u0000"}', '{"reason": 1, "note": "\\ud800"}'])
def test_strange_text_beside_the_reason_does_not_matter(
    linked_browser: Any, business_account: Any, reason: str
) -> None:
    """Only ``content.reason`` is read from the content; the rest is never stored."""
    assert deliver({**notice(), "content": reason}).json() == {"status": "ended"}


# -- coming back from Loop --------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{"code": NUL}, {"error": NUL, "error_code": NUL}, {"code": "x" * 5000}])
def test_a_strange_callback_from_loop_ends_on_the_page_with_a_coded_refusal(
    signed_in: HttpClient, fake_loop: FakeLoop, business_account: Any, params: dict[str, str]
) -> None:
    query = start_link(signed_in)
    response = come_back(signed_in, query, **params)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == PERSONAL
    assert re.search(r'data-error-code="link\.(session_expired|consent_denied)"', response.content.decode())
    assert not LoopLink.objects.filter(account=business_account).exists()


@pytest.mark.parametrize("state", [NUL, "\x00", "é" * 100, "x" * 5000])
def test_a_callback_with_a_strange_state_is_an_expired_session(
    signed_in: HttpClient, fake_loop: FakeLoop, sakura: LoopPerson, business_account: Any, state: str
) -> None:
    start_link(signed_in)
    response = signed_in.get(CALLBACK, {"state": state, "code": fake_loop.code_for(sakura)}, follow=True)
    assert response.request["PATH_INFO"] == PERSONAL
    assert 'data-error-code="link.session_expired"' in response.content.decode()
    assert not LoopLink.objects.filter(account=business_account).exists()


# -- the API ---------------------------------------------------------------------------------------


BAD_CONTACTS = ['{"contact": "email\\u0000"}', '{"contact": "\\u0000"}', '{"contact": "\\ud800"}']
BAD_CODES = [
    '{"contact": "email", "code": "\\u0000"}',
    '{"contact": "email", "code": "12345\\u0000"}',
    '{"contact": "email", "code": "\\ud800\\udc00"}',
]


@pytest.mark.parametrize(
    ("path", "body"),
    [("/api/v1/link/unlink-code", body) for body in BAD_CONTACTS]
    + [("/api/v1/link/unlink", body) for body in BAD_CONTACTS + BAD_CODES],
)
def test_the_api_refuses_nul_and_surrogates_as_invalid_requests(
    linked_browser: HttpClient, business_account: Any, path: str, body: str
) -> None:
    response = linked_browser.post(path, body.encode(), content_type="application/json")
    assert_refused(response, 422, "request.invalid")
    assert LoopLink.objects.filter(account=business_account).exists()


# -- the support console's search ------------------------------------------------------------------


def found_ids(response: Any) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'<tr data-account="(\d+)">', response.content.decode())]


@pytest.mark.parametrize(
    "typed", ["²", "#²", "@²", "²@example.com", "⁴²", "½", NUL, "\x00@example.com", "%", "9" * 40, "x" * 300]
)
def test_searching_for_anything_shows_a_results_page(
    agent_browser: HttpClient, business_account: Any, typed: str
) -> None:
    assert found_ids(agent_browser.get("/staff/", {"q": typed})) == []


def test_an_account_id_typed_in_full_width_digits_is_found(agent_browser: HttpClient, business_account: Any) -> None:
    typed = "".join(chr(ord(digit) - ord("0") + ord("０")) for digit in str(business_account.pk))
    assert found_ids(agent_browser.get(reverse("business:staff_home"), {"q": typed})) == [business_account.pk]
