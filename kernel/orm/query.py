"""Searching and reading: ``search``, ``search_count``, ``search_read``, ``read``,
``name_search``, ``fields_get`` and ``read_group``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..exceptions import MissingError, ValidationError
from ..security import guards
from .domain import compile_domain, mentions_field

if TYPE_CHECKING:
    from .fields import Field
    from .models import BaseModel

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
        domain = list(domain or [])
        if "active" in self._fields and self.env.context.get("active_test", True) and not mentions_field(domain, "active"):
            domain = ["&", ("active", "=", True)] + domain if domain else [("active", "=", True)]
        return guards.search_where(self, compile_domain(self, domain) if domain else None)

    def _order_by_clauses(self: BaseModel, order: str | None, table: sa.Table | None = None) -> list[sa.ColumnElement]:
        """``"name desc, id"`` as ORDER BY clauses; a many2one sorts by its comodel's order."""
        table = self._sql if table is None else table
        clauses: list[sa.ColumnElement] = []
        for term in (order or self._order or "id").split(","):
            if not term.strip():
                continue
            match = ORDER_TERM.match(term)
            if not match:
                raise ValidationError(f"invalid order {term.strip()!r} for {self._name}", code="ORDER_INVALID")
            name, direction, nulls = match.group(1), (match.group(2) or "asc").lower(), match.group(3)
            field = self._fields.get(name)
            if field is None or not field.column_name:
                raise ValidationError(f"cannot order {self._name} by {name!r}: no such stored field", code="ORDER_INVALID")
            guards.check_search_field(self, field)
            column: sa.ColumnElement = table.c[field.column_name]
            if field.type == "many2one":
                comodel = self.env[field.comodel_name]
                target = comodel._sql.alias()
                key_name = comodel._order_key()
                if key_name:
                    column = sa.select(target.c[key_name]).where(target.c.id == column).scalar_subquery()
            clause = column.desc() if direction == "desc" else column.asc()
            if nulls:
                clause = clause.nulls_first() if nulls.lower() == "first" else clause.nulls_last()
            clauses.append(clause)
        if not any(getattr(c, "element", None) is not None and getattr(c.element, "name", None) == "id" for c in clauses):
            clauses.append(table.c.id.asc())
        return clauses

    def _order_key(self: BaseModel) -> str | None:
        """The first stored column of ``_order`` (used to sort many2one values by their target)."""
        first = (self._order or "id").split(",")[0].split()[0]
        field = self._fields.get(first)
        return field.column_name if field is not None and field.type != "many2one" else "id"

    def _search_query(self: BaseModel, domain: Sequence[Any] | None, offset: int = 0, limit: int | None = None,
                      order: str | None = None) -> sa.Select:
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
        if not names:
            return [f for f in self._fields.values() if f.type != "binary" and guards.field_visible(self, f)]
        guards.check_field_names(self, names)
        result = []
        for name in dict.fromkeys(["id", *names]):
            field = self._fields.get(name)
            if field is None:
                raise ValidationError(f"{self._name} has no field {name!r}", code="FIELD_UNKNOWN")
            result.append(field)
        return result

    def _fill_cache(self: BaseModel, fields: Sequence[Field], rows: Iterable[Sequence[Any]]) -> None:
        transaction = self.env.transaction
        caches = [(transaction.cache_for(f), f.convert_to_cache) for f in fields]
        for row in rows:
            record_id = row[0]
            for index, (cache, convert) in enumerate(caches, start=1):
                cache[record_id] = convert(row[index])

    def read(self: BaseModel, fields: Sequence[str] | None = None, load: str = "_classic_read") -> list[dict[str, Any]]:
        """The values of ``fields`` (all but binaries when omitted), one dict per record, in order."""
        guards.check_read(self)
        wanted = self._readable_fields(fields)
        transaction = self.env.transaction
        columns = [f for f in wanted if f.column_name and f.name != "id"]
        ids = list(dict.fromkeys(self._ids))
        if columns:
            caches = [transaction.cache_for(f) for f in columns]
            missing = [i for i in ids if any(i not in cache for cache in caches)]
            table = self._sql
            for start in range(0, len(missing), READ_CHUNK):
                chunk = missing[start:start + READ_CHUNK]
                query = sa.select(table.c.id, *(table.c[f.column_name] for f in columns)).where(table.c.id.in_(chunk))
                self._fill_cache(columns, self.env.execute(query))
            absent = [i for i in missing if i not in caches[0]]
            if absent:
                raise MissingError(f"{self._name} records {absent[:10]} do not exist (any more)")
        elif ids:
            existing = self.exists()
            if len(existing) != len(ids):
                absent = sorted(set(ids) - set(existing._ids))
                raise MissingError(f"{self._name} records {absent[:10]} do not exist (any more)")
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
                    comodel = self.env[field.comodel_name].sudo()._browse(tuple(targets))
                    names[field] = comodel._display_names()
        result = []
        plan = [(f.name, transaction.cache_for(f), f.convert_to_read, names.get(f)) for f in wanted if f.name != "id"]
        for record_id in records._ids:
            row: dict[str, Any] = {"id": record_id}
            for name, cache, convert, labels in plan:
                value = cache.get(record_id)
                if labels is not None and value:
                    row[name] = (value, labels.get(value, ""))
                else:
                    row[name] = convert(value, self)
            result.append(row)
        return result

    def _display_names(self: BaseModel) -> dict[int, str]:
        if not self._ids:
            return {}
        field = self._fields["display_name"]
        cache = self.env.transaction.cache_for(field)
        missing = tuple(i for i in self._ids if i not in cache)
        if missing:
            self._browse(missing)._compute_into_cache(field)
        return {i: cache.get(i) or "" for i in self._ids}

    def name_search(self: BaseModel, name: str = "", args: Sequence[Any] | None = None, operator: str = "ilike",
                    limit: int | None = 100) -> list[tuple[int, str]]:
        """``(id, display name)`` of the records whose name matches, as the many2one widget asks."""
        domain = list(args or [])
        if name and self._rec_name:
            domain = ["&", (self._rec_name, operator, name)] + domain if domain else [(self._rec_name, operator, name)]
        records = self.search(domain, limit=limit)
        labels = records._display_names()
        return [(record_id, labels[record_id]) for record_id in records._ids]

    # -- metadata ----------------------------------------------------------------------

    def fields_get(self: BaseModel, allfields: Sequence[str] | None = None,
                   attributes: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
        """Field descriptions as Odoo clients expect them."""
        wanted = attributes or FIELD_ATTRIBUTES
        translate = self.env._
        result: dict[str, dict[str, Any]] = {}
        for name, field in self._fields.items():
            if allfields and name not in allfields or not guards.field_visible(self, field):
                continue
            description = {
                "type": field.type,
                "string": translate(field.string),
                "help": translate(field.help) if field.help else "",
                "required": field.required,
                "readonly": field.readonly,
                "store": field.store,
                "sortable": bool(field.column_name),
                "searchable": bool(field.column_name) or field.relational,
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

    def read_group(self: BaseModel, domain: Sequence[Any], fields: Sequence[str], groupby: str | Sequence[str],
                   offset: int = 0, limit: int | None = None, orderby: str | None = None,
                   lazy: bool = True) -> list[dict[str, Any]]:
        """Aggregates per group, as Odoo's ``read_group`` (``date:month`` granularities included)."""
        from .read_group import read_group

        guards.check_field_names(self, [*fields, *([groupby] if isinstance(groupby, str) else groupby), orderby or ""])
        return read_group(self, domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
