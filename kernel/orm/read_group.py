"""``read_group``: aggregates per group, computed by the database in one GROUP BY query.

The semantics are Odoo's.  ``fields`` names what to aggregate: ``"amount"`` uses
the field's default aggregate (``sum`` for numbers, none otherwise, so the
field is left out), ``"amount:max"`` and ``"top:max(amount)"`` choose one.
``groupby`` names fields, dates and datetimes with a granularity
(``"date:week"``; ``month`` by default).  Each group carries ``__domain``,
which selects exactly its records, and, for dates, ``__range``.  With
``lazy=True`` only the first ``groupby`` is grouped and the rest goes to
``__context["group_by"]``, as the web client expands one level at a time.

Date buckets are computed in UTC by the database (``date_trunc`` on
PostgreSQL, ``strftime``/``julianday`` on SQLite) and come back as ISO
strings on both, so they group, sort and parse the same way.  Weeks are ISO
weeks (Monday first) and labelled ``W1 2025`` from the ISO calendar rather
than from Babel, whose week numbers follow the locale and would disagree with
the Monday buckets.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import babel
import babel.dates
import sqlalchemy as sa

from ..exceptions import ValidationError
from . import arguments, translations
from .domain import as_domain, normalize

if TYPE_CHECKING:
    from .fields import Field
    from .models import BaseModel

_logger = logging.getLogger(__name__)

FIELD_SPEC = re.compile(r"^(\w+)(?::(\w+)(?:\((\w+)\))?)?$")
ORDER_TERM = re.compile(r"^\s*([\w:]+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$", re.IGNORECASE)
NUMERIC = frozenset({"integer", "float", "decimal", "monetary"})
EXACT = frozenset({"decimal", "monetary"})
DATES = frozenset({"date", "datetime"})
UNGROUPABLE = frozenset({"binary", "json", "one2many", "many2many"})
DEFAULT_LOCALE = "en_US"

# the field types each aggregate accepts (None: every stored column but binaries and JSON)
AGGREGATES: dict[str, frozenset[str] | None] = {
    "sum": NUMERIC,
    "avg": NUMERIC,
    "min": NUMERIC | DATES | {"char", "text", "html", "selection", "many2one"},
    "max": NUMERIC | DATES | {"char", "text", "html", "selection", "many2one"},
    "count": None,
    "count_distinct": None,
    "array_agg": None,
}


# -- granularities: SQL bucket start, next bucket, label --------------------------------------


def _lit(value: str | int) -> sa.ColumnElement:
    """A constant written into the SQL rather than bound, so GROUP BY repeats SELECT's expression exactly."""
    if isinstance(value, int):
        return sa.literal_column(str(value), sa.Integer())
    return sa.literal_column(f"'{value}'")


def _sqlite_week(column: sa.ColumnElement) -> sa.ColumnElement:
    weekday = sa.cast(sa.func.strftime(_lit("%w"), column), sa.Integer)  # 0 is Sunday
    return sa.func.date(sa.func.julianday(sa.func.date(column)) - (weekday + _lit(6)) % _lit(7))


def _sqlite_quarter(column: sa.ColumnElement) -> sa.ColumnElement:
    month = sa.cast(sa.func.strftime(_lit("%m"), column), sa.Integer)
    back = sa.func.printf(_lit("-%d months"), (month - _lit(1)) % _lit(3))
    return sa.func.date(sa.func.strftime(_lit("%Y-%m-01"), column), back)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _babel_label(pattern: str) -> Callable[[dt.date, babel.Locale], str]:
    return lambda day, locale: babel.dates.format_date(day, pattern, locale=locale)


def _week_label(day: dt.date, locale: babel.Locale) -> str:
    year, week, _ = day.isocalendar()
    return f"W{week} {year}"


@dataclass(frozen=True)
class Granularity:
    """How one date granularity is bucketed on each backend, stepped and labelled (Odoo's labels)."""

    sqlite: Callable[[sa.ColumnElement], sa.ColumnElement]
    step: Callable[[dt.date], dt.date]
    label: Callable[[dt.date, babel.Locale], str]


