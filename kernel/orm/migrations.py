"""Addon migration scripts: Alembic revisions, one branch per addon.

An addon ships its revisions in ``<addon>/migrations/``.  The first revision
carries ``branch_labels = ("<addon>",)``; every revision lists in
``depends_on`` the branches of the addon's dependencies that have one.  The
``alembic_version`` table holds the heads of every installed addon's branch
(Alembic leaves out a head that another one depends on).

    install    the schema is created from the models: the branch is stamped at its head, nothing runs
    upgrade    ``upgrade <addon>@head`` runs inside the addon's transaction, before the schema sync,
               so a revision sees the schema it was written against and the sync adds what is left
    uninstall  the branch is taken out of the version table, so that a reinstall stamps again

Alembic's commands run its ``env.py`` (:mod:`kernel.orm.migration_env`), which
takes the addon's open connection from ``config.attributes``.  ``erp
revision`` writes a new revision from the difference between the database and
the registry for the addon's tables and columns (:func:`write_revision`).
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import produce_migrations, render_python_code
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.operations import ops
from alembic.script import ScriptDirectory
from alembic.util import CommandError, rev_id
from sqlalchemy.engine import Connection

from ..db import ir_module, sqlite_foreign_keys_off
from ..exceptions import SchemaError
from ..manifest import Manifest
from .schema import comparison_options, managed_tables

FOLDER = "migrations"
ENV_LOCATION = Path(__file__).with_name("migration_env")
NOT_INSTALLED = ("uninstalled", "to install")


def migrations_folder(manifest: Manifest) -> Path | None:
    """The addon's folder of revisions, if it ships one."""
    folder = manifest.path / FOLDER
    return folder if folder.is_dir() else None


def _folders(connection: Connection, manifests: Mapping[str, Manifest], addon: str) -> list[Path]:
    """Every installed addon's revisions (the version table names their heads) and ``addon``'s."""
    rows = connection.execute(sa.select(ir_module.c.name).where(ir_module.c.state.not_in(NOT_INSTALLED)))
    names = {name for name, in rows} | {addon}
    folders = [migrations_folder(manifests[name]) for name in sorted(names) if name in manifests]
    return [folder for folder in folders if folder is not None]


def _config(connection: Connection, folders: Iterable[Path]) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ENV_LOCATION))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(f) for f in folders).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def _branch_head(script: ScriptDirectory, addon: str) -> str | None:
    """The newest revision of the addon's branch, ``None`` when it has none."""
    try:
        revision = script.get_revision(f"{addon}@head")
    except CommandError:
        return None
    return revision.revision if revision is not None else None


def _prepare(connection: Connection, manifests: Mapping[str, Manifest],
             addon: str) -> tuple[Config, ScriptDirectory] | None:
    """Alembic's configuration and scripts when the addon has a branch; ``None`` when it ships none."""
    if migrations_folder(manifests[addon]) is None:
        return None
    config = _config(connection, _folders(connection, manifests, addon))
    script = ScriptDirectory.from_config(config)
    return (config, script) if _branch_head(script, addon) is not None else None


def stamp(connection: Connection, manifests: Mapping[str, Manifest], addon: str) -> list[str]:
    """Record the addon's branch as up to date (its schema was just created from the models)."""
    prepared = _prepare(connection, manifests, addon)
    if prepared is None:
        return []
    config, script = prepared
    command.stamp(config, f"{addon}@head")
    return [f"stamped {addon}@head ({_branch_head(script, addon)})"]


def _applied(script: ScriptDirectory, connection: Connection) -> dict[str, Any]:
    """Every revision the version table's heads imply, dependencies included."""
    heads = MigrationContext.configure(connection).get_current_heads()
    return {rev.revision: rev for rev in script.iterate_revisions(heads, "base")} if heads else {}


def upgrade(connection: Connection, manifests: Mapping[str, Manifest], addon: str) -> list[str]:
    """Run the addon's revisions not applied yet; returns one line per revision run."""
    prepared = _prepare(connection, manifests, addon)
    if prepared is None:
        return []
    config, script = prepared
    applied = _applied(script, connection)
    pending = [rev.revision for rev in script.iterate_revisions(f"{addon}@head", "base") if rev.revision not in applied]
    if not pending:
        return []
    if connection.dialect.name == "sqlite" and not sqlite_foreign_keys_off(connection):
        raise SchemaError(
            f"cannot run the migrations of addon {addon!r}: they may rebuild tables, which needs foreign keys "
            "off, and this transaction has already written"
        )
    command.upgrade(config, f"{addon}@head")
    return [f"ran migration {revision}" for revision in reversed(pending)]


def forget(connection: Connection, manifests: Mapping[str, Manifest], addon: str) -> list[str]:
    """Take the addon's branch out of the version table (it is being uninstalled).

    Alembic keeps no row for a branch head that another head depends on, so
    the heads are recomputed from what stays applied rather than the addon's
    rows deleted: a dependency's head comes back when its dependent goes.
    """
    prepared = _prepare(connection, manifests, addon)
    if prepared is None:
        return []
    config, script = prepared
    applied = _applied(script, connection)
    own = {revision for revision, rev in applied.items() if addon in rev.branch_labels}
    if not own:
        return []
    remaining = set(applied) - own
    implied = {
        rev.revision for head in remaining for rev in script.iterate_revisions(head, "base") if rev.revision != head
    }
    command.stamp(config, sorted(remaining - implied) or "base", purge=True)
    return [f"forgot the {addon} branch ({len(own)} revision(s))"]


# -- erp revision ------------------------------------------------------------------------

