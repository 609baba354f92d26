"""A minimal quotation → sales order with the customer checks of document 003.

States: ``draft`` (quotation) → ``sale`` (sales order) → ``cancel``, changed
only by the buttons (``state`` is read-only for clients; REST clients call
them as ``POST /api/v1/sale.order/<id>/<button>``).  An archived, disabled or
frozen customer gets no new quotation nor order; creating a quotation and
confirming it check the customer's credit limit for the order's company
(:mod:`.credit`: blocked or warned per the company's setting), and an order
without a company is not confirmed at all.  On PostgreSQL the customer's row
is locked while checking, so two concurrent confirmations cannot both slip
under the limit.  Marking an order paid (which frees credit) needs the
Sales / Payments group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from kernel import Model, api, fields
from kernel.addons.base.models.address import recompute_missing
from kernel.db import utcnow
from kernel.exceptions import AccessError, UserError
from kernel.security import in_groups

from .addresses import check_order_addresses, customer_addresses, fill_addresses
from .credit import check_credit, excesses

STATES = [("draft", "Quotation"), ("sale", "Sales Order"), ("cancel", "Cancelled")]
TRANSITIONS = {"sale": {"draft"}, "cancel": {"draft", "sale"}, "draft": {"cancel"}}
BLOCKED = 403
PAYMENT_GROUPS = "master_sale.group_sale_payment,base.group_system"  # who may mark orders paid or unpaid


def _default_company(model: Any) -> Any:
    """The company the user works in now (the company switcher's choice)."""
    return model.env.company.id or False


class SaleOrder(Model):
    _name = "sale.order"
    _description = "Sales Order"
    _order = "date_order desc, id desc"
    _api_actions = {"action_confirm": "Confirm the quotation (credit and customer checks)",
                    "action_cancel": "Cancel the quotation or order", "action_draft": "Reset a cancelled order"}

    name = fields.Char("Order Reference", required=True, readonly=True, copy=False, default="New", index=True)
    partner_id = fields.Many2one("basepartner", "Customer", required=True, ondelete="restrict", index=True)
    commercial_partner_id = fields.Many2one("basepartner", "Customer Entity", related="partner_id.commercial_partner_id",
                                            store=True, index=True, readonly=True,
                                            help="The company of a contact person: its credit and codes count")
    partner_invoice_id = fields.Many2one("basepartneraddress", "Invoice Address", ondelete="restrict",
                                         help="An address of the customer or of its company")
    partner_shipping_id = fields.Many2one("basepartneraddress", "Delivery Address", ondelete="restrict",
                                          help="An address of the customer or of its company")
    company_id = fields.Many2one("res.company", "Company", ondelete="restrict", index=True, default=_default_company)
    date_order = fields.Datetime("Order Date", required=True, default=lambda model: utcnow())
    state = fields.Selection(STATES, "Status", required=True, default="draft", readonly=True, copy=False)
    order_line = fields.One2many("sale.order.line", "order_id", "Order Lines")
    amount_total = fields.Monetary("Total", compute="_compute_amount_total", store=True)
    is_paid = fields.Boolean("Paid", copy=False, help="Paid orders no longer count against the credit limit")
    pricelist_id = fields.Many2one("sale.pricelist", "Price List", ondelete="restrict",
                                   help="The customer's default price list when chosen")
    currency = fields.Char("Currency", size=3, help="ISO 4217 code; the customer's default currency when chosen")
    credit_warning = fields.Text("Credit Warning", compute="_compute_credit_warning",
                                 help="Shown while the quotation takes its customer over the credit limit")

    @api.depends("order_line.price_subtotal")
    def _compute_amount_total(self) -> None:
        for order in self:
            order.amount_total = sum((line.price_subtotal for line in order.order_line), start=Decimal(0))

    @api.depends("partner_id", "company_id", "amount_total", "state")
    def _compute_credit_warning(self) -> None:
        for order in self:
            found = excesses(order) if order.state == "draft" and order.id else []
            order.credit_warning = found[0].message() if found else False

    @api.onchange("partner_id")
    def _onchange_partner_id(self) -> dict[str, Any] | None:
        """Fill the customer's price list and currency; warn at once when the customer is frozen (saving
        would be refused)."""
        partner = self.partner_id
        if not partner:
            return None
        self.pricelist_id = partner.default_price_list
        self.partner_invoice_id, self.partner_shipping_id = customer_addresses(partner)
        self.currency = partner.default_currency or partner.default_price_list.currency or False
        if partner.customer_is_frozen:
            return {"warning": {
                "title": self.env._("Customer frozen"),
                "message": self.env._("Customer %(name)s is frozen: this quotation cannot be saved for them.",
                                      name=partner.name),
            }}
        return None

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        many = [dict(vals) for vals in ([vals_list] if isinstance(vals_list, Mapping) else vals_list)]
        if any(vals.get("is_paid") for vals in many):
            self._check_payment_rights()
        check_can_sell(self.env["basepartner"].browse([v["partner_id"] for v in many if v.get("partner_id")]))
        sequences = self.env["ir.sequence"].sudo()
        fill_addresses(self.env, many)
        for vals in many:
            if vals.get("name", "New") == "New":
                vals["name"] = sequences.next_by_code("sale.order", company_id=vals.get("company_id") or None)
        orders = super().create(many)
        for order in orders.filtered(lambda order: order.amount_total > 0):
            check_credit(order)  # 003: checked when created too; each quotation is its own transaction
        return orders

    def write(self, vals: Mapping[str, Any]) -> bool:
        if "state" in vals and any(order.state != vals["state"] for order in self):
            raise UserError("Sales Order: change the status with its buttons (confirm, cancel, reset)",
                            code="SALE_STATE")
        if "is_paid" in vals and any(order.is_paid != bool(vals["is_paid"]) for order in self):
            self._check_payment_rights()
        if vals.get("partner_id"):
            if self.filtered(lambda order: order.state != "draft"):
                raise UserError("Sales Order: only a quotation can change customer", code="SALE_STATE")
            check_can_sell(self.env["basepartner"].browse(vals["partner_id"]))
        return super().write(vals)

    @api.constrains("partner_id", "partner_invoice_id", "partner_shipping_id")
    def _check_addresses(self) -> None:
        check_order_addresses(self)

    def complete_commercial_partner(self) -> None:
        """Orders from before contact persons existed get their customer's commercial partner (install and
        upgrade run it; superuser only)."""
        recompute_missing(self, "commercial_partner_id")

    def _check_payment_rights(self) -> None:
        """Paid orders stop counting against the credit limit: only the payment group says an order is paid."""
        if not self.env.su and not in_groups(self.env, PAYMENT_GROUPS):
            raise AccessError(self.env._("Sales Order: only users of the group Sales / Payments mark orders paid "
                                         "or unpaid"), code="SALE_PAYMENT_GROUP", field="is_paid")

    def _move_to(self, state: str) -> None:
        for order in self:
            if order.state not in TRANSITIONS[state]:
                raise UserError(
                    f"Sales Order {order.name}: cannot go from {dict(STATES)[order.state]} to {dict(STATES)[state]}",
                    code="SALE_STATE",
                )
        super().write({"state": state})

    def action_confirm(self) -> dict[str, Any]:
        """Turn quotations into sales orders after the freeze and credit checks."""
        for order in self:
            if order.state not in TRANSITIONS["sale"]:
                raise UserError(f"Sales Order {order.name}: only a quotation can be confirmed", code="SALE_STATE")
        for order in self:
            if not order.company_id:
                raise UserError(self.env._("Sales Order %(name)s: set its company before confirming it (credit "
                                           "limits are per company)", name=order.name),
                                code="SALE_COMPANY_REQUIRED", field="company_id")
        check_can_sell(self.mapped("partner_id"))
        warnings = check_credit(self)
        self._move_to("sale")
        return {"state": "sale", "warnings": warnings}

    def action_cancel(self) -> dict[str, Any]:
        self._move_to("cancel")
        return {"state": "cancel", "warnings": []}

    def action_draft(self) -> dict[str, Any]:
        self._move_to("draft")
        return {"state": "draft", "warnings": []}

def check_can_sell(partners: Any) -> None:
    """No new quotation or order for an archived, disabled or frozen customer (403, each its code)."""
    partners.check_party_active(partners.env._("sales orders"))
    for partner in partners:
        if partner.customer_disabled:
            raise UserError(partners.env._("Customer %(name)s is disabled: no new quotations or sales orders",
                                           name=repr(partner.name)), code="PARTY_CUSTOMER_DISABLED", status=BLOCKED)
        if partner.customer_is_frozen:
            raise UserError(f"Customer {partner.name!r} is frozen: no new sales orders", code="PARTY_CUSTOMER_FROZEN",
                            status=BLOCKED)


class SaleOrderLine(Model):
    _name = "sale.order.line"
    _description = "Sales Order Line"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("sale.order", "Order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", related="order_id.company_id", store=True, readonly=True,
                                 index=True)  # ruled by the order's company
    sequence = fields.Integer("Sequence", default=10)
    name = fields.Char("Description", required=True)
    product_uom_qty = fields.Decimal("Quantity", digits=(16, 3), default=1)
    price_unit = fields.Monetary("Unit Price", default=0)
    price_subtotal = fields.Monetary("Subtotal", compute="_compute_price_subtotal", store=True)

    @api.onchange("product_uom_qty")
    def _onchange_product_uom_qty(self) -> dict[str, Any] | None:
        """Warn while typing a negative quantity: it takes the line off the total."""
        if self.product_uom_qty is not None and self.product_uom_qty < 0:
            return {"warning": {
                "title": self.env._("Negative quantity"),
                "message": self.env._("Line %(name)s: a negative quantity takes %(amount)s off the total.",
                                      name=self.name or "", amount=f"{-self.product_uom_qty * (self.price_unit or 0):.2f}"),
            }}
        return None

    @api.depends("product_uom_qty", "price_unit")
    def _compute_price_subtotal(self) -> None:
        for line in self:
            line.price_subtotal = (line.product_uom_qty or Decimal(0)) * (line.price_unit or Decimal(0))
