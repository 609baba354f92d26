"""Sales' section of the Settings screen."""

from __future__ import annotations

from kernel import TransientModel, fields

from .credit import CREDIT_CHECK_PARAMETER, MODES


class SaleSettings(TransientModel):
    _inherit = "res.config.settings"

    sale_credit_check = fields.Boolean(
        "Check Credit Limits", default=True, config_parameter=CREDIT_CHECK_PARAMETER,
        help="Check quotations and orders against their customer's credit limit with the company")
    sale_credit_limit_mode = fields.Selection(
        MODES, "When a Credit Limit Is Exceeded", related="company_id.credit_limit_mode", readonly=False,
        help="What happens in the company you are working in when a quotation or order exceeds a customer's credit "
             "limit: blocked, or let through with a warning")
