"""Hand-written SQL for the few reads on the busiest doors (issue 18).

Building and compiling a queryset costs Django a few tenths of a millisecond, more than the indexed
read itself and more than the rest of a user info request. The token check, the client lookup and
the throttle's read of its blocks are therefore written out, with every table and column name taken
from the models' metadata and every value passed as a parameter. Everything else uses the ORM.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], field: str) -> str:
    """``"table"."column"`` of a model's field (a foreign key's own column, ``user_id`` say)."""
    found = model._meta.get_field(field)
    assert isinstance(found, Field) and found.column, f"{model.__name__}.{field} has no column"
    return f"{table(model)}.{connection.ops.quote_name(found.column)}"


def moment(value: datetime) -> Any:
    """A datetime as a query parameter, as the ORM would pass it."""
    return connection.ops.adapt_datetimefield_value(value)


def now() -> Any:
    return moment(timezone.now())


def read_moment(value: Any) -> datetime:
    """A datetime column as a cursor returns it (SQLite: naive UTC, or text), made aware."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def fetch_one(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
        return row


def fetch_all(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
