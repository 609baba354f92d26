"""What XML and CSV data files share: external ids, record upserts, and errors with a location."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa

from ..exceptions import DataLoadError, KernelError, UserError
from ..orm.env import Environment
from ..orm.models import BaseModel
from .safe_eval import UnsafeExpression, safe_eval

Mode = Literal["install", "upgrade"]


@dataclass
class LoadContext:
    """One addon's data loading: where we are (file, line, record) and which external ids we saw."""

    env: Environment
    addon: str
    mode: Mode
    folder: Path
    file: str = ""
    loaded: set[str] = field(default_factory=set)
    view_ids: list[int] = field(default_factory=list)

    def error(self, message: str, line: int | None = None, xmlid: str | None = None) -> DataLoadError:
        return DataLoadError(message, addon=self.addon, file=self.file, line=line, xmlid=xmlid)

    @contextmanager
    def locate(self, line: int | None, xmlid: str | None = None) -> Iterator[None]:
        """Turn any error raised while handling one element into a DataLoadError naming it."""
        try:
            yield
        except DataLoadError as exc:
            if exc.line is not None and (exc.xmlid is not None or xmlid is None):
                raise
            raise self.error(exc.reason, exc.line or line, exc.xmlid or xmlid) from exc.__cause__
        except (KernelError, UserError, UnsafeExpression, ValueError, KeyError, TypeError) as exc:
            raise self.error(str(exc) or type(exc).__name__, line, xmlid) from exc

    def full_id(self, xmlid: str) -> str:
        return xmlid if "." in xmlid else f"{self.addon}.{xmlid}"

    def _data_row(self, full: str) -> Any:
        module, _, name = full.partition(".")
        table = self.env["ir.model.data"]._sql
        query = sa.select(table.c.id, table.c.model, table.c.res_id, table.c.noupdate).where(
            table.c.module == module, table.c.name == name
        )
        return self.env.execute(query).first()

    def ref(self, xmlid: str) -> int:
        """The database id of an external id; unknown ids are errors."""
        full = self.full_id(xmlid)
        row = self._data_row(full)
        if row is None:
            raise DataLoadError(f"unknown external id {full!r}{self.env.xmlid_hint(full)}", addon=self.addon, file=self.file)
        return row.res_id

    def eval(self, expression: str, extra: Mapping[str, Any] | None = None) -> Any:
        return safe_eval(expression, {"ref": self.ref, **(extra or {})})

    def upsert(self, model: BaseModel, xmlid: str, values: dict[str, Any], noupdate: bool,
               forcecreate: bool = True) -> BaseModel:
        """Create the record of ``xmlid`` or update it, following install/upgrade and noupdate rules."""
        full = self.full_id(xmlid)
        self.loaded.add(full)
        row = self._data_row(full)
        record = model.browse(row.res_id).exists() if row is not None and row.model == model._name else model.browse()
        if record:
            if self.mode == "upgrade" and (row.noupdate or noupdate):
                return record
            record.write(values)
        else:
            if noupdate and self.mode == "upgrade" and not forcecreate:
                return record  # deleted by a user (or never created): forcecreate="0" leaves it so
            record = model.create(values)
        module, _, name = full.partition(".")
        self.env["ir.model.data"].record_xmlid(module, name, record, noupdate=noupdate)
        return record


def remove_vanished(env: Environment, addon: str, loaded: set[str]) -> list[str]:
    """Delete the records whose external ids the addon's files no longer define (noupdate ones stay)."""
    data = env["ir.model.data"]
    rows = data.search([("module", "=", addon), ("noupdate", "=", False)], order="id desc")
    removed: list[str] = []
    for row in rows:
        full = f"{row.module}.{row.name}"
        if full in loaded or row.model not in env.registry:
            continue
        env[row.model].browse(row.res_id).exists().unlink()
        if row.exists():
            row.unlink()
        removed.append(full)
    return removed


def remove_addon_data(env: Environment, addon: str) -> int:
    """Delete every record an addon's data files created, newest first; returns how many.

    Records of the addon's own models are left to the schema step, which drops
    their tables: deleting them one by one would trip over ``ondelete="restrict"``.
    """
    data = env["ir.model.data"]
    rows = data.search([("module", "=", addon)], order="id desc")
    count = 0
    for row in rows:
        if row.model in env.registry and env.registry[row.model]._addon != addon:
            record = env[row.model].browse(row.res_id).exists()
            if record:
                record.unlink()
                count += 1
    rows.exists().unlink()
    return count
