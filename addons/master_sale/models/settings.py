"""Sales' section of the Settings screen."""

from __future__ import annotations

from kernel import TransientModel, fields

from .sale_order import CREDIT_CHECK_PARAMETER


class SaleSettings(TransientModel):
    _inherit = "res.config.settings"

    sale_credit_check = fields.Boolean(
        "Check Credit Limits", default=True, config_parameter=CREDIT_CHECK_PARAMETER,
        help="Refuse to confirm a sales order that takes its customer over the credit limit of the company")
