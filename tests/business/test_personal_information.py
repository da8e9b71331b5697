"""User settings → Personal information: display name, email, phone number and password."""

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
from tests.business.pages import NEW_PASSWORD, PASSWORD, log_in

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = [
    ("business:user_settings", {}),
    ("business:personal_information", {}),
    ("business:change_contact", {"kind": "email"}),
    ("business:change_contact", {"kind": "phone"}),
    ("business:verify_contact", {"kind": "email"}),
    ("business:verify_contact", {"kind": "phone"}),
    ("business:change_password", {}),
    ("business:security_activity", {}),
    ("business:adsmanager", {}),
    ("business:create_ad_account", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), SIGNED_IN_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_signed_in_pages_ask_for_login(client: Any, name: str, kwargs: dict[str, str], method: str) -> None:
    url = reverse(name, kwargs=kwargs)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('business:login')}?next={url}"


def test_user_settings_are_reached_from_the_profile_menu(signed_in: Any) -> None:
    ads_manager = signed_in.get(reverse("business:adsmanager")).content.decode()
    assert 'aria-label="Profile menu"' in ads_manager
    assert f'<a href="{reverse("business:user_settings")}">User settings</a>' in ads_manager
    settings_page = signed_in.get(reverse("business:user_settings")).content.decode()
    personal, security = reverse("business:personal_information"), reverse("business:security_activity")
    assert f'href="{personal}" aria-describedby="about-personal">Personal information</a>' in settings_page
    assert f'href="{security}" aria-describedby="about-security">Security activity</a>' in settings_page
    page = signed_in.get(reverse("business:personal_information")).content.decode()
    assert "sakura.biz@example.com" in page and "+819012345678" in page
    assert "Change email" in page and "Change phone number" in page and "Change password" in page


def send_code(client: Any, kind: str, value: str, password: str | None = PASSWORD) -> Any:
    data = {"value": value}
    if password is not None:
        data["current_password"] = password
    return client.post(reverse("business:change_contact", kwargs={"kind": kind}), data)


def just_logged_in(client: Any) -> None:
    """What a real login writes in the session: when it happened."""
    session = client.session
    session["auth_time"] = timezone.now().timestamp()
    session.save()


def confirm(client: Any, kind: str, code: str) -> Any:
    return client.post(reverse("business:verify_contact", kwargs={"kind": kind}), {"code": code})


# Display name


def test_change_the_display_name(signed_in: Any, business_account: Any) -> None:
    response = signed_in.post(reverse("business:personal_information"), {"display_name": "  Sakura T.  "}, follow=True)
    page = response.content.decode()
    assert "Your display name has been updated." in page
    assert 'value="Sakura T."' in page
    assert "Sakura T." in signed_in.get(reverse("business:adsmanager")).content.decode()  # profile menu
    business_account.refresh_from_db()
    assert business_account.display_name == "Sakura T."
    event = AuditEvent.objects.get(account=business_account, kind=EventKind.PROFILE_CHANGED)
    assert event.data == {"field": "display_name", "old": "Sakura Tanaka", "new": "Sakura T."}


@pytest.mark.parametrize("name", ["", "   ", "n" * 61])
def test_a_bad_display_name_is_refused(signed_in: Any, business_account: Any, name: str) -> None:
    response = signed_in.post(reverse("business:personal_information"), {"display_name": name})
    assert response.status_code == 200
    assert response.context["form"].errors["display_name"]
    business_account.refresh_from_db()
    assert business_account.display_name == "Sakura Tanaka"
    assert not AuditEvent.objects.filter(kind=EventKind.PROFILE_CHANGED).exists()


# Email


def test_change_email_needs_the_current_password(signed_in: Any, business_account: Any, sent: Any) -> None:
    response = send_code(signed_in, "email", "sakura.new@example.com", "not-my-password")
    assert response.status_code == 200
    assert b'data-error-code="password.incorrect"' in response.content
    assert "Your current password is incorrect." in response.content.decode()
    response = send_code(signed_in, "email", "sakura.new@example.com", None)
    assert response.status_code == 200 and response.context["form"].errors["current_password"]
    assert not sent.messages()


