"""Database sessions shared by the workers, their cookies, CSRF on form routes, addon routes, static files."""

from __future__ import annotations

import requests

from kernel.testing import json_rpc, server_session


def test_authenticate_sets_a_protected_cookie_and_session_info(server) -> None:
    session = requests.Session()
    body = {"jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"db": server.db, "login": server.login, "password": server.password}}
    response = session.post(f"{server.url}/web/session/authenticate", json=body, timeout=30)
    info = response.json()["result"]
    assert (info["uid"], info["db"], info["username"], info["name"]) == (server.uid, server.db, "tester", "Tester")
    assert info["user_context"] == {"lang": "en_US", "tz": "UTC", "uid": server.uid}
    assert info["server_version_info"][:2] == [17, 0]
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session_id=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    with server.kernel.env() as env:
        stored = env["http.session"].search([("user_id", "=", server.uid)])
        token = session.cookies["session_id"].rpartition(":")[2]
        assert stored and all(token not in (s.token_digest, s.csrf_secret) for s in stored)


def test_any_worker_serves_the_session(server) -> None:
    session = server_session(server)
    for _ in range(8):  # two workers: the requests are spread over both
        assert json_rpc(server, "/web/session/get_session_info", {}, session)["result"]["uid"] == server.uid
    call = {"model": "test.item", "method": "search_count", "args": [[]], "kwargs": {}}
    assert isinstance(json_rpc(server, "/web/dataset/call_kw", call, session)["result"], int)


def test_destroy_ends_the_session(server) -> None:
    session = server_session(server)
    stolen = dict(session.cookies)
    assert json_rpc(server, "/web/session/destroy", {}, session)["result"] is None
    assert "session_id" not in session.cookies
    replay = requests.Session()
    replay.cookies.update(stolen)
    expired = json_rpc(server, "/web/session/get_session_info", {}, replay)["error"]
    assert expired["code"] == 100 and expired["message"] == "Odoo Session Expired"
    assert expired["data"]["name"] == "odoo.http.SessionExpiredException"


def test_call_kw_needs_a_session(server) -> None:
    call = {"model": "test.item", "method": "search", "args": [[]], "kwargs": {}}
    assert json_rpc(server, "/web/dataset/call_kw", call, requests.Session())["error"]["code"] == 100


def test_wrong_password_opens_no_session(server) -> None:
    session = requests.Session()
    answer = json_rpc(server, "/web/session/authenticate", {"db": server.db, "login": server.login, "password": "x"}, session)
    assert answer["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert "session_id" not in session.cookies


def test_addon_routes_and_csrf(server) -> None:
    visitor = requests.Session()
    assert visitor.get(f"{server.url}/items/hello", timeout=30).text == "hello visitor"
    session = server_session(server)
    assert session.get(f"{server.url}/items/hello", timeout=30).text == "hello tester"
    token = json_rpc(server, "/items/token", {}, session)["result"]["csrf_token"]
    item = json_rpc(server, "/web/dataset/call_kw", {"model": "test.item", "method": "create",
                                                     "args": [{"name": "csrf target"}], "kwargs": {}}, session)["result"]
    forged = session.post(f"{server.url}/items/rename", data={"id": item, "name": "forged"}, timeout=30)
    assert forged.status_code == 403 and "CSRF" in forged.text
    wrong = session.post(f"{server.url}/items/rename", data={"id": item, "name": "forged", "csrf_token": "nope"}, timeout=30)
    assert wrong.status_code == 403
    done = session.post(f"{server.url}/items/rename", data={"id": item, "name": "renamed", "csrf_token": token}, timeout=30)
    assert (done.status_code, done.text) == (200, "renamed")
    header = session.post(f"{server.url}/items/rename", data={"id": item, "name": "again"},
                          headers={"X-CSRF-Token": token}, timeout=30)
    assert header.status_code == 200
    with server.kernel.env() as env:
        assert env["test.item"].browse(item).name == "again"
    anonymous = visitor.post(f"{server.url}/items/rename", data={"id": item, "name": "x"}, timeout=30)
    assert anonymous.status_code == 401


def test_anonymous_visitor_gets_a_csrf_token_without_a_stored_session(server) -> None:
    """Issue 12, point 11: the token lives in the visitor's own cookie; no session row is written before login."""
    with server.kernel.env() as env:
        before = env["http.session"].search_count([])
    visitor = requests.Session()
    token = json_rpc(server, "/items/token", {}, visitor)["result"]["csrf_token"]
    assert len(token) == 64 and "session_id" not in visitor.cookies and visitor.cookies["csrf_anonymous"] == token
    assert json_rpc(server, "/items/token", {}, visitor)["result"]["csrf_token"] == token
    assert json_rpc(server, "/items/token", {}, requests.Session())["result"]["csrf_token"] != token
    for _ in range(5):
        requests.get(f"{server.url}/items/hello", timeout=30)
        json_rpc(server, "/items/token", {}, requests.Session())
    with server.kernel.env() as env:
        assert env["http.session"].search_count([]) == before


def test_health_version_database_list_and_static_files(server) -> None:
    health = requests.get(f"{server.url}/healthz", timeout=30)
    assert health.json() == {"status": "ok", "databases": {"default": "ok"}}
    assert requests.get(f"{server.url}/web/webclient/version_info", timeout=30).json()["server_version"] == "17.0"
    assert json_rpc(server, "/web/database/list", {}, requests.Session())["result"] == ["default"]
    assert json_rpc(server, "/jsonrpc", {"service": "db", "method": "list", "args": []}, requests.Session())["result"] == ["default"]
    css = requests.get(f"{server.url}/http_items/static/img/style.css", timeout=30)
    assert css.status_code == 200 and "teal" in css.text
    assert requests.get(f"{server.url}/http_items/static/../__init__.py", timeout=30).status_code == 404
    assert requests.get(f"{server.url}/http_items/static/missing.css", timeout=30).status_code == 404
    assert requests.get(f"{server.url}/no/such/page", timeout=30).status_code == 404
    assert "GET /healthz 200" in server.log_text()
