"""Driving Loop's OAuth endpoints with Django's test client, as a client app would."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit

from django.db import transaction
from django.test import Client as HttpClient

from accountlink.consumer.oauth.actions import do_authorize_client, do_grant_permission
from accountlink.consumer.oauth.models import AppPermission
from accountlink.consumer.oauth.registration import RegisteredClient, do_register_client

REDIRECT_URI = "https://business.example/oauth/loop/callback/"
SCOPES = "user.info.basic,user.info.profile"


def register(name: str = "Loop for Business", redirect_uri: str = REDIRECT_URI) -> RegisteredClient:
    return do_register_client(
        name=name,
        redirect_uris=[redirect_uri],
        webhook_url="https://business.example/webhooks/loop/",
        scopes=["user.info.basic", "user.info.profile"],
    )


def grant_permission(account: Any, registered: RegisteredClient, scopes: list[str]) -> AppPermission:
    """What the consent screen and a redeemed code do, without the HTTP: the app has access."""
    do_authorize_client(account, registered.client)
    with transaction.atomic():
        return do_grant_permission(account, registered.client, scopes)


def pkce_pair(encoding: str = "base64url") -> tuple[str, str]:
    """A code verifier and its S256 challenge: base64url as RFC 7636 says, or hex as TikTok's Login Kit
    for Desktop documents it."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    if encoding == "hex":
        return verifier, digest.hex()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Authorization:
    verifier: str
    state: str
    url: str


def authorize_url(
    client_key: str, *, redirect_uri: str = REDIRECT_URI, scope: str = SCOPES, pkce: str = "base64url", **extra: str
) -> Authorization:
    """The authorization request; ``pkce`` is the challenge's encoding ("base64url" or "hex"), or "none"
    for a web client that sends no challenge (the verifier is then "")."""
    verifier, challenge = pkce_pair(pkce)
    state = secrets.token_urlsafe(16)
    params = {
        "client_key": client_key,
        "response_type": "code",
        "scope": scope,
        "redirect_uri": redirect_uri,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if pkce == "none":
        verifier = ""
        del params["code_challenge"], params["code_challenge_method"]
    params.update(extra)
    return Authorization(verifier, state, "/v2/auth/authorize/?" + urlencode(params))


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def consent(browser: HttpClient, registered: RegisteredClient, **extra: str) -> tuple[Authorization, dict[str, str]]:
    """Open the consent screen as the logged-in browser and press Authorize; returns the redirect's query."""
    auth = authorize_url(registered.client.client_id, **extra)
    page = browser.get(auth.url)
    if page.status_code == 200:
        page = browser.post(auth.url, {"authorize": "1"})
    assert page.status_code == 302, page.content[:500]
    return auth, query_of(page["Location"])


def exchange(http: HttpClient, registered: RegisteredClient, code: str, verifier: str, **overrides: Any) -> Any:
    """Redeem ``code`` at the token endpoint; an empty ``verifier`` sends none."""
    data = {
        "client_key": registered.client.client_id,
        "client_secret": registered.client_secret,
        "code": code,
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier or None,
        **overrides,
    }
    return http.post("/v2/oauth/token/", {k: v for k, v in data.items() if v is not None})


def basic_auth(registered: RegisteredClient, secret: str | None = None) -> str:
    """An ``Authorization: Basic`` value, form-encoded first as RFC 6749 §2.3.1 asks."""
    pair = f"{quote_plus(registered.client.client_id)}:{quote_plus(secret or registered.client_secret)}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def client_credentials(registered: RegisteredClient) -> dict[str, str]:
    return {"client_key": registered.client.client_id, "client_secret": registered.client_secret}


def issue_tokens(browser: HttpClient, registered: RegisteredClient, **extra: str) -> dict[str, Any]:
    """Consent as the logged-in browser, then redeem the code as the client: the token response."""
    auth, query = consent(browser, registered, **extra)
    response = exchange(HttpClient(), registered, query["code"], auth.verifier)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def refresh(registered: RegisteredClient, refresh_token: str, **overrides: Any) -> Any:
    data = {**client_credentials(registered), "grant_type": "refresh_token", "refresh_token": refresh_token}
    data.update(overrides)
    return HttpClient().post("/v2/oauth/token/", {k: v for k, v in data.items() if v is not None})


def introspect(registered: RegisteredClient, token: str) -> dict[str, Any]:
    response = HttpClient().post("/v2/oauth/introspect/", {**client_credentials(registered), "token": token})
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def is_active(registered: RegisteredClient, token: str) -> bool:
    return bool(introspect(registered, token)["active"])


def revoke(registered: RegisteredClient, token: str) -> Any:
    return HttpClient().post("/v2/oauth/revoke/", {**client_credentials(registered), "token": token})


def user_info(access_token: str, fields: str = "open_id,union_id,avatar_url,display_name,username") -> Any:
    return HttpClient().get(f"/v2/user/info/?fields={fields}", HTTP_AUTHORIZATION=f"Bearer {access_token}")


def logged_in(account: Any) -> HttpClient:
    """A browser of its own, logged in to Loop as ``account``."""
    browser = HttpClient()
    browser.force_login(account)
    return browser


def assert_oauth_error(response: Any, error: str, status: int = 400) -> None:
    """Login Kit's error body (DESIGN §7), not an HTML page."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "error_description", "log_id"}
    assert body["error"] == error
    assert body["log_id"]


def assert_api_error(response: Any, code: str, status: int) -> None:
    """TikTok's v2 API envelope for an error (user info): empty ``data``, ``error.code``, a message, a log_id."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"data", "error"}
    assert body["data"] == {}
    assert set(body["error"]) == {"code", "message", "log_id"}
    assert body["error"]["code"] == code
    assert body["error"]["message"] and body["error"]["log_id"]