def test_change_email_with_a_code_sent_to_the_new_address(
    signed_in: Any, business_account: Any, sent: Any, run_tasks: Any
) -> None:
    form = signed_in.get(reverse("business:change_contact", kwargs={"kind": "email"})).content.decode()
    assert "Change email address" in form and "Current password" in form
    response = send_code(signed_in, "email", " Sakura.New@Example.com ")
    assert response["Location"] == reverse("business:verify_contact", kwargs={"kind": "email"})
    page = signed_in.get(response["Location"]).content.decode()
    assert "We sent a 6-digit code to s********w@example.com" in page
    business_account.refresh_from_db()
    assert business_account.email == "sakura.biz@example.com"  # nothing changes before the code

    run_tasks()
    assert not sent.messages("sakura.biz@example.com")
    assert "add this address to your Loop for Business account" in sent.last("sakura.new@example.com").body
    response = confirm(signed_in, "email", sent.code_for("sakura.new@example.com"))
    assert response["Location"] == reverse("business:personal_information")
    page = signed_in.get(response["Location"]).content.decode()
    assert "Your email address has been changed." in page and "sakura.new@example.com" in page
    business_account.refresh_from_db()
    assert business_account.email == "sakura.new@example.com"

    run_tasks()
    notice = sent.last("sakura.biz@example.com")
    assert notice.subject == "The email address of your Loop for Business account was changed"
    assert "s********w@example.com" in notice.body and "sakura.new@example.com" not in notice.body
    assert sent.last("sakura.new@example.com").subject == "This address is now on your Loop for Business account"
    event = AuditEvent.objects.get(account=business_account, kind=EventKind.EMAIL_CHANGED)
    assert event.data == {"old": "s********z@example.com", "new": "s********w@example.com"}

    fresh = signed_in.__class__()
    assert b"login.invalid_credentials" in log_in(fresh, "sakura.biz@example.com").content
    assert log_in(fresh, "sakura.new@example.com").status_code == 302


def test_an_email_of_another_verified_account_is_refused_only_when_its_code_is_entered(
    signed_in: Any, business_account: Any, make_business_account: Any, sent: Any, run_tasks: Any
) -> None:
    make_business_account(email="taken.biz@example.com")
    taken = send_code(signed_in, "email", "TAKEN.biz@example.com")
    # The same answer as for a free address: a code was sent (no enumeration).
    assert taken.status_code == 302
    assert taken["Location"] == reverse("business:verify_contact", kwargs={"kind": "email"})
    run_tasks()
    response = confirm(signed_in, "email", sent.code_for("taken.biz@example.com"))
    assert b'data-error-code="contact.in_use"' in response.content
    business_account.refresh_from_db()
    assert business_account.email == "sakura.biz@example.com"
    run_tasks()
    notice = sent.last("taken.biz@example.com")
    assert notice.subject == "Your address was not added to another Loop for Business account"


def test_changing_to_a_taken_or_a_free_address_answers_alike(
    signed_in: Any, make_business_account: Any, other_browser: Any
) -> None:
    make_business_account(email="taken.biz@example.com")
    taken = send_code(signed_in, "email", "taken.biz@example.com")
    other = make_business_account(email="other.biz@example.com")
    other_browser.force_login(other)
    free = send_code(other_browser, "email", "free.biz@example.com")
    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    for page in (
        signed_in.get(taken["Location"]).content.decode(),
        other_browser.get(free["Location"]).content.decode(),
    ):
        assert "We sent a 6-digit code to" in page and "data-error-code" not in page


