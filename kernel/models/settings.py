"""The Settings screen's model: each addon adds its settings as fields of ``res.config.settings``.

A settings field is stored in one of two places, per field:

* ``config_parameter="addon.key"``: an ``ir.config_parameter`` value, as text
  (booleans ``True``/``False``, numbers as written, a many2one as its id);
* ``related="company_id.x"`` (``readonly=False``): a field of the user's current company.

Opening the screen makes a record (a transient one: its values read from the
parameters and the company); its Save button (:meth:`ResConfigSettings.execute`)
writes the parameters back. Code reads a setting with the typed helpers of
``ir.config_parameter`` (``get_bool``, ``get_int``, ``get_float``, ``get_param``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..orm import api, fields
from ..orm.fields.base import Field
from ..orm.models import TransientModel
from .ir_model import parse_bool, parse_number

def from_text(model: Any, field: Field, key: str, text: str | None) -> Any:
    """The value a settings field shows for a parameter's text (the field's default when the parameter is unset)."""
    env = model.env
    if text is None:
        if field.default is not None:
            return field.default_value(model)
        return 0 if field.type in ("integer", "float") else False
    if field.type == "boolean":
        return parse_bool(key, text)
    if field.type == "integer":
        return parse_number(key, text, int)
    if field.type == "float":
        return parse_number(key, text, float)
    if field.type == "many2one":
        record_id = parse_number(key, text, int) if text.strip() else 0
        return env[field.comodel_name].sudo().browse(int(record_id)).exists().id or False  # type: ignore[attr-defined]
    return text


def to_text(value: Any, field: Field) -> str:
    """The parameter's text for a settings field's value."""
    if field.type == "boolean":
        return "True" if value else "False"
    if field.type == "many2one":
        return str(value.id) if value else ""
    if value is False or value is None:
        return ""
    return str(value)


class ResConfigSettings(TransientModel):
    """One Settings screen; each addon's section is a group its view extension adds to the form."""

    _name = "res.config.settings"
    _description = "Settings"

    company_id = fields.Many2one("res.company", "Company", required=True, ondelete="cascade",
                                 default=lambda self: self._settings_company().id)

    @api.model
    def _settings_company(self) -> Any:
        """The company whose fields the screen shows: the user's current one (the first company for the
        superuser, who has none)."""
        return self.env.company or self.env["res.company"].sudo().search([], limit=1)

    def _parameter_fields(self) -> dict[str, tuple[Field, str]]:
        return {name: (field, field.args["config_parameter"]) for name, field in self._fields.items()
                if field.args.get("config_parameter")}

    @api.model
    def default_get(self, fields_list: Sequence[str]) -> dict[str, Any]:
        """The current settings: parameters as typed values, company fields from the current company."""
        values = super().default_get(fields_list)
        params = self.env["ir.config_parameter"].sudo()
        stored = self._parameter_fields()
        company = self._settings_company()
        for name in fields_list:
            if name in stored:
                field, key = stored[name]
                values[name] = from_text(self, field, key, params.get_param(key))
            related = self._fields[name].related if name in self._fields else None
            if related and related.startswith("company_id.") and company:
                value = company[related.split(".", 1)[1]]
                values[name] = value.id if self._fields[name].type == "many2one" else value
        return values

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        """A settings record not given a setting starts from its current value (so Save keeps it)."""
        many = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        names = [name for name in self._parameter_fields()]
        current = self.default_get(names) if names else {}
        return super().create([{**{k: v for k, v in current.items() if k not in vals}, **vals} for vals in many])

    def execute(self) -> None:
        """Save: write every parameter setting (company settings were written to the company already)."""
        self.ensure_one()
        params = self.env["ir.config_parameter"].sudo()
        for name, (field, key) in self._parameter_fields().items():
            params.set_param(key, to_text(self[name], field))
