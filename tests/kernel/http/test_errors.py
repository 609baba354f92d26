"""Errors in Odoo's envelopes, rolled-back transactions and access errors through every endpoint."""

from __future__ import annotations

import xmlrpc.client

import pytest
import requests


def jsonrpc(server, path: str, params: dict, session: requests.Session | None = None) -> requests.Response:
    body = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 7}
    return (session or requests).post(f"{server.url}{path}", json=body, timeout=30)


def execute_kw(server, model: str, method: str, args: list, kwargs: dict | None = None, password: str | None = None) -> dict:
    params = {"service": "object", "method": "execute_kw",
              "args": [server.db, server.uid, password or server.password, model, method, args, kwargs or {}]}
    response = jsonrpc(server, "/jsonrpc", params)
    assert response.status_code == 200
    return response.json()


def error_data(answer: dict) -> dict:
    assert answer["jsonrpc"] == "2.0" and answer["id"] == 7 and "result" not in answer
    error = answer["error"]
    assert error["code"] == 200 and error["message"] == "Odoo Server Error"
    assert set(error["data"]) == {"name", "message", "arguments", "context", "debug", "field", "code", "status"}
    assert error["data"]["arguments"] == [error["data"]["message"]]
    return error["data"]


def test_validation_error_envelope(server) -> None:
    answer = execute_kw(server, "test.item", "create", [{"name": "negative", "qty": -1}])
    data = error_data(answer)
    assert data["name"] == "odoo.exceptions.ValidationError"
    assert data["message"] == "negative: the quantity cannot be negative"
    assert data["debug"] == ""
    assert (data["code"], data["status"]) == ("ITEM_QTY_NEGATIVE", 422)  # the stable code REST reports too
    assert execute_kw(server, "test.item", "search", [[["name", "=", "negative"]]])["result"] == []


def test_unknown_model_and_method_and_private_method(server) -> None:
    assert "Object no.such.model doesn't exist" in error_data(execute_kw(server, "no.such.model", "search", [[]]))["message"]
    missing = error_data(execute_kw(server, "test.item", "no_such_method", [[1]]))
    assert missing["message"] == "The method 'no_such_method' does not exist on the model 'test.item'"
    private = error_data(execute_kw(server, "test.item", "_check_qty", [[1]]))
    assert private["name"] == "odoo.exceptions.AccessError"
    assert private["message"] == "Private methods (such as 'test.item._check_qty') cannot be called remotely."
    for internal in ("http.session", "res.users.apikey", "http.login.attempt"):
        refused = error_data(execute_kw(server, internal, "search_read", [[]]))
        assert refused["message"] == f"{internal} records cannot be accessed remotely."
    for plumbing in ("sudo", "mapped", "with_user"):
        assert error_data(execute_kw(server, "test.item", plumbing, [[1]]))["name"] == "odoo.exceptions.AccessError"


def test_bad_credentials(server) -> None:
    login = {"service": "common", "method": "login", "args": [server.db, server.login, "wrong"]}
    assert jsonrpc(server, "/jsonrpc", login).json()["result"] is False
    denied = error_data(execute_kw(server, "test.item", "search", [[]], password="wrong"))
    assert (denied["name"], denied["message"]) == ("odoo.exceptions.AccessDenied", "Access Denied")
    unknown_db = {"service": "common", "method": "login", "args": ["nowhere", server.login, server.password]}
    assert "database 'nowhere' does not exist" in error_data(jsonrpc(server, "/jsonrpc", unknown_db).json())["message"]


def test_failed_call_rolls_back_its_writes(server) -> None:
    item = execute_kw(server, "test.item", "create", [{"name": "rollback me"}])["result"]
    data = error_data(execute_kw(server, "test.item", "fail_after_write", [[item]]))
    assert (data["name"], data["message"]) == ("odoo.exceptions.UserError", "refused on purpose")
    assert execute_kw(server, "test.item", "read", [[item], ["notes"]])["result"] == [{"id": item, "notes": False}]


def test_internal_errors_hide_their_details(server, proxy) -> None:
    item = execute_kw(server, "test.item", "create", [{"name": "crasher"}])["result"]
    data = error_data(execute_kw(server, "test.item", "crash", [[item]]))
    assert data["message"] == "Internal server error" and data["debug"] == ""
    assert "secret internal detail" not in str(data)
    fault = _fault(proxy, "/xmlrpc/2/object", "execute_kw", server.db, server.uid, server.password, "test.item", "crash", [[item]])
    assert fault.faultCode == 1 and "secret" not in fault.faultString and "Traceback" not in fault.faultString
    assert "secret internal detail" in server.log_text()  # logged for the operator


