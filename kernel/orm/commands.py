"""Odoo's x2many command tuples, with a helper to build them by name."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any


class Command(enum.IntEnum):
    """``Command.create(vals)`` is ``(0, 0, vals)``, ``Command.link(id)`` is ``(4, id, 0)``, and so on."""

    CREATE = 0
    UPDATE = 1
    DELETE = 2
    UNLINK = 3
    LINK = 4
    CLEAR = 5
    SET = 6

    @classmethod
    def create(cls, values: Mapping[str, Any]) -> tuple[int, int, dict[str, Any]]:
        return (cls.CREATE, 0, dict(values))

    @classmethod
    def update(cls, record_id: int, values: Mapping[str, Any]) -> tuple[int, int, dict[str, Any]]:
        return (cls.UPDATE, record_id, dict(values))

    @classmethod
    def delete(cls, record_id: int) -> tuple[int, int, int]:
        return (cls.DELETE, record_id, 0)

    @classmethod
    def unlink(cls, record_id: int) -> tuple[int, int, int]:
        return (cls.UNLINK, record_id, 0)

    @classmethod
    def link(cls, record_id: int) -> tuple[int, int, int]:
        return (cls.LINK, record_id, 0)

    @classmethod
    def clear(cls) -> tuple[int, int, int]:
        return (cls.CLEAR, 0, 0)

    @classmethod
    def set(cls, record_ids: Iterable[int]) -> tuple[int, int, list[int]]:
        return (cls.SET, 0, list(record_ids))
