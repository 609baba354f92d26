"""Who owns which table and column: ``ir.model`` and ``ir.model.fields`` kept in step with the registry.

After every schema sync the rows are compared with the registry and only the
differences are written (a few hundred rows are created once, by ``base``;
later addons add theirs).  The rows outlive the registry that produced them,
which is what uninstalling needs: once the registry is rebuilt without the
addon, the rows it owned whose model or field is gone name exactly the
tables, columns and relation tables to drop (:func:`owned_by`).

An ``ir.model`` row also records a digest of the model's tables as synced,
so that the next sync compares with the database only the tables whose
definition changed (:func:`stale_tables`); an ``ir.model.fields`` row records
its column's full type, which the database may not show
(:func:`check_hidden_type_changes`).

Every ``ir.model`` row also gets the external id ``<addon>.model_<model>``
(``noupdate``, so that an upgrade's data step leaves it), which data files use
to refer to models, e.g. in ``ir.model.access.csv``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from ..exceptions import SchemaError
from .schema import Owned, managed_tables, table_digests, type_signature

if TYPE_CHECKING:
    from .env import Environment
    from .fields import Field
    from .models import BaseModel

MODEL_KEYS = ("model", "name", "table", "addon", "modules", "abstract", "schema_digest")
FIELD_KEYS = (
    "model_id", "model", "name", "field_description", "ttype", "relation", "relation_table", "column_name",
    "column_type", "store", "required", "readonly", "addon",
)


def model_xmlid(model: str) -> str:
    """The name part of a model's external id, as Odoo spells it: ``model_res_partner``."""
    return "model_" + model.replace(".", "_")


def _tables_by_model(metadata: sa.MetaData) -> dict[str, list[str]]:
    """Each model's managed tables: its own and the relation tables of its many2many fields."""
    tables: dict[str, list[str]] = {}
    for name, table in managed_tables(metadata).items():
        model = table.info.get("model") or table.info["relation_of"].rsplit(".", 1)[0]
        tables.setdefault(model, []).append(name)
    return tables


def model_digests(env: Environment) -> dict[str, str]:
    """Each model's digest of its tables (see :func:`~.schema.table_digests`)."""
    metadata = env.registry.metadata
    digests = table_digests(metadata, env.connection.dialect)
    return {
        model: hashlib.sha1(" ".join(digests[name] for name in sorted(names)).encode()).hexdigest()
        for model, names in _tables_by_model(metadata).items()
    }


def stale_tables(env: Environment, digests: dict[str, str]) -> set[str]:
    """The tables of the models whose definition changed since the last sync (or that have no row yet)."""
    synced = {row.model: row.schema_digest for row in _rows(env, "ir.model", MODEL_KEYS)}
    tables = _tables_by_model(env.registry.metadata)
    return {name for model, digest in digests.items() if synced.get(model) != digest for name in tables[model]}


def _model_values(model: type[BaseModel], tables: dict[str, sa.Table], digest: str | None) -> dict[str, Any]:
    """An ``ir.model`` row; ``table`` is the model's table or SQL view (dropped with it on uninstall)."""
    return {
        "model": model._name,
        "name": model._description or model._name,
        "table": model._table if not model._abstract and model._table in tables else False,
        "addon": model._addon,
        "modules": ", ".join(model._layers),
        "abstract": bool(model._abstract),
        "schema_digest": digest or False,
    }


def _field_values(field: Field, model_id: int) -> dict[str, Any]:
    relation_table = getattr(field, "relation", None) if field.type == "many2many" and field.store else None
    return {
        "model_id": model_id,
        "model": field.model_name,
        "name": field.name,
        "field_description": field.string,
        "ttype": field.type,
        "relation": getattr(field, "comodel_name", None) or False,
        "relation_table": relation_table or False,
        "column_name": field.column_name or False,
        "column_type": type_signature(field.sql_type()) if field.column_name else False,
        "store": bool(field.store),
        "required": bool(field.required),
        "readonly": bool(field.readonly),
        "addon": field.addon or False,
    }


def _same(stored: Any, wanted: Any) -> bool:
    """Compare a database value with an ORM value (``False`` is the ORM's empty)."""
    return (stored if stored not in (None, "") else False) == wanted


def _rows(env: Environment, model: str, keys: tuple[str, ...]) -> list[Any]:
    """The model's rows as stored; a column the database does not have yet (an older kernel) reads as NULL."""
    table = env[model]._sql
    inspector = sa.inspect(env.connection)
    if not inspector.has_table(table.name):
        return []
    present = {column["name"] for column in inspector.get_columns(table.name)}
    columns = [table.c[key] if key in present else sa.null().label(key) for key in keys]
    return list(env.execute(sa.select(table.c.id, *columns)))


def sync_model_records(env: Environment, digests: dict[str, str]) -> None:
    """Create, update and delete ``ir.model`` / ``ir.model.fields`` rows (and model xmlids) to match the registry."""
    registry = env.registry
    tables = registry.metadata.tables
    models = env["ir.model"].sudo().with_context(active_test=False)
    wanted = {name: _model_values(model, tables, digests.get(name)) for name, model in registry.models.items()}
    ids = _sync(models, wanted, {row.model: row for row in _rows(env, "ir.model", MODEL_KEYS)}, MODEL_KEYS)

    fields = env["ir.model.fields"].sudo().with_context(active_test=False)
    wanted_fields = {
        (name, field_name): _field_values(fld, ids[name])
        for name, model in registry.models.items()
        for field_name, fld in model._fields.items()
    }
    stored = {(row.model, row.name): row for row in _rows(env, "ir.model.fields", FIELD_KEYS)}
    _sync(fields, wanted_fields, stored, FIELD_KEYS)
    _sync_xmlids(env, ids)


