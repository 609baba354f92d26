"""Odoo-style domains compiled to SQLAlchemy expressions, with bound parameters only.

A domain is a list in prefix notation: ``["|", ("name", "ilike", "acme"),
("email", "=", False)]``; leaves are ``(path, operator, value)`` and
consecutive terms are AND-ed.  The semantics are Odoo 17's (the first
release with ``any``), checked against ``odoo/osv/expression.py``:

* ``False`` (or ``None``) means "no value": ``= False`` is ``IS NULL``; the
  negative operators ``!=``, ``not in``, ``not like`` and ``not ilike`` also
  match rows without a value (``!=`` only when the value compared is truthy:
  ``("code", "!=", "")`` and ``("qty", "!=", 0)`` leave them out);
  ``in [x, False]`` matches ``x`` or NULL; ``<`` and friends never match
  NULL; a boolean ``= False`` matches NULL too.
* ``like``/``ilike`` wrap the value in ``%...%`` without escaping it: ``%`` and
  ``_`` in the value stay wildcards and a backslash escapes the next character
  (PostgreSQL's default).  ``like`` is case-sensitive on SQLite too (GLOB);
  ``ilike`` is SQLite's own ``LIKE`` (ASCII case folding, no Python call per
  row) for an ASCII pattern, and folds case beyond ASCII for any other one
  (``lower()`` is ``kernel.db.sqlite_lower``).
  An empty value matches every row, NULL included.
* ``!`` is pushed into the leaves: ``!(a = 1)`` is ``a != 1`` (NULL included),
  ``!(a < 1)`` is ``a >= 1``; operators without a negation get SQL ``NOT``.
* A dotted path through a relation is ``any`` on it: ``("tag_ids.name", "!=",
  "x")`` means "has a tag not named x", while ``("tag_ids", "!=", "x")`` means
  "has no tag named x".  Many2one traversals see archived targets; x2many
  traversals and name look-ups on x2many hide them unless the context says
  ``active_test=False`` or the sub-domain mentions ``active``.
* A string value on a relational field is a name: ``=``/``in`` compare
  ``_rec_name`` exactly, the other operators apply to it (``ilike`` for
  ``child_of``/``parent_of``).  Recordsets stand for their ids.

Sub-queries, never joins, follow relations, so a record is never counted twice.
"""

from __future__ import annotations

import decimal
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import Grouping

from ..exceptions import KernelError, ValidationError
from .domain_compare import COLLECTIONS, compare, not_relational, record_id
from ..hints import field_hint
from . import translations

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
NEGATION = {
    "=": "!=", "!=": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">", "in": "not in", "not in": "in",
    "like": "not like", "not like": "like", "ilike": "not ilike", "not ilike": "ilike",
    "any": "not any", "not any": "any",
}
CHUNK = 100  # terms per parenthesized group of a long AND or OR
DEFAULT_MAX_TERMS = 10_000  # leaves of one domain, unless [orm] domain_max_terms says otherwise
MAX_DEPTH = 100  # alternations of "&" and "|" (SQLite refuses expressions nested 1000 deep)

# A compiled domain is built from a tree: ("&", deque of nodes), ("|", deque of nodes), ("!", node) or ("leaf", leaf).
Node = tuple[str, Any]
Where = sa.ColumnElement[bool]


# -- structure ----------------------------------------------------------------------------


def _is_leaf(item: Any) -> bool:
    return isinstance(item, (list, tuple)) and len(item) == 3


def _is_records(value: Any) -> bool:
    return hasattr(value, "_ids") and hasattr(value, "_name")


