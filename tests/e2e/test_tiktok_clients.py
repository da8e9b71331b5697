"""TikTok client libraries written by others, unchanged but for their base URLs, against a running Loop
(DESIGN §10, issue 16): django-allauth's TikTok provider in its default settings and arctic's ``TikTok``
class sign a person in, read user info, refresh and revoke; an app's webhook receiver, written from
TikTok's docs, checks the signature of the ``authorization.removed`` Loop sends after Remove access.

What is asserted is what TikTok documents (Login Kit for Web, "Manage User Access Tokens", "Get User
Info", "Webhooks overview"), not what Loop happens to answer."""

from __future__ import annotations

import json
import re
import sqlite3
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.cluster import free_ports
from tests.e2e.polling import eventually
from tests.e2e.steps import DEMO_PASSWORD, path_is
from tests.e2e.tiktok_clients.harness import (
    AllauthSite,
    App,
    arctic,
    call,
    client_form,
    install_node_client,
    introspect,
    post_webhook,
    register_app,
    running_allauth_site,
)
from tests.e2e.tiktok_clients.webhook_receiver import WebhookReceiver, running_receiver, signature_is_valid

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem

# Every field "Get User Info" documents under user.info.basic and user.info.profile, with its type.
USER_FIELDS = {
    "open_id": str,
    "union_id": str,
    "avatar_url": str,
    "avatar_url_100": str,
    "avatar_large_url": str,
    "display_name": str,
    "bio_description": str,
    "profile_deep_link": str,
    "is_verified": bool,
    "username": str,
}
TOKEN_FIELDS = {
    "open_id": str,
    "scope": str,
    "access_token": str,
    "expires_in": int,
    "refresh_token": str,
    "refresh_expires_in": int,
    "token_type": str,
}


def urls_of(system: RunningSystem) -> dict[str, str]:
    return {"consumer": system.consumer_url, "business": system.business_url}


def assert_token_response(tokens: dict[str, Any]) -> None:
    for name, kind in TOKEN_FIELDS.items():
        assert isinstance(tokens.get(name), kind), f"token response field {name!r}: {tokens.get(name)!r}"
    assert set(tokens["scope"].split(",")) == {"user.info.basic", "user.info.profile"}, tokens["scope"]
    assert tokens["token_type"] == "Bearer"


def api_error_code(answer: Any) -> str | None:
    """``error.code`` of a v2 API answer (TikTok's envelope), or None when the answer has no such envelope."""
    error = answer.get("error") if isinstance(answer, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def new_person(system: RunningSystem) -> dict[str, str]:
    """A Loop account of an adult no other test touches (made with Loop's own action)."""
    tag = uuid.uuid4().hex[:8]
    person = {"handle": f"tk{tag}", "display_name": f"TikTok Client {tag}"}
    system.python(
        "consumer",
        "import datetime, json\n"
        "from accountlink.consumer.accounts.actions import do_create_account\n"
        f"do_create_account(handle={person['handle']!r}, display_name={person['display_name']!r},"
        f" email='{person['handle']}@loop.example', birth_date=datetime.date(1990, 5, 6), password={DEMO_PASSWORD!r})\n"
        "print(json.dumps(True))",
    )
    return person


def consent_on_loop(page: Page, handle: str) -> None:
    """On Loop's login page (where the authorize URL sends a signed-out browser): log in, then Authorize."""
    page.get_by_label("Username, email or phone").fill(handle)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_role("button", name="Authorize", exact=True).click()


# Fixtures


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture(scope="module")
def arctic_app(system: RunningSystem, receiver: WebhookReceiver) -> App:
    """The app that uses arctic; its redirect URI is intercepted in the browser, its webhooks go to ``receiver``."""
    install_node_client()
    port = free_ports(1)[0]
    app = register_app(
        system.data_dir, urls_of(system), "arctic (e2e)", f"http://127.0.0.1:{port}/callback/", receiver.url
    )
    receiver.client_secret = app.client_secret
    return app


@pytest.fixture(scope="module")
def allauth_site(system: RunningSystem, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AllauthSite, App]]:
    port = free_ports(1)[0]
    redirect_uri = f"http://127.0.0.1:{port}/accounts/tiktok/login/callback/"
    app = register_app(system.data_dir, urls_of(system), "django-allauth (e2e)", redirect_uri)
    with running_allauth_site(tmp_path_factory.mktemp("allauth"), port, system.consumer_url, app) as site:
        yield site, app


