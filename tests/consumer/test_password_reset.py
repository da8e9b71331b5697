from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.consumer.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase"


def start_reset(client: Any, identifier: str) -> Any:
    return client.post(reverse("loop:forgot_password"), {"identifier": identifier})


def test_known_and_unknown_accounts_get_the_same_answer(
    client: Any, loop_account: Any, sent: Any, run_tasks: Any
) -> None:
    known = start_reset(client, "sakura")
    unknown = start_reset(client.__class__(), "nobody-here")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("loop:password_reset")
    page_known = client.get(reverse("loop:password_reset")).content.decode()
    run_tasks()
    assert len(sent.messages()) == 1  # only the real account got a message
    assert "If the details you entered match an account" in page_known


def test_reset_by_code_then_log_in_with_the_new_password(
    client: Any, loop_account: Any, sent: Any, run_tasks: Any
) -> None:
    start_reset(client, "sakura")
    run_tasks()
    code = sent.code_for("sakura@example.com")
    response = client.post(reverse("loop:password_reset"), {"code": code, "new_password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("loop:login")
    assert client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD}).status_code == 200
    assert client.post(reverse("loop:login"), {"identifier": "sakura", "password": NEW_PASSWORD}).status_code == 302
    run_tasks()
    assert "password was changed" in sent.last("sakura@example.com").subject
    assert AuditEvent.objects.filter(account=loop_account, kind=EventKind.PASSWORD_RESET).exists()


def test_typing_the_phone_number_sends_the_code_by_sms(
    client: Any, loop_account: Any, sent: Any, run_tasks: Any
) -> None:
    start_reset(client, "+819012345678")
    run_tasks()
    assert sent.last("+819012345678").channel == "sms"
    assert not sent.messages("sakura@example.com")


def test_an_expired_reset_code_is_refused(client: Any, loop_account: Any, sent: Any, run_tasks: Any) -> None:
    start_reset(client, "sakura@example.com")
    run_tasks()
    code = sent.code_for("sakura@example.com")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.post(reverse("loop:password_reset"), {"code": code, "new_password": NEW_PASSWORD})
    assert b'data-error-code="code.expired"' in response.content


def test_the_new_password_must_be_acceptable(client: Any, loop_account: Any, sent: Any, run_tasks: Any) -> None:
    start_reset(client, "sakura")
    run_tasks()
    response = client.post(
        reverse("loop:password_reset"), {"code": sent.code_for("sakura@example.com"), "new_password": "12345678"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password"]


def test_the_reset_page_without_a_request_goes_back(client: Any) -> None:
    response = client.get(reverse("loop:password_reset"))
    assert response.status_code == 302 and response["Location"] == reverse("loop:forgot_password")


@pytest.mark.parametrize("data", [{}, {"identifier": ""}, {"identifier": "z" * 1000}])
def test_bad_forgot_password_input_is_a_form_error(client: Any, data: dict[str, str]) -> None:
    response = client.post(reverse("loop:forgot_password"), data)
    assert response.status_code == 200 and response.context["form"].errors
