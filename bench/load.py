"""Fills a PostgreSQL database for each platform with N accounts a side, for bench/scale.py and
bench/reconcile.py (issue 18).

Both databases are made as ``accountlink up`` makes them (``tests.e2e.cluster.Cluster.prepare``:
migrations, demo data, Loop for Business registered at Loop, the demo links), then filled with
PostgreSQL's COPY, one process per platform, each in one transaction that drops the tables' secondary
indexes and constraints first and builds them again at the end:

  Loop               N accounts (handle, name, email, phone; one Argon2id hash of ``PASSWORD`` shared
                     by all, so every one of them can log in), an open_id, an app permission and a
                     grant (access + refresh token, found by ``token_checksum``) for Loop for Business
                     each, ``SPARE_FAMILIES`` more grants for the refresh benchmark, two audit events an
                     account, and a log of N/10 grants that ended over the last 30 days
  Loop for Business  N accounts (email, name, the same password), each linked to the Loop account of the
                     same number (tokens sealed at rest), two audit events an account

Every value of account ``i`` (its handle, email, name, open_id and tokens) follows from the run's seed
(``Population``), so another script can act as any account; ``manifest.json`` beside the data says
where everything is. ANALYZE runs at the end.

    .venv/bin/python bench/load.py --accounts 20000 [--prefix bench_load]   (keeps the databases)
    .venv/bin/python bench/load.py --drop /tmp/accountlink-bench/bench_load_20k
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accountlink.devtools import processes
from tests.e2e.cluster import FOREIGN_SETTINGS, Cluster, free_ports

PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "Bench-Harbor-7391"  # every loaded account's password
SCOPES = ["user.info.basic", "user.info.profile"]
SPARE_FAMILIES = 2000  # extra grants whose refresh tokens bench/scale.py may use up
ENDED_SHARE = 10  # Loop's log holds one ended grant for every ten accounts
AGENTS = {"consumer": "support", "business": "support@example.com"}  # demo support agents (load_demo)

FIRST_NAMES = (
    "Sakura", "Maria", "Kenji", "Ren", "Aiko", "Daniel", "Lucia", "Hiroshi", "Emma", "Noah", "Olivia", "Liam",
    "Sofia", "Mateo", "Yuki", "Haruto", "Mei", "Carlos", "Ana", "Diego", "Elena", "Hana", "Sora", "Takumi",
    "Valentina", "Lucas", "Isabella", "Martin", "Camila", "Kaito", "Riko", "Pablo", "Julia", "Akira", "Nina",
    "Omar", "Leila", "Samuel", "Chloe", "Felix", "Ingrid", "Tomas", "Aya", "Marco", "Paula", "Ivan", "Rosa",
    "Jonas", "Keiko", "Andres", "Clara", "Hugo", "Alma", "Bruno", "Noa", "Yusuf", "Greta", "Elias", "Irene",
    "Kenta", "Laura", "Rafael", "Mio", "Teo",
)  # fmt: skip
# Surnames are three of these: 64 x 32,768 names, so a name search at a million accounts finds one or two.
SYLLABLES = (
    "ka", "ta", "na", "ma", "ya", "ra", "wa", "sa", "mi", "ri", "ko", "to", "no", "mo", "yo", "ro",
    "su", "ku", "fu", "mu", "ne", "he", "se", "te", "lo", "an", "el", "or", "in", "us", "ba", "de",
)  # fmt: skip


def size_label(accounts: int) -> str:
    """1000 → "1k", 1000000 → "1m", 20000 → "20k", 1500 → "1500"."""
    if accounts % 1_000_000 == 0:
        return f"{accounts // 1_000_000}m"
    if accounts % 1000 == 0:
        return f"{accounts // 1000}k"
    return str(accounts)


# What every loaded account is


@dataclass(frozen=True)
class Population:
    """The loaded accounts, computed from the seed: account ``i`` (0 ≤ i < N) on both platforms."""

    seed: str

    def _digest(self, kind: str, number: int) -> bytes:
        return hashlib.blake2b(f"{self.seed}:{kind}:{number}".encode(), digest_size=24).digest()

    def _text(self, kind: str, number: int) -> str:
        return base64.urlsafe_b64encode(self._digest(kind, number)).decode()

    def first_name(self, i: int) -> str:
        return FIRST_NAMES[self._digest("name", i)[0] % len(FIRST_NAMES)]

    def display_name(self, i: int) -> str:
        picks = self._digest("name", i)
        surname = "".join(SYLLABLES[byte % len(SYLLABLES)] for byte in picks[1:4])
        return f"{FIRST_NAMES[picks[0] % len(FIRST_NAMES)]} {surname.title()}"

    def handle(self, i: int) -> str:
        return f"{self.first_name(i).lower()}{i}"

    def email(self, i: int) -> str:
        return f"{self.handle(i)}@example.com"

    def business_email(self, i: int) -> str:
        return f"{self.handle(i)}.biz@example.com"

    def phone(self, i: int) -> str:
        return f"+8190{i:08d}"

    def open_id(self, i: int) -> str:
        return self._text("open_id", i)

    def union_id(self, i: int) -> str:
        return self._digest("union", i).hex()[:32]

    def access_token(self, i: int) -> str:
        return self._text("access", i)

    def refresh_token(self, i: int) -> str:
        return self._text("refresh", i)

    def token_family(self, number: int) -> uuid.UUID:
        """The grant of account ``number`` (below N) or of spare grant ``number - N``."""
        return uuid.UUID(bytes=self._digest("family", number)[:16])

    def spare_owner(self, j: int) -> int:
        """The account spare grant ``j`` belongs to (spare grants are made for loads of any size)."""
        return int.from_bytes(self._digest("spare", j)[:8], "big")

    def spare_access_token(self, j: int) -> str:
        return self._text("spare-access", j)

    def spare_refresh_token(self, j: int) -> str:
        return self._text("spare-refresh", j)

    def ended_open_id(self, k: int) -> str:
        return self._text("ended", k)


def checksum(token: str) -> str:
    """How Loop finds a token (``accountlink.consumer.oauth.credentials.checksum``)."""
    return hashlib.sha256(token.encode()).hexdigest()


# The manifest


@dataclass
class Loaded:
    """What was loaded where: written to ``<directory>/manifest.json``."""

    accounts: int
    seed: str
    directory: str
    databases: dict[str, str]
    urls: dict[str, str] = field(default_factory=dict)
    client: dict[str, Any] = field(default_factory=dict)
    spare_families: int = SPARE_FAMILIES
    loaded_at: float = 0.0  # Unix time the fill started
    seconds: dict[str, float] = field(default_factory=dict)  # how long each step took
    sizes: dict[str, str] = field(default_factory=dict)  # each database's size on disk

    @property
    def population(self) -> Population:
        return Population(self.seed)

    @property
    def data_dir(self) -> Path:
        return Path(self.directory) / "data"

    @property
    def path(self) -> Path:
        return Path(self.directory) / "manifest.json"

    def database_url(self, platform: str) -> str:
        return f"{PG_URL}/{self.databases[platform]}"

    def save(self) -> None:
        self.path.write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def read(cls, path: Path) -> Loaded:
        if path.is_dir():
            path = path / "manifest.json"
        return cls(**json.loads(path.read_text()))

    def cluster(self, ports: dict[str, int] | None = None) -> Cluster:
        """The system on these databases (not started), as ``accountlink up`` would run it."""
        if ports is None:
            consumer, business = free_ports(2)
            ports = {"consumer": consumer, "business": business}
        return Cluster(
            data_dir=self.data_dir,
            ports=ports,
            web_workers=2,  # as accountlink up
            platform_env={platform: {"DATABASE_URL": self.database_url(platform)} for platform in self.databases},
        )

    def prepare(self, cluster: Cluster) -> None:
        """Prepare the system as ``accountlink up`` does (migrate, demo data, the client at Loop with the
        cluster's addresses, demo links); remember its addresses and client."""
        cluster.prepare()
        self.urls, self.client = cluster.urls, dict(cluster.client)
        self.save()

    def environment(self, platform: str) -> dict[str, str]:
        """The environment of one platform's processes on these databases (``processes.child_env``)."""
        base = {key: value for key, value in os.environ.items() if key not in FOREIGN_SETTINGS}
        base.update(
            ACCOUNTLINK_DEMO_MODE="1", PYTHONUNBUFFERED="1", DATABASE_URL=self.database_url(platform), LOG_LEVEL="ERROR"
        )
        return processes.child_env(platform, self.data_dir, self.urls, self.client, base=base)


# Databases


def create_databases(names: Iterable[str]) -> None:
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_databases(names: Iterable[str]) -> None:
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def database_size(name: str) -> str:
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        row = connection.execute("SELECT pg_size_pretty(pg_database_size(%s))", [name]).fetchone()
    return str(row[0]) if row else "?"


def analyze(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ANALYZE")


def default_directory(name: str) -> Path:
    return Path(tempfile.gettempdir()) / "accountlink-bench" / name


def load(
    accounts: int,
    databases: dict[str, str],
    directory: Path,
    *,
    say: Callable[[str], None] = print,
    seed: str | None = None,
) -> Loaded:
    """Make both databases afresh and fill them with ``accounts`` accounts a side; returns the manifest."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    create_databases(databases.values())
    loaded = Loaded(accounts=accounts, seed=seed or secrets.token_hex(8), directory=str(directory), databases=databases)
    try:
        fill_both(loaded, say)
    except BaseException:
        drop(loaded)  # half-made databases are of no use
        raise
    say(
        f"  loaded in {loaded.seconds['total']:.0f} s (fill {loaded.seconds['fill']:.0f} s); "
        f"consumer {loaded.sizes['consumer']}, business {loaded.sizes['business']}"
    )
    return loaded


def fill_both(loaded: Loaded, say: Callable[[str], None]) -> None:
    started = time.perf_counter()
    say(f"  preparing {', '.join(loaded.databases.values())} as accountlink up does …")
    loaded.prepare(loaded.cluster())
    loaded.seconds["prepare"] = time.perf_counter() - started
    say(f"  filling both with {loaded.accounts:,} accounts a side (COPY, one process a platform) …")
    filled = time.perf_counter()
    loaded.loaded_at = time.time()
    loaded.save()
    fills = {
        platform: subprocess.Popen(
            [sys.executable, __file__, "--fill", platform, str(loaded.path)],
            env=loaded.environment(platform),
            stdout=subprocess.PIPE,
            text=True,
        )
        for platform in loaded.databases
    }
    for platform, fill in fills.items():
        output, _ = fill.communicate()
        if fill.returncode != 0:
            raise RuntimeError(f"filling the {platform} database failed (exit code {fill.returncode})")
        for step, seconds in json.loads(output.strip().splitlines()[-1]).items():
            loaded.seconds[f"{platform} {step}"] = seconds
    loaded.seconds["fill"] = time.perf_counter() - filled
    analyzed = time.perf_counter()
    for platform in loaded.databases:
        analyze(loaded.database_url(platform))
    loaded.seconds["analyze"] = time.perf_counter() - analyzed
    loaded.seconds["total"] = time.perf_counter() - started
    loaded.sizes = {platform: database_size(name) for platform, name in loaded.databases.items()}
    loaded.save()


def databases_exist(names: Iterable[str]) -> bool:
    wanted = list(names)
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        found = connection.execute("SELECT count(*) FROM pg_database WHERE datname = ANY(%s)", [wanted]).fetchone()
    return found is not None and found[0] == len(wanted)


def loaded_or_load(
    accounts: int, prefix: str, *, reuse: bool, say: Callable[[str], None] = print
) -> tuple[Loaded, bool]:
    """The databases ``<prefix>_<platform>_<size>`` with ``accounts`` accounts a side: those loaded before
    (with ``reuse``, when their manifest says so and they exist), else loaded now. True if loaded now."""
    label = size_label(accounts)
    directory = default_directory(f"{prefix}_{label}")
    databases = {platform: f"{prefix}_{platform}_{label}" for platform in ("consumer", "business")}
    manifest = directory / "manifest.json"
    if reuse and manifest.exists():
        loaded = Loaded.read(manifest)
        if loaded.accounts == accounts and loaded.sizes and databases_exist(loaded.databases.values()):
            say(f"  reusing {', '.join(loaded.databases.values())} ({manifest})")
            return loaded, False
    return load(accounts, databases, directory, say=say), True


def drop(loaded: Loaded) -> None:
    drop_databases(loaded.databases.values())
    shutil.rmtree(loaded.directory, ignore_errors=True)


# Filling, inside one platform's Django (``--fill``)


@contextmanager
def secondary_indexes_dropped(cursor: Any, tables: list[str]) -> Iterator[None]:
    """Drop the tables' unique and foreign-key constraints and their indexes but the primary key, and
    make them again afterwards (faster than keeping them up to date row by row)."""
    constraints: list[tuple[str, str, str]] = []
    indexes: list[tuple[str, str]] = []
    for table in tables:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
            [table],
        )
        constraints += [(table, name, definition) for name, definition in cursor.fetchall()]
        cursor.execute(
            "SELECT index.relname, pg_get_indexdef(index.oid) FROM pg_index x "
            "JOIN pg_class index ON index.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
            "AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [table],
        )
        indexes += cursor.fetchall()
    for table, name, _definition in constraints:
        cursor.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(table), sql.Identifier(name)))
    for name, _definition in indexes:
        cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    yield
    for _name, definition in indexes:
        cursor.execute(definition)
    # Unique constraints (sorted first) before the foreign keys that may need them.
    for table, name, definition in constraints:
        cursor.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                sql.Identifier(table), sql.Identifier(name), sql.SQL(definition)
            )
        )


def next_id(cursor: Any, table: str) -> int:
    cursor.execute(sql.SQL("SELECT COALESCE(MAX(id), 0) + 1 FROM {}").format(sql.Identifier(table)))
    return int(cursor.fetchone()[0])


def copy_model(cursor: Any, model: Any, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY ``rows`` (values of ``columns``) into the model's table; every other column gets the
    field's default, so a NOT NULL column without one fails loudly. Returns the number of rows."""
    from django.db import connection

    fields = model._meta.concrete_fields
    known = {f.column for f in fields}
    unknown = set(columns) - known
    if unknown:
        raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
    rest = [f for f in fields if f.column not in columns]
    for f in rest:
        if not f.has_default() and not f.null and not f.empty_strings_allowed:
            raise ValueError(f"{model._meta.db_table}.{f.column} is NOT NULL and has no default: give it")
    constant = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(map(sql.Identifier, [*columns, *(f.column for f in rest)])),
    )
    count = 0
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row + constant)
            count += 1
    cursor.execute(
        sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {}))").format(
            sql.Identifier(model._meta.db_table)
        ),
        [model._meta.db_table],
    )
    return count


