"""What every worker does every ``[jobs] heartbeat`` seconds, beside running jobs.

    heartbeat   the rows of the jobs this process runs get ``heartbeat_at = now``
    reap        a ``started`` row whose heartbeat is older than ``heartbeat_timeout`` belongs to a
                worker that died (``kill -9``, a lost machine): it is queued and sent again, or failed
                once it was lost ``max_attempts`` times.  kombu's SQLAlchemy transport never redelivers
                a message it handed out, so without this such a job would wait forever
    resend      a ``queued`` row that is due and whose message went out more than ``resend_after``
                seconds ago (or never: a job with an ``eta``, a process that died between its commit and
                the send) is sent again; the claim makes the duplicate harmless
    broker      the embedded broker's delivered messages older than an hour are deleted (kombu keeps them)

Every change is a conditional ``UPDATE`` (the state and heartbeat it saw), so
any number of workers may do this at once.  A round first looks with a reader
and takes the write lock only when there is something to change.  On SQLite a
running job's transaction holds the write lock, so its heartbeat waits for it;
a dead worker's lock is gone with its process.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from typing import Any
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..db import retryable, transaction, unavailable, utcnow
from ..kernel import Kernel
from .runner import JobRunner, job_table

log = logging.getLogger("kernel.jobs")

BROKER_KEEP = 3600  # seconds a delivered message stays in the embedded broker


class Housekeeper:
    """The housekeeping thread of one worker process (see the module's documentation)."""

    def __init__(self, runner: JobRunner):
        self.runner = runner
        self.jobs = runner.jobs
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def ensure_started(self) -> None:
        """Start the thread in this process unless it runs already (a forked child starts its own)."""
        if self._thread is None or not self._thread.is_alive():
            if self._thread is not None:  # a forked child: the parent's event may be mid-wait
                self.stopping = threading.Event()
            self._thread = threading.Thread(target=self._loop, name="erp-jobs-housekeeping", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self.stopping.set()

    def _loop(self) -> None:
        while not self.stopping.is_set():
            self.round()
            self.stopping.wait(self.jobs.heartbeat)

    def round(self) -> None:
        """One round over every database the worker serves; a database that fails is tried next round."""
        for database, kernel in self.runner.databases.all():
            try:
                if not kernel.is_initialised():
                    continue
                self._database_round(database, kernel)
            except Exception as exc:  # noqa: BLE001 - the thread must live on; the next round tries again
                if retryable(exc) or unavailable(exc):
                    log.info("housekeeping of %s skipped: %s", database, str(getattr(exc, "orig", exc)).splitlines()[0])
                else:
                    log.exception("housekeeping of %s failed", database)
        if self.jobs.embedded:
            self._clean_broker()

    def _database_round(self, database: str, kernel: Kernel) -> None:
        table, now = job_table(kernel), utcnow()
        with self.runner.running_lock:
            mine = [job_id for db, job_id in self.runner.running if db == database]
        lost = sa.and_(table.c.state == "started",
                       table.c.heartbeat_at < now - timedelta(seconds=self.jobs.heartbeat_timeout))
        due = sa.and_(table.c.state == "queued", sa.or_(table.c.eta.is_(None), table.c.eta <= now),
                      sa.or_(table.c.sent_at.is_(None),
                             table.c.sent_at < now - timedelta(seconds=self.jobs.resend_after)))
        with kernel.engine.connect() as connection:  # a reader first: most rounds find nothing to change
            found = connection.execute(sa.select(table.c.id).where(sa.or_(lost, due)).limit(1)).first()
        if not mine and found is None:
            return
        with transaction(kernel.engine, writer=True) as connection:
            if mine:
                connection.execute(table.update().where(
                    table.c.id.in_(mine), table.c.state == "started", table.c.worker == self.runner.name,
                ).values(heartbeat_at=now))
            to_send = self._reap(connection, table, now, lost)
            ids = list(connection.execute(sa.select(table.c.id).where(due)).scalars())
            if ids:
                connection.execute(table.update().where(due, table.c.id.in_(ids)).values(sent_at=now))
            to_send += ids
        for job_id in to_send:
            self.runner.resend(database, job_id)

    def _reap(self, connection: sa.Connection, table: sa.Table, now: datetime, lost: Any) -> list[int]:
        rows = connection.execute(sa.select(table.c.id, table.c.attempts, table.c.worker).where(lost)).all()
        again = []
        for job_id, attempts, worker in rows:
            this = sa.and_(lost, table.c.id == job_id)
            if attempts >= self.jobs.max_attempts:
                connection.execute(table.update().where(this).values(
                    state="failed", finished_at=now,
                    error=f"its worker stopped answering {attempts} time(s) (last: {worker}); given up"))
                log.warning("job %s: its worker stopped %d time(s); failed", job_id, attempts)
            elif connection.execute(table.update().where(this).values(
                    state="queued", worker=None, sent_at=now)).rowcount:
                log.warning("job %s: its worker %s stopped answering; queued again", job_id, worker)
                again.append(job_id)
        return again

    def _clean_broker(self) -> None:
        match = re.match(r"^sqla\+sqlite:///(.+)$", self.jobs.broker)
        if not match:
            return
        try:
            with sqlite3.connect(match.group(1), timeout=0.2) as broker:
                # kombu stamps a message with the local time when it hands it out
                cutoff = (datetime.now() - timedelta(seconds=BROKER_KEEP)).isoformat(sep=" ")
                broker.execute("DELETE FROM kombu_message WHERE visible = 0 AND timestamp < ?", (cutoff,))
        except sqlite3.Error as exc:
            log.debug("embedded broker not cleaned this round: %s", exc)