def sign_in_with_arctic(page: Page, system: RunningSystem, app: App, handle: str) -> dict[str, Any]:
    """arctic's authorization URL → Loop login and consent → the redirect URI → arctic's code exchange."""
    code, started = arctic(system.consumer_url, app, "authorize-url")
    assert code == 0, started
    assert started["url"].startswith(f"{system.consumer_url}/v2/auth/authorize"), started["url"]
    callbacks: list[str] = []

    def at_redirect_uri(route: Route) -> None:
        callbacks.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Back at the app</h1>")

    page.route(f"{app.redirect_uri}**", at_redirect_uri)
    page.goto(started["url"])
    consent_on_loop(page, handle)
    expect(page.get_by_role("heading", name="Back at the app")).to_be_visible()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(callbacks[-1]).query)
    # Login Kit for Web: the redirect carries code, scopes and state.
    assert query["state"] == [started["state"]], query
    assert set(query.get("scopes", [""])[0].split(",")) == {"user.info.basic", "user.info.profile"}, query
    code, tokens = arctic(system.consumer_url, app, "exchange", query["code"][0], started["code_verifier"])
    assert code == 0, f"arctic's validateAuthorizationCode failed: {tokens}"
    assert_token_response(tokens)
    return tokens


# The tests


def test_arctic_signs_in_reads_user_info_refreshes_and_revokes(
    page: Page, system: RunningSystem, arctic_app: App, receiver: WebhookReceiver
) -> None:
    person = new_person(system)
    tokens = sign_in_with_arctic(page, system, arctic_app, person["handle"])

    # arctic has no user info call: GET /v2/user/info/?fields=… with the bearer token, as TikTok documents.
    fields = ",".join(USER_FIELDS)
    status, info = call(f"{system.consumer_url}/v2/user/info/?fields={fields}", token=tokens["access_token"])
    assert (status, api_error_code(info)) == (200, "ok"), info
    user = info["data"]["user"]
    for name, kind in USER_FIELDS.items():
        assert isinstance(user.get(name), kind), f"user info field {name!r}: {user.get(name)!r}"
    assert user["open_id"] == tokens["open_id"]
    assert (user["username"], user["display_name"]) == (person["handle"], person["display_name"])

    code, refreshed = arctic(system.consumer_url, arctic_app, "refresh", tokens["refresh_token"])
    assert code == 0, f"arctic's refreshAccessToken failed: {refreshed}"
    assert_token_response(refreshed)
    assert refreshed["open_id"] == tokens["open_id"]
    assert refreshed["access_token"] != tokens["access_token"]
    assert refreshed["refresh_token"] != tokens["refresh_token"]

    code, revoked = arctic(system.consumer_url, arctic_app, "revoke", refreshed["access_token"])
    assert (code, revoked) == (0, {"revoked": True})
    for token in (refreshed["access_token"], refreshed["refresh_token"]):
        assert introspect(system.consumer_url, arctic_app, token) == (200, {"active": False})
    status, info = call(f"{system.consumer_url}/v2/user/info/?fields=open_id", token=refreshed["access_token"])
    # The v2 API envelope: {"data": {}, "error": {"code": "access_token_invalid", "message", "log_id"}}.
    assert (status, api_error_code(info)) == (401, "access_token_invalid"), info
    code, refused = arctic(system.consumer_url, arctic_app, "refresh", refreshed["refresh_token"])
    assert (code, refused.get("failed"), refused.get("code")) == (1, "OAuth2RequestError", "invalid_grant"), refused

    # Webhooks overview: the developer's revocation ends the authorization with reason 5.
    delivery, body = eventually(
        lambda: next(iter(receiver.about(tokens["open_id"])), None),
        timeout=30,
        failure="no authorization.removed webhook after arctic revoked the token",
    )
    assert delivery.verified, delivery
    assert (body["event"], json.loads(body["content"])) == ("authorization.removed", {"reason": 5})


