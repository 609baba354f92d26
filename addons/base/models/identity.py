"""A partner's identity fields: its reference (unique when set), tax number and website.

The tax number (``vat``) is checked with python-stdnum against the rules of
the partner's country (Indonesia's NPWP, a German USt-IdNr, ...); a number
written with an EU-style country prefix (``DE136695976``) is checked for that
country when the partner has none. A country stdnum has no rules for keeps
the number as typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from stdnum.exceptions import ValidationError as NumberError
from stdnum.util import get_cc_module

from kernel.exceptions import ValidationError
from kernel.orm import Model, api, fields

from .address import address_value


def _vat_rules(country_code: str) -> Any:
    """stdnum's VAT module for an ISO alpha-2 country code, or None when it has none."""
    code = country_code.lower()
    return get_cc_module("gr" if code == "el" else code, "vat") if code.isalpha() and len(code) == 2 else None


def _blank_to_none(vals: Mapping[str, Any]) -> dict[str, Any]:
    """Empty references and tax numbers are "not set" (so they never collide), others are trimmed."""
    result = dict(vals)
    for name in ("ref", "vat", "website"):
        if name in result and isinstance(result[name], str):
            result[name] = result[name].strip() or False
    return result


class PartnerIdentity(Model):
    _inherit = "basepartner"

    ref = fields.Char("Reference", size=64, unique=True, copy=False, index=True,
                      help="Your own reference for the partner; unique when set")
    vat = fields.Char("Tax ID", size=32, help="Tax number, checked against the rules of the partner's country")
    website = fields.Char("Website", size=255)

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        many = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        return super().create([_blank_to_none(vals) for vals in many])

    def write(self, vals: Mapping[str, Any]) -> bool:
        return super().write(_blank_to_none(vals))

    @api.constrains("vat", "country_id")
    def _check_vat(self) -> None:
        for partner in self.filtered("vat"):
            number, country = partner.vat, address_value(partner, "country_id")
            code = country.code or ""
            if not code and number[:2].isalpha():
                code = number[:2]
            if not code:
                raise ValidationError(
                    self.env._("Partner %(name)s: tax ID %(number)s cannot be checked without a country; set the "
                               "partner's country or write the number with its country prefix",
                               name=repr(partner.name), number=repr(number)),
                    code="PARTY_VAT_INVALID", field="vat")
            rules = _vat_rules(code)
            if rules is None:
                continue
            try:
                rules.validate(number)
            except NumberError as exc:
                raise ValidationError(
                    self.env._("Partner %(name)s: tax ID %(number)s is not a valid number for %(country)s: "
                               "%(reason)s", name=repr(partner.name), number=repr(number),
                               country=country.name or code.upper(), reason=str(exc)),
                    code="PARTY_VAT_INVALID", field="vat") from None
