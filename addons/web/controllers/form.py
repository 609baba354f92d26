"""The form screen: show a record (or a new one), save it, call its buttons; errors go back on the fields."""

from __future__ import annotations

import base64
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from kernel.exceptions import UserError
from kernel.http.request import Request
from kernel.http.routing import Route

from ..render.form import FormRenderer
from ..render.one2many import line_commands, parse_value
from ..render.templating import page, redirect
from .actions import Screen, load_screen
from .common import login_required, savepoint, shell


def record_values(screen: Screen, env: Any, record: Any, names: list[str]) -> dict[str, Any]:
    """A record's values as the renderer takes them: many2one ``(id, name)``, x2many ``[(id, name)]``."""
    model = env[screen.model].with_context(**screen.action["context"])
    if record:
        values = record.read(names)[0]
    else:
        empty = {name: [] if screen.fields[name]["type"] in ("many2many", "one2many") else False for name in names}
        values = {**empty, **model.default_get(names)}
    return resolve_names(env, screen.fields, values)


def resolve_names(env: Any, fields: dict[str, dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """Ids and x2many commands turned into ``(id, name)`` pairs for display."""
    result = dict(values)
    for name, value in values.items():
        description = fields.get(name, {})
        comodel = description.get("relation")
        if description.get("type") == "many2one" and value and not isinstance(value, (tuple, list)):
            result[name] = (value, env[comodel].browse(value)._display_names()[value])  # masked when hidden
        elif description.get("type") == "many2one" and isinstance(value, list):
            result[name] = tuple(value)
        elif description.get("type") in ("many2many", "one2many"):
            ids = command_ids(value or [])
            result[name] = list(env[comodel].browse(ids)._display_names().items()) if ids else []
    return result


def command_ids(value: list[Any]) -> list[int]:
    """The ids an x2many value or list of commands ends up with (link, set, unlink and clear)."""
    ids: list[int] = []
    for item in value:
        if isinstance(item, int):
            ids.append(item)
        elif isinstance(item, (tuple, list)) and item:
            if item[0] == 4:
                ids.append(item[1])
            elif item[0] == 6:
                ids = list(item[2])
            elif item[0] in (2, 3):
                ids = [i for i in ids if i != item[1]]
            elif item[0] == 5:
                ids = []
    return list(dict.fromkeys(ids))


def parse_submission(request: Request, screen: Screen, renderer: FormRenderer) -> tuple[dict[str, Any], dict[str, str]]:
    """Write values from the posted form for the fields the form lets the user edit, and per-field input errors."""
    form, vals, errors = request.form, {}, {}
    for name in renderer.editable:
        description = screen.fields[name]
        kind = description["type"]
        try:
            if kind == "many2many":
                vals[name] = [(6, 0, [int(i) for i in form.getlist(name)])]
            elif kind == "one2many":
                if name in renderer.line_columns:
                    vals[name] = line_commands(form, name, renderer.line_columns[name], renderer.subfields[name])
            elif kind == "binary":
                upload = request.files.get(name)
                if upload is not None and upload.filename:
                    vals[name] = base64.b64encode(upload.read()).decode()
            else:
                vals[name] = parse_value(description, form.get(name, ""), name in form)
        except ValueError as exc:
            errors[name] = f"{description.get('string') or name}: invalid value ({exc})"
    return vals, errors


def missing_required(env: Any, screen: Screen, record: Any, values: dict[str, Any], errors: dict[str, str]) -> dict[str, str]:
    """Fields the view requires (``required="on_hold"`` evaluated on the submitted values) left empty."""
    renderer = form_renderer(env, screen, record, values, {})
    renderer.render(screen.views["form"]["arch"])
    return {name: f"{screen.fields[name].get('string') or name}: a value is required"
            for name in sorted(renderer.required) if name not in errors
            and values.get(name) in (False, None, "", []) and screen.fields[name]["type"] not in ("integer", "float", "monetary", "decimal")}


def error_field(exc: UserError, fields: dict[str, dict[str, Any]], editable: dict[str, str]) -> str | None:
    """The field an error message names (its label or its name), longest label first; ``None`` when none does."""
    message = str(exc)
    candidates = sorted(editable, key=lambda n: -len(fields[n].get("string") or n))
    for name in candidates:
        label = fields[name].get("string") or name
        if f"{label} " in message or f"{label}:" in message or f"'{name}'" in message or f" {name} " in message:
            return name
    return None


def form_renderer(env: Any, screen: Screen, record: Any, values: dict[str, Any], errors: dict[str, str],
                  lines: dict[str, list[dict[str, Any]]] | None = None) -> FormRenderer:
    """A renderer knowing the comodel fields and the current lines of the form's one2many fields."""
    subfields, current_lines = {}, {}
    for name, description in screen.fields.items():
        if description["type"] == "one2many" and f'name="{name}"' in screen.views["form"]["arch"]:
            comodel = env[description["relation"]]
            subfields[name] = comodel.fields_get()
            ids = [rid for rid, _ in values.get(name) or []]
            current_lines[name] = comodel.browse(ids).read(list(subfields[name])) if ids else []
    return FormRenderer(screen.fields, values, errors, env=env, subfields=subfields, lines={**current_lines, **(lines or {})})


def submitted_lines(env: Any, renderer: FormRenderer, name: str, commands: list[Any]) -> list[dict[str, Any]]:
    """The lines as the user left them, shown again when the save failed."""
    existing = {line["id"]: line for line in renderer.lines.get(name, [])}
    subfields = renderer.subfields[name]
    lines = []
    for command in commands:
        if command[0] == 1:
            lines.append({**existing.get(command[1], {}), **resolve_names(env, subfields, command[2]), "id": command[1]})
        elif command[0] == 0:
            lines.append(resolve_names(env, subfields, command[2]))
    return lines


def render_form(request: Request, screen: Screen, record: Any, values: dict[str, Any], errors: dict[str, str],
                status: int = 200, general_error: str = "", lines: dict[str, list[dict[str, Any]]] | None = None) -> Response:
    renderer = form_renderer(request.env, screen, record, values, errors, lines)
    body = renderer.render(screen.views["form"]["arch"])
    name = record.display_name if record else "New"
    action_url = screen.url(f"/{record.id}" if record else "/new")
    return page("form.html", status=status, **shell(
        request, title=f"{name} · {screen.action['name']}", screen=screen, record=record, body=body,
        form_action=action_url, general_error=general_error,
        breadcrumbs=[(screen.action["name"], screen.url()), (name, None)]))


def _record(request: Request, screen: Screen, record_id: int | None) -> Any:
    if record_id is None:
        return None
    record = request.env[screen.model].browse(record_id).exists()
    if not record:
        raise UserError(f"{screen.model} record {record_id} does not exist or was deleted", code="RECORD_MISSING", status=404)
    return record


@login_required
def form_view(request: Request, action_id: int, record_id: int | None = None) -> Response:
    screen = load_screen(request, action_id, MultiDict())
    record = _record(request, screen, record_id)
    return render_form(request, screen, record, record_values(screen, request.env, record, list(screen.fields)), {})


@login_required
def form_save(request: Request, action_id: int, record_id: int | None = None) -> Response:
    """Save the posted values (then call the button clicked, if any); errors re-show the form with the input kept."""
    screen = load_screen(request, action_id, MultiDict())
    env = request.env
    record = _record(request, screen, record_id)
    current = record_values(screen, env, record, list(screen.fields))
    probe = form_renderer(env, screen, record, current, {})
    probe.render(screen.views["form"]["arch"])
    vals, errors = parse_submission(request, screen, probe)
    errors.update(missing_required(env, screen, record, {**current, **resolve_names(env, screen.fields, vals)}, errors))
    method = request.form.get("__call")
    if method and (method not in probe.buttons or method.startswith("_")):
        raise UserError(f"{method!r} is not a button of this form", code="BUTTON_UNKNOWN", status=403)
    general = ""
    if not errors:
        try:
            with savepoint(env):
                model = env[screen.model].with_context(**screen.action["context"])
                if record:
                    record.write(vals)
                else:
                    record = model.create(vals)
                if method:
                    getattr(record, method)()
        except UserError as exc:
            record = _record(request, screen, record_id)
            target = error_field(exc, screen.fields, probe.editable)
            if target:
                errors[target] = str(exc)
            general = str(exc)
    if errors:
        shown = {**current, **resolve_names(env, screen.fields, {k: v for k, v in vals.items()
                                                                 if screen.fields[k]["type"] != "one2many"})}
        lines = {name: submitted_lines(env, probe, name, vals.get(name) or []) for name in probe.line_columns}
        return render_form(request, screen, record, shown, errors, status=422, lines=lines,
                           general_error=general or "Some fields are not valid.")
    return redirect(screen.url(f"/{record.id}?notice=Saved"))


def routes() -> list[Route]:
    post = ("POST",)
    return [
        Route("/web/action/<int:action_id>/new", form_view, auth="public"),
        Route("/web/action/<int:action_id>/new", form_save, post, auth="public"),
        Route("/web/action/<int:action_id>/<int:record_id>", form_view, auth="public"),
        Route("/web/action/<int:action_id>/<int:record_id>", form_save, post, auth="public"),
    ]