def copy_audit(
    cursor: Any,
    model: Any,
    first: int,
    account0: int,
    n: int,
    when: Callable[[int], datetime],
    events: Sequence[tuple[str, Callable[[int], str]]],
) -> int:
    """Audit events of each account ``i``, done by its holder at ``when(i)``: one of each (kind, data as JSON)."""
    columns = ["id", "account_id", "actor_id", "kind", "created_at", "data", "user_agent"]
    return copy_model(
        cursor,
        model,
        columns,
        (
            (first + len(events) * i + e, account0 + i, account0 + i, str(kind), when(i), data(i), "")
            for i in range(n)
            for e, (kind, data) in enumerate(events)
        ),
    )


@contextmanager
def bulk_transaction(tables: list[str]) -> Iterator[Any]:
    """One transaction on the platform's database, with the tables' secondary indexes dropped."""
    from django.db import connection, transaction

    with transaction.atomic():
        raw = connection.connection
        assert raw is not None
        with raw.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            with secondary_indexes_dropped(cursor, tables):
                yield cursor


class Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 2)
        self._last = now


def fill_consumer(loaded: Loaded) -> dict[str, float]:
    from django.contrib.auth.hashers import make_password
    from oauth2_provider.models import get_access_token_model, get_refresh_token_model

    from accountlink.consumer.accounts.models import LoopAccount
    from accountlink.consumer.oauth.models import AppPermission, Client, ClientOpenId, GrantEnding
    from accountlink.kit.audit.models import AuditEvent, EventKind

    people, n = loaded.population, loaded.accounts
    client = Client.objects.get(client_id=loaded.client["client_key"])
    access_model, refresh_model = get_access_token_model(), get_refresh_token_model()
    password = make_password(PASSWORD)
    now = datetime.fromtimestamp(loaded.loaded_at, UTC)
    expires = now + timedelta(hours=12)  # outlives a benchmark run
    scopes, token_scope = ",".join(SCOPES), " ".join(SCOPES)
    models = [LoopAccount, ClientOpenId, AppPermission, access_model, refresh_model, AuditEvent, GrantEnding]
    timer = Timer()
    with bulk_transaction([model._meta.db_table for model in models]) as cursor:
        first = {model: next_id(cursor, model._meta.db_table) for model in models}
        account0 = first[LoopAccount]

        def joined(i: int) -> datetime:
            return now - timedelta(days=400) + timedelta(seconds=i % (300 * 86400))

        copy_model(
            cursor,
            LoopAccount,
            ["id", "password", "handle", "display_name", "email", "phone", "birth_date", "date_joined", "verified_at"],
            (
                (
                    account0 + i,
                    password,
                    people.handle(i),
                    people.display_name(i),
                    people.email(i),
                    people.phone(i),
                    date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                    joined(i),
                    joined(i),
                )
                for i in range(n)
            ),
        )
        timer.step("accounts")
        copy_model(
            cursor,
            ClientOpenId,
            ["id", "value", "account_id", "client_id"],
            ((first[ClientOpenId] + i, people.open_id(i), account0 + i, client.pk) for i in range(n)),
        )
        copy_model(
            cursor,
            AppPermission,
            ["id", "scopes", "granted_at", "updated_at", "account_id", "client_id"],
            ((first[AppPermission] + i, scopes, joined(i), joined(i), account0 + i, client.pk) for i in range(n)),
        )
        timer.step("open ids and permissions")
        spares = [(n + j, people.spare_owner(j) % n) for j in range(loaded.spare_families)]
        grants = [(i, i, people.access_token(i), people.refresh_token(i)) for i in range(n)] + [
            (number, owner, people.spare_access_token(number - n), people.spare_refresh_token(number - n))
            for number, owner in spares
        ]
        access0, refresh0 = first[access_model], first[refresh_model]
        copy_model(
            cursor,
            access_model,
            ["id", "token", "token_checksum", "expires", "scope", "application_id", "user_id", "created", "updated"],
            (
                (access0 + number, "", checksum(access), expires, token_scope, client.pk, account0 + owner, now, now)
                for number, owner, access, _refresh in grants
            ),
        )
        copy_model(
            cursor,
            refresh_model,
            [
                *("id", "token", "token_checksum", "access_token_id", "application_id", "user_id", "created"),
                *("updated", "token_family"),
            ],
            (
                (
                    *(refresh0 + number, "", checksum(refresh), access0 + number, client.pk, account0 + owner, now),
                    *(now, people.token_family(number)),
                )
                for number, owner, _access, refresh in grants
            ),
        )
        timer.step("tokens")
        created = json.dumps({})
        authorized = json.dumps({"client": client.name, "scopes": SCOPES})
        events = [(EventKind.ACCOUNT_CREATED, lambda i: created), (EventKind.APP_AUTHORIZED, lambda i: authorized)]
        copy_audit(cursor, AuditEvent, first[AuditEvent], account0, n, joined, events)
        timer.step("audit events")
        ended = n // ENDED_SHARE
        copy_model(
            cursor,
            GrantEnding,
            ["id", "client_id", "open_id", "reason", "ended_at"],
            (
                (
                    first[GrantEnding] + k,
                    client.pk,
                    people.ended_open_id(k),
                    1,
                    now - timedelta(days=30) * (1 - k / ended),
                )
                for k in range(ended)
            ),
        )
        timer.step("grant endings")
    timer.step("indexes and commit")
    return timer.seconds


