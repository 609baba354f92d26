"""SQLAlchemy tables built from the composed registry.

One :class:`~sqlalchemy.MetaData` per registry, with the kernel's naming
convention; every table and column carries ``info["addon"]``, the addon that
introduced it, so that uninstalling an addon knows what it owned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..db import NAMING_CONVENTION

if TYPE_CHECKING:
    from .models import BaseModel
    from .registry import Registry


def build_metadata(registry: Registry) -> sa.MetaData:
    """Tables for every concrete model with ``_auto``, plus many2many relation tables."""
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    for model in registry.concrete_models():
        if model._auto:
            _model_table(model, metadata)
    for model in registry.concrete_models():
        for field in model._fields.values():
            if field.type == "many2many" and field.store and field.relation not in metadata.tables:
                field.relation_table(metadata)
    for model in registry.concrete_models():
        if not model._auto:
            _view_table(model, metadata)
    return metadata


def _model_table(model: type[BaseModel], metadata: sa.MetaData) -> sa.Table:
    columns: list[sa.Column] = []
    for field in model._fields.values():
        columns.extend(field.columns())
    table = sa.Table(model._table, metadata, *columns, info={"addon": model._addon, "model": model._name})
    for field in model._fields.values():
        if field.unique and field.column_name:
            sa.Index(None, table.c[field.column_name], unique=True)
    for names in model._unique:
        sa.Index(None, *(table.c[model._fields[name].column_name] for name in names), unique=True)
    for field in model._fields.values():
        per: tuple[str, ...] = getattr(field, "unique_per", ())
        if per:
            flag = table.c[str(field.column_name)]
            keys = [table.c[str(model._fields[name].column_name)] for name in per]
            sa.Index(None, *keys, flag, unique=True, sqlite_where=flag.is_(True), postgresql_where=flag.is_(True))
    return table


def _view_table(model: type[BaseModel], metadata: sa.MetaData) -> sa.Table:
    """A table object describing a SQL view (``_auto = False``): queried, never compared as a table.

    With a ``_table_query`` the schema sync creates the view (:mod:`.sql_views`).
    """
    columns = [column for field in model._fields.values() for column in field.columns()]
    bare = [sa.Column(c.name, c.type, primary_key=c.primary_key, info=dict(c.info)) for c in columns]
    info = {"addon": model._addon, "model": model._name, "view": True, "query": model._table_query}
    return sa.Table(model._table, metadata, *bare, info=info)
