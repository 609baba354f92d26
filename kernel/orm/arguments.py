"""Checks of the arguments the ORM's public methods receive from clients.

A wrong type sent over RPC must be a :class:`ValidationError` naming the
argument, not a ``TypeError`` deep in the ORM (which the web layer reports as
the server's fault).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..exceptions import ValidationError


def whole_number(name: str, value: Any) -> int | None:
    """``offset`` or ``limit``: ``None``/``False`` or an integer of at least 0."""
    if value is None or value is False:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"{name} must be a whole number (0 or more), got {value!r}", code="ARGUMENT_INVALID")
    return value


def names(name: str, value: Any) -> list[str] | None:
    """A list of field or attribute names (or nothing); any collection of names is taken (a set, a tuple)."""
    if value is None or value is False:
        return None
    items = [] if isinstance(value, (str, bytes)) or not isinstance(value, Iterable) else list(value)
    if not items and value or not all(isinstance(item, str) for item in items):
        raise ValidationError(f"{name} must be a list of names, got {value!r}", code="ARGUMENT_INVALID")
    return items


def values_list(method: str, value: Any) -> list[dict[str, Any]]:
    """``create``'s argument, one dictionary or a list of them, as a list of (copied) dictionaries."""
    if isinstance(value, Mapping):
        return [dict(value)]
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        field_values(method, value)  # refused: neither one dictionary nor a list of them
    return [dict(field_values(method, values)) for values in value]


def field_values(method: str, value: Any) -> Mapping[str, Any]:
    """The values of one record for ``create`` or ``write``."""
    if not isinstance(value, Mapping):
        raise ValidationError(f"{method} takes a dictionary of field values, got {value!r}", code="ARGUMENT_INVALID")
    return value


def text(name: str, value: Any) -> str | None:
    """An optional text argument such as ``order``."""
    if value is None or value is False:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be text, got {value!r}", code="ARGUMENT_INVALID")
    return value


def name_or_names(name: str, value: Any) -> list[str] | None:
    """One name or a list of names (``read_group``'s ``fields`` and ``groupby``)."""
    return [value] if isinstance(value, str) else names(name, value)