def as_domain(value: Any) -> list[Any]:
    """A domain argument as a list (``None`` is empty); anything but a list or tuple names itself in the error."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ValidationError(f"a domain is a list of terms, got {type(value).__name__} {value!r}",
                              code="DOMAIN_INVALID")
    return list(value)


def normalize(domain: Sequence[Any]) -> list[Any]:
    """The domain with every implicit ``&`` made explicit and its leaves checked and normalized."""
    if not isinstance(domain, (list, tuple)):
        raise ValidationError(f"a domain is a list, got {domain!r}", code="DOMAIN_INVALID")
    result: list[Any] = []
    implicit_ands = 0  # each is an "&" in front of everything seen so far: prepended once at the end
    expected = 1
    for item in domain:
        if expected == 0:
            implicit_ands += 1
            expected = 1
        if isinstance(item, str) and item in LOGIC:
            expected += 0 if item == "!" else 1
            result.append(item)
        elif _is_leaf(item):
            expected -= 1
            result.append(_normalize_leaf(tuple(item)))
        else:
            raise ValidationError(f"invalid domain term {item!r} in {list(domain)!r}", code="DOMAIN_INVALID")
    if domain and expected != 0:
        raise ValidationError(f"domain {list(domain)!r} is missing terms for its operators", code="DOMAIN_INVALID")
    return ["&"] * implicit_ands + result if implicit_ands else result


def _normalize_leaf(leaf: tuple[Any, Any, Any]) -> tuple[Any, str, Any]:
    """The canonical form of a leaf: lower-case operator, ids for records, ``in`` for lists."""
    if leaf in (TRUE_LEAF, FALSE_LEAF):
        return leaf
    path, operator, value = leaf
    if not isinstance(operator, str) or operator.lower() not in OPERATORS | {"<>"}:
        raise ValidationError(f"unknown domain operator {operator!r} in {leaf!r}", code="DOMAIN_OPERATOR")
    if not isinstance(path, str) or not path:
        raise ValidationError(f"invalid field path {path!r} in domain leaf {leaf!r}", code="DOMAIN_INVALID")
    operator = "!=" if operator == "<>" else operator.lower()
    if operator == "=?":
        if value is None or value is False or (_is_records(value) and not value):
            return TRUE_LEAF
        operator = "="
    if operator in ("any", "not any"):
        if not isinstance(value, (list, tuple)):
            raise ValidationError(f"{operator!r} needs a domain as value in {leaf!r}", code="DOMAIN_INVALID")
        return path, operator, value
    if _is_records(value):
        value = list(value._ids)
    elif isinstance(value, COLLECTIONS):
        value = [v._ids[0] if _is_records(v) and len(v._ids) == 1 else v for v in value]
    if isinstance(value, bool) and operator in ("in", "not in"):
        operator = "=" if operator == "in" else "!="
    if isinstance(value, list) and operator in ("=", "!="):
        operator = "in" if operator == "=" else "not in"
    return path, operator, False if value is None else value


def mentions_field(domain: Sequence[Any], name: str) -> bool:
    """Whether a leaf of the domain starts with field ``name``."""
    return any(_is_leaf(item) and isinstance(item[0], str) and item[0].split(".")[0] == name for item in domain)


def max_terms(model: BaseModel) -> int:
    """The ``[orm] domain_max_terms`` setting: how many leaves one domain may have."""
    value = model.env.services.settings.section("orm").get("domain_max_terms", DEFAULT_MAX_TERMS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise KernelError(f"configuration [orm] domain_max_terms: expected a positive integer, got {value!r}")
    return value


def check_size(model: BaseModel, domain: Sequence[Any]) -> None:
    """Refuse a domain given to a search with more leaves than the configured limit, before any work on it."""
    limit = max_terms(model)
    if len(domain) <= limit:
        return
    leaves = sum(1 for item in domain if not (isinstance(item, str) and item in LOGIC))
    if leaves > limit or len(domain) > 3 * limit:
        raise ValidationError(
            f"domain has {leaves} terms; at most {limit} are accepted (setting [orm] domain_max_terms)",
            code="DOMAIN_TOO_LARGE",
        )


def _tree(model: BaseModel, domain: Sequence[Any]) -> Node | None:
    """The domain as a tree, ``&`` and ``|`` flattened; ``!`` stays a node, pushed into the leaves by :func:`_sql`.

    Linear in the domain's size: children lists are merged smaller into larger, never copied whole.
    """
    stack: list[tuple[Node, int]] = []  # (node, depth)
    for item in reversed(normalize(domain)):
        if item == "!":
            node, depth = stack.pop()
            stack.append((node[1], depth) if node[0] == "!" else (("!", node), depth))
        elif item in ("&", "|"):
            (first, first_depth), (second, second_depth) = stack.pop(), stack.pop()
            node = _combine(item, first, second)
            depth = max(first_depth + (first[0] != item), second_depth + (second[0] != item))
            if depth > MAX_DEPTH:
                raise ValidationError(f"domain nested too deeply: more than {MAX_DEPTH} levels of alternating "
                                      "'&' and '|'", code="DOMAIN_TOO_LARGE")
            stack.append((node, depth))
        else:
            stack.append((("leaf", item), 0))
    return stack[0][0] if stack else None


def _combine(operator: str, first: Node, second: Node) -> Node:
    """``first operator second``, flattening children of the same operator into one deque."""
    left = first[1] if first[0] == operator else deque([first])
    right = second[1] if second[0] == operator else deque([second])
    if len(left) >= len(right):
        left.extend(right)
        return operator, left
    right.extendleft(reversed(left))
    return operator, right


def _negate_leaf(model: BaseModel, leaf: tuple[Any, str, Any]) -> Node:
    """The negation of one leaf as a leaf where Odoo has one (``!(a = 1)`` is ``a != 1``), else a ``!`` node."""
    if leaf in (TRUE_LEAF, FALSE_LEAF):
        return "leaf", FALSE_LEAF if leaf == TRUE_LEAF else TRUE_LEAF
    path, operator, value = leaf
    name, _, rest = path.partition(".")
    field = model._fields.get(name)
    if rest and field is not None and field.relational:
        return "leaf", (name, "not any", [(rest, operator, value)])
    if operator in NEGATION:
        return "leaf", (path, NEGATION[operator], value)
    return "!", ("leaf", leaf)


# -- compilation ----------------------------------------------------------------------------


def compile_domain(model: BaseModel, domain: Sequence[Any], table: sa.FromClause | None = None) -> Where:
    """The WHERE expression selecting ``model``'s records matching ``domain``."""
    table = model._sql if table is None else table
    tree = _tree(model, domain)
    return sa.true() if tree is None else _sql(model, table, tree)


