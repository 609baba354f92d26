"""Company isolation through every entry point of a real ``erp serve`` (issue 12, points 8 to 10).

Two companies, Alpha and Beta, each with a plain user (``alpha`` / ``beta``, internal group only) and its
sales and purchase documents, credit limit and receivable account.  Alpha's user attacks Beta's records
through JSON-RPC, XML-RPC, ``/web/dataset/call_kw``, the REST API and the web client's routes.
"""

from __future__ import annotations

import re
import threading
import xmlrpc.client
from typing import Any

import pytest
import requests

INSTALL = ["web", "master_sale", "core_purchase"]
MODELS = ("sale.order", "sale.order.line", "purchase.order", "purchase.order.line", "customer.credit.limit",
          "customer.account")
PASSWORDS = {"alpha": "alpha-pw", "beta": "beta-pw"}
SECRET = "Beta Secret Buyer"


@pytest.fixture(scope="module")
def world(server) -> dict[str, Any]:
    """The two companies, their users, API keys and Beta's records (built once per server)."""
    with server.kernel.env() as env:
        alpha, beta = env["res.company"].create([{"name": "PT Alpha"}, {"name": "PT Beta"}])
        group_user = env.ref("base.group_user").id
        users = {name: env["res.users"].create({
            "name": name.title(), "login": name, "password": PASSWORDS[name], "group_ids": [(6, 0, [group_user])],
            "company_id": company.id}) for name, company in (("alpha", alpha), ("beta", beta))}
        customer_type = env.ref("base.base_partner_type_customer").id
        shared = env["basepartner"].create({"name": "Shared Buyer", "partner_types": [(4, customer_type)],
                                            "default_currency": "IDR"})
        hidden = env["basepartner"].create({"name": SECRET, "company_id": beta.id, "email": "secret@beta.example",
                                            "partner_types": [(4, customer_type)]})
        order = env["sale.order"].create({"partner_id": hidden.id, "company_id": beta.id,
                                          "order_line": [(0, 0, {"name": "Secret goods", "price_unit": 700})]})
        order.action_confirm()
        purchase = env["purchase.order"].create({"partner_id": shared.id, "company_id": beta.id,
                                                 "order_line": [(0, 0, {"name": "Secret parts", "price_unit": 50})]})
        limit = env["customer.credit.limit"].create({"partner_id": shared.id, "company_id": beta.id, "amount": 900})
        account = env["customer.account"].create({"partner_id": shared.id, "company_id": beta.id,
                                                  "account_code": "1100-BETA", "currency": "IDR"})
        linked = env["sale.order"].create({"partner_id": hidden.id, "company_id": False})
        keys = {name: env["res.users.apikey"].generate(user.id, "isolation")[1] for name, user in users.items()}
        return {
            "alpha": alpha.id, "beta": beta.id, "uids": {name: user.id for name, user in users.items()}, "keys": keys,
            "shared": shared.id, "hidden": hidden.id, "linked_order": linked.id,
            "records": {"sale.order": order.id, "sale.order.line": order.order_line.id, "purchase.order": purchase.id,
                        "purchase.order.line": purchase.order_line.id, "customer.credit.limit": limit.id,
                        "customer.account": account.id},
            "actions": {"sale.order": env.ref("master_sale.action_sale_orders").id},
        }


def execute_kw(server, world, user: str, model: str, method: str, args: list, kwargs: dict | None = None) -> dict:
    params = {"service": "object", "method": "execute_kw",
              "args": [server.db, world["uids"][user], PASSWORDS[user], model, method, args, kwargs or {}]}
    response = requests.post(f"{server.url}/jsonrpc", json={"jsonrpc": "2.0", "method": "call", "params": params,
                                                            "id": 1}, timeout=30)
    assert response.status_code == 200
    return response.json()


def error_of(answer: dict) -> tuple[str, str]:
    assert "result" not in answer, answer
    return answer["error"]["data"]["name"], answer["error"]["data"]["message"]


