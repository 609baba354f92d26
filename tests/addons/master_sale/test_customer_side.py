"""master_sale: customer codes, groups and territories, credit limits, internal customer, account
currencies and the quotation → sales order flow."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kernel.exceptions import UserError, ValidationError


def customer(env, types, **values):
    return env["basepartner"].create({"name": "Buyer Co", "partner_types": [(4, types["customer"])], **values})


def test_customers_are_stamped_like_vendors(env, types, events):
    partner = customer(env, types)
    assert (partner.is_customer, partner.customer_code) == (True, "CS-0001")
    assert partner.customer_creation_time
    assert events.named("customer.created") == [
        {"customer_id": partner.id, "customer_name": "Buyer Co", "customer_type": "individual",
         "customer_code": "CS-0001"}]
    later = env["basepartner"].create({"name": "Later"})
    later.write({"partner_types": [(4, types["customer"])]})
    assert later.customer_code == "CS-0002"
    later.write({"partner_types": [(3, types["customer"])]})
    assert not later.is_customer and later.customer_code == "CS-0002"
    with pytest.raises(ValidationError) as info:
        later.write({"customer_code": "CS-9999"})
    assert info.value.code == "PARTY_FIELD_READONLY"


def test_customer_and_vendor_on_one_partner(env, types):
    both = env["basepartner"].create({"name": "Both Ways",
                                      "partner_types": [(6, 0, [types["customer"], types["vendor"]])]})
    assert (both.vendor_code, both.customer_code) == ("V00001", "CS-0001")
    assert env["basepartner"].search([("is_customer", "=", True), ("is_vendor", "=", True)]) == both


@pytest.fixture
def groups(env):
    root = env.ref("master_sale.customer_group_all")
    retail = env["customer.group"].create({"name": "Retail", "parent_id": root.id, "is_group": True})
    small = env["customer.group"].create({"name": "Small Shops", "parent_id": retail.id})
    return root, retail, small


@pytest.fixture
def territories(env):
    root = env.ref("master_sale.sales_territory_all")
    java = env["sales.territory"].create({"name": "Java", "parent_id": root.id, "is_group": True})
    bandung = env["sales.territory"].create({"name": "Bandung", "parent_id": java.id})
    return root, java, bandung


def test_only_leaf_groups_and_territories_are_assigned(env, types, groups, territories):
    _, retail, small = groups
    _, java, bandung = territories
    partner = customer(env, types, customer_group=small.id, territory=bandung.id)
    assert (partner.customer_group, partner.territory) == (small, bandung)
    for values, label in (({"customer_group": retail.id}, "Retail"), ({"territory": java.id}, "Java")):
        with pytest.raises(ValidationError) as info:
            customer(env, types, name="Wrong", **values)
        assert (info.value.code, info.value.status) == ("PARTY_GROUP_ASSIGNMENT", 422)
        assert f"'{label}'" in str(info.value) and "leaf" in str(info.value)


def test_an_assigned_node_cannot_become_a_group(env, types, groups, refused):
    _, _, small = groups
    partner = customer(env, types, customer_group=small.id)
    error = refused(lambda: small.write({"is_group": True}), ValidationError)
    assert error.code == "PARTY_GROUP_ASSIGNMENT" and "'Buyer Co'" in str(error)
    assert not small.is_group and partner.customer_group == small


def test_tree_parents_are_group_nodes_and_parents_stay_groups(env, groups, refused):
    _, retail, small = groups
    error = refused(lambda: env["customer.group"].create({"name": "Under a leaf", "parent_id": small.id}),
                    ValidationError)
    assert error.code == "PARTY_GROUP_ASSIGNMENT" and "'Small Shops' is not a group node" in str(error)
    error = refused(lambda: retail.write({"is_group": False}), ValidationError)
    assert error.code == "PARTY_GROUP_ASSIGNMENT" and "must stay a group node" in str(error)
    assert env["customer.group"].search([("id", "child_of", retail.id)]).mapped("name") == ["Retail", "Small Shops"]


def test_territories_have_managers_and_yearly_targets(env, territories):
    _, _, bandung = territories
    manager = env["res.users"].create({"name": "Sari", "login": "sari"})
    bandung.write({"manager_id": manager.id, "target_ids": [(0, 0, {"fiscal_year": 2026, "target_amount": "50000"})]})
    assert bandung.manager_id == manager and bandung.target_ids.target_amount == Decimal("50000.00")
    with pytest.raises(ValidationError):
        bandung.write({"target_ids": [(0, 0, {"fiscal_year": 2026, "target_amount": "1"})]})


@pytest.fixture
def company(env):
    return env["res.company"].create({"name": "PT Jual"})


def quotation(env, partner, company, amount):
    return env["sale.order"].create({"partner_id": partner.id, "company_id": company.id,
                                     "order_line": [(0, 0, {"name": "Goods", "product_uom_qty": 1, "price_unit": amount})]})


def test_quotation_to_sales_order(env, types, company):
    order = quotation(env, customer(env, types), company, 250)
    assert (order.name, order.state, order.amount_total) == ("S00001", "draft", Decimal("250.00"))
    assert order.action_confirm() == {"state": "sale", "warnings": []}
    with pytest.raises(UserError) as info:
        order.action_confirm()
    assert info.value.code == "SALE_STATE"
    order.action_cancel()
    order.action_draft()
    assert order.state == "draft"
    with pytest.raises(UserError):
        order.write({"state": "sale"})


def test_confirming_over_the_credit_limit_is_refused_with_the_figures(env, types, company, events):
    partner = customer(env, types, credit_limits=[(0, 0, {"company_id": company.id, "amount": 1000})])
    first = quotation(env, partner, company, 600)
    second = quotation(env, partner, company, 500)  # quotations do not count: nothing outstanding yet
    first.action_confirm()
    assert partner.credit_outstanding(company.id) == Decimal("600.00")
    with pytest.raises(UserError) as info:
        second.action_confirm()
    error = info.value
    assert (error.code, error.status) == ("PARTY_CREDIT_EXCEEDED", 403)
    for figure in ("outstanding 600.00", "this transaction 500.00", "limit 1000.00", "by 100.00"):
        assert figure in str(error)
    assert second.state == "draft"
    assert events.named("customer.credit_exceeded") == [{
        "customer_id": partner.id, "company": company.id, "outstanding": "600.00", "credit_limit": "1000.00",
        "transaction_amount": "500.00"}]
    first.write({"is_paid": True})
    assert second.action_confirm()["state"] == "sale", "paid orders no longer count"


def test_the_credit_check_setting_switches_the_check_off_and_on(env, types, company):
    partner = customer(env, types, credit_limits=[(0, 0, {"company_id": company.id, "amount": 100})])
    settings = env["res.config.settings"].create({})
    assert settings.sale_credit_check is True  # on until switched off
    settings.write({"sale_credit_check": False})
    settings.execute()
    assert quotation(env, partner, company, 500).action_confirm()["state"] == "sale"
    env["res.config.settings"].create({"sale_credit_check": True}).execute()
    with pytest.raises(UserError, match="credit limit exceeded"):
        quotation(env, partner, company, 500).action_confirm()


def test_limits_are_per_company_and_a_bypass_lets_orders_through(env, types, company):
    other = env["res.company"].create({"name": "PT Lain"})
    partner = customer(env, types, credit_limits=[(0, 0, {"company_id": company.id, "amount": 100})])
    assert quotation(env, partner, other, 5000).action_confirm()["state"] == "sale", "no limit in the other company"
    with pytest.raises(UserError):
        quotation(env, partner, company, 101).action_confirm()
    partner.credit_limits.write({"bypass_credit_limit_check": True})
    assert quotation(env, partner, company, 101).action_confirm()["state"] == "sale"


def test_one_credit_limit_per_customer_and_company_never_negative(env, types, company):
    partner = customer(env, types, credit_limits=[(0, 0, {"company_id": company.id, "amount": 100})])
    with pytest.raises(ValidationError) as info:
        env["customer.credit.limit"].create({"partner_id": partner.id, "company_id": company.id, "amount": 5})
    assert (info.value.code, info.value.status) == ("PARTY_CREDIT_LIMIT_DUPLICATE", 409)
    with pytest.raises(ValidationError) as info:
        partner.credit_limits.write({"amount": -1})
    assert info.value.code == "PARTY_CREDIT_LIMIT_INVALID"


def test_frozen_customers_get_no_new_sales_orders(env, types, company):
    partner = customer(env, types)
    order = quotation(env, partner, company, 10)
    partner.write({"customer_is_frozen": True})
    for call in (lambda: quotation(env, partner, company, 10), order.action_confirm):
        with pytest.raises(UserError) as info:
            call()
        assert (info.value.code, info.value.status) == ("PARTY_CUSTOMER_FROZEN", 403)
    assert order.state == "draft"


def test_the_quotation_form_fills_customer_defaults_and_warns_about_a_frozen_customer(env, types):
    """``sale.order``'s onchange on the customer, in the user's language (the warning is translated)."""
    pricelist = env["sale.pricelist"].create({"name": "Grosir", "currency": "IDR"})
    regular = customer(env, types, default_price_list=pricelist.id)
    frozen = customer(env, types, name="Beku", customer_is_frozen=True, default_currency="USD")
    spec = {"partner_id": "1", "pricelist_id": "", "currency": ""}
    result = env["sale.order"].onchange({"partner_id": regular.id}, "partner_id", spec)
    assert result["value"]["pricelist_id"] == (pricelist.id, "Grosir")
    assert result["value"]["currency"] == "IDR", "the price list's currency when the customer has none"
    assert "warning" not in result
    indonesian = env["sale.order"].with_context(lang="id").onchange({"partner_id": frozen.id}, "partner_id", spec)
    assert indonesian["value"]["currency"] == "USD"
    assert indonesian["warning"]["title"] == "Pelanggan dibekukan"
    assert indonesian["warning"]["message"].startswith("Pelanggan Beku dibekukan")


def test_one_internal_customer_per_company(env, types, company, refused):
    first = customer(env, types, name="Us", company_id=company.id, is_internal_customer=True)
    error = refused(lambda: customer(env, types, name="Us Again", company_id=company.id, is_internal_customer=True),
                    ValidationError)
    assert (error.code, error.status) == ("PARTY_INTERNAL_DUPLICATE", 409)
    assert f"'Us' (id {first.id})" in str(error) and "PT Jual" in str(error)
    other = env["res.company"].create({"name": "PT Lain"})
    assert customer(env, types, name="Them", company_id=other.id, is_internal_customer=True).is_internal_customer
    second = customer(env, types, name="Plain", company_id=company.id)
    error = refused(lambda: second.write({"is_internal_customer": True}), ValidationError)
    assert error.code == "PARTY_INTERNAL_DUPLICATE"


def test_currencies_and_price_lists(env, types):
    pricelist = env["sale.pricelist"].create({"name": "Rupiah Retail", "currency": "idr"})
    partner = customer(env, types, default_currency=" idr ", default_price_list=pricelist.id)
    assert (partner.default_currency, pricelist.currency) == ("IDR", "IDR")
    assert partner.default_price_list == pricelist
    with pytest.raises(ValidationError) as info:
        partner.write({"default_currency": "XYZ"})
    assert info.value.code == "PARTY_CURRENCY_INVALID" and "'XYZ'" in str(info.value)


def test_receivable_accounts_must_be_in_the_customers_currency(env, types, company, refused):
    partner = customer(env, types, default_currency="IDR")
    account = env["customer.account"].create({"partner_id": partner.id, "company_id": company.id,
                                              "account_code": "1100", "currency": "idr"})
    assert partner.customer_accounts == account
    other = env["res.company"].create({"name": "PT Dolar"})
    error = refused(lambda: env["customer.account"].create(
        {"partner_id": partner.id, "company_id": other.id, "account_code": "1101", "currency": "USD"}), ValidationError)
    assert (error.code, error.status) == ("PARTY_ACCOUNT_CURRENCY_MISMATCH", 422)
    assert "in USD, expected IDR" in str(error)
    error = refused(lambda: partner.write({"default_currency": "USD"}), ValidationError)
    assert error.code == "PARTY_ACCOUNT_CURRENCY_MISMATCH"
    assert partner.default_currency == "IDR"
    no_currency = customer(env, types, name="No Currency")
    error = refused(lambda: env["customer.account"].create(
        {"partner_id": no_currency.id, "company_id": company.id, "account_code": "1102", "currency": "IDR"}),
        ValidationError)
    assert error.code == "PARTY_ACCOUNT_CURRENCY_MISMATCH" and "set the party's default currency" in str(error)


def test_sales_views_menus_and_customer_action(env):
    action = env.ref("master_sale.action_customers")
    assert action.res_model == "basepartner" and "is_customer" in action.domain
    assert env.ref("master_sale.menu_customers").complete_name == "Sales / Customers"
    assert env.ref("core_purchase.menu_vendors").complete_name == "Purchase / Vendor / Vendors"
    assert "is_vendor" in env.ref("core_purchase.action_vendors").domain
