"""What a request may carry: JSON routes only take JSON bodies, the context's language only installed codes
(issue 12, points 13 and 15)."""

from __future__ import annotations

import json
import xmlrpc.client
from pathlib import Path

import pytest
import requests

from kernel.i18n import Translations
from kernel.manifest import discover
from kernel.testing import json_rpc, server_session

STATE_CHANGING_JSON_ROUTES = ["/web/dataset/call_kw", "/web/dataset/call_kw/test.item/create", "/jsonrpc",
                              "/web/session/authenticate", "/web/session/destroy", "/items/token"]


def _create_call(name: str) -> dict:
    return {"jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": "test.item", "method": "create", "args": [{"name": name}], "kwargs": {}}}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None])
def test_json_routes_refuse_bodies_a_cross_site_form_can_send(server, content_type: str | None) -> None:
    """Point 13: a page elsewhere can post text/plain or a form with the user's cookie, never application/json."""
    session = server_session(server)
    name = f"forged {content_type}"
    headers = {"Content-Type": content_type} if content_type else {}
    for path in STATE_CHANGING_JSON_ROUTES:
        answer = session.post(f"{server.url}{path}", data=json.dumps(_create_call(name)).encode(), headers=headers,
                              timeout=30)
        assert answer.status_code == 415, (path, answer.status_code, answer.text[:300])
        assert "application/json" in answer.json()["error"]["message"]
    with server.kernel.env() as env:
        assert not env["test.item"].search([("name", "=", name)])
    assert json_rpc(server, "/web/session/get_session_info", {}, session)["result"]["uid"] == server.uid


def test_json_routes_still_take_json(server) -> None:
    session = server_session(server)
    answer = session.post(f"{server.url}/web/dataset/call_kw", json=_create_call("sent as json"), timeout=30)
    assert answer.status_code == 200 and answer.json()["result"] > 0
    charset = session.post(f"{server.url}/web/dataset/call_kw", data=json.dumps(_create_call("with charset")),
                           headers={"Content-Type": "application/json; charset=utf-8"}, timeout=30)
    assert charset.json()["result"] > 0


def _execute_kw(server, model: str, method: str, args: list, kwargs: dict) -> dict:
    params = {"service": "object", "method": "execute_kw",
              "args": [server.db, server.uid, server.password, model, method, args, kwargs]}
    return json_rpc(server, "/jsonrpc", params, requests.Session())


BAD_LANGS = ["../../../../../../etc/passwd", "x" * 5000, "zz_ZZ", "id/../../base/i18n/id", "pt_BR", 42, ["id"]]


@pytest.mark.parametrize("lang", BAD_LANGS, ids=lambda value: repr(value)[:20])
def test_context_lang_is_an_installed_language(server, proxy, lang) -> None:
    """Point 15: any other value is a clear 400-class error naming the installed codes, never a file path or a 500."""
    answer = _execute_kw(server, "res.company", "fields_get", [], {"attributes": ["string"], "context": {"lang": lang}})
    data = answer["error"]["data"]
    assert data["name"] == "odoo.exceptions.ValidationError", data
    assert "unknown language" in data["message"] and "en_US" in data["message"] and "id" in data["message"]
    assert len(data["message"]) < 400
    fault = pytest.raises(xmlrpc.client.Fault, proxy("/xmlrpc/2/object").execute_kw, server.db, server.uid, server.password,
                          "res.company", "search", [[]], {"context": {"lang": lang}})
    assert fault.value.faultCode == 2


def test_installed_languages_translate(server) -> None:
    for lang, label in (("id", "Nama Perusahaan"), ("id_ID", "Nama Perusahaan"), ("en_US", "Company Name"),
                        (None, "Company Name"), ("", "Company Name"), (False, "Company Name")):
        answer = _execute_kw(server, "res.company", "fields_get", [["name"]], {"attributes": ["string"], "context": {"lang": lang}})
        assert answer["result"]["name"]["string"] == label, answer


def test_a_user_cannot_set_an_unknown_language(server) -> None:
    for lang in ("../../../etc/passwd", "zz_ZZ"):
        answer = _execute_kw(server, "res.users", "write", [[server.uid], {"lang": lang}], {})
        assert "unknown language" in answer["error"]["data"]["message"]
    assert _execute_kw(server, "res.users", "write", [[server.uid], {"lang": "id"}], {})["result"] is True
    assert _execute_kw(server, "res.users", "write", [[server.uid], {"lang": "en_US"}], {})["result"] is True


def test_unknown_languages_are_neither_read_nor_cached(erp_addons_path: list[Path]) -> None:
    """However many distinct values arrive, only the installed languages' catalogs are ever loaded and kept."""
    translations = Translations([discover(erp_addons_path)["base"]])
    for number in range(300):
        assert translations.gettext(f"zz_{number:03d}", "Company Name") == "Company Name"
    assert translations.gettext("../../base/i18n/id", "Company Name") == "Company Name"
    assert translations.gettext("id", "Company Name") == "Nama Perusahaan"
    assert set(translations._catalogs) <= set(translations.installed())
