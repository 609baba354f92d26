"""One lifecycle command at a time per database: install, upgrade and uninstall hold the lifecycle lock.

Two commands changing the same database's addons at once would undo each
other's pending states and schema, so the second is refused at once, naming
the first::

    another install is running (pid 4242, since 2025-03-01 09:30:12 UTC); nothing was changed

Both locks are released by the system when their process ends, killed or not:

    PostgreSQL  a session advisory lock taken on a connection of its own, held until the command ends;
                that connection's ``application_name`` carries the holder's pid and start time, which
                the refused command reads from ``pg_stat_activity``
    SQLite      an exclusive ``flock`` on ``<database file>-lifecycle.lock``, whose content names the
                holder; an in-memory database is private to its process and needs none
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from .db import parse_url
from .exceptions import LifecycleLockError

# pg_try_advisory_lock(class, object): "erp" and 1, the lifecycle
ADVISORY_KEY = (0x657270, 1)
APPLICATION_NAME = re.compile(r"erp lifecycle pid (\d+) since (\S+)")
LOCK_SUFFIX = "-lifecycle.lock"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _refused(pid: object, since: object) -> LifecycleLockError:
    shown = str(since).replace("T", " ").replace("Z", " UTC") if since else "an unknown time"
    return LifecycleLockError(
        f"another install is running (pid {pid or 'unknown'}, since {shown}); nothing was changed: "
        "try again when it has finished",
        pid=int(pid) if pid else None, since=str(since) if since else None,
    )


def lock_file(url: str | URL) -> Path | None:
    """The file a SQLite database's lifecycle lock is taken on; ``None`` for an in-memory database."""
    database = parse_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database + LOCK_SUFFIX)


@contextlib.contextmanager
def lifecycle_lock(url: str | URL) -> Iterator[None]:
    """Hold the database's lifecycle lock for the block, or raise :class:`LifecycleLockError` at once."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        with _file_lock(lock_file(parsed)):
            yield
    else:
        with _advisory_lock(parsed):
            yield


@contextlib.contextmanager
def _file_lock(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(descriptor)
            raise _refused(holder.get("pid"), holder.get("since")) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps({"pid": os.getpid(), "since": _now()}).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(descriptor, 0)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _read_holder(descriptor: int) -> dict[str, object]:
    """Who holds the file lock, as it wrote; empty while it has not written yet."""
    try:
        holder = json.loads(os.pread(descriptor, 4096, 0) or b"{}")
    except ValueError:
        return {}
    return holder if isinstance(holder, dict) else {}


@contextlib.contextmanager
def _advisory_lock(url: URL) -> Iterator[None]:
    # a connection outside any pool: closing it ends the session, and with it the lock
    engine = sa.create_engine(url.set(drivername="postgresql+psycopg"), poolclass=NullPool,
                              isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            name = f"erp lifecycle pid {os.getpid()} since {_now()}"
            connection.execute(sa.text("SELECT set_config('application_name', :name, false)"), {"name": name})
            taken = connection.execute(sa.text("SELECT pg_try_advisory_lock(:a, :b)"),
                                       {"a": ADVISORY_KEY[0], "b": ADVISORY_KEY[1]}).scalar_one()
            if not taken:
                raise _refused(*_advisory_holder(connection))
            try:
                yield
            finally:
                connection.execute(sa.text("SELECT pg_advisory_unlock(:a, :b)"),
                                   {"a": ADVISORY_KEY[0], "b": ADVISORY_KEY[1]})
    finally:
        engine.dispose()


def _advisory_holder(connection: sa.Connection) -> tuple[str | None, str | None]:
    """The pid and start time the holder of the advisory lock put in its ``application_name``."""
    name = connection.execute(sa.text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :a AND l.objid = :b AND l.objsubid = 2 "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    ), {"a": ADVISORY_KEY[0], "b": ADVISORY_KEY[1]}).scalar()
    match = APPLICATION_NAME.fullmatch(name or "")
    return (match.group(1), match.group(2)) if match else (None, None)
