"""Machine endpoints do the least work a correct answer needs (issue 18): how many times each asks the
database, with every security property kept (a revoked token or a suspended holder refused at once)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from accountlink.consumer.oauth import userinfo_views
from accountlink.consumer.oauth.models import ClientOpenId
from tests.consumer.oauth_helpers import client_credentials, issue_tokens, refresh, register, revoke, user_info

pytestmark = pytest.mark.django_db


def queries_of(call: Any) -> tuple[Any, int]:
    call()  # anything done once per process (a first lookup, a cache) is not counted
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return response, len(queries)


def test_user_info_asks_the_database_once(browser: HttpClient, loop_account: Any) -> None:
    app = register()
    tokens = issue_tokens(browser, app)
    response, count = queries_of(lambda: user_info(tokens["access_token"]))
    assert response.status_code == 200
    assert response.json()["data"]["user"]["open_id"] == ClientOpenId.objects.get(account=loop_account).value
    assert count == 1  # the token, its app, its holder and the holder's open_id for the app, at once


def test_user_info_makes_only_the_fields_asked_for_and_reverses_no_url_per_request(
    browser: HttpClient, loop_account: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = register()
    tokens = issue_tokens(browser, app)
    every_field = "open_id,union_id,avatar_url,avatar_url_100,avatar_large_url,display_name,profile_deep_link,username"
    user_info(tokens["access_token"], every_field)  # the page paths are reversed once per process
    reversed_names: list[str] = []
    real_reverse = userinfo_views.reverse
    monkeypatch.setattr(
        userinfo_views, "reverse", lambda name, **kw: reversed_names.append(name) or real_reverse(name, **kw)
    )
    monkeypatch.setattr(userinfo_views, "union_id_of", lambda account_id: pytest.fail("union_id was not asked for"))

    user = user_info(tokens["access_token"], "open_id,display_name").json()["data"]["user"]
    assert set(user) == {"open_id", "display_name"}
    user = user_info(tokens["access_token"], every_field.replace("union_id,", "")).json()["data"]["user"]
    assert reversed_names == []
    open_id = ClientOpenId.objects.get(account=loop_account).value
    avatar = f"http://testserver{real_reverse('oauth:avatar', args=[open_id])}"
    assert user["avatar_url"] == avatar
    assert (user["avatar_url_100"], user["avatar_large_url"]) == (f"{avatar}?size=100", f"{avatar}?size=720")
    assert user["profile_deep_link"] == f"http://testserver{real_reverse('oauth:profile', args=[open_id])}"


def test_a_page_url_is_what_reverse_gives_under_any_script_prefix() -> None:
    request = RequestFactory().get("/v2/user/info/")
    try:
        for prefix in ("/", "/loop/", "/a b/"):
            set_script_prefix(prefix)
            for open_id in ("Ab-_09xyz", "with space", "é/ü?"):
                for name in ("oauth:avatar", "oauth:profile"):
                    expected = request.build_absolute_uri(reverse(name, args=[open_id])) if "/" not in open_id else None
                    if expected is not None:
                        assert userinfo_views.page_url(request, name, open_id) == expected
                    else:  # reverse() refuses a "/" in a path segment; the open_id is one segment here too
                        assert "%2F" in userinfo_views.page_url(request, name, open_id)
    finally:
        clear_script_prefix()


def test_user_info_still_refuses_a_revoked_token_and_a_suspended_holder(browser: HttpClient, loop_account: Any) -> None:
    app = register()
    tokens = issue_tokens(browser, app)
    assert revoke(app, tokens["access_token"]).status_code == 200
    assert user_info(tokens["access_token"]).json()["error"]["code"] == "access_token_invalid"
    tokens = issue_tokens(browser, app)
    loop_account.status = "suspended"
    loop_account.save()
    assert user_info(tokens["access_token"]).status_code == 401


def test_introspection_of_a_refresh_token_asks_the_database_five_times(browser: HttpClient) -> None:
    app = register()
    tokens = issue_tokens(browser, app)
    response, count = queries_of(
        lambda: HttpClient().post(
            "/v2/oauth/introspect/", {**client_credentials(app), "token": tokens["refresh_token"]}
        )
    )
    assert response.json()["active"] is True
    # The throttle's blocks (one read for the client key and the address), the client, the token as an
    # access token, then as a refresh token, and the holder's open_id.
    assert count == 5


def test_introspection_of_an_access_token_asks_the_database_three_times(browser: HttpClient) -> None:
    app = register()
    tokens = issue_tokens(browser, app)
    response, count = queries_of(
        lambda: HttpClient().post("/v2/oauth/introspect/", {**client_credentials(app), "token": tokens["access_token"]})
    )
    assert response.json()["active"] is True
    # The throttle's blocks, the client, and the token with its holder and the holder's open_id at once.
    assert count == 3


def test_the_token_check_refuses_an_expired_token_an_unconfirmed_holder_and_another_apps_token(
    browser: HttpClient, loop_account: Any
) -> None:
    app, other = register(), register("Another app")
    tokens = issue_tokens(browser, app)
    assert user_info(tokens["access_token"]).status_code == 200
    get_access_token_model().objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert user_info(tokens["access_token"]).status_code == 401

    tokens = issue_tokens(browser, app)
    introspected = HttpClient().post(
        "/v2/oauth/introspect/", {**client_credentials(other), "token": tokens["access_token"]}
    )
    assert introspected.json() == {"active": False}  # another app's token is unknown to it
    loop_account.verified_at = None
    loop_account.save()
    assert user_info(tokens["access_token"]).status_code == 401


def test_the_refresh_grant_does_not_read_again_what_it_wrote(browser: HttpClient) -> None:
    app = register()
    first = issue_tokens(browser, app)["refresh_token"]
    second = refresh(app, first).json()["refresh_token"]
    with CaptureQueriesContext(connection) as queries:
        answer = refresh(app, second)
    assert answer.status_code == 200 and answer.json()["open_id"]
    token_table = get_access_token_model()._meta.db_table
    reads_of_new_token = [
        query["sql"]
        for query in queries
        if query["sql"].startswith(f'SELECT "{token_table}"')
        and '"token_checksum" = ' in query["sql"].partition("WHERE")[2]
    ]
    assert reads_of_new_token == []  # the answer's open_id comes from the validator, not a lookup of the new token


def test_a_refresh_may_narrow_the_scopes_but_never_widen_them(browser: HttpClient) -> None:
    app = register()
    tokens = issue_tokens(browser, app)
    assert tokens["scope"] == "user.info.basic,user.info.profile"
    wider = refresh(app, tokens["refresh_token"], scope="user.info.basic,user.info.stats")
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"
    narrower = refresh(app, tokens["refresh_token"], scope="user.info.basic")
    assert narrower.status_code == 200 and narrower.json()["scope"] == "user.info.basic"
    fields = user_info(narrower.json()["access_token"], "username")
    assert fields.json()["error"]["code"] == "scope_permission_missed"
