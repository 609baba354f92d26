"""The form screen: show a record (or a new one), save it, call its buttons; errors go back on the fields."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from kernel.exceptions import UserError
from kernel.http.request import Request
from kernel.http.routing import Route

from ..render.form import FormRenderer
from ..render.one2many import line_commands, parse_value
from ..render.templating import page, redirect, secure
from .actions import Screen, load_screen
from .changes import changed_values, check_not_changed_since, stored_write_date
from .action_menu import bound_actions
from .common import login_required, savepoint, shell
from .follow import follow
from .reports import model_reports
from .onchange import onchange_triggers


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


def parse_submission(form: MultiDict, files: Any, screen: Screen, renderer: FormRenderer,
                     only: set[str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Write values from the posted form for the fields the form lets the user edit (those of ``only``
    when the client says which ones it sends), and per-field input errors."""
    vals, errors = {}, {}
    for name in renderer.editable:
        if only is not None and name not in only:
            continue
        description = screen.fields[name]
        kind = description["type"]
        try:
            if kind == "many2many":
                vals[name] = [(6, 0, [int(i) for i in form.getlist(name)])]
            elif kind == "one2many":
                if name in renderer.line_columns:
                    vals[name] = line_commands(form, name, renderer.line_columns[name], renderer.subfields[name])
            elif kind == "binary":
                upload = files.get(name)
                if upload is not None and upload.filename:
                    vals[name] = base64.b64encode(upload.read()).decode()
            else:
                vals[name] = parse_value(description, form.get(name, ""), name in form)
        except ValueError as exc:
            errors[name] = f"{description.get('string') or name}: invalid value ({exc})"
    return vals, errors


def sent_fields(form: MultiDict) -> set[str] | None:
    """With ``__partial``, the client sends only the fields named by ``__fields`` (none when nothing
    changed); ``None``: a plain form post, every editable field."""
    return set(form.getlist("__fields")) if form.get("__partial") else None


def loaded_values(form: MultiDict, screen: Screen, renderer: FormRenderer) -> dict[str, Any]:
    """The values the form was loaded with (``__loaded``, the client's JSON list of its inputs' first
    values), parsed like a submission; empty when the client did not send them."""
    try:
        pairs = json.loads(form.get("__loaded") or "[]")
        loaded = MultiDict([(str(key), str(value)) for key, value in pairs])
    except (ValueError, TypeError):
        raise UserError("__loaded must be a JSON list of [name, value] pairs", code="BAD_REQUEST") from None
    if not loaded:
        return {}
    names = {key for key in loaded if "." not in key}
    vals, _errors = parse_submission(loaded, {}, screen, renderer, names | set(form.getlist("__fields")))
    return {name: value for name, value in vals.items() if name not in _errors}


