"""Loop answers as TikTok's developer documentation says (issue 16, "Wire fidelity").

One test (or a few) per row of the table in docs/oauth.md, named for the row; each docstring names
the row and the TikTok docs page it comes from. All of them go through HTTP with Django's test client.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client as HttpClient

from accountlink.consumer.oauth.models import AppPermission, Client
from accountlink.consumer.oauth.registration import RegisteredClient
from tests.consumer.conftest import PASSWORD
from tests.consumer.oauth_helpers import (
    REDIRECT_URI,
    assert_api_error,
    assert_oauth_error,
    authorize_url,
    basic_auth,
    client_credentials,
    consent,
    exchange,
    introspect,
    issue_tokens,
    query_of,
    refresh,
    register,
    revoke,
    user_info,
)
from tests.consumer.webhook_helpers import reason_of

pytestmark = pytest.mark.django_db

BASIC_FIELDS = ["open_id", "union_id", "avatar_url", "avatar_url_100", "avatar_large_url", "display_name"]
PROFILE_FIELDS = ["bio_description", "profile_deep_link", "is_verified", "username"]
STATS_FIELDS = ["follower_count", "following_count", "likes_count", "video_count"]


def _desktop(registered: RegisteredClient, *redirect_uris: str) -> RegisteredClient:
    """Make the app a desktop app with these redirect URIs (registration rules are not tested here)."""
    Client.objects.filter(pk=registered.client.pk).update(platform="desktop", redirect_uris=" ".join(redirect_uris))
    registered.client.refresh_from_db()
    return registered


def _redeem(registered: RegisteredClient, code: str, verifier: str, redirect_uri: str = REDIRECT_URI) -> Any:
    return exchange(HttpClient(), registered, code, verifier, redirect_uri=redirect_uri)


# -- Login Kit for Web: PKCE ----------------------------------------------------------------------


def test_pkce_is_optional_for_a_web_app(browser: HttpClient) -> None:
    """Row "PKCE, web apps" (Login Kit for Web; Manage User Access Tokens: code_verifier is "required
    for mobile and desktop app only"): a confidential web app with no challenge gets a code and tokens."""
    registered = register()
    _auth, query = consent(browser, registered, pkce="none")

    response = _redeem(registered, query["code"], "")

    assert response.status_code == 200, response.content
    assert response.json()["open_id"]


def test_pkce_is_required_of_a_web_app_that_asks_for_it(browser: HttpClient) -> None:
    """Row "PKCE, web apps that require it" (Loop's per-app setting, DESIGN §8)."""
    registered = register()
    Client.objects.filter(pk=registered.client.pk).update(require_pkce=True)
    auth = authorize_url(registered.client.client_id, pkce="none")

    response = browser.get(auth.url)

    query = query_of(response["Location"])
    assert query["error"] == "invalid_request" and query["error_description"] and query["state"] == auth.state
    assert "code" not in query


def test_a_challenge_sent_by_a_web_app_must_be_answered_with_its_verifier(browser: HttpClient) -> None:
    """Row "PKCE, verifier" (RFC 7636 §4.5): once a challenge was sent, the verifier is required and must match."""
    registered = register()
    _auth, query = consent(browser, registered)

    assert_oauth_error(_redeem(registered, query["code"], ""), "invalid_request")
    assert_oauth_error(_redeem(registered, query["code"], "not-the-verifier-" + "x" * 40), "invalid_grant")


def test_the_plain_challenge_method_is_refused_even_where_pkce_is_optional(browser: HttpClient) -> None:
    """Row "PKCE, plain" (RFC 9700 §2.1.1): a web app's optional challenge is S256 or nothing."""
    registered = register()
    auth = authorize_url(registered.client.client_id, code_challenge="v" * 50, code_challenge_method="plain")

    query = query_of(browser.get(auth.url)["Location"])

    assert query["error"] == "invalid_request" and "code" not in query


# -- Login Kit for Desktop ------------------------------------------------------------------------


def test_a_desktop_app_must_send_a_code_challenge(browser: HttpClient) -> None:
    """Row "PKCE, desktop apps" (Login Kit for Desktop): public clients always use PKCE."""
    registered = _desktop(register(), "http://localhost:3455/callback/")
    auth = authorize_url(registered.client.client_id, redirect_uri="http://localhost:3455/callback/", pkce="none")

    query = query_of(browser.get(auth.url)["Location"])

    assert query["error"] == "invalid_request" and "code" not in query


@pytest.mark.parametrize("encoding", ["hex", "base64url"])
def test_a_desktop_app_may_send_its_s256_challenge_in_hex(browser: HttpClient, encoding: str) -> None:
    """Row "PKCE, hex challenge" (Login Kit for Desktop documents code_challenge as the hex SHA-256 of
    the verifier; RFC 7636 as base64url): both encodings of the same digest are accepted."""
    callback = "http://localhost:3455/callback/"
    registered = _desktop(register(), callback)
    auth, query = consent(browser, registered, redirect_uri=callback, pkce=encoding)

    assert _redeem(registered, query["code"], "wrong-" + "y" * 50, callback).json()["error"] == "invalid_grant"
    auth, query = consent(browser, registered, redirect_uri=callback, pkce=encoding)
    response = _redeem(registered, query["code"], auth.verifier, callback)

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("port", ["3455", "49152", "8080"])
def test_a_desktop_redirect_uri_with_a_wildcard_port_matches_any_port(browser: HttpClient, port: str) -> None:
    """Row "Desktop redirect URIs" (Login Kit for Desktop: loopback hosts, a port or ``*``)."""
    registered = _desktop(register(), "http://127.0.0.1:*/callback/")
    callback = f"http://127.0.0.1:{port}/callback/"
    auth, query = consent(browser, registered, redirect_uri=callback)

    response = _redeem(registered, query["code"], auth.verifier, callback)

    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://127.0.0.1:3455/callback/",  # another scheme
        "http://localhost:3455/callback/",  # another host
        "http://127.0.0.1:3455/callback/other/",  # another path
        "http://127.0.0.1:3455/callback/?next=x",  # a query
        "http://127.0.0.1/callback/",  # no port
        "http://127.0.0.1:99999/callback/",  # not a port
        "http://127.0.0.1:*/callback/",  # the pattern itself
        "http://user@127.0.0.1:3455/callback/",  # user info
    ],
)
def test_a_wildcard_port_matches_nothing_but_a_port(browser: HttpClient, redirect_uri: str) -> None:
    """Row "Desktop redirect URIs": scheme, host and path match exactly; only the port is free."""
    registered = _desktop(register(), "http://127.0.0.1:*/callback/")
    auth = authorize_url(registered.client.client_id, redirect_uri=redirect_uri)

    response = browser.get(auth.url)

    assert response.status_code == 400  # Loop's own error page, never a redirect


