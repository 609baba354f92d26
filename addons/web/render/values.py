"""Field values shown in the user's language and locale, and the raw values form inputs carry."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from kernel import i18n
from kernel.orm.env import Environment

NUMERIC_TYPES = ("integer", "float", "monetary", "decimal")


def display(env: Environment, description: dict[str, Any], value: Any) -> str:
    """A value as a reader sees it: dates and numbers in the user's locale, records by name."""
    kind = description.get("type")
    lang = env.lang
    if kind == "boolean":
        return "Yes" if value else "No"
    if value is False or value is None or value == "":
        return ""
    if kind == "many2one":
        return value[1] if isinstance(value, (list, tuple)) else str(value)
    if kind in ("many2many", "one2many"):
        return ", ".join(name for _, name in value) if value and isinstance(value[0], (list, tuple)) else ""
    if kind == "selection":
        return dict(description.get("selection") or []).get(value, str(value))
    if kind == "date":
        return i18n.format_date(_as_date(value), lang)
    if kind == "datetime":
        return i18n.format_datetime(_as_datetime(value), lang, env.context.get("tz"))
    if kind == "integer":
        return i18n.format_number(value, lang, 0)
    if kind in ("float", "monetary", "decimal"):
        digits = description.get("digits")
        return i18n.format_number(value, lang, digits[1] if digits else 2)
    if kind == "binary":
        return ""
    return str(value)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _as_datetime(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def input_value(description: dict[str, Any], value: Any) -> str:
    """A value as an ``<input>`` holds it (ISO dates, plain numbers)."""
    kind = description.get("type")
    if value is False or value is None:
        return ""
    if kind == "date":
        return _as_date(value).isoformat()
    if kind == "datetime":
        return _as_datetime(value).strftime("%Y-%m-%dT%H:%M")
    if kind == "many2one":
        return str(value[0]) if isinstance(value, (list, tuple)) else str(value)
    return str(value)


def image_src(value: Any) -> str:
    """A ``data:`` URL of a stored image (the CSP allows ``data:`` images only)."""
    if not value:
        return ""
    raw = value if isinstance(value, bytes) else str(value).encode()
    try:
        head = base64.b64decode(raw[:24] + b"=" * (-len(raw[:24]) % 4))
    except ValueError:
        return ""
    mime = "image/png" if head.startswith(b"\x89PNG") else "image/jpeg" if head.startswith(b"\xff\xd8") else \
        "image/gif" if head.startswith(b"GIF") else "image/svg+xml" if b"<svg" in head or b"<?xml" in head else "image/png"
    return f"data:{mime};base64,{raw.decode()}"


def can_quick_create(model: Any) -> bool:
    """Whether "Create ..." from a name works for this model and user: the model allows it, the user may
    create its records, and no other required field lacks a default."""
    if not model._quick_create or not model._rec_name or not model.check_access_rights("create", raise_exception=False):
        return False
    return all(field.default is not None or field.compute or field.related or name == model._rec_name
               for name, field in model._fields.items() if field.required and field.column_name)