def _sql(model: BaseModel, table: sa.FromClause, node: Node, negated: bool = False) -> Where:
    """The SQL of a tree node; ``negated`` pushes a ``!`` down to the leaves (De Morgan)."""
    kind, content = node
    if kind in ("&", "|"):
        if negated:
            kind = "|" if kind == "&" else "&"
        children = [(_negate_leaf(model, child[1]), False) if negated and child[0] == "leaf" else (child, negated)
                    for child in content]
        children = _equalities_as_lists(model, kind, children)
        return _balanced(kind, [_sql(model, table, child, child_negated) for child, child_negated in children])
    if kind == "!":
        return _sql(model, table, content, not negated)
    if negated:
        negation = _negate_leaf(model, content)
        if negation[0] == "!":
            return sa.not_(_leaf(model, table, content))
        content = negation[1]
    return _leaf(model, table, content)


def _list_values(model: BaseModel, leaf: Any, operators: tuple[str, str]) -> list[Any] | None:
    """The values of a leaf with one of ``operators`` (``=``/``in`` or ``!=``/``not in``) on a plain stored
    column, when it can join a list of values."""
    if leaf in (TRUE_LEAF, FALSE_LEAF) or leaf[1] not in operators or not isinstance(leaf[0], str):
        return None
    field = model._fields.get(leaf[0])
    if field is None or not field.store or not field.column_name or field.relational or field.type == "boolean":
        return None
    if leaf[1] == "!=" and not leaf[2]:
        return None  # "!= ''" leaves out the rows without a value, a "not in" list keeps them
    values = leaf[2] if leaf[1] == operators[1] and isinstance(leaf[2], list) else [leaf[2]]
    plain = all(isinstance(v, (str, int, float, decimal.Decimal)) and not isinstance(v, bool) for v in values)
    return values if plain else None


def _equalities_as_lists(model: BaseModel, kind: str, children: list[tuple[Node, bool]]) -> list[tuple[Node, bool]]:
    """OR-ed ``=`` / ``in`` leaves on one column as one ``in`` leaf, AND-ed ``!=`` / ``not in`` leaves as one
    ``not in`` leaf: the same rows, and SQLite plans ``a = 1 OR a = 2 OR ...`` in time quadratic in the
    number of terms, an ``IN`` list in linear time."""
    operators = ("=", "in") if kind == "|" else ("!=", "not in")
    lists: dict[str, list[Any]] = {}
    result: list[tuple[Node, bool] | str] = []
    for child, negated in children:
        values = None if negated or child[0] != "leaf" else _list_values(model, child[1], operators)
        if values is None:
            result.append((child, negated))
            continue
        path = child[1][0]
        if path not in lists:
            lists[path] = []
            result.append(path)
        lists[path].extend(values)
    return [(("leaf", (entry, operators[1], lists[entry])), False) if isinstance(entry, str) else entry
            for entry in result]


