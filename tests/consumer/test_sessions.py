"""Sessions that end, and **Manage devices** on Loop (DESIGN §8, issue 13 item 5).

Suspension, deletion and a restore end every session of the account for good; the holder sees
every signed-in browser under Settings and privacy → Security and login → Manage devices and logs
out one, or all others; a login from a browser never seen on the account sends a security alert.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accountlink.consumer.accounts.actions import do_delete_account, do_restore_account, do_suspend_account
from accountlink.consumer.support.actions import do_grant_appeal
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.sessions.models import AccountSession
from accountlink.kit.sessions.useragent import describe
from accountlink.kit.support.models import SupportCase
from tests.consumer.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68"
)
CHROME_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1"
)
SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
)
DEVICES = reverse("loop:sessions")


def browser_at(user_agent: str = CHROME_ANDROID, ip: str = "203.0.113.7") -> Client:
    """A browser of its own (its own cookies), with a User-Agent and a client address."""
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)


def log_in(browser: Client, identifier: str = "sakura", password: str = PASSWORD) -> Client:
    response = browser.post(reverse("loop:login"), {"identifier": identifier, "password": password})
    assert response.status_code == 302, response.content.decode()[:400]
    return browser


def is_signed_in(browser: Client) -> bool:
    """What the holder sees: the profile page, or the login page it sends them to."""
    return browser.get(reverse("loop:profile")).status_code == 200


def public_ids(page: str) -> list[str]:
    return re.findall(r'data-session="([^"]+)"', page)


# -- suspension, deletion and restore end sessions for good --------------------------------------


def test_a_suspended_then_restored_account_does_not_get_its_old_session_back(loop_account: Any) -> None:
    browser = log_in(browser_at())
    old_cookie = browser.cookies["loop_session"].value
    do_suspend_account(loop_account, reason="review")
    assert not is_signed_in(browser)
    do_restore_account(loop_account, reason="appeal accepted")
    replay = browser_at()
    replay.cookies["loop_session"] = old_cookie
    assert not is_signed_in(replay)
    assert not Session.objects.filter(session_key=old_cookie).exists()
    assert AccountSession.objects.get(account=loop_account).end_reason == "account_suspended"


def test_an_appeal_granted_by_support_ends_sessions_too(loop_account: Any, agent: Any) -> None:
    browser = log_in(browser_at())
    cookie = browser.cookies["loop_session"].value
    do_suspend_account(loop_account, reason="review")
    appeal = Client().post(
        reverse("loop:contact_support"),
        {
            "kind": "appeal",
            "requester_name": "Sakura Tanaka",
            "identifier": "sakura",
            "reply_to": "sakura@example.com",
            "message": "Please look again.",
        },
    )
    assert appeal.status_code == 302
    do_grant_appeal(SupportCase.objects.get(), actor=agent, reason="looked fine")
    replay = browser_at()
    replay.cookies["loop_session"] = cookie
    assert not is_signed_in(replay)
    assert is_signed_in(log_in(browser_at()))  # logging in again works


def test_suspension_ends_every_session_and_audits_it_in_the_same_transaction(loop_account: Any) -> None:
    phone, laptop = log_in(browser_at(CHROME_ANDROID)), log_in(browser_at(FIREFOX_WINDOWS, "198.51.100.9"))
    do_suspend_account(loop_account, reason="review")
    assert not is_signed_in(phone) and not is_signed_in(laptop)
    event = AuditEvent.objects.get(account=loop_account, kind=EventKind.ALL_SESSIONS_ENDED)
    assert event.data == {"count": 2, "reason": "account_suspended"}
    assert not AccountSession.objects.filter(account=loop_account, ended_at__isnull=True).exists()


def test_deleting_the_account_ends_every_session(loop_account: Any) -> None:
    other = log_in(browser_at())
    cookie = other.cookies["loop_session"].value
    do_delete_account(loop_account, actor=loop_account, reason="deleted_by_holder")
    replay = browser_at()
    replay.cookies["loop_session"] = cookie
    assert not is_signed_in(replay)
    assert AuditEvent.objects.filter(account=loop_account, kind=EventKind.ALL_SESSIONS_ENDED).exists()


def test_a_session_the_registry_does_not_know_is_refused(loop_account: Any) -> None:
    browser = log_in(browser_at())
    AccountSession.objects.filter(account=loop_account).delete()
    assert not is_signed_in(browser)


def test_a_session_whose_row_names_another_account_is_refused(loop_account: Any, make_loop_account: Any) -> None:
    browser = log_in(browser_at())
    other = make_loop_account()
    AccountSession.objects.filter(account=loop_account).update(account=other)
    assert not is_signed_in(browser)


# -- Manage devices --------------------------------------------------------------------------------


def test_security_and_login_leads_to_manage_devices(loop_account: Any) -> None:
    browser = log_in(browser_at())
    page = browser.get(reverse("loop:settings_security")).content.decode()
    assert f'<a href="{DEVICES}">Manage devices</a>' in page


def test_manage_devices_lists_every_signed_in_browser_with_this_device_first(loop_account: Any) -> None:
    laptop = log_in(browser_at(FIREFOX_WINDOWS, "198.51.100.9"))
    phone = log_in(browser_at(CHROME_ANDROID, "203.0.113.7"))
    page = phone.get(DEVICES).content.decode()
    assert page.index("Chrome on Android") < page.index("Firefox on Windows")
    assert "IP address 203.0.113.7" in page and "IP address 198.51.100.9" in page
    assert page.count('<span class="badge">This device</span>') == 1
    assert page.index("This device") < page.index("Firefox on Windows")
    assert "Log out of all other devices" in page
    assert "loop_session" not in page and laptop.cookies["loop_session"].value not in page  # ids, never keys


def test_a_browser_that_logged_out_is_no_longer_listed(loop_account: Any) -> None:
    laptop = log_in(browser_at(FIREFOX_WINDOWS))
    phone = log_in(browser_at(CHROME_ANDROID))
    laptop.post(reverse("loop:logout"))
    page = phone.get(DEVICES).content.decode()
    assert "Firefox on Windows" not in page
    assert "You're not logged in on any other device." in page


def test_log_out_one_other_browser(loop_account: Any) -> None:
    laptop = log_in(browser_at(FIREFOX_WINDOWS, "198.51.100.9"))
    phone = log_in(browser_at(CHROME_ANDROID))
    laptop_id = AccountSession.objects.get(account=loop_account, user_agent=FIREFOX_WINDOWS).public_id
    response = phone.post(reverse("loop:session_logout", args=[laptop_id]), follow=True)
    assert "Firefox on Windows has been logged out." in response.content.decode()
    assert not is_signed_in(laptop)
    assert is_signed_in(phone)
    event = AuditEvent.objects.get(account=loop_account, kind=EventKind.SESSION_ENDED)
    assert event.data["user_agent"] == FIREFOX_WINDOWS and event.data["ip"] == "198.51.100.9"
    activity = phone.get(reverse("loop:security_activity")).content.decode()
    assert "Device logged out" in activity and "Firefox on Windows (198.51.100.9)" in activity


def test_log_out_of_all_other_devices(loop_account: Any) -> None:
    others = [log_in(browser_at(agent)) for agent in (FIREFOX_WINDOWS, SAFARI_IPHONE)]
    phone = log_in(browser_at(CHROME_ANDROID))
    response = phone.post(reverse("loop:sessions_logout_others"), follow=True)
    assert "2 other devices have been logged out." in response.content.decode()
    assert not any(is_signed_in(browser) for browser in others)
    assert is_signed_in(phone)
    assert AuditEvent.objects.get(account=loop_account, kind=EventKind.OTHER_SESSIONS_ENDED).data == {
        "count": 2,
        "reason": "logged_out_elsewhere",
    }
    again = phone.post(reverse("loop:sessions_logout_others"), follow=True)
    assert "No other devices were logged in." in again.content.decode()


def test_another_accounts_session_is_not_found(loop_account: Any, make_loop_account: Any) -> None:
    other = make_loop_account(handle="mallory")
    victim = log_in(browser_at(FIREFOX_WINDOWS), "mallory")
    victim_id = AccountSession.objects.get(account=other).public_id
    attacker = log_in(browser_at())
    assert attacker.post(reverse("loop:session_logout", args=[victim_id])).status_code == 404
    assert attacker.post(reverse("loop:session_logout", args=["no-such-session"])).status_code == 404
    assert attacker.post(reverse("loop:session_logout", args=["bad\x00id"])).status_code == 404
    assert is_signed_in(victim)
    assert not AuditEvent.objects.filter(kind=EventKind.SESSION_ENDED).exists()


def test_an_ended_session_is_not_found_again(loop_account: Any) -> None:
    laptop = log_in(browser_at(FIREFOX_WINDOWS))
    phone = log_in(browser_at(CHROME_ANDROID))
    laptop_id = AccountSession.objects.get(account=loop_account, user_agent=FIREFOX_WINDOWS).public_id
    assert laptop.post(reverse("loop:logout")).status_code == 302
    assert phone.post(reverse("loop:session_logout", args=[laptop_id])).status_code == 404


def test_logging_out_a_device_needs_post_and_the_csrf_token(loop_account: Any) -> None:
    laptop = log_in(browser_at(FIREFOX_WINDOWS))
    laptop_id = AccountSession.objects.get(account=loop_account, user_agent=FIREFOX_WINDOWS).public_id
    phone = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=CHROME_ANDROID)
    phone.get(reverse("loop:login"))
    token = phone.cookies["loop_csrftoken"].value
    phone.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD, "csrfmiddlewaretoken": token})
    url = reverse("loop:session_logout", args=[laptop_id])
    assert phone.get(url).status_code == 405
    assert phone.post(url).status_code == 403
    assert phone.post(reverse("loop:sessions_logout_others")).status_code == 403
    assert is_signed_in(laptop)
    token = phone.cookies["loop_csrftoken"].value
    assert phone.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert not is_signed_in(laptop)


@pytest.mark.parametrize("method", ["get", "post"])
def test_manage_devices_asks_for_login(client: Client, method: str) -> None:
    for url in (DEVICES, reverse("loop:sessions_logout_others"), reverse("loop:session_logout", args=["x"])):
        response = getattr(client, method)(url)
        assert response.status_code in (302, 405)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("loop:login"))


def test_last_activity_is_written_at_most_every_few_minutes(loop_account: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        browser = log_in(browser_at())
        row = AccountSession.objects.get(account=loop_account)
        signed_in = row.last_active_at
        clock.shift(timedelta(minutes=2))
        browser.get(reverse("loop:profile"))
        row.refresh_from_db()
        assert row.last_active_at == signed_in
        clock.shift(timedelta(minutes=4))
        browser.get(reverse("loop:profile"))
        row.refresh_from_db()
        assert row.last_active_at == timezone.now()


def test_the_row_follows_the_session_when_a_password_change_rotates_its_key(loop_account: Any) -> None:
    laptop = log_in(browser_at(FIREFOX_WINDOWS))
    phone = log_in(browser_at(CHROME_ANDROID))
    before = phone.cookies["loop_session"].value
    response = phone.post(
        reverse("loop:change_password"), {"current_password": PASSWORD, "new_password": "a-brand-new-passphrase"}
    )
    assert response.status_code == 302
    after = phone.cookies["loop_session"].value
    assert after != before
    assert AccountSession.objects.get(account=loop_account, ended_at__isnull=True).session_key == after
    assert is_signed_in(phone)
    assert not is_signed_in(laptop)  # a password change logs out every other browser
    page = phone.get(DEVICES).content.decode()
    assert "Firefox on Windows" not in page and "This device" in page


def test_manage_devices_in_japanese(loop_account: Any) -> None:
    log_in(browser_at(FIREFOX_WINDOWS))
    phone = log_in(browser_at(CHROME_ANDROID))
    phone.cookies["loop_language"] = "ja"
    security = phone.get(reverse("loop:settings_security")).content.decode()
    assert "デバイスを管理" in security
    page = phone.get(DEVICES).content.decode()
    assert "<h1>デバイスを管理</h1>" in page
    assert "Android版Chrome" in page and "このデバイス" in page and "他のすべてのデバイスからログアウト" in page


# -- security alert for a new browser -------------------------------------------------------------


def test_a_login_from_a_new_browser_sends_a_security_alert_once(loop_account: Any, outbox: Any, run_tasks: Any) -> None:
    log_in(browser_at(FIREFOX_WINDOWS))  # the account's first login: no alert
    run_tasks()
    assert not outbox.messages()
    phone = log_in(browser_at(CHROME_ANDROID, "203.0.113.7"))  # a browser never seen on the account
    run_tasks()
    email = outbox.last("sakura@example.com")
    assert email.subject == "New login to your Loop account"
    assert "Device: Chrome on Android" in email.body and "IP address: 203.0.113.7" in email.body
    assert "http://127.0.0.1:8001/settings/security/devices/" in email.body
    sms = outbox.last("+819012345678")
    assert "new login from Chrome on Android" in sms.body and "/settings/security/devices/" in sms.body
    count = len(outbox.messages())
    phone.post(reverse("loop:logout"))
    log_in(phone)  # the same browser again: it is known now
    run_tasks()
    assert len(outbox.messages()) == count


def test_no_alert_for_the_first_login_after_sign_up(client: Client, outbox: Any, run_tasks: Any) -> None:
    client.post(
        reverse("loop:signup"),
        {
            "handle": "newbie",
            "display_name": "New Person",
            "contact": "newbie@example.com",
            "password": PASSWORD,
            "birth_date": "1990-01-01",
        },
    )
    run_tasks()
    code = outbox.code_for("newbie@example.com")
    response = client.post(reverse("loop:signup_verify"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("loop:profile")).status_code == 200
    run_tasks()
    subjects = [message.subject for message in outbox.messages("newbie@example.com")]
    assert len(subjects) == 2 and not any("New login" in subject for subject in subjects)


def test_the_alert_is_in_the_accounts_language(make_loop_account: Any, outbox: Any, run_tasks: Any) -> None:
    make_loop_account(handle="kaito", email="kaito@example.com", language="ja")
    log_in(browser_at(FIREFOX_WINDOWS), "kaito")
    log_in(browser_at(CHROME_ANDROID), "kaito")
    run_tasks()
    email = outbox.last("kaito@example.com")
    assert "Loopアカウントに新しいログインがありました" in email.subject
    assert "Android版Chrome" in email.body


# -- what a browser is called ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        (CHROME_ANDROID, "Chrome on Android"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (CHROME_IPHONE, "Chrome on iPhone"),
        (FIREFOX_WINDOWS, "Firefox on Windows"),
        (EDGE_WINDOWS, "Edge on Windows"),
        (SAFARI_MAC, "Safari on macOS"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36",
            "Chrome on Linux",
        ),
        ("curl/8.5.0", "curl"),
        ("Mozilla/5.0 (Linux; Android 14) SomethingNew/1.0", "A browser on Android"),
        ("", "Unknown device"),
    ],
)
def test_a_browser_is_named_as_people_know_it(user_agent: str, name: str) -> None:
    assert describe(user_agent) == name
