"""Scalar comparisons of domain leaves: converting values to the column's type, ``=``, ``in``, ``like``.

The semantics are those of :mod:`.domain` (Odoo 17's), for one stored
column: ``False`` is NULL, ``!=`` adds the rows without a value when the
value compared is truthy, ``like`` wraps the value in ``%...%``.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ..exceptions import ValidationError

if TYPE_CHECKING:
    from .fields import Field
    from .models import BaseModel

COLLECTIONS = (list, tuple, set, frozenset)
TEXT_TYPES = ("char", "text", "html", "selection")
LONG_LIST = 1000  # values of an "in" list passed to PostgreSQL as one array parameter
Where = sa.ColumnElement[bool]


def record_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"expected a record id, got {value!r}", code="DOMAIN_VALUE")
    return value


def not_relational(operator: str, field: Field) -> ValidationError:
    return ValidationError(f"{operator!r} needs a relational field or id, not {field.model_name}.{field.name}",
                           code="DOMAIN_OPERATOR")


def _to_text(value: Any, operator: str) -> str:
    return str(value)


def _to_int(value: Any, operator: str) -> int | float:
    if isinstance(value, bool):
        raise ValueError(value)
    return value if isinstance(value, float) else int(value)


def _to_float(value: Any, operator: str) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    return float(value)


def _to_decimal(value: Any, operator: str) -> decimal.Decimal:
    if isinstance(value, bool):
        raise ValueError(value)
    number = decimal.Decimal(str(value) if isinstance(value, float) else value)
    if not number.is_finite():
        raise ValueError(value)
    return number


def _to_bool(value: Any, operator: str) -> bool:
    if value not in (True, False, 0, 1):
        raise ValueError(value)
    return bool(value)


def _to_date(value: Any, operator: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def _to_datetime(value: Any, operator: str) -> dt.datetime:
    """A naive UTC datetime; a bare date is its first second, or its last one for ``>`` and ``<=`` (as Odoo)."""
    if isinstance(value, str) and len(value) == 10:
        value = dt.date.fromisoformat(value)
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    elif not isinstance(value, dt.datetime):
        if not isinstance(value, dt.date):
            raise ValueError(value)
        value = dt.datetime.combine(value, dt.time.max if operator in (">", "<=") else dt.time.min)
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


CONVERTERS = {
    "char": _to_text, "text": _to_text, "html": _to_text, "selection": _to_text,
    "integer": _to_int, "many2one": lambda value, operator: record_id(value),
    "float": _to_float, "decimal": _to_decimal, "monetary": _to_decimal, "boolean": _to_bool,
    "date": _to_date, "datetime": _to_datetime,
}


def _convert(field: Field, value: Any, operator: str) -> Any:
    """A domain value as the column compares it; a ValidationError names the field when it cannot be."""
    converter = CONVERTERS.get(field.type)
    if converter is None:
        return value
    try:
        return converter(value, operator)
    except (ValueError, TypeError, AttributeError, decimal.InvalidOperation):
        raise ValidationError(
            f"{field.model_name}.{field.name} ({field.type}): cannot compare with {value!r}", code="DOMAIN_VALUE"
        ) from None


def compare(model: BaseModel, field: Field, column: sa.ColumnElement, operator: str, value: Any) -> Where:
    """The WHERE expression of one leaf on a stored scalar column."""
    if operator in ("=", "!="):
        return _equal(field, column, operator, value)
    if operator in ("in", "not in"):
        return _within(model, field, column, operator, value)
    if operator in ("<", "<=", ">", ">="):
        if value is False:
            return sa.false()
        value = _convert(field, value, operator)
        return {"<": column < value, "<=": column <= value, ">": column > value, ">=": column >= value}[operator]
    if operator in ("any", "not any"):
        raise not_relational(operator, field)
    return _like(model, field, column, operator, value)


def _equal(field: Field, column: sa.ColumnElement, operator: str, value: Any) -> Where:
    if field.type == "boolean" and isinstance(value, bool):
        if value == (operator == "="):
            return column.is_(True)
        return sa.or_(column.is_(None), column.is_(False))
    if value is False:
        return column.is_(None) if operator == "=" else column.is_not(None)
    truthy = bool(value)
    value = _convert(field, value, operator)
    if operator == "=":
        return column == value
    # Odoo: "!=" also matches the rows without a value only when the value compared is truthy
    return sa.or_(column != value, column.is_(None)) if truthy else column != value


def _in_list(model: BaseModel, column: sa.ColumnElement, values: list[Any], negative: bool) -> Where:
    """``column IN (values)``; a long list is one array parameter on PostgreSQL (``= ANY``), which
    refuses statements of more than 65,535 parameters."""
    if len(values) > LONG_LIST and model.env.connection.dialect.name == "postgresql":
        array = sa.bindparam(None, values, type_=postgresql.ARRAY(column.type))
        return column != sa.all_(array) if negative else column == sa.any_(array)
    return column.not_in(values) if negative else column.in_(values)


def _within(model: BaseModel, field: Field, column: sa.ColumnElement, operator: str, value: Any) -> Where:
    values = list(value) if isinstance(value, COLLECTIONS) else [value]
    if field.type == "boolean":
        values = [False if v is None else _convert(field, v, operator) for v in values]
        terms: list[Where] = []
        if True in values:
            terms.append(column.is_(True))
        if False in values:
            terms.append(sa.or_(column.is_(None), column.is_(False)))
        matched = sa.or_(*terms) if terms else sa.false()
        return matched if operator == "in" else sa.not_(matched)
    with_null = any(v is None or v is False for v in values)
    present = [_convert(field, v, operator) for v in values if v is not None and v is not False]
    if operator == "in":
        matched = _in_list(model, column, present, False) if present else sa.false()
        return sa.or_(matched, column.is_(None)) if with_null else matched
    unmatched = _in_list(model, column, present, True) if present else sa.true()
    return sa.and_(unmatched, column.is_not(None)) if with_null else sa.or_(unmatched, column.is_(None))


def _like_tokens(pattern: str) -> list[tuple[str, str]]:
    """A LIKE pattern as ("any" | "one" | "char", character) tokens; a backslash escapes the next character."""
    tokens = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if index + 1 == len(pattern):
                raise ValidationError(f"LIKE pattern {pattern!r} must not end with the escape character \\",
                                      code="DOMAIN_VALUE")
            tokens.append(("char", pattern[index + 1]))
            index += 2
            continue
        tokens.append(("any" if char == "%" else "one" if char == "_" else "char", char))
        index += 1
    return tokens


def _glob(tokens: list[tuple[str, str]]) -> str:
    """The SQLite GLOB pattern (case-sensitive) equivalent to a LIKE pattern."""
    pieces = {"any": lambda c: "*", "one": lambda c: "?", "char": lambda c: f"[{c}]" if c in "*?[" else c}
    return "".join(pieces[kind](char) for kind, char in tokens)


def _as_text(field: Field, column: sa.ColumnElement, sqlite: bool) -> sa.ColumnElement:
    """The column as text for LIKE, as PostgreSQL's ``column::text`` spells it."""
    if field.type in TEXT_TYPES:
        return column
    if sqlite and field.type in ("decimal", "monetary"):
        # stored as an integer count of the smallest unit: print it back as NUMERIC's text
        raw = sa.type_coerce(column, sa.BigInteger)
        scale = getattr(field, "digits")[1]  # decimal and monetary fields have digits
        magnitude = sa.func.abs(raw)
        unit = sa.literal(10 ** scale, sa.BigInteger)
        sign = sa.case((raw < 0, "-"), else_="")
        text = (sa.func.printf(f"%s%d.%0{scale}d", sign, magnitude.op("/")(unit), magnitude.op("%")(unit)) if scale
                else sa.func.printf("%s%d", sign, magnitude))
        return sa.case((raw.is_(None), sa.null()), else_=text)
    return sa.cast(column, sa.String)


def _like(model: BaseModel, field: Field, column: sa.ColumnElement, operator: str, value: Any) -> Where:
    text = "" if value is False else str(value)
    wildcard = not operator.startswith("=")
    pattern = f"%{text}%" if wildcard else text
    tokens = _like_tokens(pattern)
    sqlite = model.env.connection.dialect.name == "sqlite"
    source = _as_text(field, column, sqlite)
    if operator.endswith("ilike"):
        if not sqlite:
            match = source.ilike(pattern)
        elif pattern.isascii():  # SQLite's own LIKE folds ASCII case: no Python lower() per row
            match = source.like(pattern, escape="\\")
        else:
            match = source.ilike(pattern, escape="\\")  # lower() is kernel.db.sqlite_lower: any script
    else:
        match = source.op("GLOB", is_comparison=True)(_glob(tokens)) if sqlite else source.like(pattern)
    negative = operator.startswith("not ")
    expression = sa.not_(match) if negative else match
    if (wildcard and not text) or (text and negative):
        return sa.or_(expression, column.is_(None))
    return expression
