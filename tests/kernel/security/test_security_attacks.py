"""The attacks of issue 5: each is refused, and leaves the data as it was."""

from __future__ import annotations

import pytest

from kernel import AccessError, MissingError


def _customer(env, name):
    return env["sec.customer"].search([("name", "=", name)])


@pytest.mark.parametrize("domain", [
    [("credit_limit", ">", 1000)],
    [("internal_note", "ilike", "late")],
    ["|", ("name", "=", "Acme"), ("credit_limit", "!=", False)],
    ["!", ("internal_note", "=", False)],
    [("salesman_id.password", "!=", False)],  # a restricted field at the end of a path
])
def test_domains_on_unreadable_fields_leak_nothing(env, domain, env_as):
    customers = env_as("rep")["sec.customer"]
    for search in (customers.search, customers.search_count, lambda d: customers.search_read(d, ["name"]),
                   lambda d: customers.read_group(d, ["name"], ["company_id"]),
                   lambda d: customers.name_search("", d)):
        with pytest.raises(AccessError, match="not allowed to read the field") as info:
            search(domain)
        assert info.value.code == "ACCESS_FIELD"


def test_ordering_by_an_unreadable_field_is_refused(env, env_as):
    customers = env_as("rep")["sec.customer"]
    with pytest.raises(AccessError, match="field 'credit_limit'"):
        customers.search([], order="credit_limit desc")
    with pytest.raises(AccessError, match="field 'credit_limit'"):
        customers.search_read([], ["name"], order="credit_limit")
    with pytest.raises(AccessError, match="field 'credit_limit'"):
        customers.read_group([], ["name"], ["company_id"], orderby="credit_limit")


def test_read_group_cannot_aggregate_or_group_unreadable_fields(env, env_as):
    customers = env_as("rep")["sec.customer"]
    for fields, groupby in ((["credit_limit:sum"], ["company_id"]), (["total:sum(credit_limit)"], ["company_id"]),
                            (["name"], ["credit_limit"]), (["name"], ["internal_note"])):
        with pytest.raises(AccessError, match="not allowed to read the field"):
            customers.read_group([], fields, groupby)


def test_read_group_counts_only_records_within_the_rules(env, env_as):
    groups = env_as("rep")["sec.customer"].read_group([], ["name"], ["company_id"])
    counts = {group["company_id"][1] if group["company_id"] else None: group["company_id_count"] for group in groups}
    assert counts == {"My Company": 2, None: 1}  # Acme and Wayne; Shared Co.  Not Globex, Initech, Umbrella
    manager_groups = env_as("manager")["sec.customer"].read_group([], ["credit_limit:sum"], ["company_id"])
    assert {g["company_id"][1] if g["company_id"] else None: g["credit_limit"] for g in manager_groups} == {
        "My Company": 5000, "Beta Corp": 9000, None: 0}


def test_dotted_paths_into_a_forbidden_model_are_refused(env, env_as):
    customers = env_as("rep")["sec.customer"]
    for domain in ([("secret_id.name", "=", "Formula")], [("secret_id", "=", "Formula")],
                   [("secret_id", "any", [("name", "like", "F")])]):
        with pytest.raises(AccessError, match=r"not allowed to read Secret \(sec.secret\)"):
            customers.search_count(domain)
    acme = customers.search([("name", "=", "Acme")])
    with pytest.raises(AccessError, match=r"Secret \(sec.secret\)"):
        acme.secret_id.name  # noqa: B018


def test_dotted_paths_see_only_the_records_the_rules_allow(env, env_as, names):
    acme = _customer(env, "Acme")
    # a contact of a visible customer, in a company the rep may not see
    env["sec.contact"].create({"name": "Hidden Harry", "customer_id": acme.id,
                               "company_id": env.ref("sec_sales.company_beta").id})
    customers = env_as("rep")["sec.customer"]
    assert customers.search_count([("contact_ids.name", "=", "Hidden Harry")]) == 0
    assert customers.search_count([("contact_ids", "=", "Hidden Harry")]) == 0
    assert customers.search_count([("contact_ids.name", "=", "Ann of Acme")]) == 1
    # contacts of customers the rep cannot see are invisible through the customer too
    contacts = env_as("rep")["sec.contact"]
    assert names(contacts.search([("customer_id.name", "ilike", "a")])) == {"Ann of Acme"}
    assert contacts.search_count([("customer_id", "=", "Umbrella")]) == 0


def test_writing_through_a_one2many_into_forbidden_records_is_refused(env, env_as):
    umbrella_contact = env.ref("sec_sales.contact_umbrella")
    acme = _customer(env_as("rep"), "Acme")
    for commands in ([(1, umbrella_contact.id, {"name": "pwned"})], [(2, umbrella_contact.id, 0)],
                     [(4, umbrella_contact.id, 0)], [(6, 0, [umbrella_contact.id])]):
        with pytest.raises(MissingError, match=r"Customer Contact \(sec.contact\): records .* or you may not see"):
            acme.write({"contact_ids": commands})
    assert umbrella_contact.name == "Uma of Umbrella" and umbrella_contact.customer_id == _customer(env, "Umbrella")


def test_reading_forbidden_records_by_id_is_refused(env, env_as):
    umbrella, initech = _customer(env, "Umbrella"), _customer(env, "Initech")
    rep_env = env_as("rep")
    hidden = rf"Customer \(sec.customer\): records \[{umbrella.id}\] do not exist or you may not see them"
    with pytest.raises(MissingError, match=hidden):
        (umbrella | _customer(env, "Acme")).with_env(rep_env).read(["name"])
    with pytest.raises(MissingError):
        initech.with_env(rep_env).email  # noqa: B018
    with pytest.raises(AccessError):  # the rep may delete no customer at all
        initech.with_env(rep_env).unlink()
    assert initech.exists()


def test_a_wrong_password_gets_one_generic_message(env, env_as):
    users = env_as("rep")["res.users"]
    assert users.authenticate("rep", "rep-pw") == env.ref("sec_sales.user_rep").id
    messages = set()
    for login, password in (("rep", "wrong"), ("rep", ""), ("nobody", "rep-pw"), ("manager", "rep-pw"), ("", "")):
        with pytest.raises(AccessError) as info:
            users.authenticate(login, password)
        messages.add((str(info.value), info.value.code))
    assert messages == {("Wrong login/password", "AUTH_FAILED")}


def test_a_user_cannot_read_password_hashes_or_change_a_password_without_the_old_one(env, env_as):
    rep_env = env_as("rep")
    with pytest.raises(AccessError):
        rep_env["res.users"].search_read([], ["password"])
    assert "password" not in rep_env["res.users"].search_read([("login", "=", "admin")])[0]
    with pytest.raises(AccessError):
        env.ref("base.user_admin").with_env(rep_env).write({"password": "mine now"})
    with pytest.raises(AccessError, match="Wrong login/password"):
        rep_env["res.users"].change_password("not the old one", "new")
    rep_env["res.users"].change_password("rep-pw", "new-pw")
    assert env["res.users"].authenticate("rep", "new-pw") == rep_env.uid