def _balanced(kind: str, terms: list[Where]) -> Where:
    """``a AND b AND ...``, parenthesized in groups when long: SQLite refuses expressions nested 1000 deep."""
    combine, keyword = (sa.and_, "AND") if kind == "&" else (sa.or_, "OR")
    if len(terms) <= CHUNK:
        return combine(*terms)
    groups = [combine(*terms[i:i + CHUNK]) for i in range(0, len(terms), CHUNK)]
    while len(groups) > 1:  # a balanced tree of "(x) AND (y)", as sa.and_ would flatten it back
        # not is_comparison: SQLAlchemy's FROM linter would then walk each whole subtree (quadratic)
        pairs = [Grouping(groups[i].op(keyword, precedence=100, return_type=sa.Boolean)(groups[i + 1]))
                 for i in range(0, len(groups) - 1, 2)]
        groups = pairs + groups[2 * len(pairs):]
    return groups[0]


def _leaf(model: BaseModel, table: sa.FromClause, leaf: tuple[Any, str, Any]) -> Where:
    if leaf == TRUE_LEAF:
        return sa.true()
    if leaf == FALSE_LEAF:
        return sa.false()
    path, operator, value = leaf
    name, _, rest = path.partition(".")
    field = model._fields.get(name)
    if field is None:
        raise ValidationError(f"unknown field {name!r} on {model._name} in domain leaf {leaf!r}"
                              f"{field_hint(str(model._name), name, model._fields)}", code="FIELD_UNKNOWN")
    model.env.policy.check_search_field(model, field)
    if not field.store:
        target = field.related or (model._rec_name if name == "display_name" and model._rec_name != name else None)
        if not target:
            raise ValidationError(
                f"{model._name}.{name} is computed and not stored: it cannot be searched", code="FIELD_NOT_SEARCHABLE"
            )
        return _leaf(model, table, (target + ("." + rest if rest else ""), operator, value))
    if rest:
        if not field.relational:
            raise ValidationError(
                f"{model._name}.{name} is not relational: cannot follow {rest!r} in domain leaf {leaf!r}",
                code="DOMAIN_INVALID",
            )
        return _leaf(model, table, (name, "any", [(rest, operator, value)]))
    if operator in ("child_of", "parent_of"):
        return _hierarchy_leaf(model, table, field, operator, value)
    if field.type == "many2one":
        return _many2one(model, table, field, operator, value)
    if field.type in ("one2many", "many2many"):
        return _x2many(model, table, field, operator, value)
    if operator in ("any", "not any"):
        if name != "id":
            raise not_relational(operator, field)
        matched = table.c.id.in_(_matching_ids(model, value, active_test=False))
        return matched if operator == "any" else sa.not_(matched)
    column: sa.ColumnElement = table.c[field.column_name]
    if getattr(field, "translate", False):
        column = translations.text_expression(column, model.env.lang, model.env.connection.dialect.name)
    return compare(model, field, column, operator, value)


# -- relations -------------------------------------------------------------------------------


def _active_test(model: BaseModel) -> bool:
    return bool(model.env.context.get("active_test", True))


def _matching_ids(model: BaseModel, domain: Sequence[Any], active_test: bool) -> sa.Select:
    """The ids of ``model`` matching ``domain``, archived records hidden when ``active_test``."""
    target = model._sql.alias()
    check_size(model, domain)
    query = sa.select(target.c.id)
    if active_test and "active" in model._fields and not mentions_field(domain, "active"):
        query = query.where(target.c.active.is_(True))
    if (rules := model.env.policy.subquery_where(model, target)) is not None:
        query = query.where(rules)
    return query.where(compile_domain(model, domain, target)) if domain else query


