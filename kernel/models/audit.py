"""The audit log: who created, changed or deleted what, and when; written by the kernel only.

:mod:`kernel.security.audit` inserts the rows with SQL in the transaction of
each change; through the ORM the log can only be read: ``create``, ``write``
and ``unlink`` raise :class:`AccessError` for everyone, the superuser included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from ..exceptions import AccessError
from ..orm import api, fields
from ..orm.models import Model
from ..security.spreadsheet import text_cell

OPERATIONS = [("create", "Created"), ("write", "Updated"), ("unlink", "Deleted")]
CSV_COLUMNS = [
    ("timestamp", "Timestamp"), ("user_id", "User"), ("operation", "Action"), ("model", "Model"),
    ("res_id", "Record"), ("field", "Field Changed"), ("old_value", "Old Value"), ("new_value", "New Value"),
]


def _immutable() -> AccessError:
    return AccessError("The audit log cannot be changed: its entries are written by the system only.",
                       code="AUDIT_IMMUTABLE")


class AuditLog(Model):
    _name = "audit.log"
    _description = "Audit Log"
    _order = "timestamp desc, id desc"
    _log_access = False

    model = fields.Char("Model", required=True, index=True)
    res_id = fields.Integer("Record ID", index=True)
    operation = fields.Selection(OPERATIONS, "Action", required=True, index=True)
    field = fields.Char("Field Changed")
    old_value = fields.Text("Old Value")
    new_value = fields.Text("New Value")
    user_id = fields.Many2one("res.users", "User", ondelete="restrict", index=True)
    timestamp = fields.Datetime("Timestamp", required=True, index=True)

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        raise _immutable()

    def write(self, vals: Mapping[str, Any]) -> bool:
        raise _immutable()

    def unlink(self) -> bool:
        raise _immutable()

    @api.model
    def export_csv(self, domain: Sequence[Any] | None = None) -> str:
        """The entries matching ``domain``, newest first, as CSV with a header row."""
        labels = dict(OPERATIONS)
        names = [name for name, _ in CSV_COLUMNS]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([label for _, label in CSV_COLUMNS])
        for row in self.search_read(list(domain or []), names):
            cells = {
                **row,
                "timestamp": row["timestamp"].isoformat(sep=" ", timespec="seconds") if row["timestamp"] else "",
                "user_id": row["user_id"][1] if row["user_id"] else "",
                "operation": labels.get(row["operation"], row["operation"]),
            }
            writer.writerow([text_cell(cells[name]) for name in names])
        return buffer.getvalue()

