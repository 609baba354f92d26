"""Rendering templates written by users: Jinja2's immutable sandbox, narrowed further for records.

Jinja2's ``ImmutableSandboxedEnvironment`` already refuses attributes starting
with ``_`` (``''.__class__``, ``object.__subclasses__``), Python internals of
functions and frames, and changing lists or dicts. A record reaching a
template could still be asked for ``env``, ``sudo`` or ``write``: on a record,
the sandbox here lets through only the model's fields (and ``id``,
``display_name``) and calls of nothing, so a template reads what the user may
read and changes nothing. Anything refused raises :class:`TemplateRefused`
naming what was asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from kernel.exceptions import ValidationError

RECORD_ATTRIBUTES = frozenset({"id", "display_name"})


class TemplateRefused(ValidationError):
    """A template asked for something it may not have, or does not compile."""


class RecordSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, in which a record shows only its fields."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if _is_record(obj):
            return attr in RECORD_ATTRIBUTES or attr in obj._fields
        return bool(super().is_safe_attribute(obj, attr, value))

    def is_safe_callable(self, obj: Any) -> bool:
        if _is_record(obj) or _is_record(getattr(obj, "__self__", None)):
            return False
        return bool(super().is_safe_callable(obj))


def _is_record(obj: Any) -> bool:
    return hasattr(obj, "_fields") and hasattr(obj, "_ids") and hasattr(obj, "env")


def _shown(value: Any) -> Any:
    """An empty field (``False``) prints as nothing, not as "False"."""
    return "" if value is False or value is None else value


def _environment(autoescape: bool) -> RecordSandbox:
    return RecordSandbox(autoescape=autoescape, undefined=StrictUndefined, auto_reload=False,
                         trim_blocks=True, lstrip_blocks=True, finalize=_shown)


HTML = _environment(autoescape=True)
TEXT = _environment(autoescape=False)


def compile_template(source: str | bool | None, html: bool, what: str) -> Any:
    """The compiled template of ``source``; a syntax error names ``what`` and the line."""
    try:
        return (HTML if html else TEXT).from_string(source or "")
    except TemplateSyntaxError as exc:
        raise TemplateRefused(f"{what}: line {exc.lineno}: {exc.message}", code="TEMPLATE_INVALID") from None


def render(template: Any, values: Mapping[str, Any], what: str) -> str:
    """Render a compiled template; what the sandbox refuses becomes a :class:`TemplateRefused`."""
    try:
        return str(template.render(values))
    except SecurityError as exc:
        raise TemplateRefused(f"{what}: not allowed in a template: {exc}", code="TEMPLATE_UNSAFE") from None
    except TemplateError as exc:
        raise TemplateRefused(f"{what}: {exc}", code="TEMPLATE_INVALID") from None
    except (TypeError, ValueError, AttributeError, ArithmeticError, LookupError) as exc:
        raise TemplateRefused(f"{what}: {type(exc).__name__}: {exc}", code="TEMPLATE_INVALID") from None
