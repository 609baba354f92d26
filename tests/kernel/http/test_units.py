"""The web layer's parts without a server: marshalling, routes, settings, error reports, call_kw."""

from __future__ import annotations

import datetime as dt
import decimal
import subprocess
import sys
from pathlib import Path

import pytest

from kernel.config import load_settings
from kernel.exceptions import KernelError, UserError, ValidationError
from kernel.http.errors import AccessDenied, SessionExpired, jsonrpc_error, report, rest_error, xmlrpc_fault
from kernel.http.marshal import to_wire
from kernel.http.request import WebSettings
from kernel.http.routing import Route, build_map
from kernel.http.rpc import call_kw
from kernel.testing import rollback_env


def test_values_are_marshalled_as_odoo_sends_them() -> None:
    value = {"amount": decimal.Decimal("12.50"), "day": dt.date(2024, 2, 29), "at": dt.datetime(2024, 1, 2, 3, 4, 5),
             "blob": b"\x00\x01", "pair": (3, "Acme"), 7: {1, 2}, "none": None, "flag": False}
    assert to_wire(value) == {"amount": 12.5, "day": "2024-02-29", "at": "2024-01-02 03:04:05", "blob": "AAE=",
                              "pair": [3, "Acme"], "7": [1, 2], "none": None, "flag": False}
    with pytest.raises(TypeError, match="cannot send a object value"):
        to_wire(object())


def test_routes_are_checked() -> None:
    def endpoint(request):
        return "x"

    with pytest.raises(KernelError, match="auth must be one of"):
        Route("/x", endpoint, auth="everyone")
    with pytest.raises(KernelError, match="kind must be one of"):
        Route("/x", endpoint, kind="xml")
    with pytest.raises(KernelError, match="starts with '/'"):
        Route("x", endpoint)
    with pytest.raises(KernelError, match="route GET /x is defined twice"):
        build_map([Route("/x", endpoint), Route("/x", endpoint)])
    assert Route("/x", endpoint, ("POST",)).checks_csrf
    assert not Route("/x", endpoint, ("POST",), kind="json").checks_csrf
    assert not Route("/x", endpoint, ("POST",), csrf=False).checks_csrf
    assert not Route("/x", endpoint).checks_csrf


def test_web_settings_are_validated(tmp_path: Path) -> None:
    config = tmp_path / "erp.toml"
    config.write_text('[web]\nport = 9000\nworkers = 3\n')
    web = WebSettings.from_settings(load_settings(config, environ={}))
    assert (web.port, web.workers, web.list_db) == (9000, 3, True)
    config.write_text('[web]\nprot = 9000\n')
    with pytest.raises(KernelError, match=r"unknown key\(s\) prot"):
        WebSettings.from_settings(load_settings(config, environ={}))
    config.write_text('[web]\nport = "high"\n')
    with pytest.raises(KernelError, match="port: expected int"):
        WebSettings.from_settings(load_settings(config, environ={}))
    config.write_text('[web]\ntrusted_proxies = ["10.0.0.0/8", "127.0.0.1"]\n')
    web = WebSettings.from_settings(load_settings(config, environ={}))
    assert web.is_trusted_proxy("10.1.2.3") and web.is_trusted_proxy("127.0.0.1") and not web.is_trusted_proxy("11.0.0.1")
    config.write_text('[web]\ntrusted_proxies = ["proxy.example.com"]\n')
    with pytest.raises(KernelError, match="'proxy.example.com' is not an address or network"):
        WebSettings.from_settings(load_settings(config, environ={}))


def test_serve_refuses_a_bad_configuration(tmp_path: Path) -> None:
    config = tmp_path / "erp.toml"
    config.write_text(f'[databases]\ndefault = "sqlite:///{tmp_path}/x.sqlite3"\n\n[web]\nworkers = "many"\n')
    erp = Path(sys.executable).with_name("erp")
    done = subprocess.run([str(erp), "--config", str(config), "serve"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "configuration [web] workers: expected int" in done.stderr


def test_error_reports() -> None:
    invalid = ValidationError("bad value", code="PARTY_DUPLICATE_NAME", status=409)
    assert rest_error(invalid, debug=False) == ({"error": {"code": "PARTY_DUPLICATE_NAME", "message": "bad value"}}, 409)
    assert jsonrpc_error(invalid, debug=False)["data"]["name"] == "odoo.exceptions.ValidationError"
    assert jsonrpc_error(SessionExpired(), debug=False)["code"] == 100
    assert xmlrpc_fault(AccessDenied(), debug=False, string_codes=False).faultCode == 3
    assert xmlrpc_fault(invalid, debug=False, string_codes=True).faultCode == "warning -- ValidationError\n\nbad value"
    internal = report(RuntimeError("password=hunter2"), debug=False)
    assert (internal.message, internal.status, internal.debug) == ("Internal server error", 500, "")
    assert "hunter2" in report(RuntimeError("password=hunter2"), debug=True).message


def test_call_kw_conventions(kernel) -> None:
    with rollback_env(kernel) as env:
        company = call_kw(env, "res.company", "create", [{"name": "Wired"}], {})
        assert isinstance(company, int)
        created = call_kw(env, "res.company", "create", [[{"name": "A"}, {"name": "B"}]], {})
        assert to_wire(created) == [company + 1, company + 2]
        rows = call_kw(env, "res.company", "read", [[company], ["name"]], {"context": {"lang": "en_US"}})
        assert rows == [{"id": company, "name": "Wired"}]
        assert call_kw(env, "res.users", "context_get", [], {})["uid"] == env.uid
        with pytest.raises(UserError, match="works on records"):
            call_kw(env, "res.company", "write", [], {})
        with pytest.raises(UserError, match="args must be a list"):
            call_kw(env, "res.company", "search", "[]", {})
