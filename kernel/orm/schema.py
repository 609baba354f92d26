"""Bringing the database schema in line with the registry's tables, with Alembic.

The registry's :class:`~sqlalchemy.MetaData` is the truth; the database is
compared with it by Alembic's ``compare_metadata``, restricted to the tables
the registry manages (SQL views and tables made by addon hooks or by Alembic
itself are never reflected nor compared), and the differences are applied
with Alembic's :class:`~alembic.operations.Operations`::

    compare   what differs, table by table (a missing table is found by name)
    plan      sort the differences; refuse what could lose values (a type change) before anything runs
    apply     drop the registry's views -> drop stale indexes -> create tables (foreign keys after,
              for cycles) -> add columns (with their foreign key) -> change foreign keys
              -> widen string types -> create indexes -> create the views again (:mod:`.sql_views`)

The sync only adds and adjusts: a column added to a table holding rows gets
its field's default on those rows afterwards (:mod:`.column_defaults`); a
column whose field vanished stays with its
values (a migration script may move and drop it); only :func:`drop_owned`
drops, on uninstall, what the addon owned according to ``ir.model`` and
``ir.model.fields`` (:mod:`.ownership`).

SQLite alters in place where it can: add or drop a column, create or drop an
index.  A foreign key change needs the table rebuilt (Alembic's batch mode),
which drops the old table; with foreign keys enforced that drop would delete
or null the rows of every table referring to it, so the rebuild runs with
enforcement off (:func:`kernel.db.sqlite_foreign_keys_off`, checked before
commit) or, when the transaction has already written, only for a table
nothing refers to.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ..db import NAMING_CONVENTION, sqlite_foreign_keys_off
from ..exceptions import SchemaError
from .sql_views import create_views, drop_views, view_queries

if TYPE_CHECKING:  # Alembic is imported only when a schema is compared or changed
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

Diff = tuple[Any, ...]


def managed_tables(metadata: sa.MetaData) -> dict[str, sa.Table]:
    """The tables the schema sync creates and alters: every table of the registry but SQL views."""
    return {name: table for name, table in metadata.tables.items() if not table.info.get("view")}


def index_name(table: str, columns: Iterable[str]) -> str:
    """The name the naming convention gives an index of ``columns``; other names belong to someone else."""
    return NAMING_CONVENTION["ix"] % {"table_name": table, "column_0_N_name": "_".join(columns)}


def type_signature(type_: sa.types.TypeEngine) -> str:
    """A type with its parameters, including those a type decorator keeps from the database."""
    params = sorted((k, v) for k, v in vars(type_).items() if not k.startswith("_") and isinstance(v, (str, int)))
    return f"{type(type_).__name__}({', '.join(f'{k}={v!r}' for k, v in params)})"


def _strings(*types: sa.types.TypeEngine) -> bool:
    return all(isinstance(type_, sa.String) for type_ in types)


def _compare_type(context: MigrationContext, _inspected: sa.Column, _column: sa.Column,
                  inspected_type: sa.types.TypeEngine, metadata_type: sa.types.TypeEngine) -> bool | None:
    """SQLite stores every string type alike and ignores lengths: no difference to act on there."""
    if context.dialect.name == "sqlite" and _strings(inspected_type, metadata_type):
        return False
    return None


def comparison_options(connection: Connection, metadata: sa.MetaData, tables: Collection[str],
                       include: Callable[..., bool] | None = None) -> dict[str, Any]:
    """Alembic context options comparing only ``tables``; ``include`` may narrow the objects further."""
    inline_key = _sqlite_inline_keys(connection, metadata) if connection.dialect.name == "sqlite" else None

    def include_name(name: str | None, type_: str, _parents: dict[str, str | None]) -> bool:
        return type_ != "table" or name in tables

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table" and name not in tables:
            return False
        if type_ == "foreign_key_constraint" and compare_to is None and inline_key is not None and inline_key(obj):
            return False
        return include is None or include(obj, name, type_, reflected, compare_to)

    return {
        "target_metadata": metadata,
        "compare_type": _compare_type,
        "compare_server_default": False,
        "include_name": include_name,
        "include_object": include_object,
    }


def _sqlite_inline_keys(connection: Connection, metadata: sa.MetaData) -> Callable[[Any], bool]:
    """Whether a foreign key Alembic sees as missing or extra is in fact the one the models want.

    SQLite adds a column with its key as a column-level ``REFERENCES``, whose
    ``ON DELETE`` SQLAlchemy does not reflect: the key reads as unnamed and
    without rule, so Alembic reports it removed and the wanted one added, at
    every comparison.  ``PRAGMA foreign_key_list`` has the real rule.
    """
    actual: dict[str, dict[str, tuple[str, str]]] = {}

    def keys_of(table: str) -> dict[str, tuple[str, str]]:
        if table not in actual:
            rows = connection.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")')
            actual[table] = {row[3]: (row[2], row[6].upper()) for row in rows}
        return actual[table]

    def is_wanted(constraint: sa.ForeignKeyConstraint) -> bool:
        table, columns = constraint.parent.name, constraint.column_keys
        if len(columns) != 1 or table not in metadata.tables or columns[0] not in metadata.tables[table].c:
            return False
        wanted = next(iter(metadata.tables[table].c[columns[0]].foreign_keys), None)
        if wanted is None:
            return False
        return keys_of(table).get(columns[0]) == (wanted.column.table.name, (wanted.ondelete or "NO ACTION").upper())

    return is_wanted


def table_digests(metadata: sa.MetaData, dialect: sa.Dialect) -> dict[str, str]:
    """A digest of each managed table's DDL (table and indexes) as ``dialect`` would create it.

    Alembic reflects every table it compares, which costs far more than the
    rest of an addon's install; a table whose digest is the one recorded at
    the last sync (:mod:`.ownership`) has not changed and needs no comparison.
    """
    digests = {}
    for name, table in managed_tables(metadata).items():
        ddl = [str(sa.schema.CreateTable(table).compile(dialect=dialect))]
        ddl += sorted(str(sa.schema.CreateIndex(index).compile(dialect=dialect)) for index in table.indexes)
        digests[name] = hashlib.sha1("\n".join(ddl).encode()).hexdigest()
    return digests


def compare_schema(connection: Connection, metadata: sa.MetaData, only: Collection[str] | None = None) -> list[Diff]:
    """The differences between the database and the registry's managed tables (or ``only`` those), flattened.

    Missing tables are found by name; Alembic compares the others (building
    its own copy of a table it would only create costs more than the sync).
    """
    tables = managed_tables(metadata)
    existing = set(sa.inspect(connection).get_table_names())
    diffs: list[Diff] = [("add_table", table) for name, table in tables.items() if name not in existing]
    present = {name for name in tables if name in existing and (only is None or name in only)}
    if present:
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        context = MigrationContext.configure(connection, opts=comparison_options(connection, metadata, present))
        for diff in compare_metadata(context, metadata):
            diffs.extend(diff if isinstance(diff, list) else [diff])
    return diffs


# -- planning ------------------------------------------------------------------------


@dataclass
class SchemaPlan:
    """The differences the sync acts on, sorted by kind, in the order they are applied."""

    drop_indexes: list[tuple[str, str]] = field(default_factory=list)  # (table, index)
    create_tables: list[sa.Table] = field(default_factory=list)
    add_columns: list[tuple[str, sa.Column]] = field(default_factory=list)
    foreign_keys: dict[str, tuple[list[Any], list[sa.ForeignKeyConstraint]]] = field(default_factory=dict)
    widen: list[tuple[str, str, sa.types.TypeEngine, sa.types.TypeEngine]] = field(default_factory=list)
    translate: list[tuple[str, str, sa.types.TypeEngine, sa.types.TypeEngine]] = field(default_factory=list)
    create_indexes: list[sa.Index] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any((self.drop_indexes, self.create_tables, self.add_columns, self.foreign_keys,
                    self.widen, self.translate, self.create_indexes))


def _widening(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> bool:
    """Whether every value of ``old`` fits ``new`` unchanged (a longer or unbounded string)."""
    if not _strings(old, new):
        return False
    old_length, new_length = getattr(old, "length", None), getattr(new, "length", None)
    return new_length is None or (old_length is not None and new_length >= old_length)


def _remove_index(plan: SchemaPlan, diff: Diff) -> None:
    """Only indexes named by the convention are the ORM's; a hook's own index stays."""
    index = diff[1]
    columns = [column.name for column in index.columns]
    if columns and index.name == index_name(index.table.name, columns):
        plan.drop_indexes.append((index.table.name, index.name))


def _foreign_key(plan: SchemaPlan, diff: Diff) -> None:
    removed, wanted = plan.foreign_keys.setdefault(diff[1].parent.name, ([], []))
    (wanted if diff[0] == "add_fk" else removed).append(diff[1])


def _is_json(type_: sa.types.TypeEngine) -> bool:
    return isinstance(type_, sa.JSON)


def _modify_type(plan: SchemaPlan, diff: Diff) -> None:
    _schema, table, column, _existing, old, new = diff[1:]
    if _strings(old) and _is_json(new):  # a text field became translated: its text is the en_US value
        plan.translate.append((table, column, old, new))
    elif _widening(old, new):
        plan.widen.append((table, column, old, new))
    else:
        plan.refused.append(f"{table}.{column} from {old} to {new}")


# what the sync does with each kind of difference; the others (a column or table the models no
# longer have, NOT NULL, defaults, comments) are left for migration scripts
PLANNERS: dict[str, Callable[[SchemaPlan, Diff], None]] = {
    "add_table": lambda plan, diff: plan.create_tables.append(diff[1]),
    "add_column": lambda plan, diff: plan.add_columns.append((diff[2], diff[3])),
    "add_index": lambda plan, diff: plan.create_indexes.append(diff[1]),
    "remove_index": _remove_index,
    "add_fk": _foreign_key,
    "remove_fk": _foreign_key,
    "modify_type": _modify_type,
}


def plan_schema(diffs: Iterable[Diff]) -> SchemaPlan:
    """Sort Alembic's differences; a change that could lose values raises :class:`SchemaError`."""
    plan = SchemaPlan()
    for diff in diffs:
        planner = PLANNERS.get(diff[0])
        if planner is not None:
            planner(plan, diff)
    if plan.refused:
        raise SchemaError(
            f"refusing to change the type of column(s) {', '.join(plan.refused)}: existing values could be "
            "lost; keep the field's type, or add a field and move the values with a migration script"
        )
    added = {(table, column.name) for table, column in plan.add_columns}
    for table, (removed, wanted) in list(plan.foreign_keys.items()):
        wanted[:] = [key for key in wanted if (table, key.column_keys[0]) not in added]  # made with the column
        if not removed and not wanted:
            del plan.foreign_keys[table]
    return plan


