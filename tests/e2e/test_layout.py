"""Pages at phone and desktop sizes: screenshots for a person to look at, and no sideways scrolling."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import (
    DEMO_PASSWORD,
    PHONE,
    capture_at_each_size,
    log_in_to_business,
    log_in_to_loop,
    path_is,
)

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem


def test_loop_profile_fits_a_phone_and_a_desktop(open_page: Callable[..., Page], system: RunningSystem) -> None:
    page = open_page(viewport=PHONE)
    log_in_to_loop(page, system.consumer_url, "@kenji")
    page.goto(f"{system.consumer_url}/profile/")
    expect(page.get_by_role("heading", name="Kenji Sato")).to_be_visible()

    assert capture_at_each_size(page, "loop-profile") == []


def test_business_personal_information_fits_a_phone_and_a_desktop(
    open_page: Callable[..., Page], system: RunningSystem
) -> None:
    page = open_page(viewport=PHONE)
    log_in_to_business(page, system.business_url, "hana.biz@example.com")
    page.goto(f"{system.business_url}/settings/personal/")
    expect(page).to_have_url(path_is("/settings/personal/"))
    expect(page.get_by_text("hana.biz@example.com", exact=True)).to_be_visible()

    assert capture_at_each_size(page, "business-personal-information") == []


# The twelve main pages (issue 17), found by address and by markup so that one walk serves every language.
def log_in_on_loop(page: Page, system: RunningSystem, handle: str) -> None:
    page.goto(f"{system.consumer_url}/login/")
    page.locator("input[name=identifier]").fill(handle)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(path_is("/login/"))


def log_in_on_business(page: Page, system: RunningSystem, email: str) -> None:
    page.goto(f"{system.business_url}/login/")
    page.locator("input[name=identifier]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form.stack button[type=submit]").first.click()
    expect(page).to_have_url(path_is("/adsmanager/"))


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_twelve_main_pages_fit_a_phone_and_a_desktop(
    open_page: Callable[..., Page], system: RunningSystem, language: str
) -> None:
    """Screenshots of each at 390x844 and 1280x800 (``test-artifacts/e2e/main-<language>-…``) for a
    person to look at, and none scrolls sideways. axe-core checks them after the test (conftest)."""
    locale = {"ja": "ja-JP", "en": "en-US"}[language]
    overflowing: dict[str, list[str]] = {}

    def capture(page: Page, name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", language)
        found = capture_at_each_size(page, f"main-{language}-{name}")
        if found:
            overflowing[name] = found

    loop = open_page(locale=locale, viewport=PHONE)
    loop.goto(f"{system.consumer_url}/login/")
    capture(loop, "01-loop-login")
    log_in_on_loop(loop, system, "@sakura")
    loop.goto(f"{system.consumer_url}/")
    capture(loop, "02-loop-home")
    loop.goto(f"{system.consumer_url}/profile/")
    capture(loop, "03-loop-profile")
    loop.goto(f"{system.consumer_url}/settings/security/apps/")
    capture(loop, "04-loop-manage-app-permissions")
    loop.locator("a[data-app]").first.click()
    expect(loop.locator("#remove-access-button")).to_be_visible()
    capture(loop, "05-loop-app-permission")
    loop.locator("#remove-access-button").click()
    expect(loop.get_by_role("alertdialog")).to_be_visible()
    capture(loop, "06-loop-remove-access-dialog")

    consent = open_page(locale=locale, viewport=PHONE)
    log_in_on_loop(consent, system, "@aiko")
    consent.goto(f"{system.business_url}/login/")
    consent.locator("button.loop-button").click()
    expect(consent).to_have_url(re.compile(r"/v2/auth/authorize/"))
    capture(consent, "07-loop-consent")

    business = open_page(locale=locale, viewport=PHONE)
    business.goto(f"{system.business_url}/login/")
    capture(business, "08-business-login")
    log_in_on_business(business, system, "sakura.biz@example.com")
    capture(business, "09-business-ads-manager")
    business.goto(f"{system.business_url}/settings/personal/")
    capture(business, "10-business-personal-information")
    business.locator("#unlink-loop-button").click()
    expect(business.get_by_role("dialog")).to_be_visible()
    capture(business, "11-business-unlink-dialog")
    business.goto(f"{system.business_url}/help/unlink-loop-account/")
    capture(business, "12-help-article")

    assert overflowing == {}
