"""Loop's OAuth endpoints as a client app sees them: TikTok Login Kit v2 shapes (DESIGN §7)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client as HttpClient

from accountlink.consumer.oauth.models import AppPermission
from accountlink.consumer.oauth.registration import do_register_client
from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.consumer.oauth_helpers import (
    REDIRECT_URI,
    assert_api_error,
    authorize_url,
    consent,
    exchange,
    introspect,
    is_active,
    issue_tokens,
    logged_in,
    query_of,
    refresh,
    register,
    revoke,
    user_info,
)

pytestmark = pytest.mark.django_db

TOKEN_KEYS = {"open_id", "scope", "access_token", "expires_in", "refresh_token", "refresh_expires_in", "token_type"}
ALL_FIELDS = "open_id,union_id,avatar_url,display_name,username"


# -- token ----------------------------------------------------------------------------------------


def test_the_token_response_has_exactly_loops_keys(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)

    assert set(tokens) == TOKEN_KEYS
    assert tokens["scope"] == "user.info.basic,user.info.profile"
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 2 * 3600
    assert tokens["refresh_expires_in"] > tokens["expires_in"]
    assert tokens["open_id"] and tokens["access_token"] and tokens["refresh_token"]
    assert tokens["access_token"] != tokens["refresh_token"]


def test_the_refresh_response_has_the_same_keys_open_id_and_scope(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered, scope="user.info.basic")

    response = refresh(registered, tokens["refresh_token"])

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    refreshed = response.json()
    assert set(refreshed) == TOKEN_KEYS
    assert refreshed["open_id"] == tokens["open_id"]
    assert refreshed["scope"] == "user.info.basic"


def test_token_responses_are_not_cached(browser: HttpClient) -> None:
    registered = register()
    auth, query = consent(browser, registered)
    response = exchange(HttpClient(), registered, query["code"], auth.verifier)
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_the_scope_granted_is_the_scope_asked_for(browser: HttpClient) -> None:
    registered = register()
    assert issue_tokens(browser, registered, scope="user.info.basic")["scope"] == "user.info.basic"


def test_scopes_may_be_space_separated_too(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered, scope="user.info.basic user.info.profile")
    assert tokens["scope"] == "user.info.basic,user.info.profile"


def test_a_scope_the_client_was_not_registered_for_is_refused(browser: HttpClient) -> None:
    registered = do_register_client(
        name="Basic only", redirect_uris=[REDIRECT_URI], webhook_url="", scopes=["user.info.basic"]
    )
    for scope in ("user.info.basic,user.info.profile", "video.list"):
        auth = authorize_url(registered.client.client_id, scope=scope)
        response = browser.get(auth.url)
        assert response.status_code == 302
        query = query_of(response["Location"])
        assert query["error"] == "invalid_scope"
        assert "code" not in query
        assert query["state"] == auth.state


# -- open_id ----------------------------------------------------------------------------------------


def test_open_id_differs_per_client_and_is_stable_across_authorizations(
    browser: HttpClient, make_loop_account: Any
) -> None:
    business = register()
    other = register(name="Other app")

    first = issue_tokens(browser, business)["open_id"]
    again = issue_tokens(browser, business)["open_id"]
    elsewhere = issue_tokens(browser, other)["open_id"]
    someone_else = issue_tokens(logged_in(make_loop_account()), business)["open_id"]

    assert first == again
    assert elsewhere != first
    assert someone_else not in (first, elsewhere)


def test_open_id_survives_revoking_and_authorizing_again(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    revoke(registered, tokens["access_token"])
    assert not AppPermission.objects.exists()

    assert issue_tokens(browser, registered)["open_id"] == tokens["open_id"]


# -- user info -------------------------------------------------------------------------------------


def test_user_info_returns_the_fields_asked_for_in_tiktoks_envelope(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)

    response = user_info(tokens["access_token"], ALL_FIELDS)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "error"}
    assert body["error"]["code"] == "ok"
    assert body["error"]["log_id"]
    user = body["data"]["user"]
    assert set(user) == set(ALL_FIELDS.split(","))
    assert user["open_id"] == tokens["open_id"]
    assert user["display_name"] == "Sakura Tanaka"
    assert user["username"] == "sakura"
    assert urlsplit(user["avatar_url"]).path == f"/v2/avatar/{tokens['open_id']}.svg"
    assert user["union_id"]


def test_user_info_refuses_fields_the_scopes_do_not_allow(browser: HttpClient) -> None:
    """TikTok answers ``scope_permission_missed`` rather than leaving the field out (issue 16)."""
    registered = register()
    tokens = issue_tokens(browser, registered, scope="user.info.basic")

    assert_api_error(user_info(tokens["access_token"], ALL_FIELDS), "scope_permission_missed", 401)
    user = user_info(tokens["access_token"], "open_id,union_id,avatar_url,display_name").json()["data"]["user"]
    assert set(user) == {"open_id", "union_id", "avatar_url", "display_name"}


def test_user_info_returns_only_the_fields_asked_for(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)

    assert user_info(tokens["access_token"], "display_name").json()["data"]["user"] == {"display_name": "Sakura Tanaka"}
    assert_api_error(user_info(tokens["access_token"], "open_id,not_a_field"), "invalid_params", 400)


def test_union_id_is_the_same_for_every_client_and_differs_per_account(
    browser: HttpClient, make_loop_account: Any
) -> None:
    business = register()
    other = register(name="Other app")

    def union_id(browser: HttpClient, registered: Any) -> str:
        tokens = issue_tokens(browser, registered)
        value: str = user_info(tokens["access_token"], "union_id").json()["data"]["user"]["union_id"]
        return value

    mine = union_id(browser, business)
    assert union_id(browser, other) == mine
    assert union_id(logged_in(make_loop_account()), business) != mine


def test_user_info_follows_profile_changes(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    type(loop_account).objects.filter(pk=loop_account.pk).update(display_name="Sakura T.")

    user = user_info(tokens["access_token"], "display_name").json()["data"]["user"]

    assert user == {"display_name": "Sakura T."}


def test_the_avatar_is_an_svg_with_the_holders_initials(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    avatar_url = user_info(tokens["access_token"], "avatar_url").json()["data"]["user"]["avatar_url"]

    response = HttpClient().get(urlsplit(avatar_url).path)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg") and ">ST</text>" in svg


def test_an_unknown_avatar_is_not_found() -> None:
    assert HttpClient().get("/v2/avatar/no-such-open-id.svg").status_code == 404


# -- introspect ------------------------------------------------------------------------------------


def test_introspecting_a_live_token_tells_whose_it_is_and_what_it_may_do(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)

    access = introspect(registered, tokens["access_token"])
    refresh_token = introspect(registered, tokens["refresh_token"])

    assert access["active"] is True
    assert access["token_type"] == "access_token"
    assert access["client_id"] == registered.client.client_id
    assert access["open_id"] == access["sub"] == tokens["open_id"]
    assert set(access["scope"].split()) == {"user.info.basic", "user.info.profile"}
    assert access["exp"] > 0
    assert refresh_token["active"] is True
    assert refresh_token["token_type"] == "refresh_token"
    assert refresh_token["exp"] > access["exp"]


def test_introspecting_an_unknown_token_is_inactive() -> None:
    registered = register()
    assert introspect(registered, "made-up") == {"active": False}


# -- revoke ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["access_token", "refresh_token"])
def test_revoking_either_token_revokes_the_whole_grant(browser: HttpClient, which: str) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)

    response = revoke(registered, tokens[which])

    assert response.status_code == 200
    assert response.json() == {}
    assert introspect(registered, tokens["access_token"]) == {"active": False}
    assert introspect(registered, tokens["refresh_token"]) == {"active": False}
    assert user_info(tokens["access_token"]).status_code == 401
    assert refresh(registered, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_revoking_after_a_refresh_revokes_the_refreshed_tokens(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    refreshed = refresh(registered, tokens["refresh_token"]).json()

    revoke(registered, refreshed["access_token"])

    assert not is_active(registered, refreshed["refresh_token"])
    assert refresh(registered, refreshed["refresh_token"]).status_code == 400


def test_revoking_the_last_grant_removes_the_app_permission(
    browser: HttpClient, loop_account: Any, run_tasks: Any, outbox: Any
) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    assert AppPermission.objects.filter(account=loop_account, client=registered.client).exists()

    revoke(registered, tokens["refresh_token"])

    assert not AppPermission.objects.filter(account=loop_account).exists()
    removed = AuditEvent.objects.get(account=loop_account, kind=EventKind.APP_ACCESS_REMOVED)
    assert removed.data["client"] == "Loop for Business"
    run_tasks()
    subjects = [message.subject for message in outbox.messages(to="sakura@example.com")]
    assert "Loop for Business no longer has access to your Loop account" in subjects


def test_revoking_one_grant_keeps_the_permission_while_another_grant_lives(
    browser: HttpClient, loop_account: Any
) -> None:
    registered = register()
    first = issue_tokens(browser, registered)
    second = issue_tokens(browser, registered)

    revoke(registered, first["access_token"])

    assert not is_active(registered, first["refresh_token"])
    assert is_active(registered, second["access_token"])
    assert is_active(registered, second["refresh_token"])
    assert AppPermission.objects.filter(account=loop_account, client=registered.client).exists()

    revoke(registered, second["refresh_token"])

    assert not AppPermission.objects.filter(account=loop_account).exists()


def test_revoking_at_one_client_leaves_the_permission_for_another(browser: HttpClient, loop_account: Any) -> None:
    business = register()
    other = register(name="Other app")
    tokens = issue_tokens(browser, business)
    kept = issue_tokens(browser, other)

    revoke(business, tokens["access_token"])

    assert list(AppPermission.objects.filter(account=loop_account).values_list("client__name", flat=True)) == [
        "Other app"
    ]
    assert is_active(other, kept["access_token"])


@pytest.mark.parametrize("token", ["made-up", "x" * 500])
def test_revoking_an_unknown_token_answers_an_empty_object(token: str) -> None:
    registered = register()
    response = revoke(registered, token)
    assert response.status_code == 200
    assert response.json() == {}


def test_revoking_twice_is_harmless(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    assert revoke(registered, tokens["access_token"]).json() == {}
    assert revoke(registered, tokens["access_token"]).json() == {}
    assert revoke(registered, tokens["refresh_token"]).json() == {}


# -- method and transport ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v2/oauth/token/", "/v2/oauth/revoke/", "/v2/oauth/introspect/"])
def test_the_back_channel_endpoints_only_take_post(path: str) -> None:
    assert HttpClient().get(path).status_code == 405


def test_the_back_channel_endpoints_need_no_csrf_token(browser: HttpClient) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    strict = HttpClient(enforce_csrf_checks=True)
    response = strict.post(
        "/v2/oauth/introspect/",
        {
            "client_key": registered.client.client_id,
            "client_secret": registered.client_secret,
            "token": tokens["access_token"],
        },
    )
    assert response.status_code == 200 and response.json()["active"] is True