# -- applying --------------------------------------------------------------------------


def operations(connection: Connection) -> Operations:
    """Alembic operations on the addon's connection (inside its transaction)."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    return Operations(MigrationContext.configure(connection))


def _unbound(column: sa.Column) -> sa.Column:
    """A copy of a table's column for ``add_column``, keeping its foreign key (``Column._copy`` drops it)."""
    keys = [sa.ForeignKey(fk.target_fullname, ondelete=fk.ondelete) for fk in column.foreign_keys]
    return sa.Column(column.name, column.type, *keys, nullable=column.nullable)


def _referenced_by(connection: Connection, tables: Collection[str], exclude: Collection[str] = ()) -> list[str]:
    """The tables (outside ``exclude``) whose foreign keys point at one of ``tables``.

    Every table is read, the ORM's or not: on SQLite, dropping a table a
    foreign table refers to would delete that table's rows.
    """
    foreign_keys = sa.inspect(connection).get_multi_foreign_keys()
    return sorted(
        name for (_schema, name), keys in foreign_keys.items()
        if name not in exclude and any(key["referred_table"] in tables for key in keys)
    )


def _allow_rebuild(connection: Connection, tables: Collection[str]) -> None:
    """Make rebuilding ``tables`` on SQLite safe, or refuse when it would cascade into other tables."""
    if sqlite_foreign_keys_off(connection):
        return
    children = _referenced_by(connection, tables, exclude=tables)
    if children:
        raise SchemaError(
            f"cannot rebuild table(s) {', '.join(sorted(tables))} on SQLite in this transaction: "
            f"{', '.join(children)} refer to them, and foreign keys stay enforced in a transaction "
            "that has already written"
        )


