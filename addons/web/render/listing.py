"""List and kanban views: their columns or card fields from the arch, rows and groups from the model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from kernel.exceptions import UserError
from kernel.orm.env import Environment

from .values import NUMERIC_TYPES, display, image_src


@dataclass
class Column:
    name: str
    label: str
    kind: str
    widget: str | None
    summed: bool
    sortable: bool = False


def list_columns(arch: str, fields: dict[str, dict[str, Any]]) -> list[Column]:
    """The visible columns of a list arch; numeric ones are summed (``sum="..."`` or a numeric type)."""
    columns = []
    for node in etree.fromstring(arch).iterchildren("field"):
        name = node.get("name")
        if name not in fields or node.get("invisible") in ("1", "True") or node.get("column_invisible") in ("1", "True"):
            continue
        kind = fields[name]["type"]
        columns.append(Column(name, node.get("string") or fields[name].get("string") or name, kind, node.get("widget"),
                              kind in NUMERIC_TYPES and name != "id", bool(fields[name].get("sortable", True))))
    return columns


def card_fields(arch: str, fields: dict[str, dict[str, Any]]) -> tuple[list[Column], str | None]:
    """The fields a kanban card shows (from its ``card`` template) and the arch's default grouping."""
    root = etree.fromstring(arch)
    template = next((node for node in root.iter("t") if node.get("t-name") in ("card", "kanban-box")), root)
    columns = [Column(node.get("name"), fields[node.get("name")].get("string") or node.get("name"),
                      fields[node.get("name")]["type"], node.get("widget"), False)
               for node in template.iter("field") if node.get("name") in fields]
    return columns, root.get("default_group_by")


def order_clause(fields: dict[str, dict[str, Any]], order: str | None) -> str | None:
    """``field asc|desc`` from the ``order`` parameter, refusing anything but a sortable field (a stored
    column: not a many2many, one2many or computed field)."""
    if not order:
        return None
    name, _, direction = order.partition(" ")
    if name not in fields or not fields[name].get("sortable", True) or direction not in ("", "asc", "desc"):
        raise UserError(f"cannot sort by {order!r}: not a sortable field of this model", code="SORT_FIELD_UNKNOWN")
    return f"{name} {direction or 'asc'}"


def rows(env: Environment, model: str, domain: list[Any], columns: list[Column], fields: dict[str, dict[str, Any]],
         offset: int = 0, limit: int | None = None, order: str | None = None) -> list[dict[str, Any]]:
    """Records as ``{"id", "cells": [(text, image), ...], "raw": {...}}`` in the user's formats."""
    names = list(dict.fromkeys([c.name for c in columns]))
    records = env[model].search_read(domain, names, offset=offset, limit=limit, order=order)
    relational = [c for c in columns if c.kind in ("many2many", "one2many")]
    for column in relational:  # ids to (id, name) pairs, one name_get per column
        comodel = env[fields[column.name]["relation"]]
        ids = sorted({i for record in records for i in record[column.name] or []})
        names_by_id = dict(comodel.browse(ids)._display_names()) if ids else {}
        for record in records:
            record[column.name] = [(i, names_by_id.get(i, "")) for i in record[column.name] or []]
    result = []
    for record in records:
        cells = []
        for column in columns:
            value = record.get(column.name)
            if column.kind == "binary" and column.widget == "image":
                cells.append(("", image_src(value)))
            else:
                cells.append((display(env, fields[column.name], value), ""))
        result.append({"id": record["id"], "cells": cells, "raw": record})
    return result


def totals(env: Environment, model: str, domain: list[Any], columns: list[Column],
           fields: dict[str, dict[str, Any]]) -> list[str] | None:
    """The sums of the summed columns over the whole search (``None`` when no column is summed)."""
    summed = [c.name for c in columns if c.summed]
    if not summed:
        return None
    stored = [name for name in summed if fields[name].get("store", True)]
    sums: dict[str, Any] = dict.fromkeys(summed, 0)
    if stored:  # summed by the database
        sums.update({name: value or 0 for name, value in
                     env[model].read_group(domain, [f"{name}:sum" for name in stored], [])[0].items() if name in stored})
    computed = [name for name in summed if name not in stored]
    for record in env[model].search_read(domain, computed) if computed else []:
        for name in computed:
            sums[name] += record[name] or 0
    return [display(env, fields[c.name], sums[c.name]) if c.summed else "" for c in columns]


def groups(env: Environment, model: str, domain: list[Any], group_by: str,
           fields: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """``read_group`` on one field: each group's value, label, count and domain."""
    found = env[model].read_group(domain, [group_by], group_by, lazy=True)
    result = []
    for group in found:
        value = group[group_by]
        label = display(env, fields[group_by], value) or "None"
        raw = value[0] if isinstance(value, (list, tuple)) else value
        result.append({"value": raw, "label": label, "count": group.get(f"{group_by}_count", 0),
                       "domain": group["__domain"]})
    return result
