"""Lookups that stay indexed at a million accounts (issue 18): a login by handle, email or phone,
support's exact search, and the token endpoints' reads of tokens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountlink.consumer.accounts.lookup import find_account
from accountlink.consumer.support.search import THREE_LETTERS, exact_matches, search_accounts
from tests.consumer.oauth_helpers import introspect, is_active, issue_tokens, refresh, register, revoke
from tests.query_plans import full_scans, plan, reads_not_by, selects_of

pytestmark = pytest.mark.django_db

BIG = {"loop_accounts_loopaccount"}


@pytest.mark.parametrize("identifier", ["Sakura@EXAMPLE.com", "@Sakura", "sakura", "+81 90-1234-5678"])
def test_a_login_finds_the_account_and_reads_no_table_whole(loop_account: Any, identifier: str) -> None:
    assert find_account(identifier, "ja") == loop_account
    assert full_scans(lambda: find_account(identifier, "ja"), BIG) == []


@pytest.mark.parametrize("query", ["SAKURA@example.com", "@sakura", "090-1234-5678", "12"])
def test_support_exact_search_reads_no_table_whole(loop_account: Any, query: str) -> None:
    assert full_scans(lambda: exact_matches(query, "ja"), BIG) == []


@pytest.mark.parametrize("query", ["Tanaka", "saku", "@sak"])
def test_support_search_by_part_of_a_name_or_handle_is_indexed_on_postgresql(loop_account: Any, query: str) -> None:
    """A trigram index serves "name contains" and the handle's pattern index "handle starts with" on
    PostgreSQL. SQLite, for small installations, reads the table for these (docs/performance.md)."""
    assert loop_account in search_accounts(query, "ja")
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no index for a name that contains the text")
    assert full_scans(lambda: search_accounts(query, "ja"), BIG) == []


@pytest.mark.parametrize("query", ["sakura@example.com", "@saku"])
def test_an_email_or_an_at_handle_is_not_looked_for_in_names(loop_account: Any, query: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        found = search_accounts(query)
    assert [account.pk for account in found] == [loop_account.pk]
    assert not [q["sql"] for q in queries if '"display_name"' in q["sql"].partition("WHERE")[2]]


def test_handles_that_start_with_the_text_are_not_read_in_handle_order(loop_account: Any) -> None:
    """Handle order is the unique index's, which cannot look a prefix up: at a million accounts
    PostgreSQL walked it from "a" to find handles that start with "ni" (1.3 s). The pattern index
    finds them, in no useful order; the page sorts them."""
    reads = [
        sql for sql, _ in selects_of(lambda: search_accounts("sa", "ja")) if re.search(r'"handle"(::text)? LIKE', sql)
    ]
    assert reads
    assert not [sql for sql in reads if "ORDER BY" in sql]


def _names(found: list[Any]) -> list[str]:
    return sorted(account.display_name for account in found)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("Sa", ["Sakura Tanaka"]),
        ("s", ["Sakura Tanaka"]),
        ("ta", []),  # inside the name: too short for the trigram index, so not looked for
        ("佐藤", ["佐藤 花子"]),
        ("花子", []),
        ("..", []),
        ("Sakura T", ["Sakura Tanaka"]),
    ],
)
def test_without_three_letters_in_a_row_a_text_finds_names_that_start_with_it_from_an_index(
    loop_account: Any, make_loop_account: Any, query: str, names: list[str]
) -> None:
    """A trigram index cannot look up "contains" for fewer than three letters in a row: PostgreSQL read
    all of a million names for "..". Names that start with the text are read from a B-tree in order,
    up to the page's limit."""
    make_loop_account(handle="hanako", display_name="佐藤 花子")
    assert _names(search_accounts(query, "ja")) == names
    if connection.vendor != "postgresql":
        return
    assert full_scans(lambda: search_accounts(query, "ja"), BIG) == []
    if not THREE_LETTERS.search(query):
        by_name = [
            q for q in selects_of(lambda: search_accounts(query, "ja")) if "display_name" in q[0].split("WHERE")[-1]
        ]
        assert by_name
        for sql, params in by_name:
            assert any("loop_account_name_prefix" in line for line in plan(sql, params)), plan(sql, params)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("Sakura Tanaka", ["Sakura Tanaka"]),
        ("kura  Tana", []),  # two spaces: the text is not in the name, though each word is
        ("kura Tana", ["Sakura Tanaka"]),
        ("sakura tanaka", ["Sakura Tanaka"]),
        ("Tanaka Sakura", ["Tanaka Sakurako"]),  # both words are in "Sakura Tanaka" too, not in this order
        ("Sakura Ta", ["Sakura Tanaka"]),  # "Ta" has no three letters: looked for in the whole text only
        ("100% Tanaka", []),  # LIKE's wildcards are letters like any other
        ("a_b Tanaka", []),
    ],
)
def test_a_name_search_of_several_words_finds_names_that_contain_the_whole_text(
    loop_account: Any, make_loop_account: Any, query: str, names: list[str]
) -> None:
    make_loop_account(handle="tanakasakurako", display_name="Tanaka Sakurako")
    assert _names(search_accounts(query, "ja")) == names


