"""Executable help articles (issue 6): every step of every article is done on a running system in
English, Japanese and Spanish, clicking the labels the article names (English and Spanish on the
shared system, Japanese by ``accountlink help-screenshots`` on a system of its own); and from an error
on either platform, one click reaches the section that explains it, in the reader's language."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from accountlink.devtools import tour
from accountlink.devtools.walker import (
    SCREEN,
    Person,
    SectionOnPage,
    Site,
    StepOnPage,
    WalkError,
    read_sections,
    walk_section,
)
from tests.e2e.conftest import RunningSystem, accountlink_command
from tests.e2e.steps import ARTIFACTS, PHONE, path_is
from tests.e2e.support_steps import BROWSER_LOCALES, Labels


def site_of(system: RunningSystem) -> Site:
    return Site(system.consumer_url, system.business_url, system.data_dir)


@dataclass
class HelpScreenshots:
    """``accountlink help-screenshots --language ja`` running in the background, into ``out``."""

    process: subprocess.Popen[bytes]
    out: Path
    logs: Path

    def result(self, timeout: float = 600) -> tuple[int, str, str]:
        """Its exit code, output and errors, once it has ended."""
        returncode = self.process.wait(timeout)
        stdout, stderr = ((self.logs / name).read_text(errors="replace") for name in ("stdout.txt", "stderr.txt"))
        return returncode, stdout, stderr


@pytest.fixture(scope="module", autouse=True)
def help_screenshots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HelpScreenshots]:
    """The command starts a system of its own and walks the articles on it, which takes a while and
    leaves a core idle much of the time: it runs from the start of this module, beside the walks on
    the shared system, and its test reads what it did."""
    logs, out = tmp_path_factory.mktemp("help-screenshots-logs"), tmp_path_factory.mktemp("help-screenshots")
    with open(logs / "stdout.txt", "wb") as stdout, open(logs / "stderr.txt", "wb") as stderr:
        process = subprocess.Popen(
            [*accountlink_command(), "help-screenshots", "--language", "ja", "--out", str(out)],
            stdout=stdout,
            stderr=stderr,
        )
    try:
        yield HelpScreenshots(process, out, logs)
    finally:
        if process.poll() is None:  # its test did not wait for it (it failed, or was not selected)
            process.terminate()
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# Every article appears in the walk, the Loop page too.
ARTICLES = {
    "unlink-loop-account",
    "link-existing-account",
    "sign-up-with-loop",
    "loop-account-types",
    "linking-errors",
    "cant-log-in",
    "manage-app-permissions",
}


# Japanese is walked, every step, by ``help-screenshots`` (below): the same walk again here would only
# take another half minute or more.
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_article_is_walked_on_the_running_system(system: RunningSystem, browser: Browser, language: str) -> None:
    walked = tour.walk_all(browser, site_of(system), language, shots=ARTIFACTS / "help-walk")

    assert walked == [f"{walk.slug}#{walk.anchor}" for walk in tour.TOUR]
    assert {name.split("#")[0] for name in walked} == ARTICLES


def test_every_article_in_japanese_has_the_sections_the_tour_walks(system: RunningSystem, browser: Browser) -> None:
    """The Japanese articles as the shared system shows them (and axe-core checks them): in Japanese,
    with a stepped section for each walk of the tour, no more and no fewer."""
    site = site_of(system)
    reader = browser.new_context(locale=BROWSER_LOCALES["ja"], viewport=SCREEN)
    try:
        page = reader.new_page()
        slugs = [*tour.business_slugs(page, site), *tour.LOOP_ARTICLES]
        stepped = set()
        for slug in slugs:
            sections = read_sections(page, tour.article_url(site, slug))
            expect(page.locator("html")).to_have_attribute("lang", "ja")
            stepped |= {(section.slug, section.anchor) for section in sections if section.steps}
    finally:
        reader.close()

    assert set(slugs) == ARTICLES
    assert stepped == {(walk.slug, walk.anchor) for walk in tour.TOUR}


def test_a_step_whose_label_left_the_ui_fails_the_walk(system: RunningSystem, browser: Browser) -> None:
    """The walk is not a formality: a label the page does not show stops it, saying where."""
    page = browser.new_page()
    try:
        page.goto(f"{system.business_url}/login/")
        drifted = SectionOnPage(
            "unlink-loop-account",
            "unlink-in-user-settings",
            "",
            (StepOnPage(1, "Sign in", "button", "business", "", "Press Sign in."),),
        )
        with pytest.raises(WalkError, match=r"step 1 \(button 'Sign in'"):
            walk_section(page, site_of(system), drifted, Person())
    finally:
        page.close()


def test_one_click_from_a_loop_login_error_to_its_section_in_japanese(
    open_page: Callable[..., Page], system: RunningSystem
) -> None:
    labels = Labels("ja")
    page = open_page(locale=BROWSER_LOCALES["ja"], viewport=PHONE)
    page.goto(f"{system.consumer_url}/login/")
    page.locator("input[name=identifier]").fill("nobody-by-this-name")
    page.locator("input[name=password]").fill("not-a-password")
    page.get_by_role("button", name=labels("Log in"), exact=True).click()
    error = page.locator('[data-error-code="login.invalid_credentials"]')
    expect(error).to_be_visible()

    error.get_by_role("link", name=labels("Learn more about this"), exact=True).click()

    expect(page).to_have_url(f"{system.business_url}/help/cant-log-in/#login-invalid-credentials")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    section = page.locator("section#login-invalid-credentials")
    expect(section).to_be_in_viewport()
    expect(section.locator("h2")).not_to_have_text("")


def test_one_click_from_a_linking_refusal_to_its_section_in_spanish(
    open_page: Callable[..., Page], system: RunningSystem
) -> None:
    labels = Labels("es")
    person = tour.make_people(site_of(system), "es")["ana"]  # a Loop account that never gave access
    page = open_page(locale=BROWSER_LOCALES["es"])
    page.goto(f"{system.business_url}/login/")
    page.locator("input[name=identifier]").fill(person.business_identifier)
    page.locator("input[name=password]").fill(person.business_password)
    page.get_by_role("button", name=labels("Log in"), exact=True).click()
    expect(page).to_have_url(path_is("/adsmanager/"))
    page.goto(f"{system.business_url}/settings/personal/")
    page.get_by_role("button", name=labels("Link %(brand)s account", brand="Loop"), exact=True).click()
    page.locator("input[name=identifier]").fill(person.loop_identifier)
    page.locator("input[name=password]").fill(person.loop_password)
    page.get_by_role("button", name=labels("Log in"), exact=True).click()
    page.get_by_role("button", name=labels("Cancel"), exact=True).click()
    error = page.locator('[data-error-code="link.consent_denied"]')
    expect(error).to_be_visible()

    error.get_by_role("link", name=labels("Learn more about this"), exact=True).click()

    expect(page).to_have_url(f"{system.business_url}/help/linking-errors/#link-consent-denied")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("section#link-consent-denied")).to_be_in_viewport()


def test_help_screenshots_illustrates_every_step(help_screenshots: HelpScreenshots) -> None:
    """``accountlink help-screenshots`` on a system of its own: one picture per step walked."""
    returncode, stdout, stderr = help_screenshots.result()
    out = help_screenshots.out
    assert returncode == 0, stdout[-2000:] + stderr[-3000:]
    # Every section of the tour walked in Japanese, in its order (``walk_all`` stops at the first that
    # is not), and each article illustrated.
    assert f"ja: {len(tour.TOUR)} sections walked" in stdout
    pictures = sorted(path.relative_to(out).as_posix() for path in out.rglob("*.jpg"))
    assert {path.split("/")[1] for path in pictures} == ARTICLES
    assert "ja/unlink-loop-account/unlink-in-user-settings-9.jpg" in pictures
    assert "ja/manage-app-permissions/remove-access-1.jpg" in pictures
    assert all(path.startswith("ja/") for path in pictures)
    assert f"{len(pictures)} " in stdout.splitlines()[-1]
