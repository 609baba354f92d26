"""SQL views of models with ``_auto = False`` and a ``_table_query``.

Such a model reads from a view instead of a table.  Its table object in the
registry's metadata is tagged ``info["view"]`` (so the schema comparison and
``erp revision`` never see it as a table to create) and carries the query in
``info["query"]``.  Every schema step drops the registry's views first and
creates them again last: a view may read columns that the step changes or
drops (PostgreSQL refuses to drop a column a view reads), and a changed
``_table_query`` takes effect on the next install or upgrade.  A model with
``_auto = False`` and no query is left to its addon (a hook creates it).
"""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ..exceptions import SchemaError


def view_queries(metadata: sa.MetaData) -> dict[str, str]:
    """``view name -> SELECT`` for every model view of the registry, in registry order."""
    return {
        name: table.info["query"] for name, table in metadata.tables.items()
        if table.info.get("view") and table.info.get("query")
    }


def drop_views(connection: Connection, names: Collection[str]) -> list[str]:
    """Drop those of the views ``names`` that exist; returns one line per view dropped."""
    if not names:
        return []
    existing = set(sa.inspect(connection).get_view_names())
    quote = connection.dialect.identifier_preparer.quote
    present = [name for name in names if name in existing]
    if present:  # one statement: PostgreSQL accepts it even when these views read each other
        connection.exec_driver_sql(f"DROP VIEW {', '.join(quote(name) for name in present)}")
    return [f"drop view {name}" for name in present]


def create_views(connection: Connection, metadata: sa.MetaData) -> list[str]:
    """Create every model view of the registry (dropped beforehand).

    Each view is then read once without rows, with its model's columns:
    SQLite accepts a view of a missing table until it is read, and a query
    that lacks a field's column would only fail at the first search.  A bad
    query raises :class:`SchemaError` naming the view, its model and the reason.
    """
    quote = connection.dialect.identifier_preparer.quote
    done = []
    for name, query in view_queries(metadata).items():
        table = metadata.tables[name]
        try:  # no parameters: a "%" in the query is SQL, not a placeholder
            connection.exec_driver_sql(f"CREATE VIEW {quote(name)} AS {query}",
                                       execution_options={"no_parameters": True})
            connection.execute(sa.select(*table.columns).where(sa.false())).all()
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0]
            raise SchemaError(f"cannot create view {name} of model {table.info['model']}: {reason}") from None
        done.append(f"create view {name}")
    return done