def test_allauth_signs_in_and_its_stored_tokens_refresh_and_revoke(
    page: Page, system: RunningSystem, allauth_site: tuple[AllauthSite, App]
) -> None:
    site, app = allauth_site
    person = new_person(system)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/v2/auth/authorize" in request.url else None)
    page.goto(f"{site.url}/accounts/tiktok/login/?process=login")
    page.get_by_role("button", name="Continue").click()
    # Loop takes the request to its login page; a refusal would send the browser back to allauth with an error.
    expect(page).to_have_url(re.compile(rf"^{re.escape(system.consumer_url)}/login/"))
    authorize = urllib.parse.parse_qs(urllib.parse.urlsplit(asked[0]).query)
    assert "client_key" in authorize and "code_challenge" not in authorize, authorize  # allauth's defaults: no PKCE
    consent_on_loop(page, person["handle"])
    try:
        expect(page).to_have_url(path_is("/signed-in/"))
    except AssertionError as error:
        raise AssertionError(f"allauth did not sign the person in; its log:\n{site.log_tail()}") from error
    expect(page.get_by_role("heading", name=f"Signed in as {person['handle']}")).to_be_visible()

    with sqlite3.connect(site.database) as database:
        uid, extra_data, access_token, refresh_token = database.execute(
            "SELECT a.uid, a.extra_data, t.token, t.token_secret FROM socialaccount_socialaccount a"
            " JOIN socialaccount_socialtoken t ON t.account_id = a.id JOIN auth_user u ON u.id = a.user_id"
            " WHERE a.provider = 'tiktok' AND u.username = ?",
            (person["handle"],),
        ).fetchone()
    profile = json.loads(extra_data)
    assert profile["open_id"] == uid
    assert (profile["username"], profile["display_name"]) == (person["handle"], person["display_name"])
    assert re.match(r"^https?://", profile["avatar_url"]), profile
    assert isinstance(profile["profile_deep_link"], str) and profile["profile_deep_link"], profile

    # allauth neither refreshes nor revokes: the app does it with plain HTTP, as TikTok's docs say.
    token_url = f"{system.consumer_url}/v2/oauth/token/"
    status, refreshed = call(token_url, client_form(app, grant_type="refresh_token", refresh_token=refresh_token))
    assert status == 200, refreshed
    assert_token_response(refreshed)
    assert refreshed["open_id"] == uid
    assert (refreshed["access_token"], refreshed["refresh_token"]) != (access_token, refresh_token)

    status, answer = call(f"{system.consumer_url}/v2/oauth/revoke/", client_form(app, token=refreshed["access_token"]))
    assert (status, answer) == (200, {}), answer
    for token in (refreshed["access_token"], refreshed["refresh_token"]):
        assert introspect(system.consumer_url, app, token) == (200, {"active": False})
    status, refused = call(
        token_url, client_form(app, grant_type="refresh_token", refresh_token=refreshed["refresh_token"])
    )
    assert (status, refused.get("error")) == (400, "invalid_grant"), refused
    assert refused.get("error_description") and refused.get("log_id"), refused


def test_remove_access_sends_a_webhook_the_apps_own_signature_check_accepts(
    page: Page, system: RunningSystem, arctic_app: App, receiver: WebhookReceiver
) -> None:
    person = new_person(system)
    tokens = sign_in_with_arctic(page, system, arctic_app, person["handle"])
    page.goto(f"{system.consumer_url}/settings/security/apps/")
    page.get_by_role("link", name=arctic_app.name).click()
    page.get_by_role("button", name="Remove access", exact=True).click()
    page.get_by_role("alertdialog").get_by_role("button", name="Remove access", exact=True).click()
    # The list of apps no longer has it (the closing line above it names the app, as a link to its site).
    expect(page.locator("ul.apps").get_by_role("link", name=arctic_app.name)).to_have_count(0)

    delivery, body = eventually(
        lambda: next(iter(receiver.about(tokens["open_id"])), None),
        timeout=30,
        failure="no authorization.removed webhook after Remove access",
    )
    assert delivery.verified, f"the receiver's TikTok signature check refused Loop's webhook: {delivery}"
    assert body["client_key"] == arctic_app.client_key
    assert body["event"] == "authorization.removed"
    assert abs(body["create_time"] - time.time()) < 300, body
    assert isinstance(body["content"], str) and json.loads(body["content"]) == {"reason": 1}, body
    assert introspect(system.consumer_url, arctic_app, tokens["access_token"]) == (200, {"active": False})

    # The same check refuses a body altered by one byte, a wrong secret and an old timestamp.
    at = delivery.body.index(b"authorization.removed")
    tampered = delivery.body[:at] + b"A" + delivery.body[at + 1 :]
    assert not signature_is_valid(delivery.signature, tampered, arctic_app.client_secret)
    assert not signature_is_valid(delivery.signature, delivery.body, arctic_app.client_secret + "x")
    sent_at = int(delivery.signature.split(",")[0].removeprefix("t="))
    assert not signature_is_valid(delivery.signature, delivery.body, arctic_app.client_secret, now=sent_at + 301)
    status = post_webhook(receiver.url, tampered, delivery.signature)
    assert status == 401
    assert not receiver.all()[-1].verified