GRANULARITIES: dict[str, Granularity] = {
    "day": Granularity(lambda c: sa.func.date(c), lambda d: d + dt.timedelta(days=1), _babel_label("dd MMM yyyy")),
    "week": Granularity(_sqlite_week, lambda d: d + dt.timedelta(days=7), _week_label),
    "month": Granularity(lambda c: sa.func.strftime(_lit("%Y-%m-01"), c), lambda d: _add_months(d, 1),
                         _babel_label("MMMM yyyy")),
    "quarter": Granularity(_sqlite_quarter, lambda d: _add_months(d, 3), _babel_label("QQQ yyyy")),
    "year": Granularity(lambda c: sa.func.strftime(_lit("%Y-01-01"), c), lambda d: _add_months(d, 12),
                        _babel_label("yyyy")),
}


def _bucket(column: sa.ColumnElement, granularity: str, dialect: str) -> sa.ColumnElement:
    """The first day of the bucket holding ``column``, as a ``YYYY-MM-DD`` string."""
    if dialect == "sqlite":
        return GRANULARITIES[granularity].sqlite(column)
    truncated = sa.func.date_trunc(_lit(granularity), sa.cast(column, sa.DateTime()))
    return sa.func.to_char(truncated, _lit("YYYY-MM-DD"), type_=sa.String())


# -- parsing the request ----------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSpec:
    """One ``groupby`` entry: its key in the result, its field, and the SQL expression grouped on."""

    key: str
    field: Field
    granularity: str | None
    expression: sa.ColumnElement


@dataclass(frozen=True)
class Aggregate:
    """One requested aggregate: the selected columns, the ORDER BY expression, and how to read it back."""

    alias: str
    field: Field
    function: str
    columns: tuple[sa.ColumnElement, ...]
    order: sa.ColumnElement


def _parse_groupby(model: BaseModel, spec: str, dialect: str) -> GroupSpec:
    name, _, granularity = spec.partition(":")
    field = model._fields.get(name)
    if field is None:
        raise ValidationError(f"cannot group {model._name} by {spec!r}: no field {name!r}", code="FIELD_UNKNOWN")
    if not field.column_name or field.type in UNGROUPABLE:
        why = f"a {field.type} field" if field.type in UNGROUPABLE else "it is not stored"
        raise ValidationError(f"cannot group {model._name} by {name!r}: {why}", code="GROUPBY_INVALID")
    column = model._sql.c[field.column_name]
    if field.type in DATES:
        granularity = granularity or "month"
        if granularity not in GRANULARITIES:
            raise ValidationError(f"unknown granularity {granularity!r} in {spec!r}: use one of "
                                  f"{', '.join(GRANULARITIES)}", code="GROUPBY_INVALID")
        return GroupSpec(spec, field, granularity, _bucket(column, granularity, dialect))
    if granularity:
        raise ValidationError(f"granularity {granularity!r} in {spec!r} needs a date or datetime field, "
                              f"{model._name}.{name} is a {field.type}", code="GROUPBY_INVALID")
    if getattr(field, "translate", False):  # grouped by the text the reader sees
        return GroupSpec(spec, field, None, translations.text_expression(column, model.env.lang, dialect))
    if field.type == "boolean":  # NULL and False are one group, as records read both as False
        return GroupSpec(spec, field, None, sa.func.coalesce(column, sa.false(), type_=sa.Boolean()))
    return GroupSpec(spec, field, None, column)


def _aggregate(field: Field, function: str, alias: str, column: sa.ColumnElement, dialect: str) -> Aggregate:
    if function == "count":
        expression: sa.ColumnElement = sa.func.count(column)
    elif function == "count_distinct":
        expression = sa.func.count(sa.distinct(column))
    elif function == "array_agg":
        expression = sa.func.json_group_array(column) if dialect == "sqlite" else sa.func.array_agg(column)
    elif function == "avg" and field.type in EXACT:
        # exact on both backends: a typed sum (scaled integers on SQLite) divided in Python
        columns = (sa.func.sum(column, type_=column.type), sa.func.count(column))
        return Aggregate(alias, field, function, columns, sa.func.avg(column))
    elif function == "avg":
        expression = sa.func.avg(column, type_=sa.Float())
    else:  # sum, min, max keep the column's type, so decimals come back through their TypeDecorator
        expression = getattr(sa.func, function)(column, type_=column.type)
    return Aggregate(alias, field, function, (expression,), expression)


