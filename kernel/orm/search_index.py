"""Indexes that make ``ilike`` searches cheap on PostgreSQL: trigram (``pg_trgm``) GIN indexes.

A B-tree index cannot serve ``name ILIKE '%acme%'``; a GIN index with
``gin_trgm_ops`` can.  Addons ask for one on the fields searched most (the
partner's name) from their ``kernel_post_install`` hook.  The index name is
outside the ORM's naming convention, so schema synchronisation leaves it alone.
On SQLite, or where the extension may not be created, nothing is done and the
search stays correct, only slower.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError

from .env import Environment

log = logging.getLogger(__name__)


def trigram_index_name(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"


def ensure_trigram_index(env: Environment, model_name: str, field_name: str) -> bool:
    """Create (if missing) a trigram GIN index on a stored text field; whether one exists afterwards."""
    connection = env.connection
    if connection.dialect.name != "postgresql":
        return False
    column = env[model_name]._fields[field_name].column_name
    if column is None:
        return False  # not stored: nothing to index
    table = env[model_name]._sql.name
    quote = connection.dialect.identifier_preparer.quote
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            connection.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS {quote(trigram_index_name(table, column))} "
                f"ON {quote(table)} USING gin ({quote(column)} gin_trgm_ops)"
            )
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        log.warning("no trigram index on %s.%s (ilike searches scan the table): %s", table, column, reason)
        return False
    return True
