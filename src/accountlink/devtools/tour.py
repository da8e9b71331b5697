"""The tour: every stepped section of every help article, walked on the running system in one
language, in an order where each walk leaves what the next one needs (issue 6).

Each walk names the section, the person who does it and where it starts. The people are made fresh
for each language (through each platform's own actions, by ``tour_accounts``), so the tour can run
again and again on the same system. Some walks are there to set the stage (``illustrate=False``):
linking an account again before the next section removes the link, for instance.

``walk_all`` fails when a section with steps is on the site but not in the tour, or the other way
round, so a new article cannot go unwalked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .processes import platform_env
from .walker import (
    BROWSER_LOCALES,
    SCREEN,
    Person,
    SectionOnPage,
    Site,
    WalkError,
    read_sections,
    section_shot,
    walk_section,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# Loop's own help pages (the help center's index lists only Loop for Business articles).
LOOP_ARTICLES = ("manage-app-permissions",)
PASSWORD = "Tour-Lantern-5827"
NEW_PASSWORD = "Tour-Harbor-9264"
MESSAGE = "I created this account in 2024 for the Sakura Flowers shop and can no longer log in."
# Settings of the process that runs the tour which must not reach the system's own processes.
FOREIGN_SETTINGS = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ACCOUNTLINK_DATA_DIR", "ACCOUNTLINK_SQLITE_NAME")


@dataclass(frozen=True)
class Walk:
    slug: str
    anchor: str
    person: str
    # (platform, path) where the person starts, in a new browser; None: go on where the last walk stopped.
    start: tuple[str, str] | None
    illustrate: bool = True


TOUR: tuple[Walk, ...] = (
    # Ana has a Loop account and a business account with an email and a password.
    Walk("link-existing-account", "link-in-user-settings", "ana", ("business", "/login/")),
    Walk("unlink-loop-account", "unlink-in-user-settings", "ana", ("business", "/login/")),
    Walk("cant-log-in", "forgot-business-password", "ana", ("business", "/login/")),
    Walk("cant-log-in", "forgot-loop-password", "ana", ("loop", "/login/")),
    Walk("cant-log-in", "contact-support", "ana", ("business", "/login/")),
    Walk("loop-account-types", "check-or-change-type", "ana", ("loop", "/login/")),
    # Ben has only a Loop account: he signs up with it, then adds an email and a password.
    Walk("sign-up-with-loop", "sign-up", "ben", ("business", "/signup/")),
    Walk("sign-up-with-loop", "add-email-and-password", "ben", None),
    Walk("sign-up-with-loop", "already-linked", "ben", ("business", "/login/")),
    Walk("unlink-loop-account", "remove-access-in-loop", "ben", ("loop", "/login/")),
    # Cleo signs up the same way, and meets the two refusals an account like hers can get.
    Walk("sign-up-with-loop", "sign-up", "cleo", ("business", "/signup/"), illustrate=False),
    Walk("linking-errors", "unlink-no-contact", "cleo", None),
    Walk("linking-errors", "unlink-last-login-method", "cleo", None),
    Walk("manage-app-permissions", "remove-access", "cleo", ("loop", "/login/")),
)
# Who has a business account of their own before the tour (the others make one on the way).
WITH_BUSINESS_ACCOUNT = {"ana"}


def make_people(site: Site, language: str) -> dict[str, Person]:
    """Fresh people for one language's tour: adult Loop accounts, and business accounts for some."""
    tag = f"{language}{uuid.uuid4().hex[:6]}"
    names = sorted({walk.person for walk in TOUR})
    full_names = {"ana": "Ana Ruiz", "ben": "Ben Sato", "cleo": "Cleo Park"}
    specs = {
        name: {
            "handle": f"{name}{tag}",
            "loop": f"{name}-{tag}@loop.example",
            "business": f"{name}-{tag}@business.example",
            "reply": f"{name}-{tag}@reply.example",
            "name": full_names.get(name, name.title()),
        }
        for name in names
    }
    create_accounts(site, "consumer", list(specs.values()), language)
    create_accounts(site, "business", [spec for name, spec in specs.items() if name in WITH_BUSINESS_ACCOUNT], language)
    return {
        name: Person(
            loop_identifier=spec["handle"],
            loop_password=PASSWORD,
            business_identifier=spec["business"],
            business_password=PASSWORD,
            # What they type where an email is asked for: a new address for those who make their
            # business account on the way; else where support can reach them.
            email=spec["reply"] if name in WITH_BUSINESS_ACCOUNT else spec["business"],
            name=spec["name"],
            new_password=NEW_PASSWORD,
            message=MESSAGE,
            addresses=[spec["loop"], spec["business"], spec["reply"]],
        )
        for name, spec in specs.items()
    }