def _sync(records: Any, wanted: dict[Any, dict[str, Any]], stored: dict[Any, Any],
          keys: tuple[str, ...]) -> dict[Any, int]:
    """Bring ``records``' rows to ``wanted`` (keyed alike with ``stored``); returns every key's id."""
    ids = {key: row.id for key, row in stored.items() if key in wanted}
    gone = [row.id for key, row in stored.items() if key not in wanted]
    if gone:
        records.browse(gone).unlink()
    for key, row in stored.items():
        values = wanted.get(key)
        if values is None:
            continue
        changed = {name: values[name] for name in keys if not _same(getattr(row, name), values[name])}
        if changed:
            records.browse(row.id).write(changed)
    missing = [key for key in wanted if key not in stored]
    if missing:
        created = records.create([wanted[key] for key in missing])
        ids.update(zip(missing, created.ids))
    return ids


def _sync_xmlids(env: Environment, ids: dict[str, int]) -> None:
    """Give every ``ir.model`` row its ``<addon>.model_<model>`` external id."""
    data = env["ir.model.data"].sudo()
    table = data._sql
    existing = {
        (row.module, row.name): row
        for row in env.execute(sa.select(table.c.id, table.c.module, table.c.name, table.c.res_id)
                               .where(table.c.model == "ir.model"))
    }
    create = []
    for model, record_id in ids.items():
        module, name = env.registry[model]._addon, model_xmlid(model)
        row = existing.get((module, name))
        if row is None:
            create.append({"module": module, "name": name, "model": "ir.model", "res_id": record_id, "noupdate": True})
        elif row.res_id != record_id:
            data.browse(row.id).write({"res_id": record_id})
    if create:
        data.create(create)
        env.transaction.xmlid_cache.clear()


def owned_by(env: Environment, addon: str) -> Owned:
    """What ``addon`` owned according to the rows, of models and fields the registry no longer has."""
    registry = env.registry
    models = _rows(env, "ir.model", MODEL_KEYS)
    tables = {row.model: row.table for row in models}
    owned = Owned()
    for row in models:
        if row.addon == addon and row.model not in registry and row.table:
            owned.tables.add(row.table)
    for row in _rows(env, "ir.model.fields", FIELD_KEYS):
        model = registry.models.get(row.model)
        if row.addon != addon or (model is not None and row.name in model._fields):
            continue
        if row.relation_table:
            owned.tables.add(row.relation_table)
        if row.column_name and tables.get(row.model):
            owned.columns.add((tables[row.model], row.column_name))
    return owned


def owned_while_installed(env: Environment, addons: Collection[str]) -> dict[str, Owned]:
    """What uninstalling ``addons`` together would drop, by addon, read before anything is removed.

    Tables of their models and their many2many relation tables; columns of
    their fields on the tables of models that stay.  SQL views are left out:
    they hold no data of their own.
    """
    models = _rows(env, "ir.model", MODEL_KEYS)
    tables = {row.model: row.table for row in models}
    leaving = {row.model for row in models if row.addon in addons}
    owned = {addon: Owned() for addon in addons}
    for row in models:
        if row.addon in addons and row.table:
            owned[row.addon].tables.add(row.table)
    for row in _rows(env, "ir.model.fields", FIELD_KEYS):
        if row.addon not in addons:
            continue
        if row.relation_table:
            owned[row.addon].tables.add(row.relation_table)
        elif row.column_name and row.model not in leaving and tables.get(row.model):
            owned[row.addon].columns.add((tables[row.model], row.column_name))
    existing = set(sa.inspect(env.connection).get_table_names())  # views are not listed
    for addon_owned in owned.values():
        addon_owned.tables &= existing
        addon_owned.columns = {(table, column) for table, column in addon_owned.columns if table in existing}
    return owned


def check_hidden_type_changes(env: Environment) -> None:
    """Refuse a type change the database cannot show, which the schema comparison would miss.

    A type decorator may store different values in the same SQL type: on
    SQLite a decimal is an integer scaled by its digits, so changing the
    digits would silently rescale every value.  The recorded type of each
    column tells.
    """
    if env.connection.dialect.name != "sqlite":
        return  # other databases show every parameter of the types the kernel uses
    models = env.registry.models
    changed = []
    for row in _rows(env, "ir.model.fields", FIELD_KEYS):
        field = models[row.model]._fields.get(row.name) if row.model in models else None
        if not (row.column_type and field is not None and field.column_name == row.column_name):
            continue
        type_ = field.sql_type()
        if isinstance(type_, TypeDecorator) and type_signature(type_) != row.column_type:
            column = f"{models[row.model]._table}.{row.column_name}"
            changed.append(f"{column} from {row.column_type} to {type_signature(type_)}")
    if changed:
        raise SchemaError(
            f"refusing to change the type of column(s) {', '.join(changed)}: existing values would be misread; "
            "keep the field's type, or add a field and move the values with a migration script"
        )
