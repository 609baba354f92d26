"""Benchmark of the web layer: ``search_read`` of 80 records over JSON-RPC and REST (issue 7).

Against a running server (``--url``, with ``--db-url`` of the same database
for the ORM-only figure) or, by default, against one it starts itself: a
throwaway SQLite file (or ``--pg-url``) with the fixture addon ``http_items``,
``--records`` items, a user and an API key, served by ``erp serve --workers
N``.  ``--clients`` threads send ``--requests`` requests each:

    jsonrpc  POST /web/dataset/call_kw   search_read([], limit=80)   session cookie
    rest     GET  /api/v1/<model>?limit=80                            API key

It prints requests per second, p50 and p99 latency, the ORM call alone
(``search_read`` in-process on the same database, median of as many calls) and
its share of the p50 request, both as the client sees it and as the
application measured it (``Server-Timing`` header): the web layer's overhead
is the rest (target: below 30 % at p50 with one client).  Then the peak memory (VmHWM) of every
server process and of this one.

    .venv/bin/python scripts/bench_http.py [--clients 1 4] [--requests 200] [--workers 2] [--pg-url URL]
    .venv/bin/python scripts/bench_http.py --url http://127.0.0.1:8069 --db default --login admin --password admin \\
        --api-key erp_... --model basepartner --db-url sqlite:///var/default.sqlite3
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from kernel import Kernel
from kernel.db import create_database, drop_database, parse_url
from kernel.testing import free_port

ROOT = Path(__file__).resolve().parent.parent

ADDONS_PATH = [ROOT / "addons", ROOT / "tests" / "fixtures" / "http_addons"]
LIMIT = 80


@dataclass
class Target:
    url: str
    db: str
    login: str
    password: str
    api_key: str
    model: str
    db_url: str | None
    server_pid: int | None = None


@contextlib.contextmanager
def own_server(args: argparse.Namespace) -> Iterator[Target]:
    """A database with ``--records`` items and ``erp serve`` on it; both removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
        if args.pg_url:
            db_url = parse_url(args.pg_url).set(database=f"erp_bench_{uuid.uuid4().hex[:8]}").render_as_string(hide_password=False)
            create_database(db_url)
        else:
            db_url = f"sqlite:///{folder}/bench.sqlite3"
        kernel = Kernel(db_url, addons_path=ADDONS_PATH)
        try:
            kernel.init()
            kernel.install(["http_items"])
            with kernel.env() as env:
                uid = env["res.users"].create({"name": "Bench", "login": "bench", "password": "bench",
                                               "group_ids": [(6, 0, [env.ref("base.group_user").id])]}).id
                env["test.item"].create([{"name": f"item {i:05d}", "qty": i, "price": i / 4, "notes": "x" * 40}
                                         for i in range(args.records)])
                _, key = env["res.users.apikey"].generate(uid, "bench")
            config = Path(folder) / "erp.toml"
            paths = ", ".join(json.dumps(str(p)) for p in ADDONS_PATH)
            config.write_text(f'[databases]\ndefault = {json.dumps(db_url)}\n\n[addons]\npath = [{paths}]\n')
            port = free_port()
            erp = Path(sys.executable).with_name("erp")
            log = open(Path(folder) / "serve.log", "w")  # noqa: SIM115 - closed below
            process = subprocess.Popen([str(erp), "-q", "--config", str(config), "serve", "--port", str(port),
                                        "--workers", str(args.workers)], stdout=log, stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{port}"
            try:
                wait_up(url, process)
                yield Target(url, "default", "bench", "bench", key, "test.item", db_url, process.pid)
            finally:
                process.terminate()
                process.wait(timeout=30)
                log.close()
        finally:
            kernel.close()
            if args.pg_url:
                drop_database(db_url)


def wait_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"erp serve exited with status {process.returncode}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/healthz", timeout=2).ok:
                return
        time.sleep(0.2)
    raise SystemExit("erp serve did not start within 60 s")


def server_time(response: requests.Response) -> float:
    """The application's own time for the request (``Server-Timing: app;dur=<ms>``), in seconds."""
    timing = response.headers.get("Server-Timing", "")
    return float(timing.partition("dur=")[2] or "nan") / 1000


def jsonrpc_call(target: Target) -> Callable[[], float]:
    session = requests.Session()
    login = {"jsonrpc": "2.0", "method": "call", "id": 1,
             "params": {"db": target.db, "login": target.login, "password": target.password}}
    session.post(f"{target.url}/web/session/authenticate", json=login, timeout=30).raise_for_status()
    body = {"jsonrpc": "2.0", "method": "call", "id": 2,
            "params": {"model": target.model, "method": "search_read", "args": [[]], "kwargs": {"limit": LIMIT}}}

    def call() -> float:
        response = session.post(f"{target.url}/web/dataset/call_kw", json=body, timeout=60)
        answer = response.json()
        if "error" in answer or len(answer["result"]) != LIMIT:
            raise SystemExit(f"unexpected JSON-RPC answer: {str(answer)[:300]}")
        return server_time(response)

    return call


