"""Dialogs: a wizard (or any model) opened by an action with ``target="new"`` (see :mod:`.follow`).

A dialog's address carries its context as JSON (``active_model``, ``active_id``,
``active_ids`` and the action's own keys): a user can ask no more through it
than through the external API, and the records it names are read with their rights.
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response

from kernel.exceptions import UserError
from kernel.http.request import Request
from kernel.http.routing import Route

from ..render.form import FormRenderer
from ..render.search import SearchState, SearchView
from ..render.templating import page, redirect
from .actions import Screen
from .common import login_required, savepoint, shell
from .follow import follow
from .form import form_renderer, json_answer, parse_submission, record_values, resolve_names, wants_json
from .shell import safe_target


def answer(request: Request, where: dict[str, str]) -> Response:
    """A script asked for JSON and gets ``where``; a plain form post is redirected (a dialog shows as a page)."""
    if wants_json(request):
        return json_answer(where, 200)
    return redirect(where.get("redirect") or where["dialog"])


def dialog_context(request: Request) -> dict[str, Any]:
    """The dialog's context from its address: a JSON object."""
    try:
        context = json.loads(request.args.get("context") or "{}")
    except ValueError:
        context = None
    if not isinstance(context, dict):
        raise UserError("context must be a JSON object", code="BAD_REQUEST")
    return context


def dialog_screen(request: Request, model: str) -> Screen:
    """The model's form view as a screen of its own (the dialog's title and context as its action)."""
    env = request.env
    if model not in env.registry:
        raise UserError(env._("Unknown model %(model)s", model=repr(model)), code="MODEL_UNKNOWN", status=404)
    try:
        view_id = int(request.args.get("view") or 0) or False
    except ValueError:
        raise UserError("view must be a view id", code="BAD_REQUEST") from None
    views = env["ir.ui.view"].get_views(model, [(view_id, "form")])["views"]
    title = request.args.get("title") or env[model]._description
    action = {"id": None, "name": title, "context": dialog_context(request), "domain": [], "views": [(view_id, "form")]}
    return Screen(action, model, env[model].fields_get(), views, SearchView(), SearchState([], None, []))


def _wizard(request: Request, screen: Screen, record_id: int | None) -> Any:
    if record_id is None:
        return None
    record = request.env[screen.model].browse(record_id).exists()
    if not record:
        raise UserError(request.env._("This dialog's record is gone (closed or cleaned up); open it again"),
                        code="RECORD_MISSING", status=404)
    return record


def render_dialog(request: Request, screen: Screen, record: Any, values: dict[str, Any], errors: dict[str, str],
                  status: int = 200, general_error: str = "") -> Response:
    back = safe_target(request.args.get("back"))
    renderer = form_renderer(request.env, screen, record, values, errors)
    renderer.cancel_url = back
    body = renderer.render(screen.views["form"]["arch"])
    return page("dialog.html", status=status, **shell(
        request, title=screen.action["name"], screen=screen, body=body, form_action=request.full_path.rstrip("?"),
        back=back, general_error=general_error, breadcrumbs=[(screen.action["name"], None)]))


@login_required
def dialog_view(request: Request, model: str, record_id: int | None = None) -> Response:
    screen = dialog_screen(request, model)
    record = _wizard(request, screen, record_id)
    return render_dialog(request, screen, record, record_values(screen, request.env, record, list(screen.fields)), {})


@login_required
def dialog_submit(request: Request, model: str, record_id: int | None = None) -> Response:
    """Save the dialog's values (a new record under the dialog's context), then run the button clicked."""
    env = request.env
    screen = dialog_screen(request, model)
    record = _wizard(request, screen, record_id)
    current = record_values(screen, env, record, list(screen.fields))
    probe = FormRenderer(screen.fields, current, env=env)
    probe.render(screen.views["form"]["arch"])
    vals, errors = parse_submission(request.form, request.files, screen, probe)
    method = request.form.get("__call", "")
    if method not in probe.buttons or method.startswith("_"):
        raise UserError(env._("%(method)s is not a button of this dialog", method=repr(method)),
                        code="BUTTON_UNKNOWN", status=403)
    back = safe_target(request.args.get("back"))
    if not errors:
        try:
            with savepoint(env):
                wizards = env[model].with_context(**screen.action["context"])
                record = record.with_context(**screen.action["context"]) if record else wizards.create(vals)
                if record_id is not None and vals:
                    record.write(vals)
                where = follow(request, getattr(record, method)(), back, _active_of(screen.action["context"]))
            return answer(request, where)
        except UserError as exc:
            if exc.field in screen.fields:
                errors[exc.field] = str(exc)
            message, status, code = str(exc), exc.status, exc.code
    else:
        message, status, code = env._("Some fields are not valid."), 422, "FORM_INVALID"
    if wants_json(request):
        return json_answer({"message": message, "errors": errors, "code": code}, status)
    shown = {**current, **resolve_names(env, screen.fields, vals)}
    return render_dialog(request, screen, _wizard(request, screen, record_id), shown, errors, status, message)


def _active_of(context: dict[str, Any]) -> dict[str, Any]:
    """The active records a dialog passes on to the dialog its button opens."""
    return {key: context[key] for key in ("active_model", "active_id", "active_ids") if key in context}


def routes() -> list[Route]:
    post = ("POST",)
    return [
        Route("/web/dialog/<string:model>", dialog_view, auth="public"),
        Route("/web/dialog/<string:model>", dialog_submit, post, auth="public"),
        Route("/web/dialog/<string:model>/<int:record_id>", dialog_view, auth="public"),
        Route("/web/dialog/<string:model>/<int:record_id>", dialog_submit, post, auth="public"),
    ]
