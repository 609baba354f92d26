"""Onchange while the user edits a form: the posted inputs go through the model's ``onchange`` and the changed
values come back ready for the inputs (and the lines' cells), with the methods' warning and domains.

The form names the fields whose change matters (``data-onchange-fields``):
those with ``@api.onchange`` methods, those a computed field of the form
depends on, and the one2many fields whose lines have computed columns.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from werkzeug.datastructures import MultiDict

from kernel.exceptions import UserError
from kernel.http.request import Request
from kernel.http.routing import Route
from kernel.views.validation import fields_by_model

from ..render.form import FormRenderer
from ..render.one2many import parse_value
from ..render.values import display, input_value
from .actions import Screen, load_screen


def onchange_triggers(env: Any, screen: Screen, renderer: FormRenderer) -> list[str]:
    """The fields of the form whose change the server answers (see the module's docstring)."""
    model = env[screen.model]
    shown = fields_by_model(env.registry, screen.model, _arch(screen)).get(screen.model, [])
    triggers = {name for name in model._onchange_methods if name in shown}
    for name in shown:
        for path in screen.fields.get(name, {}).get("depends") or []:
            if path.split(".")[0] in shown:
                triggers.add(path.split(".")[0])
    for name, subfields in renderer.subfields.items():
        line_methods = env[screen.fields[name]["relation"]]._onchange_methods
        if any(description.get("depends") for description in subfields.values()) or set(line_methods) & set(subfields):
            triggers.add(name)
    return sorted(triggers)


def _arch(screen: Screen) -> etree._Element:
    return etree.fromstring(screen.views["form"]["arch"])


def _spec(screen: Screen, renderer: FormRenderer) -> dict[str, Any]:
    """Odoo 17's ``fields_spec`` of the form: its fields, many2one names, the columns of the lines."""
    arch = _arch(screen)
    spec: dict[str, Any] = {}
    for name in fields_by_model(renderer.env.registry, screen.model, arch).get(screen.model, []):
        description = screen.fields.get(name)
        if description is None:
            continue
        if description["type"] == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif description["type"] == "one2many" and name in renderer.subfields:
            columns = [node.get("name") for node in arch.iterfind(f".//field[@name='{name}']/list/field")
                       if node.get("name") in renderer.subfields[name]]
            spec[name] = {"fields": {column: ({"fields": {"display_name": {}}}
                                              if renderer.subfields[name][column]["type"] == "many2one" else {})
                                     for column in columns}}
        elif description["type"] not in ("one2many", "many2many", "binary"):
            spec[name] = {}
    return spec


def form_onchange(request: Request, action_id: int, record_id: int | None = None) -> dict[str, Any]:
    """``{"values": {field: input value}, "lines": {field: {row: {column: value}}}, "warning", "domains"}``."""
    from .form import _record, form_renderer, parse_submission, record_values

    request.check_csrf()
    entries = request.params.get("entries")
    changed = request.params.get("changed")
    if not isinstance(entries, list) or not all(isinstance(e, list) and len(e) == 2 for e in entries):
        raise UserError("entries must be the form's [name, value] pairs", code="BAD_REQUEST")
    screen = load_screen(request, action_id, MultiDict())
    env = request.env
    if not isinstance(changed, str) or changed not in screen.fields:
        raise UserError(f"changed must name a field of {screen.model}, got {changed!r}", code="BAD_REQUEST")
    record = _record(request, screen, record_id)
    probe = form_renderer(env, screen, record, record_values(screen, env, record, list(screen.fields)), {})
    probe.render(screen.views["form"]["arch"])
    form = MultiDict([(str(name), str(value)) for name, value in entries])
    spec = _spec(screen, probe)
    line_answer = _line_onchange(env, form, changed, request.params.get("line"), probe, spec)
    vals, errors = parse_submission(form, MultiDict(), screen, probe)
    if errors:
        return {"values": {}, "lines": {}, "errors": errors}
    model = (record or env[screen.model]).with_context(**screen.action["context"])
    result = model.onchange(vals, [changed], spec)
    lines = {name: _rows(env, form, name, probe, value) for name, value in result["value"].items()
             if screen.fields[name]["type"] == "one2many" and name in probe.subfields}
    warnings = [warning for warning in (line_answer.get("warning"), result.get("warning")) if warning]
    if line_answer.get("cells"):
        rows = lines.setdefault(changed, {})
        rows[line_answer["row"]] = {**line_answer["cells"], **rows.get(line_answer["row"], {})}
    return {
        "values": {name: _shown(env, screen.fields[name], value) for name, value in result["value"].items()
                   if screen.fields[name]["type"] != "one2many"},
        "lines": lines,
        "warning": {"title": warnings[0].get("title", ""), "message": "\n\n".join(w.get("message", "") for w in warnings)}
        if warnings else None,
        "domains": {name: repr(domain) for name, domain in (result.get("domain") or {}).items()},
    }


def _line_onchange(env: Any, form: MultiDict, changed: str, line: Any, renderer: FormRenderer,
                   spec: dict[str, Any]) -> dict[str, Any]:
    """Run the line model's own onchange for the cell the user changed (``line``: ``{"row", "column"}``); its
    values go into ``form`` (the parent's onchange then sees them) and come back as the row's cells."""
    if not isinstance(line, dict) or changed not in renderer.subfields:
        return {}
    row, column = str(line.get("row", "")), line.get("column")
    subfields, editable = renderer.subfields[changed], renderer.line_columns.get(changed, [])
    comodel = env[renderer.fields[changed]["relation"]]
    if not row.isdigit() or column not in editable or column not in comodel._onchange_methods:
        return {}
    prefix = f"{changed}.{row}"
    values = {name: parse_value(subfields[name], form.get(f"{prefix}.{name}", ""), f"{prefix}.{name}" in form)
              for name in editable}
    line_id = form.get(f"{prefix}.id", "")
    records = comodel.browse([int(line_id)] if line_id.isdigit() else [])
    answer = records.onchange(values, [column], spec[changed]["fields"])
    cells = {}
    for name, value in answer["value"].items():
        cells[name] = {"input": _shown(env, subfields[name], value),
                       "text": display(env, subfields[name], _display_value(subfields[name], value))}
        if name in editable:
            shown = cells[name]["input"]
            form.setlist(f"{prefix}.{name}", [] if shown is False or shown is None else
                         [str(shown[0] if isinstance(shown, list) else shown)])
    return {"row": row, "cells": cells, "warning": answer.get("warning")}


def _shown(env: Any, description: dict[str, Any], value: Any) -> Any:
    """A value as the form's input takes it; a many2one as ``[id, name]``."""
    if description["type"] == "many2one":
        return [value["id"], value["display_name"]] if value else [False, ""]
    if description["type"] == "boolean":
        return bool(value)
    return input_value(description, value)


def _rows(env: Any, form: MultiDict, name: str, renderer: FormRenderer, commands: list[Any]) -> dict[str, Any]:
    """The lines' values keyed by the row number of the form: stored lines by their id, new lines in the order
    of the rows that made them (``line_commands`` leaves out new rows left empty)."""
    subfields, editable = renderer.subfields[name], renderer.line_columns.get(name, [])
    indexes = sorted({key.split(".")[1] for key in form if key.startswith(f"{name}.") and key.count(".") == 2},
                     key=lambda text: int(text) if text.isdigit() else -1)
    by_id = {form.get(f"{name}.{index}.id"): index for index in indexes if form.get(f"{name}.{index}.id")}

    def filled(index: str) -> bool:
        prefix = f"{name}.{index}"
        return any(parse_value(subfields[column], form.get(f"{prefix}.{column}", ""), f"{prefix}.{column}" in form)
                   not in (False, "", 0, None) for column in editable)

    new_rows = [index for index in indexes if not form.get(f"{name}.{index}.id")
                and not form.get(f"{name}.{index}.delete") and filled(index)]
    rows: dict[str, Any] = {}
    for command in commands:
        if command[0] == 1:
            index = by_id.get(str(command[1]))
        elif command[0] == 0 and new_rows:
            index = new_rows.pop(0)
        else:
            continue
        if index is None:
            continue
        cells = {column: {"input": _shown(env, subfields[column], value),
                          "text": display(env, subfields[column], _display_value(subfields[column], value))}
                 for column, value in command[2].items()
                 if not _same_as_sent(form, f"{name}.{index}.{column}", subfields[column], value)}
        if cells:
            rows[index] = cells
    return rows


def _same_as_sent(form: MultiDict, key: str, description: dict[str, Any], value: Any) -> bool:
    """Whether the row's input already holds ``value`` (``"3"`` holds 3.000): left alone, the user's typing stays."""
    if key not in form:
        return False
    try:
        sent = parse_value(description, form.get(key, ""), True)
    except ValueError:
        return False
    if description["type"] == "many2one":
        return sent == (value["id"] if isinstance(value, dict) else value or False)
    return bool(sent == value)


def _display_value(description: dict[str, Any], value: Any) -> Any:
    if description["type"] == "many2one" and isinstance(value, dict):
        return (value["id"], value["display_name"])
    return value


def routes() -> list[Route]:
    post = ("POST",)
    return [
        Route("/web/action/<int:action_id>/new/onchange", form_onchange, post, auth="user", kind="json"),
        Route("/web/action/<int:action_id>/<int:record_id>/onchange", form_onchange, post, auth="user", kind="json"),
    ]