def test_a_web_app_gets_no_wildcard_port(browser: HttpClient) -> None:
    """Row "Desktop redirect URIs": the port wildcard is for desktop apps only."""
    registered = register()
    Client.objects.filter(pk=registered.client.pk).update(redirect_uris="http://127.0.0.1:*/callback/")
    auth = authorize_url(registered.client.client_id, redirect_uri="http://127.0.0.1:3455/callback/")

    assert browser.get(auth.url).status_code == 400


# -- Login Kit for Web: the authorization response ---------------------------------------------------


def test_the_authorization_response_carries_code_scopes_and_state(browser: HttpClient) -> None:
    """Row "Authorization response" (Login Kit for Web: ``code``, ``scopes``, ``state``)."""
    registered = register()
    auth, query = consent(browser, registered, scope="user.info.profile,user.info.basic")

    assert query["code"] and query["state"] == auth.state
    assert query["scopes"] == "user.info.profile,user.info.basic"


def test_an_authorization_error_carries_error_description_and_state(browser: HttpClient) -> None:
    """Row "Authorization errors" (Login Kit for Web: ``error``, ``error_description``, ``state``)."""
    registered = register()
    auth = authorize_url(registered.client.client_id)

    query = query_of(browser.post(auth.url, {"cancel": "1"})["Location"])

    assert query["error"] == "access_denied" and query["error_description"] and query["state"] == auth.state


def test_disable_auto_auth_shows_the_consent_screen_again(browser: HttpClient) -> None:
    """Row "disable_auto_auth" (Login Kit for Web: 1 always shows the authorization page)."""
    registered = register()
    issue_tokens(browser, registered)
    skipped = browser.get(authorize_url(registered.client.client_id, disable_auto_auth="0").url)
    assert skipped.status_code == 302

    auth = authorize_url(registered.client.client_id, disable_auto_auth="1")
    page = browser.get(auth.url)

    assert page.status_code == 200 and b'name="authorize"' in page.content
    query = query_of(browser.post(auth.url, {"authorize": "1"})["Location"])
    assert query["code"] and query["state"] == auth.state


# -- Manage User Access Tokens: the token endpoint -------------------------------------------------


