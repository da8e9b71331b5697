"""A login costs one password verification and one lookup of the account (issue 18, "Logins at the
Argon2 limit"): the login page's throttle and the authentication backend share the account found by
the identifier, and the hash is rehashed only when its parameters change."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.kit.passwords import Argon2idHasher
from accountlink.settings import base as base_settings
from tests.consumer.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PRODUCTION_HASHER = "accountlink.kit.passwords.Argon2idHasher"


@pytest.fixture(autouse=True)
def production_hasher(settings: Any) -> None:
    """The test settings hash with a fast hasher; these tests are about the production one."""
    settings.PASSWORD_HASHERS = [PRODUCTION_HASHER]


def test_the_production_settings_hash_with_argon2id() -> None:
    assert base_settings.PASSWORD_HASHERS == [PRODUCTION_HASHER]
    hasher = Argon2idHasher()
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (2, 19 * 1024, 1)  # OWASP's first choice


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    counted: list[str] = []
    verify = Argon2idHasher.verify

    def counting(self: Argon2idHasher, password: str, encoded: str) -> bool:
        counted.append(password)
        return verify(self, password, encoded)

    monkeypatch.setattr(Argon2idHasher, "verify", counting)
    return counted


def account_lookups(queries: CaptureQueriesContext) -> list[str]:
    table = LoopAccount._meta.db_table
    return [q["sql"] for q in queries if q["sql"].startswith(f'SELECT "{table}"') and '"handle" = ' in q["sql"]]


@pytest.mark.parametrize("password", [PASSWORD, "wrong-horse"])
def test_a_login_verifies_the_password_once_and_finds_the_account_once(
    client: Any, loop_account: Any, verifications: list[str], password: str
) -> None:
    with CaptureQueriesContext(connection) as queries:
        client.post(reverse("loop:login"), {"identifier": "sakura", "password": password})
    assert verifications == [password]
    assert len(account_lookups(queries)) == 1


def test_an_unknown_account_costs_one_hash_too(client: Any, db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    hashed: list[str] = []
    encode = Argon2idHasher.encode
    monkeypatch.setattr(Argon2idHasher, "encode", lambda self, pw, salt: hashed.append(pw) or encode(self, pw, salt))
    client.post(reverse("loop:login"), {"identifier": "nobody", "password": "whatever-horse"})
    assert hashed == ["whatever-horse"]


def test_the_hash_is_not_rewritten_at_each_login(client: Any, loop_account: Any) -> None:
    stored = LoopAccount.objects.get(pk=loop_account.pk).password
    client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})
    assert LoopAccount.objects.get(pk=loop_account.pk).password == stored


def test_a_hash_with_old_parameters_is_rewritten_once(client: Any, loop_account: Any) -> None:
    class Weaker(Argon2idHasher):
        time_cost = 1

    LoopAccount.objects.filter(pk=loop_account.pk).update(password=Weaker().encode(PASSWORD, Weaker().salt()))
    client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})
    rewritten = LoopAccount.objects.get(pk=loop_account.pk).password
    assert "t=2" in rewritten
    client.logout()
    client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})
    assert LoopAccount.objects.get(pk=loop_account.pk).password == rewritten


def test_a_login_writes_last_login_once_with_its_audit_event(client: Any, loop_account: Any) -> None:
    table = LoopAccount._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})
    writes = [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"') and "last_login" in q["sql"]]
    assert len(writes) == 1
    assert LoopAccount.objects.get(pk=loop_account.pk).last_login is not None


@pytest.mark.django_db(transaction=True)
def test_a_login_is_one_transaction(client: Any, loop_account: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its new session, the session's row in the registry, ``last_login`` and the audit event are
    written together: each separate write would wait its turn for SQLite's one write lock."""
    commits = [0]
    commit = connection.commit
    monkeypatch.setattr(connection, "commit", lambda: commits.__setitem__(0, commits[0] + 1) or commit())
    written: dict[str, tuple[bool, int]] = {}  # table → (inside a transaction, commits before it)

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith(("INSERT", "UPDATE")):
            table = sql.split('"')[1]
            written.setdefault(table, (connection.in_atomic_block, commits[0]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        response = client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})
    assert response.status_code == 302
    login_writes = {
        written[table]
        for table in ("django_session", "kit_sessions_accountsession", LoopAccount._meta.db_table, "audit_auditevent")
    }
    assert len(login_writes) == 1
    assert next(iter(login_writes))[0]  # in a transaction, not one each in autocommit
