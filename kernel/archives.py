"""The business data an uninstall deletes: named in its plan, archived before it is dropped, restored on reinstall.

Uninstalling an addon drops the tables of its models and its columns on other
addons' tables (:func:`~kernel.orm.ownership.owned_while_installed`), with every
value in them: a vendor's code and the time it became a vendor, a supplier's
hold.  So:

    plan       ``erp uninstall X`` (its ``--dry-run`` and its confirmation) lists each table with
               rows and each column with values, and how many (:func:`deleted_data`)
    archive    first step of each addon's uninstall: those rows and values, and the next number of
               the addon's sequences, go to ``<archive folder>/<database>-<addon>-<UTC time>.json.gz``;
               the database keeps the path (parameter ``archive.<addon>``) only if the uninstall commits
    restore    reinstalling the addon in the same database, after its data files are loaded: its
               columns get back their archived values on the rows still there, matched by id, and
               its sequences go on from their archived next number at least, so no code is
               handed out twice; the addon's own tables stay in the archive for reference

The archive folder is ``[lifecycle] archive_dir`` (relative to the
configuration file's folder), by default ``var/archives`` in the project.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import logging
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from .config import PROJECT_ROOT, Settings
from .db import parse_url, utcnow
from .exceptions import KernelError
from .orm.env import Environment
from .orm.ownership import owned_while_installed

log = logging.getLogger(__name__)

FORMAT = 1
BATCH = 1000
PARAMETER = "archive.{addon}"


@dataclass(frozen=True)
class DeletedData:
    """A table, or a column of another addon's table, holding values an uninstall deletes."""

    addon: str
    table: str
    column: str | None
    count: int  # rows of the table, or non-empty values of the column

    def __str__(self) -> str:
        if self.column is None:
            return f"table {self.table}: {self.count} row(s) ({self.addon})"
        return f"column {self.table}.{self.column}: {self.count} value(s) ({self.addon})"


def archive_folder(settings: Settings) -> Path:
    """``[lifecycle] archive_dir``, relative to the configuration file's folder; ``var/archives`` by default."""
    value = settings.section("lifecycle").get("archive_dir")
    if value is None:
        return PROJECT_ROOT / "var" / "archives"
    if not isinstance(value, str) or not value:
        raise KernelError(f"configuration [lifecycle] archive_dir: expected a folder, got {value!r}")
    base = settings.source.parent if settings.source else Path.cwd()
    return (base / value).resolve()


def _non_empty(column: sa.Column) -> sa.ColumnElement[bool]:
    """A value the ORM shows as set: not NULL, and neither false nor an empty string."""
    if isinstance(column.type, sa.Boolean):
        return column.is_(True)
    if isinstance(column.type, sa.String):
        return sa.and_(column.is_not(None), column != "")
    return column.is_not(None)


def _table(env: Environment, name: str) -> sa.Table:
    """The registry's table (typed as the fields read it), else the table as the database has it."""
    table = env.registry.metadata.tables.get(name)
    return table if table is not None else sa.Table(name, sa.MetaData(), autoload_with=env.connection)


def deleted_data(env: Environment, addons: Collection[str]) -> list[DeletedData]:
    """What uninstalling ``addons`` together deletes: tables with rows and columns with values, with counts."""
    found = []
    for addon, owned in sorted(owned_while_installed(env, addons).items()):
        for name in sorted(owned.tables):
            count = env.execute(sa.select(sa.func.count()).select_from(_table(env, name))).scalar_one()
            if count:
                found.append(DeletedData(addon, name, None, count))
        for name, column in sorted(owned.columns):
            table = _table(env, name)
            count = env.execute(sa.select(sa.func.count()).where(_non_empty(table.c[column]))).scalar_one()
            if count:
                found.append(DeletedData(addon, name, column, count))
    return found


# -- archiving -----------------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    """A column value as JSON; what JSON lacks is tagged (``{"$date": "2024-02-29"}``)."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, (bytes, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    return value


DECODERS = {
    "$datetime": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$decimal": Decimal,
    "$bytes": base64.b64decode,
}


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (tag, text), = value.items()
        if tag in DECODERS:
            return DECODERS[tag](text)
    return value


def _database_label(url: str) -> str:
    """The database's name in archive file names: a PostgreSQL database's name, a SQLite file's stem."""
    parsed = parse_url(url)
    name = parsed.database or "memory"
    name = Path(name).stem if parsed.get_backend_name() == "sqlite" else name
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _new_file(folder: Path, stem: str) -> tuple[Path, IO[bytes]]:
    folder.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 100):
        path = folder / (f"{stem}.json.gz" if attempt == 1 else f"{stem}-{attempt}.json.gz")
        try:
            return path, path.open("xb")
        except FileExistsError:
            continue
    raise KernelError(f"cannot create an archive named {stem} in {folder}: every name is taken")


def _rows(env: Environment, statement: sa.Select) -> Iterator[list[Any]]:
    result = env.execute(statement.execution_options(yield_per=BATCH))  # streamed, this statement only
    for row in result:
        yield [_encode(value) for value in row]


def _write_section(out: IO[str], name: str, columns: list[str], rows: Iterator[list[Any]]) -> int:
    out.write(f"{json.dumps(name)}: {{\"columns\": {json.dumps(columns)}, \"rows\": [")
    count = 0
    for row in rows:
        out.write(("," if count else "") + "\n" + json.dumps(row))
        count += 1
    out.write("]}")
    return count