def test_the_token_response_has_tiktoks_fields_types_and_lifetimes(browser: HttpClient) -> None:
    """Row "Token response" (Manage User Access Tokens: 24 hours and 365 days)."""
    registered = register()
    tokens = issue_tokens(browser, registered)

    assert set(tokens) == {
        "open_id", "scope", "access_token", "expires_in", "refresh_token", "refresh_expires_in", "token_type"
    }  # fmt: skip
    assert tokens["expires_in"] == 7200 and tokens["refresh_expires_in"] == 180 * 24 * 3600
    assert tokens["token_type"] == "Bearer" and tokens["scope"] == "user.info.basic,user.info.profile"
    assert all(isinstance(tokens[key], str) for key in ("open_id", "scope", "access_token", "refresh_token"))


def test_a_refresh_token_lives_180_days_from_its_issuance(browser: HttpClient) -> None:
    """Row "Token response": the refresh token lives as long as ``refresh_expires_in`` says, not a day more."""
    registered = register()
    with time_machine.travel(datetime(2025, 6, 1, 12, 0, tzinfo=UTC), tick=False) as clock:
        tokens = issue_tokens(browser, registered)
        clock.shift(timedelta(seconds=tokens["refresh_expires_in"] - 60))
        assert introspect(registered, tokens["refresh_token"])["active"] is True
        clock.shift(timedelta(seconds=61))
        assert introspect(registered, tokens["refresh_token"]) == {"active": False}
        assert_oauth_error(refresh(registered, tokens["refresh_token"]), "invalid_grant")


def test_a_refresh_answers_with_the_same_fields(browser: HttpClient) -> None:
    """Row "Refresh" (Manage User Access Tokens: the refresh token rotates)."""
    registered = register()
    tokens = issue_tokens(browser, registered)

    renewed = refresh(registered, tokens["refresh_token"]).json()

    assert set(renewed) == set(tokens) and renewed["refresh_token"] != tokens["refresh_token"]
    assert renewed["open_id"] == tokens["open_id"] and renewed["refresh_expires_in"] == 180 * 24 * 3600


@pytest.mark.parametrize(
    "data",
    [
        {"grant_type": "authorization_code"},
        {"grant_type": "authorization_code", "code": "made-up", "redirect_uri": REDIRECT_URI},
        {"grant_type": "refresh_token"},
        {"grant_type": "refresh_token", "refresh_token": "made-up"},
        {"grant_type": "password", "username": "sakura", "password": PASSWORD},
        {"grant_type": "client_credentials"},
        {"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": "x"},
        {},
    ],
)
def test_every_token_error_has_a_description(loop_account: Any, data: dict[str, str]) -> None:
    """Row "OAuth errors" (OAuth error handling: ``error``, ``error_description``, ``log_id``)."""
    registered = register()
    response = HttpClient().post("/v2/oauth/token/", {**client_credentials(registered), **data})

    body = response.json()
    assert set(body) == {"error", "error_description", "log_id"}
    assert body["error_description"].strip() and body["log_id"]


@pytest.mark.parametrize("grant_type", ["password", "client_credentials", "made_up", "implicit"])
def test_other_grant_types_are_unsupported(loop_account: Any, grant_type: str) -> None:
    """Row "Grant types" (OAuth error handling: unsupported_grant_type). Loop issues no client access
    tokens (Client Access Token Management): it has no API such a token could call."""
    registered = register()
    data = {**client_credentials(registered), "grant_type": grant_type, "username": "sakura", "password": PASSWORD}

    assert_oauth_error(HttpClient().post("/v2/oauth/token/", data), "unsupported_grant_type")


def test_client_authentication_by_form_body_or_http_basic(browser: HttpClient) -> None:
    """Row "Client authentication" (Manage User Access Tokens: client_key and client_secret in the body;
    RFC 6749 §2.3.1 HTTP Basic as well)."""
    registered = register()
    auth, query = consent(browser, registered)
    data = {"grant_type": "authorization_code", "code": query["code"], "redirect_uri": REDIRECT_URI}
    data["code_verifier"] = auth.verifier

    response = HttpClient().post("/v2/oauth/token/", data, HTTP_AUTHORIZATION=basic_auth(registered))

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("path", ["/v2/oauth/token/", "/v2/oauth/revoke/", "/v2/oauth/introspect/"])
def test_a_get_at_an_oauth_endpoint_answers_in_the_oauth_envelope(path: str) -> None:
    """Row "OAuth errors": every error of the OAuth endpoints is the JSON envelope, a wrong method too."""
    response = HttpClient().get(path)

    assert_oauth_error(response, "invalid_request", 405)
    assert response["Allow"] == "POST"


# -- Manage User Access Tokens: revoke ---------------------------------------------------------------


