"""Exact decimal numbers: :class:`Decimal` and :class:`Monetary`.

PostgreSQL stores them as ``NUMERIC(precision, scale)``.  SQLite has no exact
decimal type, so there the value is stored as an integer count of the smallest
unit (``12.34`` with scale 2 is ``1234``): sums, comparisons and sorting stay
exact and are still computed by the database.
"""

from __future__ import annotations

import decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from .base import Field

if TYPE_CHECKING:
    from ..models import BaseModel


class ExactDecimal(TypeDecorator):
    """NUMERIC where the database has it, a scaled BIGINT on SQLite."""

    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int):
        super().__init__()
        self.precision, self.scale = precision, scale
        self._quantum = decimal.Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        return dialect.type_descriptor(sa.Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        value = decimal.Decimal(value).quantize(self._quantum, rounding=decimal.ROUND_HALF_UP)
        return int(value.scaleb(self.scale)) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return decimal.Decimal(int(value)).scaleb(-self.scale).quantize(self._quantum)
        return decimal.Decimal(value).quantize(self._quantum)

    def coerce_compared_value(self, op: Any, value: Any) -> sa.types.TypeEngine:
        return self


class Decimal(Field):
    """An exact decimal number with ``digits=(precision, scale)`` (default 16, 2)."""

    type = "decimal"
    extra_args = frozenset({"digits"})
    null = decimal.Decimal(0)

    def _init_attributes(self) -> None:
        super()._init_attributes()
        self.digits: tuple[int, int] = tuple(self.args.get("digits") or (16, 2))  # type: ignore[assignment]
        self._quantum = decimal.Decimal(1).scaleb(-self.digits[1])

    def sql_type(self) -> sa.types.TypeEngine:
        return ExactDecimal(*self.digits)

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        if isinstance(value, bool):
            raise self.invalid(value, "a number")
        try:
            number = decimal.Decimal(str(value) if isinstance(value, float) else value)
        except (decimal.InvalidOperation, TypeError, ValueError):
            raise self.invalid(value, "a decimal number") from None
        if not number.is_finite():
            raise self.invalid(value, "a finite number")
        number = number.quantize(self._quantum, rounding=decimal.ROUND_HALF_UP)
        precision, scale = self.digits
        if number.adjusted() >= precision - scale:
            raise self.invalid(value, f"at most {precision - scale} digits before the decimal point")
        return number

    def convert_to_record(self, value: Any, record: BaseModel) -> Any:
        return decimal.Decimal(0).quantize(self._quantum) if value is None else value

    def convert_to_read(self, value: Any, record: BaseModel) -> Any:
        return decimal.Decimal(0).quantize(self._quantum) if value is None else value


class Monetary(Decimal):
    """An amount of money in the currency named by ``currency_field``."""

    type = "monetary"
    extra_args = frozenset({"digits", "currency_field"})

    def _init_attributes(self) -> None:
        super()._init_attributes()
        self.currency_field: str = self.args.get("currency_field", "currency_id")
