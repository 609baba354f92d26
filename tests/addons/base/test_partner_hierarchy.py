"""base: contact persons under company partners, commercial fields, addresses and identity fields."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kernel.exceptions import ValidationError


@pytest.fixture
def acme(env):
    return env["basepartner"].create({"name": "Acme", "entity_type": "company", "street": "Jl. Merdeka 1",
                                      "city": "Jakarta"})


def test_a_contact_belongs_to_its_company_and_shows_it(env, acme):
    budi = env["basepartner"].create({"name": "Budi", "parent_id": acme.id})
    sari = env["basepartner"].create({"name": "Sari", "parent_id": acme.id})
    assert acme.child_ids == budi | sari
    assert (budi.commercial_partner_id, acme.commercial_partner_id) == (acme, acme)
    assert budi.display_name == "Acme, Budi"
    assert env["basepartner"].name_search("Budi") == [(budi.id, "Acme, Budi")]
    assert budi.read(["parent_id"])[0]["parent_id"] == (acme.id, "Acme")


def test_a_contact_under_a_contact_reaches_the_top_company(env, acme):
    division = env["basepartner"].create({"name": "Acme Retail", "entity_type": "company", "parent_id": acme.id})
    person = env["basepartner"].create({"name": "Dewi", "parent_id": division.id})
    assert division.commercial_partner_id == division  # a company is its own commercial entity
    assert person.commercial_partner_id == division
    loose = env["basepartner"].create({"name": "Freelancer"})
    assert loose.commercial_partner_id == loose
    loose.write({"parent_id": acme.id})
    assert loose.commercial_partner_id == acme


def test_a_parent_must_be_a_company_and_no_cycles(env, acme, refused):
    person = env["basepartner"].create({"name": "Budi"})
    error = refused(lambda: env["basepartner"].create({"name": "Sari", "parent_id": person.id}), ValidationError)
    assert (error.code, error.field) == ("PARTY_PARENT_NOT_COMPANY", "parent_id")
    assert "'Budi'" in str(error) and not env["basepartner"].search([("name", "=", "Sari")])
    child = env["basepartner"].create({"name": "Acme Sub", "entity_type": "company", "parent_id": acme.id})
    error = refused(lambda: acme.write({"parent_id": child.id}), ValidationError)
    assert error.code == "TREE_CYCLE"
    assert not acme.parent_id


def test_commercial_fields_live_on_the_company(env, acme):
    budi = env["basepartner"].create({"name": "Budi", "parent_id": acme.id, "vat": "DE136695976"})
    assert not budi.vat, "a contact's tax id is its company's, not its own"
    acme.write({"vat": "DE136695976"})
    assert budi.vat == "DE136695976"
    budi.write({"vat": "DE 136 695 976"})  # written on the contact: goes to the company
    assert (acme.vat, budi.vat) == ("DE 136 695 976", "DE 136 695 976")
    assert "vat" in env["basepartner"]._commercial_fields()
    assert {"customer_group", "territory", "customer_is_frozen"} <= set(env["basepartner"]._commercial_fields())
    assert {"supplier_is_frozen", "on_hold"} <= set(env["basepartner"]._commercial_fields())


def test_contacts_follow_their_company_when_it_freezes(env, acme, types):
    budi = env["basepartner"].create({"name": "Budi", "parent_id": acme.id})
    acme.write({"customer_is_frozen": True, "partner_types": [(4, types["customer"])]})
    assert budi.customer_is_frozen
    assert acme.customer_code and not budi.customer_code, "codes belong to the company"
    budi.write({"partner_types": [(4, types["customer"])]})
    assert not budi.customer_code


def test_the_address_block_is_the_default_address(env, acme):
    address = acme.default_address_id
    assert (address.street, address.city, address.is_default) == ("Jl. Merdeka 1", "Jakarta", True)
    assert address.type_id == env.ref("base.partner_address_type_default")
    acme.write({"city": "Bandung"})
    assert address.city == "Bandung" and acme.address_ids == address
    address.write({"street": "Jl. Asia Afrika 8"})
    assert acme.street == "Jl. Asia Afrika 8"
    assert env["basepartner"].search([("city", "=", "Bandung")]) == acme
    empty = env["basepartner"].create({"name": "No Address"})
    assert not empty.address_ids
    empty.write({"street": "Jl. Baru 2"})
    assert empty.default_address_id.street == "Jl. Baru 2"


def test_one_default_address_per_partner(env, acme):
    first = acme.default_address_id
    other = env["basepartneraddress"].create({"partner_id": acme.id, "street": "Gudang 5", "is_default": True})
    assert (first.is_default, other.is_default) == (False, True)
    assert acme.default_address_id == other and acme.street == "Gudang 5"
    first.write({"is_default": True})
    assert acme.default_address_id == first and acme.street == "Jl. Merdeka 1"


def test_an_address_state_must_be_in_its_country(env, acme, refused):
    indonesia = env["res.country"].search([("code", "=", "ID")])
    java = env["res.country.state"].search([("country_id", "=", indonesia.id)], limit=1)
    germany = env["res.country"].search([("code", "=", "DE")])
    address = env["basepartneraddress"].create({"partner_id": acme.id, "street": "x", "state_id": java.id})
    assert address.country_id == indonesia, "a state brings its country"
    error = refused(lambda: address.write({"country_id": germany.id}), ValidationError)
    assert (error.code, error.field) == ("PARTY_STATE_COUNTRY", "state_id")


def test_reference_is_unique_when_set(env, refused):
    first = env["basepartner"].create({"name": "One", "ref": "C-001"})
    env["basepartner"].create([{"name": "Two", "ref": ""}, {"name": "Three", "ref": ""}])  # empty never collides
    error = refused(lambda: env["basepartner"].create({"name": "Four", "ref": "C-001"}), ValidationError)
    assert error.status == 409 and "'One'" in str(error) and f"id {first.id}" in str(error)


def test_tax_ids_are_checked_for_the_partner_country(env, refused):
    indonesia = env["res.country"].search([("code", "=", "ID")])
    good = env["basepartner"].create({"name": "PT Baik", "country_id": indonesia.id, "vat": "01.312.166.0-091.000"})
    assert good.vat == "01.312.166.0-091.000"
    error = refused(lambda: env["basepartner"].create({"name": "PT Salah", "country_id": indonesia.id,
                                                       "vat": "12345"}), ValidationError)
    assert (error.code, error.field) == ("PARTY_VAT_INVALID", "vat")
    assert "'12345'" in str(error) and "Indonesia" in str(error)
    assert not env["basepartner"].search([("name", "=", "PT Salah")])
    error = refused(lambda: env["basepartner"].create({"name": "Nowhere", "vat": "12345"}), ValidationError)
    assert "without a country" in str(error)
    assert env["basepartner"].create({"name": "EU", "vat": "DE136695976"}).vat == "DE136695976"
    refused(lambda: good.write({"country_id": env["res.country"].search([("code", "=", "DE")]).id}), ValidationError)


def test_an_upgrade_keeps_addresses_from_before_addresses_existed(erp_kernel):
    with erp_kernel.env() as env:
        partner = env["basepartner"].create({"name": "Old Timer"})
        table = env["basepartner"]._sql
        env.execute(sa.update(table).where(table.c.id == partner.id).values(
            street="Jl. Lama 3", city="Bogor", default_address_id=None, commercial_partner_id=None))
        partner_id = partner.id
    try:
        erp_kernel.upgrade(["base"])
        with erp_kernel.env() as env:
            partner = env["basepartner"].browse(partner_id)
            assert (partner.default_address_id.street, partner.city) == ("Jl. Lama 3", "Bogor")
            assert partner.commercial_partner_id == partner
    finally:
        with erp_kernel.env() as env:
            env["basepartner"].browse(partner_id).unlink()


def test_quick_entry_with_details_creates_the_primary_contact_and_address(env):
    partner_id, label = env["basepartner"].name_create(
        "PT Sumber Makmur, Budi Santoso <Budi@Sumber.co.id>, +62 812 3456 7890, Jl. Merdeka 1 Bandung")
    company = env["basepartner"].browse(partner_id)
    assert (label, company.entity_type, company.street) == ("PT Sumber Makmur", "company", "Jl. Merdeka 1 Bandung")
    assert company.default_address_id.is_default
    assert not company.email and not company.mobile_number, "the company holds neither: they are unique"
    person = company.child_ids
    assert (person.name, person.email, person.mobile_number) == ("Budi Santoso", "budi@sumber.co.id", "+6281234567890")
    assert person.display_name == "PT Sumber Makmur, Budi Santoso"


def test_quick_entry_of_a_name_alone_or_for_an_individual(env, refused):
    plain_id, _ = env["basepartner"].name_create("Just A Name")
    plain = env["basepartner"].browse(plain_id)
    assert (plain.entity_type, plain.child_ids, plain.address_ids) == ("individual", plain.child_ids.browse(), plain.address_ids.browse())
    person_id, _ = env["basepartner"].with_context(default_entity_type="individual").name_create("Sari, sari@example.com")
    person = env["basepartner"].browse(person_id)
    assert (person.entity_type, person.email, person.child_ids.ids) == ("individual", "sari@example.com", [])
    error = refused(lambda: env["basepartner"].name_create("Two Mails, a@example.com, b@example.com"), ValidationError)
    assert error.code == "PARTY_QUICK_ENTRY" and "'Two Mails, a@example.com, b@example.com'" in str(error)
    error = refused(lambda: env["basepartner"].name_create("Taken, sari@example.com"), ValidationError)
    assert error.code == "PARTY_DUPLICATE_CONTACT" and not env["basepartner"].search([("name", "=", "Taken")])


def test_adding_an_address_line_on_a_new_form_keeps_the_typed_address_block(env):
    """The block is related to the default address, which a new record does not have yet: an onchange must not
    blank what the user typed in it."""
    default_type = env.ref("base.partner_address_type_default")
    values = {"name": "PT Baru", "entity_type": "company", "street": "Jl. Kantor 1", "city": "Bandung",
              "address_ids": [(0, 0, {"type_id": default_type.id, "street": "Gudang 9"})]}
    spec = {name: {} for name in ("name", "entity_type", "street", "city")}
    spec["address_ids"] = {"fields": {"type_id": {}, "street": {}}}
    answer = env["basepartner"].onchange(values, ["address_ids"], spec)
    assert "street" not in answer["value"] and "city" not in answer["value"]
