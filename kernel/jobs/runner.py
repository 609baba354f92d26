"""Running one job: claim its ``ir.job`` row, run it in one transaction, record how it went.

    claim       own transaction: queued (or started by a worker that stopped heartbeating) -> started;
                anything else (done, cancelled, taken by a live worker) means the message is a duplicate
    run         one transaction, as the user who asked, with their company and context, the registry
                as the database's installed addons are now; the row becomes ``done`` in that same
                transaction, and only if this worker still holds the claim, so the job's writes and its
                ``done`` commit together or not at all
    retry       a transient database error (lock, serialisation failure, database unreachable) runs
                it again after a pause doubled each time; any other error fails it, or queues it again
                ``backoff`` seconds later while the job declares ``retries`` left

A worker killed half-way (``kill -9``) commits nothing: the row stays
``started`` with a heartbeat that no longer moves, and the housekeeping of any
worker (:mod:`kernel.jobs.housekeeping`) queues it again.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from ..broker import JobSettings, send
from ..config import Settings
from ..db import request_deadline, retryable, safe_url, transaction, unavailable, utcnow, writing
from ..exceptions import KernelError, UserError
from ..kernel import Kernel

log = logging.getLogger("kernel.jobs")

RESULT_SIZE = 4000  # characters of a result or an error kept on the row
PROGRESS_EVERY = 0.5  # seconds between two progress writes of one job


class ClaimLost(KernelError):
    """Another worker took the job over while this one ran it (its heartbeat had stopped): roll back."""


@dataclass(frozen=True)
class Claimed:
    """The row of a job this worker now runs."""

    id: int
    name: str
    args: list[Any]
    uid: int | None
    context: dict[str, Any]
    cron_id: int | None
    attempts: int


class Databases:
    """The databases a worker serves (its configuration's aliases), by URL without password."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.urls = {safe_url(url): url for url in settings.databases.values()}
        self._kernels: dict[str, Kernel] = {}
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._forget)  # the prefork pool's children

    def kernel(self, database: str) -> Kernel:
        url = self.urls.get(database)
        if url is None:
            raise KernelError(f"this worker does not serve database {database}; it serves: "
                              f"{', '.join(sorted(self.urls)) or 'none'}")
        with self._lock:
            kernel = self._kernels.get(url)
            if kernel is None:
                kernel = self._kernels[url] = Kernel(url, settings=self.settings)
            return kernel

    def _forget(self) -> None:
        """In a forked child: the parent's connections are not this process's to use (nor to close)."""
        self._lock = threading.Lock()
        for kernel in self._kernels.values():
            kernel.engine.dispose(close=False)
        self._kernels.clear()

    def all(self) -> list[tuple[str, Kernel]]:
        return [(database, self.kernel(database)) for database in self.urls]

    def close(self) -> None:
        with self._lock:
            for kernel in self._kernels.values():
                kernel.close()
            self._kernels.clear()


def job_table(kernel: Kernel) -> sa.Table:
    return kernel.registry["ir.job"]._sql


def cron_table(kernel: Kernel) -> sa.Table:
    return kernel.registry["ir.cron"]._sql


