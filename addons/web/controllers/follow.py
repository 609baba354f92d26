"""What the client does with a button's answer: close the dialog, open a dialog, or open a screen.

A button of a form (or a dialog) runs its method; what the method returns says
what the client does next (:func:`follow`):

* no action (``None``, ``True``, a dictionary without an ``ir.actions.*`` type)
  or ``{"type": "ir.actions.act_window_close"}``: the dialog closes and the page
  it was opened from shows again;
* a window action with ``target="new"``: a dialog on its model, a new record
  (``res_id`` absent) made with the action's context, or the record ``res_id``;
* a window action of the database (``id``) with another target: that screen.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from kernel.exceptions import UserError
from kernel.http.request import Request

CLOSE = "ir.actions.act_window_close"
WINDOW = "ir.actions.act_window"


def dialog_url(action: dict[str, Any], back: str, active: dict[str, Any] | None = None) -> str:
    """Where the client opens the dialog of a ``target="new"`` window action."""
    context = {**(action.get("context") or {}), **(active or {})}
    path = f"/web/dialog/{action['res_model']}" + (f"/{int(action['res_id'])}" if action.get("res_id") else "")
    query = {"context": json.dumps(context, sort_keys=True), "back": back}
    if action.get("name"):
        query["title"] = str(action["name"])
    if action.get("view_id"):
        query["view"] = str(int(action["view_id"]))
    return path + "?" + urlencode(query)


def _warning_query(result: Any) -> str:
    """A method's warnings (``{"state": ..., "warnings": [...]}``, e.g. a credit limit exceeded in warning
    mode) for the page shown next: the button's work is done, and the user sees what deserves a second look."""
    warnings = result.get("warnings") if isinstance(result, dict) else None
    if not warnings or not isinstance(warnings, list):
        return ""
    return "&warning=" + quote("\n".join(str(warning) for warning in warnings))


def follow(request: Request, result: Any, back: str, active: dict[str, Any] | None = None,
           notice: str = "Done") -> dict[str, str]:
    """What the client does with a button's (or a bound action's) answer: ``{"dialog": url}`` opens a dialog,
    ``{"redirect": url}`` goes to a page (``back`` with ``notice`` when the answer closes). An answer the
    client cannot run is refused, naming its type."""
    env = request.env
    kind = result.get("type") if isinstance(result, dict) else None
    if not (isinstance(kind, str) and kind.startswith("ir.actions.")) or kind == CLOSE:
        # no action (None, True, a method's own answer such as a state): the button is done
        separator = "&" if "?" in back else "?"
        return {"redirect": f"{back}{separator}notice=" + quote(env._(notice)) + _warning_query(result)}
    if kind not in (WINDOW, "ir.actions.window"):
        raise UserError(env._("The web client cannot run an action of type %(kind)s", kind=repr(kind)),
                        code="ACTION_UNSUPPORTED")
    if result.get("res_model") not in env.registry:
        raise UserError(env._("The action opens an unknown model %(model)s", model=repr(result.get("res_model"))),
                        code="MODEL_UNKNOWN")
    if result.get("target") == "new":
        return {"dialog": dialog_url(result, back, active)}
    if not result.get("id"):
        raise UserError(env._("The web client opens only the window actions of the database in the main window"),
                        code="ACTION_UNSUPPORTED")
    suffix = f"/{int(result['res_id'])}" if result.get("res_id") else ""
    return {"redirect": f"/web/action/{int(result['id'])}{suffix}"}
