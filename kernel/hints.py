"""What to say after "unknown ...": the close names ("did you mean"), and this kernel's name for what Odoo
names differently, so that a developer coming from Odoo finds ``basepartner`` when writing ``res.partner``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# Odoo's model names this kernel spells differently
ODOO_MODELS = {
    "res.partner": "basepartner",
    "res.partner.category": "basepartnercategory",
    "res.partner.title": "basepartnertitle",
    "ir.actions.act_window": "ir.actions.window",
    "ir.module.module": "ir.module",
}
# Odoo's field names this kernel spells differently, per model
ODOO_FIELDS = {
    ("ir.rule", "groups"): "group_ids",
    ("res.users", "groups_id"): "group_ids",
    ("res.groups", "users"): "user_ids",
    ("res.groups", "implied_ids"): "implied_ids",
    ("basepartner", "category_id"): "categories",
    ("basepartner", "phone"): "phone_number",
    ("basepartner", "mobile"): "mobile_number",
    ("basepartner", "is_company"): "entity_type",
    ("ir.ui.menu", "action"): "action_id",
}


def close_names(name: str, known: Iterable[str], limit: int = 3) -> str:
    """``"; did you mean 'x'?"`` (or ``'x' or 'y'``) for the known names close to ``name``, else ``""``."""
    close = difflib.get_close_matches(name, sorted(set(known)), n=limit, cutoff=0.6)
    return f"; did you mean {' or '.join(map(repr, close))}?" if close else ""


def model_hint(name: str, known: Iterable[str]) -> str:
    """The hint after "unknown model ``name``"."""
    ours = ODOO_MODELS.get(name)
    if ours is not None:
        return f"; Odoo's {name!r} is {ours!r} here"
    return close_names(name, known)


def field_hint(model_name: str, name: str, known: Iterable[str]) -> str:
    """The hint after "``model_name`` has no field ``name``"."""
    ours = ODOO_FIELDS.get((model_name, name))
    if ours is not None and ours != name:
        return f"; Odoo's {model_name}.{name} is {ours!r} here"
    return close_names(name, known)


def unknown_field(model_name: str, name: str, known: Iterable[str]) -> str:
    """``"basepartner has no field 'phone'; Odoo's basepartner.phone is 'phone_number' here"``."""
    return f"{model_name} has no field {name!r}{field_hint(model_name, name, known)}"
