"""Currencies: ISO code, symbol, decimal places; amounts rounded the way the currency counts."""

from __future__ import annotations

import decimal
import re
from typing import Any

from ..exceptions import ValidationError
from ..orm import api, fields
from ..orm.models import Model

ISO_CODE = re.compile(r"^[A-Z]{3}$")
MAX_DECIMAL_PLACES = 6


class ResCurrency(Model):
    _name = "res.currency"
    _description = "Currency"
    _order = "name"

    name = fields.Char("Currency", size=3, required=True, unique=True, help="ISO 4217 code, such as IDR")
    full_name = fields.Char("Name")
    symbol = fields.Char("Symbol", required=True, size=8)
    decimal_places = fields.Integer("Decimal Places", default=2)
    rounding = fields.Float("Rounding Factor", compute="_compute_rounding")
    position = fields.Selection([("before", "Before Amount"), ("after", "After Amount")], "Symbol Position",
                                default="before")
    active = fields.Boolean("Active", default=True)

    @api.constrains("name", "decimal_places")
    def _check_code(self) -> None:
        for currency in self:
            if not ISO_CODE.match(currency.name or ""):
                raise ValidationError(f"Currency: {currency.name!r} is not an ISO 4217 code (three capital letters)",
                                      code="CURRENCY_CODE")
            if not 0 <= currency.decimal_places <= MAX_DECIMAL_PLACES:
                raise ValidationError(
                    f"Currency {currency.name}: decimal places must be between 0 and {MAX_DECIMAL_PLACES}",
                    code="CURRENCY_DECIMALS")

    def _compute_rounding(self) -> None:
        for currency in self:
            currency.rounding = 10.0 ** -(currency.decimal_places or 0)

    def round(self, amount: Any) -> decimal.Decimal:
        """``amount`` rounded half away from zero to the currency's decimal places, exactly."""
        self.ensure_one()
        quantum = decimal.Decimal(1).scaleb(-(self.decimal_places or 0))
        return decimal.Decimal(str(amount)).quantize(quantum, rounding=decimal.ROUND_HALF_UP)

    def is_zero(self, amount: Any) -> bool:
        return self.round(amount) == 0
