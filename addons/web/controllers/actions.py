"""What a window action shows: its model, views, base domain and the search panel of the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kernel.exceptions import UserError
from kernel.http.request import Request

from ..render.search import SearchState, SearchView, parse_search_view, search_state


@dataclass
class Screen:
    """One action as the current request sees it."""

    action: dict[str, Any]
    model: str
    fields: dict[str, dict[str, Any]]
    views: dict[str, dict[str, Any]]
    search_view: SearchView
    search: SearchState

    @property
    def domain(self) -> list[Any]:
        return list(self.action["domain"] or []) + self.search.domain

    @property
    def view_types(self) -> list[str]:
        return [view_type for _, view_type in self.action["views"]]

    def url(self, suffix: str = "") -> str:
        return f"/web/action/{self.action['id']}{suffix}"


def load_action(request: Request, action_id: int) -> dict[str, Any]:
    action = request.env["ir.actions.window"].sudo().browse(action_id).exists()
    if not action:
        raise UserError(f"action {action_id} does not exist", code="ACTION_UNKNOWN", status=404)
    return action.with_user(request.env.uid).sudo().read_action()


def load_screen(request: Request, action_id: int, args: Any = None) -> Screen:
    """The action, the combined views it names (list, kanban, form, search) and the search of ``args``."""
    env = request.env
    action = load_action(request, action_id)
    model = action["res_model"]
    if model not in env.registry:
        raise UserError(f"model {model!r} of action {action_id} is not installed", code="MODEL_UNKNOWN", status=404)
    wanted = [(view_id or False, view_type) for view_id, view_type in action["views"]]
    if "search" not in [view_type for _, view_type in wanted]:
        wanted.append((action["search_view_id"] or False, "search"))
    if "form" not in [view_type for _, view_type in wanted]:
        wanted.append((False, "form"))
    views = env["ir.ui.view"].get_views(model, wanted)["views"]
    fields = env[model].fields_get()
    search_view = parse_search_view(env, views["search"]["arch"], fields)
    state = search_state(search_view, fields, env[model]._rec_name or "id", args if args is not None else request.args,
                         env._)
    return Screen(action, model, fields, views, search_view, state)


def record_ids(texts: list[str]) -> list[int]:
    """Record ids sent by a form, each checked to be a number."""
    try:
        return [int(text) for text in texts]
    except (TypeError, ValueError):
        raise UserError(f"record ids must be numbers, got {texts!r}", code="BAD_REQUEST") from None
