"""The partner master: contacts (``basepartner``), their types, titles and categories.

Email, mobile and phone are unique across partners: the database's unique
indexes decide, so two concurrent transactions cannot both store the same
value, and the refusal names the field, the value and the partner holding it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from kernel import Model, api, fields
from kernel.exceptions import ValidationError
from kernel.orm.integrity import holder_text

from .address import PENDING_ADDRESSES, address_value, split_address, write_default_addresses
from .contact import RegionResolver, normalise_contact_values

UNIQUE_NAMES_PARAMETER = "base.partner_unique_names"
ENTITY_TYPES = [("individual", "Individual"), ("company", "Company")]
COLOR_RANGE = (1, 11)


class Company(Model):
    """Companies get a country: the region a partner's phone number is read in."""

    _inherit = "res.company"

    country_id = fields.Many2one("res.country", "Country", ondelete="restrict")


class PartnerType(Model):
    """A role a partner plays: Customer, Vendor (``base.base_partner_type_customer`` / ``_vendor``)."""

    _name = "partner_type"
    _description = "Partner Type"
    _order = "name"

    name = fields.Char("Name", required=True, unique=True, translate=True)


class PartnerTitle(Model):
    _name = "basepartnertitle"
    _description = "Partner Title"
    _order = "name"

    name = fields.Char("Title", required=True, unique=True, translate=True)
    shortcut = fields.Char("Abbreviation", translate=True)


def _random_color(model: Any) -> int:
    return random.randint(*COLOR_RANGE)


class PartnerCategory(Model):
    """A tag for partners; categories form a tree (VIP > VIP – Gold)."""

    _name = "basepartnercategory"
    _description = "Partner Category"
    _order = "name"
    _parent_store = True
    _parent_name = "parent"

    name = fields.Char("Category Name", required=True, translate=True)
    parent = fields.Many2one("basepartnercategory", "Parent Category", ondelete="cascade", index=True)
    children = fields.One2many("basepartnercategory", "parent", "Child Categories")
    color = fields.Integer("Color Index", default=_random_color, help="1 to 11; random when not given")
    active = fields.Boolean("Active", default=True)
    partners = fields.Many2many("basepartner", string="Partners")

    @api.constrains("color")
    def _check_color(self) -> None:
        low, high = COLOR_RANGE
        for category in self:
            if not low <= category.color <= high:
                raise ValidationError(
                    f"Partner Category {category.name!r}: color must be between {low} and {high}, got {category.color}",
                    code="PARTY_CATEGORY_COLOR",
                )

    def _compute_display_name(self) -> None:
        for category in self:
            names, current, seen = [], category, set()
            while current and current.id not in seen:
                seen.add(current.id)
                names.append(current.name or "")
                current = current.parent
            category.display_name = " / ".join(reversed(names))


