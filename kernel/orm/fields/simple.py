"""Scalar fields: text, numbers, booleans, dates, selections, binaries and JSON."""

from __future__ import annotations

import base64
import builtins
import binascii
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa

from .. import translations
from .base import Field

if TYPE_CHECKING:
    from ..models import BaseModel
    from ..registry import Registry

INT32 = (-(2**31), 2**31 - 1)


class Char(Field):
    """A single line of text, at most ``size`` characters when given."""

    type = "char"
    extra_args = frozenset({"size", "trim"})

    def _init_attributes(self) -> None:
        super()._init_attributes()
        self.size: int | None = self.args.get("size")
        self.trim: bool = self.args.get("trim", True)

    def setup(self, model: builtins.type[BaseModel], registry: Registry) -> None:
        if self.translate and (self.compute or self.related or not self.store):
            raise self.model_error("translate=True needs a stored field that is neither computed nor related")

    def sql_type(self) -> sa.types.TypeEngine:
        if self.translate:
            return translations.column_type()
        return sa.String(self.size) if self.size else sa.String()

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        if self.translate:
            if isinstance(value, Mapping):  # every language at once, as copy() passes them
                texts = {lang: self._text(text) for lang, text in value.items() if isinstance(lang, str)}
                return {lang: text for lang, text in texts.items() if text is not None} or None
            text = self._text(value)
            return None if text is None else translations.OneLanguage(record.env.lang or "en_US", text)
        return self._text(value)

    def _text(self, value: Any) -> str | None:
        if value is None or value is False:
            return None
        if not isinstance(value, str):
            raise self.invalid(value, "text")
        if self.trim:
            value = value.strip() or None
            if value is None:
                return None
        if self.size and len(value) > self.size:
            raise self.invalid(value[:40] + "…", f"at most {self.size} characters, got {len(value)}")
        return value

    def convert_to_record(self, value: Any, record: BaseModel) -> Any:
        if self.translate:
            value = translations.pick(value, record.env.lang)
        return self.null if value is None else value

    def convert_to_read(self, value: Any, record: BaseModel) -> Any:
        if self.translate:
            value = translations.pick(value, record.env.lang)
        return False if value is None else value


class Text(Char):
    """Multi-line text without a size limit."""

    type = "text"
    extra_args = frozenset()

    def _init_attributes(self) -> None:
        super()._init_attributes()
        self.size = None
        self.trim = False

    def sql_type(self) -> sa.types.TypeEngine:
        return translations.column_type() if self.translate else sa.Text()


class Html(Text):
    """Rich text, stored as HTML."""

    type = "html"


class Integer(Field):
    """A 32-bit signed integer; an empty value reads as 0."""

    type = "integer"
    null = 0

    def sql_type(self) -> sa.types.TypeEngine:
        return sa.Integer()

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.invalid(value, "an integer")
        if not INT32[0] <= value <= INT32[1]:
            raise self.invalid(value, "an integer between -2147483648 and 2147483647")
        return value

    def convert_to_read(self, value: Any, record: BaseModel) -> Any:
        return 0 if value is None else value


class Float(Field):
    """A binary floating-point number, optionally rounded to ``digits=(precision, scale)``."""

    type = "float"
    extra_args = frozenset({"digits"})
    null = 0.0

    def sql_type(self) -> sa.types.TypeEngine:
        return sa.Float()

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.invalid(value, "a number")
        digits = self.args.get("digits")
        return round(float(value), digits[1]) if digits else float(value)

    def convert_to_read(self, value: Any, record: BaseModel) -> Any:
        return 0.0 if value is None else value


class Boolean(Field):
    """True or False; an empty value reads as False.

    ``unique_per=("company_id",)``: at most one record per company has the
    flag set.  A partial unique index decides, so that two concurrent
    transactions cannot both set it; the model's :meth:`_duplicate_error`
    words the refusal.
    """

    type = "boolean"
    extra_args = frozenset({"unique_per"})

    def _init_attributes(self) -> None:
        super()._init_attributes()
        self.unique_per: tuple[str, ...] = tuple(self.args.get("unique_per", ()))

    def setup(self, model: Any, registry: Registry) -> None:
        super().setup(model, registry)
        for name in self.unique_per:
            other = model._fields.get(name)
            if other is None or not other.column_name or not self.column_name:
                raise self.model_error(f"unique_per names {name!r}, which is not a stored field of the model")

    def sql_type(self) -> sa.types.TypeEngine:
        return sa.Boolean(create_constraint=False)

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise self.invalid(value, "True or False")


class Date(Field):
    """A calendar date; accepts ``date`` objects and ``YYYY-MM-DD`` strings."""

    type = "date"

    def sql_type(self) -> sa.types.TypeEngine:
        return sa.Date()

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                pass
        raise self.invalid(value, "a date (YYYY-MM-DD)")