def summary(value: Any) -> str:
    """A job's return value as the text kept on its row."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text[:RESULT_SIZE]


def describe(exc: BaseException) -> str:
    """What a user is told about a failure: a user error's message, else the error's class and message."""
    if isinstance(exc, UserError):
        return str(exc)[:RESULT_SIZE]
    return f"{type(exc).__name__}: {exc}"[:RESULT_SIZE]


class JobRunner:
    """Runs the jobs whose messages this worker process receives."""

    def __init__(self, settings: Settings, jobs: JobSettings | None = None):
        self.databases = Databases(settings)
        self.jobs = jobs or JobSettings.from_settings(settings)
        self.running: set[tuple[str, int]] = set()  # (database, job id), heartbeated by the housekeeping
        self.running_lock = threading.Lock()
        os.register_at_fork(after_in_child=self._forget)

    @property
    def name(self) -> str:
        """This process, as the rows of the jobs it claims name it."""
        return f"{socket.gethostname()}:{os.getpid()}"

    def _forget(self) -> None:
        """In a forked child (the prefork pool): none of the parent's jobs, and a lock no parent thread holds."""
        self.running = set()
        self.running_lock = threading.Lock()

    def run(self, database: str, job_id: int) -> str:
        """Run job ``job_id`` of ``database`` if it is still to run; returns what happened."""
        kernel = self.databases.kernel(database)
        claimed = self._claim(kernel, job_id)
        if claimed is None:
            log.info("job %s of %s: not queued any more, nothing to do", job_id, database)
            return "skipped"
        with self.running_lock:
            self.running.add((database, job_id))
        try:
            return self._run_claimed(kernel, database, claimed)
        finally:
            with self.running_lock:
                self.running.discard((database, job_id))

    def _claim(self, kernel: Kernel, job_id: int) -> Claimed | None:
        table, now = job_table(kernel), utcnow()
        stale = now - timedelta(seconds=self.jobs.heartbeat_timeout)
        with transaction(kernel.engine, writer=True) as connection:
            claimed = connection.execute(table.update().where(
                table.c.id == job_id,
                sa.or_(table.c.eta.is_(None), table.c.eta <= now),
                sa.or_(table.c.state == "queued", sa.and_(table.c.state == "started", table.c.heartbeat_at < stale)),
            ).values(state="started", attempts=table.c.attempts + 1, started_at=now, heartbeat_at=now,
                     worker=self.name, progress=0, progress_message=None)).rowcount
            if not claimed:
                return None
            row = connection.execute(sa.select(table).where(table.c.id == job_id)).one()
        return Claimed(row.id, row.name, list(row.args or []), row.user_id, dict(row.context or {}), row.cron_id,
                       row.attempts)

    def _run_claimed(self, kernel: Kernel, database: str, claimed: Claimed) -> str:
        started = time.perf_counter()
        pause = self.jobs.db_retry_pause
        for attempt in range(self.jobs.db_retries + 1):
            progress = _Progress(kernel, claimed.id)
            try:
                result = self._run_once(kernel, claimed, progress)
            except ClaimLost:
                log.warning("job %s (%s): another worker took it over; this run was rolled back", claimed.id,
                            claimed.name)
                return "lost"
            except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
                if (retryable(exc) or unavailable(exc)) and attempt < self.jobs.db_retries:
                    log.info("job %s (%s): transient database error, again in %.1f s: %s", claimed.id,
                             claimed.name, pause, str(getattr(exc, "orig", exc)).splitlines()[0])
                    time.sleep(pause)
                    pause *= 2
                    continue
                return self._failed(kernel, database, claimed, exc)
            log.info("job %s (%s) done in %.2f s", claimed.id, claimed.name, time.perf_counter() - started)
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def _run_once(self, kernel: Kernel, claimed: Claimed, progress: _Progress) -> str:
        """The job and its ``done`` in one transaction, cancelled past the job's time limit."""
        if claimed.uid is None:
            raise UserError("the user who asked for this job no longer exists", code="JOB_USER_GONE")
        with writing(), transaction(kernel.engine) as connection:
            env = kernel.environment(connection, claimed.uid, claimed.context)
            declared = env.services.plugins.jobs().get(claimed.name)
            if declared is None:
                raise UserError(f"no installed addon declares job {claimed.name!r} any more", code="JOB_UNKNOWN")
            limit = declared.time_limit or self.jobs.time_limit
            env.transaction.progress_listener = progress
            with request_deadline(limit):
                outcome = summary(declared.function(env, *claimed.args))
            table, now = job_table(kernel), utcnow()
            done = connection.execute(table.update().where(
                table.c.id == claimed.id, table.c.state == "started", table.c.worker == self.name,
            ).values(state="done", progress=100, progress_message=progress.message or None, result=outcome,
                     error=None, finished_at=now, heartbeat_at=now)).rowcount
            if not done:
                raise ClaimLost(f"job {claimed.id} was taken over")
            if claimed.cron_id:
                cron = cron_table(kernel)
                connection.execute(cron.update().where(cron.c.id == claimed.cron_id).values(
                    last_outcome="done", last_error=None, failure_count=0))
        return outcome

    def _failed(self, kernel: Kernel, database: str, claimed: Claimed, exc: BaseException) -> str:
        """Record the failure; queue the job again while its declared retries last."""
        if isinstance(exc, UserError):
            log.warning("job %s (%s) failed: %s", claimed.id, claimed.name, exc)
        else:
            log.error("job %s (%s) failed", claimed.id, claimed.name, exc_info=exc)
        declared = kernel.plugins.jobs().get(claimed.name)
        backoff = declared.backoff if declared is not None and claimed.attempts <= declared.retries else None
        table, now, error = job_table(kernel), utcnow(), describe(exc)
        with transaction(kernel.engine, writer=True) as connection:
            owned = sa.and_(table.c.id == claimed.id, table.c.state == "started", table.c.worker == self.name)
            if backoff is not None:
                eta = now + timedelta(seconds=backoff * 2 ** (claimed.attempts - 1))
                connection.execute(table.update().where(owned).values(
                    state="queued", error=error, eta=eta, sent_at=None, worker=None))
            else:
                connection.execute(table.update().where(owned).values(state="failed", error=error, finished_at=now))
                if claimed.cron_id:
                    cron = cron_table(kernel)
                    connection.execute(cron.update().where(cron.c.id == claimed.cron_id).values(
                        last_outcome="failed", last_error=error, failure_count=cron.c.failure_count + 1))
        return "failed" if backoff is None else "retry"

    def resend(self, database: str, job_id: int) -> None:
        """Send a job's message again (the housekeeping's way to queue it)."""
        send(self.jobs, database, job_id)


class _Progress:
    """``env.progress()`` inside a job: the row's progress and message, written in a transaction of their own
    (at most every ``PROGRESS_EVERY`` seconds) so that the user sees them while the job runs.

    On SQLite the job's transaction holds the database's write lock from its start, so nothing else can
    write until it ends: there the progress is only written with the job's ``done``.
    """

    def __init__(self, kernel: Kernel, job_id: int):
        self.kernel, self.job_id = kernel, job_id
        self.live = kernel.engine.dialect.name != "sqlite"
        self.message = ""
        self._last = 0.0

    def __call__(self, percent: float, message: str) -> None:
        self.message = message
        now = time.monotonic()
        if not self.live or now - self._last < PROGRESS_EVERY:
            return
        self._last = now
        table = job_table(self.kernel)
        with transaction(self.kernel.engine, writer=True) as connection:
            connection.execute(table.update().where(table.c.id == self.job_id, table.c.state == "started").values(
                progress=int(percent), progress_message=message or None))

