"""What a save changes, and whether someone else changed the record since the form was loaded.

A form writes only the fields whose value differs from the stored one, so a
field the server refuses to change (a confirmed order's customer) is not
resent unchanged. The form carries the ``write_date`` it was loaded with; a
save is refused when the stored one moved on, unless the user chose to
overwrite: the row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
writers are serialised by the database) and compared inside the transaction
that writes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from kernel.exceptions import UserError


class WriteConflict(UserError):
    """The record was changed by someone else since the form was loaded; ``changed`` lists the fields."""

    code = "WRITE_CONFLICT"
    status = 409

    def __init__(self, message: str, changed: list[str]):
        super().__init__(message)
        self.changed = changed


def stored_write_date(env: Any, record: Any, lock: bool = False) -> str:
    """The record's ``write_date`` as stored (microseconds kept), read from the row, locked if asked."""
    table = record._sql
    statement = sa.select(table.c.write_date).where(table.c.id == record.id)
    if lock and env.connection.dialect.name == "postgresql":
        statement = statement.with_for_update()
    value = env.execute(statement).scalar()
    return value.isoformat() if isinstance(value, dt.datetime) else str(value or "")


def comparable(description: dict[str, Any], value: Any) -> Any:
    """One form of a field's value for both stored values (as read) and parsed input."""
    kind = description["type"]
    if value in (None, False, "") and kind not in ("integer", "float", "monetary", "decimal", "boolean"):
        return None
    if kind == "many2one":
        return value[0] if isinstance(value, (tuple, list)) else value
    if kind == "many2many":
        if value and isinstance(value[0], (tuple, list)) and len(value[0]) == 3 and value[0][0] == 6:
            return frozenset(value[0][2])
        return frozenset(item[0] if isinstance(item, (tuple, list)) else item for item in value or [])
    if kind in ("float", "monetary", "decimal", "integer"):
        return Decimal(str(value or 0))
    if kind == "boolean":
        return bool(value)
    if kind == "datetime":
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        return moment.replace(second=0, microsecond=0)  # the input holds minutes
    if kind == "date":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return value


def changed_values(fields: dict[str, dict[str, Any]], current: dict[str, Any], vals: dict[str, Any]) -> dict[str, Any]:
    """``vals`` without the values equal to the record's ``current`` ones (one2many commands always kept)."""
    return {name: value for name, value in vals.items()
            if fields[name]["type"] == "one2many" or name not in current
            or comparable(fields[name], value) != comparable(fields[name], current[name])}


def check_not_changed_since(env: Any, record: Any, loaded: str, fields: dict[str, dict[str, Any]],
                            loaded_values: dict[str, Any]) -> None:
    """Refuse the save when the stored ``write_date`` is not the ``loaded`` one, naming the changed fields."""
    stored = stored_write_date(env, record, lock=True)
    if stored == loaded:
        return
    # the request read the record before the lock was granted: on PostgreSQL the other writer committed
    # meanwhile, so the cache holds the values (and last writer) from before their change
    env.transaction.invalidate()
    now = record.read(list(loaded_values))[0] if loaded_values else {}
    changed = [fields[name].get("string") or name for name in changed_values(fields, now, loaded_values)
               if fields[name]["type"] != "one2many"]
    who = record.write_uid.display_name if "write_uid" in record._fields and record.write_uid else ""
    message = env._("This record was changed by someone else since you opened it.")
    if who:
        message += " " + env._("Last change by %(user)s.", user=who)
    if changed:
        message += " " + env._("Changed: %(fields)s.", fields=", ".join(changed))
    raise WriteConflict(message + " " + env._("Reload it to see their change, or overwrite it with yours."), changed)