def test_guessing_the_current_password_on_the_change_page_is_throttled(signed_in: Any, sent: Any) -> None:
    answers = [
        re.findall(
            rb'data-error-code="([^"]+)"', send_code(signed_in, "email", "new@example.com", f"guess-{n}").content
        )
        for n in range(30)
    ]
    assert answers.count([b"password.incorrect"]) <= 10
    assert answers[-1] == [b"auth.throttled"]
    assert b"auth.throttled" in send_code(signed_in, "email", "new@example.com").content
    assert not sent.messages()


def test_the_current_email_is_not_a_change(signed_in: Any, sent: Any) -> None:
    response = send_code(signed_in, "email", "sakura.biz@example.com")
    assert b'data-error-code="contact.unchanged"' in response.content
    assert not sent.messages()


def test_an_email_taken_while_its_code_was_pending_is_refused(
    signed_in: Any, business_account: Any, make_business_account: Any, sent: Any, run_tasks: Any
) -> None:
    send_code(signed_in, "email", "contested@example.com")
    run_tasks()
    make_business_account(email="contested@example.com")  # someone else confirmed it meanwhile
    response = confirm(signed_in, "email", sent.code_for("contested@example.com"))
    assert b'data-error-code="contact.in_use"' in response.content
    business_account.refresh_from_db()
    assert business_account.email == "sakura.biz@example.com"


def test_an_abandoned_sign_up_does_not_block_an_email_change(
    signed_in: Any, business_account: Any, sent: Any, run_tasks: Any
) -> None:
    signed_in.__class__().post(
        reverse("business:signup"), {"contact": "pending@example.com", "password": "some-long-password"}
    )
    assert send_code(signed_in, "email", "pending@example.com").status_code == 302
    run_tasks()
    confirm(signed_in, "email", sent.code_for("pending@example.com"))
    business_account.refresh_from_db()
    assert business_account.email == "pending@example.com"
    assert BusinessAccount.objects.filter(email="pending@example.com").count() == 1


def test_a_wrong_code_leaves_the_email_alone(signed_in: Any, business_account: Any, sent: Any, run_tasks: Any) -> None:
    send_code(signed_in, "email", "sakura.new@example.com")
    run_tasks()
    right = sent.code_for("sakura.new@example.com")
    response = confirm(signed_in, "email", "000000" if right != "000000" else "111111")
    assert response.status_code == 200
    assert b'data-error-code="code.invalid"' in response.content
    business_account.refresh_from_db()
    assert business_account.email == "sakura.biz@example.com"
    assert not AuditEvent.objects.filter(kind=EventKind.EMAIL_CHANGED).exists()


def test_asking_twice_within_a_minute_keeps_the_first_code(
    signed_in: Any, business_account: Any, sent: Any, run_tasks: Any
) -> None:
    send_code(signed_in, "email", "sakura.new@example.com")
    response = send_code(signed_in, "email", "sakura.new@example.com")
    assert response.status_code == 200
    assert b'data-error-code="code.resend_too_soon"' in response.content
    run_tasks()
    assert len(sent.messages("sakura.new@example.com")) == 1
    confirm(signed_in, "email", sent.code_for("sakura.new@example.com"))
    business_account.refresh_from_db()
    assert business_account.email == "sakura.new@example.com"


def test_the_code_page_needs_a_started_change(signed_in: Any) -> None:
    response = signed_in.get(reverse("business:verify_contact", kwargs={"kind": "phone"}), follow=True)
    assert response.redirect_chain[-1][0] == reverse("business:personal_information")
    assert "This page has expired. Please start again." in response.content.decode()


def test_a_code_for_an_email_change_cannot_confirm_it_from_another_account(
    signed_in: Any, make_business_account: Any, sent: Any, run_tasks: Any
) -> None:
    send_code(signed_in, "email", "sakura.new@example.com")
    run_tasks()
    code = sent.code_for("sakura.new@example.com")
    intruder = signed_in.__class__()
    make_business_account(email="intruder.biz@example.com")
    log_in(intruder, "intruder.biz@example.com")
    response = intruder.post(reverse("business:verify_contact", kwargs={"kind": "email"}), {"code": code})
    assert response["Location"] == reverse("business:personal_information")  # no flow in that session
    assert not BusinessAccount.objects.filter(email="sakura.new@example.com").exists()


