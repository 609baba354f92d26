"""Partner addresses: one model (``basepartneraddress``) for every address a partner has.

Each address has a type (``basepartneraddresstype``: ``base`` ships
"Default", ``master_sale`` adds "Delivery Address" and "Invoice Address").
A partner has at most one default address (a partial unique index decides;
marking another address default unmarks the previous one), and the partner's
own address block (``street`` ... ``country_id``, defined on ``basepartner``)
is that default address, through stored related fields: writing them on the
partner writes the default address, creating it when the partner has none
yet. Stored, they keep searching, grouping and ordering partners by city or
country cheap, and a database from before addresses existed keeps its values
there until :meth:`PartnerAddressAdoption.complete_partner_master` turns them into
addresses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from kernel.exceptions import AccessError, ValidationError
from kernel.orm import Model, api, fields

ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")
DEFAULT_TYPE = "base.partner_address_type_default"
PENDING_ADDRESSES = "partner_pending_addresses"  # context key: address blocks of partners being created


class PartnerAddressType(Model):
    """What an address is for: Default, Delivery Address, Invoice Address, ..."""

    _name = "basepartneraddresstype"
    _description = "Partner Address Type"
    _order = "name"

    name = fields.Char("Address Type", required=True, unique=True, translate=True)
    active = fields.Boolean("Active", default=True)


def _default_type(model: Any) -> Any:
    record = model.env.ref(DEFAULT_TYPE, raise_if_not_found=False)
    return record.id if record else False


class PartnerAddress(Model):
    _name = "basepartneraddress"
    _description = "Partner Address"
    _order = "partner_id, is_default desc, id"
    _rec_name = "street"

    partner_id = fields.Many2one("basepartner", "Partner", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", "Company", related="partner_id.company_id", store=True, readonly=True,
                                 index=True)  # ruled by the partner's company
    type_id = fields.Many2one("basepartneraddresstype", "Address Type", required=True, ondelete="restrict",
                              default=_default_type)
    is_default = fields.Boolean("Default", unique_per=("partner_id",),
                                help="The partner's own address; one per partner")
    street = fields.Char("Street")
    street2 = fields.Char("Street 2")
    zip = fields.Char("ZIP", size=24)
    city = fields.Char("City")
    state_id = fields.Many2one("res.country.state", "State", ondelete="restrict")
    country_id = fields.Many2one("res.country", "Country", ondelete="restrict")

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        many = [dict(vals) for vals in ([vals_list] if isinstance(vals_list, Mapping) else vals_list)]
        _fill_country_from_state(self.env, many)
        defaults = {vals["partner_id"] for vals in many if vals.get("is_default") and vals.get("partner_id")}
        self._unmark_defaults(defaults)
        addresses = super().create(many)
        marked = addresses.filtered("is_default")
        if marked:
            _link_defaults(self.env, {address.partner_id.id: address.id for address in marked})
        return addresses

    def write(self, vals: Mapping[str, Any]) -> bool:
        vals = dict(vals)
        if vals.get("state_id") and not vals.get("country_id") and "country_id" not in vals:
            _fill_country_from_state(self.env, [vals])
        if vals.get("is_default"):
            if len(self.mapped("partner_id")) != len(self):
                raise ValidationError(self.env._("Partner Address: a partner has one default address; mark one "
                                                 "address of each partner at a time"), code="PARTY_ADDRESS_DEFAULT",
                                      field="is_default")
            self._unmark_defaults(set(self.mapped("partner_id").ids), keep=self)
        if "partner_id" in vals and self.filtered("is_default"):
            raise ValidationError(self.env._("Partner Address: a default address stays with its partner; mark another "
                                             "address default first"), code="PARTY_ADDRESS_DEFAULT", field="partner_id")
        was_default = {address.id: address.is_default for address in self} if "is_default" in vals else {}
        result = super().write(vals)
        if was_default:
            changed = self.filtered(lambda address: address.is_default != was_default[address.id])
            if changed:
                _link_defaults(self.env, {address.partner_id.id: address.id if address.is_default else None
                                          for address in changed})
        return result

    def _unmark_defaults(self, partner_ids: set[int], keep: Any = None) -> None:
        """Make room for a new default address: the partners' current defaults stop being theirs."""
        if not partner_ids:
            return
        current = self.sudo().search([("partner_id", "in", sorted(partner_ids)), ("is_default", "=", True)])
        if keep is not None:
            current -= keep.sudo()
        if current:
            current.write({"is_default": False})

    def _compute_display_name(self) -> None:
        for address in self:
            parts = [address.street, address.street2, address.zip and f"{address.zip} {address.city or ''}".strip()
                     or address.city, address.country_id.name]
            label = ", ".join(part for part in parts if part) or address.partner_id.name or ""
            address.display_name = f"{label} ({address.type_id.name})" if address.type_id else label

    @api.constrains("state_id", "country_id")
    def _check_state_country(self) -> None:
        for address in self:
            state = address.state_id
            if state and state.country_id != address.country_id:
                country = address.country_id.name or self.env._("no country")
                raise ValidationError(
                    self.env._("Partner %(name)s: state %(state)s belongs to %(country)s, not to %(other)s",
                               name=repr(address.partner_id.name), state=repr(state.name),
                               country=state.country_id.name, other=country),
                    code="PARTY_STATE_COUNTRY", field="state_id",
                )


