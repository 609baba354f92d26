"""Benchmark of memory: the resident size of ``erp serve`` workers under sustained JSON-RPC name searches.

Installs every addon of ``addons/`` on a throwaway SQLite file (or a
PostgreSQL database with ``--pg-url``) with 10,000 partners, starts
``erp serve --workers 2`` on it, and has ``--clients`` clients call
``name_search`` on partners through JSON-RPC (``execute_kw``) without pause
for ``--duration`` seconds, each with a term of its own: a word in a tenth
of the names, a prefix, a name, a word matching nothing.  Every
``--every`` seconds it prints each worker's resident size (``VmRSS``) and
the calls answered; at the end, each worker's first and last sample, its
peak and the growth over the run.  Baseline: a process that only imports
SQLAlchemy and opens the same database, measured the same way.  Target:
every worker under 100 MB at every sample.

    .venv/bin/python scripts/bench_memory.py [--duration 120] [--clients 4] [--every 10] [--pg-url URL]

The default run (two minutes of load) takes under three minutes; ten
minutes (``--duration 600``) is the load the issue measured.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 100
PARTNERS = 10_000
WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "iris", "juniper")
LOGIN = PASSWORD = "bench"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"process {pid} has no VmRSS")


def children(pid: int) -> list[int]:
    """The direct child processes of ``pid`` (gunicorn's workers of the ``erp serve`` master)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return sorted(found)


def prepare(url: str) -> None:
    """Every product addon, a user ``bench`` and 10,000 partners (run in a child process)."""
    from kernel import Kernel
    from kernel.manifest import discover

    kernel = Kernel(url, addons_path=[ROOT / "addons"])
    kernel.init(demo=False)
    kernel.install(sorted(discover([ROOT / "addons"], entry_points=False)))
    with kernel.env() as env:
        env["res.users"].create({"name": "Bench", "login": LOGIN, "password": PASSWORD,
                                 "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
        partners = env["basepartner"]
        for start in range(0, PARTNERS, 1000):
            partners.create([{"name": f"Partner {i:05d} {WORDS[i % len(WORDS)]}", "entity_type": "individual"}
                             for i in range(start, start + 1000)])
    kernel.close()


def baseline(url: str) -> float:
    """Resident MB of a process that imports SQLAlchemy and counts the partners."""
    code = ("import sqlalchemy as sa, sys\n"
            "engine = sa.create_engine(sys.argv[1])\n"
            "with engine.connect() as c: c.execute(sa.text('SELECT count(*) FROM basepartner')).scalar_one()\n"
            "print(open('/proc/self/status').read().split('VmRSS:')[1].split()[0])")
    result = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True)
    return int(result.stdout.strip()) / 1024


class Load:
    """Clients calling ``name_search`` over JSON-RPC until told to stop."""

    def __init__(self, url: str, uid: int, clients: int):
        self.url, self.uid = url, uid
        self.calls = 0
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        terms = itertools.cycle([*WORDS, "Partner 0", "Partner 01", "artner 0999", "no such partner", "DELTA", "Ember"])
        self.threads = [threading.Thread(target=self.run, args=(next(terms), index), daemon=True)
                        for index in range(clients)]

    def call(self, term: str) -> None:
        body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "service": "object", "method": "execute_kw",
            "args": ["default", self.uid, PASSWORD, "basepartner", "name_search", [term], {"limit": 8}]}}
        request = urllib.request.Request(f"{self.url}/jsonrpc", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        if "result" not in answer:
            raise RuntimeError(str(answer.get("error"))[:300])

    def run(self, term: str, index: int) -> None:
        suffixes = itertools.cycle(["", " ", "0", "1", "2"])
        while not self.stop.is_set():
            try:
                self.call(f"{term}{next(suffixes)}".strip() if index % 2 else term)
            except Exception as exc:  # noqa: BLE001 - counted and reported, the load goes on
                with self.lock:
                    self.errors.append(str(exc))
                time.sleep(0.5)
                continue
            with self.lock:
                self.calls += 1

    def start(self) -> None:
        """One client first, so that each worker has verified the password once before the crowd comes (the
        login throttle counts concurrent first verifications of one login as attempts)."""
        self.call(WORDS[0])
        for thread in self.threads:
            thread.start()
            time.sleep(0.5)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def serve(url: str, folder: Path) -> tuple[subprocess.Popen, str, Path]:
    from kernel.testing.servers import free_port, wait_until_up

    config = folder / "erp.toml"
    config.write_text(f'[databases]\ndefault = "{url}"\n\n[addons]\npath = ["{ROOT / "addons"}"]\n')
    port = free_port()
    log = folder / "serve.log"
    erp = Path(sys.executable).with_name("erp")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ERP_")}
    with log.open("w") as output:
        process = subprocess.Popen([str(erp), "--config", str(config), "serve", "--host", "127.0.0.1",
                                    "--port", str(port), "--workers", "2"],
                                   stdout=output, stderr=subprocess.STDOUT, env=environment)
    address = f"http://127.0.0.1:{port}"
    wait_until_up(address, process, log)
    return process, address, log


def user_id(url: str) -> int:
    from kernel import Kernel

    kernel = Kernel(url, addons_path=[ROOT / "addons"])
    try:
        with kernel.env() as env:
            return env["res.users"].search([("login", "=", LOGIN)]).id
    finally:
        kernel.close()


def measure(url: str, folder: Path, duration: float, clients: int, every: float) -> bool:
    process, address, log = serve(url, folder)
    samples: dict[int, list[float]] = {}
    load = Load(address, user_id(url), clients)
    try:
        workers = children(process.pid)
        if len(workers) != 2:
            raise SystemExit(f"expected 2 workers under erp serve (pid {process.pid}), found {workers}")
        print(f"erp serve pid {process.pid}, workers {workers}; {clients} clients for {duration:g} s")
        print(f"{'seconds':>8} {'calls':>8} " + " ".join(f"{'worker ' + str(pid) + ' MB':>18}" for pid in workers))
        load.start()
        started = time.monotonic()
        while True:
            elapsed = time.monotonic() - started
            current = {pid: rss_mb(pid) for pid in workers}
            for pid, value in current.items():
                samples.setdefault(pid, []).append(value)
            print(f"{elapsed:>8.0f} {load.calls:>8} " + " ".join(f"{current[pid]:>18.1f}" for pid in workers),
                  flush=True)
            if elapsed >= duration:
                break
            time.sleep(min(every, max(duration - elapsed, 0.1)))
    finally:
        load.finish()
        process.terminate()
        process.wait(timeout=30)
    if load.errors:
        print(f"{len(load.errors)} failed calls, first: {load.errors[0]}\n(server log: {log})")
    print(f"\n{'worker':>8} {'first MB':>10} {'last MB':>10} {'peak MB':>10} {'growth MB':>10}")
    for pid, values in samples.items():
        print(f"{pid:>8} {values[0]:>10.1f} {values[-1]:>10.1f} {max(values):>10.1f} {values[-1] - values[0]:>10.1f}")
    peak = max(max(values) for values in samples.values())
    print(f"{load.calls} name searches answered ({load.calls / duration:.0f}/s), {len(load.errors)} failed")
    print(f"baseline (SQLAlchemy alone): {baseline(url):.1f} MB")
    verdict = "meets" if peak < TARGET_MB and not load.errors else "misses"
    print(f"worker peak {peak:.1f} MB {verdict} the {TARGET_MB} MB target")
    return peak < TARGET_MB and not load.errors


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--prepare":
        prepare(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds of load (default 120)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--every", type=float, default=10, help="seconds between samples (default 10)")
    parser.add_argument("--pg-url", help="a PostgreSQL server URL: run there instead of on SQLite")
    args = parser.parse_args()
    from kernel.db import create_database, drop_database, parse_url

    with tempfile.TemporaryDirectory(prefix="bench_memory_") as folder:
        if args.pg_url:
            url = parse_url(args.pg_url).set(database=f"erp_bench_{uuid.uuid4().hex[:12]}")
            url = url.render_as_string(hide_password=False)
            create_database(url)
        else:
            url = f"sqlite:///{Path(folder) / 'memory.sqlite3'}"
        try:
            subprocess.run([sys.executable, __file__, "--prepare", url], check=True)
            ok = measure(url, Path(folder), args.duration, args.clients, args.every)
        finally:
            if args.pg_url:
                drop_database(url)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