def _names(value: Any) -> list[str] | None:
    """The names a relational leaf's value gives (a string or a list of strings), else None."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, COLLECTIONS) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _rec_name(model: BaseModel, value: Any) -> str:
    if not model._rec_name:
        raise ValidationError(f"{model._name} has no name field: search it by id, not by {value!r}",
                              code="DOMAIN_VALUE")
    return model._rec_name


def _by_name(comodel: BaseModel, operator: str, value: Any, active_test: bool) -> sa.Select:
    """Ids of ``comodel`` whose ``_rec_name`` matches (the positive form of) the operator."""
    return _matching_ids(comodel, [(_rec_name(comodel, value), NEGATIVE.get(operator, operator), value)], active_test)


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, COLLECTIONS) else [value]
    return [record_id(v) for v in values if v is not False and v is not None]


def _many2one(model: BaseModel, table: sa.FromClause, field: Field, operator: str, value: Any) -> Where:
    column = table.c[field.column_name]
    comodel = model.env[field.comodel_name]
    if operator in ("any", "not any"):
        targets: Any = _matching_ids(comodel, value, active_test=False)
    elif _names(value) is not None:
        targets = _by_name(comodel, operator, value, active_test=False)
    else:
        return compare(model, field, column, operator, value)
    if operator in NEGATIVE:
        return sa.or_(column.not_in(targets), column.is_(None))
    return column.in_(targets)


def _x2many_owners(model: BaseModel, field: Field, targets: Any) -> sa.Select:
    """The ids of ``model`` records whose x2many ``field`` holds one of ``targets`` (any, when None)."""
    if field.type == "one2many":
        target = model.env[field.comodel_name]._sql.alias()
        inverse = target.c[field.inverse_field.column_name]
        query = sa.select(inverse).where(inverse.is_not(None))
        return query if targets is None else query.where(target.c.id.in_(targets))
    relation = model.env.registry.metadata.tables[field.relation]
    query = sa.select(relation.c[field.column1])
    return query if targets is None else query.where(relation.c[field.column2].in_(targets))


def _x2many(model: BaseModel, table: sa.FromClause, field: Field, operator: str, value: Any) -> Where:
    comodel = model.env[field.comodel_name]
    negative = operator in NEGATIVE
    if operator in ("any", "not any"):
        targets: Any = _matching_ids(comodel, value, _active_test(model))
    elif value is False:
        # ("tag_ids", "=", False): without any; ("tag_ids", "!=", False): with at least one
        owners = _x2many_owners(model, field, None)
        return table.c.id.in_(owners) if negative else table.c.id.not_in(owners)
    elif _names(value) is not None:
        targets = _by_name(comodel, operator, value, _active_test(model))
    else:
        targets = _ids(value)
    owners = _x2many_owners(model, field, targets)
    return table.c.id.not_in(owners) if negative else table.c.id.in_(owners)


def _hierarchy_leaf(model: BaseModel, table: sa.FromClause, field: Field, operator: str, value: Any) -> Where:
    if field.name == "id":
        return table.c.id.in_(_hierarchy(model, operator, value))
    if not field.relational:
        raise not_relational(operator, field)
    comodel = model.env[field.comodel_name]
    if field.comodel_name == model._name:
        # Odoo: ("parent_id", "child_of", x) on the model itself is ("id", "child_of", x) along parent_id
        return table.c.id.in_(_hierarchy(model, operator, value, field if field.type == "many2one" else None))
    targets = _hierarchy(comodel, operator, value)
    if field.type == "many2one":
        return table.c[field.column_name].in_(targets)
    return table.c.id.in_(_x2many_owners(model, field, targets))


def _hierarchy(model: BaseModel, operator: str, value: Any, link: Field | None = None) -> sa.Select | list[int]:
    """Ids of the records under (``child_of``) or above (``parent_of``) the given ones, them included."""
    names = _names(value)
    if names is not None:  # each name as Odoo's name_search looks it up: ilike
        rec_name = _rec_name(model, value)
        domain = ["|"] * (len(names) - 1) + [(rec_name, "ilike", name) for name in names]
        roots: Any = _matching_ids(model, domain, _active_test(model))
    else:
        roots = _ids(value)
        if not roots:
            return []
    link = link or model._fields.get(model._parent_name)
    if link is None or link.type != "many2one" or link.comodel_name != model._name:
        raise ValidationError(f"{operator} needs {model._name} to have a many2one {model._parent_name!r} to itself",
                              code="DOMAIN_OPERATOR")
    if model._parent_store:
        node, root = model._sql.alias(), model._sql.alias()
        if operator == "child_of":
            match = node.c.parent_path.like(root.c.parent_path + "%")
        else:
            match = root.c.parent_path.like(node.c.parent_path + "%")
        return sa.select(node.c.id).select_from(node.join(root, match)).where(root.c.id.in_(roots))
    table = model._sql
    tree = sa.select(table.c.id, table.c[link.column_name].label("parent")).where(table.c.id.in_(roots))
    tree = tree.cte(recursive=True)
    step = table.alias()
    step_parent = step.c[link.column_name]
    if operator == "child_of":
        recursive = sa.select(step.c.id, step_parent).where(step_parent == tree.c.id)
    else:
        recursive = sa.select(step.c.id, step_parent).where(step.c.id == tree.c.parent)
    return sa.select(tree.union(recursive).c.id)