# Phone


def test_change_phone_with_a_code_by_sms(signed_in: Any, business_account: Any, sent: Any, run_tasks: Any) -> None:
    response = send_code(signed_in, "phone", "+81 80 2222 3333")
    assert response["Location"] == reverse("business:verify_contact", kwargs={"kind": "phone"})
    assert "+81 ******3333" in signed_in.get(response["Location"]).content.decode()
    run_tasks()
    assert sent.last("+818022223333").channel == "sms"
    response = confirm(signed_in, "phone", sent.code_for("+818022223333"))
    page = signed_in.get(response["Location"]).content.decode()
    assert "Your phone number has been changed." in page and "+818022223333" in page
    business_account.refresh_from_db()
    assert business_account.phone == "+818022223333"

    run_tasks()
    notice = sent.last("+819012345678")
    assert notice.channel == "sms" and "+81 ******3333" in notice.body
    assert "registered on your account" in sent.last("+818022223333").body
    assert AuditEvent.objects.filter(account=business_account, kind=EventKind.PHONE_CHANGED).count() == 1
    assert log_in(signed_in.__class__(), "+818022223333").status_code == 302


def test_add_a_phone_to_an_account_that_has_none(
    client: Any, make_business_account: Any, sent: Any, run_tasks: Any
) -> None:
    account = make_business_account(email="nophone.biz@example.com")
    log_in(client, "nophone.biz@example.com")
    assert "Add phone number" in client.get(reverse("business:personal_information")).content.decode()
    assert (
        "Add phone number" in client.get(reverse("business:change_contact", kwargs={"kind": "phone"})).content.decode()
    )
    send_code(client, "phone", "+34 612 345 678")
    run_tasks()
    done = confirm(client, "phone", sent.code_for("+34612345678"))
    assert "Your phone number has been added." in client.get(done["Location"]).content.decode()
    account.refresh_from_db()
    assert account.phone == "+34612345678"
    run_tasks()
    # No old number to warn; the email on the account is not told about a phone it did not lose.
    assert [message.channel for message in sent.messages("+34612345678")] == ["sms", "sms"]


def test_a_phone_number_of_another_verified_account_is_refused_when_its_code_is_entered(
    signed_in: Any, make_business_account: Any, sent: Any, run_tasks: Any
) -> None:
    make_business_account(phone="+818022223333")
    assert send_code(signed_in, "phone", "+818022223333").status_code == 302
    run_tasks()
    response = confirm(signed_in, "phone", sent.code_for("+818022223333"))
    assert b'data-error-code="contact.in_use"' in response.content
    run_tasks()
    assert "already belongs to your account" in sent.last("+818022223333").body


@pytest.mark.parametrize(
    "number", ["12", "+81 12", "not a number", "+999 1234 5678", "9" * 300, "+81 90 1234 5678 9999"]
)
def test_an_invalid_phone_number_is_refused_on_its_field(signed_in: Any, number: str) -> None:
    response = send_code(signed_in, "phone", number)
    assert response.status_code == 200
    assert response.context["form"].errors["value"]


@pytest.mark.parametrize("address", ["not-an-email", "a@", "@example.com", "x" * 250 + "@example.com"])
def test_an_invalid_email_is_refused_on_its_field(signed_in: Any, address: str) -> None:
    response = send_code(signed_in, "email", address)
    assert response.status_code == 200
    assert response.context["form"].errors["value"]


