"""What clients ask for: a model's view of one type, combined, translated, with its fields.

``ir.ui.view``'s ``get_view`` and ``get_views`` delegate here, so the web
client and RPC clients (``/web/dataset/call_kw``) read the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from ..exceptions import MissingError, ValidationError
from ..hints import model_hint
from ..orm.env import Environment
from .combine import VIEW_ORDER, combined_arch, default_arch, primary_of
from .groups import allowed, strip_restricted_nodes, user_group_ids
from .validation import fields_by_model

#: ``tree`` is the older name of ``list``; both are accepted.
VIEW_TYPE_ALIASES = {"tree": "list"}


def default_view(env: Environment, model_name: str, view_type: str) -> Any:
    """The primary view a model opens in: active, visible to the user, lowest (priority, id); may be empty."""
    view_type = VIEW_TYPE_ALIASES.get(view_type, view_type)
    views = env["ir.ui.view"].sudo()
    user_groups = user_group_ids(env)
    candidates = views.search([("model", "=", model_name), ("type", "=", view_type), ("mode", "=", "primary")],
                              order=VIEW_ORDER)
    return next((view for view in candidates if allowed(view.group_ids.ids, user_groups)), views.browse())


def get_view(env: Environment, model_name: str, view_type: str = "form", view_id: int | None = None) -> dict[str, Any]:
    """``{id, model, type, arch, fields, models}`` of the view to show (a generated one when the model has none).

    ``arch`` is the combined arch as text in the user's language, without the
    nodes whose ``groups`` the user is not in; ``fields``
    describes (``fields_get``) the model's fields it names; ``models`` maps
    every model it names (comodels of x2many subviews too) to its fields.
    """
    if model_name not in env.registry:
        raise ValidationError(f"unknown model {model_name!r}{model_hint(model_name, env.registry)}", code="MODEL_UNKNOWN")
    view_type = VIEW_TYPE_ALIASES.get(view_type, view_type)
    if view_id:
        view = env["ir.ui.view"].sudo().with_context(active_test=False).browse(view_id).exists()
        if not view:
            raise MissingError(f"view {view_id} does not exist", code="VIEW_MISSING")
        view = primary_of(view)
        if view.model != model_name:
            raise ValidationError(f"view {view_id} shows model {view.model!r}, not {model_name!r}", code="VIEW_MODEL")
    else:
        view = default_view(env, model_name, view_type)
    if view:
        arch, view_type = combined_arch(env, view), view.type
    else:
        arch = default_arch(env[model_name], view_type)
    strip_restricted_nodes(env, arch)
    env.services.translations.translate_arch(arch, env.lang)
    names = fields_by_model(env.registry, model_name, arch)
    models = {name: _describe(env, name, fields) for name, fields in names.items() if name in env.registry}
    return {
        "id": view.id if view else False,
        "model": model_name,
        "type": view_type,
        "arch": etree.tostring(arch, encoding="unicode"),
        "fields": models[model_name],
        "models": models,
    }


def get_views(env: Environment, model_name: str, views: Iterable[tuple[int | bool | None, str]]) -> dict[str, Any]:
    """Several views at once, as Odoo's ``get_views``: ``{"views": {type: view}, "models": {model: fields}}``."""
    result: dict[str, Any] = {"views": {}, "models": {}}
    for view_id, view_type in views:
        view = get_view(env, model_name, view_type, view_id or None)
        result["views"][VIEW_TYPE_ALIASES.get(view_type, view_type)] = view
        for name, fields in view["models"].items():
            result["models"].setdefault(name, {}).update(fields)
    return result


def _describe(env: Environment, model_name: str, names: list[str]) -> dict[str, dict[str, Any]]:
    return env[model_name].fields_get(names) if names else {}