def _fault(proxy, path: str, method: str, *args: object) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as caught:
        getattr(proxy(path), method)(*args)
    return caught.value


def test_xmlrpc_fault_codes(server, proxy) -> None:
    db, uid, pw = server.db, server.uid, server.password
    assert _fault(proxy, "/xmlrpc/2/object", "execute_kw", db, uid, "wrong", "test.item", "search", [[]]).faultCode == 3
    assert _fault(proxy, "/xmlrpc/2/object", "execute_kw", db, uid, pw, "test.item", "_check_qty", [[1]]).faultCode == 4
    invalid = _fault(proxy, "/xmlrpc/2/object", "execute_kw", db, uid, pw, "test.item", "create", [{"name": "neg", "qty": -5}])
    assert (invalid.faultCode, invalid.faultString) == (2, "neg: the quantity cannot be negative")
    legacy = _fault(proxy, "/xmlrpc/object", "execute_kw", db, uid, pw, "test.item", "create", [{"name": "neg", "qty": -5}])
    assert legacy.faultCode == "warning -- ValidationError\n\nneg: the quantity cannot be negative"
    denied = _fault(proxy, "/xmlrpc/object", "execute_kw", db, uid, "wrong", "test.item", "search", [[]])
    assert (denied.faultCode, denied.faultString) == ("AccessDenied", "Access Denied")
    assert _fault(proxy, "/xmlrpc/2/common", "no_such_method").faultCode == 2


