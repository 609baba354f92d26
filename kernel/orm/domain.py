"""Odoo-style domains compiled to SQLAlchemy expressions, with bound parameters only.

A domain is a list in prefix notation: ``["|", ("name", "ilike", "acme"),
("email", "=", False)]``; leaves are ``(path, operator, value)`` and
consecutive terms are AND-ed.  As in Odoo, ``False`` stands for "no value":
``("email", "=", False)`` is ``email IS NULL``, and the negative operators
(``!=``, ``not in``, ``not like``, ``not ilike``) also match records without
a value.  Dotted paths follow relations through sub-queries, never joins, so a
record is never counted twice.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..exceptions import ValidationError

if TYPE_CHECKING:
    from .fields import Field
    from .models import BaseModel

OPERATORS = frozenset({
    "=", "!=", "<", "<=", ">", ">=", "=?", "like", "ilike", "=like", "=ilike", "not like", "not ilike",
    "in", "not in", "child_of", "parent_of", "any", "not any",
})
LOGIC = ("&", "|", "!")
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)
NEGATIVE = {"!=": "=", "not in": "in", "not like": "like", "not ilike": "ilike", "not any": "any"}


def _is_leaf(item: Any) -> bool:
    return isinstance(item, (list, tuple)) and len(item) == 3


def normalize(domain: Sequence[Any]) -> list[Any]:
    """The domain with every implicit ``&`` made explicit; refuses malformed domains."""
    if not isinstance(domain, (list, tuple)):
        raise ValidationError(f"a domain is a list, got {domain!r}", code="DOMAIN_INVALID")
    result: list[Any] = []
    expected = 1
    for item in domain:
        if expected == 0:
            result.insert(0, "&")
            expected = 1
        if item in LOGIC:
            expected += 0 if item == "!" else 1
        elif _is_leaf(item):
            expected -= 1
        else:
            raise ValidationError(f"invalid domain term {item!r}", code="DOMAIN_INVALID")
        result.append(tuple(item) if _is_leaf(item) else item)
    if domain and expected != 0:
        raise ValidationError(f"domain {list(domain)!r} is missing terms for its operators", code="DOMAIN_INVALID")
    return result


def mentions_field(domain: Sequence[Any], name: str) -> bool:
    """Whether a leaf of the domain starts with field ``name``."""
    return any(_is_leaf(item) and isinstance(item[0], str) and item[0].split(".")[0] == name for item in domain)


def compile_domain(model: BaseModel, domain: Sequence[Any], table: sa.Table | None = None) -> sa.ColumnElement[bool]:
    """The WHERE expression selecting ``model``'s records matching ``domain``."""
    table = model._sql if table is None else table
    stack: list[sa.ColumnElement[bool]] = []
    for item in reversed(normalize(domain)):
        if item == "!":
            stack.append(sa.not_(stack.pop()))
        elif item in ("&", "|"):
            left, right = stack.pop(), stack.pop()
            stack.append(sa.and_(left, right) if item == "&" else sa.or_(left, right))
        else:
            stack.append(_leaf(model, table, item))
    return sa.and_(*stack) if stack else sa.true()


def _leaf(model: BaseModel, table: sa.Table, leaf: tuple[Any, str, Any]) -> sa.ColumnElement[bool]:
    path, operator, value = leaf
    if leaf == TRUE_LEAF:
        return sa.true()
    if leaf == FALSE_LEAF:
        return sa.false()
    if not isinstance(operator, str) or operator.lower() not in OPERATORS | {"<>", "=="}:
        raise ValidationError(f"unknown domain operator {operator!r} in {leaf!r}", code="DOMAIN_OPERATOR")
    operator = {"<>": "!=", "==": "="}.get(operator.lower(), operator.lower())
    if not isinstance(path, str) or not path:
        raise ValidationError(f"invalid field path {path!r} in domain", code="DOMAIN_INVALID")
    name, _, rest = path.partition(".")
    field = model._fields.get(name)
    if field is None:
        raise ValidationError(f"unknown field {name!r} on {model._name} in domain leaf {leaf!r}", code="FIELD_UNKNOWN")
    if not field.store:
        if field.related:
            return _leaf(model, table, (field.related + ("." + rest if rest else ""), operator, value))
        raise ValidationError(f"{model._name}.{name} is computed and not stored: it cannot be searched", code="FIELD_NOT_SEARCHABLE")
    if rest:
        return _path(model, table, field, rest, operator, value)
    if field.type == "many2one":
        return _many2one(model, table, field, operator, value)
    if field.type in ("one2many", "many2many"):
        return _x2many(model, table, field, operator, value)
    if operator in ("child_of", "parent_of"):
        if field.name != "id":
            raise ValidationError(f"{operator} needs a relational field or id, not {name!r}", code="DOMAIN_OPERATOR")
        return table.c.id.in_(_hierarchy(model, operator, value))
    if operator in ("any", "not any"):
        raise ValidationError(f"{operator} needs a relational field, not {name!r}", code="DOMAIN_OPERATOR")
    return _compare(field, table.c[field.column_name], operator, value)


