"""Loop for Developers in a browser (issue 16 item 3): the operator registers an app, someone signs in
to it through its redirect URI, removes its access on Loop, and the operator sees the webhook
delivery, replays it and sees the second attempt. The app is a small HTTP server this test runs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.cluster import free_ports
from tests.e2e.polling import eventually
from tests.e2e.steps import DEMO_PASSWORD, PHONE, capture_at_each_size, log_in_to_loop, path_is

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem


@dataclass
class Receiver:
    """The app's side: its redirect URI (``/callback/``) and its webhook endpoint (``/webhook``)."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)

    def callbacks(self) -> list[dict[str, str]]:
        return [r["query"] for r in self.requests if r["method"] == "GET" and r["path"] == "/callback/"]

    def webhooks(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "POST" and r["path"] == "/webhook"]


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    port = free_ports(1)[0]
    receiver = Receiver(f"http://127.0.0.1:{port}")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def record(self, body: bytes) -> None:
            parts = urlsplit(self.path)
            with lock:
                receiver.requests.append(
                    {
                        "method": self.command,
                        "path": parts.path,
                        "query": {key: values[0] for key, values in parse_qs(parts.query).items()},
                        "headers": dict(self.headers.items()),
                        "body": body,
                    }
                )
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok")

        def do_GET(self) -> None:
            self.record(b"")

        def do_POST(self) -> None:
            self.record(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def signature_is_valid(header: str, body: bytes, secret: str) -> bool:
    """TikTok-Signature ``t=<ts>,s=<hex HMAC-SHA256 of "<ts>.<body>">``, checked as TikTok's docs say."""
    parts = dict(element.split("=", 1) for element in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["s"])


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def open_developers(page: Page, system: RunningSystem) -> None:
    """Profile → Menu → Settings and privacy → Loop for Developers."""
    page.goto(f"{system.consumer_url}/")
    page.get_by_role("navigation").get_by_role("link", name="Profile", exact=True).click()
    page.get_by_role("button", name="Menu", exact=True).click()
    page.get_by_role("link", name="Settings and privacy", exact=True).click()
    page.get_by_role("link", name="Loop for Developers", exact=True).click()
    expect(page.get_by_role("heading", name="Loop for Developers", exact=True)).to_be_visible()


def register_app(page: Page, name: str, receiver: Receiver) -> None:
    page.get_by_role("link", name="Create app", exact=True).click()
    page.get_by_label("App name").fill(name)
    page.get_by_label("Description").fill("A test app written by the browser test.")
    page.get_by_label("Redirect URIs").fill(f"{receiver.url}/callback/")
    page.get_by_label("Webhook callback URL").fill(f"{receiver.url}/webhook")
    page.get_by_label("user.info.profile", exact=False).check()
    page.get_by_role("button", name="Create app", exact=True).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def reveal_secret(page: Page) -> str:
    """Show secret; after "Confirm it's you" when Loop asks for it (then press it again, as told)."""
    page.get_by_role("button", name="Show secret", exact=True).click()
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Continue", exact=True).click()
        page.get_by_role("button", name="Show secret", exact=True).click()
    secret = page.locator("[data-secret]")
    expect(secret).to_be_visible()
    return secret.inner_text().strip()


def sign_in_to_the_app(page: Page, system: RunningSystem, receiver: Receiver, client_key: str) -> dict[str, Any]:
    """As @aiko: the app's authorization URL → Authorize → the code reaches the redirect URI."""
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    query = {
        "client_key": client_key,
        "response_type": "code",
        "scope": "user.info.basic",
        "redirect_uri": f"{receiver.url}/callback/",
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    log_in_to_loop(page, system.consumer_url, "@aiko")
    expect(page).not_to_have_url(path_is("/login/"))
    page.goto(f"{system.consumer_url}/v2/auth/authorize/?{urlencode(query)}")
    page.get_by_role("button", name="Authorize", exact=True).click()
    callback = eventually(lambda: receiver.callbacks(), timeout=10, failure="the code never reached the app")[-1]
    assert callback["state"] == state
    return {"code": callback["code"], "verifier": verifier, "redirect_uri": query["redirect_uri"]}


def remove_access(page: Page, system: RunningSystem, name: str) -> None:
    page.goto(f"{system.consumer_url}/settings/security/apps/")
    page.get_by_role("link", name=name).click()
    page.get_by_role("button", name="Remove access", exact=True).click()
    page.get_by_role("alertdialog").get_by_role("button", name="Remove access", exact=True).click()
    expect(page.get_by_role("heading", name="Manage app permissions", exact=True)).to_be_visible()


def attempt_rows(page: Page) -> Any:
    return page.locator("section.delivery").first.locator("[data-attempts] tbody tr")


def test_register_an_app_sign_in_to_it_remove_access_and_replay_its_webhook(
    open_page: Callable[..., Page], system: RunningSystem
) -> None:
    name = f"E2E App {uuid.uuid4().hex[:6]}"
    with running_receiver() as receiver:
        developer = open_page()
        log_in_to_loop(developer, system.consumer_url, "@loopdev")
        expect(developer).not_to_have_url(path_is("/login/"))
        open_developers(developer, system)
        expect(developer.get_by_role("link", name="Loop for Business")).to_be_visible()
        register_app(developer, name, receiver)
        client_key = developer.locator("[data-client-key]").inner_text().strip()
        secret = reveal_secret(developer)

        person = open_page()
        grant = sign_in_to_the_app(person, system, receiver, client_key)
        token = requests.post(
            f"{system.consumer_url}/v2/oauth/token/",
            data={
                "client_key": client_key,
                "client_secret": secret,
                "code": grant["code"],
                "grant_type": "authorization_code",
                "redirect_uri": grant["redirect_uri"],
                "code_verifier": grant["verifier"],
            },
            timeout=10,
        )
        assert token.status_code == 200, token.text
        open_id = token.json()["open_id"]
        remove_access(person, system, name)

        webhook = eventually(lambda: receiver.webhooks(), timeout=15, failure="no webhook reached the app")[0]
        assert signature_is_valid(webhook["headers"]["TikTok-Signature"], webhook["body"], secret)
        payload = json.loads(webhook["body"])
        assert payload["event"] == "authorization.removed" and payload["user_openid"] == open_id

        developer.get_by_role("link", name="Webhook deliveries", exact=True).click()
        delivery = developer.locator("section.delivery").first
        expect(delivery.get_by_role("heading", name="authorization.removed")).to_be_visible()
        expect(delivery.locator("[data-status]")).to_have_attribute("data-status", "done")
        expect(attempt_rows(developer)).to_have_count(1)

        # The replay is a form POST: its page must have landed before the page is reloaded below (a
        # reload during that navigation fails with "Not attached to an active page").
        with developer.expect_navigation():
            delivery.get_by_role("button", name="Replay", exact=True).click()
        eventually(lambda: len(receiver.webhooks()) >= 2, timeout=15, failure="the replay never reached the app")
        replayed = receiver.webhooks()[1]
        assert replayed["body"] == webhook["body"]
        assert signature_is_valid(replayed["headers"]["TikTok-Signature"], replayed["body"], secret)

        def two_attempts_shown() -> bool:
            developer.reload()
            return attempt_rows(developer).count() == 2

        eventually(two_attempts_shown, timeout=15, failure="the second attempt is not listed")
        expect(attempt_rows(developer).nth(1)).to_contain_text("replay")


def test_the_portal_fits_a_phone_and_a_desktop_and_passes_axe(
    open_page: Callable[..., Page], system: RunningSystem
) -> None:
    page = open_page(viewport=PHONE)
    log_in_to_loop(page, system.consumer_url, "@loopdev")
    expect(page).not_to_have_url(path_is("/login/"))
    page.goto(f"{system.consumer_url}/developers/")
    expect(page.get_by_role("heading", name="Loop for Developers", exact=True)).to_be_visible()
    pages = {"developers": page.url}
    page.get_by_role("link", name="Loop for Business").click()
    pages["developers-app"] = page.url
    pages["developers-app-edit"] = page.url + "edit/"
    pages["developers-webhooks"] = page.url + "webhooks/"
    pages["developers-rotate"] = page.url + "secret/rotate/"
    pages["developers-create"] = f"{system.consumer_url}/developers/apps/new/"

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
    problems = []
    for name, url in pages.items():
        page.goto(url)
        problems += [f"{name} {overflow}" for overflow in capture_at_each_size(page, f"loop-{name}")]
        for size in (PHONE, {"width": 1280, "height": 800}):
            page.set_viewport_size(size)
            results = axe.run(page, options=options)
            problems += [
                f"{name} {size['width']}: {violation['id']}: {node['target']} {node.get('failureSummary', '')[:160]}"
                for violation in results.response["violations"]
                for node in violation["nodes"]
            ]
    assert problems == []
