"""Window actions as clients read them, and the menu tree a user may see.

An action's ``domain`` and ``context`` are stored as the text integrators
write (``[('user_id', '=', uid)]``) and evaluated when read, with the safe
evaluator of data files and the names below: never Python's ``eval``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..data.safe_eval import UnsafeExpression, safe_eval
from ..exceptions import ValidationError
from ..orm.env import Environment
from .groups import allowed, user_group_ids


def expression_names(env: Environment) -> dict[str, Any]:
    """What an action's domain and context may use: the user, their companies, the context, today, ``ref``."""
    user = env.user
    return {
        "uid": env.uid,
        "context": dict(env.context),
        "company_id": user.company_id.id or False,
        "company_ids": user.company_ids.ids,
        "context_today": lambda: dt.date.today(),
        "ref": lambda xmlid: env.ref(xmlid).id,
    }


def evaluate(env: Environment, text: str | None, default: Any, what: str) -> Any:
    """Evaluate an action's domain or context text; a bad one is a :class:`ValidationError` naming it."""
    if not text or not text.strip():
        return default
    try:
        value = safe_eval(text, expression_names(env))
    except (UnsafeExpression, ValueError, TypeError, KeyError, NameError) as exc:
        raise ValidationError(f"{what}: {exc}", code="ACTION_EXPRESSION") from None
    if not isinstance(value, type(default)):
        raise ValidationError(f"{what}: must be a {type(default).__name__}, not {type(value).__name__}",
                              code="ACTION_EXPRESSION")
    return value


def action_views(action: Any) -> list[list[Any]]:
    """``[[view_id or False, type], ...]`` in ``view_mode`` order; ``view_id`` goes to its own type."""
    modes = [mode.strip() for mode in (action.view_mode or "").split(",") if mode.strip()]
    return [[action.view_id.id if action.view_id and action.view_id.type == mode else False, mode] for mode in modes]


def read_action(action: Any) -> dict[str, Any]:
    """The dictionary a client runs a window action from."""
    env = action.env
    label = f"action {action.name!r}"
    return {
        "id": action.id,
        "type": "ir.actions.act_window",
        "name": action.name,
        "res_model": action.res_model,
        "view_mode": action.view_mode,
        "views": action_views(action),
        "view_id": action.view_id.id or False,
        "search_view_id": action.search_view_id.id or False,
        "domain": evaluate(env, action.domain, [], f"{label}, domain"),
        "context": evaluate(env, action.context, {}, f"{label}, context"),
        "target": action.target or "current",
        "limit": action.limit or 80,
        "help": action.help or "",
    }


def menu_tree(env: Environment) -> list[dict[str, Any]]:
    """The root menus ``env``'s user may see, each with its visible ``children``, in (sequence, id) order.

    A menu is hidden when it is restricted to groups the user is not in, when
    its parent is hidden, or when it has neither an action nor a visible child.
    Each entry: ``id, name, sequence, xmlid, web_icon, action, children``.
    """
    menus = env["ir.ui.menu"].sudo().search([], order="sequence, id")
    user_groups = user_group_ids(env)
    visible = [menu for menu in menus if allowed(menu.group_ids.ids, user_groups)]
    xmlids = _xmlids(env, "ir.ui.menu", [menu.id for menu in visible])
    children: dict[int | None, list[Any]] = {}
    for menu in visible:
        children.setdefault(menu.parent_id.id or None, []).append(menu)

    def entry(menu: Any) -> dict[str, Any] | None:
        kids = [node for node in (entry(child) for child in children.get(menu.id, [])) if node is not None]
        if not kids and not menu.action_id:
            return None
        action = menu.action_id
        return {
            "id": menu.id, "name": env._(menu.name), "sequence": menu.sequence, "xmlid": xmlids.get(menu.id, ""),
            "web_icon": menu.web_icon or False, "children": kids,
            "action": _action_summary(action) if action else False,
        }

    return [node for node in (entry(root) for root in children.get(None, [])) if node is not None]


def _action_summary(action: Any) -> dict[str, Any]:
    full = read_action(action)
    return {key: full[key] for key in ("id", "res_model", "view_mode", "domain", "context")}


def _xmlids(env: Environment, model_name: str, ids: list[int]) -> dict[int, str]:
    rows = env["ir.model.data"].sudo().search([("model", "=", model_name), ("res_id", "in", ids)])
    return {row.res_id: f"{row.module}.{row.name}" for row in rows}
