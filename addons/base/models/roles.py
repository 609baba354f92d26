"""Partner roles: what a partner gets when it first carries the Vendor or the Customer type.

``core_purchase`` and ``master_sale`` each describe their role with a
:class:`PartnerRole` and call it from their ``basepartner`` layer:

* ``compute_flag`` sets ``is_vendor`` / ``is_customer`` from ``partner_types``,
  resolving the type's external id once per batch;
* ``stamp`` gives every commercial partner (a company, or a partner without
  one: never a company's contact person) that has the role but no code yet the next
  number of the role's sequence and the time, in one UPDATE for the batch, and
  publishes the role's ``*.created`` event; removing the type later keeps both;
* ``refuse_manual`` keeps the stamped fields read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kernel.db import utcnow
from kernel.exceptions import ValidationError
from kernel.orm import integrity
from kernel.orm.integrity import holder_text


@dataclass(frozen=True)
class PartnerRole:
    """One role (vendor, customer): its partner type, flag, stamped fields, sequence and event."""

    label: str
    type_xmlid: str
    flag_field: str
    code_field: str
    time_field: str
    sequence_code: str
    event: str
    payload_prefix: str

    def compute_flag(self, partners: Any) -> None:
        """Set the role's flag on every partner: true when ``partner_types`` holds the role's type."""
        type_id = partners.env.ref(self.type_xmlid).id
        for partner in partners:
            setattr(partner, self.flag_field, type_id in partner.partner_types._ids)

    def install(self, env: Any) -> None:
        """When the role's addon is installed on a database that has partners: set their flag, stamp them."""
        partners = env["basepartner"].sudo().with_context(active_test=False).search([])
        if partners:
            partners._recompute({partners._fields[self.flag_field]: set(partners._ids)})
            self.stamp(partners)

    def refuse_manual(self, partners: Any, vals: Mapping[str, Any]) -> None:
        """Refuse setting the stamped fields by hand (writing back the stored value is allowed)."""
        for name in (self.code_field, self.time_field):
            if name not in vals:
                continue
            field = partners._fields[name]
            wanted = field.convert_to_cache(field.convert_to_column(vals[name], partners))
            if not partners and wanted is None:
                continue
            if not partners or any(partner[name] != field.convert_to_record(wanted, partner) for partner in partners):
                raise ValidationError(
                    f"Partner: {field.string} ({name}) is assigned automatically when a partner first becomes "
                    f"a {self.label} and cannot be set or changed",
                    code="PARTY_FIELD_READONLY",
                )

    def stamp(self, partners: Any) -> Any:
        """Give the partners that have the role and no code yet their code and time; returns them."""
        todo = partners.filtered(lambda partner: partner[self.flag_field] and not partner[self.code_field]
                                 and partner.commercial_partner_id == partner)  # codes belong to the company
        if not todo:
            return todo
        env = partners.env
        sequences = env["ir.sequence"].sudo()
        now = todo._fields[self.time_field].convert_to_column(utcnow(), todo)
        by_company: dict[int | None, list[int]] = {}
        for partner in todo:
            by_company.setdefault(partner.company_id.id or None, []).append(partner.id)
        codes: dict[int, str] = {}
        for company_id, ids in by_company.items():
            codes.update(zip(ids, sequences.next_many_by_code(self.sequence_code, len(ids), company_id=company_id)))
        self._store(todo, codes, now)
        env.publish_many(self.event, [{
            f"{self.payload_prefix}_id": partner.id,
            f"{self.payload_prefix}_name": partner.name,
            f"{self.payload_prefix}_type": partner.entity_type,
            self.code_field: codes[partner.id],
        } for partner in todo])
        return todo

    def _store(self, partners: Any, codes: dict[int, str], now: Any) -> None:
        """One UPDATE statement for the batch (each partner has its own code), then the cache."""
        table = partners._sql
        statement = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("b_id"))
            .values({self.code_field: sa.bindparam("b_code"), self.time_field: sa.bindparam("b_time")})
        )
        rows = [{"b_id": record_id, "b_code": code, "b_time": now} for record_id, code in codes.items()]
        connection = partners.env.connection
        try:
            with connection.begin_nested():
                connection.execute(statement, rows)
        except IntegrityError as exc:
            raise integrity.translate(partners, exc, [{self.code_field: code} for code in codes.values()]) from None
        transaction = partners.env.transaction
        code_cache = transaction.cache_for(partners._fields[self.code_field])
        time_cache = transaction.cache_for(partners._fields[self.time_field])
        for record_id, code in codes.items():
            code_cache[record_id] = code
            time_cache[record_id] = now


def check_internal_company(partners: Any, flag_field: str, label: str) -> None:
    """An internal party represents one of your companies: it must name it.

    At most one per company is the database's rule (``unique_per`` on the
    flag: a partial unique index), worded by :func:`internal_duplicate_error`.
    """
    for partner in partners.filtered(flag_field):
        if not partner.company_id:
            raise ValidationError(
                f"Partner {partner.name!r}: an internal {label} represents one of your companies; set its company",
                code="PARTY_INTERNAL_COMPANY",
            )


def internal_duplicate_error(existing: Any, label: str) -> ValidationError:
    """PARTY_INTERNAL_DUPLICATE (409): ``existing`` already is the company's internal party of this kind."""
    return ValidationError(
        f"Only one internal {label} is allowed per company: {holder_text(existing)} is already the internal "
        f"{label} of {existing.sudo().company_id.name!r}",
        code="PARTY_INTERNAL_DUPLICATE", status=409,
    )
