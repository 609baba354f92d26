"""base: contacts: normalised email and phones, uniqueness with clear errors, address rules, batches."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kernel.exceptions import ValidationError


def partners(env):
    return env["basepartner"].with_context(active_test=False)


def country(env, code):
    return env["res.country"].search([("code", "=", code)])


def test_partner_types_are_shipped_with_their_external_ids(env):
    assert env.ref("base.base_partner_type_customer").name == "Customer"
    assert env.ref("base.base_partner_type_vendor").name == "Vendor"


def test_a_partner_may_be_customer_and_vendor(env, types):
    both = env["basepartner"].create({"name": "Both", "partner_types": [(6, 0, [types["customer"], types["vendor"]])]})
    assert sorted(both.partner_types.mapped("name")) == ["Customer", "Vendor"]
    assert both.entity_type == "individual" and both.active


def test_countries_and_states_come_from_pycountry(env):
    indonesia = country(env, "ID")
    assert indonesia.name == "Indonesia" and indonesia.phone_code == 62
    assert env["res.country"].search_count([]) >= 249
    west_java = env["res.country.state"].search([("country_id", "=", indonesia.id), ("code", "=", "JB")])
    assert west_java.name == "Jawa Barat"


def test_email_is_validated_and_stored_normalised(env):
    partner = env["basepartner"].create({"name": "Ann", "email": "  Ann.Lee@Example.COM "})
    assert partner.email == "ann.lee@example.com"
    partner.write({"email": "ANN@example.org"})
    assert partner.email == "ann@example.org"


def test_an_invalid_email_is_refused_and_nothing_is_created(env):
    before = partners(env).search_count([])
    with pytest.raises(ValidationError) as info:
        env["basepartner"].create([{"name": "Ok", "email": "ok@example.com"}, {"name": "Bad", "email": "not an email"}])
    assert (info.value.code, info.value.status) == ("PARTY_EMAIL_INVALID", 422)
    assert "'not an email'" in str(info.value)
    assert partners(env).search_count([]) == before


def test_phones_are_stored_in_e164_read_in_the_company_region(env):
    company = env["res.company"].create({"name": "PT Maju", "country_id": country(env, "ID").id})
    partner = env["basepartner"].create({"name": "Budi", "company_id": company.id,
                                         "mobile_number": "0812-3456-7890", "phone_number": "021 2345 6789"})
    assert (partner.mobile_number, partner.phone_number) == ("+6281234567890", "+622123456789")
    shared = env["basepartner"].create({"name": "Sam", "phone_number": "(650) 253-0000",
                                        "country_id": country(env, "US").id})
    assert shared.phone_number == "+16502530000", "without a company the partner's country gives the region"
    abroad = env["basepartner"].create({"name": "Liz", "mobile_number": "+44 20 7946 0958"})
    assert abroad.mobile_number == "+442079460958"


@pytest.mark.parametrize("number", ["0812-3456-7890", "12345", "call me"])
def test_a_phone_that_cannot_be_read_is_refused(env, number):
    with pytest.raises(ValidationError) as info:
        env["basepartner"].create({"name": "Nobody", "mobile_number": number})
    assert (info.value.code, info.value.status) == ("PARTY_PHONE_INVALID", 422)
    assert repr(number) in str(info.value) and "Mobile number" in str(info.value)


@pytest.mark.parametrize("field, first, second, label", [
    ("email", "dup@example.com", "DUP@example.com", "Email"),
    ("mobile_number", "+62 812 3456 7890", "+6281234567890", "Mobile Number"),
    ("phone_number", "+1 650 253 0000", "+16502530000", "Phone Number"),
])
def test_email_mobile_and_phone_are_unique_naming_field_value_and_holder(env, field, first, second, label):
    holder = env["basepartner"].create({"name": "First Holder", field: first})
    with pytest.raises(ValidationError) as info:
        env["basepartner"].create({"name": "Second", field: second})
    error = info.value
    assert (error.code, error.status) == ("PARTY_DUPLICATE_CONTACT", 409)
    assert label in str(error) and holder[field] in str(error)
    assert "'First Holder'" in str(error) and f"id {holder.id}" in str(error)
    other = env["basepartner"].create({"name": "Other"})
    with pytest.raises(ValidationError) as info:
        other.write({field: second})
    assert info.value.code == "PARTY_DUPLICATE_CONTACT" and "'First Holder'" in str(info.value)
    assert not other[field], "the refused write changed nothing"


def test_duplicates_inside_one_batch_are_refused(env):
    with pytest.raises(ValidationError) as info:
        env["basepartner"].create([{"name": "A", "email": "same@example.com"}, {"name": "B", "email": "Same@example.com"}])
    assert info.value.code == "PARTY_DUPLICATE_CONTACT" and "rows 0 and 1 both give Email" in str(info.value)


def test_empty_contact_values_never_collide(env):
    created = env["basepartner"].create([{"name": "No Mail"}, {"name": "Blank", "email": "", "mobile_number": "  "},
                                         {"name": "False", "email": False, "phone_number": False}])
    assert created.mapped("email") == [False, False, False]
    assert created.mapped("mobile_number") == [False, False, False]


def test_name_is_required_and_at_most_255_characters(env):
    with pytest.raises(ValidationError) as info:
        env["basepartner"].create({"email": "x@example.com"})
    assert info.value.code == "FIELD_REQUIRED"
    with pytest.raises(ValidationError) as info:
        env["basepartner"].create({"name": "x" * 256})
    assert "at most 255 characters" in str(info.value)
    assert env["basepartner"].create({"name": "x" * 255}).name == "x" * 255


def test_entity_type_is_individual_or_company(env):
    assert env["basepartner"].create({"name": "Co", "entity_type": "company"}).entity_type == "company"
    with pytest.raises(ValidationError):
        env["basepartner"].create({"name": "Alien", "entity_type": "robot"})


def test_partners_are_ordered_by_name(env):
    env["basepartner"].create([{"name": "Zeta"}, {"name": "Alpha"}])
    names = env["basepartner"].search([("name", "in", ["Zeta", "Alpha"])]).mapped("name")
    assert names == ["Alpha", "Zeta"]


def test_a_state_must_belong_to_the_country(env, refused):
    indonesia, malaysia = country(env, "ID"), country(env, "MY")
    west_java = env["res.country.state"].search([("country_id", "=", indonesia.id), ("code", "=", "JB")])
    with pytest.raises(ValidationError) as info:
        env["basepartner"].create({"name": "Lost", "state_id": west_java.id, "country_id": malaysia.id})
    assert info.value.code == "PARTY_STATE_COUNTRY" and "Jawa Barat" in str(info.value) and "Malaysia" in str(info.value)
    partner = env["basepartner"].create({"name": "Found", "state_id": west_java.id, "city": "Bandung"})
    assert partner.country_id == indonesia, "a state given alone brings its country"
    error = refused(lambda: partner.write({"country_id": malaysia.id}), ValidationError)
    assert error.code == "PARTY_STATE_COUNTRY"
    assert partner.country_id == indonesia


def test_a_branch_must_belong_to_the_partners_company(env):
    first, second = env["res.company"].create([{"name": "First Co"}, {"name": "Second Co"}])
    branch = env["res.branch"].create({"name": "Surabaya", "company_id": first.id})
    ok = env["basepartner"].create({"name": "Local", "company_id": first.id, "branch_id": branch.id})
    assert ok.branch_id == branch
    with pytest.raises(ValidationError) as info:
        env["basepartner"].create({"name": "Mixed", "company_id": second.id, "branch_id": branch.id})
    assert info.value.code == "PARTY_BRANCH_COMPANY" and "First Co" in str(info.value)


def test_a_thousand_partners_are_created_with_a_fixed_number_of_statements(env, erp_kernel, types):
    """Normalising, typing and stamping work per batch: the statement count does not grow with the batch."""

    def statements_for(count, offset):
        executed = []

        def count_statement(*args):
            executed.append(1)

        sa.event.listen(erp_kernel.engine, "before_cursor_execute", count_statement)
        try:
            env["basepartner"].create([
                {"name": f"Bulk {offset + i}", "email": f"bulk{offset + i}@example.com",
                 "mobile_number": f"+62812{offset + i:07d}", "partner_types": [(6, 0, [types["customer"], types["vendor"]])]}
                for i in range(count)
            ])
        finally:
            sa.event.remove(erp_kernel.engine, "before_cursor_execute", count_statement)
        return len(executed)

    statements_for(5, 0)  # warms the per-transaction caches (external ids, sequences)
    small = statements_for(10, 5)
    large = statements_for(1000, 15)
    assert large == small, f"{small} statements for 10 partners, {large} for 1000"
    created = env["basepartner"].search([("name", "like", "Bulk %")])
    assert len(created) == 1015 and len(set(created.mapped("vendor_code"))) == 1015


def test_names_may_repeat_unless_the_unique_names_rule_is_on(env, refused):
    first = env["basepartner"].create({"name": "Sumber Makmur", "city": "Bandung"})
    assert env["basepartner"].create({"name": "Sumber Makmur"}).name == "Sumber Makmur"
    env["ir.config_parameter"].set_param("base.partner_unique_names", "True")
    error = refused(lambda: env["basepartner"].create({"name": " sumber makmur ", "city": "Bogor"}), ValidationError)
    assert (error.code, error.status) == ("PARTY_DUPLICATE_NAME", 409)
    assert f"'Sumber Makmur' (id {first.id})" in str(error) and "'sumber makmur (Bogor)'" in str(error)
    other = env["basepartner"].create({"name": "Other Name"})
    error = refused(lambda: other.write({"name": "SUMBER MAKMUR"}), ValidationError)
    assert error.code == "PARTY_DUPLICATE_NAME" and f"(id {first.id})" in str(error)
    assert other.name == "Other Name"


def test_a_shared_partner_reads_local_numbers_in_the_acting_users_company_region(env):
    company = env["res.company"].create({"name": "PT Lokal", "country_id": country(env, "ID").id})
    user = env["res.users"].create({"name": "Dewi", "login": "dewi", "company_id": company.id,
                                    "company_ids": [(4, company.id)], "group_ids": [(4, env.ref("base.group_user").id)]})
    partner = env["basepartner"].with_user(user).create({"name": "Walk-in", "mobile_number": "0812 3456 7890"})
    assert partner.mobile_number == "+6281234567890" and not partner.company_id