def rest_call(target: Target) -> Callable[[], float]:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {target.api_key}"
    url = f"{target.url}/api/v1/{target.model}"

    def call() -> float:
        response = session.get(url, params={"limit": LIMIT, "db": target.db}, timeout=60)
        if response.status_code != 200 or len(response.json()["items"]) != LIMIT:
            raise SystemExit(f"unexpected REST answer {response.status_code}: {response.text[:300]}")
        return server_time(response)

    return call


def run(make_call: Callable[[Target], Callable[[], float]], target: Target, clients: int,
        count: int) -> tuple[float, list[float], list[float]]:
    """Requests per second, every request's latency and the server's time for it (seconds)."""
    calls = [make_call(target) for _ in range(clients)]
    for call in calls:
        call()  # warm-up: connection, worker caches
    latencies: list[float] = []
    server_times: list[float] = []
    lock = threading.Lock()

    def client(call: Callable[[], float]) -> None:
        own, own_server = [], []
        for _ in range(count):
            started = time.perf_counter()
            own_server.append(call())
            own.append(time.perf_counter() - started)
        with lock:
            latencies.extend(own)
            server_times.extend(own_server)

    threads = [threading.Thread(target=client, args=(call,)) for call in calls]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), latencies, server_times


def orm_only(target: Target, count: int) -> float | None:
    """Median time of the same ``search_read`` in-process, as the same user, one transaction each."""
    if not target.db_url:
        return None
    kernel = Kernel(target.db_url, addons_path=ADDONS_PATH)
    try:
        timings = []
        for _ in range(count):
            with kernel.env(login=target.login) as env:
                started = time.perf_counter()
                rows = env[target.model].search_read([], limit=LIMIT)
                timings.append(time.perf_counter() - started)
                assert len(rows) == LIMIT
        return statistics.median(timings)
    finally:
        kernel.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def peak_memory_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def server_processes(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid] + ([int(p) for p in children.read_text().split()] if children.exists() else [])


def report(target: Target, args: argparse.Namespace) -> None:
    orm = orm_only(target, args.requests)
    print(f"server {target.url}, model {target.model}, search_read of {LIMIT} records")
    if orm is not None:
        print(f"ORM alone (in-process, median of {args.requests}): {orm * 1000:.2f} ms")
    print("ORM share = ORM alone / p50 as the client sees it (network, HTTP server, web layer, ORM);")
    print("app share = ORM alone / p50 of the application's own time (Server-Timing: the web layer and the ORM)")
    print(f"{'api':8} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'app p50 ms':>10} {'ORM share':>9} {'app share':>9}")
    for name, make_call in (("jsonrpc", jsonrpc_call), ("rest", rest_call)):
        for clients in args.clients:
            rate, latencies, server_times = run(make_call, target, clients, args.requests)
            p50, p99, app50 = percentile(latencies, 0.5), percentile(latencies, 0.99), percentile(server_times, 0.5)
            share = f"{orm / p50:.0%}" if orm is not None else "-"
            app_share = f"{orm / app50:.0%}" if orm is not None else "-"
            print(f"{name:8} {clients:>7} {rate:>8.1f} {p50 * 1000:>8.2f} {p99 * 1000:>8.2f} {app50 * 1000:>10.2f} "
                  f"{share:>9} {app_share:>9}")
    if target.server_pid:
        for pid in server_processes(target.server_pid):
            memory = peak_memory_mb(pid)
            if memory is not None:
                role = "master" if pid == target.server_pid else "worker"
                print(f"peak memory of server {role} {pid}: {memory:.1f} MB")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4], help="concurrent clients (default: 1 4)")
    parser.add_argument("--requests", type=int, default=200, help="requests per client (default: 200)")
    parser.add_argument("--workers", type=int, default=2, help="server workers when the script starts the server")
    parser.add_argument("--records", type=int, default=1000, help="items created when the script starts the server")
    parser.add_argument("--pg-url", help="PostgreSQL server URL for the script's own database (default: SQLite)")
    parser.add_argument("--url", help="a running server instead of the script's own")
    parser.add_argument("--db", default="default", help="database alias on the running server")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--api-key", help="API key of that user (erp apikey create LOGIN)")
    parser.add_argument("--model", default="basepartner")
    parser.add_argument("--db-url", help="URL of the running server's database, for the ORM-only figure")
    parser.add_argument("--server-pid", type=int, help="PID of the running server's master, for its peak memory")
    args = parser.parse_args()
    if args.url:
        if not args.api_key:
            parser.error("--url needs --api-key for the REST figures")
        report(Target(args.url.rstrip("/"), args.db, args.login, args.password, args.api_key, args.model,
                      args.db_url, args.server_pid), args)
        return
    os.environ.pop("ERP_CONFIG", None)
    with own_server(args) as target:
        report(target, args)


if __name__ == "__main__":
    main()
