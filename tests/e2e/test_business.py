"""Loop for Business in a real browser: sign-up, Ads Manager, User settings, forgot password."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from tests.e2e.steps import log_in_to_business, new_email, path_is

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem


def test_sign_up_with_an_email_confirm_the_code_create_an_ad_account_and_see_the_email(
    page: Page, system: RunningSystem
) -> None:
    email = new_email("signup")
    page.goto(f"{system.business_url}/signup/")
    page.get_by_label("Email or phone number").fill(email)
    page.get_by_label("Password", exact=True).fill("Harbor-Lantern-7391")
    sent_after = system.now()
    page.get_by_role("button", name="Sign up", exact=True).click()

    expect(page).to_have_url(path_is("/signup/verify/"))
    page.get_by_label("Verification code").fill(system.last_code(email, after=sent_after))
    page.get_by_role("button", name="Confirm", exact=True).click()

    expect(page).to_have_url(path_is("/adsmanager/"))
    expect(page).to_have_title("Ads Manager · Loop for Business")
    expect(page.get_by_role("status")).to_have_text("Welcome to Loop for Business!")
    expect(page.get_by_text("You don't have any ad accounts yet.")).to_be_visible()

    page.get_by_role("link", name="Create ad account").first.click()
    page.get_by_label("Ad account name").fill("Spring campaign")
    page.get_by_label("Currency").select_option(label="Japanese yen (JPY)")
    page.get_by_label("Time zone").select_option(label="Asia/Tokyo")
    page.get_by_role("button", name="Create", exact=True).click()

    expect(page).to_have_url(path_is("/adsmanager/"))
    row = page.get_by_role("row").filter(has_text="Spring campaign")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("JPY")
    expect(row).to_contain_text("Asia/Tokyo")

    page.get_by_role("button", name="Profile menu").click()
    page.get_by_role("link", name="User settings", exact=True).click()
    expect(page).to_have_url(path_is("/settings/"))
    page.get_by_role("link", name="Personal information", exact=True).click()

    expect(page).to_have_url(path_is("/settings/personal/"))
    expect(page.get_by_role("heading", name="Personal information")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text=email)).to_have_text(email)


def test_forgot_password_sends_a_code_and_the_new_password_logs_in(page: Page, system: RunningSystem) -> None:
    email = "aiko.biz@example.com"
    new_password = "Maple-Compass-4826"
    page.goto(f"{system.business_url}/login/")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email or phone number").fill(email)
    sent_after = system.now()
    page.get_by_role("button", name="Send code", exact=True).click()

    expect(page).to_have_url(path_is("/password/reset/"))
    page.get_by_label("Verification code").fill(system.last_code(email, after=sent_after))
    page.get_by_label("New password").fill(new_password)
    page.get_by_role("button", name="Reset password", exact=True).click()

    expect(page).to_have_url(path_is("/login/"))
    expect(page.get_by_role("status")).to_have_text("Your password has been reset. Log in with your new password.")
    log_in_to_business(page, system.business_url, email, new_password)