def _link_defaults(env: Any, defaults: Mapping[int, int | None]) -> None:
    """Point partners at their default address (or at none): one statement for the batch, then the address
    blocks that follow it recomputed. The partner's ``default_address_id`` is kept here, not computed from
    its addresses, so that a form adding an address line does not recompute (and blank) a block being typed."""
    partners = env["basepartner"].sudo()
    table = partners._sql
    statement = sa.update(table).where(table.c.id == sa.bindparam("b_id")).values(
        default_address_id=sa.bindparam("b_address"))
    env.execute(statement, [{"b_id": partner_id, "b_address": address_id} for partner_id, address_id in defaults.items()])
    field = partners._fields["default_address_id"]
    records = partners.browse(list(defaults))
    env.transaction.invalidate([field], records._ids)
    records._recompute(records._modified([field]))


def _fill_country_from_state(env: Any, vals_list: list[dict[str, Any]]) -> None:
    """A state given without a country brings its country (one query for the batch)."""
    state_ids = {v["state_id"] for v in vals_list
                 if type(v.get("state_id")) is int and v["state_id"] > 0 and not v.get("country_id")}
    if not state_ids:
        return
    states = env["res.country.state"].sudo().browse(list(state_ids)).exists()
    country_of = {state.id: state.country_id.id for state in states}
    for vals in vals_list:
        if vals.get("state_id") in country_of and not vals.get("country_id"):
            vals["country_id"] = country_of[vals["state_id"]]


def address_value(partner: Any, name: str) -> Any:
    """A field of the partner's address block, also while the partner is being created (constraints run
    before its default address is made; ``create`` puts the blocks in the context by partner name)."""
    pending = partner.env.context.get(PENDING_ADDRESSES) or {}
    value = partner[name]
    if value:
        return value
    block = pending.get((partner.name or "").strip().lower()) or {}
    raw = block.get(name)
    if raw and partner._fields[name].type == "many2one":
        return partner.env[partner._fields[name].comodel_name].browse(raw if isinstance(raw, int) else raw[0])
    return raw or value


def split_address(vals: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``vals`` without the address block, and the address block."""
    rest = {name: value for name, value in vals.items() if name not in ADDRESS_FIELDS}
    return rest, {name: value for name, value in vals.items() if name in ADDRESS_FIELDS}


def write_default_addresses(partners: Any, block: Mapping[str, Any]) -> None:
    """Write an address block on each partner's default address, creating it where there is none yet."""
    addresses = partners.env["basepartneraddress"]
    for partner in partners:
        if partner.default_address_id:
            partner.default_address_id.write(dict(block))
        elif any(block.values()):
            addresses.create({**block, "partner_id": partner.id, "is_default": True})


def recompute_missing(model: Any, field_name: str) -> None:
    """Compute a stored computed field on the rows that lack it: rows from before the field existed (an
    upgrade adds the column empty). Superuser only."""
    if not model.env.su:
        raise AccessError(model.env._("%(model)s: only the system completes stored values", model=model._description),
                          code="ACCESS_DENIED")
    records = model.with_context(active_test=False).search([(field_name, "=", False)])
    if records:
        model._recompute({model._fields[field_name]: set(records._ids)})


class PartnerAddressAdoption(Model):
    _inherit = "basepartner"

    def complete_partner_master(self) -> None:
        """Bring partners from before contact persons and addresses existed up to date: each gets its
        commercial partner, and each address block without a default address becomes one.

        Run by the base addon's data on install and upgrade (an upgrade adds the columns empty);
        superuser only; running it again does nothing more.
        """
        recompute_missing(self, "commercial_partner_id")
        partners = self.with_context(active_test=False).search([("default_address_id", "=", False)])
        todo = []
        for partner in partners:
            if any(partner[name] for name in ADDRESS_FIELDS):
                todo.append({**partner._convert_to_write(list(ADDRESS_FIELDS)), "partner_id": partner.id,
                             "is_default": True})
        if todo:
            self.env["basepartneraddress"].create(todo)
