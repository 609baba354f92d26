"""A minimal RFQ → purchase order: enough to show the supplier controls at work.

States: ``draft`` (RFQ) → ``sent`` (RFQ sent) → ``purchase`` (order) →
``cancel``.  Making an RFQ asks the supplier's RFQ controls, confirming asks
its purchase-order controls; a prevented, frozen or held supplier is refused,
a warned one gets its warning back with the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from kernel import Model, api, fields
from kernel.db import utcnow
from kernel.exceptions import UserError

STATES = [("draft", "RFQ"), ("sent", "RFQ Sent"), ("purchase", "Purchase Order"), ("cancel", "Cancelled")]
TRANSITIONS = {"sent": {"draft"}, "purchase": {"draft", "sent"}, "cancel": {"draft", "sent", "purchase"},
               "draft": {"cancel"}}


class PurchaseOrder(Model):
    _name = "purchase.order"
    _description = "Purchase Order"
    _order = "date_order desc, id desc"

    name = fields.Char("Reference", required=True, readonly=True, copy=False, default="New", index=True)
    partner_id = fields.Many2one("basepartner", "Vendor", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one("res.company", "Company", ondelete="restrict", index=True,
                                 default=lambda model: model.env.company.id or False)
    date_order = fields.Datetime("Order Date", required=True, default=lambda model: utcnow())
    state = fields.Selection(STATES, "Status", required=True, default="draft", readonly=True, copy=False)
    order_line = fields.One2many("purchase.order.line", "order_id", "Order Lines")
    amount_total = fields.Monetary("Total", compute="_compute_amount_total", store=True)
    supplier_warning = fields.Text("Supplier Warning", compute="_compute_supplier_warning")

    @api.depends("order_line.price_subtotal")
    def _compute_amount_total(self) -> None:
        for order in self:
            order.amount_total = sum((line.price_subtotal for line in order.order_line), start=Decimal(0))

    @api.depends("partner_id", "state")
    def _compute_supplier_warning(self) -> None:
        for order in self:
            document = "purchase" if order.state == "purchase" else "rfq"
            flag = "warn_pos" if document == "purchase" else "warn_rfqs"
            order.supplier_warning = (
                f"Supplier {order.partner_id.name!r}: check before issuing "
                f"{'purchase orders' if document == 'purchase' else 'requests for quotation'} to this supplier"
                if order.partner_id[flag] else False
            )

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        many = [dict(vals) for vals in ([vals_list] if isinstance(vals_list, Mapping) else vals_list)]
        partner_ids = [vals["partner_id"] for vals in many if vals.get("partner_id")]
        self.env["basepartner"].browse(partner_ids).check_purchase_allowed("rfq")
        sequences = self.env["ir.sequence"].sudo()
        for vals in many:
            if vals.get("name", "New") == "New":
                vals["name"] = sequences.next_by_code("purchase.order", company_id=vals.get("company_id") or None)
        return super().create(many)

    def write(self, vals: Mapping[str, Any]) -> bool:
        if "state" in vals:
            raise UserError("Purchase Order: change the status with its buttons (send, confirm, cancel, reset)",
                            code="PURCHASE_STATE")
        if vals.get("partner_id"):
            if self.filtered(lambda order: order.state not in ("draft", "sent")):
                raise UserError("Purchase Order: the vendor of a confirmed or cancelled order cannot change",
                                code="PURCHASE_STATE")
            self.env["basepartner"].browse(vals["partner_id"]).check_purchase_allowed("rfq")
        return super().write(vals)

    def _move_to(self, state: str) -> None:
        for order in self:
            if order.state not in TRANSITIONS[state]:
                raise UserError(
                    f"Purchase Order {order.name}: cannot go from {dict(STATES)[order.state]} to {dict(STATES)[state]}",
                    code="PURCHASE_STATE",
                )
        super().write({"state": state})

    def action_rfq_send(self) -> dict[str, Any]:
        """Mark the RFQs sent; returns the suppliers' RFQ warnings."""
        warnings = self.mapped("partner_id").check_purchase_allowed("rfq")
        self._move_to("sent")
        return {"state": "sent", "warnings": warnings}

    def button_confirm(self) -> dict[str, Any]:
        """Turn the RFQs into purchase orders; returns the suppliers' purchase-order warnings."""
        warnings = self.mapped("partner_id").check_purchase_allowed("purchase")
        self._move_to("purchase")
        return {"state": "purchase", "warnings": warnings}

    def button_cancel(self) -> dict[str, Any]:
        self._move_to("cancel")
        return {"state": "cancel", "warnings": []}

    def button_draft(self) -> dict[str, Any]:
        """Reset cancelled orders to RFQs (the RFQ controls apply again)."""
        warnings = self.mapped("partner_id").check_purchase_allowed("rfq")
        self._move_to("draft")
        return {"state": "draft", "warnings": warnings}


class PurchaseOrderLine(Model):
    _name = "purchase.order.line"
    _description = "Purchase Order Line"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("purchase.order", "Order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", related="order_id.company_id", store=True, readonly=True,
                                 index=True)  # ruled by the order's company
    sequence = fields.Integer("Sequence", default=10)
    name = fields.Char("Description", required=True)
    product_qty = fields.Decimal("Quantity", digits=(16, 3), default=1)
    price_unit = fields.Monetary("Unit Price", default=0)
    price_subtotal = fields.Monetary("Subtotal", compute="_compute_price_subtotal", store=True)

    @api.depends("product_qty", "price_unit")
    def _compute_price_subtotal(self) -> None:
        for line in self:
            line.price_subtotal = (line.product_qty or Decimal(0)) * (line.price_unit or Decimal(0))
