"""Custom fields: fields an administrator adds to a model at run time (Odoo's manual fields).

A custom field is an ``ir.model.fields`` row with ``state = "manual"``; its
name starts with ``x_``. The kernel composes those rows as a last layer of
the registry (:func:`manual_layers`, read at every registry build: install,
upgrade, a worker's reload), so the field survives upgrades and reaches every
process. Adding one (:func:`add_custom_field`), in the caller's transaction:

    row -> registry rebuilt -> column (the schema sync, Alembic) -> form and list
    view extensions regenerated -> registry sequence bumped (other workers reload)

Removing one does the reverse and drops its column. ``erp field add|remove``
and the Fields screen (Settings -> Technical -> Fields) both come here.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .exceptions import ValidationError
from .hints import model_hint
from .loading import bump_registry_sequence
from .orm import fields as F
from .orm.column_defaults import fill_defaults
from .orm.models import Model
from .orm.ownership import model_digests, sync_model_records
from .orm.schema import Owned, drop_owned, sync_schema

if TYPE_CHECKING:
    from .orm.env import Environment

FIELD_TYPES: dict[str, type[F.Field]] = {
    "char": F.Char, "text": F.Text, "integer": F.Integer, "float": F.Float, "decimal": F.Decimal,
    "boolean": F.Boolean, "date": F.Date, "selection": F.Selection, "many2one": F.Many2one,
}
NAME = re.compile(r"^x_[a-z0-9_]+$")
VIEW_NAME = "{model}.custom_fields.{view_type}"
VIEW_SOURCE = "custom fields"


def _field(row: Any) -> F.Field:
    """The field definition a ``manual`` row describes."""
    label = row["field_description"] or row["name"]
    if row["ttype"] == "selection":
        return F.Selection([tuple(pair) for pair in json.loads(row["selection"] or "[]")], label)
    if row["ttype"] == "many2one":
        return F.Many2one(row["relation"], label, ondelete="set null")
    return FIELD_TYPES[row["ttype"]](label)


def manual_layers(connection: sa.Connection, layers: list[tuple[str, list[type]]]) -> list[tuple[str, list[type]]]:
    """One extension class per model holding custom fields, as layers of the model's addon; rows of models
    (or comodels) the other layers do not define are left out (their addon is not installed)."""
    inspector = sa.inspect(connection)
    if not inspector.has_table("ir_model_fields"):
        return []
    columns = {column["name"] for column in inspector.get_columns("ir_model_fields")}
    if not {"state", "selection"} <= columns:  # a database whose base predates custom fields
        return []
    owner = {vars(cls)["_name"]: addon for addon, classes in layers for cls in classes if vars(cls).get("_name")}
    table = sa.table("ir_model_fields", *(sa.column(name) for name in
                                          ("model", "name", "ttype", "field_description", "relation", "selection",
                                           "state")))
    rows = connection.execute(sa.select(table).where(table.c.state == "manual").order_by(table.c.model, table.c.name))
    by_model: dict[str, dict[str, F.Field]] = {}
    for row in rows.mappings():
        if row["model"] in owner and row["ttype"] in FIELD_TYPES and (
                row["ttype"] != "many2one" or row["relation"] in owner):
            by_model.setdefault(row["model"], {})[row["name"]] = _field(row)
    result: dict[str, list[type]] = {}
    for model, fields in by_model.items():
        extension = type(f"Custom_{model.replace('.', '_')}", (Model,), {"_inherit": model, **fields,
                                                                        "__module__": __name__})
        result.setdefault(owner[model], []).append(extension)
    return list(result.items())


def check_new_field(env: Environment, model: str, name: str, ttype: str, selection: list[tuple[str, str]] | None,
                    relation: str | None) -> None:
    """Refuse a custom field that cannot be made, saying what is wrong; changes nothing."""
    registry = env.registry
    if model not in registry:
        raise ValidationError(f"unknown model {model!r}{model_hint(model, registry.models)}", code="MODEL_UNKNOWN",
                              field="model")
    cls = registry[model]
    if cls._abstract or cls._transient or cls._table_query or not cls._auto:
        raise ValidationError(f"model {model!r} has no table of its own: custom fields go on stored models",
                              code="FIELD_MODEL_UNSUITABLE", field="model")
    if not NAME.match(name or "") or keyword.iskeyword(name):
        raise ValidationError(f"custom field name {name!r} must start with 'x_' followed by lower-case letters, "
                              "digits or '_' (e.g. x_loyalty_level)", code="FIELD_NAME_INVALID", field="name")
    if name in cls._fields:
        raise ValidationError(f"model {model!r} already has a field {name!r}", code="FIELD_EXISTS", field="name")
    if ttype not in FIELD_TYPES:
        raise ValidationError(f"unknown field type {ttype!r}: one of {', '.join(FIELD_TYPES)}",
                              code="FIELD_TYPE_INVALID", field="ttype")
    if ttype == "selection" and not selection:
        raise ValidationError("a selection field needs its values, e.g. 'gold:Gold,silver:Silver'",
                              code="FIELD_SELECTION_MISSING", field="selection")
    if ttype == "many2one" and (not relation or relation not in registry or registry[relation]._abstract):
        raise ValidationError(f"a many2one field needs a stored related model, not {relation!r}"
                              f"{model_hint(relation or '', registry.models)}", code="FIELD_RELATION_INVALID",
                              field="relation")
    if ttype != "many2one" and relation:
        raise ValidationError("only a many2one field takes a related model", code="FIELD_RELATION_INVALID",
                              field="relation")


def parse_selection(text: str | None) -> list[tuple[str, str]]:
    """``"gold:Gold,silver:Silver"`` (or a JSON list of pairs) as ``[(value, label)]``; bad text is refused."""
    if not text or not text.strip():
        return []
    if text.strip().startswith("["):
        try:
            pairs = [(str(value), str(label)) for value, label in json.loads(text)]
        except (ValueError, TypeError):
            raise ValidationError(f"selection {text!r}: a JSON list of [value, label] pairs was expected",
                                  code="FIELD_SELECTION_INVALID", field="selection") from None
    else:
        pairs = []
        for item in text.split(","):
            value, _, label = item.partition(":")
            if not value.strip():
                raise ValidationError(f"selection {text!r}: each item is value:Label", code="FIELD_SELECTION_INVALID",
                                      field="selection")
            pairs.append((value.strip(), label.strip() or value.strip()))
    if len({value for value, _ in pairs}) != len(pairs):
        raise ValidationError(f"selection {text!r}: a value appears twice", code="FIELD_SELECTION_INVALID",
                              field="selection")
    return pairs


def add_custom_field(env: Environment, model: str, name: str, ttype: str, label: str | None = None,
                     selection: str | None = None, relation: str | None = None) -> Any:
    """Add the custom field ``name`` to ``model``: its row, its column, its place in the form and list views.
    Returns the ``ir.model.fields`` row; a bad request raises :class:`ValidationError` and changes nothing."""
    pairs = parse_selection(selection)
    check_new_field(env, model, name, ttype, pairs, relation or None)
    fields_model = env["ir.model.fields"].sudo()
    model_row = env["ir.model"].sudo().search([("model", "=", model)], limit=1)
    table = str(env.registry[model]._table)
    fields_model._insert_manual({
        "model_id": model_row.id, "model": model, "name": name, "ttype": ttype, "state": "manual",
        "field_description": label or name[2:].replace("_", " ").capitalize(), "relation": relation or False,
        "selection": json.dumps(pairs) if pairs else False,
    })
    _rebuild(env)
    digests = model_digests(env)
    synced = sync_schema(env.connection, env.registry.metadata, only=[table])
    fill_defaults(env, synced.added_columns)
    sync_model_records(env, digests)
    regenerate_views(env, model)
    bump_registry_sequence(env.connection)
    return env["ir.model.fields"].sudo().search([("model", "=", model), ("name", "=", name)])


def remove_custom_field(env: Environment, model: str, name: str) -> None:
    """Remove the custom field ``name`` of ``model`` with its column and its place in the views."""
    rows = env["ir.model.fields"].sudo().search([("model", "=", model), ("name", "=", name)])
    if not rows:
        raise ValidationError(f"model {model!r} has no field {name!r}", code="FIELD_UNKNOWN", field="name")
    if rows.state != "manual":
        raise ValidationError(f"{model}.{name} is defined by addon {rows.addon!r}, not a custom field: only "
                              "custom (x_) fields are removed this way", code="FIELD_NOT_CUSTOM", field="name")
    table = str(env.registry[model]._table)
    rows._delete_manual()
    _rebuild(env)
    regenerate_views(env, model)
    digests = model_digests(env)
    drop_owned(env.connection, env.registry.metadata, Owned(columns={(table, name)}))
    sync_model_records(env, digests)
    bump_registry_sequence(env.connection)


def _rebuild(env: Environment) -> None:
    """The environment's registry composed again, with the custom fields as they are in its transaction."""
    env.transaction.registry = env.services.build_registry(env.connection)
    env.transaction.invalidate()