def test_the_trigram_index_is_asked_for_each_word_not_for_the_edges_between_words(loop_account: Any) -> None:
    """Asked for "%SAKURA TANAKA%", the trigram index also reads the trigrams of the words' edges,
    which a tenth of all names share (4.9 against 2.4 ms at a million, docs/performance.md)."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's")
    by_name = [q for q in selects_of(lambda: search_accounts("Sakura Tanaka", "ja")) if "display_name" in q[0]]
    assert by_name
    conditions = [line for sql, params in by_name for line in plan(sql, params) if "Index Cond" in line]
    asked = " ".join(line for line in conditions if "display_name" in line)
    assert "%SAKURA%" in asked and "%TANAKA%" in asked, conditions
    assert "SAKURA TANAKA" not in asked, conditions


TOKENS = {"oauth2_provider_refreshtoken", "oauth2_provider_accesstoken"}
# A token is found by its checksum; the rows a found token names, by their key or its grant (token
# family); a holder's live grants of an app, by the holder. Never by the app alone: that index holds
# every token the app was ever issued.
BY_VALUE_OR_KEY = {"token_checksum", "id", "rowid", "source_refresh_token_id", "token_family", "user_id"}


def _token_reads_not_by_value(run: Any) -> list[str]:
    return [found for table in sorted(TOKENS) for found in reads_not_by(run, table, BY_VALUE_OR_KEY)]


def test_the_refresh_grant_finds_the_token_by_its_value_not_among_all_the_apps_tokens(browser: Any) -> None:
    """Without statistics SQLite chose the application's index and walked every refresh token the app
    holds (75,000 in bench/tokens.py): a refresh cost 10 ms in the database instead of 0.1."""
    registered = register()
    tokens = issue_tokens(browser, registered)
    issue_tokens(browser, registered)
    answers: list[Any] = []
    assert _token_reads_not_by_value(lambda: answers.append(refresh(registered, tokens["refresh_token"]))) == []
    assert answers[0].status_code == 200
    assert _token_reads_not_by_value(lambda: refresh(registered, tokens["refresh_token"])) == []  # a replay


def test_introspection_and_revocation_find_tokens_by_their_value(browser: Any) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    for value in (tokens["access_token"], tokens["refresh_token"]):
        assert _token_reads_not_by_value(lambda value=value: introspect(registered, value)) == []
    assert _token_reads_not_by_value(lambda: revoke(registered, tokens["refresh_token"])) == []
    assert not is_active(registered, tokens["access_token"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage setting")
def test_accounts_pages_keep_room_for_a_login_to_update_its_row_in_place(db: None) -> None:
    """Each login writes ``last_login``: with room on the page PostgreSQL updates the row without new
    entries in the name indexes (migration 0004)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'loop_accounts_loopaccount'")
        assert cursor.fetchone()[0] == ["fillfactor=90"]
