"""Forgot password: a code to a registered email or phone, then a new password."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.business.pages import NEW_PASSWORD, PASSWORD, log_in

pytestmark = pytest.mark.django_db


def start_reset(client: Any, identifier: str, language: str = "en") -> Any:
    return client.post(
        reverse("business:forgot_password"), {"identifier": identifier}, headers={"accept-language": language}
    )


def reset(client: Any, code: str, new_password: str = NEW_PASSWORD) -> Any:
    return client.post(reverse("business:password_reset"), {"code": code, "new_password": new_password})


def test_known_and_unknown_accounts_get_the_same_answer(
    business_account: Any, sent: Any, run_tasks: Any, client: Any
) -> None:
    pages = []
    for identifier in ["sakura.biz@example.com", "nobody.biz@example.com", "+819087654321", "+819012345678"]:
        browser = client.__class__()
        response = start_reset(browser, identifier)
        assert response.status_code == 302 and response["Location"] == reverse("business:password_reset")
        page = browser.get(response["Location"]).content.decode()
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page))
    assert len(set(pages)) == 1
    assert "If the details you entered match an account, we sent a 6-digit code to it." in pages[0]
    run_tasks()
    assert {message.to for message in sent.messages()} == {"sakura.biz@example.com", "+819012345678"}
    assert not sent.messages("nobody.biz@example.com") and not sent.messages("+819087654321")


def test_reset_by_email_code_then_only_the_new_password_works(
    client: Any, business_account: Any, sent: Any, run_tasks: Any
) -> None:
    start_reset(client, "sakura.biz@example.com")
    run_tasks()
    message = sent.last("sakura.biz@example.com")
    assert message.channel == "email" and "reset your Loop for Business password" in message.body
    assert not sent.messages("+819012345678")

    response = reset(client, sent.code_for("sakura.biz@example.com"))
    assert response.status_code == 302 and response["Location"] == reverse("business:login")
    login_page = client.get(response["Location"]).content.decode()
    assert "Your password has been reset. Log in with your new password." in login_page

    assert b'data-error-code="login.invalid_credentials"' in log_in(client, "sakura.biz@example.com").content
    assert log_in(client, "sakura.biz@example.com", NEW_PASSWORD).status_code == 302

    run_tasks()
    assert sent.last("sakura.biz@example.com").subject == "Your Loop for Business password was changed"
    assert "password was changed" in sent.last("+819012345678").body  # every registered contact is told
    event = AuditEvent.objects.get(account=business_account, kind=EventKind.PASSWORD_RESET)
    assert event.data["to"] == "s********z@example.com"


@pytest.mark.parametrize(
    ("typed", "language"),
    [("+819012345678", "en"), ("+81 90-1234-5678", "en"), ("090-1234-5678", "ja")],
)
def test_typing_the_phone_number_sends_the_code_by_sms(
    client: Any, business_account: Any, sent: Any, run_tasks: Any, typed: str, language: str
) -> None:
    start_reset(client, typed, language)
    run_tasks()
    assert not sent.messages("sakura.biz@example.com")
    message = sent.last("+819012345678")
    assert message.channel == "sms"
    assert reset(client, sent.code_for("+819012345678")).status_code == 302
    business_account.refresh_from_db()
    assert business_account.check_password(NEW_PASSWORD)


def test_an_account_with_only_a_phone_gets_its_code_by_sms(
    client: Any, make_business_account: Any, sent: Any, run_tasks: Any
) -> None:
    make_business_account(email=None, phone="+819055556666")
    start_reset(client, "+819055556666")
    run_tasks()
    assert sent.last("+819055556666").channel == "sms"


def test_a_wrong_code_is_refused_and_the_password_stays(
    client: Any, business_account: Any, sent: Any, run_tasks: Any
) -> None:
    start_reset(client, "sakura.biz@example.com")
    run_tasks()
    right = sent.code_for("sakura.biz@example.com")
    response = reset(client, "000000" if right != "000000" else "111111")
    assert response.status_code == 200
    assert b'data-error-code="code.invalid"' in response.content
    business_account.refresh_from_db()
    assert business_account.check_password(PASSWORD)


def test_an_expired_code_is_refused(client: Any, business_account: Any, sent: Any, run_tasks: Any) -> None:
    start_reset(client, "sakura.biz@example.com")
    run_tasks()
    code = sent.code_for("sakura.biz@example.com")
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        response = reset(client, code)
    assert b'data-error-code="code.expired"' in response.content
    assert "That code has expired. Request a new code." in response.content.decode()
    business_account.refresh_from_db()
    assert business_account.check_password(PASSWORD)


def test_a_code_for_an_unknown_account_is_always_wrong(client: Any, business_account: Any) -> None:
    start_reset(client, "nobody.biz@example.com")
    response = reset(client, "123456")
    assert b'data-error-code="code.invalid"' in response.content


def test_an_unconfirmed_sign_up_gets_no_reset_code(client: Any, sent: Any, run_tasks: Any) -> None:
    client.post(reverse("business:signup"), {"contact": "half.biz@example.com", "password": "some-long-password"})
    run_tasks()
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        response = start_reset(client.__class__(), "half.biz@example.com")
        run_tasks()
    assert response["Location"] == reverse("business:password_reset")
    assert len(sent.messages("half.biz@example.com")) == 1  # only the sign-up code


def test_the_new_password_must_be_acceptable(client: Any, business_account: Any, sent: Any, run_tasks: Any) -> None:
    start_reset(client, "sakura.biz@example.com")
    run_tasks()
    response = reset(client, sent.code_for("sakura.biz@example.com"), "12345678")
    assert response.status_code == 200
    assert response.context["form"].errors["new_password"]
    business_account.refresh_from_db()
    assert business_account.check_password(PASSWORD)


def test_a_reset_ends_sessions_on_other_devices(
    client: Any, other_browser: Any, business_account: Any, sent: Any, run_tasks: Any
) -> None:
    log_in(other_browser, "sakura.biz@example.com")
    assert other_browser.get(reverse("business:adsmanager")).status_code == 200
    start_reset(client, "sakura.biz@example.com")
    run_tasks()
    reset(client, sent.code_for("sakura.biz@example.com"))
    assert other_browser.get(reverse("business:adsmanager"))["Location"].startswith(reverse("business:login"))


def test_the_reset_page_without_a_request_goes_back_with_a_message(client: Any) -> None:
    response = client.get(reverse("business:password_reset"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("business:forgot_password")
    assert "This page has expired. Please start again." in response.content.decode()


def test_the_forgot_password_page_is_linked_from_login(client: Any) -> None:
    login_page = client.get(reverse("business:login")).content.decode()
    assert f'href="{reverse("business:forgot_password")}">Forgot password?<' in login_page
    page = client.get(reverse("business:forgot_password")).content.decode()
    assert "Reset your password" in page and "Email or phone number" in page
