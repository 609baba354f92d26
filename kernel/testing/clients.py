"""Clients for tests that speak HTTP: a werkzeug client logged into the web client (CSRF token included), and
JSON-RPC calls and logged-in sessions on a running server."""

from __future__ import annotations

import re
from typing import Any

import requests
from werkzeug.test import Client, TestResponse

from .servers import Server

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form in ``html``; an error naming the page's start when there is none."""
    found = CSRF_INPUT.search(html)
    if found is None:
        raise LookupError(f"no csrf_token input in the page: {html[:200]!r}")
    return found.group(1)


class WebClient:
    """A werkzeug client on a WSGI application (``kernel.http.app.Application``), carrying its CSRF token.

    Posts send the session's token unless ``csrf=False``, so a test of the
    protection itself can leave it out.
    """

    def __init__(self, app: Any):
        self.client = Client(app)
        self.token = ""

    def login(self, login: str, password: str) -> TestResponse:
        """Log in with the login form's token; the session's token is a new one (renewed at login)."""
        self.token = csrf_of(self.client.get("/web/login").text)
        response = self.client.post("/web/login", data={"login": login, "password": password, "csrf_token": self.token})
        if response.status_code == 303:
            self.token = csrf_of(self.client.get("/web").text)
        return response

    def get(self, url: str) -> TestResponse:
        return self.client.get(url)

    def post(self, url: str, data: dict[str, Any] | None = None, csrf: bool = True, **kwargs: Any) -> TestResponse:
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.token
        return self.client.post(url, data=data, **kwargs)

    def json(self, url: str, params: dict[str, Any], csrf: bool = True) -> Any:
        """A JSON-RPC ``call`` to ``url``; the decoded answer (``result`` or ``error``)."""
        headers = {"X-CSRF-Token": self.token} if csrf else {}
        return self.client.post(url, json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1},
                                headers=headers).get_json()


def json_rpc(server: Server, path: str, params: dict[str, Any], session: requests.Session | None = None) -> Any:
    """A JSON-RPC ``call`` to ``path`` on ``server``; the decoded answer.  Errors are answers too (HTTP 200):
    any other status fails the test with the body."""
    body: dict[str, Any] = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
    response = (session or requests.Session()).post(f"{server.url}{path}", json=body, timeout=30)
    assert response.status_code == 200, f"{path} answered {response.status_code}: {response.text[:500]}"
    return response.json()


def server_session(server: Server) -> requests.Session:
    """A session logged in (``/web/session/authenticate``) as the user the server fixture prepared."""
    if not server.login:
        raise ValueError("this server fixture prepared no user: set login, password and uid on its Server")
    session = requests.Session()
    answer = json_rpc(server, "/web/session/authenticate",
                      {"db": server.db, "login": server.login, "password": server.password}, session)
    assert answer.get("result", {}).get("uid") == server.uid, f"logging in as {server.login} failed: {answer}"
    return session
