"""Defaults of new fields on the rows a table already holds (what Odoo's ``_init_column`` does).

When an install or an upgrade adds a column to a table holding rows, every
row gets the field's default there and then, as a new row would: a static
default in one ``UPDATE``, a callable one evaluated per row, in batches (one
``UPDATE`` per batch when every row got the same value).  A required field is
so never left empty on old rows.  The default sees the model as ``create``
gives it: an empty recordset of the superuser.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from .env import Environment
    from .fields import Field
    from .models import BaseModel

BATCH = 1000


def fill_defaults(env: Environment, columns: Iterable[tuple[str, str]]) -> list[str]:
    """Give the empty cells of each new ``(table, column)`` its field's default; returns one line per column filled."""
    done = []
    for table_name, column_name in columns:
        found = _field_of(env, table_name, column_name)
        if found is None:
            continue
        model, field = found
        try:
            count = _fill(env, model, field)
        except Exception as exc:
            exc.add_note(f"while filling the default of {model._name}.{field.name} on the rows of {table_name}")
            raise
        env.transaction.invalidate([field])
        if count:
            done.append(f"filled the default of {table_name}.{column_name} on {count} row(s)")
    return done


def _field_of(env: Environment, table_name: str, column_name: str) -> tuple[BaseModel, Field] | None:
    """The model and field a new column stores, when that field has a default a new record would get."""
    table = env.registry.metadata.tables.get(table_name)
    model_name = table.info.get("model") if table is not None else None
    if model_name is None:  # a relation table
        return None
    model = env[model_name].sudo().with_context(active_test=False)
    field = model._fields.get(table.c[column_name].info.get("field"))
    if field is None or field.default is None or getattr(field, "magic", False):
        return None
    if (field.compute and not field.inverse) or field.related:  # create never writes these columns
        return None
    return model, field


def _fill(env: Environment, model: BaseModel, field: Field) -> int:
    table = model._sql
    column = table.c[field.column_name]
    if not callable(field.default):
        value = field.convert_to_column(field.default, model)
        return env.execute(sa.update(table).where(column.is_(None)).values({column.name: value})).rowcount
    ids = [row_id for row_id, in env.execute(sa.select(table.c.id).where(column.is_(None)).order_by(table.c.id))]
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        values = [field.convert_to_column(field.default_value(model), model) for _ in batch]
        _store(env, table, column, batch, values)
    return len(ids)


def _store(env: Environment, table: sa.Table, column: sa.Column, ids: list[int], values: list[Any]) -> None:
    if all(value == values[0] for value in values):
        env.execute(sa.update(table).where(table.c.id.in_(ids)).values({column.name: values[0]}))
        return
    statement = sa.update(table).where(table.c.id == sa.bindparam("b_id")).values({column.name: sa.bindparam("b_value")})
    env.execute(statement, [{"b_id": row_id, "b_value": value} for row_id, value in zip(ids, values)])
