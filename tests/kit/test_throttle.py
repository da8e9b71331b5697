"""The guessing throttle itself: waits that grow, locks that double, both stores, client keys."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.throttle.guard import Key, Policy, begin, client_key, policy
from accountlink.kit.throttle.store import get_store

pytestmark = pytest.mark.django_db

DOOR = "test-door"


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(params=["database", "cache", "redis"])
def store(request: Any, settings: Any) -> Iterator[str]:
    """Each test runs on every store: the database (embedded default), the cache, and the cache
    on a real Redis (as a scaled-out deployment has it)."""
    if request.param == "redis":
        if not redis_reachable():
            pytest.skip("no Redis on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/15",
                "KEY_PREFIX": f"accountlink-test-{uuid.uuid4().hex}",
            }
        }
    settings.ACCOUNTLINK_THROTTLE_STORE = "database" if request.param == "database" else "cache"
    caches["default"].clear()
    yield request.param
    caches["default"].clear()


def guess(keys: list[Key], right: bool = False) -> ErrorCode | None:
    """One guess; the refusal's code, or None when the guess was let through."""
    try:
        attempt = begin(DOOR, keys)
    except CodedError as error:
        return error.code
    if right:
        attempt.succeeded()
    else:
        attempt.failed()
    return None


def test_the_policy_waits_longer_after_each_wrong_guess_and_doubles_its_locks() -> None:
    rules = Policy(free_failures=5, lock_after=10, lock_seconds=900)
    assert [rules.wait_after(n) for n in range(1, 11)] == [0, 0, 0, 0, 2, 4, 8, 16, 32, 64]
    assert [rules.lock_for(n) for n in (1, 2, 3, 10)] == [900, 1800, 3600, 24 * 3600]


def test_free_guesses_then_waits_then_a_lock(store: str) -> None:
    key = [Key("account", "id1")]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert [guess(key) for _ in range(5)] == [None] * 5
        # The fifth wrong guess makes the next one wait 2 seconds.
        assert guess(key) == ErrorCode.AUTH_THROTTLED
        clock.shift(2)
        assert guess(key) is None
        assert guess(key) == ErrorCode.AUTH_THROTTLED
        for wait in (4, 8, 16, 32):
            clock.shift(wait)
            assert guess(key) is None
        clock.shift(64)
        # The eleventh guess in a row locks the key for 15 minutes, without a look at the secret.
        assert guess(key, right=True) == ErrorCode.AUTH_THROTTLED
        clock.shift(14 * 60)
        assert guess(key, right=True) == ErrorCode.AUTH_THROTTLED
        clock.shift(60)
        assert guess(key, right=True) is None


def test_the_refusal_says_how_long_to_wait(store: str) -> None:
    key = [Key("account", "id2")]
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(5):
            guess(key)
        with pytest.raises(CodedError) as refused:
            begin(DOOR, key)
    assert refused.value.params == {"seconds": 2}
    assert refused.value.message == "Too many attempts. For your security, wait 2 seconds, then try again."


def test_a_right_guess_forgets_the_accounts_wrong_ones(store: str) -> None:
    key = [Key("account", "id3")]
    for _ in range(4):
        guess(key)
    guess(key, right=True)
    assert [guess(key) for _ in range(5)] == [None] * 5


def test_refused_guesses_are_not_counted_and_a_parallel_burst_cannot_pass_the_limit(store: str) -> None:
    key = [Key("account", "id4")]
    with time_machine.travel(timezone.now(), tick=False):
        # Ten guesses begun at once (none reported yet), as a burst of parallel requests would be.
        attempts = [begin(DOOR, key) for _ in range(10)]
        with pytest.raises(CodedError):
            begin(DOOR, key)
        for attempt in attempts:
            attempt.failed()
        assert [guess(key) for _ in range(300)] == [ErrorCode.AUTH_THROTTLED] * 300


def test_a_client_address_keeps_its_count_after_a_right_guess(store: str, settings: Any) -> None:
    settings.ACCOUNTLINK_THROTTLE = {"client": {"free_failures": 4, "lock_after": 6}}
    client = Key("client", "192.0.2.1")
    with time_machine.travel(timezone.now(), tick=False):
        for number in range(3):
            assert guess([Key("account", f"other{number}"), client]) is None
        assert guess([Key("account", "mine"), client], right=True) is None
        # The right guess is taken back, the three wrong ones are not: one more makes the address wait.
        assert guess([Key("account", "yet-another"), client]) is None
        assert guess([Key("account", "and-another"), client]) == ErrorCode.AUTH_THROTTLED


