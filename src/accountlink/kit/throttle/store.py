"""Where guess counts live: the shared cache (Redis) when there is one, the database otherwise.

Both stores count atomically, so parallel guesses from several web processes cannot slip past a
limit: Redis ``INCR``, or one ``INSERT … ON CONFLICT DO UPDATE SET attempts = attempts + 1`` on the
platform's database.
A key's counts are forgotten ``keep`` after its last change.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Literal, Protocol

from django.core.cache import caches
from django.utils import timezone

from accountlink.kit import rawsql as sql
from accountlink.kit.conf import platform_settings

from .models import GuessCounter

Counter = Literal["attempts", "locks"]


class Store(Protocol):
    def blocked_until(self, key: str) -> datetime | None: ...

    def blocked_until_each(self, keys: list[str]) -> dict[str, datetime]:
        """Of these keys, those that are blocked, and until when: one read for all of them."""
        ...

    def add(self, key: str, counter: Counter, delta: int, keep: timedelta) -> int: ...

    def reset_attempts(self, key: str) -> None: ...

    def block(self, key: str, until: datetime, keep: timedelta) -> None: ...

    def clear(self, key: str) -> None: ...

    def remember(self, key: str, until: datetime) -> None:
        """Keep a mark under ``key`` until then, read back by ``blocked_until_each`` (not a block: no
        guard counts on such a key)."""
        ...


class CacheStore:
    """Counts in Django's cache; with Redis (``REDIS_URL``) they are shared by every process."""

    def __init__(self, alias: str = "default") -> None:
        self.cache = caches[alias]

    def blocked_until(self, key: str) -> datetime | None:
        stamp = self.cache.get(f"throttle:{key}:until")
        return datetime.fromtimestamp(stamp, tz=timezone.get_current_timezone()) if stamp else None

    def blocked_until_each(self, keys: list[str]) -> dict[str, datetime]:
        stamps = self.cache.get_many([f"throttle:{key}:until" for key in keys])
        zone = timezone.get_current_timezone()
        return {
            key: datetime.fromtimestamp(stamp, tz=zone)
            for key in keys
            if (stamp := stamps.get(f"throttle:{key}:until"))
        }

    def add(self, key: str, counter: Counter, delta: int, keep: timedelta) -> int:
        name, seconds = f"throttle:{key}:{counter}", int(keep.total_seconds())
        self.cache.add(name, 0, seconds)
        try:
            value = int(self.cache.incr(name, delta))
        except ValueError:  # it expired between add and incr
            self.cache.set(name, delta, seconds)
            value = delta
        self.cache.touch(name, seconds)
        return value

    def reset_attempts(self, key: str) -> None:
        self.cache.delete(f"throttle:{key}:attempts")

    def block(self, key: str, until: datetime, keep: timedelta) -> None:
        self.cache.set(f"throttle:{key}:until", until.timestamp(), int(keep.total_seconds()))

    def clear(self, key: str) -> None:
        self.cache.delete_many([f"throttle:{key}:{part}" for part in ("attempts", "locks", "until")])

    def remember(self, key: str, until: datetime) -> None:
        self.cache.set(
            f"throttle:{key}:until", until.timestamp(), max(1, int((until - timezone.now()).total_seconds()))
        )


class DatabaseStore:
    """Counts in the platform's own database, for the embedded default with no Redis."""

    def blocked_until(self, key: str) -> datetime | None:
        row = GuessCounter.objects.filter(key=key, expires_at__gt=timezone.now()).only("blocked_until").first()
        return row.blocked_until if row is not None else None

    def blocked_until_each(self, keys: list[str]) -> dict[str, datetime]:
        """Read by hand (kit/rawsql.py): every client authentication asks this first."""
        rows = sql.fetch_all(_blocked_sql(len(keys)), [*keys, sql.now()])
        return {key: sql.read_moment(until) for key, until in rows}

    def add(self, key: str, counter: Counter, delta: int, keep: timedelta) -> int:
        """One statement (an upsert), atomic on its own: a key past its expiry starts again from
        ``delta``; a live one adds ``delta`` to ``counter``. Every login writes two or three counts."""
        now = timezone.now()
        fresh = {"attempts": 0, "locks": 0, counter: delta}
        at = sql.moment(now)
        row = sql.fetch_one(_add_sql(counter), [key, fresh["attempts"], fresh["locks"], sql.moment(now + keep),
                                               at, delta, at, at])  # fmt: skip
        assert row is not None  # an upsert always returns its row
        return int(row[0])

    def reset_attempts(self, key: str) -> None:
        GuessCounter.objects.filter(key=key).update(attempts=0)

    def block(self, key: str, until: datetime, keep: timedelta) -> None:
        GuessCounter.objects.filter(key=key).update(blocked_until=until, expires_at=timezone.now() + keep)

    def clear(self, key: str) -> None:
        """One statement on its own (a queryset's ``delete()`` wraps even one row in a transaction of
        its own: three statements at every successful login)."""
        sql.execute(f"DELETE FROM {sql.table(GuessCounter)} WHERE {sql.name(GuessCounter, 'key')} = %s", [key])  # noqa: S608

    def remember(self, key: str, until: datetime) -> None:
        """One statement (an upsert)."""
        GuessCounter.objects.bulk_create(
            [GuessCounter(key=key, blocked_until=until, expires_at=until)],
            update_conflicts=True, unique_fields=["key"], update_fields=["blocked_until", "expires_at"],
        )  # fmt: skip


@functools.cache
def _blocked_sql(keys: int) -> str:
    """The blocks of ``keys`` keys that are live (parameters: the keys, then now)."""
    key, until, expires = (sql.column(GuessCounter, name) for name in ("key", "blocked_until", "expires_at"))
    wanted = ", ".join(["%s"] * keys)
    return (
        f"SELECT {key}, {until} FROM {sql.table(GuessCounter)} "  # noqa: S608 (names from metadata)
        f"WHERE {key} IN ({wanted}) AND {expires} > %s AND {until} IS NOT NULL"
    )


@functools.cache
def _add_sql(counter: Counter) -> str:
    """``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (PostgreSQL, and SQLite from 3.35) for ``add``.

    Parameters: key, attempts, locks, expires_at of a new row; now, delta (the live row's count);
    now, now (the other count and the block, kept only while the row is live)."""
    table, other = sql.table(GuessCounter), "locks" if counter == "attempts" else "attempts"
    name, column = functools.partial(sql.name, GuessCounter), functools.partial(sql.column, GuessCounter)
    expired = f"{column('expires_at')} <= %s"
    return (
        f"INSERT INTO {table} ({name('key')}, {name('attempts')}, {name('locks')}, {name('blocked_until')}, "  # noqa: S608 (names from metadata)
        f"{name('expires_at')}) VALUES (%s, %s, %s, NULL, %s) ON CONFLICT ({name('key')}) DO UPDATE SET "
        f"{name(counter)} = CASE WHEN {expired} THEN excluded.{name(counter)} ELSE {column(counter)} + %s END, "
        f"{name(other)} = CASE WHEN {expired} THEN 0 ELSE {column(other)} END, "
        f"{name('blocked_until')} = CASE WHEN {expired} THEN NULL ELSE {column('blocked_until')} END, "
        f"{name('expires_at')} = excluded.{name('expires_at')} "
        f"RETURNING {name(counter)}"
    )


def get_store() -> Store:
    """``ACCOUNTLINK_THROTTLE_STORE``: "cache" (a shared cache such as Redis) or "database"."""
    if platform_settings.THROTTLE_STORE == "cache":
        return CacheStore()
    return DatabaseStore()
