"""The Action menu of lists and forms: server actions run on the selected records (each one's outcome shown),
or a dialog opened on them; a large selection runs as a job whose progress the client shows."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from kernel.exceptions import UserError
from kernel.http.request import Request
from kernel.http.routing import Route

from ..render.templating import page, redirect
from .actions import load_screen, record_ids
from .common import login_required, shell
from .follow import follow
from .shell import safe_target


def bound_actions(env: Any, model: str) -> list[tuple[str, str]]:
    """``(value, name)`` of the entries of ``model``'s Action menu: ``server:<id>`` and ``window:<id>``."""
    servers = [(f"server:{action.id}", action.with_env(env).name) for action in env["ir.actions.server"].bound_to(model)]
    windows = env["ir.actions.window"].sudo().search([("binding_model_id.model", "=", model)])
    return servers + [(f"window:{action.id}", action.with_env(env).name) for action in windows]


@login_required
def run_bound(request: Request, action_id: int) -> Response:
    """Run the Action menu entry ``bound`` on the posted ``ids`` of the screen's model."""
    env = request.env
    screen = load_screen(request, action_id, request.args)
    ids = record_ids(request.form.getlist("ids"))
    if not ids:
        raise UserError(env._("Select at least one record"), code="SELECTION_EMPTY")
    kind, _, text = request.form.get("bound", "").partition(":")
    entries = dict(bound_actions(env, screen.model))
    if f"{kind}:{text}" not in entries:
        raise UserError(env._("%(entry)s is not in the Action menu of %(model)s", entry=repr(request.form.get("bound")),
                              model=screen.model), code="ACTION_UNKNOWN", status=404)
    back = safe_target(request.form.get("back") or screen.url("?" + request.form.get("search", "")))
    if kind == "window":
        action = env["ir.actions.window"].browse(int(text)).with_user(env.uid).sudo().read_action()
        active = {"active_model": screen.model, "active_id": ids[0], "active_ids": ids}
        return redirect(follow(request, action, back, active)["dialog"] if action["target"] == "new"
                        else f"/web/action/{action['id']}")
    outcome = env["ir.actions.server"].browse(int(text)).run_or_queue(ids)
    if "job" in outcome:
        return redirect(f"/web/job/{outcome['job'].id}?" + urlencode({"back": back}))
    return results_page(request, entries[f"{kind}:{text}"], outcome["results"], back)


def results_page(request: Request, title: str, results: list[dict[str, Any]], back: str,
                 job: Any = None) -> Response:
    """Each record's outcome, the failures first counted on top."""
    failed = [row for row in results if row["status"] == "failed"]
    return page("action_results.html", **shell(
        request, title=title, breadcrumbs=[(title, None)], results=results, failed=len(failed),
        done=len(results) - len(failed), back=back, job=job))


@login_required
def job_status(request: Request, job_id: int) -> Response:
    """A queued action's job: its progress while it runs (the page refreshes itself), its outcomes once done."""
    env = request.env
    job = env["ir.job"].browse(job_id).exists()
    if not job:
        raise UserError(env._("Job %(id)s does not exist", id=job_id), code="RECORD_MISSING", status=404)
    back = safe_target(request.args.get("back"))
    results: list[dict[str, Any]] = []
    if job.state == "done" and job.result:
        try:
            decoded = json.loads(job.result)
        except ValueError:
            decoded = None
        results = decoded if isinstance(decoded, list) else []
    return results_page(request, job.description or job.name, results, back, job=job)


def routes() -> list[Route]:
    return [
        Route("/web/action/<int:action_id>/run", run_bound, ("POST",), auth="public"),
        Route("/web/job/<int:job_id>", job_status, auth="public"),
    ]