def _change_foreign_keys(connection: Connection, ops: Operations, table: sa.Table, removed: list[Any],
                         wanted: list[sa.ForeignKeyConstraint]) -> None:
    if connection.dialect.name == "sqlite":
        _rebuild_sqlite_table(connection, ops, table)
        return
    for constraint in removed:
        ops.drop_constraint(constraint.name, table.name, type_="foreignkey")
    for constraint in wanted:
        ops.impl.add_constraint(constraint)


def _fk_name(table: str, column: str) -> str:
    return NAMING_CONVENTION["fk"] % {"table_name": table, "column_0_name": column}


def _rebuild_sqlite_table(connection: Connection, ops: Operations, table: sa.Table) -> None:
    """Rebuild a SQLite table (Alembic's batch mode) with the foreign keys the models want.

    The copy is made from the table as SQLAlchemy reflects it, which misses
    the ``ON DELETE`` rule of column-level keys; so every key is declared
    again: the models' own with their rule, any other with the rule SQLite
    reports.  The caller makes sure foreign keys are not enforced
    or that no other table refers to this one (:func:`_allow_rebuild`).
    """
    name = table.name
    inspector = sa.inspect(connection)
    reflected = inspector.get_foreign_keys(name)
    columns = [column["name"] for column in inspector.get_columns(name)]
    rows = connection.exec_driver_sql(f'PRAGMA foreign_key_list("{name}")')
    actual = {row[3]: (row[2], row[4], row[6]) for row in rows}
    wanted = {key.parent.name: key for key in table.foreign_keys}
    connection.exec_driver_sql("PRAGMA legacy_alter_table = ON")  # rename without rewriting referring tables
    try:
        with ops.batch_alter_table(name, recreate="always", naming_convention=NAMING_CONVENTION) as batch:
            for key in reflected:
                batch.drop_constraint(key["name"] or _fk_name(name, key["constrained_columns"][0]), type_="foreignkey")
            for column in columns:
                if column in wanted:
                    key = wanted[column]
                    batch.create_foreign_key(key.constraint.name, key.column.table.name, [column], [key.column.name],
                                             ondelete=key.ondelete)
                elif column in actual:
                    referred, target, rule = actual[column]
                    batch.create_foreign_key(_fk_name(name, column), referred, [column], [target],
                                             ondelete=None if rule == "NO ACTION" else rule)
    finally:
        connection.exec_driver_sql("PRAGMA legacy_alter_table = OFF")


