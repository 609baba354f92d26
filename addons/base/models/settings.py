"""Base's section of the Settings screen: the contacts' rules and the company's currency."""

from __future__ import annotations

from kernel import TransientModel, fields

from .partner import UNIQUE_NAMES_PARAMETER


class BaseSettings(TransientModel):
    _inherit = "res.config.settings"

    partner_unique_names = fields.Boolean(
        "Unique Partner Names", config_parameter=UNIQUE_NAMES_PARAMETER,
        help="Refuse a partner whose name another partner has already (case and spaces aside)")
    company_currency_id = fields.Many2one(
        "res.currency", "Company Currency", related="company_id.currency_id", readonly=False,
        help="The currency of the company you are working in")
