"""Throwaway databases for tests: SQLite files and, with ``ERP_TEST_PG_URL``, PostgreSQL databases.

Every helper here is plain Python, usable outside pytest (the benchmarks use
:func:`rollback_env`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import sqlalchemy as sa

from ..db import create_database, drop_database, parse_url
from ..kernel import Kernel
from ..orm.env import SUPERUSER_ID, Environment

PG_ENV = "ERP_TEST_PG_URL"


class DatabaseUnavailable(RuntimeError):
    """A test asked for a backend that is not configured."""


def pg_base_url() -> str | None:
    """The PostgreSQL server URL the tests create their databases on, when ``ERP_TEST_PG_URL`` is set."""
    return os.environ.get(PG_ENV) or None


def database_backends() -> list[str]:
    """The backends every database test runs on: ``sqlite``, and ``postgresql`` when configured."""
    return ["sqlite", "postgresql"] if pg_base_url() else ["sqlite"]


def throwaway_database(backend: str, folder: Path) -> str:
    """The URL of a new, empty database on ``backend`` (a file in ``folder``, or a created PostgreSQL database)."""
    if backend == "sqlite":
        return f"sqlite:///{folder / f'erp-{uuid.uuid4().hex[:8]}.sqlite3'}"
    base = pg_base_url()
    if base is None:
        raise DatabaseUnavailable(f"this test needs PostgreSQL: set {PG_ENV}")
    url = parse_url(base).set(database=f"erp_test_{uuid.uuid4().hex[:12]}")
    url_text = url.render_as_string(hide_password=False)
    create_database(url_text)
    return url_text


def clone_database(url: str, folder: Path) -> str:
    """A new database holding a copy of the one at ``url`` (which nobody may be connected to)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        target = folder / f"erp-{uuid.uuid4().hex[:8]}.sqlite3"
        # SQLite's backup, not a file copy: commits still in the write-ahead log (WAL mode) come along
        source, copy = sqlite3.connect(str(parsed.database)), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return f"sqlite:///{target}"
    clone = parsed.set(database=f"erp_test_{uuid.uuid4().hex[:12]}")
    engine = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            quote = engine.dialect.identifier_preparer.quote
            connection.exec_driver_sql(f"CREATE DATABASE {quote(str(clone.database))} TEMPLATE {quote(str(parsed.database))}")
    finally:
        engine.dispose()
    return clone.render_as_string(hide_password=False)


@contextlib.contextmanager
def rollback_env(kernel: Kernel, uid: int = SUPERUSER_ID, context: dict | None = None) -> Iterator[Environment]:
    """An environment whose transaction is rolled back at the end: tests share one database cheaply."""
    registry = kernel.registry
    with kernel.engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield kernel.environment(connection, uid, context, registry=registry)
        finally:
            transaction.rollback()


@contextlib.contextmanager
def installed_kernel(backend: str, folder: Path, addons_path: Iterable[str | Path] | None,
                     addons: Iterable[str], demo: bool = False) -> Iterator[Kernel]:
    """A kernel on a throwaway database of ``backend`` with ``addons`` installed; dropped afterwards."""
    url = throwaway_database(backend, folder)
    kernel = Kernel(url, addons_path=addons_path)
    try:
        kernel.init(demo=demo)
        kernel.install(list(addons))
        yield kernel
    finally:
        kernel.close()
        drop_database(url)
