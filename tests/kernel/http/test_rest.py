"""The REST API: API keys from the command line, CRUD with errors as JSON, the OpenAPI document, fuzzing."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import hypothesis
import pytest
import requests
import schemathesis
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error


def erp(server, *args: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("erp")), "--config", str(server.config), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def api_key(server) -> str:
    created = erp(server, "apikey", "create", server.login, "--name", "rest tests")
    assert created.returncode == 0, created.stderr
    return created.stdout.strip().splitlines()[-1]


def call(server, method: str, path: str, key: str | None, **kwargs: object) -> requests.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return requests.request(method, f"{server.url}/api/v1{path}", headers=headers, timeout=30, **kwargs)


def test_apikey_command_line(server) -> None:
    created = erp(server, "apikey", "create", server.login, "--name", "temporary")
    assert created.returncode == 0 and "shown only once" in created.stdout
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("erp_")
    with server.kernel.env() as env:
        stored = env["res.users.apikey"].search([("name", "=", "temporary")])
        assert stored.user_id.id == server.uid and key not in (stored.key_digest, stored.prefix)
        key_id = stored.id
    assert call(server, "GET", "/test.item", key).status_code == 200
    assert erp(server, "apikey", "revoke", str(key_id)).returncode == 0
    refused = call(server, "GET", "/test.item", key)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "APIKEY_INVALID"
    unknown = erp(server, "apikey", "create", "nobody")
    assert unknown.returncode == 1 and "no active user with login 'nobody'" in unknown.stderr
    assert erp(server, "apikey", "revoke", "999999").returncode == 1


def test_crud_cycle(server, api_key: str) -> None:
    created = call(server, "POST", "/test.item", api_key,
                   json={"name": "rest widget", "qty": 3, "price": 4.25, "day": "2024-01-31", "state": "done"})
    assert created.status_code == 201, created.text
    record = created.json()
    item = record["id"]
    assert created.headers["Location"] == f"/api/v1/test.item/{item}"
    assert (record["name"], record["qty"], record["price"], record["day"], record["state"]) == ("rest widget", 3, 4.25, "2024-01-31", "done")
    assert record["company_id"] is None and record["notes"] is None and record["active"] is True
    fetched = call(server, "GET", f"/test.item/{item}", api_key)
    assert fetched.status_code == 200 and fetched.json() == record
    patched = call(server, "PATCH", f"/test.item/{item}", api_key, json={"qty": 9, "notes": "patched"})
    assert patched.status_code == 200 and (patched.json()["qty"], patched.json()["notes"]) == (9, "patched")
    listing = call(server, "GET", "/test.item", api_key,
                   params={"domain": json.dumps([["name", "like", "rest "]]), "fields": "name,qty", "order": "qty desc"})
    assert listing.status_code == 200
    assert listing.json() == {"items": [{"id": item, "name": "rest widget", "qty": 9}], "total": 1, "offset": 0, "limit": 80}
    assert call(server, "DELETE", f"/test.item/{item}", api_key).status_code == 204
    gone = call(server, "GET", f"/test.item/{item}", api_key)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "RECORD_MISSING"


def test_paging(server, api_key: str) -> None:
    for index in range(5):
        assert call(server, "POST", "/test.item", api_key, json={"name": f"page {index}"}).status_code == 201
    domain = json.dumps([["name", "like", "page "]])
    page = call(server, "GET", "/test.item", api_key, params={"domain": domain, "offset": 2, "limit": 2, "fields": "name"}).json()
    assert [row["name"] for row in page["items"]] == ["page 2", "page 3"] and page["total"] == 5


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), [
    ("POST", "/test.item", {"name": "dup"}, 409, "ITEM_DUPLICATE_NAME"),
    ("POST", "/test.item", {"name": "neg", "qty": -1}, 422, "ITEM_QTY_NEGATIVE"),
    ("POST", "/test.item", {"name": "bad", "qty": "three"}, 422, "FIELD_INVALID"),
    ("POST", "/test.item", {"name": "bad", "colour": "red"}, 422, "FIELD_UNKNOWN"),
    ("POST", "/test.item", {"name": "bad", "create_date": "2024-01-01 00:00:00"}, 422, "FIELD_READONLY"),
    ("POST", "/test.item", {"qty": 1}, 422, "FIELD_REQUIRED"),
    ("POST", "/test.item", ["not", "an", "object"], 422, "BODY_INVALID"),
    ("POST", "/no.such.model", {"name": "x"}, 404, "MODEL_UNKNOWN"),
    ("GET", "/http.session", None, 404, "MODEL_UNKNOWN"),
    ("PATCH", "/test.item/999999", {"qty": 1}, 404, "RECORD_MISSING"),
])
def test_errors_have_stable_codes(server, api_key: str, method: str, path: str, body: object, status: int, code: str) -> None:
    call(server, "POST", "/test.item", api_key, json={"name": "dup"})
    response = call(server, method, path, api_key, json=body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


def test_bad_query_parameters_and_media_type(server, api_key: str) -> None:
    assert call(server, "GET", "/test.item", api_key, params={"domain": "[oops"}).json()["error"]["code"] == "DOMAIN_INVALID"
    assert call(server, "GET", "/test.item", api_key, params={"domain": "[[1, 2]]"}).status_code == 400
    assert call(server, "GET", "/test.item", api_key, params={"domain": '[["nope", "=", 1]]'}).status_code in (400, 422)
    assert call(server, "GET", "/test.item", api_key, params={"limit": "0"}).json()["error"]["code"] == "PARAMETER_INVALID"
    assert call(server, "GET", "/test.item", api_key, params={"order": "drop table"}).json()["error"]["code"] == "ORDER_INVALID"
    form = call(server, "POST", "/test.item", api_key, data={"name": "form"})
    assert form.status_code == 415


def test_authentication(server) -> None:
    assert call(server, "GET", "/test.item", None).json()["error"]["code"] == "AUTH_REQUIRED"
    assert call(server, "GET", "/test.item", "erp_forged_key_that_is_long").status_code == 401
    basic = requests.get(f"{server.url}/api/v1/test.item", auth=("tester", "pw"), timeout=30)
    assert basic.json()["error"]["code"] == "AUTH_SCHEME_UNSUPPORTED"
    session = requests.Session()
    body = {"jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"db": server.db, "login": server.login, "password": server.password}}
    session.post(f"{server.url}/web/session/authenticate", json=body, timeout=30)
    assert session.get(f"{server.url}/api/v1/test.item", timeout=30).status_code == 200


def test_failed_request_rolls_back(server, api_key: str) -> None:
    item = call(server, "POST", "/test.item", api_key, json={"name": "atomic", "qty": 1}).json()["id"]
    refused = call(server, "PATCH", f"/test.item/{item}", api_key, json={"notes": "half", "qty": -3})
    assert refused.status_code == 422
    assert call(server, "GET", f"/test.item/{item}", api_key).json()["notes"] is None


def test_openapi_document_is_valid(server) -> None:
    document = requests.get(f"{server.url}/api/v1/openapi.json", timeout=30).json()
    validate(document)
    assert "/api/v1/test.item/{record_id}" in document["paths"]
    item = document["components"]["schemas"]["test.item"]["properties"]
    assert item["state"]["enum"] == ["draft", "done"] and item["qty"]["type"] == "integer"
    assert "http.session" not in document["components"]["schemas"]


def test_fuzzing_finds_no_server_error(server, api_key: str) -> None:
    """schemathesis generates valid and invalid requests for every operation on ``test.item``."""
    schema = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    fuzzed = [op for op in operations if op.path.startswith("/api/v1/test.item")]
    assert len(fuzzed) == 5
    headers = {"Authorization": f"Bearer {api_key}"}
    seen: list[int] = []
    for operation, mode in itertools.product(fuzzed, list(GenerationMode)):

        @hypothesis.settings(max_examples=25, deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(hypothesis.HealthCheck))
        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        def check(case: schemathesis.Case) -> None:
            response = case.call_and_validate(headers=headers, checks=[not_a_server_error], timeout=30)
            seen.append(response.status_code)

        check()
    assert {200, 201, 404, 422} <= set(seen) and 500 not in seen