def test_revoke_answers_an_empty_object_and_ends_the_grant(browser: HttpClient) -> None:
    """Row "Revoke" (Manage User Access Tokens: ``{}`` on success; RFC 7009 grant-wide)."""
    registered = register()
    tokens = issue_tokens(browser, registered)

    response = revoke(registered, tokens["access_token"])

    assert response.status_code == 200 and response.json() == {}
    assert introspect(registered, tokens["refresh_token"]) == {"active": False}
    assert_oauth_error(revoke(registered, ""), "invalid_request")
    bad = HttpClient().post("/v2/oauth/revoke/", {"client_key": registered.client.client_id, "token": "x"})
    assert_oauth_error(bad, "invalid_client", 401)


# -- Webhooks overview: reasons ----------------------------------------------------------------------


def test_refresh_token_reuse_tells_the_app_reason_0_not_developer_revoked(
    browser: HttpClient, webhook_endpoint: Any, run_tasks: Any
) -> None:
    """Row "Refresh token reuse" (Webhooks overview: reason 5 is "developer revoked", which the app
    did not do). Loop ends the grant and says reason 0 (unknown)."""
    registered = register()
    stolen = issue_tokens(browser, registered)
    refresh(registered, stolen["refresh_token"])

    refresh(registered, stolen["refresh_token"])
    run_tasks()

    [payload] = webhook_endpoint.payloads()
    assert payload["event"] == "authorization.removed" and reason_of(payload) == 0
    assert not AppPermission.objects.exists()


def test_authorization_code_replay_tells_the_app_reason_0(
    browser: HttpClient, webhook_endpoint: Any, run_tasks: Any
) -> None:
    """Row "Authorization code replay" (Webhooks overview): reason 0, as for refresh token reuse."""
    registered = register()
    auth, query = consent(browser, registered)
    assert _redeem(registered, query["code"], auth.verifier).status_code == 200

    assert_oauth_error(_redeem(registered, query["code"], auth.verifier), "invalid_grant")
    run_tasks()

    [payload] = webhook_endpoint.payloads()
    assert reason_of(payload) == 0


def test_a_revocation_by_the_app_still_says_reason_5(
    browser: HttpClient, webhook_endpoint: Any, run_tasks: Any
) -> None:
    """Row "Revoke": the app revoked, so reason 5 (developer revoked) is true."""
    registered = register()
    tokens = issue_tokens(browser, registered)

    revoke(registered, tokens["access_token"])
    run_tasks()

    [payload] = webhook_endpoint.payloads()
    assert reason_of(payload) == 5


# -- Get User Info ----------------------------------------------------------------------------------


def test_user_info_answers_every_documented_field_with_its_type(browser: HttpClient, loop_account: Any) -> None:
    """Row "User info fields" (Get User Info)."""
    registered = register()
    tokens = issue_tokens(browser, registered)

    response = user_info(tokens["access_token"], ",".join(BASIC_FIELDS + PROFILE_FIELDS))

    body = response.json()
    assert response.status_code == 200 and body["error"]["code"] == "ok" and body["error"]["log_id"]
    user = body["data"]["user"]
    assert set(user) == set(BASIC_FIELDS + PROFILE_FIELDS)
    assert user["is_verified"] is False
    assert all(isinstance(user[field], str) for field in user if field != "is_verified")
    assert user["open_id"] == tokens["open_id"] and user["username"] == "sakura"
    assert user["display_name"] == "Sakura Tanaka" and user["bio_description"] == ""
    for field, size in (("avatar_url", None), ("avatar_url_100", "100"), ("avatar_large_url", "720")):
        url = urlsplit(user[field])
        assert url.path == f"/v2/avatar/{tokens['open_id']}.svg"
        image = HttpClient().get(f"{url.path}?{url.query}")
        assert image.status_code == 200 and image["Content-Type"] == "image/svg+xml"
        if size:
            assert f'width="{size}"' in image.content.decode()


def test_the_profile_deep_link_opens_the_holders_profile(browser: HttpClient) -> None:
    """Row "User info fields": ``profile_deep_link`` is a Loop page of the holder's public profile,
    there while the app has the profile scope."""
    registered = register()
    tokens = issue_tokens(browser, registered)
    link = user_info(tokens["access_token"], "profile_deep_link").json()["data"]["user"]["profile_deep_link"]

    page = HttpClient().get(urlsplit(link).path)

    assert page.status_code == 200
    assert "Sakura Tanaka" in page.content.decode() and "@sakura" in page.content.decode()
    revoke(registered, tokens["access_token"])
    assert HttpClient().get(urlsplit(link).path).status_code == 404


