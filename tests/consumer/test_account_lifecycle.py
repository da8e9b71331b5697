"""R6: suspending or deleting a Loop account, or a birth date that makes its holder under 18, ends
every app's access, and each app is told with the matching webhook reason (4, 2, 3)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accountlink.consumer.accounts.actions import (
    do_change_birth_date,
    do_delete_account,
    do_restore_account,
    do_suspend_account,
)
from accountlink.consumer.accounts.models import AccountStatus
from accountlink.consumer.oauth.models import AppPermission
from accountlink.consumer.webhooks.models import WebhookDelivery
from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.consumer.conftest import PASSWORD
from tests.consumer.oauth_helpers import is_active, issue_tokens, logged_in, register
from tests.consumer.webhook_helpers import reason_of

pytestmark = pytest.mark.django_db


def seventeen_years_old() -> date:
    return date(timezone.localdate().year - 17, 1, 1)


@pytest.fixture
def two_apps(loop_account: Any) -> dict[str, Any]:
    """Loop for Business and a partner app, each with tokens for ``loop_account``."""
    apps = {}
    for name in ("Loop for Business", "Partner App"):
        registered = register(name)
        apps[name] = (registered, issue_tokens(logged_in(loop_account), registered))
    return apps


def deliveries() -> list[tuple[str, int]]:
    return sorted(WebhookDelivery.objects.values_list("client__name", "reason"))


def assert_every_app_lost_access(account: Any, apps: dict[str, Any]) -> None:
    assert not AppPermission.objects.filter(account=account).exists()
    for registered, tokens in apps.values():
        assert not is_active(registered, tokens["access_token"])
        assert not is_active(registered, tokens["refresh_token"])


# -- suspension: reason 4 ----------------------------------------------------------------------


def test_suspending_an_account_ends_every_apps_access_with_reason_4(
    loop_account: Any, two_apps: dict[str, Any], agent: Any
) -> None:
    do_suspend_account(loop_account, reason="spam", actor=agent)

    assert deliveries() == [("Loop for Business", 4), ("Partner App", 4)]
    assert_every_app_lost_access(loop_account, two_apps)
    removed = AuditEvent.objects.filter(account=loop_account, kind=EventKind.APP_ACCESS_REMOVED)
    assert sorted(removed.values_list("data__reason", flat=True)) == ["account_suspended"] * 2
    assert {event.actor for event in removed} == {agent}
    # Restoring the account does not bring the grants back: the apps must ask again.
    do_restore_account(loop_account, reason="appeal accepted", actor=agent)
    for registered, tokens in two_apps.values():
        assert not is_active(registered, tokens["access_token"])
        assert not is_active(registered, tokens["refresh_token"])


def test_suspension_webhook_is_delivered_signed(loop_account: Any, webhook_endpoint: Any, run_tasks: Any) -> None:
    registered = register()
    tokens = issue_tokens(logged_in(loop_account), registered)
    do_suspend_account(loop_account, reason="spam")
    run_tasks()
    [request] = webhook_endpoint.requests
    payload = webhook_endpoint.verified_payload(request, registered.client_secret)
    assert payload["user_openid"] == tokens["open_id"] and reason_of(payload) == 4


# -- deletion: reason 2 ------------------------------------------------------------------------


def test_the_account_page_offers_date_of_birth_and_delete_account(browser: HttpClient) -> None:
    page = browser.get(reverse("loop:settings_account")).content.decode()
    assert ">Date of birth</h2>" in page and 'name="birth_date"' in page
    assert ">Delete account</h2>" in page and 'name="password"' in page
    assert 'name="action" value="delete"' in page and ">Delete account</button>" in page


def test_deleting_the_account_needs_the_password(browser: HttpClient, loop_account: Any, two_apps: Any) -> None:
    response = browser.post(reverse("loop:settings_account"), {"action": "delete", "password": "not-my-password"})

    assert response.status_code == 200
    assert 'data-error-code="password.incorrect"' in response.content.decode()
    loop_account.refresh_from_db()
    assert loop_account.status == AccountStatus.ACTIVE
    assert AppPermission.objects.filter(account=loop_account).count() == 2
    assert deliveries() == []


def test_deleting_the_account_logs_out_ends_every_apps_access_and_tells_them_with_reason_2(
    client: HttpClient, loop_account: Any, two_apps: dict[str, Any], run_tasks: Any, outbox: Any
) -> None:
    other_session = logged_in(loop_account)
    client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})

    response = client.post(reverse("loop:settings_account"), {"action": "delete", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[0] == (reverse("loop:home"), 302)
    assert "Your Loop account has been deleted." in response.content.decode()
    assert client.get(reverse("loop:profile")).status_code == 302  # logged out
    assert other_session.get(reverse("loop:profile")).status_code == 302  # every other session too
    loop_account.refresh_from_db()
    assert loop_account.status == AccountStatus.DELETED
    event = AuditEvent.objects.get(account=loop_account, kind=EventKind.ACCOUNT_DELETED)
    assert event.actor == loop_account
    assert deliveries() == [("Loop for Business", 2), ("Partner App", 2)]
    assert_every_app_lost_access(loop_account, two_apps)
    run_tasks()
    subjects = [message.subject for message in outbox.messages(to="sakura@example.com")]
    assert "Your Loop account has been deleted" in subjects


def test_a_deleted_account_cannot_log_in_and_login_does_not_say_why(client: HttpClient, loop_account: Any) -> None:
    unknown = client.post(reverse("loop:login"), {"identifier": "nobody-here", "password": PASSWORD})
    do_delete_account(loop_account, actor=loop_account, reason="deleted_by_holder")

    response = client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})

    assert response.status_code == 200
    assert response.context["error_code"] == unknown.context["error_code"] == "login.invalid_credentials"
    assert b'data-error-code="login.invalid_credentials"' in response.content
    assert b"deleted" not in response.content.lower()
    assert client.get(reverse("loop:profile")).status_code == 302


def test_deleting_an_account_twice_is_harmless(loop_account: Any) -> None:
    registered = register()
    issue_tokens(logged_in(loop_account), registered)
    do_delete_account(loop_account, actor=None, reason="support request")
    do_delete_account(loop_account, actor=None, reason="support request")
    assert AuditEvent.objects.filter(kind=EventKind.ACCOUNT_DELETED).count() == 1
    assert deliveries() == [("Loop for Business", 2)]


def test_deleting_an_account_without_apps_sends_no_webhook(loop_account: Any) -> None:
    register()
    do_delete_account(loop_account, actor=loop_account, reason="deleted_by_holder")
    assert deliveries() == []


# -- birth date: reason 3 ----------------------------------------------------------------------


def test_a_birth_date_under_18_ends_every_apps_access_with_reason_3(
    browser: HttpClient, loop_account: Any, two_apps: dict[str, Any], webhook_endpoint: Any, run_tasks: Any
) -> None:
    born = seventeen_years_old()

    response = browser.post(
        reverse("loop:settings_account"), {"action": "birth_date", "birth_date": born.isoformat()}, follow=True
    )

    assert "Your date of birth has been saved." in response.content.decode()
    loop_account.refresh_from_db()
    assert loop_account.birth_date == born and loop_account.status == AccountStatus.ACTIVE
    event = AuditEvent.objects.get(account=loop_account, kind=EventKind.BIRTH_DATE_CHANGED)
    assert event.data == {"old": "1990-01-01", "new": born.isoformat()} and event.actor == loop_account
    assert deliveries() == [("Loop for Business", 3), ("Partner App", 3)]
    # The account is still active, so the tokens are inactive because they were revoked.
    assert_every_app_lost_access(loop_account, two_apps)
    assert "No apps have access to your account." in browser.get(reverse("loop:app_permissions")).content.decode()
    run_tasks()
    registered, _tokens = two_apps["Loop for Business"]
    business_requests = [
        request for request in webhook_endpoint.requests if registered.client.client_id.encode() in request.body
    ]
    [request] = business_requests
    assert reason_of(webhook_endpoint.verified_payload(request, registered.client_secret)) == 3


def test_a_birth_date_that_stays_18_or_over_ends_nothing(
    browser: HttpClient, loop_account: Any, two_apps: dict[str, Any]
) -> None:
    response = browser.post(reverse("loop:settings_account"), {"action": "birth_date", "birth_date": "1985-05-05"})

    assert response.status_code == 302
    loop_account.refresh_from_db()
    assert loop_account.birth_date == date(1985, 5, 5)
    assert AuditEvent.objects.filter(account=loop_account, kind=EventKind.BIRTH_DATE_CHANGED).count() == 1
    assert AppPermission.objects.filter(account=loop_account).count() == 2
    for registered, tokens in two_apps.values():
        assert is_active(registered, tokens["access_token"])
    assert deliveries() == []


def test_saving_the_same_birth_date_changes_nothing(loop_account: Any) -> None:
    do_change_birth_date(loop_account, date(1990, 1, 1), actor=loop_account)
    assert not AuditEvent.objects.filter(kind=EventKind.BIRTH_DATE_CHANGED).exists()


@pytest.mark.parametrize(
    "birth_date, code",
    [
        (date(timezone.localdate().year - 10, 1, 1).isoformat(), "signup.too_young"),
        (date(timezone.localdate().year + 1, 1, 1).isoformat(), "birth_date"),
        ("not a date", "invalid"),
    ],
)
def test_an_impossible_or_too_young_birth_date_is_refused(
    browser: HttpClient, loop_account: Any, two_apps: Any, birth_date: str, code: str
) -> None:
    response = browser.post(reverse("loop:settings_account"), {"action": "birth_date", "birth_date": birth_date})

    assert response.status_code == 200
    assert response.context["birth_date_form"].errors["birth_date"]
    assert response.context["birth_date_form"].has_error("birth_date", code)
    loop_account.refresh_from_db()
    assert loop_account.birth_date == date(1990, 1, 1)
    assert deliveries() == []


def test_switching_account_type_still_works_beside_the_new_forms(browser: HttpClient, loop_account: Any) -> None:
    response = browser.post(reverse("loop:settings_account"), {"action": "account_type", "account_type": "business"})
    assert response.status_code == 302
    loop_account.refresh_from_db()
    assert loop_account.account_type == "business"