def regenerate_views(env: Environment, model: str) -> None:
    """One extension view per primary form and list view of ``model`` listing its custom fields (none left:
    the extensions are deleted)."""
    views = env["ir.ui.view"].sudo().with_context(active_test=False)
    views.search([("model", "=", model), ("source", "=", VIEW_SOURCE)]).unlink()
    names = [name for _, name, _ in custom_fields(env, [model]) if name in env.registry[model]._fields]
    if not names:
        return
    for primary in views.search([("model", "=", model), ("type", "in", ["form", "list"]), ("inherit_id", "=", False)]):
        inner = "".join(f'<field name="{name}"/>' for name in names)
        if primary.type == "form":
            inner = f'<group name="custom_fields" string="Custom Fields">{inner}</group>'
        views.create({"name": VIEW_NAME.format(model=model, view_type=primary.type), "model": model,
                      "type": primary.type, "inherit_id": primary.id, "mode": "extension", "priority": 99,
                      "source": VIEW_SOURCE, "arch": f'<xpath expr="/*" position="inside">{inner}</xpath>'})


def custom_fields(env: Environment, models: Iterable[str] | None = None) -> list[tuple[str, str, str]]:
    """``(model, name, type)`` of the custom fields (of ``models``), for ``erp field list``."""
    domain: list[Any] = [("state", "=", "manual")]
    if models is not None:
        domain.append(("model", "in", list(models)))
    return [(row.model, row.name, row.ttype) for row in env["ir.model.fields"].sudo().search(domain)]
