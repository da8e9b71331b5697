"""Client secrets are throttled like passwords at the token, revoke and introspect endpoints
(issue 13): per client key and per client address, told with 429 and Retry-After; an address that
authenticated as the client before keeps its own allowance, so strangers who know the public client
key cannot lock the client's servers out (DESIGN §8)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accountlink.kit.throttle.models import GuessCounter
from tests.consumer.oauth_helpers import basic_auth, register

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/v2/oauth/token/", "/v2/oauth/revoke/", "/v2/oauth/introspect/"]


HOLDER, OTHER_HOLDER, STRANGER, NEWCOMER = "203.0.113.5", "203.0.113.6", "198.51.100.9", "192.0.2.200"


@pytest.fixture(params=["database", "cache"])
def store(request: Any, settings: Any) -> Iterator[str]:
    """The embedded default (the database) and a shared cache."""
    settings.ACCOUNTLINK_THROTTLE_STORE = request.param
    caches["default"].clear()
    yield request.param
    caches["default"].clear()


def post(path: str, key: str, secret: str, address: str = STRANGER) -> Any:
    data = {"client_key": key, "client_secret": secret, "token": "some-token", "grant_type": "refresh_token"}
    return Client(REMOTE_ADDR=address).post(path, {**data, "refresh_token": "some-token"})


@pytest.mark.parametrize("path", ENDPOINTS)
def test_wrong_secrets_are_slowed_then_locked_and_a_new_address_waits_too(path: str) -> None:
    registered = register()
    key = registered.client.client_id
    with time_machine.travel(timezone.now(), tick=False) as clock:
        statuses = []
        for number in range(100):
            statuses.append(post(path, key, f"wrong-{number}").status_code)
            clock.shift(1)
        assert statuses.count(401) <= 12
        refused = post(path, key, registered.client_secret, address=NEWCOMER)
        assert refused.status_code == 429
        assert refused.json()["error"] == "rate_limit_exceeded"
        assert int(refused["Retry-After"]) > 0
        assert set(refused.json()) == {"error", "error_description", "log_id"}
        clock.shift(int(refused["Retry-After"]))
        assert post(path, key, registered.client_secret).status_code != 429


def test_http_basic_guesses_count_for_the_same_client() -> None:
    registered = register()
    with time_machine.travel(timezone.now(), tick=False):
        for number in range(6):
            Client().post(
                "/v2/oauth/introspect/", {"token": "x"}, HTTP_AUTHORIZATION=basic_auth(registered, f"wrong-{number}")
            )
        response = Client().post("/v2/oauth/introspect/", {"token": "x"}, HTTP_AUTHORIZATION=basic_auth(registered))
    assert response.status_code == 429


def test_an_unknown_client_key_is_throttled_like_a_known_one() -> None:
    key = register().client.client_id
    with time_machine.travel(timezone.now(), tick=False):
        known = [post("/v2/oauth/introspect/", key, f"wrong-{n}", address="198.51.100.1").status_code for n in range(8)]
        unknown = [
            post("/v2/oauth/introspect/", "no-such-client", f"wrong-{n}", address="198.51.100.2").status_code
            for n in range(8)
        ]
    assert unknown == [401] * 5 + [429] * 3
    assert known == unknown


def test_a_working_client_is_never_slowed_down() -> None:
    registered = register()
    for _ in range(50):
        response = post("/v2/oauth/introspect/", registered.client.client_id, registered.client_secret)
        assert response.status_code == 200


def introspect(registered: Any, address: str, secret: str | None = None) -> int:
    return post(
        "/v2/oauth/introspect/", registered.client.client_id, secret or registered.client_secret, address
    ).status_code


@pytest.mark.parametrize("path", ENDPOINTS)
def test_an_address_that_authenticated_before_keeps_working_while_a_stranger_locks_the_client(
    path: str, store: str
) -> None:
    registered = register()
    key = registered.client.client_id
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert introspect(registered, HOLDER) == 200  # the client's own server, once
        for number in range(100):
            post(path, key, f"wrong-{number}", address=STRANGER)
            clock.shift(1)
        assert post(path, key, registered.client_secret, address=NEWCOMER).status_code == 429
        assert post(path, key, f"wrong-{number}", address=STRANGER).status_code == 429
        answer = post(path, key, registered.client_secret, address=HOLDER)
        assert answer.status_code != 429, answer.content
        assert introspect(registered, HOLDER) == 200


def test_strangers_on_many_addresses_cannot_lock_the_client_out(store: str) -> None:
    registered = register()
    with time_machine.travel(timezone.now(), tick=False):
        assert introspect(registered, HOLDER) == 200
        for number in range(60):
            introspect(registered, f"198.51.100.{number + 1}", secret=f"wrong-{number}")
        assert introspect(registered, NEWCOMER) == 429
        assert introspect(registered, HOLDER) == 200


def test_a_remembered_address_that_sends_wrong_secrets_locks_only_itself(store: str) -> None:
    registered = register()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert introspect(registered, HOLDER) == 200
        assert introspect(registered, OTHER_HOLDER) == 200
        for number in range(30):
            introspect(registered, HOLDER, secret=f"old-secret-{number}")
            clock.shift(1)
        assert introspect(registered, HOLDER) == 429
        assert introspect(registered, OTHER_HOLDER) == 200
        assert introspect(registered, NEWCOMER) == 200  # the client's shared count was not touched


def test_an_answer_given_before_the_secret_was_checked_does_not_remember_the_address(store: str) -> None:
    registered = register()
    key = registered.client.client_id
    with time_machine.travel(timezone.now(), tick=False) as clock:
        # No secret at all: Loop refuses the grant type before it looks at the client.
        unsupported = Client(REMOTE_ADDR=STRANGER).post(
            "/v2/oauth/token/", {"client_key": key, "grant_type": "password"}
        )
        assert unsupported.status_code == 400
        for number in range(30):
            introspect(registered, STRANGER, secret=f"wrong-{number}")
            clock.shift(1)
        assert introspect(registered, NEWCOMER) == 429  # the stranger's guesses counted on the client


def test_a_remembered_address_is_written_once_and_forgotten_after_30_days(store: str) -> None:
    registered = register()
    table = GuessCounter._meta.db_table
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with CaptureQueriesContext(connection) as first:
            assert introspect(registered, HOLDER) == 200
        with CaptureQueriesContext(connection) as later:
            for _ in range(20):
                assert introspect(registered, HOLDER) == 200
        writes = [query["sql"] for query in later if table in query["sql"] and not query["sql"].startswith("SELECT")]
        assert writes == []
        if store == "database":
            assert [query["sql"] for query in first if query["sql"].startswith("INSERT")] != []

        clock.shift(31 * 24 * 3600)
        for number in range(30):
            introspect(registered, STRANGER, secret=f"wrong-{number}")
            clock.shift(1)
        assert introspect(registered, HOLDER) == 429  # a month later the address is a stranger again
