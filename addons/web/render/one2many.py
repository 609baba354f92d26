"""One2many fields edited inline: the subview's list as rows of inputs, new rows from a ``<template>``.

Inputs are named ``<field>.<row>.<subfield>``, with ``<field>.<row>.id`` for
existing lines and ``<field>.<row>.delete`` to remove one; a save turns them
into x2many commands (:func:`line_commands`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from markupsafe import Markup

from .values import can_quick_create, display, input_value

INLINE_TYPES = ("char", "text", "integer", "float", "monetary", "decimal", "date", "datetime", "boolean",
                "selection", "many2one")


def parse_value(description: Mapping[str, Any], raw: str, present: bool) -> Any:
    """The write value of one input (a ``ValueError`` says why it is not one)."""
    kind = description["type"]
    if kind == "boolean":
        return present
    if kind == "many2one":
        return int(raw) if raw else False
    if kind == "integer":
        return int(raw) if raw.strip() else 0
    if kind == "float":
        return float(raw) if raw.strip() else 0.0
    if kind in ("monetary", "decimal"):
        try:
            return Decimal(raw) if raw.strip() else Decimal(0)
        except InvalidOperation:
            raise ValueError(f"{raw!r} is not a number") from None
    if kind == "date":
        return dt.date.fromisoformat(raw) if raw else False
    if kind == "datetime":
        return dt.datetime.fromisoformat(raw) if raw else False
    if kind == "selection":
        if raw and raw not in dict(description.get("selection") or []):
            raise ValueError(f"{raw!r} is not one of the choices")
        return raw or False
    return raw if raw != "" else False


def editable_columns(columns: list[Any], subfields: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return [node.get("name") for node in columns if node.get("name") in subfields
            and subfields[node.get("name")]["type"] in INLINE_TYPES and not subfields[node.get("name")].get("readonly")
            and node.get("readonly") not in ("1", "True")]


def cell(prefix: str, name: str, description: Mapping[str, Any], value: Any, creatable: bool = False) -> Markup:
    """The input of one cell (a many2one gets the autocompletion widget)."""
    kind = description["type"]
    field_name = f"{prefix}.{name}"
    label = Markup(' aria-label="%s"') % (description.get("string") or name)
    if kind == "boolean":
        return Markup('<input type="checkbox" name="%s" value="1"%s%s>') % (field_name, Markup(" checked") if value else "", label)
    if kind == "selection":
        options = Markup("").join(Markup('<option value="%s"%s>%s</option>') % (
            key, Markup(" selected") if key == value else "", text) for key, text in description.get("selection") or [])
        return Markup('<select name="%s"%s><option value=""></option>%s</select>') % (field_name, label, options)
    if kind == "many2one":
        shown = value[1] if isinstance(value, (list, tuple)) else ""
        return Markup('<div class="m2o" data-model="%s" data-field="%s"%s><input type="hidden" name="%s" value="%s">'
                      '<input type="text" value="%s" autocomplete="off" role="combobox" aria-expanded="false" '
                      'data-m2o-input%s><ul class="dropdown" role="listbox" hidden></ul></div>') % (
            description.get("relation"), field_name, Markup(" data-create") if creatable else Markup(""), field_name, input_value(dict(description), value), shown, label)
    input_type = {"integer": "number", "float": "number", "monetary": "number", "decimal": "number",
                  "date": "date", "datetime": "datetime-local"}.get(kind, "text")
    step = Markup(' step="any"') if input_type == "number" else Markup("")
    return Markup('<input type="%s" name="%s" value="%s"%s%s>') % (input_type, field_name,
                                                                 input_value(dict(description), value), step, label)


def render_lines(env: Any, name: str, node: Any, subfields: Mapping[str, Mapping[str, Any]],
                 lines: list[dict[str, Any]], readonly: bool) -> Markup:
    """The inline table of a one2many field; the subview's ``<list>`` gives the columns."""
    sub = next((child for child in node if child.tag in ("list", "tree")), None)
    columns = [c for c in (sub.iterchildren("field") if sub is not None else []) if c.get("name") in subfields]
    editable = [] if readonly else editable_columns(columns, subfields)
    creatable = {column for column in editable if subfields[column]["type"] == "many2one"
                 and subfields[column].get("relation") in env.registry and can_quick_create(env[subfields[column]["relation"]])}
    head = Markup("").join(Markup('<th scope="col">%s</th>') % (subfields[c.get("name")].get("string") or c.get("name"))
                           for c in columns)

    def row(index: Any, line: Mapping[str, Any]) -> Markup:
        prefix = f"{name}.{index}"
        cells = Markup("").join(
            Markup("<td>%s</td>") % cell(prefix, c.get("name"), subfields[c.get("name")], line.get(c.get("name")),
                                         c.get("name") in creatable)
            if c.get("name") in editable else Markup('<td data-cell="%s.%s">%s</td>') % (
                prefix, c.get("name"), display(env, dict(subfields[c.get("name")]), line.get(c.get("name"))))
            for c in columns)
        if readonly:
            return Markup("<tr>%s</tr>") % cells
        remove = Markup('<td><input type="hidden" name="%s.id" value="%s"><label class="remove-line">'
                        '<input type="checkbox" name="%s.delete" value="1"> Remove</label></td>') % (
            prefix, line.get("id") or "", prefix)
        return Markup('<tr class="line">%s%s</tr>') % (cells, remove)

    body = Markup("").join(row(index, line) for index, line in enumerate(lines))
    adder = Markup("")
    if not readonly and editable:
        adder = Markup('<template data-line-template>%s</template><button type="button" class="add-line" '
                       'data-add-line>Add a line</button>') % row("__index__", {})
    extra = Markup("<th></th>") if not readonly else Markup("")
    return Markup('<div class="o2m" data-o2m="%s" data-next-index="%s"><div class="table-wrap"><table class="list">'
                  '<thead><tr>%s%s</tr></thead><tbody>%s</tbody></table></div>%s</div>') % (
        name, len(lines), head, extra, body, adder)


def line_commands(form: Any, name: str, editable: list[str], subfields: Mapping[str, Mapping[str, Any]]) -> list[Any]:
    """x2many commands from the posted rows: update existing lines, create new ones, delete the removed."""
    indexes = sorted({key.split(".")[1] for key in form if key.startswith(f"{name}.") and key.count(".") == 2},
                     key=lambda text: int(text) if text.isdigit() else -1)
    commands: list[Any] = []
    for index in indexes:
        if not index.isdigit():
            raise ValueError(f"line {index!r} is not a row number")
        prefix = f"{name}.{index}"
        line_id = form.get(f"{prefix}.id", "")
        if form.get(f"{prefix}.delete"):
            if line_id:
                commands.append((2, int(line_id)))
            continue
        vals = {column: parse_value(subfields[column], form.get(f"{prefix}.{column}", ""), f"{prefix}.{column}" in form)
                for column in editable}
        if line_id:
            commands.append((1, int(line_id), vals))
        elif any(value not in (False, "", 0, None) for value in vals.values()):
            commands.append((0, 0, vals))
    return commands