def missing_required(env: Any, screen: Screen, record: Any, values: dict[str, Any], errors: dict[str, str]) -> dict[str, str]:
    """Fields the view requires (``required="on_hold"`` evaluated on the submitted values) left empty."""
    renderer = form_renderer(env, screen, record, values, {})
    renderer.render(screen.views["form"]["arch"])
    return {name: f"{screen.fields[name].get('string') or name}: a value is required"
            for name in sorted(renderer.required) if name not in errors
            and values.get(name) in (False, None, "", []) and screen.fields[name]["type"] not in ("integer", "float", "monetary", "decimal")}


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
                status: int = 200, general_error: str = "", lines: dict[str, list[dict[str, Any]]] | None = None,
                write_date: str | None = None) -> Response:
    """The form page; ``write_date`` is the version the user's input is based on (the stored one by default)."""
    renderer = form_renderer(request.env, screen, record, values, errors, lines)
    body = renderer.render(screen.views["form"]["arch"])
    name = record.display_name if record else request.env._("New")
    action_url = screen.url(f"/{record.id}" if record else "/new")
    if record and write_date is None and "write_date" in record._fields:
        write_date = stored_write_date(request.env, record)
    return page("form.html", status=status, **shell(
        request, title=f"{name} · {screen.action['name']}", screen=screen, record=record, body=body,
        form_action=action_url, general_error=general_error, write_date=write_date or "",
        onchange_fields=onchange_triggers(request.env, screen, renderer), onchange_url=f"{action_url}/onchange",
        reports=model_reports(request.env, screen.model), bound=bound_actions(request.env, screen.model),
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
    """Save the changed values (then call the button clicked, if any); a refused save shows the form again
    with the input kept and the message on the field the error names, else on top of the form.

    A client asking for JSON (``Accept: application/json``) gets ``{"redirect"}`` or the errors
    (``{"message", "errors": {field: message}, "code", "changed"}``) instead of a page.
    """
    screen = load_screen(request, action_id, MultiDict())
    env = request.env
    form = request.form
    record = _record(request, screen, record_id)
    current = record_values(screen, env, record, list(screen.fields))
    probe = form_renderer(env, screen, record, current, {})
    probe.render(screen.views["form"]["arch"])
    vals, errors = parse_submission(form, request.files, screen, probe, sent_fields(form))
    if record:
        vals = changed_values(screen.fields, current, vals)
    errors.update(missing_required(env, screen, record, {**current, **resolve_names(env, screen.fields, vals)}, errors))
    method = form.get("__call")
    if method and (method not in probe.buttons or method.startswith("_")):
        raise UserError(f"{method!r} is not a button of this form", code="BUTTON_UNKNOWN", status=403)
    refused: UserError | None = None
    where: dict[str, str] = {}
    if not errors:
        try:
            with savepoint(env):
                model = env[screen.model].with_context(**screen.action["context"])
                if record:
                    if form.get("__write_date") and not form.get("__overwrite"):
                        check_not_changed_since(env, record, form["__write_date"], screen.fields,
                                                loaded_values(form, screen, probe))
                    if vals:
                        record.write(vals)
                else:
                    record = model.create(vals)
                if method:
                    active = {"active_model": screen.model, "active_id": record.id, "active_ids": [record.id]}
                    where = follow(request, getattr(record.with_context(**active), method)(), screen.url(f"/{record.id}"),
                                   active, notice="Saved")
        except UserError as exc:
            record = _record(request, screen, record_id)
            refused = exc
            if exc.field in screen.fields:
                errors[exc.field] = str(exc)
    if errors or refused:
        message = str(refused) if refused else env._("Some fields are not valid.")
        status = refused.status if refused else 422
        if wants_json(request):
            return json_answer({"message": message, "errors": errors, "code": refused.code if refused else "FORM_INVALID",
                                "changed": getattr(refused, "changed", [])}, status)
        shown = {**current, **resolve_names(env, screen.fields, {k: v for k, v in vals.items()
                                                                 if screen.fields[k]["type"] != "one2many"})}
        lines = {name: submitted_lines(env, probe, name, vals.get(name) or []) for name in probe.line_columns}
        return render_form(request, screen, record, shown, errors, status=status, lines=lines,
                           general_error=message, write_date=form.get("__write_date"))
    if not method:
        where = {"redirect": screen.url(f"/{record.id}?notice=" + quote(env._("Saved")))}
    return json_answer(where, 200) if wants_json(request) else redirect(where.get("redirect") or where["dialog"])


def wants_json(request: Request) -> bool:
    """The client's script saves with ``fetch`` and asks for JSON; a form posted without script gets pages."""
    return "application/json" in request.headers.get("Accept", "")


def json_answer(body: dict[str, Any], status: int) -> Response:
    return secure(Response(json.dumps(body), status=status, mimetype="application/json"))


def routes() -> list[Route]:
    post = ("POST",)
    return [
        Route("/web/action/<int:action_id>/new", form_view, auth="public"),
        Route("/web/action/<int:action_id>/new", form_save, post, auth="public"),
        Route("/web/action/<int:action_id>/<int:record_id>", form_view, auth="public"),
        Route("/web/action/<int:action_id>/<int:record_id>", form_save, post, auth="public"),
    ]
