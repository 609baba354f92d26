"""The vendor side of ``basepartner``: vendor code and time, ``is_vendor``, supplier controls (003).

A supplier can be frozen (no new purchase documents), put on hold (All,
Invoices or Payments; the hold lifts itself after its release date), or be
marked to prevent or warn on RFQs and purchase orders.  Purchase documents
ask :meth:`VendorPartner.check_purchase_allowed` before they are made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from kernel import Model, api, fields
from kernel.addons.base.models.roles import PartnerRole, check_internal_company, internal_duplicate_error
from kernel.exceptions import UserError, ValidationError

VENDOR = PartnerRole(
    label="vendor", type_xmlid="base.base_partner_type_vendor", flag_field="is_vendor",
    code_field="vendor_code", time_field="vendor_creation_time", sequence_code="purchase.vendor",
    event="supplier.created", payload_prefix="supplier",
)
HOLD_TYPES = [("all", "All"), ("invoices", "Invoices"), ("payments", "Payments")]
# which hold types stop which kind of document
HELD_BY = {"rfq": {"all"}, "purchase": {"all"}, "invoice": {"all", "invoices"}, "payment": {"all", "payments"}}
DOCUMENT_LABELS = {"rfq": "requests for quotation", "purchase": "purchase orders",
                   "invoice": "vendor bills", "payment": "payments"}
BLOCKED = 403


class VendorPartner(Model):
    _inherit = "basepartner"

    vendor_code = fields.Char("Vendor Code", readonly=True, copy=False, unique=True, size=32)
    vendor_creation_time = fields.Datetime("Vendor Created On", readonly=True, copy=False)
    is_vendor = fields.Boolean("Is a Vendor", compute="_compute_is_vendor", store=True, index=True)
    supplier_is_frozen = fields.Boolean("Supplier Frozen", copy=False,
                                        help="No new purchase documents for this supplier")
    on_hold = fields.Boolean("On Hold", copy=False)
    hold_type = fields.Selection(HOLD_TYPES, "Hold Type", default="all")
    release_date = fields.Date("Hold Release Date", copy=False, help="The hold lifts itself after this day")
    prevent_rfqs = fields.Boolean("Prevent RFQs")
    warn_rfqs = fields.Boolean("Warn on RFQs")
    prevent_pos = fields.Boolean("Prevent Purchase Orders")
    warn_pos = fields.Boolean("Warn on Purchase Orders")
    supplier_disabled = fields.Boolean("Supplier Disabled", copy=False,
                                       help="No new RFQs or purchase orders; the partner stays a customer")
    supplier_payment_term_id = fields.Many2one("payment.term", "Supplier Payment Terms", ondelete="restrict")
    supplier_price_list = fields.Many2one("purchase.pricelist", "Supplier Default Price List", ondelete="set null")
    supplier_accounts = fields.One2many("supplier.account", "partner_id", "Payable Accounts")
    is_internal_supplier = fields.Boolean("Internal Supplier", copy=False, unique_per=("company_id",),
                                          help="Represents one of your companies; one per company")

    @api.model
    def _commercial_fields(self) -> list[str]:
        return super()._commercial_fields() + [
            "supplier_is_frozen", "supplier_disabled", "on_hold", "hold_type", "release_date", "prevent_rfqs",
            "warn_rfqs", "prevent_pos", "warn_pos", "supplier_payment_term_id", "supplier_price_list"]

    @api.depends("partner_types")
    def _compute_is_vendor(self) -> None:
        VENDOR.compute_flag(self)

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        many = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        for vals in many:
            VENDOR.refuse_manual(self.browse(), vals)
        partners = super().create(many)
        VENDOR.stamp(partners)
        partners.filtered("on_hold")._publish_on_hold()
        return partners

    def write(self, vals: Mapping[str, Any]) -> bool:
        VENDOR.refuse_manual(self, vals)
        newly_held = self.filtered(lambda partner: not partner.on_hold) if vals.get("on_hold") else self.browse()
        result = super().write(vals)
        if "partner_types" in vals:
            VENDOR.stamp(self)
        newly_held._publish_on_hold()
        return result

    def _publish_on_hold(self) -> None:
        self.env.publish_many("supplier.on_hold", [{
            "supplier_id": partner.id, "hold_type": partner.hold_type,
            "release_date": partner.release_date.isoformat() if partner.release_date else None,
        } for partner in self])

    @api.constrains("on_hold", "hold_type")
    def _check_hold_type(self) -> None:
        for partner in self:
            if partner.on_hold and not partner.hold_type:
                raise ValidationError(f"Supplier {partner.name!r}: a supplier on hold needs a hold type "
                                      f"(All, Invoices or Payments)", code="PARTY_HOLD_TYPE")

    @api.constrains("is_internal_supplier", "company_id")
    def _check_internal_supplier(self) -> None:
        check_internal_company(self, "is_internal_supplier", "supplier")

    @api.model
    def _account_mapping_fields(self) -> list[str]:
        return super()._account_mapping_fields() + ["supplier_accounts"]

    def _duplicate_error(self, columns: list[str], holder: Any) -> Any:
        if columns == ["company_id", "is_internal_supplier"]:
            return internal_duplicate_error(holder, "supplier")
        return super()._duplicate_error(columns, holder)

    # -- supplier controls ---------------------------------------------------------

    def hold_applies(self, document: str, today: dt.date | None = None) -> bool:
        """Whether this supplier's hold stops ``document`` ('rfq', 'purchase', 'invoice', 'payment') today."""
        self.ensure_one()
        today = today or dt.date.today()
        if not self.on_hold or (self.release_date and today > self.release_date):
            return False
        return self.hold_type in HELD_BY[document]

    def check_purchase_allowed(self, document: str, today: dt.date | None = None) -> list[str]:
        """Refuse a new ``document`` for an archived, disabled, frozen, held or prevented supplier; return the
        warnings to show."""
        warnings: list[str] = []
        self.check_party_active(self.env._(DOCUMENT_LABELS[document]))
        for partner in self:
            label = DOCUMENT_LABELS[document]
            if partner.supplier_disabled:
                raise UserError(self.env._("Supplier %(name)s is disabled: no new %(documents)s",
                                           name=repr(partner.name), documents=self.env._(label)),
                                code="PARTY_SUPPLIER_DISABLED", status=BLOCKED)
            if partner.supplier_is_frozen:
                raise UserError(f"Supplier {partner.name!r} is frozen: no new {label}", code="PARTY_SUPPLIER_FROZEN",
                                status=BLOCKED)
            if partner.hold_applies(document, today):
                until = f" until {partner.release_date.isoformat()}" if partner.release_date else ""
                hold = dict(HOLD_TYPES)[partner.hold_type]
                raise UserError(f"Supplier {partner.name!r} is on hold ({hold}){until}: no new {label}",
                                code="PARTY_SUPPLIER_ON_HOLD", status=BLOCKED)
            prevent, warn = {"rfq": ("prevent_rfqs", "warn_rfqs"), "purchase": ("prevent_pos", "warn_pos")}.get(
                document, (None, None))
            if prevent and partner[prevent]:
                code = "PARTY_RFQ_PREVENTED" if document == "rfq" else "PARTY_PO_PREVENTED"
                raise UserError(f"Supplier {partner.name!r}: {label} are prevented for this supplier", code=code,
                                status=BLOCKED)
            if warn and partner[warn]:
                warnings.append(f"Supplier {partner.name!r}: check before issuing {label} to this supplier")
        return warnings

    @api.model
    def release_expired_holds(self, today: dt.date | None = None) -> Any:
        """Take suppliers off hold whose release date has passed (what a daily job calls); returns them."""
        today = today or dt.date.today()
        expired = self.sudo().search([("on_hold", "=", True), ("release_date", "!=", False), ("release_date", "<", today)])
        if expired:
            expired.write({"on_hold": False, "release_date": False})
        return expired
