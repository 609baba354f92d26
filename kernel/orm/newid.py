"""The id of a record that lives only in memory (see :mod:`.new_records`)."""

from __future__ import annotations


class NewId:
    """Identifies a record built by ``model.new()``: hashable by identity and falsy, like Odoo's, so
    that ``if record.id:`` treats it as not saved; ``origin`` is the stored record it stands for."""

    __slots__ = ("origin",)

    def __init__(self, origin: int | None = None):
        self.origin = origin

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"NewId(origin={self.origin})" if self.origin else "NewId()"