def without(text: str, number: int) -> str:
    return re.sub(rf"\b{number}\b", "N", text)


# -- point 8: another company's records, through each protocol ---------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_json_rpc_treats_another_companys_records_as_missing(server, world, model) -> None:
    secret = world["records"][model]
    missing = secret + 100_000
    found = execute_kw(server, world, "alpha", model, "search_read", [[]], {"fields": ["id"]})["result"]
    assert secret not in [row["id"] for row in found]
    assert execute_kw(server, world, "alpha", model, "search_count", [[["id", "=", secret]]])["result"] == 0
    for method, args in (("read", [[secret], ["id"]]), ("write", [[secret], {}]), ("unlink", [[secret]])):
        hidden = error_of(execute_kw(server, world, "alpha", model, method, [[secret], *args[1:]]))
        absent = error_of(execute_kw(server, world, "alpha", model, method, [[missing], *args[1:]]))
        assert hidden[0] == absent[0] == "odoo.exceptions.MissingError", (method, hidden)
        assert without(hidden[1], secret) == without(absent[1], missing)
    assert secret in [row["id"] for row in execute_kw(server, world, "beta", model, "search_read", [[]],
                                                      {"fields": ["id"]})["result"]]


def test_xml_rpc_treats_another_companys_records_as_missing(server, world) -> None:
    models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    try:
        for model, secret in world["records"].items():
            args = [server.db, world["uids"]["alpha"], PASSWORDS["alpha"], model]
            assert secret not in models.execute_kw(*args, "search", [[]])
            for method, rest in (("read", [["id"]]), ("write", [{}]), ("unlink", [])):
                with pytest.raises(xmlrpc.client.Fault) as info:
                    models.execute_kw(*args, method, [[secret], *rest])
                assert info.value.faultCode == 2 and "do not exist or you may not see them" in info.value.faultString
                assert "Secret" not in info.value.faultString
    finally:
        models("close")()


def test_rest_treats_another_companys_records_as_missing(server, world) -> None:
    headers = {"Authorization": f"Bearer {world['keys']['alpha']}"}
    for model in ("sale.order", "purchase.order", "customer.account"):
        secret = world["records"][model]
        listing = requests.get(f"{server.url}/api/v1/{model}", headers=headers, timeout=30)
        assert listing.status_code == 200 and secret not in [row["id"] for row in listing.json()["items"]]
        for method in ("GET", "PATCH", "DELETE"):
            answer = requests.request(method, f"{server.url}/api/v1/{model}/{secret}", json={}, headers=headers,
                                      timeout=30)
            assert answer.status_code == 404, (model, method, answer.text)
            assert "Secret" not in answer.text and "1100-BETA" not in answer.text


def web_session(server, login: str) -> requests.Session:
    session = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', session.get(f"{server.url}/web/login", timeout=30).text)
    answer = session.post(f"{server.url}/web/login", data={"login": login, "password": PASSWORDS[login],
                                                           "csrf_token": token.group(1)}, allow_redirects=False,
                          timeout=30)
    assert answer.status_code == 303
    return session


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_web_routes_treat_another_companys_order_as_missing(server, world) -> None:
    session = web_session(server, "alpha")
    action, secret = world["actions"]["sale.order"], world["records"]["sale.order"]
    listing = session.get(f"{server.url}/web/action/{action}?view=list", timeout=30)
    assert listing.status_code == 200 and "PT Beta" not in listing.text
    form = session.get(f"{server.url}/web/action/{action}/{secret}", timeout=30)
    assert form.status_code == 404 and SECRET not in form.text
    token = csrf(session.get(f"{server.url}/web/action/{action}/new", timeout=30).text)
    saved = session.post(f"{server.url}/web/action/{action}/{secret}", data={"csrf_token": token, "is_paid": "on"},
                         timeout=30)
    assert saved.status_code == 404
    with server.kernel.env() as env:
        assert not env["sale.order"].browse(secret).is_paid


