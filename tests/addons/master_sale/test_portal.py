"""The portal (``/my``): a portal user linked to a customer sees that partner and its sales orders, and is refused
another partner's order by URL, by JSON-RPC and by REST; portal access is given and taken by administrators."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from kernel import Kernel
from kernel.config import Settings
from kernel.exceptions import AccessError, ValidationError
from kernel.http.app import Application
from kernel.testing import WebClient
from kernel.testing.clients import csrf_of

ADDONS = Path(__file__).resolve().parents[3] / "addons"
PASSWORD = "portal-pw"


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["web", "master_sale"]


@pytest.fixture(scope="module")
def world(erp_kernel: Kernel) -> dict[str, Any]:
    """Two customers with an order each; Mine's person has portal access."""
    with erp_kernel.env() as env:
        customer_type = env.ref("base.base_partner_type_customer").id
        company = env.ref("base.main_company").id
        mine, theirs = env["basepartner"].create([
            {"name": "Mine Ltd", "email": "buyer@mine.example", "city": "Bandung", "partner_types": [(4, customer_type)]},
            {"name": "Theirs Ltd", "email": "buyer@theirs.example", "partner_types": [(4, customer_type)]}])
        orders = env["sale.order"].create([
            {"partner_id": partner.id, "company_id": company, "order_line": [(0, 0, {"name": f"{partner.name} goods",
                                                                                   "price_unit": 125})]}
            for partner in (mine, theirs)])
        user = mine.grant_portal_access(PASSWORD)
        return {"user": user.id, "mine": mine.id, "theirs": theirs.id, "my_order": orders[0].id,
                "their_order": orders[1].id, "my_order_name": orders[0].name, "their_order_name": orders[1].name}


@pytest.fixture(scope="module")
def app(erp_kernel: Kernel, world: dict[str, Any]) -> Iterator[Application]:
    application = Application(Settings(databases={"default": erp_kernel.url}, addons_path=(ADDONS,)))
    yield application
    application.databases.close()


@pytest.fixture
def portal(app: Application) -> WebClient:
    client = WebClient(app)  # its login() reads the token from /web, which sends portal users to /my
    client.token = csrf_of(client.get("/web/login").text)
    assert client.post("/web/login", {"login": "buyer@mine.example", "password": PASSWORD}).status_code == 303
    client.token = csrf_of(client.get("/my").text)
    return client


def test_granting_portal_access_makes_a_portal_user_of_the_partner(env, world):
    user = env["res.users"].browse(world["user"])
    assert user.partner_id.id == world["mine"] and user.login == "buyer@mine.example"
    assert user.has_group("base.group_portal") and not user.has_group("base.group_user")


def test_the_portal_shows_the_partner_and_its_orders(portal, world):
    home = portal.get("/my").get_data(as_text=True)
    assert "Mine Ltd" in home and "Bandung" in home and "Quotations and Sales Orders (1)" in home
    listing = portal.get("/my/orders").get_data(as_text=True)
    assert world["my_order_name"] in listing and world["their_order_name"] not in listing
    assert "125.00" in listing
    document = portal.get(f"/my/orders/{world['my_order']}")
    assert document.status_code == 200 and world["my_order_name"] in document.get_data(as_text=True)


def test_another_partners_order_is_refused_by_url(portal, world):
    refused = portal.get(f"/my/orders/{world['their_order']}")
    assert refused.status_code == 404 and world["their_order_name"] not in refused.get_data(as_text=True)
    assert portal.get("/my/nothing-here").status_code == 404


def test_another_partners_order_is_refused_by_rpc(app, world):
    def call(method: str, args: list) -> dict[str, Any]:
        params = {"service": "object", "method": "execute_kw",
                  "args": ["default", world["user"], PASSWORD, "sale.order", method, args, {}]}
        return Client(app).post("/jsonrpc", json={"jsonrpc": "2.0", "method": "call", "params": params,
                                                  "id": 1}).get_json()

    assert call("search", [[]])["result"] == [world["my_order"]]
    refused = call("read", [[world["their_order"]], ["name"]])["error"]["data"]
    assert refused["name"] == "odoo.exceptions.MissingError" and world["their_order_name"] not in refused["message"]
    assert "do not exist or you may not see them" in refused["message"]
    assert call("write", [[world["my_order"]], {"is_paid": True}])["error"]["data"]["status"] == 403
    partners = Client(app).post("/jsonrpc", json={"jsonrpc": "2.0", "method": "call", "id": 2, "params": {
        "service": "object", "method": "execute_kw",
        "args": ["default", world["user"], PASSWORD, "basepartner", "search", [[]], {}]}}).get_json()
    assert partners["result"] == [world["mine"]]


def test_portal_users_opening_the_back_office_are_sent_to_their_portal(portal):
    response = portal.get("/web")
    assert response.status_code == 303 and response.headers["Location"] == "/my"


def test_visitors_log_in_first(app):
    response = Client(app).get("/my/orders")
    assert response.status_code == 303 and response.headers["Location"].startswith("/web/login?redirect=/my/orders")


def test_portal_access_needs_an_email_and_an_administrator(env, env_as, world, refused):
    nobody = env["basepartner"].create({"name": "No Mail"})
    error = refused(lambda: nobody.grant_portal_access(), ValidationError)
    assert (error.code, error.field) == ("PORTAL_EMAIL_REQUIRED", "email")
    clerk = env["res.users"].create({"name": "Clerk", "login": "portal-clerk",
                                     "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
    with pytest.raises(AccessError):
        env_as(clerk.login)["basepartner"].browse(world["theirs"]).grant_portal_access("x")


def test_revoking_portal_access_archives_the_portal_user(env):
    partner = env["basepartner"].create({"name": "Short Stay", "email": "short@stay.example"})
    user = partner.grant_portal_access("pw")
    assert partner.revoke_portal_access() == user
    assert not user.active and not user.has_group("base.group_portal")
    again = partner.grant_portal_access()
    assert again == user and user.active and user.has_group("base.group_portal")
