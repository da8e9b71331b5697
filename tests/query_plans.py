"""What the database does with the queries a piece of code runs: whether each one is served by an
index or reads a whole table (issue 18: every lookup indexed at a million rows).

A small test table makes any plan cheap, so PostgreSQL is told to avoid sequential scans when it
has any other way (``enable_seqscan = off``): what it still scans, no index can serve. SQLite
reports ``SCAN <table>`` for a full read and ``SEARCH <table> USING … INDEX`` for an indexed one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

# A scan of a table in PostgreSQL's EXPLAIN; it reads the table whole unless an index condition
# (or a bitmap's recheck condition) bounds it: with sequential scans off, a table no index serves is
# read through any index at all, with only a filter.
PG_SCAN = re.compile(r"(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)(?: Backward)?(?: using \S+)? on (\w+)")
PG_BOUNDED = ("Index Cond:", "Recheck Cond:")
SQLITE_SCAN = re.compile(r"\bSCAN (\w+)")


def _pg_full_scans(lines: list[str]) -> set[str]:
    scanned: set[str] = set()
    table, bounded = None, False
    for line in lines:
        node = PG_SCAN.search(line)
        if node or line.lstrip().startswith("->"):
            if table and not bounded:
                scanned.add(table)
            table, bounded = (node.group(2) if node else None), False
        elif table and any(mark in line for mark in PG_BOUNDED):
            bounded = True
    if table and not bounded:
        scanned.add(table)
    return scanned


@contextmanager
def recorded_queries() -> Iterator[list[tuple[str, Any]]]:
    """The (sql, params) of every query run inside the block."""
    queries: list[tuple[str, Any]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield queries


def plan(sql: str, params: Any) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # For the session, not SET LOCAL: that one is lost outside a transaction block.
            cursor.execute("SET enable_seqscan = off")
            try:
                cursor.execute("EXPLAIN " + sql, params)
                lines = [row[0] for row in cursor.fetchall()]
            finally:
                cursor.execute("RESET enable_seqscan")
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            lines = [str(row[-1]) for row in cursor.fetchall()]
    return lines


def tables_read_whole(sql: str, params: Any) -> set[str]:
    lines = plan(sql, params)
    if connection.vendor == "postgresql":
        return _pg_full_scans(lines)
    return {found.group(1) for line in lines if (found := SQLITE_SCAN.search(line)) and " USING " not in line}


def selects_of(run: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Run ``run``; the (sql, params) of every SELECT it ran."""
    with recorded_queries() as queries:
        run()
    return [(sql, params) for sql, params in queries if sql.lstrip().upper().startswith("SELECT")]


def full_scans(run: Callable[[], Any], tables: set[str]) -> list[str]:
    """Run ``run``; every query of it that reads one of ``tables`` whole, with its plan."""
    found = []
    for sql, params in selects_of(run):
        scanned = tables_read_whole(sql, params) & tables
        if scanned:
            found.append(f"{sorted(scanned)} read whole by:\n  {sql}\n" + "\n".join(plan(sql, params)))
    return found


SQLITE_SEARCH = re.compile(r"\bSEARCH (\w+) USING (?:COVERING )?(?:INDEX \S+|INTEGER PRIMARY KEY) \((\w+)")
PG_INDEX_CONDITION = re.compile(r"Index Cond: \(+(\w+)")


def _columns_searched(lines: list[str]) -> list[tuple[str, str]]:
    """(table, first column of the index condition) of each indexed read of a plan."""
    if connection.vendor != "postgresql":
        return [(found.group(1), found.group(2)) for line in lines if (found := SQLITE_SEARCH.search(line))]
    searched, table = [], None
    for line in lines:
        node = PG_SCAN.search(line)
        if node:
            table = node.group(2)
        elif table and (condition := PG_INDEX_CONDITION.search(line)):
            searched.append((table, condition.group(1)))
            table = None
    return searched


def reads_not_by(run: Callable[[], Any], table: str, columns: set[str]) -> list[str]:
    """Run ``run``; every query of it that reads ``table`` through an index on none of ``columns`` (the
    wrong index, say: all of an app's tokens walked to find one by its checksum), with its plan."""
    found = []
    for sql, params in selects_of(run):
        lines = plan(sql, params)
        wrong = [column for name, column in _columns_searched(lines) if name == table and column not in columns]
        if wrong or table in tables_read_whole(sql, params):
            found.append(f"{table} read by {wrong or 'a scan'}:\n  {sql}\n" + "\n".join(lines))
    return found
