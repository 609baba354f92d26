"""Login throttling, the request size limit, listing turned off, session expiry, debug mode, several aliases."""

from __future__ import annotations

import xmlrpc.client

import pytest
import requests

import time

WEB_SETTINGS = {"login_max_failures": 3, "login_failure_window": 600, "max_request_size": 65536, "list_db": False,
                "session_lifetime": 2, "debug": True}
EXTRA_ALIASES = ("mirror",)


def login(server, password: str, user: str | None = None) -> dict:
    body = {"jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"service": "common", "method": "login", "args": [server.db, user or server.login, password]}}
    return requests.post(f"{server.url}/jsonrpc", json=body, timeout=30).json()


def test_login_is_throttled_after_repeated_failures(server, proxy) -> None:
    with server.kernel.env() as env:
        env["res.users"].create({"name": "Victim", "login": "victim", "password": "right"})
    for _ in range(3):
        assert login(server, "wrong", "victim")["result"] is False
    blocked = login(server, "right", "victim")["error"]["data"]
    assert blocked["name"] == "odoo.exceptions.AccessDenied"
    assert blocked["message"] == "Too many login failures, please wait a bit before trying again."
    common = proxy("/xmlrpc/2/common")
    with pytest.raises(xmlrpc.client.Fault) as caught:
        common.authenticate(server.db, "victim", "right", {})
    assert caught.value.faultCode == 3
    with server.kernel.env() as env:
        attempts = env["http.login.attempt"].search([("key", "=", "login:victim")])
        assert attempts.failures == 3
        attempts.unlink()
        env["http.login.attempt"].search([("key", "like", "address:%")]).unlink()
    assert login(server, "right", "victim")["result"] > 0


def test_address_is_throttled_across_logins(server) -> None:
    with server.kernel.env() as env:
        env["http.login.attempt"].search([]).unlink()
    for name in ("guess1", "guess2", "guess3"):
        assert login(server, "wrong", name)["result"] is False
    assert "Too many login failures" in login(server, server.password)["error"]["data"]["message"]
    with server.kernel.env() as env:
        env["http.login.attempt"].search([]).unlink()
    assert login(server, server.password)["result"] == server.uid


def test_request_size_limit(server) -> None:
    big = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"filler": "x" * 70000}}
    response = requests.post(f"{server.url}/jsonrpc", json=big, timeout=30)
    assert response.status_code == 413
    assert "Traceback" not in response.text


def test_database_listing_can_be_turned_off(server, proxy) -> None:
    body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}}
    error = requests.post(f"{server.url}/web/database/list", json=body, timeout=30).json()["error"]
    assert error["data"]["message"] == "Database listing is disabled"
    with pytest.raises(xmlrpc.client.Fault):
        proxy("/xmlrpc/2/db").list()


def test_sessions_expire(server) -> None:
    session = requests.Session()
    body = {"jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"db": server.db, "login": server.login, "password": server.password}}
    session.post(f"{server.url}/web/session/authenticate", json=body, timeout=30)
    info = {"jsonrpc": "2.0", "method": "call", "id": 2, "params": {}}
    assert session.post(f"{server.url}/web/session/get_session_info", json=info, timeout=30).json()["result"]["uid"] == server.uid
    time.sleep(2.5)
    expired = session.post(f"{server.url}/web/session/get_session_info", json=info, timeout=30).json()
    assert expired["error"]["code"] == 100


def test_debug_mode_shows_details(server) -> None:
    with server.kernel.env() as env:
        item = env["test.item"].create({"name": "debug crash"}).id
    body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"service": "object", "method": "execute_kw",
            "args": [server.db, server.uid, server.password, "test.item", "crash", [[item]]]}}
    data = requests.post(f"{server.url}/jsonrpc", json=body, timeout=30).json()["error"]["data"]
    assert data["message"] == "RuntimeError: secret internal detail"
    assert "Traceback" in data["debug"] and "in crash" in data["debug"]


def test_database_is_chosen_by_alias(server, proxy) -> None:
    assert login(server, server.password)["result"] == server.uid
    mirror = {"jsonrpc": "2.0", "method": "call", "id": 1,
              "params": {"service": "common", "method": "login", "args": ["mirror", server.login, server.password]}}
    assert requests.post(f"{server.url}/jsonrpc", json=mirror, timeout=30).json()["result"] == server.uid
    common = proxy("/xmlrpc/2/common")
    with pytest.raises(xmlrpc.client.Fault) as caught:
        common.login("nowhere", server.login, server.password)
    assert "database 'nowhere' does not exist" in caught.value.faultString
    openapi = requests.get(f"{server.url}/api/v1/openapi.json", params={"db": "nowhere"}, timeout=30)
    assert openapi.status_code == 404 and openapi.json()["error"]["code"] == "DATABASE_UNKNOWN"
