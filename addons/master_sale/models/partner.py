"""The customer side of ``basepartner``: customer code and time, ``is_customer``, group and territory,
credit limits, internal customer, freeze, default currency and price list (documents 000 and 003)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from kernel import Model, api, fields
from kernel.addons.base.models.roles import PartnerRole, check_internal_company, internal_duplicate_error
from kernel.exceptions import ValidationError
from kernel.orm.integrity import holder_text

from .group_defaults import inherited_account, inherited_credit_limit
from .masters import GROUP_ASSIGNMENT, locked_group_flags

CUSTOMER = PartnerRole(
    label="customer", type_xmlid="base.base_partner_type_customer", flag_field="is_customer",
    code_field="customer_code", time_field="customer_creation_time", sequence_code="sale.customer",
    event="customer.created", payload_prefix="customer",
)
LEAF_FIELDS = {"customer_group": "Customer Group", "territory": "Sales Territory"}


class CustomerPartner(Model):
    _inherit = "basepartner"

    customer_code = fields.Char("Customer Code", readonly=True, copy=False, unique=True, size=32)
    customer_creation_time = fields.Datetime("Customer Created On", readonly=True, copy=False)
    is_customer = fields.Boolean("Is a Customer", compute="_compute_is_customer", store=True, index=True)
    customer_group = fields.Many2one("customer.group", "Customer Group", ondelete="restrict", index=True)
    territory = fields.Many2one("sales.territory", "Territory", ondelete="restrict", index=True)
    customer_is_frozen = fields.Boolean("Customer Frozen", copy=False, help="No new sales orders for this customer")
    customer_disabled = fields.Boolean("Customer Disabled", copy=False,
                                       help="No new quotations or sales orders; the partner stays a supplier")
    team_id = fields.Many2one("sales.team", "Sales Team", ondelete="set null", index=True)
    is_internal_customer = fields.Boolean("Internal Customer", copy=False, unique_per=("company_id",),
                                          help="Represents one of your companies; one per company")
    default_price_list = fields.Many2one("sale.pricelist", "Default Price List", ondelete="set null")
    credit_limits = fields.One2many("customer.credit.limit", "partner_id", "Credit Limits")
    customer_accounts = fields.One2many("customer.account", "partner_id", "Receivable Accounts")
    sale_order_ids = fields.One2many("sale.order", "commercial_partner_id", "Sales Orders", copy=False,
                                     help="The orders of the partner and of its contact persons")

    @api.model
    def _commercial_fields(self) -> list[str]:
        return super()._commercial_fields() + [
            "customer_group", "territory", "team_id", "customer_is_frozen", "customer_disabled", "default_currency",
            "default_price_list"]

    @api.depends("partner_types")
    def _compute_is_customer(self) -> None:
        CUSTOMER.compute_flag(self)

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        many = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        for vals in many:
            CUSTOMER.refuse_manual(self.browse(), vals)
        partners = super().create(many)
        CUSTOMER.stamp(partners)
        return partners

    def write(self, vals: Mapping[str, Any]) -> bool:
        CUSTOMER.refuse_manual(self, vals)
        result = super().write(vals)
        if "partner_types" in vals:
            CUSTOMER.stamp(self)
        return result

    @api.constrains("customer_group", "territory")
    def _check_leaf_nodes(self) -> None:
        for name, label in LEAF_FIELDS.items():
            is_group = locked_group_flags(self.mapped(name))
            for partner in self:
                node = partner[name]
                if node and is_group[node.id]:
                    raise ValidationError(
                        f"Cannot assign a group node. Select a non-group (leaf) node: {label} {node.name!r} of "
                        f"{partner.name!r} is a group node",
                        code=GROUP_ASSIGNMENT, status=422,
                    )

    @api.model
    def check_leaf_assignment(self, field_name: str, nodes: Any) -> None:
        """Refuse turning ``nodes`` into group nodes while customers are assigned to them."""
        if not nodes:
            return
        holder = self.sudo().with_context(active_test=False).search([(field_name, "in", nodes.ids)], limit=1)
        if holder:
            node = holder[field_name]
            raise ValidationError(
                f"{LEAF_FIELDS[field_name]} {node.name!r} cannot become a group node: customer "
                f"{holder_text(self.browse(holder.id))} is assigned to it",
                code=GROUP_ASSIGNMENT, status=422,
            )

    @api.constrains("is_internal_customer", "company_id")
    def _check_internal_customer(self) -> None:
        check_internal_company(self, "is_internal_customer", "customer")

    def _duplicate_error(self, columns: list[str], holder: Any) -> Any:
        if columns == ["company_id", "is_internal_customer"]:
            return internal_duplicate_error(holder, "customer")
        return super()._duplicate_error(columns, holder)

    @api.model
    def _account_mapping_fields(self) -> list[str]:
        return super()._account_mapping_fields() + ["customer_accounts"]

    # -- credit ------------------------------------------------------------------------

    def credit_limit_for(self, company_id: int) -> Any:
        """This customer's credit limit for the company, else its customer group's (empty when none); a contact
        person's are its commercial partner's."""
        self.ensure_one()
        commercial = self.commercial_partner_id or self
        own = commercial.credit_limits.filtered(lambda limit: limit.company_id.id == company_id)
        return own or inherited_credit_limit(commercial, company_id)

    def receivable_account_for(self, company_id: int) -> Any:
        """The receivable account this customer posts to in the company: its own, else its group's."""
        self.ensure_one()
        own = self.customer_accounts.filtered(lambda account: account.company_id.id == company_id)
        return own or inherited_account(self, company_id)

    def credit_outstanding(self, company_id: int, exclude_order_ids: Sequence[int] = ()) -> Decimal:
        """What the customer owes the company: the total of its confirmed, unpaid sales orders, those of its
        contact persons included (they count against their commercial partner)."""
        self.ensure_one()
        orders = self.env["sale.order"].sudo()._sql
        query = sa.select(sa.func.coalesce(sa.func.sum(orders.c.amount_total), 0)).where(
            orders.c.commercial_partner_id == self.commercial_partner_id.id, orders.c.company_id == company_id,
            orders.c.state == "sale", orders.c.is_paid.is_not(True),
        )
        if exclude_order_ids:
            query = query.where(orders.c.id.not_in(list(exclude_order_ids)))
        return Decimal(str(self.env.execute(query).scalar_one())).quantize(Decimal("0.01"))
