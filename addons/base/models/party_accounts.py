"""A party's default currency and the rule of document 003 on its account mappings.

003: "the currency of mapped receivable (customer) or payable (supplier)
accounts must match the party's default currency; mismatched currencies are
rejected at save time" (``PARTY_ACCOUNT_CURRENCY_MISMATCH``, 422).  The rule
lives here once: ``master_sale``'s receivable accounts and ``core_purchase``'s
payable accounts both inherit :class:`PartyAccountMixin`, and each addon names
its mapping field in :meth:`PartyCurrency._account_mapping_fields` so that
changing the party's currency is checked against every mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import pycountry

from kernel.exceptions import UserError, ValidationError
from kernel import AbstractModel, Model, api, fields

CURRENCY_MISMATCH = "PARTY_ACCOUNT_CURRENCY_MISMATCH"
ARCHIVED = "PARTY_ARCHIVED"


def normalise_currency(model: str, value: Any) -> Any:
    """An ISO 4217 code in upper case; anything else is refused naming the value."""
    if not isinstance(value, str) or not value.strip():
        return value
    code = value.strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValidationError(f"{model}: {value!r} is not an ISO 4217 currency code", code="PARTY_CURRENCY_INVALID")
    return code


class CurrencyCodeMixin(AbstractModel):
    """Models holding ISO 4217 codes in Char fields: stored upper case, unknown codes refused."""

    _name = "party.currency.mixin"
    _description = "ISO 4217 Currency Codes"
    _currency_fields: ClassVar[tuple[str, ...]] = ("currency",)

    def _normalised_currencies(self, vals: Mapping[str, Any]) -> dict[str, Any]:
        label = self._description
        return {**vals, **{name: normalise_currency(label, vals[name]) for name in self._currency_fields if name in vals}}

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        many = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        return super().create([self._normalised_currencies(vals) for vals in many])

    def write(self, vals: Mapping[str, Any]) -> bool:
        return super().write(self._normalised_currencies(vals))


class PartyAccountMixin(AbstractModel):
    """The account a party posts to in one company (receivable or payable); its currency is the party's."""

    _name = "party.account.mixin"
    _inherit = "party.currency.mixin"
    _description = "Party Account"
    _order = "partner_id, company_id"
    _unique = (("partner_id", "company_id"),)
    _duplicate_code = "PARTY_ACCOUNT_DUPLICATE"

    partner_id = fields.Many2one("basepartner", "Partner", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", "Company", required=True, ondelete="cascade", index=True)
    account_code = fields.Char("Account", required=True, size=64)
    currency = fields.Char("Account Currency", size=3, required=True, help="ISO 4217 code")

    @api.constrains("currency", "partner_id")
    def _check_currency(self) -> None:
        for account in self:
            check_account_currency(account.partner_id, account)


def check_account_currency(partner: Any, account: Any) -> None:
    """Refuse an account whose currency is not the partner's default currency (PARTY_ACCOUNT_CURRENCY_MISMATCH, 422)."""
    expected = partner.default_currency or None
    if account.currency != expected:
        wanted = expected or partner.env._("none: set the party's default currency first")
        raise ValidationError(
            partner.env._("Account currency must match the party's default currency: account %(account)s of "
                          "%(party)s is in %(currency)s, expected %(expected)s",
                          account=repr(account.account_code), party=repr(partner.name), currency=account.currency,
                          expected=wanted),
            code=CURRENCY_MISMATCH, status=422,
        )


class PartyCurrency(Model):
    """The party's default currency (customers and suppliers alike), which its account mappings follow."""

    _inherit = "basepartner"

    default_currency = fields.Char("Default Currency", size=3, help="ISO 4217 code")

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        many = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        return super().create([{**vals, "default_currency": normalise_currency("Partner", vals["default_currency"])}
                               if "default_currency" in vals else vals for vals in many])

    def write(self, vals: Mapping[str, Any]) -> bool:
        if "default_currency" in vals:
            vals = {**vals, "default_currency": normalise_currency("Partner", vals["default_currency"])}
        return super().write(vals)

    @api.model
    def _account_mapping_fields(self) -> list[str]:
        """The one2many fields holding this party's account mappings (each addon adds its own)."""
        return []

    @api.constrains("default_currency")
    def _check_account_currencies(self) -> None:
        for partner in self:
            for name in self._account_mapping_fields():
                for account in partner[name]:
                    check_account_currency(partner, account)

    def check_party_active(self, document: str) -> None:
        """Refuse a new ``document`` (sales order, RFQ, ...) for an archived party (PARTY_ARCHIVED, 403)."""
        for partner in self.with_context(active_test=False):
            if not partner.active:
                raise UserError(self.env._("%(party)s is archived: no new %(document)s", party=repr(partner.name),
                                           document=document), code=ARCHIVED, status=403)
