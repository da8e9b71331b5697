"""The axe-core check that runs after every browser test (``axe_audit``) finds what it should."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page

from tests.e2e.axe_audit import PageAudit, Visit

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A page</title>
<link rel="icon" href="/static/accountlink/brand/loop-mark.svg"></head>
<body><main><h1>{heading}</h1>{body}</main></body></html>"""


def visit(heading: str, body: str = "", width: int = 1280) -> Visit:
    html = PAGE.format(heading=heading, body=body).encode()
    return Visit("http://127.0.0.1:9/page/", 200, html, "en-US", {"width": width, "height": 800})


@pytest.mark.usefixtures("browser")
def test_a_page_with_violations_fails_with_each_one_named(page_audit: PageAudit) -> None:
    audit = PageAudit(open_context=page_audit.open_context)
    found = audit.check(
        [visit("Bad", '<img src="/nothing.png"><p><a href="/" style="color:#fe2c55;background:#fff">3.7:1</a></p>')]
    )
    assert any("image-alt" in line for line in found), found
    assert any("color-contrast" in line for line in found), found
    assert all(line.startswith("http://127.0.0.1:9/page/ (200, en, 1280 px)") for line in found), found


@pytest.mark.usefixtures("browser")
def test_a_page_without_violations_passes(page_audit: PageAudit) -> None:
    audit = PageAudit(open_context=page_audit.open_context)
    assert audit.check([visit("Good", '<img src="/x.png" alt="A picture"><p><a href="/">home</a></p>')]) == []


def test_the_same_template_with_other_words_is_checked_once_per_language_and_width() -> None:
    assert visit("Maria's settings").key == visit("Ben's settings").key
    assert visit("Settings", '<a href="/a/12/">12</a>').key == visit("Settings", '<a href="/a/7/">7</a>').key
    assert visit("Settings").key != visit("Settings", width=390).key
    assert visit("Settings").key != visit("Settings", '<div role="dialog"></div>').key


def test_every_page_of_either_platform_a_test_opens_is_kept_for_the_check(
    page: Page, system: RunningSystem, page_audit: PageAudit
) -> None:
    first = len(page_audit.visits)
    page.goto(f"{system.consumer_url}/login/")
    page.goto(f"{system.business_url}/login/")
    page.goto(f"{system.business_url}/no-such-page/")
    page.goto(f"{system.consumer_url}/")
    page_audit.finish_reading(page)

    kept = [(visit.url.removeprefix(system.consumer_url), visit.status) for visit in page_audit.visits[first:]]
    kept = [(url.removeprefix(system.business_url), status) for url, status in kept]
    assert kept == [("/login/", 200), ("/login/", 200), ("/no-such-page/", 404), ("/", 200)]
