"""Benchmark of ``execute_kw``'s credential check: a remembered proof re-read from the database vs a full check.

Each ``execute_kw`` call still reads what a remembered password or API key
rests on (user active, same password hash, key unrevoked: one indexed read),
so that revocation takes effect at once (issue 12, point 11).  For each
database (SQLite always; PostgreSQL with ``--pg-url`` or ``ERP_TEST_PG_URL``)
the script prints, per call:

    full check      Argon2 verification of the password (what a call without a remembered proof costs)
    revalidation    the read of a remembered proof (what every later call costs)
    ratio           full check / revalidation

and the peak memory of this process.

    .venv/bin/python scripts/bench_credentials.py [--calls 300] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kernel.http.rpc import still_valid, verified_proof
from kernel.testing import installed_kernel

ROOT = Path(__file__).resolve().parents[1]


def per_call_ms(work: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        work()
    return (time.perf_counter() - started) * 1000 / calls


def measure(backend: str, calls: int) -> None:
    with installed_kernel(backend, Path(tempfile.mkdtemp()), [ROOT / "addons"], []) as kernel:
        with kernel.env() as env:
            uid = env["res.users"].create({"name": "Bench", "login": "bench", "password": "secret"}).id
        with kernel.env() as env:
            proof = verified_proof(env, uid, "secret")
            assert proof is not None
            full = per_call_ms(lambda: verified_proof(env, uid, "secret"), max(calls // 20, 5))
            revalidation = per_call_ms(lambda: still_valid(env, uid, proof), calls)
    print(f"{backend:<11} full check {full:8.3f} ms   revalidation {revalidation:7.3f} ms   ratio {full / revalidation:7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--pg-url", default=os.environ.get("ERP_TEST_PG_URL"))
    args = parser.parse_args()
    if args.pg_url:
        os.environ["ERP_TEST_PG_URL"] = args.pg_url
    for backend in ["sqlite", *(["postgresql"] if args.pg_url else [])]:
        measure(backend, args.calls)
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