def test_counts_are_forgotten_a_day_after_the_last_guess(store: str) -> None:
    if store == "redis":
        pytest.skip("Redis expires keys by its own clock, which the test cannot move")
    key = [Key("account", "id5")]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            guess(key)
        clock.shift(timedelta(days=1, seconds=1))
        assert [guess(key) for _ in range(5)] == [None] * 5


def test_settings_can_change_a_policy(settings: Any) -> None:
    settings.ACCOUNTLINK_THROTTLE = {"account": {"lock_after": 3}}
    assert policy("account").lock_after == 3
    assert policy("account").free_failures == 5


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
    ],
)
def test_client_addresses_count_by_address_and_ipv6_by_64(address: str, expected: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    assert client_key(request) == Key("client", expected)


def test_behind_trusted_proxies_the_address_they_saw_counts(settings: Any) -> None:
    settings.ACCOUNTLINK_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert client_key(request) == Key("client", "203.0.113.9")


def test_a_door_that_counts_only_wrong_guesses_writes_nothing_for_right_ones(store: str) -> None:
    key = [Key("account", "client-a")]
    for _ in range(50):
        begin(DOOR, key, count_first=False).succeeded()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            begin(DOOR, key, count_first=False).failed()
        with pytest.raises(CodedError):
            begin(DOOR, key, count_first=False)
        for wait in (2, 4, 8, 16, 32):
            clock.shift(wait)
            begin(DOOR, key, count_first=False).failed()
        clock.shift(64)
        begin(DOOR, key, count_first=False).failed()  # the eleventh wrong guess locks
        clock.shift(14 * 60)
        with pytest.raises(CodedError):
            begin(DOOR, key, count_first=False)


def test_a_door_reads_the_blocks_of_all_its_keys_at_once(store: str) -> None:
    """The account's and the client address's waits are one read (issue 18: every client-authenticated
    token request passes here), and a block on either key still refuses."""
    account, address = Key("account", "a-1"), Key("client", "198.51.100.7")
    with CaptureQueriesContext(connection) as queries:
        begin(DOOR, [account, address], count_first=False).succeeded()
    assert len(queries) == (1 if store == "database" else 0)
    for blocked in (account, address):
        name, keep = blocked.storage_key(DOOR), timedelta(hours=1)
        get_store().add(name, "attempts", 1, keep)
        get_store().block(name, timezone.now() + timedelta(seconds=60), keep)
        with pytest.raises(CodedError) as refused:
            begin(DOOR, [account, address], count_first=False)
        assert 58 <= refused.value.params["seconds"] <= 60
        get_store().clear(name)
        begin(DOOR, [account, address], count_first=False)


def test_a_count_is_one_statement_and_a_forgotten_key_starts_again_unblocked(store: str) -> None:
    """The database store counts with one upsert (a login writes two or three counts, issue 18). A key
    past its expiry starts from the new guess: its old block and its other count go with it."""
    if store == "redis":
        pytest.skip("Redis expires keys by its own clock, which the test cannot move")
    name, keep = Key("account", "id7").storage_key(DOOR), timedelta(hours=1)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        with CaptureQueriesContext(connection) as queries:
            assert get_store().add(name, "attempts", 1, keep) == 1
            assert get_store().add(name, "attempts", 2, keep) == 3
            assert get_store().add(name, "locks", 1, keep) == 1
            assert get_store().add(name, "attempts", -1, keep) == 2
        assert len(queries) == (4 if store == "database" else 0)
        get_store().block(name, timezone.now() + timedelta(days=2), keep)
        clock.shift(keep - timedelta(seconds=1))
        assert get_store().blocked_until(name) is not None
        assert get_store().add(name, "attempts", 1, keep) == 3  # still live: counted on, block kept
        clock.shift(keep + timedelta(seconds=1))
        assert get_store().add(name, "attempts", 1, keep) == 1
        assert get_store().blocked_until(name) is None
        assert get_store().add(name, "locks", 1, keep) == 1


@pytest.mark.django_db(transaction=True)
def test_a_right_guess_forgets_a_count_in_one_statement() -> None:
    """Every successful login clears its key: one DELETE, not a transaction of its own around it."""
    name = Key("account", "id8").storage_key(DOOR)
    get_store().add(name, "attempts", 1, timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        get_store().clear(name)
    assert [query["sql"].split()[0] for query in queries] == ["DELETE"]
    assert get_store().add(name, "attempts", 1, timedelta(hours=1)) == 1  # forgotten: counting starts again