# -- relations -------------------------------------------------------------------------------


def _comodel(model: BaseModel, field: Field) -> BaseModel:
    return model.env[field.comodel_name]


def _subquery_ids(comodel: BaseModel, domain: Sequence[Any], active_test: bool = False) -> sa.Select:
    target = comodel._sql
    query = sa.select(target.c.id)
    if active_test and "active" in comodel._fields:
        query = query.where(target.c.active.is_(True))
    return query.where(compile_domain(comodel, domain, target)) if domain else query


def _x2many_owners(model: BaseModel, field: Field, target_ids: sa.Select | list[int]) -> sa.Select:
    """The ids of ``model`` records whose x2many ``field`` holds one of ``target_ids``."""
    if field.type == "one2many":
        comodel = _comodel(model, field)
        target = comodel._sql
        inverse = target.c[field.inverse_field.column_name]
        return sa.select(inverse).where(target.c.id.in_(target_ids), inverse.is_not(None))
    relation = model.env.registry.metadata.tables[field.relation]
    return sa.select(relation.c[field.column1]).where(relation.c[field.column2].in_(target_ids))


def _path(model: BaseModel, table: sa.Table, field: Field, rest: str, operator: str, value: Any) -> sa.ColumnElement[bool]:
    if not field.relational:
        raise ValidationError(f"{model._name}.{field.name} is not relational: cannot follow {rest!r}", code="DOMAIN_INVALID")
    comodel = _comodel(model, field)
    if field.type == "many2one":
        return table.c[field.column_name].in_(_subquery_ids(comodel, [(rest, operator, value)]))
    if operator in NEGATIVE:
        positive = _subquery_ids(comodel, [(rest, NEGATIVE[operator], value)])
        return table.c.id.not_in(_x2many_owners(model, field, positive))
    return table.c.id.in_(_x2many_owners(model, field, _subquery_ids(comodel, [(rest, operator, value)])))


def _target_ids(model: BaseModel, field: Field, operator: str, value: Any) -> tuple[sa.Select | list[int], bool]:
    """Comodel ids designated by a relational leaf's value, and whether the leaf is negative."""
    comodel = _comodel(model, field)
    if operator in ("any", "not any"):
        if not isinstance(value, (list, tuple)):
            raise ValidationError(f"{operator} needs a domain as value, got {value!r}", code="DOMAIN_INVALID")
        return _subquery_ids(comodel, value, active_test=False), operator == "not any"
    if operator in ("child_of", "parent_of"):
        return _hierarchy(comodel, operator, value), False
    negative = operator in NEGATIVE
    positive = NEGATIVE.get(operator, operator)
    values = value if isinstance(value, (list, tuple)) else [value]
    if any(isinstance(v, str) for v in values) and comodel._rec_name:
        name_operator = {"=": "=", "in": "in"}.get(positive, positive)
        return _subquery_ids(comodel, [(comodel._rec_name, name_operator, value)]), negative
    ids = [_record_id(v) for v in values if v not in (False, None)]
    return ids, negative


def _record_id(value: Any) -> int:
    if hasattr(value, "_ids"):
        return value._ids[0] if value._ids else 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"expected a record id, got {value!r}", code="DOMAIN_INVALID")
    return value


def _many2one(model: BaseModel, table: sa.Table, field: Field, operator: str, value: Any) -> sa.ColumnElement[bool]:
    column = table.c[field.column_name]
    simple = isinstance(value, (list, tuple)) or value in (False, None) or isinstance(value, int) or hasattr(value, "_ids")
    if operator in ("=", "!=", "in", "not in", "=?", "<", "<=", ">", ">=") and simple:
        if hasattr(value, "_ids"):
            value = list(value._ids) if operator in ("in", "not in") else (value._ids[0] if value._ids else False)
        return _compare(field, column, operator, value)
    targets, negative = _target_ids(model, field, operator, value)
    if negative:
        return sa.or_(column.not_in(targets), column.is_(None))
    return column.in_(targets)


def _x2many(model: BaseModel, table: sa.Table, field: Field, operator: str, value: Any) -> sa.ColumnElement[bool]:
    if value in (False, None) and operator in ("=", "!="):
        any_target = _x2many_owners(model, field, _subquery_ids(_comodel(model, field), []))
        return table.c.id.not_in(any_target) if operator == "=" else table.c.id.in_(any_target)
    targets, negative = _target_ids(model, field, operator, value)
    owners = _x2many_owners(model, field, targets)
    return table.c.id.not_in(owners) if negative else table.c.id.in_(owners)