@contextlib.contextmanager
def _refused_as(action: str) -> Iterator[None]:
    """A statement the database refuses becomes a :class:`SchemaError` saying what could not be done."""
    try:
        yield
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0]
        raise SchemaError(f"cannot {action}: {reason}") from exc


def apply_plan(connection: Connection, plan: SchemaPlan, metadata: sa.MetaData) -> list[str]:
    """Apply a plan made against ``metadata`` in order; returns one line per change."""
    if not plan:
        return []
    sqlite = connection.dialect.name == "sqlite"
    ops = operations(connection)
    done: list[str] = []
    for table, index in plan.drop_indexes:
        ops.drop_index(index, table_name=table)
        done.append(f"drop index {index}")
    for table, _later in sa.sql.ddl.sort_tables_and_constraints(plan.create_tables):
        if table is not None:
            ops.impl.create_table(table)
            done.append(f"create table {table.name}")
    if connection.dialect.supports_alter:  # use_alter keys, left out of CREATE TABLE to allow cycles
        for table in plan.create_tables:
            for constraint in table.foreign_key_constraints:
                if constraint.use_alter:
                    ops.impl.add_constraint(constraint)
    for table_name, column in plan.add_columns:
        ops.add_column(table_name, _unbound(column), inline_references=True)
        done.append(f"add column {table_name}.{column.name}")
    for table_name, (removed, wanted) in plan.foreign_keys.items():
        columns = ", ".join(sorted({key for c in removed + wanted for key in c.column_keys}))
        with _refused_as(f"change the foreign key of {table_name}.{columns}"):
            _change_foreign_keys(connection, ops, metadata.tables[table_name], removed, wanted)
        done.append(f"change foreign key of {table_name}.{columns}")
    for table_name, column_name, old, new in plan.widen:
        if not sqlite:
            ops.alter_column(table_name, column_name, type_=new, existing_type=old)
        done.append(f"widen column {table_name}.{column_name} to {new}")
    for table_name, column_name, old, _new in plan.translate:
        _make_translated(connection, table_name, column_name, old)
        done.append(f"translate column {table_name}.{column_name} (its text kept as en_US)")
    for index in plan.create_indexes:
        kind = "unique index" if index.unique else "index"
        columns = ", ".join(column.name for column in index.columns)
        with _refused_as(f"create {kind} {index.name} on {index.table.name}({columns})"):
            ops.impl.create_index(index)
        done.append(f"create index {index.name}")
    return done


