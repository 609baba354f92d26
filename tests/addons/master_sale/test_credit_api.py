"""Credit limits of document 003 through every door: the ORM (block and warning modes, quotations checked when
created), REST (``POST /api/v1/sale.order/<id>/action_confirm``, HTTP 403), JSON-RPC (the code in ``data``),
XML-RPC (fault 2 with 003's message), the web client (a warning shown, not a refusal); and the other parties'
refusals (disabled, archived, account currency) with their codes and statuses through REST and JSON-RPC."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from kernel import Kernel
from kernel.config import Settings
from kernel.exceptions import UserError
from kernel.http.app import Application
from kernel.testing import WebClient

ADDONS = Path(__file__).resolve().parents[3] / "addons"
PASSWORD = "seller-pw"


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["web", "core_purchase", "master_sale"]


@pytest.fixture(scope="module")
def world(erp_kernel: Kernel) -> dict[str, Any]:
    """Two companies (one blocks, one warns), a seller with an API key, a customer with a limit of 1000 in each."""
    with erp_kernel.env() as env:
        blocking, warning = env["res.company"].create([{"name": "PT Blok"}, {"name": "PT Peringatan",
                                                                              "credit_limit_mode": "warning"}])
        seller = env["res.users"].create({
            "name": "Seller", "login": "seller", "password": PASSWORD, "company_id": blocking.id,
            "company_ids": [(6, 0, [blocking.id, warning.id])],
            "group_ids": [(6, 0, [env.ref("base.group_user").id, env.ref("base.group_system").id])]})
        customer_type = env.ref("base.base_partner_type_customer").id
        buyer = env["basepartner"].create({"name": "Credit Buyer", "partner_types": [(4, customer_type)],
                                           "credit_limits": [(0, 0, {"company_id": blocking.id, "amount": 1000}),
                                                             (0, 0, {"company_id": warning.id, "amount": 1000})]})
        key = env["res.users.apikey"].generate(seller.id, "credit tests")[1]
        return {"blocking": blocking.id, "warning": warning.id, "uid": seller.id, "key": key, "buyer": buyer.id}


@pytest.fixture(scope="module")
def app(erp_kernel: Kernel, world: dict[str, Any]) -> Iterator[Application]:
    application = Application(Settings(databases={"default": erp_kernel.url}, addons_path=(ADDONS,)))
    yield application
    application.databases.close()


def new_buyer(erp_kernel: Kernel, world: dict[str, Any], name: str) -> int:
    """A customer of its own (committed data outlives each test) with a limit of 1000 in both companies."""
    with erp_kernel.env() as env:
        return env["basepartner"].create({"name": name, "partner_types": [
            (4, env.ref("base.base_partner_type_customer").id)], "credit_limits": [
            (0, 0, {"company_id": world["blocking"], "amount": 1000}),
            (0, 0, {"company_id": world["warning"], "amount": 1000})]}).id


def order_in(erp_kernel: Kernel, world: dict[str, Any], buyer: int, company: str, amount: int,
             confirm: bool = False) -> int:
    with erp_kernel.env() as env:
        order = env["sale.order"].create({"partner_id": buyer, "company_id": world[company],
                                          "order_line": [(0, 0, {"name": "Goods", "price_unit": amount})]})
        if confirm:
            order.action_confirm()
        return order.id


def state_of(erp_kernel: Kernel, order_id: int) -> str:
    with erp_kernel.env() as env:
        return env["sale.order"].browse(order_id).state


def rest(app: Application, world: dict[str, Any], method: str, path: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {world['key']}"}
    response = Client(app).open(path, method=method, headers=headers, json=body)
    return response.status_code, response.get_json()


def jsonrpc(app: Application, world: dict[str, Any], model: str, method: str, args: list) -> dict[str, Any]:
    params = {"service": "object", "method": "execute_kw",
              "args": ["default", world["uid"], PASSWORD, model, method, args, {}]}
    answer = Client(app).post("/jsonrpc", json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1})
    return answer.get_json()


def test_a_quotation_over_the_limit_is_refused_when_created(env, world, refused):
    buyer = env["basepartner"].browse(world["buyer"])
    error = refused(lambda: env["sale.order"].create({
        "partner_id": buyer.id, "company_id": world["blocking"],
        "order_line": [(0, 0, {"name": "Too much", "price_unit": 1500})]}), UserError)
    assert (error.code, error.status) == ("PARTY_CREDIT_EXCEEDED", 403)
    assert "this transaction 1500.00 exceeds the limit 1000.00 by 500.00" in str(error)
    assert not env["sale.order"].search([("order_line.name", "=", "Too much")])


def test_warning_mode_lets_the_transaction_through_with_a_warning(env, world, events):
    buyer = env["basepartner"].browse(world["buyer"])
    order = env["sale.order"].create({"partner_id": buyer.id, "company_id": world["warning"],
                                      "order_line": [(0, 0, {"name": "Big", "price_unit": 1200})]})
    assert "Customer credit limit exceeded for 'Credit Buyer' at 'PT Peringatan'" in order.credit_warning
    result = order.action_confirm()
    assert result["state"] == "sale" and order.state == "sale"
    assert result["warnings"] == [order.credit_warning or result["warnings"][0]]
    assert "exceeds the limit 1000.00 by 200.00" in result["warnings"][0]
    assert [event["company"] for event in events.named("customer.credit_exceeded")] == [world["warning"]] * 2


def test_quotations_created_together_are_each_checked_on_their_own(env, world):
    orders = env["sale.order"].create([{"partner_id": world["buyer"], "company_id": world["blocking"],
                                        "order_line": [(0, 0, {"name": f"Batch {amount}", "price_unit": amount})]}
                                       for amount in (600, 700)])
    assert orders.mapped("state") == ["draft", "draft"], "1300 in all, but neither alone exceeds 1000"
    assert orders.mapped("credit_warning") == [False, False]


def test_a_quotation_under_the_limit_shows_no_warning(env, world):
    order = env["sale.order"].create({"partner_id": world["buyer"], "company_id": world["blocking"],
                                      "order_line": [(0, 0, {"name": "Small", "price_unit": 10})]})
    assert order.credit_warning is False


def test_rest_confirm_is_refused_with_403_and_the_code(app, world, erp_kernel):
    buyer = new_buyer(erp_kernel, world, "REST Buyer")
    first = order_in(erp_kernel, world, buyer, "blocking", 700)
    second = order_in(erp_kernel, world, buyer, "blocking", 400)
    status, body = rest(app, world, "POST", f"/api/v1/sale.order/{first}/action_confirm", {})
    assert (status, body) == (200, {"state": "sale", "warnings": []})
    status, body = rest(app, world, "POST", f"/api/v1/sale.order/{second}/action_confirm", {})
    assert status == 403 and body["error"]["code"] == "PARTY_CREDIT_EXCEEDED"
    assert "outstanding 700.00 plus this transaction 400.00" in body["error"]["message"]
    assert state_of(erp_kernel, second) == "draft"
    status, body = rest(app, world, "POST", f"/api/v1/sale.order/{second}/action_cancel", {})
    assert (status, body["state"]) == (200, "cancel")


def test_rest_confirm_in_warning_mode_returns_the_warning(app, world, erp_kernel):
    buyer = new_buyer(erp_kernel, world, "REST Warned Buyer")
    order_in(erp_kernel, world, buyer, "warning", 900, confirm=True)
    second = order_in(erp_kernel, world, buyer, "warning", 300)
    status, body = rest(app, world, "POST", f"/api/v1/sale.order/{second}/action_confirm", {})
    assert status == 200 and body["state"] == "sale" and "by " in body["warnings"][0]


def test_rest_actions_are_only_the_declared_ones_and_need_a_json_body(app, world, erp_kernel):
    order = order_in(erp_kernel, world, world["buyer"], "blocking", 1)
    status, body = rest(app, world, "POST", f"/api/v1/sale.order/{order}/unlink", {})
    assert status == 404 and body["error"]["code"] == "ACTION_UNKNOWN" and "action_confirm" in body["error"]["message"]
    response = Client(app).post(f"/api/v1/sale.order/{order}/action_confirm", data="x",
                                headers={"Authorization": f"Bearer {world['key']}"})
    assert response.status_code == 415 and state_of(erp_kernel, order) == "draft"
    status, body = rest(app, world, "POST", "/api/v1/sale.order/999999/action_confirm", {})
    assert status == 404
    assert Client(app).post(f"/api/v1/sale.order/{order}/action_confirm", json={}).status_code == 401
    document = Client(app).get("/api/v1/openapi.json").get_json()
    confirm = document["paths"]["/api/v1/sale.order/{record_id}/action_confirm"]["post"]
    assert confirm["operationId"] == "action_confirm_sale_order" and "403" in confirm["responses"]


def test_jsonrpc_and_xmlrpc_carry_a_recognisable_error(app, world, erp_kernel):
    buyer = new_buyer(erp_kernel, world, "RPC Buyer")
    order_in(erp_kernel, world, buyer, "blocking", 950, confirm=True)
    second = order_in(erp_kernel, world, buyer, "blocking", 10)
    with erp_kernel.env() as env:
        env["sale.order"].browse(second).order_line.write({"price_unit": 100})
    data = jsonrpc(app, world, "sale.order", "action_confirm", [[second]])["error"]["data"]
    assert (data["code"], data["status"], data["name"]) == ("PARTY_CREDIT_EXCEEDED", 403, "odoo.exceptions.UserError")
    assert data["message"].startswith("Customer credit limit exceeded")
    body = xmlrpc.client.dumps(("default", world["uid"], PASSWORD, "sale.order", "action_confirm", [[second]]),
                               "execute_kw")
    answer = Client(app).post("/xmlrpc/2/object", data=body, content_type="text/xml").get_data(as_text=True)
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(answer)
    assert fault.value.faultCode == 2 and fault.value.faultString.startswith("Customer credit limit exceeded")
    assert state_of(erp_kernel, second) == "draft"


def test_refused_parties_through_rest_and_jsonrpc(app, world, erp_kernel):
    with erp_kernel.env() as env:
        vendor_type = env.ref("base.base_partner_type_vendor").id
        disabled, archived = env["basepartner"].create([
            {"name": "Off Both", "customer_disabled": True, "supplier_disabled": True,
             "partner_types": [(4, vendor_type)], "default_currency": "IDR"},
            {"name": "Gone", "active": False}])
    cases = [("sale.order", {"partner_id": disabled.id}, "PARTY_CUSTOMER_DISABLED", 403),
             ("purchase.order", {"partner_id": disabled.id}, "PARTY_SUPPLIER_DISABLED", 403),
             ("sale.order", {"partner_id": archived.id}, "PARTY_ARCHIVED", 403),
             ("purchase.order", {"partner_id": archived.id}, "PARTY_ARCHIVED", 403),
             ("supplier.account", {"partner_id": disabled.id, "company_id": world["blocking"], "account_code": "2100",
                                   "currency": "USD"}, "PARTY_ACCOUNT_CURRENCY_MISMATCH", 422)]
    for model, values, code, status in cases:
        got_status, body = rest(app, world, "POST", f"/api/v1/{model}", values)
        assert (got_status, body["error"]["code"]) == (status, code), (model, values)
        data = jsonrpc(app, world, model, "create", [values])["error"]["data"]
        assert (data["code"], data["status"]) == (code, status)
    with erp_kernel.env() as env:
        assert not env["purchase.order"].search([("partner_id", "in", [disabled.id, archived.id])])


def test_the_web_client_shows_the_warning_not_a_refusal(app, world, erp_kernel):
    order = order_in(erp_kernel, world, new_buyer(erp_kernel, world, "Web Buyer"), "warning", 5000)
    with erp_kernel.env() as env:
        action = env.ref("master_sale.action_quotations").id
    client = WebClient(app)
    assert client.login("seller", PASSWORD).status_code == 303
    page = client.get(f"/web/action/{action}/{order}").get_data(as_text=True)
    assert 'class="alert alert-warning"' in page and "Customer credit limit exceeded" in page
    saved = client.post(f"/web/action/{action}/{order}", {"__call": "action_confirm", "__partial": "1"})
    assert saved.status_code == 303 and "warning=" in saved.headers["Location"], saved.get_data(as_text=True)[-3000:]
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert '<p class="warning" role="alert">Customer credit limit exceeded' in shown
    assert state_of(erp_kernel, order) == "sale"


def test_settings_choose_the_mode_of_the_current_company(env, world):
    company = env["res.company"].browse(world["blocking"])
    settings = env["res.config.settings"].with_context(allowed_company_ids=[company.id]).create({})
    assert settings.sale_credit_limit_mode == "block"
    settings.write({"sale_credit_limit_mode": "warning"})
    settings.execute()
    assert company.credit_limit_mode == "warning"
    assert env["res.company"].browse(world["warning"]).credit_limit_mode == "warning"


def test_naming_teams_and_portal_refusals_through_rest_and_jsonrpc(app, world, erp_kernel):
    with erp_kernel.env() as env:
        env["ir.config_parameter"].set_param("base.partner_unique_names", "True")  # naming by party name
        outsider = env["res.users"].create({"name": "Outsider", "login": "api-outsider"}).id
        no_mail = env["basepartner"].create({"name": "No Mail Api"}).id
    try:
        cases = [("basepartner", {"name": "credit buyer"}, "PARTY_DUPLICATE_NAME", 409),
                 ("sales.team", {"name": "Closed", "company_id": world["blocking"],
                                 "member_ids": [outsider]}, "SALE_TEAM_COMPANY", 422)]
        for model, values, code, status in cases:
            got_status, body = rest(app, world, "POST", f"/api/v1/{model}", values)
            assert (got_status, body["error"]["code"]) == (status, code), (model, body)
            if model == "sales.team":
                values = {**values, "member_ids": [(6, 0, [outsider])]}
            data = jsonrpc(app, world, model, "create", [values])["error"]["data"]
            assert (data["code"], data["status"]) == (code, status)
        data = jsonrpc(app, world, "basepartner", "grant_portal_access", [[no_mail]])["error"]["data"]
        assert (data["code"], data["status"], data["field"]) == ("PORTAL_EMAIL_REQUIRED", 422, "email")
    finally:
        with erp_kernel.env() as env:
            env["ir.config_parameter"].set_param("base.partner_unique_names", "False")
