"""The audit trail: every create, write and unlink of the models with ``_audit = True``.

Rows go to the ``audit_log`` table with plain SQL, in the transaction of the
change (a rolled-back change leaves no trace), because the ``audit.log``
model refuses every write through the ORM, superuser included.  Values are
kept as the text a person reads: a many2one as the target's name, an x2many
as the names joined by commas, booleans as ``True``/``False``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..db import utcnow

if TYPE_CHECKING:
    from ..orm.fields import Field
    from ..orm.models import BaseModel

Snapshot = dict[int, dict[str, str]]
SKIPPED = frozenset({"id", "create_date", "write_date", "create_uid", "write_uid", "display_name", "parent_path", "password"})


def audited(model: BaseModel) -> bool:
    return bool(getattr(type(model), "_audit", False)) and "audit.log" in model.env.registry


def audited_fields(model: BaseModel, names: Iterable[str]) -> list[Field]:
    """The fields of ``names`` whose changes the trail records: stored ones, except bookkeeping."""
    result = []
    for name in dict.fromkeys(names):
        field = model._fields.get(name)
        if field is not None and field.store and name not in SKIPPED:
            result.append(field)
    return result


def _as_text(model: BaseModel, field: Field, value: Any) -> str:
    if field.type == "boolean":
        return str(bool(value))
    if value is None or value is False:
        return ""
    if field.type == "many2one":
        return value[1] if isinstance(value, (list, tuple)) else str(value)
    if field.type in ("one2many", "many2many"):
        names = model.env[field.comodel_name].sudo().with_context(active_test=False).browse(value)._display_names()
        return ", ".join(names[i] for i in value)
    return str(value)


def snapshot(records: BaseModel, fields: list[Field]) -> Snapshot:
    """The current values of ``fields`` of the records, as audit text."""
    if not fields:
        return {}
    rows = records.sudo().with_context(active_test=False).read([f.name for f in fields])
    return {row["id"]: {f.name: _as_text(records, f, row[f.name]) for f in fields} for row in rows}


def _insert(records: BaseModel, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    now, uid = utcnow(), records.env.uid
    for row in rows:
        row.update(model=records._name, user_id=uid, timestamp=now)
    records.env.execute(records.env.registry["audit.log"]._sql.insert(), rows)


def log_create(records: BaseModel, names: Iterable[str]) -> None:
    fields = audited_fields(records, names)
    values = snapshot(records, fields)
    _insert(records, [
        {"res_id": record_id, "operation": "create", "field": name, "old_value": "", "new_value": text}
        for record_id in records._ids for name, text in values.get(record_id, {}).items() if text
    ] or [{"res_id": record_id, "operation": "create", "field": "", "old_value": "", "new_value": ""}
          for record_id in records._ids])


def log_write(records: BaseModel, names: Iterable[str], before: Snapshot) -> None:
    fields = audited_fields(records, names)
    after = snapshot(records, fields)
    rows = []
    for record_id in dict.fromkeys(records._ids):
        old, new = before.get(record_id, {}), after.get(record_id, {})
        for field in fields:
            if old.get(field.name, "") != new.get(field.name, ""):
                rows.append({"res_id": record_id, "operation": "write", "field": field.name,
                             "old_value": old.get(field.name, ""), "new_value": new.get(field.name, "")})
    _insert(records, rows)


def log_unlink(records: BaseModel) -> None:
    names = records.sudo().with_context(active_test=False).exists()._display_names()
    _insert(records, [{"res_id": record_id, "operation": "unlink", "field": "", "old_value": name, "new_value": ""}
                      for record_id, name in names.items()])

