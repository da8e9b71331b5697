"""Remove access needs a recent authentication, asked for in place (DESIGN §8, issue 13 item 5).

A login counts for 10 minutes. After that, **Remove access** first asks "Confirm it's you" (the
password), then comes back: to the confirmation page for a GET, and, for a press of the button that
was interrupted, to the page the person was on, to press it again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accountlink.consumer.oauth.models import AppPermission
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.errors import CodedError, ErrorCode
from tests.consumer.conftest import PASSWORD
from tests.consumer.oauth_helpers import issue_tokens, logged_in, register

pytestmark = pytest.mark.django_db

REAUTHENTICATE = reverse("loop:reauthenticate")


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def app_with_access(loop_account: Any) -> Any:
    """Loop for Business, with access to ``loop_account``."""
    registered = register()
    issue_tokens(logged_in(loop_account), registered)
    return registered


@pytest.fixture
def stale(client: Client, loop_account: Any, clock: Any) -> Client:
    """A browser that logged in through the login page 11 minutes ago."""
    response = client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})
    assert response.status_code == 302
    clock.shift(timedelta(minutes=11))
    return client


def remove_url(app: Any) -> str:
    return reverse("loop:remove_app_access", args=[app.client.client_id])


def query(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def test_within_ten_minutes_of_logging_in_remove_access_asks_nothing_more(
    client: Client, loop_account: Any, app_with_access: Any, clock: Any
) -> None:
    client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})
    clock.shift(timedelta(minutes=9))
    assert client.get(remove_url(app_with_access)).status_code == 200
    assert client.post(remove_url(app_with_access)).status_code == 302
    assert not AppPermission.objects.filter(account=loop_account).exists()


def test_after_ten_minutes_remove_access_asks_to_confirm_its_you_then_comes_back(
    stale: Client, loop_account: Any, app_with_access: Any
) -> None:
    response = stale.get(remove_url(app_with_access))
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE + "?")
    assert query(response["Location"]) == {"next": remove_url(app_with_access)}
    page = stale.get(response["Location"]).content.decode()
    assert "<h1>Confirm it's you</h1>" in page
    assert f'<input type="hidden" name="next" value="{remove_url(app_with_access)}">' in page
    confirmed = stale.post(response["Location"], {"password": PASSWORD, "next": remove_url(app_with_access)})
    assert confirmed["Location"] == remove_url(app_with_access)
    assert stale.get(remove_url(app_with_access)).status_code == 200
    assert stale.post(remove_url(app_with_access)).status_code == 302
    assert not AppPermission.objects.filter(account=loop_account).exists()
    event = AuditEvent.objects.get(account=loop_account, kind=EventKind.REAUTHENTICATED)
    assert event.data == {"method": "password"}


def test_an_interrupted_remove_access_changes_nothing_and_comes_back_to_press_it_again(
    stale: Client, loop_account: Any, app_with_access: Any
) -> None:
    response = stale.post(remove_url(app_with_access))
    assert AppPermission.objects.filter(account=loop_account).exists()
    assert query(response["Location"]) == {"next": remove_url(app_with_access), "retry": "1"}
    page = stale.get(response["Location"]).content.decode()
    assert "Nothing was changed yet." in page
    back = stale.post(
        REAUTHENTICATE, {"password": PASSWORD, "next": remove_url(app_with_access), "retry": "1"}, follow=True
    )
    assert back.request["PATH_INFO"] == remove_url(app_with_access)
    assert "Thank you. Nothing was changed yet, so please do it again." in back.content.decode()
    assert "Remove access" in back.content.decode()
    stale.post(remove_url(app_with_access))
    assert not AppPermission.objects.filter(account=loop_account).exists()


def test_a_wrong_password_does_not_confirm_and_counts_as_a_guess(
    stale: Client, loop_account: Any, app_with_access: Any
) -> None:
    response = stale.post(REAUTHENTICATE, {"password": "not-it", "next": remove_url(app_with_access)})
    assert response.status_code == 200
    assert b'data-error-code="password.incorrect"' in response.content
    assert stale.get(remove_url(app_with_access))["Location"].startswith(REAUTHENTICATE)
    answers = [
        stale.post(REAUTHENTICATE, {"password": f"guess-{n}", "next": remove_url(app_with_access)}).content
        for n in range(12)
    ]
    assert b'data-error-code="auth.throttled"' in answers[-1]
    assert not AuditEvent.objects.filter(kind=EventKind.REAUTHENTICATED).exists()


def test_next_never_leads_off_site(stale: Client, loop_account: Any) -> None:
    response = stale.post(REAUTHENTICATE, {"password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("loop:settings_security")


def test_confirm_its_you_needs_a_login_and_the_csrf_token(client: Client, loop_account: Any) -> None:
    response = client.get(REAUTHENTICATE)
    assert response["Location"].startswith(reverse("loop:login"))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(loop_account)
    assert browser.post(REAUTHENTICATE, {"password": PASSWORD}).status_code == 403


def test_another_accounts_app_is_still_not_found_before_any_question(
    stale: Client, make_loop_account: Any, app_with_access: Any
) -> None:
    assert stale.get(reverse("loop:remove_app_access", args=["no-such-app"])).status_code == 404


def test_confirm_its_you_in_japanese(stale: Client, app_with_access: Any) -> None:
    stale.cookies["loop_language"] = "ja"
    location = stale.get(remove_url(app_with_access))["Location"]
    page = stale.get(location).content.decode()
    assert "本人確認" in page and "セキュリティ保護のため、続行する前に本人確認を行ってください。" in page
    assert ">続ける</button>" in page


def test_the_reauthentication_message_says_what_to_do_now() -> None:
    with translation.override("en"):
        message = CodedError(ErrorCode.REAUTH_REQUIRED).message
    assert message == "For your security, confirm it's you (it takes a moment), then try again."
    assert "log out" not in message.lower()


def test_a_first_password_needs_a_recent_login(client: Client, make_loop_account: Any, clock: Any) -> None:
    account = make_loop_account(handle="nopass", password=None)
    client.force_login(account)
    clock.shift(timedelta(minutes=11))
    response = client.get(reverse("loop:change_password"))
    assert response["Location"].startswith(REAUTHENTICATE)
    page = client.get(response["Location"]).content.decode()
    assert "There's no way to confirm it's you on this account right now." in page
    assert 'name="password"' not in page