@dataclass
class SchemaChanges:
    """What a sync did: one line per change, and the columns it added to tables that already existed."""

    done: list[str]
    added_columns: list[tuple[str, str]]  # (table, column): their rows need the field's default


def sync_schema(connection: Connection, metadata: sa.MetaData, only: Collection[str] | None = None) -> SchemaChanges:
    """Create and adjust tables, columns and indexes to match the registry; returns what was done.

    ``only`` limits the comparison of existing tables to those (missing tables are always created).
    The registry's SQL views are dropped first and created again last (:mod:`.sql_views`).
    """
    plan = plan_schema(compare_schema(connection, metadata, only))
    if connection.dialect.name == "sqlite" and plan.foreign_keys:
        _allow_rebuild(connection, list(plan.foreign_keys))  # before anything writes: see sqlite_foreign_keys_off
    done = drop_views(connection, list(view_queries(metadata)))
    done += apply_plan(connection, plan, metadata)
    done += create_views(connection, metadata)
    return SchemaChanges(done, [(table, column.name) for table, column in plan.add_columns])


# -- dropping what an uninstalled addon owned ------------------------------------------


@dataclass
class Owned:
    """What an addon owned that the registry no longer has."""

    tables: set[str] = field(default_factory=set)
    columns: set[tuple[str, str]] = field(default_factory=set)


def drop_owned(connection: Connection, metadata: sa.MetaData, owned: Owned) -> list[str]:
    """Drop ``owned`` views, columns and tables, keeping whatever the registry still has; returns what was done.

    Nothing here rebuilds a table, so it is safe on SQLite with foreign keys
    enforced (an uninstall has already deleted the addon's records): columns
    are dropped in place, tables after their rows are unlinked.
    """
    inspector = sa.inspect(connection)
    owned_views = owned.tables & set(inspector.get_view_names())
    # the kept views too: one may read a column dropped here; sync_schema creates them again
    done = drop_views(connection, [*view_queries(metadata), *sorted(owned_views - set(metadata.tables))])
    existing = set(inspector.get_table_names())
    kept = managed_tables(metadata)
    tables = {name for name in owned.tables if name in existing and name not in kept}
    columns = [
        (table, column) for table, column in sorted(owned.columns)
        if table in existing and table not in tables
        and not (table in kept and column in kept[table].c)
        and column in {c["name"] for c in inspector.get_columns(table)}
    ]
    ops = operations(connection)
    done += [_drop_column(connection, ops, table, column) for table, column in columns]
    if tables:
        done.extend(_drop_tables(connection, ops, tables))
    return done


def _drop_column(connection: Connection, ops: Operations, table: str, column: str) -> str:
    for index in sa.inspect(connection).get_indexes(table):
        if column in index["column_names"]:
            ops.drop_index(index["name"], table_name=table)
    if connection.dialect.name == "sqlite":
        _sqlite_remove_table_key(connection, table, column)
    with _refused_as(f"drop column {table}.{column}"):
        ops.drop_column(table, column)  # SQLite too drops it in place: no rebuild, nothing cascades
    return f"drop column {table}.{column}"


