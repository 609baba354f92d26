"""core_purchase: vendor codes stamped once, read-only, kept; supplier controls and the RFQ → PO flow."""

from __future__ import annotations

import datetime as dt

import pytest

from kernel.exceptions import UserError, ValidationError


def vendor(env, types, **values):
    return env["basepartner"].create({"name": "Vendor Co", "partner_types": [(4, types["vendor"])], **values})


def test_a_partner_created_as_vendor_is_stamped(env, types, events):
    before = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    first, second = env["basepartner"].create([
        {"name": "One", "partner_types": [(4, types["vendor"])]},
        {"name": "Two", "partner_types": [(4, types["vendor"])], "entity_type": "company"},
    ])
    assert (first.is_vendor, first.vendor_code, second.vendor_code) == (True, "V00001", "V00002")
    assert before <= first.vendor_creation_time <= dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    assert events.named("supplier.created") == [
        {"supplier_id": first.id, "supplier_name": "One", "supplier_type": "individual", "vendor_code": "V00001"},
        {"supplier_id": second.id, "supplier_name": "Two", "supplier_type": "company", "vendor_code": "V00002"},
    ]


def test_a_partner_that_is_not_a_vendor_gets_nothing(env, types):
    customer = env["basepartner"].create({"name": "Buyer", "partner_types": [(4, types["customer"])]})
    assert (customer.is_vendor, customer.vendor_code, customer.vendor_creation_time) == (False, False, False)


def test_a_partner_becoming_vendor_later_is_stamped_then(env, types, events):
    partner = env["basepartner"].create({"name": "Later"})
    assert not partner.vendor_code
    partner.write({"partner_types": [(4, types["vendor"])]})
    assert partner.is_vendor and partner.vendor_code == "V00001" and partner.vendor_creation_time
    assert [p["supplier_id"] for p in events.named("supplier.created")] == [partner.id]
    partner.write({"name": "Later Ltd", "partner_types": [(4, types["customer"])]})
    assert partner.vendor_code == "V00001", "a vendor is stamped once"
    assert len(events.named("supplier.created")) == 1


def test_removing_the_vendor_type_keeps_the_stamp(env, types):
    partner = vendor(env, types)
    stamped = (partner.vendor_code, partner.vendor_creation_time)
    partner.write({"partner_types": [(3, types["vendor"])]})
    assert not partner.is_vendor and (partner.vendor_code, partner.vendor_creation_time) == stamped
    partner.write({"partner_types": [(4, types["vendor"])]})
    assert partner.is_vendor and partner.vendor_code == stamped[0], "coming back does not take a new number"
    assert env["basepartner"].search([("is_vendor", "=", True), ("id", "=", partner.id)]) == partner


@pytest.mark.parametrize("values", [{"vendor_code": "V99999"}, {"vendor_creation_time": "2020-01-01 00:00:00"}])
def test_stamped_fields_are_read_only(env, types, values):
    partner = vendor(env, types)
    with pytest.raises(ValidationError) as info:
        partner.write(values)
    assert (info.value.code, info.value.status) == ("PARTY_FIELD_READONLY", 422)
    assert next(iter(values)) in str(info.value)
    assert partner.vendor_code == "V00001"
    with pytest.raises(ValidationError) as info:
        env["basepartner"].create({"name": "Forged", **values})
    assert info.value.code == "PARTY_FIELD_READONLY"
    partner.write({"vendor_code": "V00001", "name": "Same code written back"})
    assert partner.name == "Same code written back"


def test_vendor_codes_use_the_company_sequence_when_there_is_one(env, types):
    company = env["res.company"].create({"name": "Own Numbering"})
    env["ir.sequence"].create({"name": "Vendors of Own Numbering", "code": "purchase.vendor", "prefix": "OWN-",
                               "padding": 3, "company_id": company.id})
    own = vendor(env, types, company_id=company.id)
    shared = vendor(env, types, name="Shared")
    assert (own.vendor_code, shared.vendor_code) == ("OWN-001", "V00001")


def test_putting_a_supplier_on_hold_publishes_the_event(env, types, events):
    partner = vendor(env, types)
    partner.write({"on_hold": True, "hold_type": "payments", "release_date": "2030-01-31"})
    assert events.named("supplier.on_hold") == [
        {"supplier_id": partner.id, "hold_type": "payments", "release_date": "2030-01-31"}]
    partner.write({"release_date": "2030-02-28"})
    assert len(events.named("supplier.on_hold")) == 1, "only going on hold is an event"
    held = vendor(env, types, name="Held", on_hold=True)
    assert held.hold_type == "all"
    assert events.named("supplier.on_hold")[-1] == {"supplier_id": held.id, "hold_type": "all", "release_date": None}


def test_a_hold_needs_a_type(env, types):
    with pytest.raises(ValidationError) as info:
        vendor(env, types, on_hold=True, hold_type=False)
    assert info.value.code == "PARTY_HOLD_TYPE"


def test_a_hold_lifts_itself_after_its_release_date(env, types):
    partner = vendor(env, types, on_hold=True, hold_type="all", release_date="2030-01-31")
    assert partner.hold_applies("purchase", dt.date(2030, 1, 31))
    assert not partner.hold_applies("purchase", dt.date(2030, 2, 1))
    assert env["basepartner"].release_expired_holds(dt.date(2030, 1, 31)) == env["basepartner"].browse()
    assert env["basepartner"].release_expired_holds(dt.date(2030, 2, 1)) == partner
    assert not partner.on_hold and not partner.release_date


