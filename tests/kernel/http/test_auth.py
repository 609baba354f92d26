"""One login throttle for every entry point, counted atomically; credentials and sessions that follow
revocation, archiving and password changes at once (issue 12, point 11)."""

from __future__ import annotations

import threading
import xmlrpc.client

import pytest
import requests

from kernel.http.sessions import THROTTLED_MESSAGE as THROTTLED
from kernel.testing import json_rpc

LIMIT = 4
WEB_SETTINGS = {"login_max_failures": LIMIT, "login_failure_window": 600}

pytestmark = pytest.mark.usefixtures("fresh_throttle")


def make_user(server, login: str, password: str = "right") -> int:
    with server.kernel.env() as env:
        return env["res.users"].create({"name": login.title(), "login": login, "password": password,
                                        "group_ids": [(6, 0, [env.ref("base.group_user").id])]}).id


def rpc(server, service: str, method: str, *args) -> dict:
    return json_rpc(server, "/jsonrpc", {"service": service, "method": method, "args": list(args)}, requests.Session())


def execute_kw(server, uid: int, password: str, model: str = "test.item", method: str = "search_count",
               args: list | None = None) -> dict:
    return rpc(server, "object", "execute_kw", server.db, uid, password, model, method, args or [[]])


def error_message(answer: dict) -> str:
    return answer["error"]["data"]["message"]


def test_execute_kw_is_throttled_like_the_login_routes(server, proxy) -> None:
    uid = make_user(server, "scripted")
    for _ in range(LIMIT):
        assert error_message(execute_kw(server, uid, "wrong")) == "Access Denied"
    assert error_message(execute_kw(server, uid, "right")) == THROTTLED
    with pytest.raises(xmlrpc.client.Fault) as caught:
        proxy("/xmlrpc/2/object").execute_kw(server.db, uid, "right", "test.item", "search_count", [[]])
    assert caught.value.faultCode == 3 and THROTTLED in caught.value.faultString
    assert error_message(rpc(server, "common", "login", server.db, "scripted", "right")) == THROTTLED


def test_every_entry_point_counts_in_the_same_throttle(server, proxy) -> None:
    """Wrong passwords through JSON-RPC, XML-RPC, the session route and a wrong API key add up per address."""
    uid = make_user(server, "mixed")
    assert error_message(execute_kw(server, uid, "wrong")) == "Access Denied"
    with pytest.raises(xmlrpc.client.Fault):
        proxy("/xmlrpc/2/object").execute_kw(server.db, uid, "wrong", "test.item", "search_count", [[]])
    session = json_rpc(server, "/web/session/authenticate", {"db": server.db, "login": "mixed", "password": "x"},
                      requests.Session())
    assert session["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    rest = requests.get(f"{server.url}/api/v1/test.item", headers={"Authorization": "Bearer erp_notakeyatall"}, timeout=30)
    assert rest.status_code == 401
    assert error_message(rpc(server, "common", "login", server.db, server.login, server.password)) == THROTTLED
    refused = requests.get(f"{server.url}/api/v1/test.item", headers={"Authorization": "Bearer erp_notakeyatall"},
                           timeout=30)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "LOGIN_THROTTLED"


def test_forwarded_for_is_ignored_without_a_trusted_proxy(server) -> None:
    answer = requests.post(f"{server.url}/jsonrpc", json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
        "service": "common", "method": "login", "args": [server.db, "nobody", "wrong"]}},
        headers={"X-Forwarded-For": "203.0.113.9"}, timeout=30)
    assert answer.json()["result"] is False
    with server.kernel.env() as env:
        keys = set(env["http.login.attempt"].search([]).mapped("key"))
    assert keys == {"login:nobody", "address:127.0.0.1"}