class Datetime(Field):
    """A moment in time, stored in UTC to the second; naive values are taken as UTC."""

    type = "datetime"

    def sql_type(self) -> sa.types.TypeEngine:
        return sa.DateTime()

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False or value == "":
            return None
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                raise self.invalid(value, "a date and time (YYYY-MM-DD HH:MM:SS)") from None
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        if not isinstance(value, dt.datetime):
            raise self.invalid(value, "a date and time")
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.replace(microsecond=0)


class Selection(Field):
    """One value out of a list of ``(value, label)`` pairs; later addons extend it with ``selection_add``."""

    type = "selection"
    extra_args = frozenset({"selection", "selection_add"})

    def __init__(self, selection: Any = None, string: str | None = None, **kwargs: Any):
        if selection is not None:
            kwargs["selection"] = selection
        super().__init__(string, **kwargs)

    def merged(self, other: Field) -> Field:
        field = super().merged(other)
        added = other.args.get("selection_add")
        if added:
            base = list(self.args.get("selection") or [])
            known = {value for value, _ in base}
            field.args["selection"] = base + [pair for pair in added if pair[0] not in known]
            field.args.pop("selection_add", None)
        return field

    def setup(self, model: type[BaseModel], registry: Registry) -> None:
        selection = self.args.get("selection")
        if selection is None:
            raise self.model_error("a Selection needs selection=[(value, label), ...]")
        if isinstance(selection, (list, tuple)):
            bad = [pair for pair in selection if not (isinstance(pair, (list, tuple)) and len(pair) == 2)]
            if bad:
                raise self.model_error(f"selection entries must be (value, label) pairs, got {bad[0]!r}")

    def get_selection(self, model: BaseModel) -> list[tuple[str, str]]:
        """The (value, label) pairs; ``selection`` may be a list, a callable or a method name."""
        selection: Sequence[tuple[str, str]] | Callable | str = self.args["selection"]
        if isinstance(selection, str):
            return list(getattr(model, selection)())
        if callable(selection):
            return list(selection(model))
        return [tuple(pair) for pair in selection]

    def sql_type(self) -> sa.types.TypeEngine:
        return sa.String()

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        allowed = [key for key, _ in self.get_selection(record)]
        if value not in allowed:
            raise self.invalid(value, f"one of {', '.join(map(repr, allowed))}")
        return value


class Binary(Field):
    """Raw bytes; writes take bytes or base64 text, ``read()`` returns base64 text."""

    type = "binary"
    extra_args = frozenset({"attachment"})

    def _init_attributes(self) -> None:
        super()._init_attributes()
        self.prefetch = self.args.get("prefetch", False)

    def sql_type(self) -> sa.types.TypeEngine:
        return sa.LargeBinary()

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False or value == b"" or value == "":
            return None
        if isinstance(value, (bytes, bytearray, memoryview)):
            return bytes(value)
        if isinstance(value, str):
            try:
                return base64.b64decode(value, validate=True)
            except binascii.Error:
                raise self.invalid(value[:40], "base64-encoded data") from None
        raise self.invalid(value, "bytes or base64 text")

    def convert_to_cache(self, value: Any) -> Any:
        return bytes(value) if isinstance(value, memoryview) else value

    def convert_to_read(self, value: Any, record: BaseModel) -> Any:
        return base64.b64encode(value).decode("ascii") if value else False


class Json(Field):
    """Any JSON-serialisable value."""

    type = "json"
    null = None

    def sql_type(self) -> sa.types.TypeEngine:
        return sa.JSON(none_as_null=True)

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        return None if value is None or value is False else value

    def convert_to_record(self, value: Any, record: BaseModel) -> Any:
        return value

    def convert_to_read(self, value: Any, record: BaseModel) -> Any:
        return False if value is None else value


class Id(Integer):
    """The primary key every stored model has."""

    type = "integer"

    def _init_attributes(self) -> None:
        super()._init_attributes()
        self.readonly = True
        self.copy = False
        self.string = "ID"

    def columns(self) -> list[sa.Column]:
        return [sa.Column("id", sa.Integer, primary_key=True, info={"addon": self.addon, "field": "id"})]

    def __get__(self, record: BaseModel | None, owner: type | None = None) -> Any:
        if record is None:
            return self
        ids = record._ids
        if not ids:
            return False
        if len(ids) != 1:
            raise ValueError(f"expected a single record of {record._name}, got {len(ids)}: {record}")
        return ids[0]

    def __set__(self, record: BaseModel, value: Any) -> None:
        raise TypeError("the id of a record cannot be changed")
