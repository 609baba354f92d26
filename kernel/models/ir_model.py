"""Metadata as models: addons (``ir.module``), models, fields, external ids, parameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..exceptions import AccessError, ValidationError
from ..orm import api, fields
from ..orm.models import Model

MODULE_STATES = [
    ("uninstalled", "Not Installed"),
    ("installed", "Installed"),
    ("to install", "To Install"),
    ("to upgrade", "To Upgrade"),
    ("to remove", "To Remove"),
]


TRUE_TEXTS = frozenset({"1", "true", "yes", "on"})
FALSE_TEXTS = frozenset({"", "0", "false", "no", "off"})


def parse_bool(key: str, text: str) -> bool:
    """A parameter's text as a boolean; anything but the usual spellings is refused, naming the key."""
    lowered = text.strip().lower()
    if lowered in TRUE_TEXTS or lowered in FALSE_TEXTS:
        return lowered in TRUE_TEXTS
    raise ValidationError(f"setting {key!r}: {text!r} is not a yes/no value (true, false, 1, 0)",
                          code="SETTING_INVALID")


def parse_number(key: str, text: str, kind: type[int] | type[float]) -> int | float:
    """A parameter's text as a number; a value that is not one is refused, naming the key."""
    try:
        return kind(text.strip())
    except ValueError:
        raise ValidationError(f"setting {key!r}: {text!r} is not {'an integer' if kind is int else 'a number'}",
                              code="SETTING_INVALID") from None


class IrModule(Model):
    """An addon known to the database; its state changes only through the kernel's lifecycle."""

    _name = "ir.module"
    _description = "Addon"
    _table = "ir_module"
    _order = "name"
    _log_access = False

    name = fields.Char("Technical Name", required=True, size=64, unique=True)
    state = fields.Selection(MODULE_STATES, "Status", required=True, default="uninstalled")
    version = fields.Char("Installed Version", size=32)
    write_date = fields.Datetime("Last Updated on", readonly=True)
    shortdesc = fields.Char("Name", compute="_compute_manifest")
    summary = fields.Char("Summary", compute="_compute_manifest")
    category = fields.Char("Category", compute="_compute_manifest")
    latest_version = fields.Char("Latest Version", compute="_compute_manifest")
    application = fields.Boolean("Application", compute="_compute_manifest")

    def _compute_manifest(self) -> None:
        manifests = self.env.services.manifests
        for record in self:
            manifest = manifests.get(record.name)
            record.shortdesc = manifest.name if manifest else record.name
            record.summary = manifest.summary if manifest else ""
            record.category = manifest.category if manifest else ""
            record.latest_version = manifest.version if manifest else False
            record.application = manifest.application if manifest else False


class IrModel(Model):
    """One row per model of the registry, kept in step by the kernel (:mod:`kernel.orm.ownership`)."""

    _name = "ir.model"
    _description = "Model"
    _order = "model"

    model = fields.Char("Model", required=True, unique=True)
    name = fields.Char("Description")
    table = fields.Char("Table", help="The table the kernel manages; empty for abstract models and SQL views")
    addon = fields.Char("Defined by", help="The addon whose uninstallation drops the table")
    modules = fields.Char("In Addons", help="Every addon adding a layer to the model, in install order")
    abstract = fields.Boolean("Abstract")
    schema_digest = fields.Char(
        "Schema Digest", readonly=True,
        help="Digest of the model's tables as last synced: the sync compares only tables whose digest changed",
    )
    field_ids = fields.One2many("ir.model.fields", "model_id", "Fields")

    def unlink(self) -> bool:
        """Delete only the rows of models the registry no longer has: the others would come back at
        the next schema sync, and uninstalling an addon reads them to know which tables it owned."""
        registry = self.env.registry
        return super(IrModel, self.filtered(lambda row: row.model not in registry)).unlink()


