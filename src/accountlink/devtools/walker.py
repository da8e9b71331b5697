"""Walk help articles on the running system in a real browser (issue 6: executable articles).

The walker reads an article as the help center renders it: every step carries the UI label it names
(already translated, from the same message id the page uses), the kind of element it is, and the
platform it happens on. Then it does each step on the running system, in the same language, and
fails when the label is not on the page: an article and the UI cannot drift apart unnoticed.

The same walk saves each step's illustration (``accountlink help-screenshots``), and the browser
test (tests/e2e/test_help_articles.py) walks every article in English, Japanese and Spanish.

This module imports no Django: it runs beside the system, talking to it over HTTP and reading the
development outbox for verification codes, like a person reading their email.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from accountlink.kit.notify import outbox

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page, ViewportSize

LANGUAGES = ("en", "ja", "es")
# Debian's chromium, headless, quiet and offline (the tests launch it the same way).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_LOCALES = {"en": "en-US", "ja": "ja-JP", "es": "es-ES"}
# Phone-sized, like the Loop app; the business pages are made for it too.
SCREEN: ViewportSize = {"width": 390, "height": 720}
HIGHLIGHT = "4px solid #ff9500"  # orange: apart from both brands' blue and pink
STEP_TIMEOUT_MS = 10_000


class WalkError(AssertionError):
    """A step could not be done on the running system: the article and the UI disagree."""


@dataclass(frozen=True)
class StepOnPage:
    """One step as the article renders it (``data-*`` attributes of its ``<li>``)."""

    number: int
    label: str
    role: str
    platform: str
    value: str
    text: str


@dataclass(frozen=True)
class SectionOnPage:
    slug: str
    anchor: str
    title: str
    steps: tuple[StepOnPage, ...]


@dataclass
class Person:
    """Who does the walk: what they type on each platform and where their codes arrive."""

    loop_identifier: str = ""
    loop_password: str = ""
    business_identifier: str = ""
    business_password: str = ""
    email: str = ""  # typed into an email field; codes to it are read from the outbox
    name: str = ""
    new_password: str = ""
    message: str = ""
    # Every address a code for this person may go to (emails and E.164 phones).
    addresses: list[str] = field(default_factory=list)

    def set_password(self, platform: str, password: str) -> None:
        if platform == "loop":
            self.loop_password = password
        else:
            self.business_password = password

    def value(self, kind: str, platform: str) -> str:
        values = {
            "identifier": self.loop_identifier if platform == "loop" else self.business_identifier,
            "password": self.loop_password if platform == "loop" else self.business_password,
            "email": self.email,
            "name": self.name,
            "new_password": self.new_password,
            "message": self.message,
        }
        if kind not in values or not values[kind]:
            raise WalkError(f"the walk has no {kind!r} for this person on {platform}")
        return values[kind]


@dataclass(frozen=True)
class Site:
    consumer_url: str
    business_url: str
    data_dir: Path

    def url(self, platform: str, path: str) -> str:
        return (self.consumer_url if platform == "loop" else self.business_url) + path

    def code_for(self, person: Person, since: datetime, timeout: float = 15) -> str:
        """The newest 6-digit code sent to the person since ``since`` (the worker sends it)."""
        deadline = time.monotonic() + timeout
        while True:
            newest: tuple[str, str] | None = None
            for address in person.addresses:
                for message in outbox.read(self.data_dir / "outbox", to=address):
                    if datetime.fromisoformat(message.sent_at) <= since:
                        continue
                    found = re.search(r"(?<!\d)(\d{6})(?!\d)", message.body)
                    if found and (newest is None or message.sent_at > newest[0]):
                        newest = (message.sent_at, found.group(1))
            if newest is not None:
                return newest[1]
            if time.monotonic() > deadline:
                raise WalkError(f"no code reached {person.addresses} within {timeout} s")
            time.sleep(0.1)


def read_sections(page: Page, url: str) -> list[SectionOnPage]:
    """The sections of the article at ``url``, with their steps, as the page shows them."""
    page.goto(url)
    slug = page.locator("[data-article]").first.get_attribute("data-article") or ""
    found = page.evaluate(
        """() => [...document.querySelectorAll('[data-section]')].map(section => ({
            anchor: section.dataset.section,
            title: section.querySelector('h2')?.innerText.trim() ?? '',
            steps: [...section.querySelectorAll('li[data-step]')].map(step => ({
                number: Number(step.dataset.step), label: step.dataset.label, role: step.dataset.role,
                platform: step.dataset.platform, value: step.dataset.value,
                text: step.querySelector('p')?.innerText.trim() ?? step.innerText.trim(),
            })),
        }))"""
    )
    return [
        SectionOnPage(slug, item["anchor"], item["title"], tuple(StepOnPage(**step) for step in item["steps"]))
        for item in found
    ]


def _in_view(page: Page) -> Page | Locator:
    """Where a person can act: inside the open modal dialog when there is one (the page behind it is
    inert, and may repeat the dialog's labels, as Remove access does), else the whole page."""
    modal = page.locator('[aria-modal="true"]').filter(visible=True)
    return modal.first if modal.count() else page


def target(page: Page, step: StepOnPage) -> Locator | None:
    """The element a step names: found by its role and exact accessible name, as a person sees it."""
    if not step.label:
        return None
    scope = _in_view(page)
    if step.role in ("link", "button"):
        role: Literal["link", "button"] = "link" if step.role == "link" else "button"
        # Its whole name, or a line of it: a list entry such as an app's name above its details.
        found = scope.get_by_role(role, name=step.label, exact=True).or_(
            scope.get_by_role(role).filter(has=scope.get_by_text(step.label, exact=True))
        )
    elif step.role == "heading":
        found = scope.get_by_role("heading", name=step.label, exact=True)
    elif step.role == "field":
        found = scope.get_by_label(step.label, exact=True)
    elif step.role == "choice":
        found = scope.get_by_role("group", name=step.label, exact=True)
    else:
        found = scope.get_by_text(step.label, exact=True)
    return found.filter(visible=True).first


def fill_login(page: Page, person: Person, platform: str) -> None:
    """What a person types before pressing Log in: the form's two fields, whatever their labels."""
    page.locator("input[name=identifier]").fill(person.value("identifier", platform))
    page.locator("input[name=password]").fill(person.value("password", platform))


Shot = Callable[["Page", StepOnPage], None]


def walk_section(page: Page, site: Site, section: SectionOnPage, person: Person, shot: Shot | None = None) -> None:
    """Do every step of ``section`` on the page, from where it stands now."""
    last_press = datetime.now(UTC)
    for step in section.steps:
        where = f"{section.slug}#{section.anchor} step {step.number} ({step.role} {step.label!r}: {step.text!r})"
        element = target(page, step)
        if element is None:
            if shot is not None:
                shot(page, step)
            continue
        try:
            element.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
        except Exception as error:
            raise WalkError(f"{where}: not on {page.url}") from error
        if step.role == "field":
            kind = step.value or "message"
            text = site.code_for(person, last_press) if kind == "code" else person.value(kind, step.platform)
            element.fill(text)
            if kind == "new_password":  # from here on, the person logs in with it
                person.set_password(step.platform, text)
        elif step.role == "choice":
            element.get_by_role("radio").first.check()
        elif step.role == "button" and step.value == "login":
            fill_login(page, person, step.platform)
        if shot is not None:
            _highlighted(page, element, functools.partial(shot, page, step))
        if step.role in ("link", "button"):
            last_press = datetime.now(UTC)
            try:
                element.click(timeout=STEP_TIMEOUT_MS)
                page.wait_for_load_state()
            except Exception as error:
                raise WalkError(f"{where}: could not press it on {page.url}") from error


def _highlighted(page: Page, element: Locator, then: Callable[[], Any]) -> None:
    """Run ``then`` (a screenshot) while the element is outlined and in the middle of the screen."""
    handle = element.element_handle()
    if handle is None:
        then()
        return
    page.evaluate(
        "([el, outline]) => { el.scrollIntoView({block: 'center'}); el.dataset.helpOutline = el.style.outline;"
        " el.style.outline = outline; el.style.outlineOffset = '-3px'; }",
        [handle, HIGHLIGHT],
    )
    try:
        then()
    finally:
        page.evaluate(
            "el => { el.style.outline = el.dataset.helpOutline || ''; el.style.outlineOffset = '';"
            " delete el.dataset.helpOutline; }",
            handle,
        )


def section_shot(directory: Path, language: str, section: SectionOnPage) -> Shot:
    """A ``shot`` that saves ``<language>/<slug>/<anchor>-<n>.jpg`` (the help center's file names)."""

    def shot(page: Page, step: StepOnPage) -> None:
        path = directory / language / section.slug / f"{section.anchor}-{step.number}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), type="jpeg", quality=70)

    return shot
