"""What a request may carry: JSON routes only take JSON bodies, the context's language only installed codes
(issue 12, points 13 and 15)."""

from __future__ import annotations

import json

import pytest
import requests

from tests.http.test_sessions import jsonrpc, log_in

STATE_CHANGING_JSON_ROUTES = ["/web/dataset/call_kw", "/web/dataset/call_kw/test.item/create", "/jsonrpc",
                              "/web/session/authenticate", "/web/session/destroy", "/items/token"]


def _create_call(name: str) -> dict:
    return {"jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": "test.item", "method": "create", "args": [{"name": name}], "kwargs": {}}}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None])
def test_json_routes_refuse_bodies_a_cross_site_form_can_send(server, content_type: str | None) -> None:
    """Point 13: a page elsewhere can post text/plain or a form with the user's cookie, never application/json."""
    session = log_in(server)
    name = f"forged {content_type}"
    headers = {"Content-Type": content_type} if content_type else {}
    for path in STATE_CHANGING_JSON_ROUTES:
        answer = session.post(f"{server.url}{path}", data=json.dumps(_create_call(name)).encode(), headers=headers,
                              timeout=30)
        assert answer.status_code == 415, (path, answer.status_code, answer.text[:300])
        assert "application/json" in answer.json()["error"]["message"]
    with server.kernel.env() as env:
        assert not env["test.item"].search([("name", "=", name)])
    assert jsonrpc(server, "/web/session/get_session_info", {}, session)["result"]["uid"] == server.uid


def test_json_routes_still_take_json(server) -> None:
    session = log_in(server)
    answer = session.post(f"{server.url}/web/dataset/call_kw", json=_create_call("sent as json"), timeout=30)
    assert answer.status_code == 200 and answer.json()["result"] > 0
    charset = session.post(f"{server.url}/web/dataset/call_kw", data=json.dumps(_create_call("with charset")),
                           headers={"Content-Type": "application/json; charset=utf-8"}, timeout=30)
    assert charset.json()["result"] > 0
