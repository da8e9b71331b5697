"""User settings → **Sessions** on Loop for Business, and the security alert for a login from a new
browser, also through Continue with Loop (DESIGN §8, issue 13 item 5)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as HttpClient

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.sessions.models import AccountSession
from tests.business.fake_loop import FakeLoop
from tests.business.pages import (
    ADS_MANAGER,
    NEW_PASSWORD,
    PASSWORD,
    authorize,
    continue_as_new,
    link,
    log_in,
    start_continue,
)

pytestmark = pytest.mark.django_db

SESSIONS = "/settings/sessions/"
LOG_OUT_OTHERS = "/settings/sessions/log-out-others/"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
SAFARI_IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def browser_at(user_agent: str = CHROME_MAC, ip: str = "192.0.2.10", **extra: Any) -> HttpClient:
    return HttpClient(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip, **extra)


def signed_in_at(user_agent: str = CHROME_MAC, ip: str = "192.0.2.10", email: str = "sakura.biz@example.com") -> Any:
    browser = browser_at(user_agent, ip)
    assert log_in(browser, email).status_code == 302
    return browser


def is_signed_in(browser: HttpClient) -> bool:
    return browser.get(ADS_MANAGER).status_code == 200


def log_out_url(public_id: str) -> str:
    return f"/settings/sessions/{public_id}/log-out/"


def test_user_settings_lead_to_sessions(business_account: BusinessAccount) -> None:
    browser = signed_in_at()
    overview = browser.get("/settings/").content.decode()
    assert f'<a href="{SESSIONS}" aria-describedby="about-sessions">Sessions</a>' in overview
    assert '<span class="about" id="about-sessions">Browsers logged in to your account</span>' in overview
    page = browser.get(SESSIONS).content.decode()
    assert f'<a href="{SESSIONS}" aria-describedby="about-sessions" aria-current="page">Sessions</a>' in page


def test_sessions_lists_every_browser_with_this_one_marked(business_account: BusinessAccount) -> None:
    signed_in_at(SAFARI_IPAD, "198.51.100.20")
    mac = signed_in_at(CHROME_MAC, "192.0.2.10")
    page = mac.get(SESSIONS).content.decode()
    assert page.index("Chrome on macOS") < page.index("Safari on iPad")
    assert "IP address 192.0.2.10" in page and "IP address 198.51.100.20" in page
    assert page.count("This device") == 1
    assert len(re.findall(r'data-session="[^"]+"', page)) == 2


def test_log_out_another_browser_and_all_others(business_account: BusinessAccount) -> None:
    ipad = signed_in_at(SAFARI_IPAD, "198.51.100.20")
    other = signed_in_at(SAFARI_IPAD, "198.51.100.21")
    mac = signed_in_at()
    ipad_id = AccountSession.objects.get(account=business_account, ip_address="198.51.100.20").public_id
    done = mac.post(log_out_url(ipad_id), follow=True)
    assert "Safari on iPad has been logged out." in done.content.decode()
    assert not is_signed_in(ipad) and is_signed_in(other) and is_signed_in(mac)
    done = mac.post(LOG_OUT_OTHERS, follow=True)
    assert "1 other device has been logged out." in done.content.decode()
    assert not is_signed_in(other) and is_signed_in(mac)
    kinds = list(AuditEvent.objects.filter(account=business_account).values_list("kind", flat=True))
    assert EventKind.SESSION_ENDED in kinds and EventKind.OTHER_SESSIONS_ENDED in kinds


def test_logging_out_this_browser_from_the_list_is_an_ordinary_log_out(business_account: BusinessAccount) -> None:
    mac = signed_in_at()
    own = AccountSession.objects.get(account=business_account).public_id
    assert mac.post(log_out_url(own))["Location"] == "/login/"
    assert not is_signed_in(mac)
    assert AuditEvent.objects.filter(account=business_account, kind=EventKind.LOGOUT).exists()


def test_another_accounts_session_is_not_found(business_account: BusinessAccount, make_business_account: Any) -> None:
    make_business_account(email="hana.biz@example.com")
    hana = signed_in_at(SAFARI_IPAD, email="hana.biz@example.com")
    hana_id = AccountSession.objects.get(account__email="hana.biz@example.com").public_id
    sakura = signed_in_at()
    assert sakura.post(log_out_url(hana_id)).status_code == 404
    assert sakura.post(log_out_url("unknown")).status_code == 404
    assert is_signed_in(hana)
    assert "Safari on iPad" not in sakura.get(SESSIONS).content.decode()


def test_the_buttons_need_post_and_the_csrf_token(business_account: BusinessAccount) -> None:
    ipad = signed_in_at(SAFARI_IPAD)
    ipad_id = AccountSession.objects.get(account=business_account).public_id
    mac = browser_at(enforce_csrf_checks=True)
    mac.get("/login/")
    token = mac.cookies["lfb_csrftoken"].value
    mac.post("/login/", {"identifier": "sakura.biz@example.com", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert mac.get(log_out_url(ipad_id)).status_code == 405
    assert mac.post(log_out_url(ipad_id)).status_code == 403
    assert mac.post(LOG_OUT_OTHERS).status_code == 403
    assert is_signed_in(ipad)


def test_sessions_in_japanese(business_account: BusinessAccount) -> None:
    mac = signed_in_at()
    mac.cookies["lfb_language"] = "ja"
    page = mac.get(SESSIONS).content.decode()
    assert "<h2>セッション</h2>" in page and "macOS版Chrome" in page and "このデバイス" in page


def test_a_password_reset_logs_out_every_browser(business_account: BusinessAccount, sent: Any, run_tasks: Any) -> None:
    mac = signed_in_at()
    reset = HttpClient()
    reset.post("/password/forgot/", {"identifier": "sakura.biz@example.com"})
    run_tasks()
    code = sent.code_for("sakura.biz@example.com")
    response = reset.post("/password/reset/", {"code": code, "new_password": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    assert not is_signed_in(mac)
    assert AuditEvent.objects.get(account=business_account, kind=EventKind.ALL_SESSIONS_ENDED).data == {
        "count": 1,
        "reason": "password_changed",
    }


# -- the security alert ---------------------------------------------------------------------------


def test_a_login_from_a_new_browser_alerts_every_contact(
    business_account: BusinessAccount, outbox: Any, run_tasks: Any
) -> None:
    mac = signed_in_at()
    run_tasks()
    assert not outbox.messages()  # the first login of the account
    signed_in_at(SAFARI_IPAD, "198.51.100.20")
    run_tasks()
    email = outbox.last("sakura.biz@example.com")
    assert email.subject == "New login to your Loop for Business account"
    assert "Device: Safari on iPad" in email.body and "IP address: 198.51.100.20" in email.body
    assert "http://testserver/settings/sessions/" in email.body
    assert "Safari on iPad" in outbox.last("+819012345678").body
    count = len(outbox.messages())
    mac.post("/logout/")
    assert log_in(mac, "sakura.biz@example.com").status_code == 302  # a browser seen before
    run_tasks()
    assert len(outbox.messages()) == count


def test_continue_with_loop_from_a_new_browser_alerts_too(
    business_account: BusinessAccount, fake_loop: FakeLoop, outbox: Any, run_tasks: Any
) -> None:
    sakura = fake_loop.person("sakura", "Sakura Tanaka")
    first = signed_in_at()
    link(first, fake_loop, sakura)
    run_tasks()
    before = len(outbox.messages("sakura.biz@example.com"))
    ipad = browser_at(SAFARI_IPAD)
    response = authorize(ipad, fake_loop, start_continue(ipad), sakura)
    assert response.request["PATH_INFO"] == ADS_MANAGER
    run_tasks()
    messages = outbox.messages("sakura.biz@example.com")
    assert len(messages) == before + 1
    assert messages[-1].subject == "New login to your Loop for Business account"


def test_no_alert_when_continue_with_loop_creates_the_account(fake_loop: FakeLoop, outbox: Any, run_tasks: Any) -> None:
    browser = browser_at()
    continue_as_new(browser, fake_loop, fake_loop.person("aiko", "Aiko Mori"))
    account = BusinessAccount.objects.get(loop_link__open_id="open-aiko")
    assert AccountSession.objects.filter(account=account, ended_at__isnull=True).count() == 1
    run_tasks()
    assert not outbox.messages()