def _check_aggregate(model: BaseModel, field: Field, function: str, spec: str) -> None:
    if function not in AGGREGATES:
        raise ValidationError(f"unknown aggregate {function!r} in {spec!r}: use one of {', '.join(AGGREGATES)}",
                              code="AGGREGATE_INVALID")
    types = AGGREGATES[function]
    if not field.column_name or field.type in ("binary", "json") or (types is not None and field.type not in types):
        why = "it is not stored" if not field.column_name else f"it is a {field.type} field"
        raise ValidationError(f"cannot compute {function} of {model._name}.{field.name}: {why}",
                              code="AGGREGATE_INVALID")


def _parse_fields(model: BaseModel, fields: Sequence[str], grouped: set[str], dialect: str) -> list[Aggregate]:
    """The aggregates asked for; plain names without a default aggregate, or grouped, are left out as in Odoo."""
    result: dict[str, Aggregate] = {}
    for spec in fields:
        if spec == "__count":
            continue
        match = FIELD_SPEC.match(spec.strip()) if isinstance(spec, str) else None
        if match is None:
            raise ValidationError(f"invalid aggregate specification {spec!r} for {model._name}: use 'name', "
                                  "'name:function' or 'alias:function(name)'", code="AGGREGATE_INVALID")
        alias, function, source = match.groups()
        name = source or alias
        field = model._fields.get(name)
        if field is None:
            raise ValidationError(f"cannot aggregate {name!r}: {model._name} has no such field", code="FIELD_UNKNOWN")
        if function is None:
            if field.type not in NUMERIC or field.name == "id" or not field.column_name:
                continue
            function = "sum"
        else:
            function = function.lower()
            _check_aggregate(model, field, function, spec)
        if name in grouped:
            continue
        if alias in result:
            raise ValidationError(f"aggregate name {alias!r} is used twice", code="AGGREGATE_INVALID")
        result[alias] = _aggregate(field, function, alias, model._sql.c[field.column_name], dialect)
    return list(result.values())


# -- ordering ---------------------------------------------------------------------------------


def _group_order(model: BaseModel, group: GroupSpec) -> list[tuple[sa.ColumnElement, bool]]:
    """What sorts a group, each with whether it runs against the asked direction: a many2one by its
    comodel's order (as ``search`` does), then by id."""
    if group.field.type != "many2one":
        return [(group.expression, False)]
    terms = model._order_terms([(group.field, False, None)], model._sql)
    ordered = [(expression, descending) for expression, descending, _nulls in terms]
    if not any(expression is group.expression for expression, _ in ordered):  # a comodel ordered by id
        ordered.append((group.expression, False))
    return ordered


def _order_by(model: BaseModel, orderby: str | None, groups: Sequence[GroupSpec], aggregates: Sequence[Aggregate],
              count: sa.ColumnElement, count_key: str) -> list[sa.ColumnElement]:
    """ORDER BY clauses for ``orderby``, then the group keys so the order is always complete."""
    counted = [(count, False)]
    targets: dict[str, list[tuple[sa.ColumnElement, bool]]] = {"__count": counted, count_key: counted}
    for aggregate in aggregates:
        ordered = [(aggregate.order, False)]
        targets.setdefault(aggregate.alias, ordered)
        targets.setdefault(f"{aggregate.field.name}:{aggregate.function}", ordered)
    for group in groups:
        targets[group.key] = _group_order(model, group)
        targets.setdefault(group.field.name, targets[group.key])
    clauses: list[sa.ColumnElement] = []
    used: set[int] = set()
    terms = [t for t in (orderby or "").split(",") if t.strip()]
    for term in terms + [group.key for group in groups]:
        match = ORDER_TERM.match(term)
        if match is None:
            raise ValidationError(f"invalid order {term.strip()!r} for the groups of {model._name}",
                                  code="ORDER_INVALID")
        name, direction, nulls = match.group(1), (match.group(2) or "asc").lower(), match.group(3)
        if name not in targets:
            if name.split(":")[0] not in model._fields:
                raise ValidationError(f"cannot order the groups of {model._name} by {name!r}: no such field "
                                      "or aggregate", code="ORDER_INVALID")
            # Odoo ignores a field that is neither grouped nor aggregated (list views sort by any column)
            _logger.info("read_group on %s: order by %r ignored, it is neither grouped nor aggregated",
                         model._name, name)
            continue
        expressions = targets[name]
        if id(expressions) in used:
            continue
        used.add(id(expressions))
        for expression, reverse in expressions:
            descending = (direction == "desc") != reverse
            clause = expression.desc() if descending else expression.asc()
            # PostgreSQL's default everywhere: NULL is the largest value
            first = nulls.lower() == "first" if nulls else descending
            clauses.append(clause.nulls_first() if first else clause.nulls_last())
    return clauses


