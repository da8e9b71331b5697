"""Pages at phone and desktop sizes: screenshots for a person to look at, and no sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from tests.e2e.steps import PHONE, capture_at_each_size, log_in_to_business, log_in_to_loop, path_is

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
