"""Names sort the same on SQLite and PostgreSQL: case-insensitively, accents after the letters they carry.

``ORDER BY`` on a text field uses a collation rather than the column's
default (PostgreSQL's database collation is often ``C``, byte order, which
puts ``Zeta`` before ``alpha``; SQLite's ``BINARY`` does the same):

* PostgreSQL: ICU's root collation ``und-x-icu`` (PostgreSQL built with ICU,
  as Debian's and the official packages are);
* SQLite: ``erp_text``, registered on every connection by :mod:`kernel.db`,
  whose key (:func:`kernel.db.text_sort_key`) follows the same three levels:
  letters without case or accents, then accents, then lower case first.

Filters are untouched (``=`` and ``ilike`` keep their meaning and their
indexes); on PostgreSQL an index for sorting a large table by name carries
the same collation (:func:`ensure_sort_index`). SQLite gets none: an index
in ``erp_text`` would make the file unwritable to tools that lack the
collation (the ``sqlite3`` shell), and SQLite databases are the small ones.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from ..db import TEXT_COLLATION
from .env import Environment

log = logging.getLogger(__name__)

POSTGRESQL_COLLATION = "und-x-icu"
TEXT_TYPES = frozenset({"char", "text", "html"})


def collation_for(dialect: str) -> str | None:
    """The collation text is sorted with on a database of this dialect (None: the column's own)."""
    return {"postgresql": POSTGRESQL_COLLATION, "sqlite": TEXT_COLLATION}.get(dialect)


def text_order(expression: Any, dialect: str) -> Any:
    """``expression`` sorted as names sort (see the module docstring)."""
    collation = collation_for(dialect)
    return expression.collate(collation) if collation else expression


def sort_index_name(table: str, column: str) -> str:
    return f"{table}_{column}_sort"


def ensure_sort_index(env: Environment, model_name: str, field_name: str) -> bool:
    """Create (if missing) an index in the sorting collation on a stored text field, so that a list
    ordered by it reads the index instead of sorting the table; whether one exists afterwards. The index
    name is outside the ORM's naming convention, so schema synchronisation leaves it alone."""
    connection = env.connection
    column = env[model_name]._fields[field_name].column_name
    if connection.dialect.name != "postgresql" or column is None:
        return False  # a SQLite index in erp_text would make the file unwritable to tools without the collation
    collation = POSTGRESQL_COLLATION
    table = env[model_name]._sql.name
    quote = connection.dialect.identifier_preparer.quote
    statement = (f"CREATE INDEX IF NOT EXISTS {quote(sort_index_name(table, column))} "
                 f"ON {quote(table)} ({quote(column)} COLLATE {quote(collation)})")
    try:
        with connection.begin_nested():
            connection.execute(sa.text(statement))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        log.warning("no sort index on %s.%s (lists ordered by it sort the table): %s", table, column, reason)
        return False
    return True