def _hierarchy(model: BaseModel, operator: str, value: Any) -> sa.Select:
    """Ids of the records under (``child_of``) or above (``parent_of``) the given ones, them included."""
    values = value if isinstance(value, (list, tuple)) else [value]
    if any(isinstance(v, str) for v in values):
        roots: sa.Select | list[int] = _subquery_ids(model, [(model._rec_name, "in" if len(values) > 1 else "=", value)])
    else:
        roots = [_record_id(v) for v in values if v not in (False, None)]
    table = model._sql
    parent_name = model._parent_name
    if parent_name not in model._fields:
        raise ValidationError(f"{operator} needs {model._name} to have a {parent_name!r} field", code="DOMAIN_OPERATOR")
    if model._parent_store:
        other = table.alias("hierarchy_root")
        if operator == "child_of":
            match = table.c.parent_path.like(other.c.parent_path + "%")
        else:
            match = other.c.parent_path.like(table.c.parent_path + "%")
        return sa.select(table.c.id).where(sa.exists().where(other.c.id.in_(roots), match))
    parent = table.c[model._fields[parent_name].column_name]
    tree = sa.select(table.c.id, parent.label("parent")).where(table.c.id.in_(roots)).cte("hierarchy", recursive=True)
    step = table.alias("hierarchy_step")
    step_parent = step.c[model._fields[parent_name].column_name]
    if operator == "child_of":
        recursive = sa.select(step.c.id, step_parent).where(step_parent == tree.c.id)
    else:
        recursive = sa.select(step.c.id, step_parent).where(step.c.id == tree.c.parent)
    tree = tree.union(recursive)
    return sa.select(tree.c.id)


# -- scalar comparisons ----------------------------------------------------------------------


def _convert(field: Field, value: Any) -> Any:
    if value is None or value is False and field.type != "boolean":
        return None
    kind = field.type
    try:
        if kind == "date" and isinstance(value, str):
            return dt.date.fromisoformat(value[:10])
        if kind == "datetime" and isinstance(value, str):
            return dt.datetime.fromisoformat(value)
        if kind in ("decimal", "monetary") and not isinstance(value, decimal.Decimal):
            return decimal.Decimal(str(value))
    except (ValueError, decimal.InvalidOperation):
        raise ValidationError(f"{field.model_name}.{field.name}: cannot compare with {value!r}", code="DOMAIN_VALUE") from None
    return value


def _compare(field: Field, column: sa.ColumnElement, operator: str, value: Any) -> sa.ColumnElement[bool]:
    boolean = field.type == "boolean"
    if operator == "=?":
        if value is None or value is False:
            return sa.true()
        operator = "="
    if operator in ("=", "!="):
        if value is None or value is False:
            if boolean:
                empty = sa.or_(column.is_(None), column.is_(False))
                return empty if operator == "=" else column.is_(True)
            return column.is_(None) if operator == "=" else column.is_not(None)
        if boolean and value is True:
            return column.is_(True) if operator == "=" else sa.or_(column.is_(None), column.is_(False))
        value = _convert(field, value)
        return column == value if operator == "=" else sa.or_(column != value, column.is_(None))
    if operator in ("in", "not in"):
        values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
        if boolean:
            terms = []
            if any(v is True for v in values):
                terms.append(column.is_(True))
            if any(v is False or v is None for v in values):
                terms.append(sa.or_(column.is_(None), column.is_(False)))
            matched = sa.or_(*terms) if terms else sa.false()
            return matched if operator == "in" else sa.not_(matched)
        with_null = any(v is None or v is False for v in values)
        present = [_convert(field, v) for v in values if v is not None and v is not False]
        if operator == "in":
            matched = column.in_(present) if present else sa.false()
            return sa.or_(matched, column.is_(None)) if with_null else matched
        unmatched = column.not_in(present) if present else sa.true()
        return sa.and_(unmatched, column.is_not(None)) if with_null else sa.or_(unmatched, column.is_(None))
    if operator in ("<", "<=", ">", ">="):
        if value is None or value is False:
            return sa.false()
        value = _convert(field, value)
        return {"<": column < value, "<=": column <= value, ">": column > value, ">=": column >= value}[operator]
    return _like(field, column, operator, value)


def _like(field: Field, column: sa.ColumnElement, operator: str, value: Any) -> sa.ColumnElement[bool]:
    text = "" if value is None or value is False else str(value)
    if field.type not in ("char", "text", "html", "selection"):
        column = sa.cast(column, sa.String)
    pattern = text if operator.startswith("=") else f"%{text}%"
    positive = operator.replace("not ", "").lstrip("=")
    expression = column.ilike(pattern) if positive == "ilike" else column.like(pattern)
    if operator.startswith("not "):
        return sa.or_(sa.not_(expression), column.is_(None))
    return expression
