"""Loop in a real browser: the path to Security and login (DESIGN §4.2 steps 1-6), and a suspended login."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import DEMO_PASSWORD, log_in_to_loop, path_is

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem


def test_profile_menu_leads_to_security_and_login_and_security_activity_shows_the_login(
    page: Page, system: RunningSystem
) -> None:
    log_in_to_loop(page, system.consumer_url, "@sakura")
    expect(page).to_have_url(path_is("/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile", exact=True).click()
    expect(page).to_have_url(path_is("/profile/"))
    page.get_by_role("button", name="Menu", exact=True).click()
    page.get_by_role("link", name="Settings and privacy", exact=True).click()
    expect(page.get_by_role("heading", name="Settings and privacy")).to_be_visible()
    # List links end with a CSS chevron (content: "\203A") that is part of their accessible name, so no exact match.
    page.get_by_role("link", name="Security and login").click()

    expect(page.get_by_role("heading", name="Security and login")).to_be_visible()
    expect(page.get_by_role("link", name="Change password")).to_be_visible()
    page.get_by_role("link", name="Security activity").click()

    expect(page.get_by_role("heading", name="Security activity")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has=page.get_by_text("Logged in", exact=True)).first).to_be_visible()


@pytest.mark.parametrize("locale", ["ja-JP"])
def test_the_same_path_in_japanese(page: Page, system: RunningSystem) -> None:
    page.goto(f"{system.consumer_url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.get_by_label("ユーザー名、メールアドレス、または電話番号").fill("@sakura")
    page.get_by_label("パスワード", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page).to_have_url(path_is("/"))

    page.get_by_role("navigation").get_by_role("link", name="プロフィール", exact=True).click()
    expect(page).to_have_url(path_is("/profile/"))
    page.get_by_role("button", name="メニュー", exact=True).click()
    page.get_by_role("link", name="設定とプライバシー", exact=True).click()
    expect(page.get_by_role("heading", name="設定とプライバシー")).to_be_visible()
    page.get_by_role("link", name="セキュリティとログイン").click()

    expect(page).to_have_url(path_is("/settings/security/"))
    expect(page.get_by_role("heading", name="セキュリティとログイン")).to_be_visible()


def test_suspended_account_sees_why_it_cannot_log_in(page: Page, system: RunningSystem) -> None:
    log_in_to_loop(page, system.consumer_url, "@yuki")

    error = page.locator('[data-error-code="login.suspended"]')
    expect(error).to_be_visible()
    expect(error).to_have_text("This account is suspended, so you can't log in right now. Learn more about this")
    learn_more = error.get_by_role("link", name="Learn more about this", exact=True)
    expect(learn_more).to_have_attribute("href", f"{system.business_url}/help/cant-log-in/?lang=en#login-suspended")
    expect(page).to_have_url(path_is("/login/"))
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)  # the signed-in tab bar