class IrModelFields(Model):
    """One row per field of the registry; remembers the columns each addon owns."""

    _name = "ir.model.fields"
    _description = "Field"
    _order = "model, name"
    _unique = (("model", "name"),)

    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade", index=True)
    model = fields.Char("Model Name", required=True)
    name = fields.Char("Field Name", required=True)
    field_description = fields.Char("Label")
    ttype = fields.Char("Type")
    relation = fields.Char("Related Model")
    relation_table = fields.Char("Relation Table")
    column_name = fields.Char("Column")
    column_type = fields.Char("Column Type", help="The column's type with every parameter, even those the database "
                              "does not show (a decimal's scale, stored as a scaled integer on SQLite)")
    store = fields.Boolean("Stored")
    required = fields.Boolean("Required")
    readonly = fields.Boolean("Read-only")
    addon = fields.Char("Defined by", help="The addon whose uninstallation drops the column or relation table")
    state = fields.Selection([("base", "Defined by an addon"), ("manual", "Custom field")], "Type of Field",
                             default="base", required=True, readonly=True)
    selection = fields.Text("Selection Values", help="Of a custom selection field: value:Label pairs separated "
                            "by commas (gold:Gold,silver:Silver)")

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        """A row given ``state="manual"`` (the Fields screen's new custom field) adds the field to its model:
        column, views and all (:mod:`kernel.custom_fields`); the kernel's own rows are made as given."""
        many = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        default = self.env.context.get("default_state")
        if not any(vals.get("state", default) == "manual" for vals in many):
            return super().create(many)
        self.env.policy.check_create(self, many)
        made = self.browse()
        for vals in many:
            model = vals.get("model") or self.env["ir.model"].sudo().browse(vals.get("model_id") or []).model
            made |= self.env.services.add_custom_field(
                self.env, model or "", vals.get("name") or "", vals.get("ttype") or "",
                vals.get("field_description") or None, vals.get("selection") or None, vals.get("relation") or None)
        return made.with_env(self.env)

    def write(self, vals: Mapping[str, Any]) -> bool:
        """Rows describe the registry: only the kernel (the superuser) changes them; a custom field is
        added and removed, not edited."""
        if not self.env.su:
            raise AccessError("Fields are described by the kernel: add or remove a custom field, do not edit one",
                              code="FIELD_READONLY")
        return super().write(vals)

    def unlink(self) -> bool:
        """Deleting a custom field's row removes the field and its column; otherwise only the rows of fields
        the registry no longer has are deleted (see :meth:`IrModel.unlink`)."""
        models = self.env.registry.models
        custom = self.filtered(lambda row: row.state == "manual" and row.model in models
                               and row.name in models[row.model]._fields)
        if custom:
            self.env.policy.check_unlink(custom)
            for row in custom:
                self.env.services.remove_custom_field(self.env, row.model, row.name)
            models = self.env.registry.models
        gone = (self - custom).exists().filtered(
            lambda row: row.model not in models or row.name not in models[row.model]._fields)
        return super(IrModelFields, gone).unlink()

    def _insert_manual(self, vals: Mapping[str, Any]) -> Any:
        """The row of a new custom field (the field itself comes with the registry built next)."""
        return super().create([dict(vals)])

    def _delete_manual(self) -> None:
        """Delete custom fields' rows before the registry forgets them."""
        super(IrModelFields, self.sudo()).unlink()


class IrModelData(Model):
    """External ids: ``module.name`` -> a record, with ``noupdate`` for user-owned data."""

    _name = "ir.model.data"
    _description = "External Identifier"
    _order = "module, name"
    _rec_name = "name"
    _unique = (("module", "name"),)

    module = fields.Char("Addon", required=True, index=True)
    name = fields.Char("External Name", required=True)
    model = fields.Char("Model", required=True)
    res_id = fields.Integer("Record ID", index=True)
    noupdate = fields.Boolean("Not Updated on Upgrade", default=False)
    complete_name = fields.Char("Complete ID", compute="_compute_complete_name")

    def _compute_complete_name(self) -> None:
        for record in self:
            record.complete_name = f"{record.module}.{record.name}"

    @api.model
    def record_xmlid(self, module: str, name: str, record: Any, noupdate: bool = False) -> Any:
        """Point ``module.name`` at ``record`` (creating or moving the external id)."""
        existing = self.search([("module", "=", module), ("name", "=", name)], limit=1)
        values = {"model": record._name, "res_id": record.id, "noupdate": noupdate}
        if existing:
            existing.write(values)
        else:
            existing = self.create({"module": module, "name": name, **values})
        self.env.transaction.xmlid_cache.pop(f"{module}.{name}", None)
        return existing


class IrConfigParameter(Model):
    """Database-wide settings as key/value text."""

    _name = "ir.config_parameter"
    _description = "System Parameter"
    _table = "ir_config_parameter"
    _order = "key"
    _rec_name = "key"
    _log_access = False

    key = fields.Char("Key", required=True, unique=True, size=256)
    value = fields.Text("Value", required=True)

    @api.model
    def get_param(self, key: str, default: str | None = None) -> str | None:
        record = self.search([("key", "=", key)], limit=1)
        return record.value if record else default

    @api.model
    def get_bool(self, key: str, default: bool = False) -> bool:
        """A yes/no setting (``true``/``false``, ``1``/``0``, ``yes``/``no``, ``on``/``off``); a stored value
        that is none of these is refused, naming the key."""
        value = self.get_param(key)
        return default if value is None else parse_bool(key, value)

    @api.model
    def get_int(self, key: str, default: int = 0) -> int:
        value = self.get_param(key)
        return default if value is None or not value.strip() else int(parse_number(key, value, int))

    @api.model
    def get_float(self, key: str, default: float = 0.0) -> float:
        value = self.get_param(key)
        return default if value is None or not value.strip() else float(parse_number(key, value, float))

    @api.model
    def set_param(self, key: str, value: str | None) -> None:
        """Set ``key`` to ``value``; an empty value (``None``, ``""``) removes the parameter."""
        record = self.search([("key", "=", key)], limit=1)
        if value is None or value == "":
            record.unlink()
        elif record:
            record.value = value
        else:
            self.create({"key": key, "value": value})
