"""What customers inherit from their customer group: credit limits and receivable accounts per company.

A customer's own limit (account) for a company wins; without one, its group's
applies, else the group's parent's, up the tree.  A group's account is used
for a customer only in the customer's default currency (document 003's
currency rule still holds for what a customer posts to).
"""

from __future__ import annotations

from typing import Any

from kernel import Model, api, fields
from kernel.exceptions import ValidationError


class CustomerGroupCreditLimit(Model):
    _name = "customer.group.credit.limit"
    _description = "Customer Group Credit Limit"
    _order = "group_id, company_id"
    _unique = (("group_id", "company_id"),)
    _duplicate_code = "PARTY_CREDIT_LIMIT_DUPLICATE"

    group_id = fields.Many2one("customer.group", "Customer Group", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", "Company", required=True, ondelete="cascade", index=True)
    amount = fields.Monetary("Credit Limit", required=True, help="0 means no limit")
    bypass_credit_limit_check = fields.Boolean("Bypass Credit Limit Check at Sales Order")

    @api.constrains("amount")
    def _check_amount(self) -> None:
        for limit in self:
            if limit.amount < 0:
                raise ValidationError(self.env._("Credit limit of group %(group)s: the amount cannot be negative",
                                                 group=repr(limit.group_id.name)), code="PARTY_CREDIT_LIMIT_INVALID",
                                      field="amount")


class CustomerGroupAccount(Model):
    _name = "customer.group.account"
    _inherit = "party.currency.mixin"
    _description = "Customer Group Receivable Account"
    _order = "group_id, company_id, currency"
    _unique = (("group_id", "company_id", "currency"),)
    _duplicate_code = "PARTY_ACCOUNT_DUPLICATE"

    group_id = fields.Many2one("customer.group", "Customer Group", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", "Company", required=True, ondelete="cascade", index=True)
    account_code = fields.Char("Receivable Account", required=True, size=64)
    currency = fields.Char("Account Currency", size=3, required=True, help="ISO 4217 code")


def _group_chain(group: Any) -> list[Any]:
    """The group, then its parent, up to the root."""
    chain = []
    while group:
        chain.append(group)
        group = group.parent_id
    return chain


def inherited_credit_limit(partner: Any, company_id: int) -> Any:
    """The nearest group limit for the company of the partner's customer group (empty when none)."""
    for group in _group_chain(partner.customer_group):
        found = group.credit_limit_ids.filtered(lambda limit: limit.company_id.id == company_id)
        if found:
            return found
    return partner.env["customer.group.credit.limit"]


def inherited_account(partner: Any, company_id: int) -> Any:
    """The nearest group account for the company in the partner's default currency (empty when none)."""
    for group in _group_chain(partner.customer_group):
        found = group.account_ids.filtered(
            lambda account: account.company_id.id == company_id and account.currency == partner.default_currency)
        if found:
            return found
    return partner.env["customer.group.account"]