def fill_business(loaded: Loaded) -> dict[str, float]:
    from django.contrib.auth.hashers import make_password

    from accountlink.business.accounts.models import BusinessAccount
    from accountlink.business.linking.models import LoopLink
    from accountlink.kit.audit.models import AuditEvent, EventKind
    from accountlink.kit.crypto import seal

    people, n = loaded.population, loaded.accounts
    password = make_password(PASSWORD)
    now = datetime.fromtimestamp(loaded.loaded_at, UTC)
    scopes = ",".join(SCOPES)
    avatar = loaded.urls["consumer"] + "/v2/avatar/{}.svg"
    week = 7 * 86400
    models = [BusinessAccount, LoopLink, AuditEvent]
    timer = Timer()
    with bulk_transaction([model._meta.db_table for model in models]) as cursor:
        first = {model: next_id(cursor, model._meta.db_table) for model in models}
        account0 = first[BusinessAccount]

        def joined(i: int) -> datetime:
            return now - timedelta(days=400) + timedelta(seconds=i % (300 * 86400))

        copy_model(
            cursor,
            BusinessAccount,
            ["id", "password", "email", "display_name", "date_joined", "verified_at"],
            (
                (account0 + i, password, people.business_email(i), people.display_name(i), joined(i), joined(i))
                for i in range(n)
            ),
        )
        timer.step("accounts")
        copy_model(
            cursor,
            LoopLink,
            [
                *("id", "account_id", "open_id", "union_id", "username", "display_name", "avatar_url", "scopes"),
                *("sealed_access_token", "sealed_refresh_token", "access_expires_at", "refresh_expires_at"),
                *("linked_at", "profile_checked_at", "grant_checked_at"),
            ],
            (
                (
                    first[LoopLink] + i,
                    account0 + i,
                    people.open_id(i),
                    people.union_id(i),
                    people.handle(i),
                    people.display_name(i),
                    avatar.format(people.open_id(i)),
                    scopes,
                    seal(people.access_token(i)),
                    seal(people.refresh_token(i)),
                    now + timedelta(hours=12),
                    now + timedelta(days=180),
                    joined(i),
                    now,
                    # The rolling check has been going round: the links were checked over the last week.
                    now - timedelta(seconds=(i * 7919) % week),
                )
                for i in range(n)
            ),
        )
        timer.step("links")
        created = json.dumps({"via": "password"})

        def linked(i: int) -> str:
            return json.dumps({"open_id": people.open_id(i), "username": people.handle(i)})

        events = [(EventKind.ACCOUNT_CREATED, lambda i: created), (EventKind.LOOP_LINKED, linked)]
        copy_audit(cursor, AuditEvent, first[AuditEvent], account0, n, joined, events)
        timer.step("audit events")
    timer.step("indexes and commit")
    return timer.seconds


def fill(platform: str, manifest: Path) -> None:
    import django

    django.setup()
    loaded = Loaded.read(manifest)
    seconds = fill_consumer(loaded) if platform == "consumer" else fill_business(loaded)
    print(json.dumps(seconds), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=20_000, help="accounts a side")
    parser.add_argument("--prefix", default="bench_load", help="database names: <prefix>_<platform>_<size>")
    parser.add_argument("--drop", metavar="DIR", type=Path, help="drop the databases loaded into DIR, and DIR")
    parser.add_argument("--fill", nargs=2, metavar=("PLATFORM", "MANIFEST"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        fill(args.fill[0], Path(args.fill[1]))
        return 0
    if args.drop:
        loaded = Loaded.read(args.drop)
        drop(loaded)
        print(f"dropped {', '.join(loaded.databases.values())} and {loaded.directory}")
        return 0
    loaded, _loaded_now = loaded_or_load(args.accounts, args.prefix, reuse=False)
    for step, seconds in loaded.seconds.items():
        print(f"  {step:<40} {seconds:8.1f} s")
    print(f"manifest: {loaded.path}  (drop with: .venv/bin/python bench/load.py --drop {loaded.directory})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
