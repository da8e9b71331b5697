"""Lookups that stay indexed at a million accounts (issue 18): a login by handle, email or phone,
and support's exact search."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountlink.consumer.accounts.lookup import find_account
from accountlink.consumer.support.search import exact_matches, search_accounts
from tests.query_plans import full_scans

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
