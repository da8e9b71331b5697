"""``POST /v2/oauth/grant_endings/``: the log of an app's ended permissions, read from where the app
stopped (issue 18), so a missed ``authorization.removed`` webhook is caught up without asking about
every link."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from accountlink.consumer.oauth.actions import do_remove_app_access
from accountlink.consumer.oauth.models import ClientOpenId, GrantEnding
from accountlink.consumer.oauth.registration import RegisteredClient
from tests.consumer.oauth_helpers import assert_oauth_error, basic_auth, client_credentials, grant_permission, register
from tests.query_plans import full_scans

pytestmark = pytest.mark.django_db

URL = "/v2/oauth/grant_endings/"


def read(registered: RegisteredClient, **parameters: Any) -> dict[str, Any]:
    response = HttpClient().post(URL, {**client_credentials(registered), **parameters})
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    body: dict[str, Any] = response.json()
    return body


def granted_then_removed(account: Any, registered: RegisteredClient) -> str:
    grant_permission(account, registered, ["user.info.basic"])
    assert do_remove_app_access(account, registered.client, actor=account)
    return ClientOpenId.objects.get(account=account, client=registered.client).value


def test_remove_access_is_in_the_apps_log_with_the_webhooks_reason(loop_account: Any) -> None:
    app = register()
    open_id = granted_then_removed(loop_account, app)
    body = read(app)
    assert [(e["open_id"], e["reason"]) for e in body["endings"]] == [(open_id, 1)]  # 1: the holder removed it
    assert body["has_more"] is False
    ending = GrantEnding.objects.get()
    assert body["endings"][0]["ended_at"] == ending.ended_at.timestamp()


def test_an_app_without_a_webhook_url_has_its_endings_logged_too(loop_account: Any) -> None:
    app = register()
    app.client.webhook_url = ""
    app.client.save()
    granted_then_removed(loop_account, app)
    assert len(read(app)["endings"]) == 1


def test_an_app_sees_only_its_own_endings(loop_account: Any, make_loop_account: Any) -> None:
    mine, theirs = register("Mine"), register("Theirs", "https://theirs.example/callback/")
    granted_then_removed(loop_account, theirs)
    granted_then_removed(make_loop_account(handle="ben"), theirs)
    assert read(mine)["endings"] == []
    assert len(read(theirs)["endings"]) == 2


def test_pages_follow_each_other_with_the_cursor_and_since_skips_what_came_before(make_loop_account: Any) -> None:
    app = register()
    open_ids = []
    with time_machine.travel("2026-12-01 10:00:00Z", tick=False) as clock:
        for number in range(3):
            open_ids.append(granted_then_removed(make_loop_account(handle=f"p{number}"), app))
            clock.shift(60)
    first = read(app, limit="2")
    assert [e["open_id"] for e in first["endings"]] == open_ids[:2] and first["has_more"] is True
    second = read(app, limit="2", cursor=first["cursor"])
    assert [e["open_id"] for e in second["endings"]] == open_ids[2:] and second["has_more"] is False
    assert read(app, cursor=second["cursor"])["endings"] == []  # nothing new: the same place again
    later = read(app, since=str(first["endings"][1]["ended_at"]))
    assert [e["open_id"] for e in later["endings"]] == open_ids[1:]


def test_the_app_may_authenticate_with_http_basic(loop_account: Any) -> None:
    app = register()
    granted_then_removed(loop_account, app)
    response = HttpClient().post(URL, {}, HTTP_AUTHORIZATION=basic_auth(app))
    assert response.status_code == 200 and len(response.json()["endings"]) == 1


def test_a_wrong_secret_an_unknown_client_and_no_credentials_are_refused(loop_account: Any) -> None:
    app = register()
    for data in ({"client_key": app.client.client_id, "client_secret": "wrong"}, {"client_key": "nope"}, {}):
        assert_oauth_error(HttpClient().post(URL, data), "invalid_client", 401)


@pytest.mark.parametrize(
    "bad",
    [
        {"since": "yesterday"},
        {"since": "-1"},
        {"since": "1e30"},
        {"limit": "0"},
        {"limit": "501"},
        {"limit": "2.5"},
        {"cursor": "abc"},
        {"cursor": "99999999999999999999999:1"},
        {"cursor": "1:-2"},
        {"since": "nan"},
    ],
)
def test_bad_parameters_are_an_oauth_error_not_a_crash(bad: dict[str, str]) -> None:
    app = register()
    response = HttpClient().post(URL, {**client_credentials(app), **bad})
    assert_oauth_error(response, "invalid_request")


def test_a_get_is_refused_in_the_oauth_envelope() -> None:
    response = HttpClient().get(URL)
    assert_oauth_error(response, "invalid_request", 405)
    assert response["Allow"] == "POST"


def test_reading_the_log_is_one_indexed_lookup_however_long_it_is(make_loop_account: Any) -> None:
    app, other = register(), register("Other", "https://other.example/callback/")
    for number in range(5):
        granted_then_removed(make_loop_account(handle=f"o{number}"), other)
    granted_then_removed(make_loop_account(handle="mine"), app)
    scans = full_scans(
        lambda: HttpClient().post(URL, {**client_credentials(app), "since": "1"}),
        {"loop_oauth_grantending"},
    )
    assert scans == []
