"""master_sale: sales teams, what customers inherit from their group, disabled and archived customers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kernel.exceptions import UserError, ValidationError


@pytest.fixture
def company(env):
    return env["res.company"].create({"name": "PT Tim"})


def customer(env, **values):
    return env["basepartner"].create({"name": "Team Buyer", "partner_types": [
        (4, env.ref("base.base_partner_type_customer").id)], **values})


def test_sales_teams_have_a_leader_members_and_customers(env, company):
    leader = env["res.users"].create({"name": "Lead", "login": "lead", "company_id": company.id})
    member = env["res.users"].create({"name": "Member", "login": "member", "company_id": company.id})
    team = env["sales.team"].create({"name": "Jakarta Direct", "user_id": leader.id, "company_id": company.id,
                                     "member_ids": [(6, 0, [member.id])]})
    buyer = customer(env, team_id=team.id)
    assert (buyer.team_id, team.user_id, team.member_ids) == (team, leader, member)
    assert env["sales.team"].search([("name", "=", "Jakarta Direct")]) == team


def test_a_company_team_is_staffed_by_users_of_that_company(env, company, refused):
    outsider = env["res.users"].create({"name": "Outsider", "login": "outsider"})
    error = refused(lambda: env["sales.team"].create({"name": "Closed", "company_id": company.id,
                                                      "member_ids": [(6, 0, [outsider.id])]}), ValidationError)
    assert (error.code, error.status, error.field) == ("SALE_TEAM_COMPANY", 422, "member_ids")
    assert "'Outsider'" in str(error) and not env["sales.team"].search([("name", "=", "Closed")])


@pytest.fixture
def group_tree(env, company):
    root = env.ref("master_sale.customer_group_all")
    retail = env["customer.group"].create({"name": "Retail", "parent_id": root.id, "is_group": True,
                                           "credit_limit_ids": [(0, 0, {"company_id": company.id, "amount": 500})],
                                           "account_ids": [(0, 0, {"company_id": company.id, "account_code": "1120",
                                                                   "currency": "idr"})]})
    shops = env["customer.group"].create({"name": "Shops", "parent_id": retail.id})
    return retail, shops


def order(env, partner, company, amount):
    return env["sale.order"].create({"partner_id": partner.id, "company_id": company.id,
                                     "order_line": [(0, 0, {"name": "Goods", "price_unit": amount})]})


def test_customers_inherit_their_groups_credit_limit_unless_they_have_their_own(env, company, group_tree, refused):
    _, shops = group_tree
    buyer = customer(env, customer_group=shops.id)
    assert buyer.credit_limit_for(company.id).amount == Decimal("500.00")  # from Retail, the parent of Shops
    order(env, buyer, company, 400).action_confirm()
    error = refused(lambda: order(env, buyer, company, 200).action_confirm(), UserError)
    assert (error.code, error.status) == ("PARTY_CREDIT_EXCEEDED", 403) and "500.00" in str(error)
    env["customer.credit.limit"].create({"partner_id": buyer.id, "company_id": company.id, "amount": 1000})
    assert buyer.credit_limit_for(company.id).amount == Decimal("1000.00")
    assert order(env, buyer, company, 200).action_confirm()["state"] == "sale"


def test_customers_inherit_their_groups_receivable_account_in_their_currency(env, company, group_tree):
    _, shops = group_tree
    assert group_tree[0].account_ids.currency == "IDR"
    rupiah = customer(env, customer_group=shops.id, default_currency="IDR")
    dollar = customer(env, name="Dollar Buyer", customer_group=shops.id, default_currency="USD")
    assert rupiah.receivable_account_for(company.id).account_code == "1120"
    assert not dollar.receivable_account_for(company.id)
    own = env["customer.account"].create({"partner_id": rupiah.id, "company_id": company.id, "account_code": "1199",
                                          "currency": "IDR"})
    assert rupiah.receivable_account_for(company.id) == own


def test_a_group_limit_is_one_per_company_and_never_negative(env, company, group_tree, refused):
    retail, _ = group_tree
    error = refused(lambda: env["customer.group.credit.limit"].create(
        {"group_id": retail.id, "company_id": company.id, "amount": 9}), ValidationError)
    assert error.code == "PARTY_CREDIT_LIMIT_DUPLICATE"
    other = env["res.company"].create({"name": "PT Lain"})
    error = refused(lambda: env["customer.group.credit.limit"].create(
        {"group_id": retail.id, "company_id": other.id, "amount": -1}), ValidationError)
    assert error.code == "PARTY_CREDIT_LIMIT_INVALID"


def test_disabled_and_archived_customers_get_no_new_sales_documents(env, company, refused):
    buyer = customer(env)
    quote = order(env, buyer, company, 10)
    buyer.write({"customer_disabled": True})
    error = refused(lambda: order(env, buyer, company, 10), UserError)
    assert (error.code, error.status) == ("PARTY_CUSTOMER_DISABLED", 403) and "'Team Buyer'" in str(error)
    error = refused(lambda: quote.action_confirm(), UserError)
    assert error.code == "PARTY_CUSTOMER_DISABLED" and quote.state == "draft"
    buyer.write({"customer_disabled": False, "active": False})
    error = refused(lambda: order(env, buyer, company, 10), UserError)
    assert (error.code, error.status) == ("PARTY_ARCHIVED", 403) and "archived" in str(error)
    assert env["sale.order"].search_count([("partner_id", "=", buyer.id)]) == 1


def test_a_disabled_customer_may_still_be_a_supplier(env, company):
    both = customer(env, customer_disabled=True, partner_types=[
        (4, env.ref("base.base_partner_type_customer").id), (4, env.ref("base.base_partner_type_vendor").id)])
    rfq = env["purchase.order"].create({"partner_id": both.id, "company_id": company.id})
    assert rfq.state == "draft"
