"""Relational fields: :class:`Many2one`, :class:`One2many` and :class:`Many2many`.

The cache holds a many2one as the target id (or ``None``) and an x2many as a
tuple of ids; records see recordsets.  x2many values are written with Odoo's
command tuples (see :class:`kernel.orm.commands.Command`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ...hints import model_hint
from .base import Field

if TYPE_CHECKING:
    from ..models import BaseModel
    from ..registry import Registry

ONDELETE = ("set null", "cascade", "restrict")


class LazyPrefetch:
    """The ids a relational value should prefetch with: the same field's values on the
    records prefetched with the source record, computed only when a fetch needs them."""

    __slots__ = ("field", "source_ids", "cache")

    def __init__(self, field: Field, source_ids: Iterable[int], cache: dict[int, Any]):
        self.field, self.source_ids, self.cache = field, source_ids, cache

    def __iter__(self) -> Iterator[int]:
        seen: set[int] = set()
        cache = self.cache
        for source_id in self.source_ids:
            value = cache.get(source_id)
            if not value:
                continue
            for target in value if isinstance(value, tuple) else (value,):
                if target not in seen:
                    seen.add(target)
                    yield target


class _Relational(Field):
    relational = True
    extra_args = frozenset({"comodel_name", "domain", "context", "check_company"})
    comodel_name: str

    def __init__(self, comodel_name: str | None = None, string: str | None = None, **kwargs: Any):
        if comodel_name is not None:
            kwargs["comodel_name"] = comodel_name
        super().__init__(string, **kwargs)

    def _init_attributes(self) -> None:
        super()._init_attributes()
        self.comodel_name = self.args.get("comodel_name", "")
        self.domain = self.args.get("domain", [])
        self.check_company: bool = self.args.get("check_company", False)

    def setup(self, model: type[BaseModel], registry: Registry) -> None:
        if not self.comodel_name:
            raise self.model_error("a relational field needs a comodel name")
        if self.comodel_name not in registry:
            raise self.model_error(f"unknown comodel {self.comodel_name!r}{model_hint(self.comodel_name, registry)}")

    def convert_to_record(self, value: Any, record: BaseModel) -> Any:
        comodel = record.env[self.comodel_name]
        ids = () if value is None else (tuple(value) if isinstance(value, tuple) else (value,))
        prefetch = LazyPrefetch(self, record._prefetch_ids, record.env.transaction.cache_for(self))
        return comodel._browse(ids, prefetch)


class Many2one(_Relational):
    """A reference to one record of ``comodel_name``; ``ondelete`` is 'set null', 'cascade' or 'restrict'."""

    type = "many2one"
    extra_args = _Relational.extra_args | {"ondelete", "auto_join"}

    def _init_attributes(self) -> None:
        super()._init_attributes()
        default = "restrict" if self.required else "set null"
        self.ondelete: str = self.args.get("ondelete", default)
        if self.ondelete not in ONDELETE:
            raise self.model_error(f"ondelete must be one of {', '.join(ONDELETE)}, got {self.ondelete!r}")

    def sql_type(self) -> sa.types.TypeEngine:
        return sa.Integer()

    def columns(self) -> list[sa.Column]:
        if self.column_name is None:
            return []
        return [
            sa.Column(
                self.column_name,
                sa.Integer,
                sa.ForeignKey(f"{self.comodel_table}.id", ondelete=self.ondelete.upper(), use_alter=True),
                index=self.index,
                info={"addon": self.addon, "field": self.name},
            )
        ]

    def setup(self, model: type[BaseModel], registry: Registry) -> None:
        super().setup(model, registry)
        self.comodel_table = registry[self.comodel_name]._table

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        if value is None or value is False:
            return None
        if hasattr(value, "_ids"):
            if value._name != self.comodel_name:
                raise self.invalid(value, f"a record of {self.comodel_name}")
            if len(value._ids) > 1:
                raise self.invalid(value, "a single record")
            return value._ids[0] if value._ids else None
        if isinstance(value, (list, tuple)) and len(value) == 2 and isinstance(value[0], int):
            value = value[0]  # (id, name) pairs as read() returns them
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.invalid(value, f"the id of a {self.comodel_name} record")
        return value

    def convert_to_read(self, value: Any, record: BaseModel) -> Any:
        """``(id, display name)``; :meth:`BaseModel.read` fills names in one query."""
        return False if value is None else value


class _X2many(_Relational):
    column_stored = False
    null = ()

    def _init_attributes(self) -> None:
        super()._init_attributes()
        self.copy = self.args.get("copy", False)

    def convert_to_read(self, value: Any, record: BaseModel) -> Any:
        return list(value or ())

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        raise TypeError(f"{self} is written with commands, not converted to a column")

    def convert_assigned(self, value: Any, record: BaseModel) -> Any:
        if not value:
            return ()
        if hasattr(value, "_ids"):
            return tuple(value._ids)
        return tuple(value)


class One2many(_X2many):
    """The records of ``comodel_name`` whose ``inverse_name`` many2one points here."""

    type = "one2many"
    extra_args = _X2many.extra_args | {"inverse_name"}

    def __init__(self, comodel_name: str | None = None, inverse_name: str | None = None,
                 string: str | None = None, **kwargs: Any):
        if inverse_name is not None:
            kwargs["inverse_name"] = inverse_name
        super().__init__(comodel_name, string, **kwargs)

    def _init_attributes(self) -> None:
        super()._init_attributes()
        self.inverse_name: str = self.args.get("inverse_name", "")

    def setup(self, model: type[BaseModel], registry: Registry) -> None:
        super().setup(model, registry)
        if self.related:
            return
        comodel = registry[self.comodel_name]
        inverse = comodel._fields.get(self.inverse_name)
        if inverse is None or inverse.type != "many2one" or inverse.comodel_name != model._name:
            raise self.model_error(
                f"inverse_name {self.inverse_name!r} must be a many2one of {self.comodel_name} to {model._name}"
            )
        self.inverse_field = inverse
        if inverse.store and not inverse.index:
            inverse.index = True  # one2many reads search by it


class Many2many(_X2many):
    """Records of ``comodel_name`` linked through the ``relation`` table (``column1`` -> here, ``column2`` -> there)."""

    type = "many2many"
    extra_args = _X2many.extra_args | {"relation", "column1", "column2"}

    def _init_attributes(self) -> None:
        super()._init_attributes()
        self.copy = self.args.get("copy", True)

    def __init__(self, comodel_name: str | None = None, relation: str | None = None,
                 column1: str | None = None, column2: str | None = None,
                 string: str | None = None, **kwargs: Any):
        for key, value in (("relation", relation), ("column1", column1), ("column2", column2)):
            if value is not None:
                kwargs[key] = value
        super().__init__(comodel_name, string, **kwargs)

    def setup(self, model: type[BaseModel], registry: Registry) -> None:
        super().setup(model, registry)
        if self.related:
            return
        table, cotable = model._table, registry[self.comodel_name]._table
        self.model_table, self.comodel_table = table, cotable
        self.relation = self.args.get("relation") or "_".join(sorted((table, cotable))) + "_rel"
        self.column1 = self.args.get("column1") or f"{table}_id"
        self.column2 = self.args.get("column2") or f"{cotable}_id"
        if self.column1 == self.column2:
            raise self.model_error("a many2many between a model and itself needs column1 and column2")

    def relation_table(self, metadata: sa.MetaData) -> sa.Table:
        """The relation table, created in ``metadata`` if it is not there yet."""
        if self.relation in metadata.tables:
            return metadata.tables[self.relation]
        return sa.Table(
            self.relation,
            metadata,
            sa.Column(self.column1, sa.Integer, sa.ForeignKey(f"{self.model_table}.id", ondelete="CASCADE"),
                      primary_key=True),
            sa.Column(self.column2, sa.Integer, sa.ForeignKey(f"{self.comodel_table}.id", ondelete="CASCADE"),
                      primary_key=True, index=True),
            info={"addon": self.addon, "relation_of": f"{self.model_name}.{self.name}"},
        )
