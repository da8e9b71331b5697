"""Logging in to Loop for Business with an email or phone number and a password."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.business.pages import PASSWORD, log_in

pytestmark = pytest.mark.django_db

INVALID = b'data-error-code="login.invalid_credentials"'


@pytest.mark.parametrize(
    "identifier", ["sakura.biz@example.com", " SAKURA.Biz@Example.com ", "+819012345678", "+81 90-1234-5678"]
)
def test_log_in_by_email_or_phone_lands_in_ads_manager(client: Any, business_account: Any, identifier: str) -> None:
    response = log_in(client, identifier)
    assert response.status_code == 302
    landing = client.get(response["Location"], follow=True)
    assert landing.redirect_chain[-1][0] == reverse("business:adsmanager")
    assert landing.wsgi_request.user == business_account
    assert "Sakura Tanaka" in landing.content.decode()
    assert AuditEvent.objects.filter(account=business_account, kind=EventKind.LOGIN).count() == 1
    business_account.refresh_from_db()
    assert business_account.last_login is not None


def test_a_japanese_speaker_can_log_in_with_the_phone_number_as_written_in_japan(
    client: Any, business_account: Any
) -> None:
    # Sign-up reads "090-…" as a Japanese number on a Japanese page, so login must too.
    response = log_in(client, "090-1234-5678", headers={"accept-language": "ja"})
    assert response.status_code == 302
    assert response.wsgi_request.user == business_account
    assert not AuditEvent.objects.filter(account=business_account, kind=EventKind.LOGIN_FAILED).exists()


def test_wrong_password_and_unknown_account_get_the_same_answer(client: Any, business_account: Any) -> None:
    wrong_password = log_in(client, "sakura.biz@example.com", "not-the-password")
    unknown_email = log_in(client, "nobody.biz@example.com", "not-the-password")
    unknown_phone = log_in(client, "+819087654321", "not-the-password")
    not_a_number = log_in(client, "hello", "not-the-password")
    answers = [wrong_password, unknown_email, unknown_phone, not_a_number]
    for response in answers:
        assert response.status_code == 200
        assert INVALID in response.content
        assert "The login details you entered don" in response.content.decode()
        assert not response.wsgi_request.user.is_authenticated
    messages = {tuple(response.context["form"].non_field_errors()) for response in answers}
    assert len(messages) == 1


def test_failed_logins_are_audited_on_the_account_they_aimed_at(client: Any, business_account: Any) -> None:
    log_in(client, "sakura.biz@example.com", "not-the-password")
    log_in(client, "+819012345678", "still-not-the-password")
    log_in(client, "nobody.biz@example.com", "not-the-password")
    failed = AuditEvent.objects.filter(kind=EventKind.LOGIN_FAILED)
    assert [event.account_id for event in failed] == [business_account.pk, business_account.pk]
    assert not AuditEvent.objects.filter(kind=EventKind.LOGIN).exists()
    assert log_in(client, "sakura.biz@example.com").status_code == 302  # no lock-out after two mistakes
    assert AuditEvent.objects.filter(account=business_account, kind=EventKind.LOGIN).count() == 1


def test_the_login_audit_records_where_it_came_from(client: Any, business_account: Any) -> None:
    log_in(client, "sakura.biz@example.com", headers={"user-agent": "Bizbrowser/1.0"}, REMOTE_ADDR="203.0.113.9")
    event = AuditEvent.objects.get(account=business_account, kind=EventKind.LOGIN)
    assert event.ip_address == "203.0.113.9" and event.user_agent == "Bizbrowser/1.0"
    assert event.actor_id == business_account.pk


def test_an_account_without_a_password_cannot_log_in_with_one(client: Any, make_business_account: Any) -> None:
    make_business_account(email="loop-only@example.com", password=None)
    response = log_in(client, "loop-only@example.com", "anything-at-all")
    assert INVALID in response.content
    assert not response.wsgi_request.user.is_authenticated


def test_an_unconfirmed_account_with_the_right_password_gets_a_new_code(
    client: Any, other_browser: Any, sent: Any, run_tasks: Any
) -> None:
    password = "a-long-and-unusual-password"
    other_browser.post(reverse("business:signup"), {"contact": "late.biz@example.com", "password": password})
    run_tasks()
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        response = log_in(client, "late.biz@example.com", password)
        assert response.status_code == 302 and response["Location"] == reverse("business:signup_verify")
        assert not response.wsgi_request.user.is_authenticated
        page = client.get(reverse("business:signup_verify")).content.decode()
        assert "We sent a 6-digit code to l******z@example.com" in page
        run_tasks()
        assert len(sent.messages("late.biz@example.com")) == 2  # the sign-up code, then a new one
        response = client.post(reverse("business:signup_verify"), {"code": sent.code_for("late.biz@example.com")})
        assert response.status_code == 302
        assert client.get(reverse("business:adsmanager")).status_code == 200


def test_an_unconfirmed_account_with_a_wrong_password_is_not_sent_a_code(
    client: Any, other_browser: Any, sent: Any, run_tasks: Any
) -> None:
    other_browser.post(
        reverse("business:signup"), {"contact": "late.biz@example.com", "password": "a-long-and-unusual-password"}
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        response = log_in(client, "late.biz@example.com", "a-guess-at-the-password")
        assert INVALID in response.content
        run_tasks()
    assert len(sent.messages("late.biz@example.com")) == 1


def test_the_session_is_rotated_on_login(client: Any, business_account: Any) -> None:
    client.get(reverse("business:login"))
    session = client.session
    session["marker"] = "before login"
    session.save()
    before = session.session_key
    log_in(client, "sakura.biz@example.com")
    assert client.cookies["lfb_session"].value != before
    assert client.session.session_key != before
    # The old session id no longer identifies anyone.
    stolen = client.__class__()
    stolen.cookies["lfb_session"] = before
    assert not stolen.get(reverse("business:adsmanager")).wsgi_request.user.is_authenticated


def test_login_returns_to_the_page_asked_for_but_never_off_site(client: Any, business_account: Any) -> None:
    asked = client.get(reverse("business:personal_information"))
    assert asked["Location"] == reverse("business:login") + "?next=" + reverse("business:personal_information")
    page = client.get(asked["Location"]).content.decode()
    assert f'name="next" value="{reverse("business:personal_information")}"' in page
    response = client.post(
        asked["Location"],
        {
            "identifier": "sakura.biz@example.com",
            "password": PASSWORD,
            "next": reverse("business:personal_information"),
        },
    )
    assert response["Location"] == reverse("business:personal_information")
    client.post(reverse("business:logout"))
    response = client.post(
        reverse("business:login"),
        {"identifier": "sakura.biz@example.com", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("business:home")


def test_a_signed_in_person_visiting_login_goes_home(signed_in: Any) -> None:
    response = signed_in.get(reverse("business:login"))
    assert response.status_code == 302 and response["Location"] == reverse("business:home")


def test_log_out_needs_a_post_and_ends_the_session(signed_in: Any) -> None:
    assert signed_in.get(reverse("business:logout")).status_code == 405
    assert signed_in.get(reverse("business:adsmanager")).status_code == 200
    response = signed_in.post(reverse("business:logout"))
    assert response["Location"] == reverse("business:home")
    assert AuditEvent.objects.filter(kind=EventKind.LOGOUT).count() == 1
    assert signed_in.get(reverse("business:adsmanager"))["Location"].startswith(reverse("business:login"))


def test_the_home_page_sends_visitors_to_login(client: Any) -> None:
    response = client.get(reverse("business:home"))
    assert response["Location"] == reverse("business:login")
    page = client.get(response["Location"]).content.decode()
    assert "Log in to Loop for Business" in page
    assert "Email or phone number" in page and "Forgot password?" in page


def test_login_on_a_new_browser_brings_the_language_saved_on_the_account(
    client: Any, make_business_account: Any
) -> None:
    make_business_account(email="maria.biz@example.com", language="es")
    log_in(client, "maria.biz@example.com", headers={"accept-language": "ja"})
    assert client.cookies["lfb_language"].value == "es"
    page = client.get(reverse("business:adsmanager"), headers={"accept-language": "ja"}).content.decode()
    assert '<html lang="es">' in page


def test_login_on_a_browser_that_chose_a_language_keeps_its_choice(client: Any, make_business_account: Any) -> None:
    make_business_account(email="maria.biz@example.com", language="es")
    client.cookies["lfb_language"] = "ja"
    log_in(client, "maria.biz@example.com")
    assert client.cookies["lfb_language"].value == "ja"
    assert '<html lang="ja">' in client.get(reverse("business:adsmanager")).content.decode()