class Partner(Model):
    """Everyone the business deals with: customers, vendors, both, and the people in them."""

    _name = "basepartner"
    _description = "Partner"
    _order = "name"
    _duplicate_code = "PARTY_DUPLICATE_CONTACT"
    _active_rule = True  # a partner with a company (and branch) is seen only by users allowed in them

    name = fields.Char("Partner Name", required=True, size=255, index=True)
    entity_type = fields.Selection(ENTITY_TYPES, "Entity Type", required=True, default="individual")
    email = fields.Char("Email", size=255, unique=True, copy=False)
    mobile_number = fields.Char("Mobile Number", size=255, unique=True, copy=False)
    phone_number = fields.Char("Phone Number", size=255, unique=True, copy=False)
    partner_types = fields.Many2many("partner_type", string="Partner Types")
    categories = fields.Many2many("basepartnercategory", string="Categories")
    title = fields.Many2one("basepartnertitle", "Title", ondelete="set null")
    # the address block is the default address (see .address): stored, it keeps searching and grouping cheap
    address_ids = fields.One2many("basepartneraddress", "partner_id", "Addresses")
    default_address_id = fields.Many2one("basepartneraddress", "Default Address", readonly=True, copy=False,
                                         ondelete="set null", help="Kept by the addresses: the one marked default")
    street = fields.Char("Street", related="default_address_id.street", store=True, readonly=False)
    street2 = fields.Char("Street 2", related="default_address_id.street2", store=True, readonly=False)
    zip = fields.Char("ZIP", related="default_address_id.zip", store=True, readonly=False)
    city = fields.Char("City", related="default_address_id.city", store=True, readonly=False)
    state_id = fields.Many2one("res.country.state", "State", related="default_address_id.state_id", store=True,
                               readonly=False)
    country_id = fields.Many2one("res.country", "Country", related="default_address_id.country_id", store=True,
                                 readonly=False)
    image = fields.Binary("Image")
    active = fields.Boolean("Active", default=True)
    company_id = fields.Many2one("res.company", "Company", ondelete="restrict", index=True,
                                 help="Empty: shared by every company")
    branch_id = fields.Many2one("res.branch", "Branch", ondelete="restrict", index=True)

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        many = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        resolver = RegionResolver(self.env)
        split = [split_address(normalise_contact_values(resolver, vals)) for vals in many]
        pending = {str(rest.get("name") or "").strip().lower(): block for rest, block in split}
        partners = super(Partner, self.with_context(**{PENDING_ADDRESSES: pending})).create([rest for rest, _ in split])
        partners = partners.with_env(self.env)
        blocks = [{**block, "partner_id": partner.id, "is_default": True}
                  for partner, (_, block) in zip(partners, split) if any(block.values())]
        if blocks:
            self.env["basepartneraddress"].create(blocks)
        return partners

    def write(self, vals: Mapping[str, Any]) -> bool:
        rest, block = split_address(normalise_contact_values(RegionResolver(self.env), vals, self[:1] or None))
        result = super().write(rest)
        if block:
            write_default_addresses(self, block)
            self._validate_constraints(set(block))  # the partner's own rules on its address (its tax id's country)
        return result

    def action_open_category_wizard(self) -> dict[str, Any]:
        """The "Add categories" dialog on these partners (the client passes them as the active records)."""
        return self.env.ref("base.action_partner_category_wizard").read_action()

    @api.constrains("name")
    def _check_unique_name(self) -> None:
        """With the ``base.partner_unique_names`` parameter on, a name may be used once (case and spaces aside).

        The rule follows a setting, so no unique index can carry it: on
        PostgreSQL a transaction-scoped advisory lock per name makes a second
        writer of the same name wait until the first commits, then see its
        row (SQLite serialises writers).
        """
        if not self.env["ir.config_parameter"].sudo().get_bool(UNIQUE_NAMES_PARAMETER):
            return
        table = self._sql
        key = sa.func.lower(sa.func.trim(table.c.name))
        wanted = {partner.name.strip().lower(): partner for partner in self}
        if self.env.connection.dialect.name == "postgresql":
            lock = sa.text("SELECT pg_advisory_xact_lock(hashtext('basepartner.name'), hashtext(:name))")
            for name in sorted(wanted):  # one order for every transaction: no deadlock between two batches
                self.env.execute(lock, {"name": name})
        rows = self.env.execute(
            sa.select(table.c.id, table.c.name).where(key.in_(list(wanted))).order_by(table.c.id)).all()
        seen: dict[str, int] = {}
        for record_id, name in rows:
            normalised = name.strip().lower()
            if normalised in seen:
                partner = wanted[normalised]
                holder = seen[normalised] if seen[normalised] != partner.id else record_id
                raise ValidationError(
                    f"A customer or supplier with this name already exists: {holder_text(self.browse(holder))}; "
                    f"use a distinct name such as {partner.name + ' (' + (address_value(partner, 'city') or '2') + ')'!r}",
                    code="PARTY_DUPLICATE_NAME", status=409,
                )
            seen[normalised] = record_id

    @api.constrains("branch_id", "company_id")
    def _check_branch_company(self) -> None:
        for partner in self:
            branch = partner.branch_id
            if branch and branch.company_id != partner.company_id:
                raise ValidationError(
                    f"Partner {partner.name!r}: branch {branch.name!r} belongs to company "
                    f"{branch.company_id.name!r}; set that company on the partner",
                    code="PARTY_BRANCH_COMPANY", field="branch_id",
                )

