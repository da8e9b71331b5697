"""Steps several end-to-end tests take, written the way a person does them (English labels), and
where the screenshots go."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "loop-demo-2468"  # every demo account's password (DESIGN §12)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def artifact_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name).strip("-")


def save_screenshot(page: Page, path: Path, full_page: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)


def new_email(purpose: str) -> str:
    return f"e2e-{purpose}-{uuid.uuid4().hex[:10]}@example.com"


def path_is(path: str) -> re.Pattern[str]:
    """A URL pattern for ``expect(page).to_have_url``: this path, any query string."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def log_in_to_loop(page: Page, consumer_url: str, identifier: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{consumer_url}/login/")
    page.get_by_label("Username, email or phone").fill(identifier)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def log_in_to_business(page: Page, business_url: str, identifier: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{business_url}/login/")
    page.get_by_label("Email or phone number").fill(identifier)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(path_is("/adsmanager/"))


def capture_at_each_size(page: Page, name: str) -> list[str]:
    """Save ``<name>-<width>x<height>.png`` at each size; return the sizes that scroll sideways."""
    overflowing = []
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        save_screenshot(page, ARTIFACTS / f"{name}-{size['width']}x{size['height']}.png", full_page=True)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            overflowing.append(f"{size['width']}x{size['height']}: scrollWidth {widths[0]} > innerWidth {widths[1]}")
    return overflowing
