"""pytest plugin: database fixtures for SQLite and PostgreSQL, used by the kernel's and the addons' tests.

Every test using the ``db_url`` fixture (directly or through ``kernel``) runs
once on a fresh SQLite file and, when ``ERP_TEST_PG_URL`` is set, once more on
a throwaway PostgreSQL database created for it and dropped after it.  When
``ERP_TEST_PG_URL`` is set but PostgreSQL cannot be reached, the run stops
with an error: a database that was expected is never skipped.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from .db import check_connection, create_database, create_engine, drop_database, parse_url
from .exceptions import DatabaseError
from .kernel import Kernel
from .orm.env import SUPERUSER_ID, Environment, Transaction

PG_ENV = "ERP_TEST_PG_URL"
ARCHIVE_ENV = "ERP_LIFECYCLE_ARCHIVE_DIR"


def pg_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def pytest_configure(config: pytest.Config) -> None:
    url = pg_base_url()
    if url is None:
        return
    engine = create_engine(url)
    try:
        check_connection(engine)
    except DatabaseError as exc:
        raise pytest.UsageError(f"{PG_ENV} is set but PostgreSQL is unreachable: {exc}") from None
    finally:
        engine.dispose()


def pytest_report_header(config: pytest.Config) -> str:
    url = pg_base_url()
    return f"databases: sqlite, postgresql ({url})" if url else f"databases: sqlite only ({PG_ENV} not set)"


def database_backends() -> list[str]:
    return ["sqlite", "postgresql"] if pg_base_url() else ["sqlite"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_url" in metafunc.fixturenames:
        backends = database_backends()
        if metafunc.definition.get_closest_marker("postgresql") is not None:
            backends = [b for b in backends if b == "postgresql"]  # empty (reported as skipped) without PostgreSQL
        metafunc.parametrize("db_url", backends, indirect=True)


def throwaway_database(backend: str, tmp_path: Path) -> str:
    """The URL of a new, empty database on ``backend`` (created for PostgreSQL)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'erp.sqlite3'}"
    base = pg_base_url()
    if base is None:
        raise pytest.UsageError(f"this test needs PostgreSQL: set {PG_ENV}")
    url = parse_url(base).set(database=f"erp_test_{uuid.uuid4().hex[:12]}")
    url_text = url.render_as_string(hide_password=False)
    create_database(url_text)
    return url_text


@pytest.fixture(scope="session", autouse=True)
def archive_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Uninstall archives of the tests' kernels go to a temporary folder, not the project's ``var/archives``."""
    folder = tmp_path_factory.mktemp("archives")
    previous = os.environ.get(ARCHIVE_ENV)
    os.environ[ARCHIVE_ENV] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(ARCHIVE_ENV, None)
    else:
        os.environ[ARCHIVE_ENV] = previous


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL; parametrised over the configured backends."""
    url = throwaway_database(request.param, tmp_path)
    yield url
    drop_database(url)


@pytest.fixture
def kernel_factory(db_url: str) -> Iterator[Callable[..., Kernel]]:
    """Builds kernels on the test's database; ``addons_path`` defaults to the product's addons."""
    made: list[Kernel] = []

    def make(addons_path: Iterable[str | Path] | None = None) -> Kernel:
        kernel = Kernel(db_url, addons_path=addons_path)
        made.append(kernel)
        return kernel

    yield make
    for kernel in made:
        kernel.close()


@pytest.fixture
def kernel(kernel_factory: Callable[..., Kernel]) -> Kernel:
    """A kernel on a fresh database holding ``base`` from the product's addons."""
    instance = kernel_factory()
    instance.init(demo=False)
    return instance


@contextlib.contextmanager
def rollback_env(kernel: Kernel, uid: int = SUPERUSER_ID, context: dict | None = None) -> Iterator[Environment]:
    """An environment whose transaction is rolled back at the end: tests share one database cheaply."""
    registry = kernel.registry
    with kernel.engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield Environment(Transaction(kernel, connection, registry), uid, context)
        finally:
            transaction.rollback()


@contextlib.contextmanager
def installed_kernel(backend: str, folder: Path, addons_path: Iterable[str | Path] | None,
                     addons: Iterable[str]) -> Iterator[Kernel]:
    """A kernel on a throwaway database of ``backend`` with ``addons`` installed; dropped afterwards."""
    url = throwaway_database(backend, folder)
    kernel = Kernel(url, addons_path=addons_path)
    try:
        kernel.init()
        kernel.install(list(addons))
        yield kernel
    finally:
        kernel.close()
        drop_database(url)


# -- running servers ---------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    """Wait for ``erp serve`` at ``url`` to answer ``/healthz``; its log in the error if it never does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"erp serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"erp serve did not answer within 60 s:\n{log.read_text(errors='replace')}")
