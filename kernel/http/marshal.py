"""Values as Odoo's clients receive them: ids for records, floats for decimals, Odoo's date strings."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
from collections.abc import Callable, Mapping
from typing import Any

from ..orm.models import BaseModel

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _record_ids(value: BaseModel) -> list[int]:
    return value.ids


def _date(value: dt.date) -> str:
    return value.isoformat()


def _datetime(value: dt.datetime) -> str:
    if value.microsecond or value.tzinfo is not None:
        return value.strftime(DATETIME_FORMAT)
    return value.isoformat(" ")  # the same text, several times faster


def _binary(value: bytes | bytearray | memoryview) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


PLAIN = frozenset({str, int, float, bool, type(None)})
CONVERTERS: dict[type, Callable[[Any], Any]] = {
    decimal.Decimal: float, dt.datetime: _datetime, dt.date: _date, bytes: _binary, bytearray: _binary, memoryview: _binary,
}


def to_wire(value: Any) -> Any:
    """A method's return value in the shape JSON-RPC and XML-RPC carry (recursively).

    Exact types are looked up first: a page of 80 rows holds thousands of plain values.
    """
    kind = type(value)
    if kind in PLAIN:
        return value
    if kind is dict:
        return {key if type(key) is str else str(key): item if type(item) in PLAIN else to_wire(item)
                for key, item in value.items()}
    if kind is list or kind is tuple:
        return [item if type(item) in PLAIN else to_wire(item) for item in value]
    converter = CONVERTERS.get(kind)
    if converter is not None:
        return converter(value)
    if isinstance(value, BaseModel):
        return _record_ids(value)
    if isinstance(value, Mapping):
        return to_wire(dict(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_wire(item) for item in value]
    if isinstance(value, (str, int, float)):
        return value
    for base, convert in CONVERTERS.items():
        if isinstance(value, base):
            return convert(value)
    raise TypeError(f"cannot send a {type(value).__name__} value over RPC")