def _sqlite_remove_table_key(connection: Connection, table: str, column: str) -> None:
    """Take ``column``'s table-level ``FOREIGN KEY`` clause out of the table's definition.

    SQLite drops a column in place unless a table-level constraint names it,
    as the tables SQLAlchemy creates or rebuilds declare their keys.  Removing
    a foreign key without touching the rows is SQLite's documented use of
    ``writable_schema`` (``ALTER TABLE`` page, "other kinds of table schema
    changes"); the result is checked against ``PRAGMA foreign_key_list``.
    """
    clause = re.compile(
        rf',\s*(?:CONSTRAINT\s+"?\w+"?\s+)?FOREIGN KEY\s*\(\s*"?{re.escape(column)}"?\s*\)\s*REFERENCES\s+"?\w+"?\s*'
        r"\([^)]*\)(?:\s+ON\s+(?:DELETE|UPDATE)\s+(?:SET NULL|SET DEFAULT|CASCADE|RESTRICT|NO ACTION))*",
        re.IGNORECASE,
    )
    definition = sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name")
    sql = connection.execute(definition, {"name": table}).scalar_one()
    stripped, found = clause.subn("", sql)
    if not found:
        return
    if found > 1:
        raise SchemaError(f"cannot drop column {table}.{column}: {found} foreign keys name it in {sql!r}")

    def keys() -> list[tuple]:
        return [tuple(row)[2:] for row in connection.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")')]

    expected = [key for key in keys() if key[1] != column]
    _write_sqlite_definition(connection, table, stripped)
    if keys() != expected:
        raise SchemaError(f"cannot drop column {table}.{column}: its foreign key could not be taken out of {sql!r}")


def _write_sqlite_definition(connection: Connection, table: str, sql: str) -> None:
    """Replace ``table``'s CREATE statement in SQLite's schema, where ALTER TABLE cannot make the change."""
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        update = sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name")
        connection.execute(update, {"sql": sql, "name": table})
        connection.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    finally:
        connection.exec_driver_sql("PRAGMA writable_schema = OFF")


def _make_translated(connection: Connection, table: str, column: str, old: sa.types.TypeEngine) -> None:
    """Turn a text column into the JSON object of a translated field, each text becoming its ``en_US`` value.

    PostgreSQL converts in one ``ALTER ... USING``; SQLite keeps any value in
    any column, so the rows are rewritten and the declared type changed in the
    table's definition (``writable_schema``, as :func:`_sqlite_remove_table_key`).
    """
    quoted = connection.dialect.identifier_preparer.quote
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f"ALTER TABLE {quoted(table)} ALTER COLUMN {quoted(column)} TYPE JSONB USING "
            f"CASE WHEN {quoted(column)} IS NULL THEN NULL ELSE jsonb_build_object('en_US', {quoted(column)}) END"
        )
        return
    connection.exec_driver_sql(
        f"UPDATE {quoted(table)} SET {quoted(column)} = json_object('en_US', {quoted(column)}) "
        f"WHERE {quoted(column)} IS NOT NULL"
    )
    definition = sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name")
    sql = connection.execute(definition, {"name": table}).scalar_one()
    declared = re.compile(rf'(^|[\s(,])("?{re.escape(column)}"?)\s+(VARCHAR(\(\d+\))?|TEXT)\b', re.IGNORECASE)
    changed, found = declared.subn(lambda match: f"{match.group(1)}{match.group(2)} JSON", sql, count=1)
    if not found:
        raise SchemaError(f"cannot make {table}.{column} translated: its type is not found in {sql!r}")
    _write_sqlite_definition(connection, table, changed)


def _drop_tables(connection: Connection, ops: Operations, tables: set[str]) -> list[str]:
    """Drop tables that may refer to each other; refuse when a kept table still refers to one of them."""
    children = _referenced_by(connection, tables, exclude=tables)
    if children:
        raise SchemaError(
            f"cannot drop table(s) {', '.join(sorted(tables))}: {', '.join(sorted(children))} still refer to them"
        )
    inspector = sa.inspect(connection)
    for table in sorted(tables):
        for fk in inspector.get_foreign_keys(table):
            if fk["referred_table"] not in tables:
                continue
            if connection.dialect.name != "sqlite":
                ops.drop_constraint(fk["name"], table, type_="foreignkey")
                continue
            # SQLite's DROP TABLE deletes the rows first: unlink them so that no RESTRICT rule objects
            nullable = {c["name"] for c in inspector.get_columns(table) if c["nullable"]}
            for name in set(fk["constrained_columns"]) & nullable:
                connection.execute(sa.update(sa.table(table, sa.column(name))).values({name: None}))
    for table in sorted(tables):
        ops.drop_table(table)
    return [f"drop table {table}" for table in sorted(tables)]
