"""A look people trust, and the page-level accessibility of both platforms (issue 17): the skip link
and focus ring, announced messages, Loop's side navigation on a desktop, branded error pages and
favicons, and axe-core (WCAG 2.0/2.1/2.2 A and AA) finding nothing on the pages the layout draws."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.steps import DESKTOP, PHONE, log_in_to_business, log_in_to_loop, path_is

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}

# Records what is added to a message's live region once the page has loaded (see announce.js).
RECORD_ANNOUNCEMENTS = """
window.__announced = [];
window.addEventListener("load", () => {
  document.querySelectorAll("[data-messages] [role]").forEach((region) => {
    new MutationObserver((changes) => {
      const added = changes.flatMap((change) => Array.from(change.addedNodes, (node) => node.textContent));
      window.__announced.push({ role: region.getAttribute("role"), text: added.join("") });
    }).observe(region, { childList: true });
  });
});
"""


def in_language(page: Page, system: RunningSystem, language: str) -> None:
    """Both platforms' language cookies, as the language switcher sets them."""
    for cookie, url in (("loop_language", system.consumer_url), ("lfb_language", system.business_url)):
        page.context.add_cookies([{"name": cookie, "value": language, "url": url}])


def axe_violations(page: Page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{page.url} {violation['id']}: {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
    ]


def test_the_skip_link_shows_when_focused_and_moves_focus_to_the_content(page: Page, system: RunningSystem) -> None:
    page.goto(f"{system.consumer_url}/")  # the welcome page: no field takes the focus first
    skip = page.get_by_role("link", name="Skip to content", exact=True)
    assert (skip.bounding_box() or {"width": 0})["width"] <= 1  # out of sight until focused

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["width"] > 60 and box["height"] > 30, box
    outline = skip.evaluate("(element) => getComputedStyle(element).outlineStyle")
    assert outline != "none"

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_the_focus_ring_is_visible_on_links_and_buttons(page: Page, system: RunningSystem) -> None:
    page.goto(f"{system.business_url}/no-such-page/")
    for _ in range(3):  # skip link, the brand, Log in
        page.keyboard.press("Tab")
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert ring[0] == "solid" and float(ring[1].removesuffix("px")) >= 2, ring


def test_a_message_is_added_to_its_live_region_after_the_page_has_loaded(page: Page, system: RunningSystem) -> None:
    page.add_init_script(RECORD_ANNOUNCEMENTS)
    log_in_to_business(page, system.business_url, "hana.biz@example.com")
    in_language(page, system, "en")  # whatever language the account has saved
    page.goto(f"{system.business_url}/settings/personal/")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(path_is("/settings/personal/"))
    expect(page.get_by_role("status")).to_have_text("Your display name has been updated.")
    page.wait_for_function("() => window.__announced.length > 0")
    assert page.evaluate("() => window.__announced") == [
        {"role": "status", "text": "Your display name has been updated."}
    ]


def test_loop_has_a_side_navigation_on_a_desktop_and_a_tab_bar_on_a_phone(
    open_page: Callable[..., Page], system: RunningSystem
) -> None:
    page = open_page(viewport=DESKTOP)
    log_in_to_loop(page, system.consumer_url, "@kenji")
    in_language(page, system, "en")
    page.goto(f"{system.consumer_url}/profile/")
    navigation = page.get_by_role("navigation", name="Main")
    side = navigation.bounding_box()
    assert side is not None and side["x"] == 0 and side["width"] < 300 and side["height"] == DESKTOP["height"], side
    home = navigation.get_by_role("link", name="Home", exact=True).bounding_box()
    profile = navigation.get_by_role("link", name="Profile", exact=True).bounding_box()
    assert home and profile and abs(home["x"] - profile["x"]) < 2 and 0 < profile["y"] - home["y"] < 80
    expect(navigation.get_by_role("link", name="Settings", exact=True)).to_be_visible()
    main = page.get_by_role("main").bounding_box()
    assert main is not None and main["x"] >= side["width"]

    page.set_viewport_size(PHONE)
    bar = navigation.bounding_box()
    assert bar is not None and bar["width"] == PHONE["width"] and bar["y"] + bar["height"] == PHONE["height"], bar
    expect(navigation.get_by_role("link", name="Settings", exact=True)).to_be_hidden()


@pytest.mark.parametrize("platform", ["consumer", "business"])
def test_error_pages_and_the_favicon_carry_the_brand(page: Page, system: RunningSystem, platform: str) -> None:
    base = system.consumer_url if platform == "consumer" else system.business_url
    icon = requests.get(f"{base}/favicon.ico", timeout=10)
    assert icon.status_code == 200 and icon.headers["Content-Type"].startswith("image/svg+xml")

    page.context.add_cookies(
        [{"name": "loop_language" if platform == "consumer" else "lfb_language", "value": "ja", "url": base}]
    )
    response = page.goto(f"{base}/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", name="ページが見つかりません", exact=True)).to_be_visible()
    expect(page.get_by_role("banner").locator(f"img[src$='{platform}-mark.svg']")).to_be_visible()
    expect(page.locator("link[rel=icon]")).to_have_attribute("href", f"/static/accountlink/brand/{platform}-mark.svg")


def loop_pages(system: RunningSystem) -> tuple[Callable[[Page], None], list[str]]:
    return (lambda page: log_in_to_loop(page, system.consumer_url, "@kenji")), [
        f"{system.consumer_url}{path}"
        for path in ("/", "/profile/", "/settings/", "/settings/security/", "/no-such-page/")
    ]


def business_pages(system: RunningSystem) -> tuple[Callable[[Page], None], list[str]]:
    return (lambda page: log_in_to_business(page, system.business_url, "hana.biz@example.com")), [
        f"{system.business_url}{path}"
        for path in ("/adsmanager/", "/settings/", "/settings/personal/", "/settings/security/", "/no-such-page/")
    ]


@pytest.mark.parametrize("pages", [loop_pages, business_pages], ids=["loop", "business"])
@pytest.mark.parametrize("locale", ["en-US", "ja-JP"])
def test_axe_finds_nothing_on_the_layouts_pages_at_both_sizes(
    open_page: Callable[..., Page], system: RunningSystem, pages: Any, locale: str
) -> None:
    log_in, addresses = pages(system)
    page = open_page(viewport=PHONE)
    log_in(page)
    in_language(page, system, locale[:2])
    found = []
    for address in addresses:
        page.goto(address)
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            found += axe_violations(page)
    assert found == []
