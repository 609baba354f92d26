"""The invoice and delivery addresses of sales orders.

An order's addresses are addresses of its customer or of the customer's
commercial partner (a contact person orders for its company, and may use the
company's addresses). When not given, each comes from the addresses of that
type ("Invoice Address", "Delivery Address", shipped by this addon), the
contact's own before its company's, else from the default address.
"""

from __future__ import annotations

from typing import Any

from kernel.exceptions import ValidationError

INVOICE_TYPE = "master_sale.partner_address_type_invoice"
DELIVERY_TYPE = "master_sale.partner_address_type_delivery"
ADDRESS_FIELDS = {"partner_invoice_id": INVOICE_TYPE, "partner_shipping_id": DELIVERY_TYPE}


def _address_of_type(partner: Any, type_xmlid: str) -> Any:
    """The partner's (else its commercial partner's) address of the type, else its (their) default address."""
    address_type = partner.env.ref(type_xmlid, raise_if_not_found=False)
    owners = [partner, partner.commercial_partner_id] if partner.commercial_partner_id != partner else [partner]
    for owner in owners:
        found = owner.address_ids.filtered(lambda address: address.type_id == address_type)[:1]
        if found:
            return found
    for owner in owners:
        if owner.default_address_id:
            return owner.default_address_id
    return partner.env["basepartneraddress"]


def customer_addresses(partner: Any) -> tuple[Any, Any]:
    """The invoice and delivery addresses an order for ``partner`` gets by default."""
    return _address_of_type(partner, INVOICE_TYPE), _address_of_type(partner, DELIVERY_TYPE)


def fill_addresses(env: Any, vals_list: list[dict[str, Any]]) -> None:
    """Give orders created without addresses their customer's invoice and delivery addresses."""
    partners = env["basepartner"]
    for vals in vals_list:
        if not vals.get("partner_id") or all(vals.get(name) for name in ADDRESS_FIELDS):
            continue
        partner = partners.browse(vals["partner_id"])
        for name, address in zip(ADDRESS_FIELDS, customer_addresses(partner)):
            if not vals.get(name) and address:
                vals[name] = address.id


def check_order_addresses(orders: Any) -> None:
    """An order's addresses are its customer's or its customer's company's (SALE_ADDRESS_PARTNER, 422)."""
    for order in orders:
        allowed = order.partner_id | order.partner_id.commercial_partner_id
        for name in ADDRESS_FIELDS:
            address = order[name]
            if address and address.partner_id not in allowed:
                raise ValidationError(
                    orders.env._("Sales Order %(order)s: the %(field)s %(address)s belongs to %(owner)s, not to the "
                                 "customer %(customer)s or its company", order=order.name,
                                 field=order._fields[name].string, address=repr(address.display_name),
                                 owner=repr(address.partner_id.name), customer=repr(order.partner_id.name)),
                    code="SALE_ADDRESS_PARTNER", status=422, field=name,
                )
