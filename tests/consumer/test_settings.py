from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accountlink.consumer.accounts.models import AccountType
from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.consumer.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = [
    "loop:profile",
    "loop:settings",
    "loop:settings_account",
    "loop:settings_security",
    "loop:change_password",
    "loop:security_activity",
]


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_ask_for_login(client: Any, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("loop:login") + "?next=")


def test_profile_menu_leads_to_settings_and_privacy_then_security_and_login(client: Any, loop_account: Any) -> None:
    client.force_login(loop_account)
    profile = client.get(reverse("loop:profile")).content.decode()
    assert 'aria-label="Menu"' in profile
    assert f'href="{reverse("loop:settings")}">Settings and privacy<' in profile
    settings_page = client.get(reverse("loop:settings")).content.decode()
    assert f'href="{reverse("loop:settings_security")}">Security and login<' in settings_page
    assert f'href="{reverse("loop:settings_account")}">Account<' in settings_page
    security = client.get(reverse("loop:settings_security")).content.decode()
    assert "Change password" in security and "Security activity" in security


@pytest.mark.parametrize("account_type", [AccountType.BUSINESS, AccountType.ORGANIZATION, AccountType.PERSONAL])
def test_switch_account_type(client: Any, make_loop_account: Any, account_type: AccountType) -> None:
    account = make_loop_account(
        account_type=AccountType.PERSONAL if account_type != AccountType.PERSONAL else AccountType.BUSINESS
    )
    client.force_login(account)
    response = client.post(reverse("loop:settings_account"), {"account_type": account_type.value}, follow=True)
    account.refresh_from_db()
    assert account.account_type == account_type
    assert str(account_type.label) in response.content.decode()
    event = AuditEvent.objects.get(account=account, kind=EventKind.ACCOUNT_TYPE_CHANGED)
    assert event.data["new"] == account_type.value


def test_an_unknown_account_type_is_refused(client: Any, loop_account: Any) -> None:
    client.force_login(loop_account)
    response = client.post(reverse("loop:settings_account"), {"account_type": "celebrity"})
    assert response.status_code == 200 and response.context["form"].errors["account_type"]
    loop_account.refresh_from_db()
    assert loop_account.account_type == AccountType.PERSONAL


def test_change_password_needs_the_current_one_and_notifies(
    client: Any, loop_account: Any, sent: Any, run_tasks: Any
) -> None:
    client.force_login(loop_account)
    response = client.post(
        reverse("loop:change_password"),
        {"current_password": "not-it-at-all", "new_password": "another-long-passphrase"},
    )
    assert b'data-error-code="password.incorrect"' in response.content
    response = client.post(
        reverse("loop:change_password"), {"current_password": PASSWORD, "new_password": "another-long-passphrase"}
    )
    assert response.status_code == 302
    assert client.get(reverse("loop:profile")).status_code == 200  # still signed in
    loop_account.refresh_from_db()
    assert loop_account.check_password("another-long-passphrase")
    run_tasks()
    assert "password was changed" in sent.last("sakura@example.com").subject
    assert sent.last("+819012345678").channel == "sms"


def test_security_activity_shows_only_my_events(client: Any, loop_account: Any, make_loop_account: Any) -> None:
    other = make_loop_account(handle="someone")
    client.post(reverse("loop:login"), {"identifier": "someone", "password": PASSWORD})
    client.post(reverse("loop:logout"))
    client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})
    response = client.get(reverse("loop:security_activity"))
    events = list(response.context["events"])
    assert events and all(event.account_id == loop_account.pk for event in events)
    assert "Logged in" in response.content.decode()
    assert AuditEvent.objects.filter(account=other, kind=EventKind.LOGIN).exists()
