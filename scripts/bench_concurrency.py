"""Benchmark of concurrent writers: creates per second with 8 clients, on SQLite and PostgreSQL (issue 13).

For each database (SQLite always; PostgreSQL with ``--pg-url`` or
``ERP_TEST_PG_URL``) the script builds a throwaway database with the fixture
addon ``http_items`` and serves it with ``erp serve --workers 2`` (four
threads each, as ``scripts/run`` does).  ``--clients`` clients then create
``--creates`` items each over JSON-RPC (``/web/dataset/call_kw``, one create
per request).  It prints:

    creates/s       the server's throughput with every client writing at once
    errors          failed creates (must be 0: writers wait for each other, none fails)
    baseline/s      the same rows inserted by raw SQLAlchemy Core from as many threads,
                    one transaction per row, on an engine set up as the kernel's
    ratio           creates/s divided by baseline/s (the ORM and web layers' cost)

and the peak memory (VmHWM) of every server process and of this one.

    .venv/bin/python scripts/bench_concurrency.py [--clients 8] [--creates 50] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import os
import resource
import threading
import time
from collections.abc import Callable

import requests
import sqlalchemy as sa
from bench_http import Target, own_server, peak_memory_mb, server_processes

from kernel.db import create_engine, transaction, writing


def run_threads(clients: int, work: Callable[[int], int]) -> tuple[float, int]:
    """Run ``work(client)`` in ``clients`` threads at once; rows per second and the errors they counted."""
    errors = [0] * clients
    threads = [threading.Thread(target=lambda n=n: errors.__setitem__(n, work(n))) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, sum(errors)


def server_creates(target: Target, clients: int, creates: int) -> tuple[float, int]:
    """Creates per second over JSON-RPC and the number of failed creates."""
    sessions = []
    for _ in range(clients):
        session = requests.Session()
        login = {"jsonrpc": "2.0", "method": "call", "id": 1,
                 "params": {"db": target.db, "login": target.login, "password": target.password}}
        session.post(f"{target.url}/web/session/authenticate", json=login, timeout=30).raise_for_status()
        sessions.append(session)

    def client(number: int) -> int:
        failed = 0
        for index in range(creates):
            body = {"jsonrpc": "2.0", "method": "call", "id": index, "params": {
                "model": target.model, "method": "create",
                "args": [{"name": f"server {number}-{index}", "qty": index}], "kwargs": {}}}
            response = sessions[number].post(f"{target.url}/web/dataset/call_kw", json=body, timeout=120)
            if response.status_code != 200 or "error" in response.json():
                failed += 1
        return failed

    elapsed, errors = run_threads(clients, client)
    return clients * creates / elapsed, errors


def baseline_inserts(db_url: str, clients: int, creates: int) -> tuple[float, int]:
    """Rows per second inserted by SQLAlchemy Core alone, one transaction per row, and the failed inserts."""
    engine = create_engine(db_url)
    table = sa.Table("test_item", sa.MetaData(), autoload_with=engine)

    def client(number: int) -> int:
        failed = 0
        for index in range(creates):
            try:
                with writing(), transaction(engine) as connection:
                    connection.execute(sa.insert(table).values(name=f"core {number}-{index}", qty=index))
            except sa.exc.DBAPIError:
                failed += 1
        return failed

    try:
        elapsed, errors = run_threads(clients, client)
    finally:
        engine.dispose()
    return clients * creates / elapsed, errors


def bench(label: str, args: argparse.Namespace, pg_url: str | None) -> None:
    setup = argparse.Namespace(pg_url=pg_url, records=0, workers=2)
    with own_server(setup) as target:
        rate, errors = server_creates(target, args.clients, args.creates)
        baseline, baseline_errors = baseline_inserts(target.db_url, args.clients, args.creates)
        print(f"{label:10} {args.clients:>7} {rate:>10.1f} {errors:>6} {baseline:>10.1f} {baseline_errors:>9} "
              f"{rate / baseline:>6.1%}")
        for pid in server_processes(target.server_pid):
            memory = peak_memory_mb(pid)
            if memory is not None:
                role = "master" if pid == target.server_pid else "worker"
                print(f"{'':10} peak memory of server {role} {pid}: {memory:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default: 8)")
    parser.add_argument("--creates", type=int, default=50, help="creates per client (default: 50)")
    parser.add_argument("--pg-url", default=os.environ.get("ERP_TEST_PG_URL"),
                        help="PostgreSQL server URL (default: $ERP_TEST_PG_URL; SQLite only without it)")
    args = parser.parse_args()
    os.environ.pop("ERP_CONFIG", None)
    print(f"{args.creates} creates per client, one per request; baseline: SQLAlchemy Core inserts, as many threads")
    print(f"{'database':10} {'clients':>7} {'creates/s':>10} {'errors':>6} {'baseline/s':>10} {'b. errors':>9} "
          f"{'ratio':>6}")
    bench("sqlite", args, None)
    if args.pg_url:
        bench("postgresql", args, args.pg_url)
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")


if __name__ == "__main__":
    main()