def in_parallel(server, count: int, login: str, password_of) -> list[dict]:
    """``count`` real clients calling ``common.login`` at the same moment."""
    start = threading.Barrier(count)
    answers: list[dict] = []

    def call(number: int) -> None:
        body = {"jsonrpc": "2.0", "method": "call", "id": number,
                "params": {"service": "common", "method": "login", "args": [server.db, login, password_of(number)]}}
        start.wait()
        answers.append(requests.post(f"{server.url}/jsonrpc", json=body, timeout=120).json())

    threads = [threading.Thread(target=call, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_parallel_wrong_logins_get_at_most_the_limit_checked(server) -> None:
    """40 clients at once: checks of one login queue on its locked counter, so exactly LIMIT passwords are checked."""
    make_user(server, "target")
    answers = in_parallel(server, 40, "target", lambda number: f"guess{number}")
    checked = [answer for answer in answers if answer.get("result") is False]
    throttled = [answer for answer in answers if "error" in answer and error_message(answer) == THROTTLED]
    assert len(checked) + len(throttled) == 40, [answer for answer in answers if answer not in checked + throttled]
    assert len(checked) == LIMIT
    with server.kernel.env() as env:
        assert env["http.login.attempt"].search([("key", "=", "login:target")]).failures == LIMIT


def test_parallel_right_logins_are_all_accepted(server) -> None:
    """Only failures count: many clients of one address logging in at once all get in."""
    uid = make_user(server, "crowd")
    assert [answer.get("result") for answer in in_parallel(server, 12, "crowd", lambda number: "right")] == [uid] * 12


def test_revoked_keys_archived_users_and_old_passwords_stop_at_once(server) -> None:
    """No credential cache outlives what it rests on: each takes effect at the very next call."""
    uid = make_user(server, "revocable")
    with server.kernel.env() as env:
        key_record, key = env["res.users.apikey"].generate(uid, "script")
        key_id = key_record.id
    assert "result" in execute_kw(server, uid, key) and "result" in execute_kw(server, uid, "right")
    with server.kernel.env() as env:
        env["res.users.apikey"].browse(key_id).revoked = True
    assert error_message(execute_kw(server, uid, key)) == "Access Denied"
    assert "result" in execute_kw(server, uid, "right")
    with server.kernel.env() as env:
        env["res.users"].browse(uid).password = "changed"
    assert error_message(execute_kw(server, uid, "right")) == "Access Denied"
    assert "result" in execute_kw(server, uid, "changed")
    with server.kernel.env() as env:
        env["res.users"].browse(uid).active = False
    assert error_message(execute_kw(server, uid, "changed")) == "Access Denied"


def log_in(server, login: str, password: str) -> requests.Session:
    session = requests.Session()
    answer = json_rpc(server, "/web/session/authenticate", {"db": server.db, "login": login, "password": password}, session)
    assert "result" in answer, answer
    return session


def session_uid(server, session: requests.Session) -> int | None:
    answer = json_rpc(server, "/web/session/get_session_info", {}, session)
    return answer["result"]["uid"] if "result" in answer else None


def test_a_password_change_ends_the_users_other_sessions(server) -> None:
    uid = make_user(server, "traveller", "first")
    laptop, phone = log_in(server, "traveller", "first"), log_in(server, "traveller", "first")
    other = log_in(server, server.login, server.password)
    change = {"model": "res.users", "method": "change_password", "args": ["first", "second"], "kwargs": {}}
    assert json_rpc(server, "/web/dataset/call_kw", change, laptop)["result"] is True
    assert session_uid(server, laptop) == uid, "the session that changed the password goes on"
    assert session_uid(server, phone) is None
    assert session_uid(server, other) == server.uid
    with server.kernel.env() as env:
        env["res.users"].browse(uid).password = "third"  # an administrator's change ends them all
    assert session_uid(server, laptop) is None


def test_archiving_a_user_ends_their_sessions(server) -> None:
    uid = make_user(server, "leaver")
    session = log_in(server, "leaver", "right")
    with server.kernel.env() as env:
        env["res.users"].browse(uid).active = False
    assert session_uid(server, session) is None


def test_the_csrf_secret_is_renewed_at_login(server) -> None:
    visitor = requests.Session()
    before = json_rpc(server, "/items/token", {}, visitor)["result"]["csrf_token"]
    json_rpc(server, "/web/session/authenticate", {"db": server.db, "login": server.login, "password": server.password},
            visitor)
    after = json_rpc(server, "/items/token", {}, visitor)["result"]["csrf_token"]
    assert after != before
    with server.kernel.env() as env:
        item = env["test.item"].create({"name": "csrf renewal"}).id
    stale = visitor.post(f"{server.url}/items/rename", data={"id": item, "name": "x", "csrf_token": before}, timeout=30)
    assert stale.status_code == 403
    fresh = visitor.post(f"{server.url}/items/rename", data={"id": item, "name": "y", "csrf_token": after}, timeout=30)
    assert fresh.status_code == 200
    json_rpc(server, "/web/session/authenticate", {"db": server.db, "login": server.login, "password": server.password},
            visitor)
    assert json_rpc(server, "/items/token", {}, visitor)["result"]["csrf_token"] not in (before, after)
