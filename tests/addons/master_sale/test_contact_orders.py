"""master_sale: orders for contact persons (credit and addresses of their company)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kernel.exceptions import UserError, ValidationError


@pytest.fixture
def company(env):
    return env["res.company"].create({"name": "PT Jual"})


@pytest.fixture
def acme(env, types, company):
    return env["basepartner"].create({
        "name": "Acme", "entity_type": "company", "partner_types": [(4, types["customer"])], "street": "Jl. Kantor 1",
        "credit_limits": [(0, 0, {"company_id": company.id, "amount": 1000})]})


def order_for(env, partner, company, amount, **values):
    return env["sale.order"].create({"partner_id": partner.id, "company_id": company.id, **values,
                                     "order_line": [(0, 0, {"name": "Goods", "price_unit": amount})]})


def test_a_contacts_orders_count_against_its_company_credit(env, acme, company):
    budi = env["basepartner"].create({"name": "Budi", "parent_id": acme.id})
    sari = env["basepartner"].create({"name": "Sari", "parent_id": acme.id})
    order_for(env, budi, company, 600).action_confirm()
    assert acme.credit_outstanding(company.id) == Decimal("600.00")
    assert sari.credit_outstanding(company.id) == Decimal("600.00")
    assert sari.credit_limit_for(company.id) == acme.credit_limits
    with pytest.raises(UserError) as info:  # checked when the quotation is made, at the company's limit
        order_for(env, sari, company, 500)
    assert (info.value.code, info.value.status) == ("PARTY_CREDIT_EXCEEDED", 403)
    assert "'Acme'" in str(info.value) and "600.00" in str(info.value)
    small = order_for(env, sari, company, 300)
    small.action_confirm()
    assert acme.credit_outstanding(company.id) == Decimal("900.00")


def test_orders_default_to_the_typed_addresses_of_the_company(env, acme, company):
    delivery_type = env.ref("master_sale.partner_address_type_delivery")
    invoice_type = env.ref("master_sale.partner_address_type_invoice")
    warehouse = env["basepartneraddress"].create({"partner_id": acme.id, "type_id": delivery_type.id,
                                                  "street": "Gudang 7", "city": "Bekasi"})
    budi = env["basepartner"].create({"name": "Budi", "parent_id": acme.id})
    order = order_for(env, budi, company, 10)
    assert order.commercial_partner_id == acme
    assert (order.partner_shipping_id, order.partner_invoice_id) == (warehouse, acme.default_address_id)
    billing = env["basepartneraddress"].create({"partner_id": acme.id, "type_id": invoice_type.id, "street": "Keuangan"})
    assert order_for(env, budi, company, 10).partner_invoice_id == billing
    draft = env["sale.order"].new({"partner_id": budi.id})
    draft._onchange_partner_id()
    assert (draft.partner_invoice_id, draft.partner_shipping_id) == (billing, warehouse)
    assert env["sale.order"].search([("commercial_partner_id", "=", acme.id)]).mapped("partner_id") == budi


def test_an_address_of_another_customer_is_refused(env, acme, company, refused):
    other = env["basepartner"].create({"name": "Other", "street": "Elsewhere 1"})
    error = refused(lambda: order_for(env, acme, company, 10, partner_shipping_id=other.default_address_id.id),
                    ValidationError)
    assert (error.code, error.status, error.field) == ("SALE_ADDRESS_PARTNER", 422, "partner_shipping_id")
    assert "'Other'" in str(error) and "'Acme'" in str(error)
    assert not env["sale.order"].search([("partner_id", "=", acme.id)])


def test_address_types_ship_with_their_addons(env):
    names = set(env["basepartneraddresstype"].search([]).mapped("name"))
    assert {"Default", "Delivery Address", "Invoice Address"} <= names
