"""Sign-up on Loop for Business: the account is usable only once the code sent to it is entered."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.codes.actions import policy
from tests.business.pages import PASSWORD, log_in

pytestmark = pytest.mark.django_db

SIGNUP = {"contact": "aiko.biz@example.com", "display_name": "Aiko Mori", "password": "a-long-and-unusual-password"}


def sign_up(client: Any, language: str = "en", **changes: str) -> Any:
    return client.post(reverse("business:signup"), {**SIGNUP, **changes}, headers={"accept-language": language})


def confirm(client: Any, code: str) -> Any:
    return client.post(reverse("business:signup_verify"), {"code": code})


def same_but_for_address(page: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r"We sent a 6-digit code to [^<]+? It expires", "", page)


def test_sign_up_with_email_needs_the_code_before_the_account_works(client: Any, sent: Any, run_tasks: Any) -> None:
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == reverse("business:signup_verify")
    account = BusinessAccount.objects.get(email="aiko.biz@example.com")
    assert account.verified_at is None and account.display_name == "Aiko Mori"

    code_page = client.get(reverse("business:signup_verify")).content.decode()
    assert "a******z@example.com" in code_page and "aiko.biz@" not in code_page  # masked
    assert client.get(reverse("business:adsmanager"))["Location"].startswith(reverse("business:login"))
    # Logging in before confirming only leads back to the code page.
    response = log_in(other := client.__class__(), "aiko.biz@example.com", SIGNUP["password"])
    assert response["Location"] == reverse("business:signup_verify")
    assert not other.get(reverse("business:adsmanager")).wsgi_request.user.is_authenticated

    run_tasks()
    message = sent.last("aiko.biz@example.com")
    assert message.channel == "email"
    assert "verification code" in message.subject and "confirm your email address" in message.body
    response = confirm(client, sent.code_for("aiko.biz@example.com"))
    assert response.status_code == 302

    ads_manager = client.get(response["Location"], follow=True)
    assert ads_manager.redirect_chain[-1][0] == reverse("business:adsmanager")
    page = ads_manager.content.decode()
    assert "Welcome to Loop for Business!" in page and "Ad accounts" in page
    assert ads_manager.wsgi_request.user == account
    account.refresh_from_db()
    assert account.is_active

    run_tasks()
    assert sent.last("aiko.biz@example.com").subject == "Welcome to Loop for Business"
    kinds = set(AuditEvent.objects.filter(account=account).values_list("kind", flat=True))
    assert {EventKind.ACCOUNT_CREATED, EventKind.CODE_SENT, EventKind.CONTACT_VERIFIED, EventKind.LOGIN} <= kinds


@pytest.mark.parametrize("typed", ["+81 90 1111 2222", "+819011112222", "+81-90-1111-2222"])
def test_sign_up_with_a_phone_number_sends_the_code_by_sms(client: Any, sent: Any, run_tasks: Any, typed: str) -> None:
    response = sign_up(client, contact=typed)
    assert response["Location"] == reverse("business:signup_verify")
    account = BusinessAccount.objects.get(phone="+819011112222")
    assert account.email is None and not account.is_active
    assert "+81 ******2222" in client.get(reverse("business:signup_verify")).content.decode()

    run_tasks()
    message = sent.last("+819011112222")
    assert message.channel == "sms" and "verification code" in message.body
    response = confirm(client, sent.code_for("+819011112222"))
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == reverse("business:adsmanager")
    account.refresh_from_db()
    assert account.is_active

    run_tasks()
    welcome = sent.last("+819011112222")
    assert welcome.channel == "sms" and "Welcome to Loop for Business" in welcome.body
    assert log_in(client.__class__(), "+819011112222", SIGNUP["password"]).status_code == 302


def test_a_phone_number_without_country_code_is_read_in_the_page_language(
    client: Any, sent: Any, run_tasks: Any
) -> None:
    sign_up(client, language="ja", contact="090-1111-2222")
    account = BusinessAccount.objects.get(phone="+819011112222")
    assert account.language == "ja"
    run_tasks()
    assert "認証コード" in sent.last("+819011112222").body  # the code is sent in the sign-up language


def test_a_wrong_code_is_refused_and_the_account_stays_unusable(client: Any, sent: Any, run_tasks: Any) -> None:
    sign_up(client)
    run_tasks()
    right = sent.code_for("aiko.biz@example.com")
    wrong = "000000" if right != "000000" else "111111"
    response = confirm(client, wrong)
    assert response.status_code == 200
    assert b'data-error-code="code.invalid"' in response.content
    assert "Check the code we sent you and try again." in response.content.decode()
    assert not BusinessAccount.objects.get(email="aiko.biz@example.com").is_active
    assert not response.wsgi_request.user.is_authenticated
    assert confirm(client, right).status_code == 302  # a wrong try does not spoil the right code


def test_asking_for_a_new_code_within_a_minute_is_refused(client: Any, sent: Any, run_tasks: Any) -> None:
    sign_up(client)
    response = client.post(reverse("business:signup_verify"), {"resend": "1"})
    assert response.status_code == 200
    assert b'data-error-code="code.resend_too_soon"' in response.content
    assert "before requesting another code" in response.content.decode()
    run_tasks()
    assert len(sent.messages("aiko.biz@example.com")) == 1


def test_a_new_code_after_a_minute_replaces_the_old_one(client: Any, sent: Any, run_tasks: Any) -> None:
    sign_up(client)
    run_tasks()
    first = sent.code_for("aiko.biz@example.com")
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        response = client.post(reverse("business:signup_verify"), {"resend": "1"})
        assert "We sent a new code." in response.content.decode()
        run_tasks()
        second = sent.code_for("aiko.biz@example.com")
        assert len(sent.messages("aiko.biz@example.com")) == 2
        if first != second:
            assert b'data-error-code="code.invalid"' in confirm(client, first).content
        assert confirm(client, second).status_code == 302


def test_a_code_expires_after_ten_minutes(client: Any, sent: Any, run_tasks: Any) -> None:
    sign_up(client)
    run_tasks()
    code = sent.code_for("aiko.biz@example.com")
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1), tick=False):
        response = confirm(client, code)
    assert b'data-error-code="code.expired"' in response.content
    assert not BusinessAccount.objects.get(email="aiko.biz@example.com").is_active


def test_five_wrong_codes_void_the_code(client: Any, sent: Any, run_tasks: Any) -> None:
    sign_up(client)
    run_tasks()
    right = sent.code_for("aiko.biz@example.com")
    wrong = "000000" if right != "000000" else "111111"
    answers = [confirm(client, wrong) for _ in range(5)]
    assert all(b'data-error-code="code.invalid"' in answer.content for answer in answers[:4])
    assert b'data-error-code="code.too_many_attempts"' in answers[4].content
    response = confirm(client, right)
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    assert not BusinessAccount.objects.get(email="aiko.biz@example.com").is_active


@pytest.mark.parametrize(
    ("typed", "address", "channel"),
    [("SAKURA.BIZ@example.com", "sakura.biz@example.com", "email"), ("+81 90 1234 5678", "+819012345678", "sms")],
)
def test_signing_up_with_an_address_of_a_verified_account_answers_the_same_and_warns_that_address(
    client: Any, business_account: Any, sent: Any, run_tasks: Any, typed: str, address: str, channel: str
) -> None:
    before = BusinessAccount.objects.count()
    fresh_browser = client.__class__()
    fresh = sign_up(fresh_browser, contact="+819099998888" if channel == "sms" else "new.biz@example.com")
    taken = sign_up(client, contact=typed)
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"] == reverse("business:signup_verify")
    page = client.get(reverse("business:signup_verify")).content.decode()
    assert "We sent a 6-digit code to" in page and "Send a new code" in page
    fresh_page = fresh_browser.get(reverse("business:signup_verify")).content.decode()
    assert same_but_for_address(page) == same_but_for_address(fresh_page)
    assert BusinessAccount.objects.count() == before + 1  # only the fresh sign-up made an account

    run_tasks()
    warning = sent.last(address)
    assert warning.channel == channel
    if channel == "email":
        assert warning.subject == "You already have a Loop for Business account"
        assert "already belongs to an account" in warning.body
    else:
        assert "already belongs to an account" in warning.body
    assert len(sent.messages(address)) == 1  # a warning, no code
    assert b'data-error-code="code.invalid"' in confirm(client, "123456").content
    business_account.refresh_from_db()
    assert business_account.check_password(PASSWORD)  # nothing about the owner changed


def test_asking_for_a_new_code_for_a_taken_address_answers_like_a_real_sign_up(
    client: Any, business_account: Any
) -> None:
    """Enumeration: a resend right after sign-up must not tell a taken address from a free one."""
    fresh_browser = client.__class__()
    sign_up(fresh_browser, contact="new.biz@example.com")
    fresh = fresh_browser.post(reverse("business:signup_verify"), {"resend": "1"})
    sign_up(client, contact="sakura.biz@example.com")
    taken = client.post(reverse("business:signup_verify"), {"resend": "1"})
    assert b'data-error-code="code.resend_too_soon"' in fresh.content
    assert b'data-error-code="code.resend_too_soon"' in taken.content


def test_an_abandoned_sign_up_does_not_hold_the_address(
    client: Any, other_browser: Any, sent: Any, run_tasks: Any
) -> None:
    sign_up(client, password="first-persons-password")
    # A minute later (codes to one address are at least 60 s apart) someone else signs up with it.
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        sign_up(other_browser, display_name="Real Owner")
        assert list(BusinessAccount.objects.values_list("display_name", flat=True)) == ["Real Owner"]
        run_tasks()
        code = sent.code_for("aiko.biz@example.com")
        assert b'data-error-code="code.invalid"' in confirm(client, code).content
        assert confirm(other_browser, code).status_code == 302


def test_the_sign_up_flow_expires_after_thirty_minutes(client: Any, sent: Any, run_tasks: Any) -> None:
    sign_up(client)
    run_tasks()
    code = sent.code_for("aiko.biz@example.com")
    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        response = client.post(reverse("business:signup_verify"), {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("business:signup")
    assert "This page has expired. Please start again." in response.content.decode()
    assert not BusinessAccount.objects.get(email="aiko.biz@example.com").is_active


def test_a_signed_in_person_is_sent_from_sign_up_to_ads_manager(signed_in: Any) -> None:
    response = signed_in.get(reverse("business:signup"))
    assert response.status_code == 302 and response["Location"] == reverse("business:adsmanager")


def test_the_sign_up_page_offers_log_in(client: Any) -> None:
    page = client.get(reverse("business:signup")).content.decode()
    assert "Sign up for Loop for Business" in page
    assert f'href="{reverse("business:login")}"' in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact", ""),
        ("contact", "not-an-email@"),
        ("contact", "12"),
        ("contact", "+81 12"),
        ("contact", "+999 1234 5678"),
        ("contact", "x" * 300),
        ("password", ""),
        ("password", "123"),
        ("password", "12345678"),
        ("password", "password"),
        ("display_name", "n" * 61),
    ],
)
def test_bad_sign_up_input_is_refused_on_its_field(client: Any, field: str, value: str) -> None:
    response = sign_up(client, **{field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'class="errorlist"' in response.content.decode()
    assert not BusinessAccount.objects.exists()


def test_sign_up_codes_to_one_address_are_capped_per_hour(client: Any, sent: Any, run_tasks: Any) -> None:
    """Re-submitting sign-up must not get round the hourly cap of codes to one address (DESIGN §8)."""
    start = timezone.now()
    answers = []
    for attempt in range(8):
        with time_machine.travel(start + timedelta(seconds=61 * attempt), tick=False):
            answers.append(sign_up(client.__class__()))
            run_tasks()
    assert all(answer.status_code in (200, 302) for answer in answers)
    codes = [re.search(r"(?<!\d)\d{6}(?!\d)", message.body) for message in sent.messages("aiko.biz@example.com")]
    # Each sign-up sent a code until the address had its hourly cap, and none went out after it.
    assert all(codes)
    assert len(codes) == policy().per_destination_per_hour


def test_a_taken_address_is_not_flooded_with_sign_up_warnings(
    client: Any, business_account: Any, sent: Any, run_tasks: Any
) -> None:
    """Each sign-up with a taken address warns its owner; like codes, those messages are capped per hour."""
    start = timezone.now()
    for attempt in range(8):
        with time_machine.travel(start + timedelta(seconds=61 * attempt), tick=False):
            sign_up(client.__class__(), contact="sakura.biz@example.com")
            run_tasks()
    assert 1 <= len(sent.messages("sakura.biz@example.com")) <= 5
