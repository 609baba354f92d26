"""Contact persons under company partners, and the commercial entity that carries the commercial fields.

A contact person is a partner whose ``parent_id`` is a company partner. Its
``commercial_partner_id`` is the top company partner above it (a partner
without a parent, or a company, is its own). The fields listed by
:meth:`PartnerHierarchy._commercial_fields` belong to the commercial entity:

* a contact created under a company gets them from the company (values given
  for them on create are replaced, as the contact has no say in them);
* writing them on a contact writes them on its commercial partner;
* writing them on a commercial partner copies them to all its contacts, so
  reading them on a contact gives the company's values.

Other addons add their fields by extending ``_commercial_fields`` with
``super()`` (customer group, territory, frozen flags, ...). Documents for a
contact count against its commercial partner (credit, codes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kernel.exceptions import ValidationError
from kernel.orm import Model, api, fields

SYNCING = "partner_commercial_sync"  # context key: a write made by the sync itself


class PartnerHierarchy(Model):
    _inherit = "basepartner"

    parent_id = fields.Many2one("basepartner", "Related Company", ondelete="cascade", index=True,
                                help="The company partner this contact person works for")
    child_ids = fields.One2many("basepartner", "parent_id", "Contacts", copy=False)  # their emails are unique
    commercial_partner_id = fields.Many2one(
        "basepartner", "Commercial Entity", compute="_compute_commercial_partner_id", store=True, index=True,
        ondelete="set null", help="The partner carrying the commercial fields: the top company, or the partner itself",
    )

    @api.model
    def _commercial_fields(self) -> list[str]:
        """Fields that belong to the commercial entity and are synced down to its contacts; extend with super()."""
        return ["vat"]

    @api.depends("parent_id", "entity_type", "parent_id.commercial_partner_id")
    def _compute_commercial_partner_id(self) -> None:
        for partner in self:
            if partner.entity_type == "company" or not partner.parent_id:
                partner.commercial_partner_id = partner
            else:
                partner.commercial_partner_id = partner.parent_id.commercial_partner_id or partner.parent_id

    def _compute_display_name(self) -> None:
        """A contact person shows as ``Company, Contact``."""
        for partner in self:
            name = partner.name or ""
            if partner.parent_id and partner.entity_type != "company":
                name = f"{partner.parent_id.name}, {name}"
            partner.display_name = name

    def _picker_icons(self) -> dict[int, str]:
        """What pickers draw before each partner: a building for a company, a person for an individual."""
        return {partner.id: "company" if partner.entity_type == "company" else "person" for partner in self}

    @api.constrains("parent_id")
    def _check_parent(self) -> None:
        for partner in self:
            parent = partner.parent_id
            if not parent:
                continue
            if parent.entity_type != "company":
                raise ValidationError(
                    self.env._("Partner %(name)s: its company %(parent)s must be a partner of type Company",
                               name=repr(partner.name), parent=repr(parent.name)),
                    code="PARTY_PARENT_NOT_COMPANY", field="parent_id",
                )

    def _check_no_cycle(self, parent_id: Any) -> None:
        """Refuse a parent that is one of these partners or below them (checked before writing: the
        commercial partner of a cycle could never be computed)."""
        parent = self.browse(parent_id) if isinstance(parent_id, int) else self.browse()
        current, seen = parent, set()
        while current and current.id not in seen:
            if current.id in self._ids:
                partner = self.browse(current.id)
                raise ValidationError(self.env._("Partner %(name)s: %(parent)s cannot be its company, as it belongs "
                                                 "to %(name)s itself", name=repr(partner.name), parent=repr(parent.name)),
                                      code="TREE_CYCLE", field="parent_id")
            seen.add(current.id)
            current = current.parent_id

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        partners = super().create(vals_list)
        contacts = partners.filtered(lambda partner: partner.commercial_partner_id != partner)
        if contacts:
            contacts._sync_from_commercial()
        return partners

    def write(self, vals: Mapping[str, Any]) -> bool:
        if self.env.context.get(SYNCING):
            return super().write(vals)
        if vals.get("parent_id"):
            self._check_no_cycle(vals["parent_id"])
        commercial = {name: value for name, value in vals.items() if name in self._commercial_fields()}
        contacts = self.filtered(lambda partner: partner.commercial_partner_id != partner) if commercial else self.browse()
        if contacts:  # the contacts' commercial fields are their company's: write them there
            contacts.commercial_partner_id.write(commercial)
            vals = {name: value for name, value in vals.items() if name not in commercial}
        result = super().write(vals) if vals else True
        if "parent_id" in vals or "entity_type" in vals:
            moved = self.filtered(lambda partner: partner.commercial_partner_id != partner)
            if moved:
                moved._sync_from_commercial()
        if commercial:
            (self - contacts)._sync_to_contacts(list(commercial))
        return result

    def _sync_from_commercial(self) -> None:
        """Copy the commercial fields of each contact's commercial partner onto the contact."""
        names = self._commercial_fields()
        for commercial, contacts in self._group_by_commercial().items():
            values = commercial._convert_to_write(names)
            contacts.with_context(**{SYNCING: True}).write(values)

    def _sync_to_contacts(self, names: list[str]) -> None:
        """Copy ``names`` from these commercial partners to every contact below them."""
        for commercial in self:
            contacts = self.with_context(active_test=False).search(
                [("commercial_partner_id", "=", commercial.id), ("id", "!=", commercial.id)])
            if contacts:
                contacts.with_context(**{SYNCING: True}).write(commercial._convert_to_write(names))

    def _group_by_commercial(self) -> dict[Any, Any]:
        groups: dict[Any, Any] = {}
        for partner in self:
            key = partner.commercial_partner_id
            groups[key] = groups.get(key, self.browse()) | partner
        return groups

    def _convert_to_write(self, names: list[str]) -> dict[str, Any]:
        """This partner's values of ``names`` as ``write`` takes them."""
        self.ensure_one()
        values: dict[str, Any] = {}
        for name in names:
            field, value = self._fields[name], self[name]
            if field.type == "many2one":
                values[name] = value.id or False
            elif field.type == "many2many":
                values[name] = [(6, 0, value.ids)]
            else:
                values[name] = value
        return values