def test_access_error_through_every_endpoint(server, proxy) -> None:
    """A user reading an item of a company they do not belong to is refused by every API."""
    with server.kernel.env() as env:
        other = env["res.company"].create({"name": "Other Company"})
        secret = env["test.item"].create({"name": "other company's item", "company_id": other.id}).id
        _, key = env["res.users.apikey"].generate(server.uid, "access test")
    answer = execute_kw(server, "test.item", "read", [[secret], ["name"]])
    assert error_data(answer)["name"] == "odoo.exceptions.AccessError"
    answer = execute_kw(server, "test.item", "search_read", [[["id", "=", secret]]], {"fields": ["name"]})
    assert error_data(answer)["name"] == "odoo.exceptions.AccessError"
    fault = _fault(proxy, "/xmlrpc/2/object", "execute_kw", server.db, server.uid, server.password, "test.item", "read", [[secret]])
    assert fault.faultCode == 4
    session = requests.Session()
    jsonrpc(server, "/web/session/authenticate", {"db": server.db, "login": server.login, "password": server.password}, session)
    call = {"model": "test.item", "method": "read", "args": [[secret], ["name"]], "kwargs": {}}
    assert error_data(jsonrpc(server, "/web/dataset/call_kw/test.item/read", call, session).json())["name"] == "odoo.exceptions.AccessError"
    rest = requests.get(f"{server.url}/api/v1/test.item/{secret}", headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert rest.status_code == 403 and rest.json()["error"]["code"] == "ACCESS_DENIED"
    listing = requests.get(f"{server.url}/api/v1/test.item", params={"domain": f'[["id", "=", {secret}]]'},
                           headers={"Authorization": f"Bearer {key}"}, timeout=30)
    assert listing.status_code == 403


def test_a_user_cannot_read_another_companys_partner_through_any_api(server, proxy) -> None:
    """The real record rules of the partner master, through JSON-RPC, XML-RPC, call_kw and REST: a hidden
    partner is refused as if it did not exist."""
    with server.kernel.env() as env:
        rival = env["res.company"].create({"name": "PT Rival"})
        hidden = env["basepartner"].create({"name": "Rival's customer", "company_id": rival.id}).id
        shared = env["basepartner"].create({"name": "Shared supplier"}).id
        _, key = env["res.users.apikey"].generate(server.uid, "partner access test")
    assert error_data(execute_kw(server, "basepartner", "read", [[hidden], ["name"]]))["name"] == "odoo.exceptions.MissingError"
    found = execute_kw(server, "basepartner", "search_read", [[["id", "in", [hidden, shared]]]], {"fields": ["name"]})
    assert found["result"] == [{"id": shared, "name": "Shared supplier"}], "searches hide it"
    assert execute_kw(server, "basepartner", "search_count", [[["name", "like", "Rival"]]])["result"] == 0
    fault = _fault(proxy, "/xmlrpc/2/object", "execute_kw", server.db, server.uid, server.password, "basepartner", "read", [[hidden]])
    assert fault.faultCode == 2 and "Rival's customer" not in fault.faultString
    session = requests.Session()
    jsonrpc(server, "/web/session/authenticate", {"db": server.db, "login": server.login, "password": server.password}, session)
    call = {"model": "basepartner", "method": "write", "args": [[hidden], {"city": "Bandung"}], "kwargs": {}}
    assert error_data(jsonrpc(server, "/web/dataset/call_kw/basepartner/write", call, session).json())["name"] == "odoo.exceptions.MissingError"
    headers = {"Authorization": f"Bearer {key}"}
    assert requests.get(f"{server.url}/api/v1/basepartner/{hidden}", headers=headers, timeout=30).status_code == 404
    listing = requests.get(f"{server.url}/api/v1/basepartner", params={"domain": f'[["id", "=", {hidden}]]'},
                           headers=headers, timeout=30)
    assert listing.status_code == 200 and "Rival" not in listing.text
    with server.kernel.env() as env:
        assert env["basepartner"].browse(hidden).city is False, "nothing was written"


@pytest.mark.parametrize("kind", ["type", "value", "key"])
def test_an_addons_python_error_is_a_500_without_details(server, proxy, kind: str) -> None:
    """A TypeError, ValueError or KeyError raised by an addon's bug is not the client's fault (issue 12, point 26)."""
    item = execute_kw(server, "test.item", "create", [{"name": f"bug {kind}"}])["result"]
    data = error_data(execute_kw(server, "test.item", "addon_bug", [[item], kind]))
    assert (data["name"], data["message"], data["debug"]) == ("builtins.Exception", "Internal server error", "")
    assert "secret" not in str(data)
    fault = _fault(proxy, "/xmlrpc/2/object", "execute_kw", server.db, server.uid, server.password, "test.item",
                   "addon_bug", [[item], kind])
    assert fault.faultCode == 1 and "secret" not in fault.faultString
    session = requests.Session()
    jsonrpc(server, "/web/session/authenticate", {"db": server.db, "login": server.login, "password": server.password}, session)
    call = {"model": "test.item", "method": "addon_bug", "args": [[item], kind], "kwargs": {}}
    assert error_data(jsonrpc(server, "/web/dataset/call_kw", call, session).json())["message"] == "Internal server error"
    assert f"secret {kind} detail" in server.log_text()  # the traceback is logged for the operator


@pytest.mark.parametrize(("method", "args", "kwargs", "expected"), [
    ("action_double", [[1], 5, 6], {}, "test.item.action_double: wrong arguments"),
    ("search", [[]], {"no_such_option": 1}, "test.item.search: wrong arguments"),
    ("search", [[]], {"limit": "ten"}, "limit must be a whole number"),
    ("search", [[]], {"offset": -1}, "offset must be a whole number"),
    ("create", ["not a dict"], {}, "create takes a dictionary of field values"),
    ("create", [[1, 2]], {}, "create takes a dictionary of field values"),
    ("write", [["ITEM"], "not a dict"], {}, "write takes a dictionary of field values"),
    ("fields_get", [], {"attributes": 5}, "attributes must be a list of names"),
    ("default_get", [5], {}, "fields_list must be a list of names"),
    ("search_read", [[]], {"fields": 5}, "fields must be a list of names"),
    ("search", [[]], {"order": 5}, "order must be text"),
    ("read_group", [[], 5, 5], {}, "must be a list of names"),
])
def test_the_kernels_own_checks_still_answer_the_client(server, method: str, args: list, kwargs: dict, expected: str) -> None:
    """Bad arguments found by the kernel are typed errors with a clear message, not 500s."""
    if args and args[0] == ["ITEM"]:  # a method on records is called on records that exist
        with server.kernel.env() as env:
            args = [[env["test.item"].create({"name": f"checked by {method}"}).id], *args[1:]]
    data = error_data(execute_kw(server, "test.item", method, args, kwargs))
    assert data["name"] in ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError"), data
    assert expected in data["message"]


def test_malformed_json_rpc_bodies_are_the_clients_mistake(server) -> None:
    session = requests.Session()
    jsonrpc(server, "/web/session/authenticate", {"db": server.db, "login": server.login, "password": server.password}, session)
    for path in ("/web/dataset/call_kw", "/web/session/authenticate", "/jsonrpc"):
        answer = session.post(f"{server.url}{path}", json={"jsonrpc": "2.0", "method": "call", "params": [1, 2], "id": 7},
                              timeout=30).json()
        assert error_data(answer)["message"] == "'params' must be a JSON object"
    change = {"model": "res.users", "method": "change_password", "args": [5, 6], "kwargs": {}}
    data = error_data(jsonrpc(server, "/web/dataset/call_kw", change, session).json())
    assert data["message"] == "the old and new passwords must be text"
    denied = {"service": "object", "method": "execute_kw", "args": [[1], server.uid, server.password, "test.item", "search", [[]]]}
    assert error_data(jsonrpc(server, "/jsonrpc", denied).json())["name"] == "odoo.exceptions.AccessDenied"
