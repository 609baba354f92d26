"""Bringing the database schema in line with the registry's tables."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.engine import Connection


def sync_schema(connection: Connection, metadata: sa.MetaData) -> list[str]:
    """Create missing tables, columns and indexes; returns what was done, one line per change."""
    inspector = sa.inspect(connection)
    existing = set(inspector.get_table_names())
    operations = Operations(MigrationContext.configure(connection))
    done: list[str] = []
    tables = [table for table in metadata.tables.values() if not table.info.get("view")]
    missing = [table for table in tables if table.name not in existing]
    metadata.create_all(connection, tables=missing)
    done.extend(f"create table {table.name}" for table in missing)
    for table in tables:
        if table.name not in existing:
            continue
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in columns:
                operations.add_column(table.name, column._copy())
                done.append(f"add column {table.name}.{column.name}")
        indexes = {index["name"] for index in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                index.create(connection)
                done.append(f"create index {index.name}")
    return done