def _sequences(env: Environment, addon: str) -> dict[str, int]:
    """The next number of each sequence the addon's data files made, by external id."""
    data = env["ir.model.data"].sudo().search([("module", "=", addon), ("model", "=", "ir.sequence")])
    sequences = env["ir.sequence"].sudo().with_context(active_test=False)
    return {row.name: sequence.number_next for row in data if (sequence := sequences.browse(row.res_id).exists())}


def write_archive(env: Environment, addon: str, folder: Path, database_url: str) -> Path | None:
    """Archive what uninstalling ``addon`` deletes and note the file in the database; ``None`` when nothing is."""
    owned = owned_while_installed(env, [addon])[addon]
    deleted = deleted_data(env, [addon])
    if not deleted:
        return None
    stem = f"{_database_label(database_url)}-{addon}-{utcnow().strftime('%Y%m%dT%H%M%SZ')}"
    path, raw = _new_file(folder, stem)
    by_table: dict[str, list[str]] = {}
    for name, column in sorted(owned.columns):
        by_table.setdefault(name, []).append(column)
    with raw, gzip.open(raw, "wt", encoding="utf-8") as out:
        header = {"format": FORMAT, "addon": addon, "database": _database_label(database_url),
                  "created": utcnow().isoformat(timespec="seconds"), "deleted": [str(item) for item in deleted],
                  "sequences": _sequences(env, addon)}
        out.write(json.dumps(header)[:-1] + ', "columns": {')
        for index, (name, columns) in enumerate(sorted(by_table.items())):
            table = _table(env, name)
            selected = [table.c[column] for column in columns]
            statement = sa.select(table.c.id, *selected).where(sa.or_(*(c.is_not(None) for c in selected)))
            out.write(", " if index else "")
            _write_section(out, name, ["id", *columns], _rows(env, statement.order_by(table.c.id)))
        out.write('}, "tables": {')
        for index, name in enumerate(sorted(owned.tables)):
            table = _table(env, name)
            out.write(", " if index else "")
            _write_section(out, name, list(table.c.keys()), _rows(env, sa.select(table)))
        out.write("}}\n")
    env["ir.config_parameter"].sudo().set_param(PARAMETER.format(addon=addon), str(path))
    log.warning("%s: its data is archived to %s", addon, path)
    return path


# -- restoring -----------------------------------------------------------------------------------------


def read_archive(path: Path) -> dict[str, Any]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            archive = json.load(handle)
    except (OSError, EOFError, ValueError) as exc:
        raise KernelError(f"archive {path} cannot be read: {exc}") from None
    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise KernelError(f"archive {path} is not an archive of format {FORMAT}")
    return archive


def restore_archive(env: Environment, addon: str) -> list[str]:
    """Put back the addon's archived column values and sequence numbers; returns what was restored."""
    parameters = env["ir.config_parameter"].sudo()
    key = PARAMETER.format(addon=addon)
    noted = parameters.search([("key", "=", key)], limit=1)
    if not noted:
        return []
    path = Path(noted.value)
    if not path.is_file():
        log.warning("%s: archive %s is gone; nothing restored", addon, path)
        noted.unlink()
        return []
    try:
        archive = read_archive(path)
    except KernelError as exc:
        exc.add_note(f"move the file away to install {addon} without restoring its data")
        raise
    done = [_restore_columns(env, name, section) for name, section in sorted(archive["columns"].items())]
    done += _restore_sequences(env, addon, archive["sequences"])
    noted.unlink()
    env.transaction.invalidate()
    for line in done:
        log.info("%s: %s (from %s)", addon, line, path)
    return done


def _restore_columns(env: Environment, name: str, section: dict[str, Any]) -> str:
    table = env.registry.metadata.tables.get(name)
    archived = section["columns"][1:]
    columns = [column for column in archived if table is not None and column in table.c]
    gone = [f"{name}.{column}" for column in archived if column not in columns]
    if gone:
        log.warning("archived column(s) %s not restored: the models no longer have them", ", ".join(gone))
    if not columns:
        return f"nothing restored on {name}"
    keep = [index for index, column in enumerate(archived, start=1) if column in columns]
    statement = (sa.update(table).where(table.c.id == sa.bindparam("b_id"))
                 .values({column: sa.bindparam(f"b_{column}") for column in columns}))
    restored, rows = 0, section["rows"]
    for start in range(0, len(rows), BATCH):
        batch = [{"b_id": row[0], **{f"b_{column}": _decode(row[index]) for column, index in zip(columns, keep)}}
                 for row in rows[start:start + BATCH]]
        restored += env.execute(statement, batch).rowcount
    return f"restored {', '.join(columns)} of {name} on {restored} row(s) still there"


def _restore_sequences(env: Environment, addon: str, archived: dict[str, int]) -> list[str]:
    done = []
    sequences = _sequences(env, addon)
    for xmlid, number in sorted(archived.items()):
        if xmlid in sequences and sequences[xmlid] < number:
            env.ref(f"{addon}.{xmlid}").sudo().number_next = number
            done.append(f"sequence {addon}.{xmlid} goes on from {number}")
    return done
