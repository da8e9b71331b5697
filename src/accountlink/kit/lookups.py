"""Lookups that an index serves at a million rows, on PostgreSQL and on SQLite alike (issue 18).

Django's ``iexact`` compares ``UPPER(column)`` on PostgreSQL and uses ``LIKE`` on SQLite: neither
uses the index on the column, so a login by email scanned every account. :func:`equals_ignoring_case`
compares ``LOWER(column) = LOWER(value)``, which the ``Lower(column)`` index of the model serves on
both. The value goes through the database's ``LOWER`` as well, so both sides are folded alike
(SQLite's ``LOWER`` folds ASCII only; Python's would fold more).
"""

from __future__ import annotations

from django.db.models import Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact


def equals_ignoring_case(field: str, value: str) -> Exact:
    """``field`` equals ``value`` but for case: for ``filter()``, served by an index on ``Lower(field)``."""
    return Exact(Lower(field), Lower(Value(value)))
