"""A running ``erp serve --workers 2`` follows installs and uninstalls made by another ``erp`` process.

The fixture addon ``probe`` answers ``/probe`` with its worker's pid and
whether that worker's registry has ``basepartner.vendor_code`` (a field of
``core_purchase``), so that the test knows it asked every worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kernel.testing import database_backends, installed_kernel, running_server

ROOT = Path(__file__).resolve().parents[3]
ERP = Path(sys.executable).with_name("erp")
PROBE = '''
import os

from kernel.http.routing import Route


def probe(request):
    return {"pid": os.getpid(), "vendor_code": "vendor_code" in request.env["basepartner"]._fields}


def kernel_routes():
    return [Route("/probe", probe, auth="public", kind="json")]
'''


def clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("ERP_")}


class Served:
    def __init__(self, url: str, config: Path, log: Path):
        self.url, self.config, self.log = url, config, log
        self.uid = self.rpc("common", "login", "default", "admin", "admin")

    def post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(f"{self.url}{path}", json.dumps(payload).encode(),
                                         {"Content-Type": "application/json", "Connection": "close"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def rpc(self, service: str, method: str, *args: Any) -> Any:
        answer = self.post("/jsonrpc", {"jsonrpc": "2.0", "method": "call", "id": 1,
                                        "params": {"service": service, "method": method, "args": list(args)}})
        assert "error" not in answer, f"{answer['error']}\n{self.log.read_text(errors='replace')[-3000:]}"
        return answer["result"]

    def execute(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.rpc("object", "execute_kw", "default", self.uid, "admin", model, method, list(args), kwargs)

    def probe_every_worker(self) -> dict[int, bool]:
        """Each worker's pid and whether its registry has vendor_code; asks on new connections until two answer."""
        seen: dict[int, bool] = {}
        for _ in range(200):
            with urllib.request.urlopen(urllib.request.Request(f"{self.url}/probe", headers={"Connection": "close"}),
                                        timeout=60) as response:
                answer = json.loads(response.read())
            seen[answer["pid"]] = answer["vendor_code"]
            if len(seen) == 2:
                return seen
        raise AssertionError(f"only worker(s) {sorted(seen)} answered 200 requests")

    def erp(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(ERP), "--config", str(self.config), *args], capture_output=True, text=True,
                              env=clean_env(), timeout=300)


@pytest.fixture(params=database_backends())
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    """core_purchase and probe installed, served by ``erp serve --workers 2``."""
    (tmp_path / "extra" / "probe").mkdir(parents=True)
    (tmp_path / "extra" / "probe" / "__manifest__.py").write_text("{'name': 'Probe', 'depends': ['base']}")
    (tmp_path / "extra" / "probe" / "__init__.py").write_text(PROBE)
    addons_path = [ROOT / "addons", tmp_path / "extra"]
    with installed_kernel(request.param, tmp_path, addons_path, ["core_purchase", "probe"]) as kernel:
        kernel.close()  # the server's workers and the test's `erp` commands change the database, not this kernel
        with running_server(kernel, tmp_path) as running:
            yield Served(running.url, running.config, running.log)


def test_every_worker_follows_an_uninstall_and_an_install_by_another_process(served):
    vendor_type = served.execute("ir.model.data", "search_read", [("module", "=", "base"),
                                                                   ("name", "=", "base_partner_type_vendor")],
                                 ["res_id"])[0]["res_id"]
    first = served.execute("basepartner", "create", {"name": "Before", "partner_types": [(4, vendor_type)]})
    assert served.execute("basepartner", "read", [first], ["vendor_code"])[0]["vendor_code"] == "V00001"
    assert set(served.probe_every_worker().values()) == {True}

    removed = served.erp("uninstall", "core_purchase", "--noinput")
    assert removed.returncode == 0, removed.stderr
    created = [served.execute("basepartner", "create", {"name": f"After uninstall {n}"}) for n in range(12)]
    assert len(set(created)) == 12, "every create answered, none with UndefinedColumn"
    assert set(served.probe_every_worker().values()) == {False}, "every worker dropped core_purchase's fields"
    assert "vendor_code" not in served.execute("basepartner", "fields_get", [], attributes=["type"])

    added = served.erp("install", "core_purchase", "--noinput")
    assert added.returncode == 0, added.stderr
    assert set(served.probe_every_worker().values()) == {True}, "every worker has core_purchase's fields again"
    assert served.execute("basepartner", "fields_get", ["vendor_code"], attributes=["type"]) == {
        "vendor_code": {"type": "char"}}
    again = served.execute("basepartner", "create", {"name": "After install", "partner_types": [(4, vendor_type)]})
    assert served.execute("basepartner", "read", [again], ["vendor_code"])[0]["vendor_code"].startswith("V")
    assert "UndefinedColumn" not in served.log.read_text(errors="replace")
    assert "no such column" not in served.log.read_text(errors="replace")
