"""Sequences (``ir.sequence``): ``next_by_code("purchase.vendor")`` gives ``V00001``, ``V00002``, ...

The next number is taken with a single ``UPDATE ... RETURNING``: the row lock
it takes makes concurrent transactions wait for each other, so no number is
ever handed out twice and none is skipped by a committed transaction.
"""

from __future__ import annotations

import datetime as dt
import sqlalchemy as sa

from ..exceptions import ValidationError
from . import api, fields
from .models import Model


def _placeholders(moment: dt.datetime) -> dict[str, str]:
    return {
        "year": moment.strftime("%Y"), "y": moment.strftime("%y"), "month": moment.strftime("%m"),
        "day": moment.strftime("%d"), "doy": moment.strftime("%j"), "woy": moment.strftime("%W"),
        "weekday": moment.strftime("%w"), "h24": moment.strftime("%H"), "h12": moment.strftime("%I"),
        "min": moment.strftime("%M"), "sec": moment.strftime("%S"),
    }


class IrSequence(Model):
    _name = "ir.sequence"
    _description = "Sequence"
    _order = "code, company_id"

    name = fields.Char("Name", required=True)
    code = fields.Char("Code", index=True)
    prefix = fields.Char("Prefix", help="May hold %(year)s, %(y)s, %(month)s, %(day)s, %(doy)s, %(woy)s, ...")
    suffix = fields.Char("Suffix", help="Same placeholders as the prefix")
    padding = fields.Integer("Padding", default=0, help="Minimum number of digits, filled with zeros")
    number_next = fields.Integer("Next Number", default=1)
    number_increment = fields.Integer("Step", default=1)
    active = fields.Boolean("Active", default=True)
    company_id = fields.Many2one("res.company", "Company", ondelete="cascade")

    @api.constrains("number_increment", "padding", "prefix", "suffix")
    def _check_format(self) -> None:
        for sequence in self:
            if sequence.number_increment == 0:
                raise ValidationError(f"sequence {sequence.name!r}: the step cannot be 0", code="SEQUENCE_INVALID")
            if sequence.padding < 0:
                raise ValidationError(f"sequence {sequence.name!r}: padding cannot be negative", code="SEQUENCE_INVALID")
            sequence._interpolate(sequence.prefix, dt.datetime(2000, 1, 1))
            sequence._interpolate(sequence.suffix, dt.datetime(2000, 1, 1))

    def _interpolate(self, text: str | bool, moment: dt.datetime) -> str:
        if not text:
            return ""
        try:
            return text % _placeholders(moment)
        except (KeyError, ValueError, TypeError) as exc:
            raise ValidationError(
                f"sequence {self.name!r}: invalid placeholder in {text!r}: {exc}", code="SEQUENCE_INVALID"
            ) from None

    def _take_numbers(self, count: int = 1) -> list[int]:
        """Reserve ``count`` consecutive numbers in one UPDATE (its row lock serialises concurrent takers)."""
        table = self._sql
        statement = (
            sa.update(table)
            .where(table.c.id == self.id)
            .values(number_next=table.c.number_next + table.c.number_increment * count)
            .returning(table.c.number_next - table.c.number_increment * count, table.c.number_increment)
        )
        first, step = self.env.execute(statement).one()
        self.env.transaction.invalidate([self._fields["number_next"]], self._ids)
        return [first + step * index for index in range(count)]

    def _format(self, numbers: list[int], moment: dt.datetime | None) -> list[str]:
        moment = moment or dt.datetime.now()
        prefix = self._interpolate(self.prefix, moment)
        suffix = self._interpolate(self.suffix, moment)
        return [f"{prefix}{number:0{self.padding}d}{suffix}" for number in numbers]

    def next_by_id(self, moment: dt.datetime | None = None) -> str:
        """The next formatted value of this sequence."""
        self.ensure_one()
        return self._format(self._take_numbers(), moment)[0]

    @api.model
    def next_by_code(self, code: str, company_id: int | None = None) -> str:
        """The next value of the sequence with this code: the company's own first, else a shared one."""
        return self._by_code(code, company_id).next_by_id()

    @api.model
    def next_many_by_code(self, code: str, count: int, company_id: int | None = None) -> list[str]:
        """The next ``count`` values of the sequence with this code, taken at once (for batch creates)."""
        if count <= 0:
            return []
        sequence = self._by_code(code, company_id)
        return sequence._format(sequence._take_numbers(count), None)

    def _by_code(self, code: str, company_id: int | None) -> "IrSequence":
        if company_id is None:
            company_id = self.env.context.get("company_id")
        sequence = self.browse()
        if company_id:
            sequence = self.search([("code", "=", code), ("company_id", "=", company_id)], limit=1)
        if not sequence:
            sequence = self.search([("code", "=", code), ("company_id", "=", False)], limit=1)
        if not sequence:
            raise ValidationError(f"no sequence with code {code!r}", code="SEQUENCE_UNKNOWN")
        return sequence
