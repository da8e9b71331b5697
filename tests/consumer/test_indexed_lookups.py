"""Lookups that stay indexed at a million accounts (issue 18): a login by handle, email or phone,
and support's exact search."""

from __future__ import annotations

from typing import Any

import pytest

from accountlink.consumer.accounts.lookup import find_account
from accountlink.consumer.support.search import exact_matches
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
