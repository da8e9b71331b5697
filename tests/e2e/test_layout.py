"""Pages at phone and desktop sizes: screenshots for a person to look at, and no sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from tests.e2e.steps import ARTIFACTS, DESKTOP, PHONE, log_in_to_business, log_in_to_loop, path_is, save_screenshot

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem

SIZES = [PHONE, DESKTOP]


def capture_at_each_size(page: Page, name: str) -> list[str]:
    """Save ``<name>-<width>x<height>.png`` at each size; return the sizes that scroll sideways."""
    overflowing = []
    for size in SIZES:
        page.set_viewport_size(size)
        save_screenshot(page, ARTIFACTS / f"{name}-{size['width']}x{size['height']}.png", full_page=True)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            overflowing.append(f"{size['width']}x{size['height']}: scrollWidth {widths[0]} > innerWidth {widths[1]}")
    return overflowing


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