@pytest.mark.parametrize("hold_type, held", [
    ("all", {"rfq", "purchase", "invoice", "payment"}),
    ("invoices", {"invoice"}),
    ("payments", {"payment"}),
])
def test_hold_types_stop_their_documents(env, types, hold_type, held):
    partner = vendor(env, types, on_hold=True, hold_type=hold_type)
    assert {doc for doc in ("rfq", "purchase", "invoice", "payment") if partner.hold_applies(doc)} == held


def rfq(env, partner, price=100):
    return env["purchase.order"].create({"partner_id": partner.id,
                                         "order_line": [(0, 0, {"name": "Paper", "product_qty": 2, "price_unit": price})]})


def test_rfq_to_purchase_order(env, types):
    order = rfq(env, vendor(env, types))
    assert (order.name, order.state, str(order.amount_total)) == ("P00001", "draft", "200.00")
    assert order.action_rfq_send() == {"state": "sent", "warnings": []}
    assert order.button_confirm() == {"state": "purchase", "warnings": []}
    assert order.state == "purchase"
    with pytest.raises(UserError) as info:
        order.action_rfq_send()
    assert info.value.code == "PURCHASE_STATE"
    order.button_cancel()
    assert order.state == "cancel"
    order.button_draft()
    assert order.state == "draft"
    with pytest.raises(UserError) as info:
        order.write({"state": "purchase"})
    assert info.value.code == "PURCHASE_STATE"


@pytest.mark.parametrize("values, code", [
    ({"supplier_is_frozen": True}, "PARTY_SUPPLIER_FROZEN"),
    ({"on_hold": True, "hold_type": "all"}, "PARTY_SUPPLIER_ON_HOLD"),
    ({"prevent_rfqs": True}, "PARTY_RFQ_PREVENTED"),
])
def test_frozen_held_or_rfq_prevented_suppliers_get_no_rfq(env, types, values, code):
    partner = vendor(env, types, **values)
    before = env["purchase.order"].search_count([])
    with pytest.raises(UserError) as info:
        rfq(env, partner)
    assert (info.value.code, info.value.status) == (code, 403)
    assert "'Vendor Co'" in str(info.value)
    assert env["purchase.order"].search_count([]) == before


def test_a_hold_on_invoices_or_past_its_date_lets_rfqs_through(env, types):
    assert rfq(env, vendor(env, types, on_hold=True, hold_type="invoices")).state == "draft"
    assert rfq(env, vendor(env, types, name="Old Hold", on_hold=True, release_date="2000-01-01")).state == "draft"


def test_po_prevented_supplier_gets_rfqs_but_no_orders(env, types):
    partner = vendor(env, types, prevent_pos=True)
    order = rfq(env, partner)
    with pytest.raises(UserError) as info:
        order.button_confirm()
    assert (info.value.code, info.value.status) == ("PARTY_PO_PREVENTED", 403)
    assert order.state == "draft"


def test_freezing_after_the_rfq_stops_its_confirmation(env, types):
    partner = vendor(env, types)
    order = rfq(env, partner)
    partner.write({"supplier_is_frozen": True})
    with pytest.raises(UserError) as info:
        order.button_confirm()
    assert info.value.code == "PARTY_SUPPLIER_FROZEN"


def test_warned_suppliers_return_the_warning_with_the_result(env, types):
    partner = vendor(env, types, warn_rfqs=True, warn_pos=True)
    order = rfq(env, partner)
    assert "requests for quotation" in order.supplier_warning
    sent = order.action_rfq_send()
    assert sent["state"] == "sent" and "'Vendor Co'" in sent["warnings"][0]
    confirmed = order.button_confirm()
    assert confirmed["state"] == "purchase" and "purchase orders" in confirmed["warnings"][0]
    assert "purchase orders" in order.supplier_warning
    quiet = rfq(env, vendor(env, types, name="Quiet"))
    assert quiet.supplier_warning is False and quiet.button_confirm()["warnings"] == []


def test_changing_an_rfq_to_a_prevented_supplier_is_refused(env, types):
    order = rfq(env, vendor(env, types))
    blocked = vendor(env, types, name="Blocked", prevent_rfqs=True)
    with pytest.raises(UserError) as info:
        order.write({"partner_id": blocked.id})
    assert info.value.code == "PARTY_RFQ_PREVENTED"


def test_one_internal_supplier_per_company(env, types):
    company = env["res.company"].create({"name": "Group Co"})
    first = vendor(env, types, name="Inside", company_id=company.id, is_internal_supplier=True)
    with pytest.raises(ValidationError) as info:
        vendor(env, types, name="Inside Too", company_id=company.id, is_internal_supplier=True)
    assert (info.value.code, info.value.status) == ("PARTY_INTERNAL_DUPLICATE", 409)
    assert f"'Inside' (id {first.id})" in str(info.value)
    with pytest.raises(ValidationError) as info:
        vendor(env, types, name="Nowhere", is_internal_supplier=True)
    assert info.value.code == "PARTY_INTERNAL_COMPANY"


def test_duplicating_a_vendor_gives_a_new_vendor_without_the_unique_values(env, types):
    original = vendor(env, types, email="orig@example.com", mobile_number="+6281234567890", on_hold=True)
    duplicate = original.copy({"name": "Vendor Co (copy)"})
    assert duplicate.partner_types == original.partner_types and duplicate.is_vendor
    assert (duplicate.vendor_code, original.vendor_code) == ("V00002", "V00001")
    assert (duplicate.email, duplicate.mobile_number, duplicate.on_hold) == (False, False, False)
