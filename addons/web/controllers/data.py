"""JSON routes of the widgets: many2one and many2many autocompletion, and creating a record by its name."""

from __future__ import annotations

from typing import Any

from kernel.exceptions import UserError
from kernel.http.request import Request
from kernel.http.routing import Route
from kernel.views.menus import evaluate

from ..render.values import can_quick_create

AUTOCOMPLETE_LIMIT = 8


def _model(request: Request) -> Any:
    request.check_csrf()
    name = request.params.get("model")
    if not isinstance(name, str) or name not in request.env.registry:
        raise UserError(f"unknown model {name!r}", code="MODEL_UNKNOWN", status=404)
    return request.env[name]


def name_search(request: Request) -> list[dict[str, Any]]:
    """``[{"id", "name"}]`` of the records whose name matches ``term`` within the field's ``domain`` (a view
    attribute, evaluated like an action's), leaving out the ids already chosen; ``"icon"`` too where the
    model tells what kind each record is (``_picker_icons``: ``{id: "company" | "person" | ...}``)."""
    model = _model(request)
    term = request.params.get("term") or ""
    exclude = [i for i in request.params.get("exclude") or [] if isinstance(i, int)]
    if not isinstance(term, str):
        raise UserError("term must be text", code="BAD_REQUEST")
    domain = [("id", "not in", exclude)] if exclude else []
    text = request.params.get("domain") or ""
    if not isinstance(text, str):
        raise UserError("domain must be the text of a domain", code="BAD_REQUEST")
    domain += evaluate(request.env, text, [], "autocompletion domain")
    found = model.name_search(term, domain, limit=AUTOCOMPLETE_LIMIT)
    icons = model.browse([rid for rid, _ in found])._picker_icons() if hasattr(model, "_picker_icons") else {}
    return [{"id": rid, "name": name, **({"icon": icons[rid]} if rid in icons else {})} for rid, name in found]


def name_create(request: Request) -> dict[str, Any]:
    """Create a record from just its name (the "Create ..." entry of an autocompletion)."""
    model = _model(request)
    if not can_quick_create(model):
        raise UserError(f"{model._description} records cannot be created from a name here: open its own form",
                        code="NAME_CREATE", status=403)
    name = request.params.get("name")
    if not isinstance(name, str) or not name.strip():
        raise UserError("name must be a non-empty text", code="BAD_REQUEST")
    rid, label = model.name_create(name.strip())
    return {"id": rid, "name": label}


def routes() -> list[Route]:
    post = ("POST",)
    return [
        Route("/web/json/name_search", name_search, post, auth="user", kind="json"),
        Route("/web/json/name_create", name_create, post, auth="user", kind="json"),
    ]
