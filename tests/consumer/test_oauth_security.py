"""What an attacker, or a careless client, can't do with Loop's authorization server (DESIGN §8, RFC 9700)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient
from oauth2_provider.models import AccessToken

from accountlink.consumer.oauth.models import AppPermission, Client
from accountlink.consumer.oauth.registration import do_register_client
from accountlink.kit.audit.models import AuditEvent, EventKind
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
    is_active,
    issue_tokens,
    pkce_pair,
    query_of,
    refresh,
    register,
    revoke,
    user_info,
)

pytestmark = pytest.mark.django_db

# -- client authentication ---------------------------------------------------------------------


@pytest.mark.parametrize("secret", ["not-the-secret", "", None])
def test_the_token_endpoint_refuses_a_wrong_or_missing_client_secret(browser: HttpClient, secret: str | None) -> None:
    registered = register()
    auth, query = consent(browser, registered)

    refused = exchange(HttpClient(), registered, query["code"], auth.verifier, client_secret=secret)

    assert_oauth_error(refused, "invalid_client", 401)
    # Nothing was spent: the rightful client still redeems the code.
    assert exchange(HttpClient(), registered, query["code"], auth.verifier).status_code == 200


def test_another_clients_secret_does_not_authenticate(browser: HttpClient) -> None:
    registered = register()
    other = register(name="Other app")
    auth, query = consent(browser, registered)

    refused = exchange(HttpClient(), registered, query["code"], auth.verifier, client_secret=other.client_secret)

    assert_oauth_error(refused, "invalid_client", 401)


@pytest.mark.parametrize("endpoint", ["/v2/oauth/introspect/", "/v2/oauth/revoke/"])
@pytest.mark.parametrize("secret", ["not-the-secret", ""])
def test_introspect_and_revoke_refuse_a_wrong_or_missing_client_secret(
    browser: HttpClient, endpoint: str, secret: str
) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)

    response = HttpClient().post(
        endpoint, {"client_key": registered.client.client_id, "client_secret": secret, "token": tokens["access_token"]}
    )

    assert_oauth_error(response, "invalid_client", 401)
    assert is_active(registered, tokens["access_token"])


# -- redirect URIs: exact match only -------------------------------------------------------------


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/oauth/loop/callback/",
        REDIRECT_URI + "?next=https://evil.example/",
        REDIRECT_URI + "extra/",
        "https://business.example:8443/oauth/loop/callback/",
        "http://business.example/oauth/loop/callback/",
        "https://business.example/oauth/loop/callback",
        "https://BUSINESS.example/oauth/loop/callback/",
    ],
)
def test_an_unregistered_redirect_uri_gets_loops_own_error_page_never_a_redirect(
    browser: HttpClient, redirect_uri: str
) -> None:
    registered = register()
    auth = authorize_url(registered.client.client_id, redirect_uri=redirect_uri)

    for response in (browser.get(auth.url), browser.post(auth.url, {"authorize": "1"})):
        assert response.status_code == 400
        assert "Location" not in response
        assert "This link doesn't work" in response.content.decode()


def test_an_unknown_client_gets_loops_own_error_page(browser: HttpClient) -> None:
    register()
    response = browser.get(authorize_url("no-such-client").url)
    assert response.status_code == 400
    assert "Location" not in response


def test_anonymous_visitors_get_the_error_page_too_not_a_login_redirect(client: HttpClient) -> None:
    registered = register()
    response = client.get(authorize_url(registered.client.client_id, redirect_uri="https://evil.example/cb").url)
    assert response.status_code == 400
    assert "Location" not in response


def test_the_code_is_bound_to_the_redirect_uri_it_was_issued_for(browser: HttpClient) -> None:
    other_uri = "https://business.example/other/callback/"
    registered = do_register_client(
        name="Loop for Business",
        redirect_uris=[REDIRECT_URI, other_uri],
        webhook_url="",
        scopes=["user.info.basic", "user.info.profile"],
    )
    auth, query = consent(browser, registered)

    for wrong in (other_uri, REDIRECT_URI + "?x=1", "https://business.example:444/oauth/loop/callback/"):
        response = exchange(HttpClient(), registered, query["code"], auth.verifier, redirect_uri=wrong)
        assert_oauth_error(response, "invalid_request")

    assert exchange(HttpClient(), registered, query["code"], auth.verifier).status_code == 200


# -- PKCE ---------------------------------------------------------------------------------------


def _refusal_redirect(response: Any, state: str) -> dict[str, str]:
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(REDIRECT_URI + "?")
    query = query_of(location)
    assert "code" not in query
    assert query["state"] == state
    return query


def test_an_authorization_request_without_a_code_challenge_is_refused_where_pkce_is_required(
    browser: HttpClient,
) -> None:
    """PKCE is required of apps that ask for it and of desktop apps (a web app may leave it out:
    tests/consumer/test_tiktok_wire.py)."""
    registered = register()
    Client.objects.filter(pk=registered.client.pk).update(require_pkce=True)
    auth = authorize_url(registered.client.client_id)
    url = auth.url.replace("code_challenge=", "dropped=").replace("code_challenge_method=S256", "")

    query = _refusal_redirect(browser.get(url), auth.state)

    assert query["error"] == "invalid_request"


@pytest.mark.parametrize("method", ["plain", None])
def test_the_plain_code_challenge_method_is_refused(browser: HttpClient, method: str | None) -> None:
    """A challenge without a method means ``plain`` (RFC 7636 §4.3); only S256 is accepted."""
    registered = register()
    verifier, _challenge = pkce_pair()
    auth = authorize_url(registered.client.client_id, code_challenge=verifier, code_challenge_method=method or "")
    url = auth.url if method else auth.url.replace("&code_challenge_method=", "")

    for response in (browser.get(url), browser.post(url, {"authorize": "1"})):
        query = _refusal_redirect(response, auth.state)
        assert query["error"] == "invalid_request"


@pytest.mark.parametrize("verifier", ["a-verifier-that-is-long-enough-but-wrong-0123456789abcdef", ""])
def test_a_wrong_or_missing_code_verifier_is_refused(browser: HttpClient, verifier: str) -> None:
    registered = register()
    auth, query = consent(browser, registered)

    response = exchange(HttpClient(), registered, query["code"], auth.verifier, code_verifier=verifier or None)

    assert_oauth_error(response, "invalid_grant" if verifier else "invalid_request")


# -- authorization codes --------------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "accepted"), [(59, True), (61, False)])
def test_authorization_codes_live_sixty_seconds(browser: HttpClient, seconds: int, accepted: bool) -> None:
    registered = register()
    with time_machine.travel(datetime(2025, 6, 1, 12, 0, tzinfo=UTC), tick=False) as clock:
        auth, query = consent(browser, registered)
        clock.shift(timedelta(seconds=seconds))
        response = exchange(HttpClient(), registered, query["code"], auth.verifier)

    if accepted:
        assert response.status_code == 200
    else:
        assert_oauth_error(response, "invalid_grant")


def test_a_made_up_code_is_refused(browser: HttpClient) -> None:
    registered = register()
    verifier, _challenge = pkce_pair()
    assert_oauth_error(exchange(HttpClient(), registered, "made-up-code", verifier), "invalid_grant")


def test_a_code_redeemed_twice_is_refused_and_revokes_what_the_first_redemption_issued(browser: HttpClient) -> None:
    registered = register()
    auth, query = consent(browser, registered)
    first = exchange(HttpClient(), registered, query["code"], auth.verifier)
    assert first.status_code == 200
    tokens = first.json()
    assert user_info(tokens["access_token"]).status_code == 200

    second = exchange(HttpClient(), registered, query["code"], auth.verifier)

    assert_oauth_error(second, "invalid_grant")
    assert introspect(registered, tokens["access_token"]) == {"active": False}
    assert introspect(registered, tokens["refresh_token"]) == {"active": False}
    assert_api_error(user_info(tokens["access_token"]), "access_token_invalid", 401)
    assert_oauth_error(refresh(registered, tokens["refresh_token"]), "invalid_grant")


def test_a_code_replayed_after_a_refresh_also_revokes_the_refreshed_tokens(browser: HttpClient) -> None:
    registered = register()
    auth, query = consent(browser, registered)
    tokens = exchange(HttpClient(), registered, query["code"], auth.verifier).json()
    refreshed = refresh(registered, tokens["refresh_token"]).json()

    exchange(HttpClient(), registered, query["code"], auth.verifier)

    assert introspect(registered, refreshed["access_token"]) == {"active": False}
    assert introspect(registered, refreshed["refresh_token"]) == {"active": False}


def test_a_replayed_code_does_not_touch_the_holders_other_grants(browser: HttpClient) -> None:
    registered = register()
    kept = issue_tokens(browser, registered)
    auth, query = consent(browser, registered)
    assert exchange(HttpClient(), registered, query["code"], auth.verifier).status_code == 200

    exchange(HttpClient(), registered, query["code"], auth.verifier)

    assert is_active(registered, kept["access_token"])
    assert user_info(kept["access_token"]).status_code == 200


def test_a_code_issued_to_one_client_cannot_be_redeemed_by_another(browser: HttpClient) -> None:
    registered = register()
    thief = register(name="Other app")
    auth, query = consent(browser, registered)

    stolen = exchange(
        HttpClient(),
        thief,
        query["code"],
        auth.verifier,
        client_key=thief.client.client_id,
        client_secret=thief.client_secret,
    )

    assert_oauth_error(stolen, "invalid_grant")
    assert exchange(HttpClient(), registered, query["code"], auth.verifier).status_code == 200


# -- refresh tokens ------------------------------------------------------------------------------


def test_each_refresh_rotates_the_refresh_token_and_the_old_one_is_refused(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    seen_refresh = {tokens["refresh_token"]}
    seen_access = {tokens["access_token"]}
    current = tokens
    for _ in range(3):
        response = refresh(registered, current["refresh_token"])
        assert response.status_code == 200, response.content
        current = response.json()
        assert current["refresh_token"] not in seen_refresh
        assert current["access_token"] not in seen_access
        assert current["open_id"] == tokens["open_id"]
        assert current["scope"] == tokens["scope"]
        seen_refresh.add(current["refresh_token"])
        seen_access.add(current["access_token"])
    assert user_info(current["access_token"]).status_code == 200

    assert_oauth_error(refresh(registered, tokens["refresh_token"]), "invalid_grant")


def test_presenting_a_rotated_refresh_token_revokes_the_whole_family(browser: HttpClient) -> None:
    registered = register()
    stolen = issue_tokens(browser, registered)
    rotated = refresh(registered, stolen["refresh_token"]).json()
    latest = refresh(registered, rotated["refresh_token"]).json()
    assert is_active(registered, latest["access_token"])

    replay = refresh(registered, stolen["refresh_token"])

    assert_oauth_error(replay, "invalid_grant")
    for token in (latest["access_token"], latest["refresh_token"], rotated["refresh_token"]):
        assert introspect(registered, token) == {"active": False}
    assert_api_error(user_info(latest["access_token"]), "access_token_invalid", 401)
    assert_oauth_error(refresh(registered, latest["refresh_token"]), "invalid_grant")


def test_refresh_token_reuse_ends_the_app_permission_like_code_reuse_does(
    browser: HttpClient, loop_account: Any
) -> None:
    """With its only grant revoked the app no longer has access, so it is no longer listed (R2, R7)."""
    registered = register()
    stolen = issue_tokens(browser, registered)
    refresh(registered, stolen["refresh_token"])

    refresh(registered, stolen["refresh_token"])

    assert not AppPermission.objects.filter(account=loop_account).exists()
    revoked = AuditEvent.objects.get(account=loop_account, kind=EventKind.APP_TOKENS_REVOKED)
    assert revoked.data["reason"] == "refresh_token_reused"
    assert AuditEvent.objects.filter(account=loop_account, kind=EventKind.APP_ACCESS_REMOVED).count() == 1


def test_refresh_token_reuse_keeps_the_permission_while_another_grant_lives(
    browser: HttpClient, loop_account: Any
) -> None:
    registered = register()
    stolen = issue_tokens(browser, registered)
    kept = issue_tokens(browser, registered)
    refresh(registered, stolen["refresh_token"])

    refresh(registered, stolen["refresh_token"])

    assert AppPermission.objects.filter(account=loop_account).exists()
    assert is_active(registered, kept["access_token"])


def test_a_revoked_refresh_token_cannot_be_used(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    assert revoke(registered, tokens["refresh_token"]).json() == {}
    assert_oauth_error(refresh(registered, tokens["refresh_token"]), "invalid_grant")


def test_a_refresh_token_expires_a_year_after_its_access_token(browser: HttpClient) -> None:
    registered = register()
    with time_machine.travel(datetime(2025, 6, 1, 12, 0, tzinfo=UTC), tick=False) as clock:
        tokens = issue_tokens(browser, registered)
        clock.shift(timedelta(seconds=tokens["refresh_expires_in"] + 1))
        assert introspect(registered, tokens["refresh_token"]) == {"active": False}
        assert_oauth_error(refresh(registered, tokens["refresh_token"]), "invalid_grant")


def test_an_access_token_expires_after_expires_in_seconds(browser: HttpClient) -> None:
    registered = register()
    with time_machine.travel(datetime(2025, 6, 1, 12, 0, tzinfo=UTC), tick=False) as clock:
        tokens = issue_tokens(browser, registered)
        clock.shift(timedelta(seconds=tokens["expires_in"] - 1))
        assert user_info(tokens["access_token"]).status_code == 200
        clock.shift(timedelta(seconds=2))
        assert_api_error(user_info(tokens["access_token"]), "access_token_invalid", 401)
        assert introspect(registered, tokens["access_token"]) == {"active": False}
        # The refresh token outlives it and gets a fresh pair.
        assert refresh(registered, tokens["refresh_token"]).status_code == 200


# -- one client cannot touch another's tokens ------------------------------------------------------


def test_another_client_cannot_introspect_revoke_or_refresh_a_clients_tokens(browser: HttpClient) -> None:
    owner = register()
    other = register(name="Other app")
    tokens = issue_tokens(browser, owner)

    for token in (tokens["access_token"], tokens["refresh_token"]):
        assert introspect(other, token) == {"active": False}
        revoked = revoke(other, token)
        assert revoked.status_code == 200 and revoked.json() == {}
    assert_oauth_error(refresh(other, tokens["refresh_token"]), "invalid_grant")

    assert is_active(owner, tokens["access_token"])
    assert is_active(owner, tokens["refresh_token"])
    assert user_info(tokens["access_token"]).status_code == 200
    assert refresh(owner, tokens["refresh_token"]).status_code == 200


# -- wire format details ---------------------------------------------------------------------------


def test_client_id_is_accepted_as_a_synonym_of_client_key(browser: HttpClient) -> None:
    registered = register()
    auth = authorize_url(registered.client.client_id)
    url = auth.url.replace("client_key=", "client_id=")
    page = browser.get(url)
    assert page.status_code == 200
    query = query_of(browser.post(url, {"authorize": "1"})["Location"])

    response = exchange(
        HttpClient(),
        registered,
        query["code"],
        auth.verifier,
        client_key=None,
        client_id=registered.client.client_id,
    )
    assert response.status_code == 200, response.content
    tokens = response.json()

    credentials = {"client_id": registered.client.client_id, "client_secret": registered.client_secret}
    introspected = HttpClient().post("/v2/oauth/introspect/", {**credentials, "token": tokens["access_token"]})
    assert introspected.json()["active"] is True
    refreshed = HttpClient().post(
        "/v2/oauth/token/", {**credentials, "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.content


def test_http_basic_client_authentication_works_on_introspect_and_revoke(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    header = basic_auth(registered)

    introspected = HttpClient().post(
        "/v2/oauth/introspect/", {"token": tokens["access_token"]}, HTTP_AUTHORIZATION=header
    )
    assert introspected.status_code == 200
    assert introspected.json()["active"] is True

    wrong = HttpClient().post(
        "/v2/oauth/introspect/", {"token": tokens["access_token"]}, HTTP_AUTHORIZATION=basic_auth(registered, "nope")
    )
    assert_oauth_error(wrong, "invalid_client", 401)

    revoked = HttpClient().post("/v2/oauth/revoke/", {"token": tokens["access_token"]}, HTTP_AUTHORIZATION=header)
    assert revoked.status_code == 200 and revoked.json() == {}
    assert introspect(registered, tokens["access_token"]) == {"active": False}


def test_http_basic_client_authentication_works_on_the_token_endpoint(browser: HttpClient) -> None:
    registered = register()
    auth, query = consent(browser, registered)
    response = HttpClient().post(
        "/v2/oauth/token/",
        {
            "code": query["code"],
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT_URI,
            "code_verifier": auth.verifier,
        },
        HTTP_AUTHORIZATION=basic_auth(registered),
    )
    assert response.status_code == 200, response.content
    assert response.json()["open_id"]


@pytest.mark.parametrize(
    ("data", "error", "status"),
    [
        ({"grant_type": "authorization_code"}, "invalid_request", 400),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type", 400),
        ({"grant_type": "made_up"}, "unsupported_grant_type", 400),
        ({"grant_type": "refresh_token", "refresh_token": "made-up"}, "invalid_grant", 400),
        ({}, "unsupported_grant_type", 400),
    ],
)
def test_token_endpoint_errors_are_json_with_error_description_and_log_id(
    data: dict[str, str], error: str, status: int
) -> None:
    registered = register()
    response = HttpClient().post("/v2/oauth/token/", {**client_credentials(registered), **data})
    assert_oauth_error(response, error, status)
    assert response["Cache-Control"] == "no-store"


def test_the_password_grant_is_refused_even_with_the_right_password(loop_account: Any) -> None:
    registered = register()
    response = HttpClient().post(
        "/v2/oauth/token/",
        {**client_credentials(registered), "grant_type": "password", "username": "sakura", "password": PASSWORD},
    )
    assert_oauth_error(response, "unsupported_grant_type")
    assert not AccessToken.objects.exists()


def test_introspect_revoke_and_user_info_errors_are_json_too() -> None:
    registered = register()
    assert_oauth_error(HttpClient().post("/v2/oauth/introspect/", {"token": "x"}), "invalid_client", 401)
    assert_oauth_error(HttpClient().post("/v2/oauth/revoke/", {"token": "x"}), "invalid_client", 401)
    assert_oauth_error(
        HttpClient().post("/v2/oauth/introspect/", client_credentials(registered)), "invalid_request", 400
    )
    assert_oauth_error(HttpClient().post("/v2/oauth/revoke/", client_credentials(registered)), "invalid_request", 400)
    assert_api_error(HttpClient().get("/v2/user/info/"), "access_token_invalid", 401)
    assert_api_error(user_info("made-up-token"), "access_token_invalid", 401)


def test_the_log_id_differs_per_error() -> None:
    first = HttpClient().post("/v2/oauth/revoke/", {"token": "x"}).json()["log_id"]
    second = HttpClient().post("/v2/oauth/revoke/", {"token": "x"}).json()["log_id"]
    assert first != second
    first = HttpClient().get("/v2/user/info/").json()["error"]["log_id"]
    second = HttpClient().get("/v2/user/info/").json()["error"]["log_id"]
    assert first != second


def test_access_tokens_in_the_query_string_are_not_accepted(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    response = HttpClient().get(f"/v2/user/info/?fields=open_id&access_token={tokens['access_token']}")
    assert_api_error(response, "access_token_invalid", 401)


# -- the consent step cannot be forged ------------------------------------------------------------


def test_the_implicit_grant_is_not_offered(browser: HttpClient) -> None:
    registered = register()
    auth = authorize_url(registered.client.client_id, response_type="token")
    for response in (browser.get(auth.url), browser.post(auth.url, {"authorize": "1"})):
        assert response.status_code in (302, 400)
        if response.status_code == 302:
            assert "access_token" not in response["Location"]
            assert query_of(response["Location"])["error"] in ("unsupported_response_type", "unauthorized_client")


def test_authorize_in_the_query_string_of_a_get_does_not_grant_access(browser: HttpClient) -> None:
    registered = register()
    auth = authorize_url(registered.client.client_id, authorize="1")
    response = browser.get(auth.url)
    assert response.status_code == 200
    assert b'name="authorize"' in response.content


def test_pressing_authorize_needs_the_csrf_token(loop_account: Any) -> None:
    registered = register()
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(loop_account)
    auth = authorize_url(registered.client.client_id)
    page = browser.get(auth.url)
    assert page.status_code == 200

    forged = browser.post(auth.url, {"authorize": "1"})

    assert forged.status_code == 403
    token = browser.cookies["loop_csrftoken"].value
    accepted = browser.post(auth.url, {"authorize": "1", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert "code" in query_of(accepted["Location"])
