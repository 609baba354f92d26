"""Database integrity errors turned into messages a user can act on.

The database decides uniqueness and references (so concurrent transactions
cannot both win); when it refuses, this module finds which field, which value
and which existing record are involved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..exceptions import UserError, ValidationError

if TYPE_CHECKING:
    from .models import BaseModel

SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)")
DUPLICATE_STATUS = 409


def _unique_columns(model: BaseModel, exc: IntegrityError) -> list[str] | None:
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    if constraint:
        for index in model._sql.indexes:
            if index.name == constraint and index.unique:
                return [column.name for column in index.columns]
        return None
    match = SQLITE_UNIQUE.search(str(orig))
    if match:
        pairs = [part.strip().split(".", 1) for part in match.group(1).split(",")]
        if all(table == model._table for table, _ in pairs):
            return [column for _, column in pairs]
    return None


def _is_foreign_key(exc: IntegrityError) -> bool:
    sqlstate = getattr(getattr(exc.orig, "diag", None), "sqlstate", None) or getattr(exc.orig, "sqlstate", None)
    return sqlstate == "23503" or "FOREIGN KEY constraint failed" in str(exc.orig)


def holder_text(holder: BaseModel) -> str:
    """How an error names the record already holding a value: its name and id when the user may read it,
    otherwise only that a record they cannot see holds it (nothing of another company leaks)."""
    record_id = holder.id
    policy = holder.env.policy
    if holder.env.su or (policy.has_access(holder, "read") and policy.within_read_rules(holder)):
        return f"{holder.sudo()._display_names()[record_id]!r} (id {record_id})"
    return "a record you cannot see"


def duplicate_error(model: BaseModel, columns: list[str], rows: Sequence[Mapping[str, Any]],
                    exclude_ids: Sequence[int] = (), batch_from: int | None = None) -> UserError:
    """Name the field, the value and the record already holding it (see :func:`holder_text`).

    ``batch_from``: ``rows`` are a bulk create's, those before that index
    already inserted (and rolled back with the rest, so never named as
    holders): a clash between two rows names both rows, a clash with a record
    names the row and the record.
    """
    by_column = {f.column_name: f for f in model._fields.values() if f.column_name}
    fields = [by_column[c] for c in columns if c in by_column]
    labels = ", ".join(f.string for f in fields) or ", ".join(columns)
    about = fields[0].name if fields else None  # the first field of the key: where a form shows the message

    def refused(message: str) -> ValidationError:
        return ValidationError(f"{model._description}: {message}", code=model._duplicate_code,
                               status=DUPLICATE_STATUS, field=about)

    keys = [tuple(row.get(c) for c in columns) for row in rows]
    seen: dict[tuple, int] = {}
    for position, key in enumerate(keys):
        if any(value is None for value in key):
            continue
        if key in seen:
            value = ", ".join(str(v) for v in key)
            if batch_from is None:
                return refused(f"{labels} {value!r} is given to more than one record")
            return refused(f"rows {seen[key]} and {position} both give {labels} {value!r}")
        seen[key] = position
    table = model._sql
    for position, (row, key) in enumerate(zip(rows, keys)):
        if position < (batch_from or 0) or any(value is None for value in key):
            continue
        condition = sa.and_(*(table.c[c] == row[c] for c in columns))
        if exclude_ids:
            condition = sa.and_(condition, table.c.id.not_in(list(exclude_ids)))
        holder = model.env.execute(sa.select(table.c.id).where(condition).limit(1)).scalar()
        if holder is None:
            continue
        worded = model._duplicate_error(columns, model.browse(holder))  # the user's: see holder_text
        if worded is not None:
            return worded
        value = ", ".join(str(v) for v in key)
        where = "" if batch_from is None else f"row {position}: "
        return refused(f"{where}{labels} {value!r} is already used by {holder_text(model.browse(holder))}")
    return refused(f"{labels} must be unique")


def _with_current_values(model: BaseModel, columns: list[str], rows: Sequence[Mapping[str, Any]],
                         written_ids: Sequence[int]) -> Sequence[Mapping[str, Any]]:
    """For a write, one row per written record: its stored values of ``columns`` the write left unchanged
    (a write of the flag alone is refused because of the company the record already has)."""
    missing = [column for column in columns if any(column not in row for row in rows)]
    if not written_ids or not missing or len(rows) != 1:
        return rows
    table = model._sql
    query = sa.select(table.c.id, *(table.c[column] for column in missing)).where(table.c.id.in_(list(written_ids)))
    return [{**dict(zip(missing, values)), **rows[0]} for _id, *values in model.env.execute(query)]


def translate(model: BaseModel, exc: IntegrityError, rows: Sequence[Mapping[str, Any]],
              exclude_ids: Sequence[int] = (), batch_from: int | None = None) -> UserError:
    """The user error for an integrity error raised while writing ``rows`` to ``model``'s table
    (``batch_from``: see :func:`duplicate_error`)."""
    columns = _unique_columns(model, exc)
    if columns:
        rows = _with_current_values(model, columns, rows, exclude_ids) if batch_from is None else rows
        return duplicate_error(model, columns, rows, exclude_ids, batch_from)
    if _is_foreign_key(exc):
        return ValidationError(
            f"{model._description}: a value refers to a record that does not exist", code="REFERENCE_MISSING"
        )
    reason = str(exc.orig).strip().splitlines()[0]
    return ValidationError(f"{model._description}: the database refused the change: {reason}", code="INTEGRITY")
