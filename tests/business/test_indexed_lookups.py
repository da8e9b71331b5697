"""Lookups that stay indexed at a million accounts (issue 18): a login by email, support's searches
by email and by Loop @username, and the public Contact support form's lookup."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from accountlink.business.accounts.lookup import find_account
from accountlink.business.linking.actions.choice import stranded_account
from accountlink.business.support.search import find_accounts
from accountlink.business.support_pages import find_account_for_support
from tests.query_plans import full_scans

pytestmark = pytest.mark.django_db

BIG = {"business_accounts_businessaccount", "business_linking_looplink"}


def test_a_login_by_email_ignores_case_and_reads_no_table_whole(make_business_account: Any) -> None:
    account = make_business_account(email="maria.biz@example.com")
    assert find_account("Maria.Biz@EXAMPLE.com") == account
    assert full_scans(lambda: find_account("Maria.Biz@EXAMPLE.com"), BIG) == []


@pytest.mark.parametrize("query", ["MARIA.biz@example.com", "@Maria", "maria", "+81 90-1234-5678", "#12"])
def test_support_search_reads_no_table_whole(linked_account: Any, query: str) -> None:
    assert full_scans(lambda: list(find_accounts(query)), BIG) == []


def test_support_search_finds_by_loop_username_whatever_its_case(linked_account: Any) -> None:
    username = linked_account.loop_link.username
    assert list(find_accounts("@" + username.upper())) == [linked_account]


def test_contact_support_finds_by_loop_username_and_reads_no_table_whole(linked_account: Any) -> None:
    username = linked_account.loop_link.username
    assert find_account_for_support("@" + username.upper()) == linked_account
    assert full_scans(lambda: find_account_for_support("@" + username.upper()), BIG) == []


def test_finding_the_account_a_loop_account_was_linked_to_before_reads_no_table_whole(
    linked_account: Any,
) -> None:
    """Continue with Loop for an unlinked Loop account looks in the audit trail, which grows with
    every login, for the link that ended: an index on (kind, data's open_id) serves it."""
    open_id = linked_account.loop_link.open_id
    assert full_scans(lambda: stranded_account(open_id), BIG | {"audit_auditevent"}) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage setting")
def test_accounts_pages_keep_room_for_a_login_to_update_its_row_in_place() -> None:
    """Each login writes ``last_login``: with room on the page PostgreSQL updates the row in place,
    without new index entries (migration 0003)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'business_accounts_businessaccount'")
        assert cursor.fetchone()[0] == ["fillfactor=90"]