def test_a_public_method_on_a_hidden_record_is_refused_through_every_protocol(server, world) -> None:
    call = ["basepartner", "credit_outstanding", [[world["hidden"]], world["beta"]]]
    name, message = error_of(execute_kw(server, world, "alpha", *call))
    assert name == "odoo.exceptions.MissingError" and "700" not in message
    assert execute_kw(server, world, "beta", *call)["result"] == 700.0
    models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    try:
        with pytest.raises(xmlrpc.client.Fault) as info:
            models.execute_kw(server.db, world["uids"]["alpha"], PASSWORDS["alpha"], *call)
        assert "700" not in info.value.faultString
    finally:
        models("close")()
    session = web_session(server, "alpha")
    token = csrf(session.get(f"{server.url}/web/action/{world['actions']['sale.order']}/new", timeout=30).text)
    answer = session.post(f"{server.url}/web/dataset/call_kw", headers={"X-CSRF-Token": token}, timeout=30, json={
        "jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"model": call[0], "method": call[1], "args": call[2], "kwargs": {}}}).json()
    assert answer["error"]["data"]["name"] == "odoo.exceptions.MissingError"


# -- point 9: what hidden records show ----------------------------------------------------------------


def test_links_to_hidden_records_and_duplicates_name_nothing_hidden(server, world) -> None:
    order = world["linked_order"]
    [row] = execute_kw(server, world, "alpha", "sale.order", "read", [[order], ["partner_id"]])["result"]
    assert row["partner_id"] == [world["hidden"], "Restricted"]
    [row] = execute_kw(server, world, "beta", "sale.order", "read", [[order], ["partner_id"]])["result"]
    assert row["partner_id"] == [world["hidden"], SECRET]
    groups = execute_kw(server, world, "alpha", "sale.order", "read_group",
                        [[["id", "=", order]], ["partner_id"], ["partner_id"]])["result"]
    assert groups[0]["partner_id"] == [world["hidden"], "Restricted"]
    name, message = error_of(execute_kw(server, world, "alpha", "basepartner", "create",
                                        [{"name": "Copy", "email": "secret@beta.example"}]))
    assert name == "odoo.exceptions.ValidationError" and "a record you cannot see" in message
    assert SECRET not in message and str(world["hidden"]) not in message
    assert SECRET in error_of(execute_kw(server, world, "beta", "basepartner", "create",
                                         [{"name": "Copy", "email": "secret@beta.example"}]))[1]


# -- point 10: fields clients may not set --------------------------------------------------------------


def test_no_protocol_creates_a_confirmed_or_paid_order(server, world) -> None:
    """``state`` and the other read-only fields are refused through JSON-RPC, XML-RPC, REST and the web
    import; ``is_paid`` needs the payment group; nothing is created."""
    order = {"partner_id": world["shared"], "order_line": [[0, 0, {"name": "Big", "price_unit": 90_000}]]}
    with server.kernel.env() as env:
        before = env["sale.order"].search_count([])
    name, message = error_of(execute_kw(server, world, "alpha", "sale.order", "create", [{**order, "state": "sale"}]))
    assert name == "odoo.exceptions.ValidationError" and "Status (state) is read-only" in message
    models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
    try:
        with pytest.raises(xmlrpc.client.Fault) as info:
            models.execute_kw(server.db, world["uids"]["alpha"], PASSWORDS["alpha"], "sale.order", "create",
                              [{**order, "name": "S-FORGED"}])
        assert "Order Reference (name) is read-only" in info.value.faultString
    finally:
        models("close")()
    headers = {"Authorization": f"Bearer {world['keys']['alpha']}"}
    answer = requests.post(f"{server.url}/api/v1/sale.order", json={"partner_id": world["shared"], "state": "sale"},
                           headers=headers, timeout=30)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "FIELD_READONLY", answer.text
    paid = {"partner_id": world["shared"], "is_paid": True}
    assert requests.post(f"{server.url}/api/v1/sale.order", json=paid, headers=headers, timeout=30).status_code == 403
    session = web_session(server, "alpha")
    action = world["actions"]["sale.order"]
    token = csrf(session.get(f"{server.url}/web/action/{action}/import", timeout=30).text)
    csv = b"partner_id,state\nShared Buyer,sale\n"
    imported = session.post(f"{server.url}/web/action/{action}/import", data={"csrf_token": token, "mode": "import"},
                            files={"file": ("orders.csv", csv, "text/csv")}, timeout=30)
    assert "read-only" in imported.text
    with server.kernel.env() as env:
        assert env["sale.order"].search_count([]) == before, "nothing was created"
    created = execute_kw(server, world, "alpha", "sale.order", "create", [order])["result"]
    name, message = error_of(execute_kw(server, world, "alpha", "sale.order", "write", [[created], {"is_paid": True}]))
    assert name == "odoo.exceptions.AccessError" and "Sales / Payments" in message
    answer = execute_kw(server, world, "alpha", "sale.order", "action_confirm", [[created]])
    assert answer["result"]["state"] == "sale", "the action is the way to a sales order"


# -- two users of different companies at once ---------------------------------------------------------


def test_two_users_of_different_companies_work_at_once_and_see_only_their_own(server, world) -> None:
    """Alpha and Beta create and confirm orders, search and read at the same time, each through its own
    XML-RPC connection, so both server workers answer both users in turn: nothing of one leaks to the other."""
    with server.kernel.env() as env:
        own = {}
        for user, company in (("alpha", world["alpha"]), ("beta", world["beta"])):
            own[user] = env["sale.order"].create([{"partner_id": world["shared"], "company_id": company,
                                                  "order_line": [(0, 0, {"name": f"{user} {n}", "price_unit": 10})]}
                                                 for n in range(3)]).ids
    start = threading.Barrier(2)
    failures: list[str] = []

    def work(user: str, other: str) -> None:
        models = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/object")
        args = [server.db, world["uids"][user], PASSWORDS[user], "sale.order"]
        try:
            start.wait(timeout=30)
            for number in range(6):
                order = models.execute_kw(*args, "create", [{"partner_id": world["shared"], "order_line": [
                    [0, 0, {"name": f"{user} {number}", "price_unit": 10}]]}])
                models.execute_kw(*args, "action_confirm", [[order]])
                own[user].append(order)
                found = set(models.execute_kw(*args, "search", [[["partner_id", "=", world["shared"]]]]))
                if not set(own[user]) <= found or found & set(own[other]):
                    failures.append(f"{user} found {sorted(found)}")
                names = {row["company_id"][1] for row in models.execute_kw(*args, "search_read", [[]],
                                                                           {"fields": ["company_id"]})
                         if row["company_id"]}
                if names != {f"PT {user.title()}"}:
                    failures.append(f"{user} saw companies {names}")
                try:
                    models.execute_kw(*args, "read", [own[other][:1], ["name"]])
                    failures.append(f"{user} read {other}'s order")
                except xmlrpc.client.Fault as fault:
                    if "do not exist or you may not see them" not in fault.faultString:
                        failures.append(fault.faultString)
        except Exception as exc:  # reported by the main thread
            failures.append(repr(exc))
        finally:
            models("close")()

    threads = [threading.Thread(target=work, args=pair) for pair in (("alpha", "beta"), ("beta", "alpha"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    with server.kernel.env() as env:
        companies = {user: set(env["sale.order"].browse(ids).mapped("company_id").ids) for user, ids in own.items()}
    assert companies == {"alpha": {world["alpha"]}, "beta": {world["beta"]}}, "each order in its creator's company"