REVISION_TEMPLATE = '''"""{message}

Revision ID: {revision}
Revises: {down_revision}
Create Date: {date}
"""

import sqlalchemy as sa
from alembic import op
{imports}
revision = {revision!r}
down_revision = {down_revision!r}
branch_labels = {branch_labels!r}
depends_on = {depends_on!r}


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
{downgrade}
'''


def _owned_filter(metadata: sa.MetaData, addon: str) -> tuple[set[str], Callable[..., bool]]:
    """The tables to compare for ``addon`` and an ``include_object`` keeping what it owns."""
    tables = managed_tables(metadata)
    own = {name for name, table in tables.items() if table.info.get("addon") == addon}
    touched = own | {
        name for name, table in tables.items() if any(c.info.get("addon") == addon for c in table.columns)
    }

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table":
            return name in touched
        table = obj.table.name if getattr(obj, "table", None) is not None else None
        if table in own:
            return True
        if reflected and compare_to is None:
            return False  # only in the database, on another addon's table: not this addon's to drop
        columns = [obj] if type_ == "column" else list(getattr(obj, "columns", ()))
        return any(column.info.get("addon") == addon for column in columns)

    return touched, include


def _without_nullability(upgrade_ops: ops.UpgradeOps) -> ops.UpgradeOps:
    """Drop NOT NULL changes: the ORM checks ``required`` itself and its columns are nullable."""
    kept: list[Any] = []
    for op in upgrade_ops.ops:
        if isinstance(op, ops.ModifyTableOps):
            op.ops = [
                inner for inner in op.ops
                if not (isinstance(inner, ops.AlterColumnOp) and inner.modify_type is None
                        and inner.modify_name is None and inner.modify_server_default is False
                        and inner.modify_comment is False)
            ]
            if not op.ops:
                continue
        kept.append(op)
    return ops.UpgradeOps(kept)


def _render_type(type_: sa.types.TypeEngine) -> str:
    """A type from outside SQLAlchemy, rebuilt from the attributes its constructor takes."""
    cls = type(type_)
    names = list(inspect.signature(cls.__init__).parameters)[1:]
    args = ", ".join(f"{name}={getattr(type_, name)!r}" for name in names if hasattr(type_, name))
    return f"{cls.__module__}.{cls.__qualname__}({args})"


def _render(operations: ops.UpgradeOps | ops.DowngradeOps, context: MigrationContext, imports: set[str]) -> str:
    """The body of ``upgrade()`` or ``downgrade()``: batch operations, so that SQLite can run them too."""

    def render_item(type_: str, obj: Any, _autogen: Any) -> str | bool:
        if type_ == "type" and not type(obj).__module__.startswith("sqlalchemy."):
            imports.add(f"import {type(obj).__module__}")
            return _render_type(obj)
        return False

    for op in operations.ops:
        if isinstance(op, ops.CreateTableOp):
            op.info = {}  # the kernel's bookkeeping tags, not schema
    code = render_python_code(operations, render_as_batch=True, migration_context=context, render_item=render_item)
    lines = [line.strip("\n") for line in code.splitlines() if not line.strip().startswith("# ###")]
    body = "\n".join(f"    {line.strip()}" if index == 0 else line for index, line in enumerate(lines)).rstrip()
    return body if body.strip() else "    pass"


def _slug(message: str, limit: int = 40) -> str:
    """The message's first words as a file name part: ``Add a code`` -> ``add_a_code``."""
    slug = ""
    for word in re.findall(r"[a-z0-9]+", message.lower()):
        if slug and len(slug) + 1 + len(word) > limit:
            break
        slug = f"{slug}_{word}" if slug else word[:limit]
    return slug or "revision"


def write_revision(connection: Connection, metadata: sa.MetaData, manifests: Mapping[str, Manifest],
                   addon: str, message: str) -> Path:
    """Write ``<addon>/migrations/<id>_<slug>.py`` turning the database's schema into the registry's."""
    state = connection.execute(sa.select(ir_module.c.state).where(ir_module.c.name == addon)).scalar()
    if state != "installed" or addon not in manifests:
        raise SchemaError(f"cannot write a revision for addon {addon!r}: it is not installed")
    manifest = manifests[addon]
    script = ScriptDirectory.from_config(_config(connection, _folders(connection, manifests, addon)))
    down_revision = _branch_head(script, addon)
    if down_revision is not None and down_revision not in _applied(script, connection):
        raise SchemaError(
            f"cannot write a revision for addon {addon!r}: the database is not at its head {down_revision}; "
            "upgrade the addon first, so that the revision holds only what is new"
        )
    depends_on = tuple(dep for dep in manifest.depends if _branch_head(script, dep) is not None)
    touched, include = _owned_filter(metadata, addon)
    context = MigrationContext.configure(connection, opts=comparison_options(connection, metadata, touched, include))
    upgrade_ops = _without_nullability(produce_migrations(context, metadata).upgrade_ops)
    imports: set[str] = set()
    upgrade_code = _render(upgrade_ops, context, imports)
    downgrade_code = _render(upgrade_ops.reverse(), context, imports)
    revision = rev_id()
    folder = manifest.path / FOLDER
    folder.mkdir(exist_ok=True)
    path = folder / f"{revision}_{_slug(message)}.py"
    path.write_text(REVISION_TEMPLATE.format(
        message=message.replace('"""', "'''"),
        revision=revision,
        down_revision=down_revision,
        date=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        imports="".join(f"{line}\n" for line in sorted(imports)),
        branch_labels=None if down_revision else (addon,),
        depends_on=depends_on or None,
        upgrade=upgrade_code,
        downgrade=downgrade_code,
    ))
    return path