def create_accounts(site: Site, platform: str, people: list[dict[str, str]], language: str) -> None:
    """Make ``people``'s accounts on one platform of the running system (``tour_accounts``)."""
    base = {key: value for key, value in os.environ.items() if key not in FOREIGN_SETTINGS}
    request = {"platform": platform, "language": language, "password": PASSWORD, "people": people}
    result = subprocess.run(
        [sys.executable, "-m", "accountlink.devtools.tour_accounts"],
        env=platform_env(platform, site.data_dir, base),
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise WalkError(f"preparing the tour on {platform} failed:\n{result.stderr[-3000:]}")


def article_url(site: Site, slug: str) -> str:
    return site.url("loop" if slug in LOOP_ARTICLES else "business", f"/help/{slug}/")


def business_slugs(page: Page, site: Site) -> list[str]:
    """Every article the help center lists."""
    page.goto(site.url("business", "/help/"))
    hrefs = page.locator(".help-list a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    return [href.strip("/").split("/")[-1] for href in hrefs]


def walk_all(browser: Browser, site: Site, language: str, shots: Path | None = None) -> list[str]:
    """Walk the tour in ``language``; save each step's screenshot under ``shots`` if given.
    Returns what was walked, as ``slug#anchor``."""
    locale = BROWSER_LOCALES[language]
    reader = browser.new_context(locale=locale, viewport=SCREEN)
    try:
        page = reader.new_page()
        sections: dict[tuple[str, str], SectionOnPage] = {}
        for slug in [*business_slugs(page, site), *LOOP_ARTICLES]:
            for section in read_sections(page, article_url(site, slug)):
                if section.steps:
                    sections[(section.slug, section.anchor)] = section
            shown = page.locator("html").get_attribute("lang")
            if shown != language:
                raise WalkError(f"{slug} is shown in {shown!r}, not {language!r}")
    finally:
        reader.close()
    planned = {(walk.slug, walk.anchor) for walk in TOUR}
    if missing := sorted(set(sections) - planned):
        raise WalkError(f"sections with steps that the tour does not walk: {missing}")
    if gone := sorted(planned - set(sections)):
        raise WalkError(f"the tour walks sections the help center does not have: {gone}")

    people = make_people(site, language)
    walked = []
    context: BrowserContext | None = None
    walking: Page | None = None
    try:
        for walk in TOUR:
            section = sections[(walk.slug, walk.anchor)]
            if walk.start is not None or walking is None:
                if context is not None:
                    context.close()
                context = browser.new_context(locale=locale, viewport=SCREEN)
                context.set_default_timeout(10_000)
                walking = context.new_page()
                platform, path = walk.start or ("business", "/login/")
                walking.goto(site.url(platform, path))
            shot = section_shot(shots, language, section) if shots is not None and walk.illustrate else None
            try:
                walk_section(walking, site, section, people[walk.person], shot)
            except WalkError:
                if shots is not None:  # what the page showed when the article and the UI parted
                    walking.screenshot(path=str(shots / f"FAILED-{language}-{walk.slug}-{walk.anchor}.png"))
                raise
            walked.append(f"{walk.slug}#{walk.anchor}")
    finally:
        if context is not None:
            context.close()
    return walked
