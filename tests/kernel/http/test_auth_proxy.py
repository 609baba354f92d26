"""Throttling by address behind a configured trusted reverse proxy (issue 12, point 11)."""

from __future__ import annotations

import pytest
import requests

from kernel.http.sessions import THROTTLED_MESSAGE as THROTTLED

WEB_SETTINGS = {"login_max_failures": 3, "login_failure_window": 600, "trusted_proxies": ["127.0.0.1"]}

pytestmark = pytest.mark.usefixtures("fresh_throttle")


def login(server, login: str, password: str, forwarded: str | None) -> dict:
    body = {"jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"service": "common", "method": "login", "args": [server.db, login, password]}}
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return requests.post(f"{server.url}/jsonrpc", json=body, headers=headers, timeout=30).json()


def address_keys(server) -> set[str]:
    with server.kernel.env() as env:
        return {key for key in env["http.login.attempt"].search([]).mapped("key") if key.startswith("address:")}


@pytest.mark.parametrize(("forwarded", "address"), [
    ("203.0.113.5", "203.0.113.5"),
    ("198.51.100.7, 203.0.113.5", "203.0.113.5"),  # what the client wrote itself is not believed
    ("203.0.113.5, 127.0.0.1", "203.0.113.5"),  # trusted hops are skipped
    ("not-an-address", "127.0.0.1"),
    (None, "127.0.0.1"),
])
def test_the_client_address_comes_from_the_trusted_proxy(server, forwarded: str | None, address: str) -> None:
    assert login(server, "nobody", "wrong", forwarded)["result"] is False
    assert address_keys(server) == {f"address:{address}"}


def test_clients_behind_the_proxy_are_throttled_apart(server) -> None:
    for number in range(3):
        assert login(server, f"guess{number}", "wrong", "203.0.113.5")["result"] is False
    assert login(server, server.login, server.password, "203.0.113.5")["error"]["data"]["message"] == THROTTLED
    assert login(server, server.login, server.password, "203.0.113.6")["result"] == server.uid
