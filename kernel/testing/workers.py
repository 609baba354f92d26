"""Real ``erp worker`` and ``erp beat`` processes, for tests and benchmarks of background jobs.

A test gives the ``[jobs]`` settings it wants (a short heartbeat, a broker);
the helpers write a configuration file serving the kernel's database as
``default`` and start the command on it.  Each configuration gets its own
queue name, so tests sharing a Redis or RabbitMQ server never see each
other's messages (the queue is deleted afterwards).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..broker import JobSettings
from ..config import load_settings
from ..db import writing
from ..kernel import Kernel

STARTUP_SECONDS = 60
STOP_SECONDS = 1.0
REDIS_URL = "redis://127.0.0.1:6379/0"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"


@dataclass
class Process:
    """A started ``erp worker`` or ``erp beat``: its process, its log, what it prints once ready."""

    process: subprocess.Popen
    log: Path
    config: Path
    ready_text: str
    offset: int = 0  # where its output starts in the log (a log may be reused)
    stopped: bool = field(default=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[self.offset:]

    def wait_ready(self, timeout: float = STARTUP_SECONDS) -> None:
        wait_for_log(self, self.ready_text, timeout)

    def kill(self) -> None:
        """``kill -9``: the process dies without any clean-up, as on a lost machine."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.stopped = True

    def stop(self) -> None:
        """``SIGTERM``, then ``SIGKILL`` after a second: a worker's warm shutdown waits for its broker poll,
        which tests need not."""
        if self.stopped:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.stopped = True


def jobs_config(path: Path, kernel: Kernel, jobs: Mapping[str, Any]) -> Path:
    """A configuration serving ``kernel``'s database as ``default`` with these ``[jobs]`` settings (a
    broker and result backend under ``path``'s folder unless given, a queue of its own)."""
    folder = path.parent
    settings: dict[str, Any] = {
        "broker": f"sqla+sqlite:///{folder / 'broker.sqlite3'}",
        "backend": f"db+sqlite:///{folder / 'results.sqlite3'}",
        "queue": f"erp-test-{uuid.uuid4().hex[:8]}",
        **jobs,
    }
    lines = ["[databases]", f"default = {json.dumps(kernel.url)}", "", "[addons]",
             "path = [" + ", ".join(json.dumps(str(p)) for p in kernel.settings.addons_path) + "]", "", "[jobs]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def _environ() -> dict[str, str]:
    # the configuration file decides, not the ERP_* variables of whoever runs the tests
    return {k: v for k, v in os.environ.items() if not k.startswith("ERP_") or k.startswith("ERP_TEST")}


def start(config: Path, command: str, name: str, ready_text: str, *arguments: str) -> Process:
    """``erp --config CONFIG COMMAND`` in a child process, its output in ``<name>.log`` beside the config."""
    log = config.parent / f"{name}.log"
    offset = log.stat().st_size if log.exists() else 0
    with log.open("a") as output:
        process = subprocess.Popen([sys.executable, "-m", "kernel", "--config", str(config), command, *arguments],
                                   stdout=output, stderr=subprocess.STDOUT, env=_environ())
    return Process(process, log, config, ready_text, offset)


def start_worker(config: Path, name: str = "worker", *arguments: str) -> Process:
    """``erp worker`` started (not yet ready: see :func:`running`)."""
    return start(config, "worker", name, " ready.", "--hostname", f"{name}-{uuid.uuid4().hex[:6]}@%h", *arguments)


def start_beat(config: Path, name: str = "beat") -> Process:
    """``erp beat`` started (not yet ready: see :func:`running`)."""
    return start(config, "beat", name, "erp beat:")


def wait_for_log(process: Process, text: str, timeout: float = STARTUP_SECONDS) -> None:
    """Wait until ``text`` appears in the process's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in process.log_text():
            return
        if process.process.poll() is not None:
            raise RuntimeError(f"the process exited with {process.process.returncode}:\n{process.log_text()}")
        time.sleep(0.1)
    raise RuntimeError(f"{text!r} not in the log within {timeout} s:\n{process.log_text()}")


@contextlib.contextmanager
def running(*processes: Process) -> Iterator[tuple[Process, ...]]:
    """Wait until every started process is ready (they start side by side); stop them all when the block ends."""
    try:
        for process in processes:
            process.wait_ready()
        yield processes
    finally:
        for process in processes:
            process.stop()


@contextlib.contextmanager
def running_worker(config: Path, name: str = "worker", *arguments: str) -> Iterator[Process]:
    """``erp worker`` on ``config`` until the block ends, once it is ready to take messages."""
    with running(start_worker(config, name, *arguments)) as (worker,):
        yield worker


@contextlib.contextmanager
def running_beat(config: Path, name: str = "beat") -> Iterator[Process]:
    """``erp beat`` on ``config`` until the block ends, once it has started."""
    with running(start_beat(config, name)) as (beat,):
        yield beat


def delete_queue(config: Path) -> None:
    """Remove the configuration's queue from its broker (Redis, RabbitMQ) once the tests are done."""
    jobs = JobSettings.from_settings(load_settings(config, environ={}))
    if jobs.embedded:
        return
    from ..broker import celery_app

    with celery_app(jobs).connection_for_write() as connection:
        with contextlib.suppress(Exception):
            connection.default_channel.queue_delete(jobs.queue)


def wait_for(predicate: Any, timeout: float = 30.0, every: float = 0.1, what: str = "the condition") -> Any:
    """Poll ``predicate()`` until it returns something true; that value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def kernel_for(config: Path) -> Kernel:
    """A kernel of the test process configured as the worker is (same database, broker and queue)."""
    return Kernel(settings=load_settings(config, environ={}))


def enqueue(kernel: Kernel, job: str, *args: Any, login: str | None = None, **options: Any) -> int:
    """Queue a job in a committed transaction (as ``login``, else the superuser); its id."""
    with writing(), kernel.env(login=login) as env:
        return env.enqueue(job, *args, **options).id


def job_row(kernel: Kernel, job_id: int) -> Any:
    """The ``ir.job`` row as committed."""
    table = kernel.registry["ir.job"]._sql
    with kernel.engine.connect() as connection:
        return connection.execute(sa.select(table).where(table.c.id == job_id)).one()


def wait_finished(kernel: Kernel, job_id: int, timeout: float = 30.0) -> Any:
    """The job's row once it is done or failed."""
    def finished() -> Any:
        found = job_row(kernel, job_id)
        return found if found.state in ("done", "failed") else None

    return wait_for(finished, timeout, what=f"job {job_id} finishing")
