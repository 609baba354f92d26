"""Benchmark of the partner master: creating partners in batches of 1,000.

On a throwaway SQLite file (and PostgreSQL with ``--pg-url``) holding ``base``,
``core_purchase`` and ``master_sale``, times the creation of 1,000 partners:

    plain     name and email (email validated and normalised)
    contacts  name, email and a mobile number (parsed to E.164)
    roles     the same, Customer and Vendor: flags computed, codes and times stamped

Each figure is the median of ``--repeats`` runs after one warm-up run, each
run in its own transaction, rolled back afterwards.  Target on SQLite: every
case well under a second.

    .venv/bin/python scripts/bench_partners.py [--pg-url URL] [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kernel import Kernel
from kernel.db import create_database, drop_database, parse_url
from kernel.testing import rollback_env

BATCH = 1000


def batches(env: Any) -> dict[str, Callable[[int], list[dict[str, Any]]]]:
    both = [(6, 0, [env.ref("base.base_partner_type_customer").id, env.ref("base.base_partner_type_vendor").id])]
    return {
        "plain": lambda run: [{"name": f"P{run}-{i}", "email": f"p{run}-{i}@example.com"} for i in range(BATCH)],
        "contacts": lambda run: [{"name": f"C{run}-{i}", "email": f"c{run}-{i}@example.com",
                                  "mobile_number": f"+6281{run:02d}{i:06d}"} for i in range(BATCH)],
        "roles": lambda run: [{"name": f"R{run}-{i}", "email": f"r{run}-{i}@example.com",
                               "mobile_number": f"+6285{run:02d}{i:06d}", "partner_types": both}
                              for i in range(BATCH)],
    }


def bench(kernel: Kernel, repeats: int) -> dict[str, float]:
    results: dict[str, float] = {}
    with rollback_env(kernel) as env:
        cases = batches(env)
    for name, make in cases.items():
        timings = []
        for run in range(repeats + 1):
            with rollback_env(kernel) as env:
                values = make(run)
                started = time.perf_counter()
                env["basepartner"].create(values)
                elapsed = time.perf_counter() - started
            if run:
                timings.append(elapsed)
        results[name] = statistics.median(timings)
    return results


def run_on(url: str, label: str, repeats: int) -> None:
    kernel = Kernel(url)
    try:
        kernel.init()
        kernel.install(["core_purchase", "master_sale"])
        for name, seconds in bench(kernel, repeats).items():
            print(f"{label:10} {name:9} {BATCH} partners: {seconds * 1000:7.1f} ms")
    finally:
        kernel.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", help="a PostgreSQL server URL; a throwaway database is created on it")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run_on(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "sqlite", args.repeats)
    if args.pg_url:
        url = parse_url(args.pg_url).set(database=f"erp_bench_{uuid.uuid4().hex[:12]}").render_as_string(
            hide_password=False)
        create_database(url)
        try:
            run_on(url, "postgresql", args.repeats)
        finally:
            drop_database(url)


if __name__ == "__main__":
    main()
