"""Credit limits at work (document 003, "credit_limits_per_company" and "Apply_credit_limit").

When a quotation is created and when it is confirmed, the customer's
outstanding amount for the order's company (confirmed, unpaid orders) plus
the transaction is compared with the customer's limit for that company (its
own, else its customer group's).  What happens past the limit is the
company's setting, ``res.company.credit_limit_mode``: 003 says limits are
validated per company and that "the transaction is blocked or a warning is
shown" according to the configuration, so the company that grants the credit
decides:

* ``block`` (default): refused with ``PARTY_CREDIT_EXCEEDED`` (HTTP 403);
* ``warning``: the transaction goes through and the message comes back in
  the result's ``warnings`` (the web client shows it).

Either way ``customer.credit_exceeded`` is published.  A limit of 0, a
bypassed limit, or the Settings switch ``master_sale.credit_check`` off means
no check.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from kernel import Model, fields
from kernel.exceptions import UserError

CREDIT_CHECK_PARAMETER = "master_sale.credit_check"  # Settings: check credit limits (default on)
CREDIT_EXCEEDED = "PARTY_CREDIT_EXCEEDED"
MODES = [("block", "Block the transaction"), ("warning", "Warn and let it through")]


class CreditCompany(Model):
    _inherit = "res.company"

    credit_limit_mode = fields.Selection(
        MODES, "When a Credit Limit Is Exceeded", default="block",
        help="Block: quotations and orders over a customer's credit limit with this company are refused. "
             "Warning: they go through with a warning.")  # empty blocks too: the safe side


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


@dataclass(frozen=True)
class Excess:
    """A customer's credit with one company, exceeded by a transaction."""

    partner: Any
    company: Any
    outstanding: Decimal
    amount: Decimal
    limit: Decimal

    def message(self) -> str:
        env = self.partner.env
        return env._("Customer credit limit exceeded for %(customer)s at %(company)s: outstanding %(outstanding)s "
                     "plus this transaction %(amount)s exceeds the limit %(limit)s by %(excess)s",
                     customer=repr(self.partner.name), company=repr(self.company.name),
                     outstanding=_money(self.outstanding), amount=_money(self.amount), limit=_money(self.limit),
                     excess=_money(self.outstanding + self.amount - self.limit))


def credit_holder(order: Any) -> Any:
    """The partner whose credit an order uses (the customer's commercial entity: a contact person's company)."""
    return order.partner_id.commercial_partner_id or order.partner_id


def excesses(orders: Any) -> list[Excess]:
    """The limits ``orders`` (together, per customer and company) go past; orders without a company are skipped."""
    env = orders.env
    if not env["ir.config_parameter"].sudo().get_bool(CREDIT_CHECK_PARAMETER, True):
        return []  # switched off in Settings
    groups: dict[tuple[int, int], Any] = {}
    for order in orders.filtered(lambda order: order.company_id and order.partner_id):
        key = (credit_holder(order).id, order.company_id.id)
        groups[key] = groups.get(key, orders.browse()) | order
    found = []
    for (partner_id, company_id), group in groups.items():
        partner = env["basepartner"].sudo().browse(partner_id)
        limit = partner.credit_limit_for(company_id)
        if not limit or not limit.amount or limit.bypass_credit_limit_check:
            continue
        outstanding = partner.credit_outstanding(company_id, exclude_order_ids=group.ids)
        amount = sum((order.amount_total for order in group), start=Decimal(0))
        if outstanding + amount > limit.amount:
            found.append(Excess(partner, env["res.company"].sudo().browse(company_id), outstanding, amount,
                                limit.amount))
    return found


def check_credit(orders: Any) -> list[str]:
    """Apply each exceeded limit's company mode: raise (block) or return the warnings (warning)."""
    if not orders:
        return []
    lock_customers(orders.env, sorted({credit_holder(order).id for order in orders if order.partner_id}))
    warnings = []
    for excess in excesses(orders):
        orders.env.publish("customer.credit_exceeded", {
            "customer_id": excess.partner.id, "company": excess.company.id, "outstanding": _money(excess.outstanding),
            "credit_limit": _money(excess.limit), "transaction_amount": _money(excess.amount),
        })
        if excess.company.credit_limit_mode != "warning":
            raise UserError(excess.message(), code=CREDIT_EXCEEDED, status=403)
        warnings.append(excess.message())
    return warnings


def lock_customers(env: Any, partner_ids: list[int]) -> None:
    """Serialise credit checks per customer on databases with row locks (SQLite locks the whole file)."""
    if not partner_ids or env.connection.dialect.name == "sqlite":
        return
    table = env["basepartner"]._sql
    env.execute(sa.select(table.c.id).where(table.c.id.in_(partner_ids)).with_for_update())