# -- reading the rows back ----------------------------------------------------------------------


def _locale(model: BaseModel) -> babel.Locale:
    """The context language's locale; an unknown language falls back to English, like Odoo's ``get_lang``."""
    try:
        return babel.Locale.parse(model.env.lang or DEFAULT_LOCALE)
    except (ValueError, babel.UnknownLocaleError):
        return babel.Locale.parse(DEFAULT_LOCALE)


def _aggregate_value(model: BaseModel, aggregate: Aggregate, values: Sequence[Any]) -> Any:
    """A database result as ``read_group`` returns it: a sum of nothing is the field's zero, other
    empty aggregates are False."""
    field, function, value = aggregate.field, aggregate.function, values[0]
    if function in ("count", "count_distinct"):
        return int(value)
    if function == "array_agg":
        return _array_value(aggregate, value, model.env.connection.dialect)
    if function == "avg" and field.type in EXACT:
        total, count = values
        if not count:
            return False
        quantum = decimal.Decimal(1).scaleb(-field.digits[1])
        return (total / count).quantize(quantum, rounding=decimal.ROUND_HALF_UP)
    if value is None:
        return field.convert_to_read(None, model) if function == "sum" else False
    if function == "avg" or field.type == "float":
        return float(value)
    return value


def _array_value(aggregate: Aggregate, value: Any, dialect: sa.Dialect) -> list[Any]:
    """The values of an ``array_agg``; on SQLite they arrive as JSON, converted here as a column read would be."""
    if value is None:
        return []
    if dialect.name != "sqlite":
        items = list(value)
    else:
        column_type = aggregate.field.sql_type()
        processor = column_type.dialect_impl(dialect).result_processor(dialect, None)
        items = [processor(item) if processor else item for item in json.loads(value)]
    if aggregate.field.type in EXACT:
        quantum = decimal.Decimal(1).scaleb(-aggregate.field.digits[1])
        items = [None if item is None else decimal.Decimal(item).quantize(quantum) for item in items]
    return [False if item is None else item for item in items]


def _and(parts: Sequence[Sequence[Any]]) -> list[Any]:
    """Odoo's ``expression.AND`` of normalized domains: empty ones dropped, one ``&`` per extra part."""
    kept = [list(part) for part in parts if part]
    return ["&"] * (len(kept) - 1) + [term for part in kept for term in part]


def _group_value(group: GroupSpec, raw: Any, names: dict[str, dict[int, str]],
                 locale: babel.Locale | None) -> tuple[Any, list[Any], dict[str, str] | bool | None]:
    """The group's value, its domain part and (for dates) its ``__range``."""
    field = group.field
    if group.granularity is not None:
        if raw is None:
            return False, [(field.name, "=", False)], False
        granularity = GRANULARITIES[group.granularity]
        start = dt.date.fromisoformat(raw[:10])
        end = granularity.step(start)
        suffix = " 00:00:00" if field.type == "datetime" else ""
        bounds = {"from": f"{start.isoformat()}{suffix}", "to": f"{end.isoformat()}{suffix}"}
        domain = ["&", (field.name, ">=", bounds["from"]), (field.name, "<", bounds["to"])]
        return granularity.label(start, locale), domain, bounds
    if raw is None:
        return False, [(field.name, "=", False)], None
    if field.type == "many2one":
        return (raw, names[field.comodel_name].get(raw, "")), [(field.name, "=", raw)], None
    if field.type == "boolean":
        raw = bool(raw)
    return raw, [(field.name, "=", raw)], None


