"""Denial of service against a running ``erp serve`` (issue 13, point 16).

A costly expression in a domain, a domain of too many terms, a request that
never ends and an oversized import each get a clear error, and the workers
stay free to answer the next request.
"""

from __future__ import annotations

import concurrent.futures
import io

import requests

WEB_SETTINGS = {"request_timeout": 3, "import_max_rows": 20}
INSTALL = ["http_items", "web"]


def rpc(server, path: str, params: dict, session: requests.Session, headers: dict | None = None,
        status: int = 200) -> dict:
    body = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
    response = session.post(f"{server.url}{path}", json=body, headers=headers or {}, timeout=120)
    assert response.status_code == status, response.text
    return response.json()


def logged_in(server) -> tuple[requests.Session, str]:
    """A session of the tester and its CSRF token."""
    session = requests.Session()
    answer = rpc(server, "/web/session/authenticate",
                 {"db": server.db, "login": server.login, "password": server.password}, session)
    assert answer["result"]["uid"] == server.uid
    return session, rpc(server, "/items/token", {}, session)["result"]["csrf_token"]


def call_kw(server, session: requests.Session, model: str, method: str, *args: object, status: int = 200) -> dict:
    return rpc(server, "/web/dataset/call_kw", {"model": model, "method": method, "args": list(args), "kwargs": {}},
               session, status=status)


def error_message(answer: dict) -> str:
    assert "error" in answer, answer
    return answer["error"]["data"]["message"]


def test_costly_expressions_in_a_domain_are_refused_at_once(server) -> None:
    session, token = logged_in(server)
    for domain, reason in (("[('id', '=', ((10**10000)**10000)**10000)]", "integer result too large"),
                           ("[('name', '=', '%0999999999d' % 1)]", "format width or precision too large"),
                           ("[('name', '=', ('x' * 10000) * 10000)]", "text or list too long")):
        answer = rpc(server, "/web/json/name_search", {"model": "test.item", "term": "", "domain": domain}, session,
                     {"X-CSRF-Token": token})
        assert reason in error_message(answer), domain
    healthy = requests.get(f"{server.url}/healthz", timeout=30)
    assert healthy.status_code == 200


def test_a_domain_past_the_term_limit_is_refused_and_one_within_it_is_searched(server) -> None:
    session, _ = logged_in(server)
    huge = ["|"] * 99_999 + [["name", "=", f"item {i}"] for i in range(100_000)]
    message = error_message(call_kw(server, session, "test.item", "search_count", huge))
    assert "domain has 100000 terms; at most 10000" in message and "[orm] domain_max_terms" in message
    call_kw(server, session, "test.item", "create", {"name": "item 9998"})
    within = ["|"] * 9_999 + [["name", "=", f"item {i}"] for i in range(10_000)]
    assert call_kw(server, session, "test.item", "search_count", within)["result"] == 1


def test_a_request_past_its_time_limit_is_stopped_rolled_back_and_frees_its_worker(server) -> None:
    """A never-ending request is stopped with a clear error (HTTP 503, the JSON-RPC envelope) and nothing it
    wrote is kept; more of them than the server has threads (2 workers x 4) are all stopped, and the server
    answers afterwards."""
    sessions = [logged_in(server)[0] for _ in range(10)]
    message = error_message(call_kw(server, sessions[0], "test.item", "spin", "spun", status=503))
    assert "longer than 3 seconds" in message and "[web] request_timeout" in message, message
    assert call_kw(server, sessions[0], "test.item", "search_count", [["name", "=", "spun"]])["result"] == 0
    with concurrent.futures.ThreadPoolExecutor(len(sessions)) as pool:
        answers = list(pool.map(lambda session: call_kw(server, session, "test.item", "spin", status=503), sessions))
    for answer in answers:
        assert "[web] request_timeout" in error_message(answer)
    assert requests.get(f"{server.url}/healthz", timeout=30).status_code == 200


def test_an_import_above_the_row_limit_is_refused_with_the_setting_named(server) -> None:
    with server.kernel.env() as env:
        action = env["ir.actions.window"].create({"name": "Items", "res_model": "test.item",
                                                      "view_mode": "list,form"}).id
    session, token = logged_in(server)

    def upload(rows: int) -> requests.Response:
        content = "name,qty\n" + "".join(f"imported {i},{i}\n" for i in range(rows))
        return session.post(f"{server.url}/web/action/{action}/import", timeout=60,
                            data={"mode": "import", "csrf_token": token},
                            files={"file": ("items.csv", io.BytesIO(content.encode()), "text/csv")})

    refused = upload(21)
    assert refused.status_code == 400
    assert "the file has 21 rows; at most 20 can be imported at once" in refused.text
    assert "[web] import_max_rows" in refused.text
    assert call_kw(server, session, "test.item", "search_count", [["name", "like", "imported"]])["result"] == 0
    accepted = upload(20)
    assert accepted.status_code == 200, accepted.text
    assert call_kw(server, session, "test.item", "search_count", [["name", "like", "imported"]])["result"] == 20
