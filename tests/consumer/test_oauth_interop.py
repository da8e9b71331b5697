"""A stock OAuth 2.0 client (requests-oauthlib) against a running Loop server, over real HTTP.

The browser part (logging in, pressing Authorize) is a plain ``requests`` session posting Loop's
forms with their CSRF token, as a person's browser would.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from oauthlib.oauth2.rfc6749.errors import AccessDeniedError
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from accountlink.consumer.oauth.models import Client
from accountlink.consumer.oauth.registration import RegisteredClient
from tests.consumer.conftest import PASSWORD
from tests.consumer.oauth_helpers import register

CALLBACK = "http://127.0.0.1/cb"
SCOPE = "user.info.basic,user.info.profile"  # Loop's wire: one comma-separated string
TOKEN_KEYS = {"open_id", "scope", "access_token", "expires_in", "refresh_token", "refresh_expires_in", "token_type"}


@pytest.fixture
def server(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    # The live server speaks plain HTTP; oauthlib refuses that unless told it's a test.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    return str(live_server.url)


def log_in_and_authorize(server: str, authorization_url: str, identifier: str = "sakura") -> str:
    """Drive the consent step like a browser; returns the Location Loop redirects the browser to."""
    browser = requests.Session()
    login_page = browser.get(authorization_url, timeout=10)  # not logged in: Loop sends us to log in
    assert urlsplit(login_page.url).path == "/login/"
    logged_in = browser.post(
        login_page.url,
        data={
            "csrfmiddlewaretoken": browser.cookies["loop_csrftoken"],
            "identifier": identifier,
            "password": PASSWORD,
            "next": parse_qs(urlsplit(login_page.url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert logged_in.status_code == 302, logged_in.text[:500]
    consent_page = browser.get(urljoin(server, logged_in.headers["Location"]), timeout=10)
    assert consent_page.status_code == 200
    assert 'name="authorize"' in consent_page.text
    approved = browser.post(
        consent_page.url,
        data={"csrfmiddlewaretoken": browser.cookies["loop_csrftoken"], "authorize": "1"},
        allow_redirects=False,
        timeout=10,
    )
    assert approved.status_code == 302, approved.text[:500]
    location: str = approved.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    return location


def introspect(server: str, registered: RegisteredClient, token: str) -> dict[str, Any]:
    response = requests.post(
        f"{server}/v2/oauth/introspect/",
        data={"token": token},
        auth=HTTPBasicAuth(registered.client.client_id, registered.client_secret),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("client_auth", ["body", "basic"])
def test_a_stock_oauth2_client_links_refreshes_reads_and_revokes(
    server: str, loop_account: Any, client_auth: str
) -> None:
    registered = register(redirect_uri=CALLBACK)
    token_url = f"{server}/v2/oauth/token/"
    oauth = OAuth2Session(registered.client.client_id, redirect_uri=CALLBACK, scope=SCOPE, pkce="S256")
    authorization_url, state = oauth.authorization_url(f"{server}/v2/auth/authorize/")

    location = log_in_and_authorize(server, authorization_url)

    assert parse_qs(urlsplit(location).query)["state"] == [state]
    token = oauth.fetch_token(
        token_url,
        authorization_response=location,
        client_secret=registered.client_secret,
        include_client_id=True if client_auth == "body" else None,  # None: HTTP Basic
    )
    assert set(token) >= TOKEN_KEYS
    assert token["scope"] == [SCOPE]  # oauthlib splits on spaces only, and saw no scope change
    assert token["token_type"] == "Bearer"

    info = oauth.get(f"{server}/v2/user/info/", params={"fields": "open_id,display_name,username"}, timeout=10)
    assert info.status_code == 200, info.text
    assert info.json()["data"]["user"] == {
        "open_id": token["open_id"],
        "display_name": "Sakura Tanaka",
        "username": "sakura",
    }

    first = dict(token)
    refreshed = oauth.refresh_token(
        token_url, auth=HTTPBasicAuth(registered.client.client_id, registered.client_secret)
    )
    assert refreshed["refresh_token"] != first["refresh_token"]
    assert refreshed["access_token"] != first["access_token"]
    assert refreshed["open_id"] == first["open_id"]
    assert oauth.get(f"{server}/v2/user/info/", params={"fields": "open_id"}, timeout=10).status_code == 200
    assert introspect(server, registered, refreshed["access_token"])["active"] is True

    revoked = requests.post(
        f"{server}/v2/oauth/revoke/",
        data={
            "client_key": registered.client.client_id,
            "client_secret": registered.client_secret,
            "token": refreshed["access_token"],
        },
        timeout=10,
    )
    assert revoked.status_code == 200 and revoked.json() == {}
    assert introspect(server, registered, refreshed["access_token"]) == {"active": False}
    assert introspect(server, registered, refreshed["refresh_token"]) == {"active": False}
    after = oauth.get(f"{server}/v2/user/info/", params={"fields": "open_id"}, timeout=10)
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "access_token_invalid"


@pytest.mark.django_db(transaction=True)
def test_a_stock_client_sees_a_cancel_as_access_denied(server: str, loop_account: Any) -> None:
    registered = register(redirect_uri=CALLBACK)
    oauth = OAuth2Session(registered.client.client_id, redirect_uri=CALLBACK, scope=SCOPE, pkce="S256")
    authorization_url, state = oauth.authorization_url(f"{server}/v2/auth/authorize/")
    browser = requests.Session()
    login_page = browser.get(authorization_url, timeout=10)
    browser.post(
        login_page.url,
        data={"csrfmiddlewaretoken": browser.cookies["loop_csrftoken"], "identifier": "sakura", "password": PASSWORD},
        timeout=10,
    )
    consent_page = browser.get(authorization_url, timeout=10)
    cancelled = browser.post(
        consent_page.url,
        data={"csrfmiddlewaretoken": browser.cookies["loop_csrftoken"], "cancel": "1"},
        allow_redirects=False,
        timeout=10,
    )

    with pytest.raises(AccessDeniedError):
        oauth.fetch_token(
            f"{server}/v2/oauth/token/",
            authorization_response=cancelled.headers["Location"],
            client_secret=registered.client_secret,
            include_client_id=True,
        )
    assert parse_qs(urlsplit(cancelled.headers["Location"]).query)["state"] == [state]


@pytest.mark.django_db(transaction=True)
def test_a_stock_client_without_pkce_gets_a_code_at_a_web_app(server: str, loop_account: Any) -> None:
    """TikTok's Login Kit for Web: PKCE is optional for a confidential web app (issue 16)."""
    registered = register(redirect_uri=CALLBACK)
    oauth = OAuth2Session(registered.client.client_id, redirect_uri=CALLBACK, scope=SCOPE)
    authorization_url, state = oauth.authorization_url(f"{server}/v2/auth/authorize/")

    location = log_in_and_authorize(server, authorization_url)
    token = oauth.fetch_token(
        f"{server}/v2/oauth/token/",
        authorization_response=location,
        client_secret=registered.client_secret,
        include_client_id=True,
    )

    assert set(token) >= TOKEN_KEYS and parse_qs(urlsplit(location).query)["state"] == [state]


@pytest.mark.django_db(transaction=True)
def test_a_stock_client_without_pkce_is_refused_where_the_app_requires_it(server: str, loop_account: Any) -> None:
    registered = register(redirect_uri=CALLBACK)
    Client.objects.filter(pk=registered.client.pk).update(require_pkce=True)
    oauth = OAuth2Session(registered.client.client_id, redirect_uri=CALLBACK, scope=SCOPE)
    authorization_url, state = oauth.authorization_url(f"{server}/v2/auth/authorize/")

    response = requests.get(authorization_url, allow_redirects=False, timeout=10)

    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["error"] == ["invalid_request"]
    assert query["state"] == [state]
    assert "code" not in query
