"""Driving Loop's OAuth endpoints with Django's test client, as a client app would."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client as HttpClient

from accountlink.consumer.oauth.actions import RegisteredClient, do_register_client

REDIRECT_URI = "https://business.example/oauth/loop/callback/"
SCOPES = "user.info.basic,user.info.profile"


def register(name: str = "Loop for Business", redirect_uri: str = REDIRECT_URI) -> RegisteredClient:
    return do_register_client(
        name=name,
        redirect_uris=[redirect_uri],
        webhook_url="https://business.example/webhooks/loop/",
        scopes=["user.info.basic", "user.info.profile"],
    )


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@dataclass
class Authorization:
    verifier: str
    state: str
    url: str


def authorize_url(
    client_key: str, *, redirect_uri: str = REDIRECT_URI, scope: str = SCOPES, **extra: str
) -> Authorization:
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    params = {
        "client_key": client_key,
        "response_type": "code",
        "scope": scope,
        "redirect_uri": redirect_uri,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
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
    data = {
        "client_key": registered.client.client_id,
        "client_secret": registered.client_secret,
        "code": code,
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
        **overrides,
    }
    return http.post("/v2/oauth/token/", {k: v for k, v in data.items() if v is not None})
