"""Company/branch auto-rules: the added fields, their defaults, switching companies, cross-company links."""

from __future__ import annotations

import pytest

from kernel import AccessError, ValidationError


def test_active_rule_models_get_company_and_branch_fields(env):
    for model in ("sec.customer", "sec.contact", "sec.visit"):
        fields = env[model]._fields
        assert fields["company_id"].comodel_name == "res.company" and fields["branch_id"].comodel_name == "res.branch"
    for model in ("sec.tag", "sec.secret", "sec.note"):  # opted out, or an addon without active_rule
        assert "branch_id" not in env[model]._fields
    assert "branch_id" not in env["sec.region"]._fields  # opted out, keeps its own company_id


def test_new_records_default_to_the_current_company_and_branch(env, env_as):
    rep_env = env_as("rep")
    visit = rep_env["sec.visit"].create({"name": "First visit"})
    assert visit.company_id == env.ref("base.main_company") and visit.branch_id == env.ref("sec_sales.branch_jakarta")
    beta = env.ref("sec_sales.company_beta")
    manager_env = env_as("manager", allowed_company_ids=[beta.id])
    assert manager_env.company == beta and manager_env.companies == beta
    visit = manager_env["sec.visit"].create({"name": "In Beta"})
    assert visit.company_id == beta


def test_opted_in_models_are_limited_to_the_users_companies(env, env_as, names):
    beta = env.ref("sec_sales.company_beta")
    env["sec.visit"].create([{"name": "beta visit", "company_id": beta.id}, {"name": "open visit"}])
    assert names(env_as("rep")["sec.visit"].search([])) == {"open visit"}
    assert names(env_as("manager")["sec.visit"].search([])) == {"beta visit", "open visit"}
    env["sec.note"].create({"name": "not scoped"})
    assert names(env_as("rep")["sec.note"].search([])) == {"not scoped"}


def test_the_company_switcher_narrows_what_a_user_sees(env, env_as, names, all_customers):
    main, beta = env.ref("base.main_company"), env.ref("sec_sales.company_beta")
    manager = env_as("manager")
    assert manager.companies.ids == [main.id, beta.id] and manager.company == main
    assert names(env_as("manager", allowed_company_ids=[beta.id])["sec.customer"].search([])) == {"Initech", "Shared Co"}
    assert names(env_as("manager", allowed_company_ids=[main.id, beta.id])["sec.customer"].search([])) == all_customers


def test_switching_to_a_company_that_is_not_allowed_is_refused(env, env_as):
    beta = env.ref("sec_sales.company_beta")
    rep_env = env_as("rep", allowed_company_ids=[beta.id])
    with pytest.raises(AccessError, match="unauthorized or invalid company"):
        rep_env["sec.customer"].search([])
    with pytest.raises(AccessError, match="unauthorized or invalid company"):
        rep_env.companies  # noqa: B018
    rep = env_as("rep").user.with_env(env_as("rep"))
    with pytest.raises(AccessError, match="may not switch to a company you are not allowed") as info:
        rep.write({"company_id": beta.id})
    assert info.value.code == "ACCESS_COMPANY"
    with pytest.raises(AccessError):  # and a rep cannot widen their own allowed companies
        rep.write({"company_ids": [(4, beta.id)]})
    with pytest.raises(AccessError, match="may not switch to a branch"):
        rep.write({"branch_id": env.ref("sec_sales.branch_surabaya").id})
    assert env.ref("sec_sales.user_rep").company_id == env.ref("base.main_company")


def test_a_user_company_must_be_among_their_allowed_companies(env):
    with pytest.raises(ValidationError, match="not one of the allowed companies") as info:
        env["res.users"].create({"name": "Lost", "login": "lost", "company_id": env.ref("sec_sales.company_beta").id,
                                 "company_ids": [(6, 0, [env.ref("base.main_company").id])]})
    assert info.value.code == "USER_COMPANY_NOT_ALLOWED"
    with pytest.raises(ValidationError, match="belongs to a company the user is not allowed"):
        env["res.users"].create({"name": "Lost", "login": "lost2",
                                 "company_ids": [(6, 0, [env.ref("sec_sales.company_beta").id])],
                                 "branch_ids": [(6, 0, [env.ref("sec_sales.branch_jakarta").id])]})


def test_users_switch_their_own_current_company_among_the_allowed_ones(env, env_as):
    beta = env.ref("sec_sales.company_beta")
    manager_env = env_as("manager")
    manager_env.user.with_env(manager_env).write({"company_id": beta.id})
    assert env_as("manager").company == beta
    with pytest.raises(AccessError):  # only their own preferences
        env.ref("sec_sales.user_rep").with_env(manager_env).write({"lang": "id_ID"})


def test_records_cannot_be_moved_to_a_company_the_user_is_not_allowed(env, env_as):
    beta = env.ref("sec_sales.company_beta")
    rep_env = env_as("rep")
    acme = rep_env["sec.customer"].search([("name", "=", "Acme")])
    with pytest.raises(AccessError, match="may not assign a company"):
        acme.write({"company_id": beta.id, "branch_id": False})
    with pytest.raises(AccessError, match="may not assign a branch"):
        acme.write({"branch_id": env.ref("sec_sales.branch_surabaya").id})
    with pytest.raises(AccessError, match="may not assign a company"):
        rep_env["sec.customer"].create({"name": "Elsewhere", "salesman_id": rep_env.uid, "company_id": beta.id,
                                        "branch_id": False})


def test_linking_records_of_different_companies_is_refused(env):
    acme = env["sec.customer"].search([("name", "=", "Acme")])
    with pytest.raises(ValidationError, match=r"Region \(region_id\) belongs to another company") as info:
        acme.write({"region_id": env.ref("sec_sales.region_beta").id})
    assert info.value.code == "COMPANY_MISMATCH"
    with pytest.raises(ValidationError, match=r"Branch \(branch_id\) belongs to another company"):
        env["sec.customer"].create({"name": "Wrong branch", "company_id": env.ref("sec_sales.company_beta").id,
                                    "branch_id": env.ref("sec_sales.branch_jakarta").id})
    shared = env["sec.customer"].search([("name", "=", "Shared Co")])
    with pytest.raises(ValidationError, match="belongs to a company; the record must belong to it too"):
        shared.write({"region_id": env.ref("sec_sales.region_main").id})
    acme.write({"region_id": env.ref("sec_sales.region_main").id})


def test_company_currency(env):
    beta = env.ref("sec_sales.company_beta")
    assert beta.currency_id.name == "IDR" and beta.currency_id.symbol == "Rp"
    assert env.ref("base.main_company").currency_id == env.ref("base.USD")
    assert str(env.ref("base.USD").round("2.345")) == "2.35"
    with pytest.raises(ValidationError, match="not an ISO 4217 code"):
        env["res.currency"].create({"name": "usd", "symbol": "$"})


def test_a_new_user_is_allowed_the_company_and_branch_it_is_given(env):
    main, jakarta = env.ref("base.main_company"), env.ref("sec_sales.branch_jakarta")
    user = env["res.users"].create({"name": "New", "login": "new", "company_id": main.id, "branch_id": jakarta.id})
    assert user.company_ids == main and user.branch_ids == jakarta
