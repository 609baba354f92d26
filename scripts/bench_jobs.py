"""Background jobs: enqueue-to-start latency (p50, p99) and jobs per second, on the embedded broker and on
Redis, against a bare Celery task (no ERP environment, no ``ir.job`` row) measured in the same run on the
same broker settings; and the peak resident memory of the ``erp worker`` process.

    .venv/bin/python scripts/bench_jobs.py [--brokers embedded,redis] [--samples 50] [--jobs 200] [--pg-url URL]

Each measurement starts real processes (``erp worker`` and ``celery worker``, the ``threads`` pool of two
as configured by default). The ERP job is ``base.purge_sessions`` (one transaction with a ``DELETE``):
what is measured is the job machinery -- the ``ir.job`` row written with the caller's transaction, the
message sent after its commit, the claim, the job's environment and transaction, the ``done``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from kernel.broker import JobSettings, celery_app
from kernel.config import PROJECT_ROOT, load_settings
from kernel.db import utcnow, writing
from kernel.testing import installed_kernel, pg_base_url
from kernel.testing.workers import REDIS_URL, delete_queue, jobs_config, kernel_for, running, start_worker, wait_for

JOB = "base.purge_sessions"
BARE_MODULE = '''
from kernel.broker import JobSettings, celery_app
from kernel.config import load_settings
import time

app = celery_app(JobSettings.from_settings(load_settings({config!r}, environ={{}})))


@app.task(name="bench.noop")
def noop():
    return time.time()
'''


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def erp_latencies(kernel: Any, samples: int) -> list[float]:
    """Seconds from just before the enqueuing transaction commits to the job's claim, one job at a time."""
    table = kernel.registry["ir.job"]._sql
    latencies = []
    for _ in range(samples):
        with writing(), kernel.env() as env:
            job_id = env.enqueue(JOB).id
            sent = utcnow()
        started = wait_for(lambda: _started(kernel, table, job_id), 30, 0.005, "the job starting")
        latencies.append((started - sent).total_seconds())
        wait_for(lambda: _state(kernel, table, job_id) == "done", 30, 0.005, "the job finishing")
    return latencies


def _started(kernel: Any, table: sa.Table, job_id: int) -> datetime | None:
    with kernel.engine.connect() as connection:
        return connection.execute(sa.select(table.c.started_at).where(table.c.id == job_id)).scalar()


def _state(kernel: Any, table: sa.Table, job_id: int) -> str:
    with kernel.engine.connect() as connection:
        return connection.execute(sa.select(table.c.state).where(table.c.id == job_id)).scalar_one()


def erp_throughput(kernel: Any, count: int) -> float:
    """Jobs per second: ``count`` jobs queued in one transaction, until the last is done."""
    table = kernel.registry["ir.job"]._sql
    with writing(), kernel.env() as env:
        ids = [env.enqueue(JOB).id for _ in range(count)]
        began = time.perf_counter()
    query = sa.select(sa.func.count()).where(table.c.id.in_(ids), table.c.state == "done")

    def all_done() -> bool:
        with kernel.engine.connect() as connection:
            return connection.execute(query).scalar_one() == count

    wait_for(all_done, 300, 0.02, f"{count} jobs finishing")
    return count / (time.perf_counter() - began)


def bare_latencies(app: Any, samples: int) -> list[float]:
    latencies = []
    for _ in range(samples):
        sent = time.time()
        started = app.send_task("bench.noop").get(timeout=30, interval=0.005)
        latencies.append(started - sent)
    return latencies


def bare_throughput(app: Any, count: int) -> float:
    began = time.perf_counter()
    results = [app.send_task("bench.noop") for _ in range(count)]
    for result in results:
        result.get(timeout=300, interval=0.005)
    return count / (time.perf_counter() - began)


@contextmanager
def bare_worker(config: Path, folder: Path) -> Iterator[Any]:
    (folder / "benchbare.py").write_text(BARE_MODULE.format(config=str(config)))
    jobs = JobSettings.from_settings(load_settings(config, environ={}))
    log = (folder / "bare.log").open("w")
    environ = {**os.environ, "PYTHONPATH": f"{folder}{os.pathsep}{PROJECT_ROOT}"}
    process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "benchbare", "worker", "-P", jobs.pool,
                                "-c", str(jobs.concurrency), "-Q", jobs.queue, "--without-gossip",
                                "--without-mingle", "--without-heartbeat", "-l", "WARNING"],
                               cwd=folder, stdout=log, stderr=subprocess.STDOUT, env=environ)
    try:
        app = celery_app(jobs)
        app.send_task("bench.noop").get(timeout=60)  # ready
        yield app
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def run(broker: str, backend: str, samples: int, count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as name:
        folder = Path(name)
        with installed_kernel(backend, folder, None, []) as kernel:
            jobs: dict[str, Any] = {} if broker == "embedded" else {"broker": REDIS_URL}
            config = jobs_config(folder / "erp.toml", kernel, jobs)
            bare_config = jobs_config(folder / "bare.toml", kernel, jobs)
            client = kernel_for(config)
            figures: dict[str, float] = {}
            try:
                with running(start_worker(config)) as (worker,):
                    erp_latencies(client, 3)  # warm-up: registry, connections
                    latencies = erp_latencies(client, samples)
                    figures["erp_p50"], figures["erp_p99"] = percentile(latencies, 0.5), percentile(latencies, 0.99)
                    figures["erp_rate"] = erp_throughput(client, count)
                    figures["worker_mb"] = peak_memory_mb(worker.pid)
                with bare_worker(bare_config, folder) as app:
                    bare_latencies(app, 3)
                    latencies = bare_latencies(app, samples)
                    figures["bare_p50"], figures["bare_p99"] = percentile(latencies, 0.5), percentile(latencies, 0.99)
                    figures["bare_rate"] = bare_throughput(app, count)
            finally:
                client.close()
                delete_queue(config)
                delete_queue(bare_config)
            return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brokers", default="embedded,redis", help="embedded, redis (comma-separated)")
    parser.add_argument("--samples", type=int, default=50, help="jobs queued one at a time for the latency")
    parser.add_argument("--jobs", type=int, default=200, help="jobs queued at once for the rate")
    parser.add_argument("--pg-url", help="also on PostgreSQL (a server URL; a throwaway database is made)")
    args = parser.parse_args()
    if args.pg_url:
        os.environ["ERP_TEST_PG_URL"] = args.pg_url
    backends = ["sqlite"] + (["postgresql"] if pg_base_url() else [])
    print(f"{'broker':9} {'database':10} {'':6} {'p50 ms':>8} {'p99 ms':>8} {'jobs/s':>8}")
    for backend in backends:
        for broker in args.brokers.split(","):
            figures = run(broker, backend, args.samples, args.jobs)
            for who in ("bare", "erp"):
                print(f"{broker:9} {backend:10} {who:6} {1000 * figures[who + '_p50']:8.1f} "
                      f"{1000 * figures[who + '_p99']:8.1f} {figures[who + '_rate']:8.1f}")
            print(f"{'':9} {'':10} {'ratio':6} {figures['erp_p50'] / figures['bare_p50']:8.2f} "
                  f"{figures['erp_p99'] / figures['bare_p99']:8.2f} {figures['erp_rate'] / figures['bare_rate']:8.2f}"
                  f"   erp worker peak RSS {figures['worker_mb']:.0f} MB"
                  f" ({'under' if figures['worker_mb'] < 100 else 'OVER'} 100 MB)")
    print(f"measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; latency: commit of the enqueuing "
          "transaction (bare: send) to the start of the job")
    return 0


if __name__ == "__main__":
    sys.exit(main())
