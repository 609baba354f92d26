"""Base's section of the Settings screen: the contacts' rules and the company's currency."""

from __future__ import annotations

from kernel import TransientModel, fields

from .partner import UNIQUE_NAMES_PARAMETER


class BaseSettings(TransientModel):
    _inherit = "res.config.settings"

    partner_unique_names = fields.Boolean(
        "Unique Partner Names", config_parameter=UNIQUE_NAMES_PARAMETER,
        help="Document 003's naming option. On: customers and suppliers are known by their name, which must be "
             "unique (case and spaces aside). Off: they are known by the code of their naming series (CS-0001, "
             "V00001) and names may repeat. Applies to partners created or renamed from then on.")
    company_currency_id = fields.Many2one(
        "res.currency", "Company Currency", related="company_id.currency_id", readonly=False,
        help="The currency of the company you are working in")
