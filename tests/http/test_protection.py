"""Login throttling per login and per address, the request size limit and database listing turned off."""

from __future__ import annotations

import xmlrpc.client

import pytest
import requests

WEB_SETTINGS = {"login_max_failures": 3, "login_failure_window": 600, "max_request_size": 65536, "list_db": False}


def login(server, password: str, user: str | None = None) -> dict:
    body = {"jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"service": "common", "method": "login", "args": [server.db, user or server.login, password]}}
    return requests.post(f"{server.url}/jsonrpc", json=body, timeout=30).json()


def test_login_is_throttled_after_repeated_failures(server) -> None:
    with server.kernel.env() as env:
        env["res.users"].create({"name": "Victim", "login": "victim", "password": "right"})
    for _ in range(3):
        assert login(server, "wrong", "victim")["result"] is False
    blocked = login(server, "right", "victim")["error"]["data"]
    assert blocked["name"] == "odoo.exceptions.AccessDenied"
    assert blocked["message"] == "Too many login failures, please wait a bit before trying again."
    common = xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/common")
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


def test_database_listing_can_be_turned_off(server) -> None:
    body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}}
    error = requests.post(f"{server.url}/web/database/list", json=body, timeout=30).json()["error"]
    assert error["data"]["message"] == "Database listing is disabled"
    with pytest.raises(xmlrpc.client.Fault):
        xmlrpc.client.ServerProxy(f"{server.url}/xmlrpc/2/db").list()