def test_an_account_without_a_password_adds_an_email_without_one(
    client: Any, make_business_account: Any, sent: Any, run_tasks: Any
) -> None:
    account = make_business_account(email=None, phone="+819077778888", password=None)
    client.force_login(account)
    just_logged_in(client)
    page = client.get(reverse("business:change_contact", kwargs={"kind": "email"})).content.decode()
    assert "Add email address" in page and "Current password" not in page
    assert send_code(client, "email", "first@example.com", None).status_code == 302
    run_tasks()
    done = confirm(client, "email", sent.code_for("first@example.com"))
    assert "Your email address has been added." in client.get(done["Location"]).content.decode()
    account.refresh_from_db()
    assert account.email == "first@example.com"


# Password


def test_change_password_needs_the_current_one_and_notifies(
    signed_in: Any, other_browser: Any, business_account: Any, sent: Any, run_tasks: Any
) -> None:
    log_in(other_browser, "sakura.biz@example.com")
    url = reverse("business:change_password")
    response = signed_in.post(url, {"current_password": "not-it-at-all", "new_password": NEW_PASSWORD})
    assert b'data-error-code="password.incorrect"' in response.content
    business_account.refresh_from_db()
    assert business_account.check_password(PASSWORD)

    response = signed_in.post(url, {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response["Location"] == reverse("business:personal_information")
    assert "Your password has been changed." in signed_in.get(response["Location"]).content.decode()
    business_account.refresh_from_db()
    assert business_account.check_password(NEW_PASSWORD)
    # This browser stays signed in; the other device is signed out.
    assert signed_in.get(reverse("business:adsmanager")).status_code == 200
    assert other_browser.get(reverse("business:adsmanager")).status_code == 302

    run_tasks()
    assert sent.last("sakura.biz@example.com").subject == "Your Loop for Business password was changed"
    assert sent.last("+819012345678").channel == "sms"
    assert AuditEvent.objects.filter(account=business_account, kind=EventKind.PASSWORD_CHANGED).count() == 1


@pytest.mark.parametrize("new_password", ["", "short", "12345678", "password1"])
def test_a_weak_new_password_is_refused(signed_in: Any, business_account: Any, new_password: str) -> None:
    response = signed_in.post(
        reverse("business:change_password"), {"current_password": PASSWORD, "new_password": new_password}
    )
    assert response.status_code == 200 and response.context["form"].errors["new_password"]
    business_account.refresh_from_db()
    assert business_account.check_password(PASSWORD)


def test_an_account_without_a_password_can_set_one(client: Any, make_business_account: Any) -> None:
    account = make_business_account(email="loop-only@example.com", password=None)
    client.force_login(account)
    assert "Not set" in client.get(reverse("business:personal_information")).content.decode()
    page = client.get(reverse("business:change_password")).content.decode()
    assert "Set a password" in page and "Current password" not in page
    done = client.post(reverse("business:change_password"), {"new_password": NEW_PASSWORD})
    assert "Your password has been set." in client.get(done["Location"]).content.decode()
    assert log_in(client.__class__(), "loop-only@example.com", NEW_PASSWORD).status_code == 302


def test_an_account_without_a_password_needs_a_recent_login_to_change_its_email(
    client: Any, make_business_account: Any, sent: Any, run_tasks: Any
) -> None:
    account = make_business_account(email="nopassword@example.com", password=None)
    with time_machine.travel(timezone.now() - timedelta(minutes=11), tick=False):
        client.force_login(account)  # a login 11 minutes ago
    response = send_code(client, "email", "fresh@example.com")
    # Asked to confirm it's them first (kit.sessions.reauth), then back to this form to send again.
    assert response.status_code == 302
    assert response["Location"] == "/reauthenticate/?next=%2Fsettings%2Fpersonal%2Femail%2F&retry=1"
    run_tasks()
    assert not sent.messages("fresh@example.com")

    just_logged_in(client)
    assert (
        "current_password" not in client.get(reverse("business:change_contact", args=["email"])).context["form"].fields
    )
    assert send_code(client, "email", "fresh@example.com").status_code == 302
    run_tasks()
    assert sent.messages("fresh@example.com")
