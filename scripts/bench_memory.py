"""Benchmark of memory: the resident size of a process with every product addon loaded.

Installs every addon of ``addons/`` on a throwaway SQLite file in a child
process, then, in a fresh child process, loads the kernel and the composed
registry, logs a user in (Argon2), searches and reads partners, builds the
combined partner form and answers JSON-RPC ``search_read`` calls through the
WSGI application.  It prints the resident size after each step and the peak,
against a baseline process that only imports SQLAlchemy and opens the same
database.  Target: peak under 100 MB.

    .venv/bin/python scripts/bench_memory.py
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 100


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def install(url: str) -> None:
    from kernel import Kernel
    from kernel.manifest import discover

    kernel = Kernel(url, addons_path=[ROOT / "addons"])
    kernel.init(demo=True)
    kernel.install(sorted(discover([ROOT / "addons"], entry_points=False)))
    with kernel.env() as env:
        env["res.users"].create({"name": "Bench", "login": "bench", "password": "bench",
                                 "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
    kernel.close()


def baseline(url: str) -> dict[str, float]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT count(*) FROM basepartner")).scalar_one()
    return {"peak": peak_mb()}


def loaded(url: str) -> dict[str, float]:
    steps: dict[str, float] = {}
    from kernel import Kernel

    steps["import kernel"] = resident_mb()
    kernel = Kernel(url, addons_path=[ROOT / "addons"])
    with kernel.env(login="bench") as env:
        steps[f"registry of {len(kernel.installed())} addons"] = resident_mb()
        env["res.users"].authenticate("bench", "bench")
        steps["login (Argon2)"] = resident_mb()
        env["basepartner"].search_read([], ["name", "email", "city"], limit=80)
        env["ir.ui.view"].get_view("basepartner", "form")
        steps["search_read and combined form"] = resident_mb()
    from werkzeug.test import Client

    from dataclasses import replace
    from types import MappingProxyType

    from kernel.config import load_settings
    from kernel.http.app import create_app

    settings = replace(load_settings(None), databases=MappingProxyType({"default": url}))
    client = Client(create_app(settings.with_addons_path([ROOT / "addons"])))
    payload = {"jsonrpc": "2.0", "method": "call", "params": {
        "service": "object", "method": "execute_kw",
        "args": ["default", None, "bench", "basepartner", "search_read", [[]], {"fields": ["name"], "limit": 80}]}}
    with kernel.env() as env:
        payload["params"]["args"][1] = env["res.users"].search([("login", "=", "bench")]).id
    for _ in range(20):
        response = client.post("/jsonrpc", json=payload)
        if "result" not in response.json:
            raise SystemExit(f"the JSON-RPC call failed: {response.json}")
    steps["20 JSON-RPC calls"] = resident_mb()
    steps["peak"] = max(peak_mb(), *steps.values())
    return steps


def child(step: str, url: str) -> dict[str, float]:
    result = subprocess.run([sys.executable, __file__, "--child", step, url], capture_output=True, text=True,
                            check=False)
    if result.returncode:
        raise SystemExit(f"{step} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else {}


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        step, url = sys.argv[2], sys.argv[3]
        result = {"install": lambda: install(url) or {}, "baseline": lambda: baseline(url),
                  "loaded": lambda: loaded(url)}[step]()
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'memory.sqlite3'}"
        child("install", url)
        base = child("baseline", url)
        steps = child("loaded", url)
    print(f"{'step':<40} {'resident MB':>12}")
    for name, value in steps.items():
        print(f"{name:<40} {value:>12.1f}")
    print(f"{'baseline (SQLAlchemy alone), peak':<40} {base['peak']:>12.1f}")
    verdict = "meets" if steps["peak"] < TARGET_MB else "misses"
    print(f"peak {steps['peak']:.1f} MB {verdict} the {TARGET_MB} MB target; "
          f"{steps['peak'] / base['peak']:.1f}x the baseline")


if __name__ == "__main__":
    main()
