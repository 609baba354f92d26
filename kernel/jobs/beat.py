"""``erp beat``: queue the jobs of the ``ir.cron`` schedules that are due, in every configured database.

Every ``[jobs] beat_interval`` seconds the beat reads the active schedules
whose ``nextcall`` has passed (so an edit counts from the next tick: no
restart) and queues each one's job with ``env.enqueue`` under the key
``cron:<id>:<due time>``, moving ``nextcall`` on in the same transaction.

Only one beat per database fires: before a tick it must hold the database's
beat lock, kept for as long as it lives (a PostgreSQL session advisory lock on
a connection of its own; on SQLite an exclusive ``flock`` on ``<database
file>-beat.lock``).  The system releases it when the process ends, killed or
not, and a standby beat takes over at its next tick.  Should two beats ever
fire the same due time, the key makes the second enqueue return the first's job.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from ..broker import JobSettings
from ..config import Settings
from ..db import parse_url, utcnow, writing
from ..exceptions import UserError
from ..kernel import Kernel
from .runner import Databases, cron_table, describe

log = logging.getLogger("kernel.jobs")

ADVISORY_KEY = (0x657270, 2)  # pg_try_advisory_lock(class, object): "erp" and 2, the beat
LOCK_SUFFIX = "-beat.lock"


class BeatLock:
    """The beat lock of one database, taken when free and kept until :meth:`release`."""

    def __init__(self, url: str):
        self.url = parse_url(url)
        self._descriptor: int | None = None
        self._engine: sa.Engine | None = None
        self._connection: sa.Connection | None = None

    @property
    def held(self) -> bool:
        return self._descriptor is not None or self._connection is not None

    def acquire(self) -> bool:
        """Whether this process holds the lock now (taking it if it is free)."""
        if self.url.get_backend_name() == "sqlite":
            return self._file_lock()
        return self._advisory_lock()

    def _file_lock(self) -> bool:
        if self._descriptor is not None:
            return True
        path = Path(str(self.url.database) + LOCK_SUFFIX)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            return False
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"pid {os.getpid()}\n".encode(), 0)
        self._descriptor = descriptor
        return True

    def _advisory_lock(self) -> bool:
        if self._connection is not None:
            try:  # the lock lives as long as its session: a lost connection lost it
                self._connection.execute(sa.text("SELECT 1"))
                return True
            except sa.exc.DBAPIError:
                log.warning("beat lock of %s lost with its connection", self.url.database)
                self.release()
        engine = sa.create_engine(self.url.set(drivername="postgresql+psycopg"), poolclass=NullPool,
                                  isolation_level="AUTOCOMMIT")
        connection = engine.connect()
        taken = connection.execute(sa.text("SELECT pg_try_advisory_lock(:a, :b)"),
                                   {"a": ADVISORY_KEY[0], "b": ADVISORY_KEY[1]}).scalar_one()
        if not taken:
            connection.close()
            engine.dispose()
            return False
        self._engine, self._connection = engine, connection
        return True

    def release(self) -> None:
        if self._descriptor is not None:
            fcntl.flock(self._descriptor, fcntl.LOCK_UN)
            os.close(self._descriptor)
            self._descriptor = None
        if self._connection is not None:
            try:
                self._connection.close()
            except sa.exc.DBAPIError:
                pass
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


class Beat:
    """The beat of the configured databases."""

    def __init__(self, settings: Settings):
        self.jobs = JobSettings.from_settings(settings)
        self.databases = Databases(settings)
        self.locks = {database: BeatLock(url) for database, url in self.databases.urls.items()}
        self.stopping = threading.Event()

    def run(self) -> None:
        """Tick until :meth:`stop` (or ``SIGTERM``/Ctrl-C in ``erp beat``)."""
        log.info("erp beat: every %.1f s, databases: %s", self.jobs.beat_interval,
                 ", ".join(sorted(self.databases.urls)) or "none")
        try:
            while not self.stopping.is_set():
                self.tick()
                self.stopping.wait(self.jobs.beat_interval)
        finally:
            for lock in self.locks.values():
                lock.release()
            self.databases.close()

    def stop(self) -> None:
        self.stopping.set()

    def tick(self) -> int:
        """Fire the due schedules of every database whose lock this beat holds; returns how many fired."""
        fired = 0
        for database, kernel in self.databases.all():
            lock = self.locks[database]
            was_held = lock.held
            try:
                if not kernel.is_initialised() or not lock.acquire():
                    continue
                if not was_held:
                    log.info("beat: this process now fires the schedules of %s", database)
                fired += self.fire_due(kernel)
            except Exception:  # noqa: BLE001 - a database that fails is tried again next tick
                log.exception("beat: tick on %s failed", database)
        return fired

    def fire_due(self, kernel: Kernel) -> int:
        """Queue the job of each due schedule, each in its own transaction."""
        now = utcnow()
        table = cron_table(kernel)
        with kernel.engine.connect() as connection:
            kernel.refresh(connection)
            due = list(connection.execute(sa.select(table.c.id).where(
                table.c.active.is_(True), sa.or_(table.c.nextcall.is_(None), table.c.nextcall <= now),
            ).order_by(table.c.nextcall, table.c.id)).scalars())
        for cron_id in due:
            try:
                with writing(), kernel.env() as env:
                    cron = env["ir.cron"].browse(cron_id)
                    job = cron.fire(now)
                    log.info("beat: %s (%s) queued as job %s", cron.name, cron.job, job.id)
            except Exception as exc:  # noqa: BLE001 - recorded on the schedule, which moves on
                if not isinstance(exc, UserError):
                    log.exception("beat: schedule %s could not be fired", cron_id)
                self._record_failure(kernel, cron_id, describe(exc))
        return len(due)

    @staticmethod
    def _record_failure(kernel: Kernel, cron_id: int, error: str) -> None:
        """The schedule's failure, and its next run (a schedule that cannot fire is not tried every tick)."""
        now = utcnow()
        table = cron_table(kernel)
        with writing(), kernel.env() as env:
            cron = env["ir.cron"].browse(cron_id)
            env.execute(table.update().where(table.c.id == cron_id).values(
                last_outcome="failed", last_error=error, failure_count=table.c.failure_count + 1, lastcall=now,
                nextcall=cron.next_after(now)))
