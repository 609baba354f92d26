"""Searching and reading: ``search``, ``search_count``, ``search_read``, ``read``,
``name_search``, ``fields_get`` and ``read_group``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..exceptions import ValidationError
from ..hints import field_hint, unknown_field
from . import arguments, translations
from .collation import TEXT_TYPES, text_order
from .domain import as_domain, check_size, compile_domain, mentions_field
from .fields import Field
from .policy import RESTRICTED, unavailable

if TYPE_CHECKING:
    from .models import BaseModel

OrderTerm = tuple[sa.ColumnElement, bool, "str | None"]  # expression, descending, nulls "first" / "last"
ORDER_TERM = re.compile(r"^\s*(\w+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$", re.IGNORECASE)
READ_CHUNK = 1000
FIELD_ATTRIBUTES = (
    "type", "string", "help", "required", "readonly", "store", "sortable", "searchable", "relation",
    "relation_field", "selection", "size", "digits", "groups", "depends", "related", "translate", "company_dependent",
)


class QueryMixin:
    """Search and read methods of :class:`~kernel.orm.models.BaseModel`."""

    # -- searching ---------------------------------------------------------------

    def _where(self: BaseModel, domain: Sequence[Any] | None) -> sa.ColumnElement[bool] | None:
        domain = as_domain(domain)
        check_size(self, domain)
        if "active" in self._fields and self.env.context.get("active_test", True) and not mentions_field(domain, "active"):
            domain = ["&", ("active", "=", True)] + domain if domain else [("active", "=", True)]
        return self.env.policy.search_where(self, compile_domain(self, domain) if domain else None)

    def _order_by_clauses(self: BaseModel, order: str | None, table: sa.Table | None = None) -> list[sa.ColumnElement]:
        """``"name desc, id"`` as ORDER BY clauses, ending with ``id`` so that the order is total."""
        table = self._sql if table is None else table
        terms = self._parse_order(arguments.text("order", order) or self._order or "id")
        clauses = []
        for expression, descending, nulls in self._order_terms(terms, table):
            clause = expression.desc() if descending else expression.asc()
            if nulls:
                clause = clause.nulls_first() if nulls == "first" else clause.nulls_last()
            clauses.append(clause)
        if not any(field.name == "id" for field, _, _ in terms):
            clauses.append(table.c.id.asc())
        return clauses

    def _parse_order(self: BaseModel, order: str) -> list[tuple[Field, bool, str | None]]:
        """``(field, descending, nulls)`` for each term of an order; an unknown or unstored field is refused."""
        terms = []
        for term in order.split(","):
            if not term.strip():
                continue
            match = ORDER_TERM.match(term)
            if not match:
                raise ValidationError(f"invalid order {term.strip()!r} for {self._name}", code="ORDER_INVALID")
            name, direction, nulls = match.group(1), (match.group(2) or "asc").lower(), match.group(3)
            field = self._fields.get(name)
            if field is None or not field.column_name:
                raise ValidationError(f"cannot order {self._name} by {name!r}: no such stored field"
                                      f"{field_hint(str(self._name), name, (n for n, f in self._fields.items() if f.column_name))}",
                                      code="ORDER_INVALID")
            self.env.policy.check_search_field(self, field)
            terms.append((field, direction == "desc", nulls.lower() if nulls else None))
        return terms

    def _order_terms(self: BaseModel, terms: Sequence[tuple[Field, bool, str | None]], table: sa.FromClause,
                     reverse: bool = False, seen: frozenset[Field] = frozenset()) -> list[OrderTerm]:
        """``(expression, descending, nulls)`` to sort by; a many2one sorts by every term of its comodel's
        ``_order`` (each direction reversed when the many2one's is descending, as Odoo does)."""
        result: list[OrderTerm] = []
        for field, descending, nulls in terms:
            if reverse:
                descending = not descending
                nulls = {"first": "last", "last": "first"}.get(nulls or "")
            column = table.c[field.column_name]
            if getattr(field, "translate", False):
                column = translations.text_expression(column, self.env.lang, self.env.connection.dialect.name)
            if field.type in TEXT_TYPES:
                column = text_order(column, self.env.connection.dialect.name)
            if field.type != "many2one":
                result.append((column, descending, nulls))
                continue
            if field in seen:  # a comodel ordered (indirectly) by this very many2one
                continue
            if nulls:  # rows without a value first or last, whatever the comodel's order says
                result.append((column.is_not(None) if nulls == "first" else column.is_(None), False, None))
            comodel = self.env[field.comodel_name]
            target = comodel._sql.alias()
            inner = comodel._order_terms(comodel._parse_order(comodel._order or "id"), target, descending, seen | {field})
            for expression, inner_descending, inner_nulls in inner:
                if expression is not target.c.id:
                    expression = sa.select(expression).where(target.c.id == column).scalar_subquery()
                else:
                    expression = column
                result.append((expression, inner_descending, inner_nulls))
        return result

    def _search_query(self: BaseModel, domain: Sequence[Any] | None, offset: int = 0, limit: int | None = None,
                      order: str | None = None) -> sa.Select:
        offset, limit = arguments.whole_number("offset", offset) or 0, arguments.whole_number("limit", limit)
        table = self._sql
        query = sa.select(table.c.id)
        where = self._where(domain)
        if where is not None:
            query = query.where(where)
        query = query.order_by(*self._order_by_clauses(order))
        if offset:
            query = query.offset(offset)
        if limit:
            query = query.limit(limit)
        return query

    def search(self: BaseModel, domain: Sequence[Any] | None = None, offset: int = 0, limit: int | None = None,
               order: str | None = None) -> BaseModel:
        """The records matching an Odoo-style domain, in ``order`` (default ``_order``)."""
        ids = tuple(self.env.execute(self._search_query(domain, offset, limit, order)).scalars())
        return self._browse(ids)

    def search_count(self: BaseModel, domain: Sequence[Any] | None = None, limit: int | None = None) -> int:
        limit = arguments.whole_number("limit", limit)
        table = self._sql
        inner = sa.select(table.c.id)
        where = self._where(domain)
        if where is not None:
            inner = inner.where(where)
        if limit:
            inner = inner.limit(limit)
        return self.env.execute(sa.select(sa.func.count()).select_from(inner.subquery())).scalar_one()

    def search_read(self: BaseModel, domain: Sequence[Any] | None = None, fields: Sequence[str] | None = None,
                    offset: int = 0, limit: int | None = None, order: str | None = None) -> list[dict[str, Any]]:
        """``search`` then ``read``, with the stored columns fetched by the search query itself."""
        wanted = self._readable_fields(fields)
        table = self._sql
        columns = [f for f in wanted if f.column_name and f.name != "id"]
        query = self._search_query(domain, offset, limit, order).with_only_columns(
            table.c.id, *(table.c[f.column_name] for f in columns), maintain_column_froms=True
        )
        rows = self.env.execute(query).all()
        ids = tuple(row[0] for row in rows)
        self._fill_cache(columns, rows)
        return self._browse(ids)._read_cached(wanted)

    # -- reading ---------------------------------------------------------------------

    def _readable_fields(self: BaseModel, names: Sequence[str] | None) -> list[Field]:
        names = arguments.names("fields", names)
        if not names:
            return [f for f in self._fields.values() if f.type != "binary" and self.env.policy.field_visible(self, f)]
        self.env.policy.check_field_names(self, names)
        result = []
        for name in dict.fromkeys(["id", *names]):
            field = self._fields.get(name)
            if field is None:
                raise ValidationError(unknown_field(str(self._name), name, self._fields), code="FIELD_UNKNOWN")
            result.append(field)
        return result

    def _fill_cache(self: BaseModel, fields: Sequence[Field], rows: Sequence[Sequence[Any]]) -> None:
        """Cache rows of ``(id, value of each field...)``, a column at a time."""
        if not rows:
            return
        transaction = self.env.transaction
        ids, *columns = zip(*rows)
        for field, values in zip(fields, columns):
            convert = field.convert_to_cache
            converted = values if convert.__func__ is Field.convert_to_cache else map(convert, values)
            transaction.cache_for(field).update(zip(ids, converted))

    def read(self: BaseModel, fields: Sequence[str] | None = None, load: str = "_classic_read") -> list[dict[str, Any]]:
        """The values of ``fields`` (all but binaries when omitted), one dict per record, in order."""
        self.env.policy.check_read(self)
        wanted = self._readable_fields(fields)
        transaction = self.env.transaction
        columns = [f for f in wanted if f.column_name and f.name != "id"]
        ids = list(dict.fromkeys(self._ids))
        if columns:
            caches = [transaction.cache_for(f) for f in columns]
            wanted_ids = set(ids)
            uncached = set().union(*(wanted_ids - cache.keys() for cache in caches))
            missing = [i for i in ids if i in uncached] if uncached else []
            table = self._sql
            for start in range(0, len(missing), READ_CHUNK):
                chunk = missing[start:start + READ_CHUNK]
                query = sa.select(table.c.id, *(table.c[f.column_name] for f in columns)).where(table.c.id.in_(chunk))
                self._fill_cache(columns, self.env.execute(query).all())
            absent = [i for i in missing if i not in caches[0]]
            if absent:
                raise unavailable(self, absent)
        elif ids:
            existing = self.exists()
            if len(existing) != len(ids):
                absent = sorted(set(ids) - set(existing._ids))
                raise unavailable(self, absent)
        return self._read_cached(wanted, load)

    def _read_cached(self: BaseModel, wanted: Sequence[Field], load: str = "_classic_read") -> list[dict[str, Any]]:
        transaction = self.env.transaction
        records = self._browse(self._ids)
        for field in wanted:
            if field.name == "id" or field.column_name:
                continue
            cache = transaction.cache_for(field)
            if any(i not in cache for i in records._ids) and records._ids:
                records._browse(tuple(i for i in records._ids if i not in cache), records._ids)._fetch(field)
        names: dict[Field, dict[int, str]] = {}
        if load == "_classic_read":
            for field in wanted:
                if field.type == "many2one":
                    cache = transaction.cache_for(field)
                    targets = {cache[i] for i in records._ids if cache.get(i)}
                    comodel = self.env[field.comodel_name]._browse(tuple(targets))
                    names[field] = comodel._display_names()
        ids = records._ids
        keys, columns = ["id"], [ids]
        for field in wanted:
            if field.name == "id":
                continue
            values = list(map(transaction.cache_for(field).get, ids))
            labels, convert = names.get(field), field.convert_to_read
            if labels is not None:
                values = [(v, labels.get(v, "")) if v else convert(v, self) for v in values]
            elif convert.__func__ is Field.convert_to_read:
                values = [False if v is None else v for v in values]
            else:
                values = [convert(v, self) for v in values]
            keys.append(field.name)
            columns.append(values)
        return [dict(zip(keys, row)) for row in zip(*columns)]

    def _display_names(self: BaseModel) -> dict[int, str]:
        """Display names by id, as relational values show them: a record the user may not read shows
        the translated restricted marker, never its name."""
        if not self._ids:
            return {}
        field = self._fields["display_name"]
        cache = self.env.transaction.cache_for(field)
        missing = tuple(i for i in self._ids if i not in cache)
        if missing:
            self.sudo()._browse(missing)._compute_into_cache(field)
        names = {i: cache.get(i) or "" for i in self._ids}
        if not self.env.su:
            policy = self.env.policy
            readable = policy.within_read_rules(self) if policy.has_access(self, "read") else set()
            if len(readable) != len(names):
                marker = self.env._(RESTRICTED)
                names = {i: name if i in readable else marker for i, name in names.items()}
        return names

    def name_search(self: BaseModel, name: str = "", args: Sequence[Any] | None = None, operator: str = "ilike",
                    limit: int | None = 100) -> list[tuple[int, str]]:
        """``(id, display name)`` of the records whose name matches, as the many2one widget asks."""
        domain = as_domain(args)
        if name and self._rec_name:
            domain = ["&", (self._rec_name, operator, name)] + domain if domain else [(self._rec_name, operator, name)]
        records = self.search(domain, limit=limit)
        labels = records._display_names()
        return [(record_id, labels[record_id]) for record_id in records._ids]

    # -- metadata ----------------------------------------------------------------------

    def fields_get(self: BaseModel, allfields: Sequence[str] | None = None,
                   attributes: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
        """Field descriptions as Odoo clients expect them."""
        allfields = arguments.names("allfields", allfields)
        wanted = arguments.names("attributes", attributes) or FIELD_ATTRIBUTES
        translate = self.env._
        result: dict[str, dict[str, Any]] = {}
        for name, field in self._fields.items():
            if allfields and name not in allfields or not self.env.policy.field_visible(self, field):
                continue
            description = {
                "type": field.type,
                "string": translate(field.string),
                "help": translate(field.help) if field.help else "",
                "required": field.required,
                "readonly": field.readonly,
                "store": field.store,
                "sortable": bool(field.column_name),
                "searchable": self._searchable(field),
                "groups": field.groups or "",
                "depends": [".".join(f.name for f in path) for path in getattr(field, "dependency_paths", ())],
                "related": field.related or False,
                "translate": field.translate,
                "company_dependent": False,
            }
            if field.relational:
                description["relation"] = field.comodel_name
            if field.type == "one2many":
                description["relation_field"] = field.inverse_name
            if field.type == "selection":
                description["selection"] = [[value, translate(label)] for value, label in field.get_selection(self)]
            if field.type == "char" and field.size:
                description["size"] = field.size
            if field.type in ("decimal", "monetary", "float") and (digits := field.args.get("digits")):
                description["digits"] = list(digits)
            result[name] = {key: value for key, value in description.items() if key in wanted}
        return result

    def _searchable(self: BaseModel, field: Field) -> bool:
        """What a domain can compare (see :mod:`.domain`): stored and related fields, and ``display_name``
        through ``_rec_name``; other non-stored computed fields cannot be searched."""
        return bool(field.store or field.related or (field.name == "display_name" and self._rec_name))

    def read_group(self: BaseModel, domain: Sequence[Any], fields: Sequence[str], groupby: str | Sequence[str],
                   offset: int = 0, limit: int | None = None, orderby: str | None = None,
                   lazy: bool = True) -> list[dict[str, Any]]:
        """Aggregates per group, as Odoo's ``read_group`` (``date:month`` granularities included)."""
        from .read_group import read_group

        fields = arguments.name_or_names("fields", fields) or []
        groupby = arguments.name_or_names("groupby", groupby) or []
        orderby = arguments.text("orderby", orderby)
        self.env.policy.check_field_names(self, [*fields, *groupby, orderby or ""])
        return read_group(self, domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
