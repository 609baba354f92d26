"""What a supplier sells under: payment terms, its price list and the payable account per company.

Payable accounts follow the same currency rule as customers' receivable
accounts (``PARTY_ACCOUNT_CURRENCY_MISMATCH``): both inherit base's
``party.account.mixin``, where the rule is written once.
"""

from __future__ import annotations

from kernel import Model, api, fields
from kernel.exceptions import ValidationError


class PaymentTerm(Model):
    """When a bill is due: ``days`` after the bill's date (0: immediately)."""

    _name = "payment.term"
    _description = "Payment Terms"
    _order = "days, name"

    name = fields.Char("Payment Terms", required=True, translate=True)
    days = fields.Integer("Due After (Days)", default=0)
    note = fields.Text("Description", translate=True)
    active = fields.Boolean("Active", default=True)

    @api.constrains("days")
    def _check_days(self) -> None:
        for term in self:
            if term.days < 0:
                raise ValidationError(self.env._("Payment terms %(name)s: the number of days cannot be negative",
                                                 name=repr(term.name)), code="PAYMENT_TERM_INVALID", field="days")


class PurchasePricelist(Model):
    _name = "purchase.pricelist"
    _inherit = "party.currency.mixin"
    _description = "Supplier Price List"
    _order = "name"

    name = fields.Char("Price List Name", required=True, translate=True)
    currency = fields.Char("Currency", size=3, help="ISO 4217 code")
    active = fields.Boolean("Active", default=True)


class SupplierAccount(Model):
    """The payable account a supplier is paid from in one company; its currency is the supplier's."""

    _name = "supplier.account"
    _inherit = "party.account.mixin"
    _description = "Supplier Payable Account"

    partner_id = fields.Many2one("basepartner", "Supplier", required=True, ondelete="cascade", index=True)
    account_code = fields.Char("Payable Account", required=True, size=64)