def _display_names(model: BaseModel, groups: Sequence[GroupSpec],
                   rows: Sequence[Sequence[Any]]) -> dict[str, dict[int, str]]:
    """Display names of the many2one group values (restricted ones masked): one lookup per comodel."""
    wanted: dict[str, set[int]] = {}
    for index, group in enumerate(groups):
        if group.field.type == "many2one":
            wanted.setdefault(group.field.comodel_name, set()).update(row[index] for row in rows if row[index])
    return {
        comodel: model.env[comodel]._browse(tuple(sorted(ids)))._display_names()
        for comodel, ids in wanted.items()
    }


# -- the entry point ------------------------------------------------------------------------------


def read_group(model: BaseModel, domain: Sequence[Any] | None, fields: Sequence[str], groupby: str | Sequence[str],
               offset: int = 0, limit: int | None = None, orderby: str | None = None,
               lazy: bool = True) -> list[dict[str, Any]]:
    """Groups of ``model``'s records matching ``domain``, with their aggregates, as Odoo's ``read_group``.

    One SQL query groups and aggregates; many2one group names are then read in
    one batch per comodel.  ``offset``, ``limit`` and ``orderby`` apply to groups.
    """
    offset, limit = arguments.whole_number("offset", offset) or 0, arguments.whole_number("limit", limit)
    dialect = model.env.connection.dialect.name
    requested = list(dict.fromkeys(arguments.name_or_names("groupby", groupby) or ()))
    specs = [_parse_groupby(model, spec, dialect) for spec in requested]  # every level is checked, even lazily
    groups = specs[:1] if lazy else specs
    remaining = requested[len(groups):]
    wanted = list(arguments.name_or_names("fields", fields) or ())
    aggregates = _parse_fields(model, wanted, {g.field.name for g in groups}, dialect)
    count_key = f"{groups[0].field.name}_count" if lazy and groups else "__count"
    original = normalize(as_domain(domain))

    count = sa.func.count()
    columns = [g.expression.label(f"group_{i}") for i, g in enumerate(groups)]
    columns.append(count.label("count"))
    for i, aggregate in enumerate(aggregates):
        columns.extend(c.label(f"aggregate_{i}_{j}") for j, c in enumerate(aggregate.columns))
    query = sa.select(*columns).select_from(model._sql)
    where = model._where(original)
    if where is not None:
        query = query.where(where)
    if groups:
        query = query.group_by(*(g.expression for g in groups))
        query = query.order_by(*_order_by(model, orderby, groups, aggregates, count, count_key))
    if offset:
        query = query.offset(offset)
    if limit:
        query = query.limit(limit)
    rows = model.env.execute(query).all()

    names = _display_names(model, groups, rows)
    # only date labels need the language, and reading the user's costs a query
    locale = _locale(model) if any(g.granularity for g in groups) else None
    result = []
    for row in rows:
        group: dict[str, Any] = {}
        parts: list[list[Any]] = []
        ranges: dict[str, Any] = {}
        for index, spec in enumerate(groups):
            value, part, bounds = _group_value(spec, row[index], names, locale)
            group[spec.key] = value
            parts.append(part)
            if spec.granularity is not None:
                ranges[spec.key] = bounds
        position = len(groups) + 1
        for aggregate in aggregates:
            width = len(aggregate.columns)
            group[aggregate.alias] = _aggregate_value(model, aggregate, row[position:position + width])
            position += width
        group[count_key] = row[len(groups)]
        group["__domain"] = _and(parts + [original])
        if ranges:
            group["__range"] = ranges
        if remaining:
            group["__context"] = {"group_by": remaining}
        result.append(group)
    return result
