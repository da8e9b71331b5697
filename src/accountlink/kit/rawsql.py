"""Hand-written SQL for the few statements on the busiest doors (issue 18).

Building and compiling a queryset costs Django a few tenths of a millisecond, more than the indexed
read itself and more than the rest of a user info request. The token check, the client lookup, the
throttle's read of its blocks and the refresh grant's rotation are therefore written out, with every
table and column name taken from the models' metadata and every value passed as a parameter.
Everything else uses the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

M = TypeVar("M", bound=Model)


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def name(model: type[Model], field: str) -> str:
    """The quoted column of a model's field alone, as ``UPDATE … SET`` wants it."""
    found = model._meta.get_field(field)
    assert isinstance(found, Field) and found.column, f"{model.__name__}.{field} has no column"
    return connection.ops.quote_name(found.column)


def column(model: type[Model], field: str) -> str:
    """``"table"."column"`` of a model's field (a foreign key's own column, ``user_id`` say)."""
    return f"{table(model)}.{name(model, field)}"


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


def read_date(value: Any) -> date:
    """A date column as a cursor returns it (SQLite: text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def instance(model: type[M], values: dict[str, Any]) -> M:
    """A model instance of the columns read (by attname), the others deferred, as the ORM would make."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def fetch_one(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
        return row


def fetch_all(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def execute(sql: str, params: list[Any]) -> int:
    """Run a statement that changes rows; how many it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


@dataclass
class Insert:
    """One row to insert, its SQL and values made ahead (outside the transaction that runs it), with
    every field's own ``pre_save`` and database preparation, as ``Model.save`` would."""

    sql: str
    params: list[Any]
    attnames: list[str]

    @classmethod
    def of(cls, instance: Model) -> Insert:
        model = type(instance)
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        key = connection.ops.quote_name(model._meta.pk.column)
        sql = f"INSERT INTO {table(model)} ({names}) VALUES ({marks}) RETURNING {key}"  # noqa: S608 (metadata)
        params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
        return cls(sql, params, [field.attname for field in fields])

    def set(self, attname: str, value: Any) -> None:
        self.params[self.attnames.index(attname)] = value

    def run(self) -> Any:
        """Insert the row; its primary key."""
        row = fetch_one(self.sql, self.params)
        assert row is not None
        return row[0]
