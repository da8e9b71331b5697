"""axe-core over every page the browser tests visit (issue 17: WCAG 2.2 AA on every page).

Every browser context the e2e tests open is watched (:meth:`PageAudit.watch`): each HTML page either
platform answers (any status but a redirect, so the 404, 403 and 500 pages too) is kept with the
stylesheets, scripts, fonts and images that came with it. After each test its new pages are drawn
again from what was kept, in a context of their own with the same language and window size, and
axe-core runs there (:meth:`PageAudit.check`); any violation fails the test.

Drawing a page again, rather than running axe while the test drives it, keeps the test's timing its
own: a test that clicks on before axe could finish would otherwise lose the page or race it. The
page is the one the server sent, with its own scripts run again (menus, dialogs' markup, announced
messages); states a script reaches only by a click (an open dialog, a menu) are covered by the tests
that open them (``test_look.py``, ``test_developer_portal.py``).

A page is drawn once per structure: the same template with other names or numbers in it is the same
page to axe, so it is checked once per language and window width in the whole run.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Error, Page, Response, Route

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
# Only violations are reported (axe skips gathering what passed: much faster, and a smaller answer).
RUN_OPTIONS = {**WCAG_AA, "resultTypes": ["violations"]}
# What a page brings with it; the rest (a script's fetch, say) is answered 404 when drawn again.
ASSETS = {"stylesheet", "script", "font", "image"}
# Both platforms' pages (error pages included) carry their brand mark; the third-party test sites
# (django-allauth's, arctic's) do not, and are not ours to check.
OURS = b"/accountlink/brand/"
TAG = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
SHAPING_ATTRIBUTE = re.compile(rb"\b(class|role|type|hidden|open|disabled|aria-[a-z]+|alt|lang)(?:=\"([^\"]*)\")?")
DIGITS = re.compile(rb"\d+")
LANG = re.compile(rb"<html[^>]*\blang=\"([^\"]*)\"")


@dataclass(frozen=True)
class Visit:
    url: str
    status: int
    html: bytes
    locale: str
    viewport: dict[str, int] | None

    @property
    def key(self) -> tuple[str, int, str]:
        """The page as axe sees it: its language, window width and the shape of its markup (tags and
        the attributes that change what axe checks, numbers left out), not the words in it."""
        shape = hashlib.sha256()
        for tag, attributes in TAG.findall(self.html):
            shape.update(tag.lower())
            for name, value in SHAPING_ATTRIBUTE.findall(attributes):
                shape.update(b" " + name + b"=" + DIGITS.sub(b"0", value))
            shape.update(b">")
        language = LANG.search(self.html)
        width = (self.viewport or {}).get("width", 1280)
        return (language.group(1).decode() if language else "?", width, shape.hexdigest())


@dataclass
class PageAudit:
    visits: list[Visit] = field(default_factory=list)
    assets: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    checked: set[tuple[str, int, str]] = field(default_factory=set)
    unread: list[str] = field(default_factory=list)
    reading: int = 0  # responses whose body is being read
    # The browser's own ``new_context``, for drawing pages again without watching them.
    open_context: Callable[..., BrowserContext] | None = None
    # One page per (language, window size) draws the pages again, one after the other: a context and
    # axe-core's 500 KB script are set up once, not once per page.
    drawers: dict[tuple[str, int, int], Page] = field(default_factory=dict)
    drawing: Visit | None = None
    seconds: float = 0.0

    def watch(self, context: BrowserContext, locale: str, viewport: dict[str, int] | None) -> None:
        context.on("response", partial(self._keep, locale, viewport))

    def _keep(self, locale: str, viewport: dict[str, int] | None, response: Response) -> None:
        self.reading += 1
        try:
            self._keep_page_or_asset(locale, viewport, response)
        finally:
            self.reading -= 1

    def finish_reading(self, page: Page, timeout: float = 5) -> None:
        """Let the pages still being read be read before ``page``'s context closes (Playwright runs
        the readers while the test waits on the browser, as here)."""
        deadline = time.monotonic() + timeout
        while self.reading and time.monotonic() < deadline and not page.is_closed():
            page.wait_for_timeout(20)

    def _keep_page_or_asset(self, locale: str, viewport: dict[str, int] | None, response: Response) -> None:
        kind = response.request.resource_type
        if kind == "document" and not 300 <= response.status < 400:
            if "text/html" not in response.headers.get("content-type", ""):
                return
            html = self._body(response)
            if html is None:
                return
            if OURS in html:
                self.visits.append(Visit(response.url, response.status, html, locale, viewport))
        elif kind in ASSETS and response.ok:
            path = urllib.parse.urlsplit(response.url).path
            if path not in self.assets:
                with contextlib.suppress(Error):  # else kept from a later page
                    self.assets[path] = (response.headers.get("content-type", ""), response.body())

    def summary(self) -> str:
        lines = [
            f"axe-core: {len(self.visits)} pages visited, {len(self.checked)} different ones drawn again and "
            f"checked in {self.seconds:.0f} s; {len(self.unread)} gone before they could be read"
        ]
        return "\n".join(lines + [f"  unread: {url}" for url in self.unread[:20]])

    def _body(self, response: Response) -> bytes | None:
        """The page's HTML; when the test has already moved on and the browser let it go, a GET is
        asked again in the same context (same cookies), a moment later."""
        try:
            return response.body()
        except Error as error:
            reason = error.message.splitlines()[0]
        if response.request.method == "GET":
            try:
                again = response.frame.page.context.request.get(response.url, max_redirects=0)
                if again.status == response.status:
                    return again.body()
            except Error as error:
                reason = error.message.splitlines()[0]
        self.unread.append(f"{response.request.method} {response.url}: {reason}")
        return None

    def check(self, visits: list[Visit]) -> list[str]:
        """Draw each page not checked yet and run axe-core on it; its violations, one line each."""
        found: list[str] = []
        for visit in visits:
            if visit.key in self.checked:
                continue
            self.checked.add(visit.key)
            found += self._check_one(visit)
        return found

    def _drawer(self, visit: Visit) -> Page:
        assert self.open_context is not None, "watch_new_contexts first"
        viewport = visit.viewport or {"width": 1280, "height": 800}
        key = (visit.locale, viewport["width"], viewport["height"])
        page = self.drawers.get(key)
        if page is None or page.is_closed():
            context = self.open_context(locale=visit.locale, viewport=viewport)
            context.add_init_script(script=Axe().axe_script)
            context.route("**/*", self._answer)
            page = self.drawers[key] = context.new_page()
        return page

    def _check_one(self, visit: Visit) -> list[str]:
        started = time.monotonic()
        page = self._drawer(visit)
        self.drawing = visit
        try:
            page.goto(visit.url, wait_until="load")
            results = page.evaluate("options => axe.run(document, options)", RUN_OPTIONS)
        finally:
            self.drawing = None
            self.seconds += time.monotonic() - started
        width = (visit.viewport or {}).get("width", 1280)
        return [
            f"{visit.url} ({visit.status}, {visit.key[0]}, {width} px) {violation['id']}: {violation['help']}; "
            + "; ".join(str(node["target"]) for node in violation["nodes"][:4])
            for violation in results["violations"]
        ]

    def _answer(self, route: Route) -> None:
        """What the drawing page asks for: the page being drawn, then what came with it."""
        request, visit = route.request, self.drawing
        if (
            visit is not None
            and request.is_navigation_request()
            and request.url.split("#")[0] == visit.url.split("#")[0]
        ):
            route.fulfill(status=visit.status, content_type="text/html; charset=utf-8", body=visit.html)
            return
        kept = self.assets.get(urllib.parse.urlsplit(request.url).path)
        if kept is not None:
            route.fulfill(content_type=kept[0], body=kept[1])
        else:
            route.fulfill(status=404, body=b"")

    def close(self) -> None:
        for page in self.drawers.values():
            if not page.is_closed():
                page.context.close()
        self.drawers.clear()


def watch_new_contexts(browser: Browser, audit: PageAudit) -> None:
    """Have every context this browser opens (``new_context``, ``new_page``) watched by ``audit``."""
    new_context, new_page = browser.new_context, browser.new_page
    audit.open_context = new_context

    def watched_context(*args: Any, **options: Any) -> BrowserContext:
        context = new_context(*args, **options)
        audit.watch(context, options.get("locale", "en-US"), options.get("viewport"))
        return context

    def watched_page(*args: Any, **options: Any) -> Any:
        page = new_page(*args, **options)
        audit.watch(page.context, options.get("locale", "en-US"), options.get("viewport"))
        return page

    browser.new_context = watched_context  # type: ignore[method-assign]
    browser.new_page = watched_page  # type: ignore[method-assign]
