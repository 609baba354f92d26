"""Quick entry of a partner from one line of text (``name_create``, a picker's "Create ..."), document 003's
"primary contact / primary address auto-created".

The line is the partner's name followed by comma-separated details::

    PT Sumber Makmur, Budi Santoso <budi@sumber.co.id>, +62 812 3456 7890, Jl. Merdeka 1 Bandung

A detail with an ``@`` is an email (``Name <email>`` also names the contact
person), one made of digits, spaces and ``+().-`` is a mobile number, any
other is an address line. Without details the partner is created from its
name alone. With details the partner is a company: the address line becomes
its default (primary) address, and a primary contact person is created under
it holding the email and the mobile number, so that the company itself does
not hold them (email and mobile are unique across partners). With
``default_entity_type = "individual"`` in the context the details stay on
the individual instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from kernel.exceptions import ValidationError
from kernel.orm import Model

PHONE = re.compile(r"^\+?[\d\s().-]{6,}$")
NAMED_EMAIL = re.compile(r"^(?P<name>[^<]*)<(?P<email>[^>]+)>$")


@dataclass
class QuickEntry:
    """One quick-entry line, read."""

    name: str
    email: str | None = None
    mobile: str | None = None
    person: str | None = None
    address: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)  # details given twice: "email", "mobile"

    @property
    def has_details(self) -> bool:
        return bool(self.email or self.mobile or self.address)


def parse_quick_entry(text: str) -> QuickEntry:
    """Split a quick-entry line into the partner's name and its details (see the module docstring)."""
    parts = [part.strip() for part in text.split(",")]
    entry = QuickEntry(name=parts[0])
    for part in filter(None, parts[1:]):
        named = NAMED_EMAIL.match(part)
        if named or "@" in part:
            if entry.email:
                entry.repeated.append("email")
            entry.email = named.group("email").strip() if named else part
            entry.person = (named.group("name").strip() or None) if named else None
        elif PHONE.match(part):
            if entry.mobile:
                entry.repeated.append("mobile")
            entry.mobile = part
        else:
            entry.address.append(part)
    return entry


class PartnerQuickEntry(Model):
    _inherit = "basepartner"

    def name_create(self, name: str) -> tuple[int, str]:
        """Create a partner from a quick-entry line; with contact details a company, its primary address
        and its primary contact person."""
        entry = parse_quick_entry(name)
        if not entry.name:
            raise ValidationError(self.env._("Partner quick entry %(text)s: start with the partner's name",
                                             text=repr(name)), code="PARTY_QUICK_ENTRY")
        if entry.repeated:
            raise ValidationError(self.env._("Partner quick entry %(text)s: give one email and one mobile number "
                                             "at most", text=repr(name)), code="PARTY_QUICK_ENTRY")
        if not entry.has_details:
            return super().name_create(entry.name)
        address = {"street": ", ".join(entry.address)} if entry.address else {}
        contact = {key: value for key, value in (("email", entry.email), ("mobile_number", entry.mobile)) if value}
        if self.env.context.get("default_entity_type") == "individual":
            partner = self.create({"name": entry.name, "entity_type": "individual", **address, **contact})
        else:
            partner = self.create({"name": entry.name, "entity_type": "company", **address})
            if contact:
                self.create({"name": entry.person or entry.name, "entity_type": "individual",
                             "parent_id": partner.id, **contact})
        return partner.id, partner.display_name