@pytest.mark.parametrize("fields", [None, "", ",", " "])
def test_user_info_requires_fields(browser: HttpClient, fields: str | None) -> None:
    """Row "User info: fields is required" (Get User Info lists ``fields`` as required)."""
    registered = register()
    tokens = issue_tokens(browser, registered)
    query = "" if fields is None else f"?fields={fields}"

    response = HttpClient().get(f"/v2/user/info/{query}", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    assert_api_error(response, "invalid_params", 400)


def test_an_unknown_field_is_invalid_params(browser: HttpClient) -> None:
    """Row "User info: unknown field" (API v2 error codes: invalid_params, 400)."""
    registered = register()
    tokens = issue_tokens(browser, registered)

    assert_api_error(user_info(tokens["access_token"], "open_id,not_a_field"), "invalid_params", 400)


@pytest.mark.parametrize("field", ["username", "bio_description", "follower_count", "video_count"])
def test_a_field_outside_the_granted_scopes_is_scope_permission_missed(browser: HttpClient, field: str) -> None:
    """Row "User info: field outside the scopes" (API v2 error codes: scope_permission_missed, 401);
    user.info.stats is a scope Loop does not grant, so its fields always answer this."""
    registered = register()
    tokens = issue_tokens(browser, registered, scope="user.info.basic")

    assert_api_error(user_info(tokens["access_token"], f"open_id,{field}"), "scope_permission_missed", 401)


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer made-up-token", "Basic eDp5"])
def test_a_missing_or_invalid_token_is_access_token_invalid(header: str | None) -> None:
    """Row "User info: token" (API v2 error codes: access_token_invalid, 401)."""
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}

    assert_api_error(HttpClient().get("/v2/user/info/?fields=open_id", **extra), "access_token_invalid", 401)


def test_a_revoked_or_expired_token_is_access_token_invalid(browser: HttpClient) -> None:
    """Row "User info: token"."""
    registered = register()
    with time_machine.travel(datetime(2025, 6, 1, 12, 0, tzinfo=UTC), tick=False) as clock:
        first = issue_tokens(browser, registered)
        second = issue_tokens(browser, registered)
        revoke(registered, first["access_token"])
        assert_api_error(user_info(first["access_token"], "open_id"), "access_token_invalid", 401)
        clock.shift(timedelta(seconds=second["expires_in"] + 1))
        assert_api_error(user_info(second["access_token"], "open_id"), "access_token_invalid", 401)


def test_user_info_is_rate_limited_per_app(browser: HttpClient, settings: Any) -> None:
    """Row "User info: rate limit" (Rate limits: 600 a minute; 429 rate_limit_exceeded)."""
    assert settings.ACCOUNTLINK_USER_INFO_REQUESTS_PER_MINUTE == 600  # TikTok's default
    settings.ACCOUNTLINK_USER_INFO_REQUESTS_PER_MINUTE = 3
    cache.clear()  # the counts live in the cache, which outlives each test's database transaction
    registered = register()
    with time_machine.travel(datetime(2025, 6, 1, 12, 0, 5, tzinfo=UTC), tick=False) as clock:
        tokens = issue_tokens(browser, registered)
        for _ in range(3):
            assert user_info(tokens["access_token"], "open_id").status_code == 200
        limited = user_info(tokens["access_token"], "open_id")
        assert_api_error(limited, "rate_limit_exceeded", 429)
        assert int(limited["Retry-After"]) > 0
        clock.shift(timedelta(minutes=1))
        assert user_info(tokens["access_token"], "open_id").status_code == 200


def test_every_user_info_error_path_answers_in_the_envelope() -> None:
    """Row "User info: envelope" (API v2 error handling): a wrong method and an unreadable request too."""
    assert_api_error(HttpClient().post("/v2/user/info/?fields=open_id"), "invalid_params", 405)
    assert_api_error(HttpClient().get("/v2/user/info/?fields=open%00id"), "invalid_params", 400)


# -- Loop's extension ----------------------------------------------------------------------------------


def test_introspection_is_a_loop_extension_in_rfc_7662s_format(browser: HttpClient) -> None:
    """Row "Introspection" (none: TikTok has no introspection endpoint; RFC 7662)."""
    registered = register()
    tokens = issue_tokens(browser, registered)

    body = introspect(registered, tokens["access_token"])

    assert body["active"] is True and body["open_id"] == tokens["open_id"] and body["client_id"]
    assert json.loads(json.dumps(body))["scope"] == "user.info.basic user.info.profile"
