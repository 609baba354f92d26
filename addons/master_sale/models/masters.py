"""Customer groups and sales territories (trees whose leaves are assigned to customers), targets,
price lists, per-company credit limits and receivable account mappings."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from kernel import Model, api, fields
from kernel.exceptions import ValidationError

GROUP_ASSIGNMENT = "PARTY_GROUP_ASSIGNMENT"


def locked_group_flags(nodes: Any) -> dict[int, bool]:
    """Each node's ``is_group`` as committed now, its row locked (``FOR SHARE``) until this transaction ends.

    Putting a customer (or a child) under a node and turning that node into a
    group (or a leaf) are checked in different transactions: the lock makes
    the second wait for the first and then see its change, so that two
    concurrent writers cannot each pass their check.  SQLite serialises writers.
    """
    if not nodes:
        return {}
    table = nodes._sql
    query = sa.select(table.c.id, table.c.is_group).where(table.c.id.in_(nodes.ids)).with_for_update(read=True)
    return {node_id: bool(is_group) for node_id, is_group in nodes.env.execute(query)}


def check_tree_nodes(nodes: Any, label: str) -> None:
    """A node's parent must be a group node; a group node cannot hold customers; a node with children stays a group."""
    parents_are_groups = locked_group_flags(nodes.mapped("parent_id"))
    for node in nodes:
        if node.parent_id and not parents_are_groups[node.parent_id.id]:
            raise ValidationError(
                f"{label} {node.name!r}: its parent {node.parent_id.name!r} is not a group node; "
                f"mark it as a group first",
                code=GROUP_ASSIGNMENT, status=422,
            )
        if not node.is_group and node.with_context(active_test=False).child_ids:
            raise ValidationError(f"{label} {node.name!r} has child nodes: it must stay a group node",
                                  code=GROUP_ASSIGNMENT, status=422)


class CustomerGroup(Model):
    _name = "customer.group"
    _description = "Customer Group"
    _order = "name"
    _parent_store = True

    name = fields.Char("Group Name", required=True, translate=True)
    parent_id = fields.Many2one("customer.group", "Parent Group", ondelete="restrict", index=True)
    child_ids = fields.One2many("customer.group", "parent_id", "Child Groups")
    is_group = fields.Boolean("Is Group Node", help="Group nodes organise the tree; only leaves go on customers")
    credit_limit_ids = fields.One2many("customer.group.credit.limit", "group_id", "Default Credit Limits",
                                       help="Customers of the group (and of its subgroups) without their own limit "
                                            "for a company get this one")
    account_ids = fields.One2many("customer.group.account", "group_id", "Default Receivable Accounts",
                                  help="Used for customers without their own account, in the customer's currency")
    active = fields.Boolean("Active", default=True)

    @api.constrains("parent_id", "is_group")
    def _check_tree(self) -> None:
        check_tree_nodes(self, "Customer Group")
        self.env["basepartner"].check_leaf_assignment("customer_group", self.filtered("is_group"))


class SalesTerritory(Model):
    _name = "sales.territory"
    _description = "Sales Territory"
    _order = "name"
    _parent_store = True

    name = fields.Char("Territory Name", required=True, translate=True)
    parent_id = fields.Many2one("sales.territory", "Parent Territory", ondelete="restrict", index=True)
    child_ids = fields.One2many("sales.territory", "parent_id", "Child Territories")
    is_group = fields.Boolean("Is Group Node", help="Group nodes organise the tree; only leaves go on customers")
    manager_id = fields.Many2one("res.users", "Territory Manager", ondelete="set null")
    target_ids = fields.One2many("sales.territory.target", "territory_id", "Targets")
    active = fields.Boolean("Active", default=True)

    @api.constrains("parent_id", "is_group")
    def _check_tree(self) -> None:
        check_tree_nodes(self, "Sales Territory")
        self.env["basepartner"].check_leaf_assignment("territory", self.filtered("is_group"))


class SalesTerritoryTarget(Model):
    _name = "sales.territory.target"
    _description = "Territory Target"
    _order = "territory_id, fiscal_year"
    _unique = (("territory_id", "fiscal_year"),)

    territory_id = fields.Many2one("sales.territory", "Territory", required=True, ondelete="cascade", index=True)
    fiscal_year = fields.Integer("Fiscal Year", required=True)
    target_amount = fields.Monetary("Target Amount", required=True)

    @api.constrains("target_amount")
    def _check_amount(self) -> None:
        for target in self:
            if target.target_amount < 0:
                raise ValidationError(f"Territory target {target.fiscal_year}: the amount cannot be negative",
                                      code="PARTY_TARGET_INVALID")


class SalePricelist(Model):
    _name = "sale.pricelist"
    _inherit = "party.currency.mixin"
    _description = "Price List"
    _order = "name"

    name = fields.Char("Price List Name", required=True, translate=True)
    currency = fields.Char("Currency", size=3, help="ISO 4217 code")
    active = fields.Boolean("Active", default=True)


class CustomerCreditLimit(Model):
    """How much a customer may owe one company; ``bypass_credit_limit_check`` lets orders through anyway."""

    _name = "customer.credit.limit"
    _description = "Customer Credit Limit"
    _order = "partner_id, company_id"
    _unique = (("partner_id", "company_id"),)
    _duplicate_code = "PARTY_CREDIT_LIMIT_DUPLICATE"

    partner_id = fields.Many2one("basepartner", "Customer", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", "Company", required=True, ondelete="cascade", index=True)
    amount = fields.Monetary("Credit Limit", required=True, help="0 means no limit")
    bypass_credit_limit_check = fields.Boolean("Bypass Credit Limit Check at Sales Order")

    @api.constrains("amount")
    def _check_amount(self) -> None:
        for limit in self:
            if limit.amount < 0:
                raise ValidationError(f"Credit limit of {limit.partner_id.name!r}: the amount cannot be negative",
                                      code="PARTY_CREDIT_LIMIT_INVALID")

    @api.constrains("partner_id")
    def _check_commercial_partner(self) -> None:
        """A contact person's orders count against its company's limit: a limit of its own would do nothing."""
        for limit in self:
            partner = limit.partner_id
            if partner.parent_id and partner.entity_type != "company":
                raise ValidationError(
                    self.env._("Credit limit of %(name)s: a contact person uses the credit limits of its company "
                               "%(company)s; set the limit there", name=repr(partner.name),
                               company=repr(partner.parent_id.commercial_partner_id.name)),
                    code="PARTY_CREDIT_LIMIT_CONTACT", field="partner_id")


class CustomerAccount(Model):
    """The receivable account a customer posts to in one company; its currency is the customer's (the rule is
    base's, shared with suppliers' payable accounts)."""

    _name = "customer.account"
    _inherit = "party.account.mixin"
    _description = "Customer Receivable Account"

    partner_id = fields.Many2one("basepartner", "Customer", required=True, ondelete="cascade", index=True)
    account_code = fields.Char("Receivable Account", required=True, size=64)
