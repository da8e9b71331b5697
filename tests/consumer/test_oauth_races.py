"""Loop's OAuth endpoints under parallel requests, with real threads on PostgreSQL (SQLite serialises writers)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from oauth2_provider.models import AccessToken, RefreshToken

from accountlink.consumer.oauth.models import AppPermission, ClientOpenId
from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.concurrency import THREADS, in_parallel
from tests.consumer.oauth_helpers import (
    authorize_url,
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

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="race tests run on PostgreSQL"),
]


def answers(request: Callable[[int], Any]) -> list[tuple[int, dict[str, Any]]]:
    """Send THREADS requests at once; each answer as (status, JSON body or {})."""

    def send(index: int) -> tuple[int, dict[str, Any]]:
        response = request(index)
        is_json = response.get("Content-Type") == "application/json"
        return response.status_code, response.json() if is_json else {}

    return in_parallel(send)


def test_one_code_redeemed_by_twenty_requests_at_once_issues_tokens_once(client: HttpClient, loop_account: Any) -> None:
    registered = register()
    client.force_login(loop_account)
    auth, query = consent(client, registered)

    results = answers(lambda _: exchange(HttpClient(), registered, query["code"], auth.verifier))

    assert Counter(status for status, _ in results) == {200: 1, 400: THREADS - 1}
    assert {body["error"] for status, body in results if status == 400} == {"invalid_grant"}
    winner = next(body for status, body in results if status == 200)
    assert winner["access_token"] and winner["refresh_token"]
    # One grant was minted, never more...
    assert RefreshToken.objects.count() == 1
    assert AccessToken.objects.count() <= 1
    # ...and the other nineteen presentations of the same code count as replays (RFC 6749 §4.1.2,
    # DESIGN §8: "reuse revokes what was issued"), so what was minted no longer works.
    assert introspect(registered, winner["access_token"]) == {"active": False}
    assert introspect(registered, winner["refresh_token"]) == {"active": False}


def test_one_refresh_token_presented_twenty_times_at_once_is_honoured_once(
    client: HttpClient, loop_account: Any
) -> None:
    registered = register()
    client.force_login(loop_account)
    tokens = issue_tokens(client, registered)

    results = answers(lambda _: refresh(registered, tokens["refresh_token"]))

    # The first to get the token rotates it; to the other nineteen it is already a rotated one.
    assert Counter(status for status, _ in results) == {200: 1, 400: THREADS - 1}
    assert {body["error"] for status, body in results if status == 400} == {"invalid_grant"}
    # At most one new pair was minted from the presented token.
    assert AccessToken.objects.filter(source_refresh_token__isnull=False).count() <= 1
    assert RefreshToken.objects.count() <= 2
    # Presenting a rotated refresh token is reuse: whatever the one success got is revoked with its family.
    for status, body in results:
        if status == 200:
            assert introspect(registered, body["access_token"]) == {"active": False}
            assert introspect(registered, body["refresh_token"]) == {"active": False}
    assert introspect(registered, tokens["refresh_token"]) == {"active": False}
    assert not AppPermission.objects.exists()  # with its only grant revoked, the app no longer has access


def test_pressing_authorize_twenty_times_at_once_grants_once(loop_account: Any, run_tasks: Any, outbox: Any) -> None:
    """Twenty Authorize presses at once, then the app redeeming all twenty codes at once: one open_id,
    one app permission (it comes with the tokens), one audit event and one notification."""
    registered = register()
    auth = authorize_url(registered.client.client_id)
    browsers = []
    for _ in range(THREADS):
        browser = HttpClient()
        browser.force_login(loop_account)
        browsers.append(browser)
    codes: dict[int, str] = {}

    def press(index: int) -> Any:
        response = browsers[index].post(auth.url, {"authorize": "1"})
        codes[index] = query_of(response["Location"]).get("code", "") if response.status_code == 302 else ""
        return response

    results = answers(press)

    assert [status for status, _ in results] == [302] * THREADS
    assert ClientOpenId.objects.filter(account=loop_account, client=registered.client).count() == 1
    assert not AppPermission.objects.exists()  # consent alone grants nothing

    redeemed = answers(lambda index: exchange(HttpClient(), registered, codes[index], auth.verifier))

    assert [status for status, _ in redeemed] == [200] * THREADS
    assert AppPermission.objects.filter(account=loop_account, client=registered.client).count() == 1
    assert AuditEvent.objects.filter(account=loop_account, kind=EventKind.APP_AUTHORIZED).count() == 1
    run_tasks()
    assert len(outbox.messages(to="sakura@example.com")) == 1


def test_every_code_issued_in_parallel_redeems_to_the_same_open_id(loop_account: Any) -> None:
    registered = register()
    browsers = []
    for _ in range(THREADS):
        browser = HttpClient()
        browser.force_login(loop_account)
        browsers.append(browser)
    auths = [authorize_url(registered.client.client_id) for _ in range(THREADS)]

    def authorize_and_redeem(index: int) -> Any:
        response = browsers[index].post(auths[index].url, {"authorize": "1"})
        code = query_of(response["Location"])["code"]
        return exchange(HttpClient(), registered, code, auths[index].verifier)

    results = answers(authorize_and_redeem)

    assert [status for status, _ in results] == [200] * THREADS
    assert len({body["open_id"] for _, body in results}) == 1


def test_revoking_one_token_twenty_times_at_once_always_answers_an_empty_object(
    client: HttpClient, loop_account: Any
) -> None:
    registered = register()
    client.force_login(loop_account)
    tokens = issue_tokens(client, registered)

    results = answers(
        lambda index: revoke(registered, tokens["access_token"] if index % 2 else tokens["refresh_token"])
    )

    assert results == [(200, {})] * THREADS
    assert user_info(tokens["access_token"]).status_code == 401
    assert not AppPermission.objects.exists()
