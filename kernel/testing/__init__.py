"""The test kit: a pytest plugin (entry point ``erp`` in the ``pytest11`` group) for kernel and addon tests.

Installing the project registers it; an addon's tests use its fixtures as they
are (see ``docs/testing.md``):

* ``erp_kernel`` -- a kernel with ``erp_addons`` installed from ``erp_addons_path``,
  once per test module and database backend (SQLite, and PostgreSQL when
  ``ERP_TEST_PG_URL`` is set), on a throwaway database dropped afterwards.  By
  default the addons are the one the test file lives in, and the path is the
  configured one plus that addon's folder; a module overrides ``erp_addons``,
  ``erp_addons_path`` or ``erp_demo`` as fixtures of its own;
* ``env`` -- the superuser's environment on it, rolled back after each test;
* ``env_as`` -- ``env_as("login")``: the same transaction as another user;
* ``erp_server`` -- ``erp serve`` on the module's database;
* ``browser``, ``page`` -- headless Chromium for the module, a fresh page
  per test; :func:`~kernel.testing.chromium.log_in` logs a page in;
* :class:`~kernel.testing.clients.WebClient` -- a werkzeug client logged into the
  web client with its CSRF token; ``json_rpc`` and ``server_session`` -- JSON-RPC
  calls and a logged-in session on a running server;
* ``db_url``, ``kernel_factory``, ``kernel`` -- a fresh database per test, for
  lifecycle tests;
* :class:`~kernel.testing.conformance.AddonConformance` -- the checks every
  addon inherits.

When ``ERP_TEST_PG_URL`` is set but PostgreSQL cannot be reached, the run
stops with an error: a database that was expected is never skipped.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..config import load_settings
from ..db import check_connection, create_engine, drop_database
from ..exceptions import DatabaseError
from ..kernel import Kernel
from ..manifest import MANIFEST_FILE
from ..orm.env import Environment
from .chromium import BROWSER_TIMEOUT, browser, browser_context, log_in, page
from .clients import WebClient, csrf_of, json_rpc, server_session
from .conformance import AddonConformance, conformance_templates
from .databases import (
    PG_ENV,
    clone_database,
    database_backends,
    installed_kernel,
    pg_base_url,
    rollback_env,
    throwaway_database,
)
from .servers import Server, free_port, running_server, wait_until_up

__all__ = [
    "BROWSER_TIMEOUT", "AddonConformance", "PG_ENV", "Server", "WebClient", "addon_folder", "browser",
    "browser_context", "clone_database", "csrf_of", "database_backends", "free_port", "installed_kernel", "json_rpc",
    "log_in", "page", "pg_base_url", "rollback_env", "running_server", "server_session", "throwaway_database",
    "wait_until_up",
]

ARCHIVE_ENV = "ERP_LIFECYCLE_ARCHIVE_DIR"
BROKER_ENV, BACKEND_ENV = "ERP_JOBS_BROKER", "ERP_JOBS_BACKEND"
FILESTORE_ENV = "ERP_ATTACHMENTS_FILESTORE"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: the test needs PostgreSQL (runs only when ERP_TEST_PG_URL is set)")
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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_url" in metafunc.fixturenames:
        backends = database_backends()
        if metafunc.definition.get_closest_marker("postgresql") is not None:
            backends = [b for b in backends if b == "postgresql"]  # empty (reported as skipped) without PostgreSQL
        metafunc.parametrize("db_url", backends, indirect=True)


def addon_folder(path: Path) -> Path | None:
    """The addon ``path`` belongs to: its nearest folder holding a manifest, or ``None``."""
    for folder in [path, *path.parents] if path.is_dir() else path.parents:
        if (folder / MANIFEST_FILE).is_file():
            return folder
    return None


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


@pytest.fixture(scope="session", autouse=True)
def jobs_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Jobs the tests' kernels queue go to an embedded broker in a temporary folder, not the project's
    ``var/`` (``ERP_JOBS_BROKER``, ``ERP_JOBS_BACKEND``); tests of workers write their own configuration
    (:mod:`kernel.testing.workers`)."""
    folder = tmp_path_factory.mktemp("jobs")
    saved = {name: os.environ.get(name) for name in (BROKER_ENV, BACKEND_ENV)}
    os.environ[BROKER_ENV] = f"sqla+sqlite:///{folder / 'broker.sqlite3'}"
    os.environ[BACKEND_ENV] = f"db+sqlite:///{folder / 'results.sqlite3'}"
    yield folder
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def filestore_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Attachments of the tests' kernels go to a temporary filestore, not the project's ``var/filestore``."""
    folder = tmp_path_factory.mktemp("filestore")
    previous = os.environ.get(FILESTORE_ENV)
    os.environ[FILESTORE_ENV] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(FILESTORE_ENV, None)
    else:
        os.environ[FILESTORE_ENV] = previous


# -- one installed database per test module and backend ----------------------------------------------


@pytest.fixture(scope="module")
def erp_addons(request: pytest.FixtureRequest) -> list[str]:
    """The addons ``erp_kernel`` installs: the addon holding the test file (override to choose others)."""
    folder = addon_folder(request.path)
    if folder is None:
        raise pytest.UsageError(f"{request.path} is not inside an addon: define an `erp_addons` fixture "
                                "returning the addons its tests need")
    return [folder.name]


@pytest.fixture(scope="module")
def erp_addons_path(request: pytest.FixtureRequest) -> list[Path]:
    """Where addons are found: the configured path, then the folder holding the test file's addon."""
    paths = list(load_settings().addons_path)
    folder = addon_folder(request.path)
    if folder is not None and folder.parent.resolve() not in paths:
        paths.append(folder.parent.resolve())
    return paths


@pytest.fixture(scope="module")
def erp_demo() -> bool:
    """Whether ``erp_kernel``'s database loads demo data (override to return ``True``)."""
    return False


@pytest.fixture(scope="module", params=database_backends())
def erp_kernel(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, erp_addons: list[str],
               erp_addons_path: list[Path], erp_demo: bool) -> Iterator[Kernel]:
    """A kernel with ``erp_addons`` installed, shared by the tests of one module, once per backend."""
    with installed_kernel(request.param, tmp_path_factory.mktemp(f"erp-{request.param}"), erp_addons_path,
                          erp_addons, demo=erp_demo) as kernel:
        yield kernel


@pytest.fixture
def env(erp_kernel: Kernel) -> Iterator[Environment]:
    """The superuser's environment on ``erp_kernel``; everything the test did is rolled back after it."""
    with rollback_env(erp_kernel) as environment:
        yield environment


@pytest.fixture
def env_as(env: Environment) -> Callable[..., Environment]:
    """``env_as(login, **context)``: ``env``'s transaction as the user with that login, access rules applied."""

    def switch(login: str, **context: Any) -> Environment:
        users = env["res.users"].with_context(active_test=False)
        user = users.search([("login", "=", login)], limit=1)
        if not user:
            known = ", ".join(sorted(users.search([]).mapped("login")))
            raise LookupError(f"no user with login {login!r}; the users are: {known}")
        return env(uid=user.id, su=False, context={**env.context, **context})

    return switch


@pytest.fixture(scope="module")
def erp_server(erp_kernel: Kernel, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``erp serve`` (gunicorn, two workers) on ``erp_kernel``'s database as alias ``default``, for the module;
    its ``login``/``password``/``uid`` are the administrator's (``admin``/``admin``, as ``Kernel.init`` sets)."""
    with erp_kernel.env() as environment:
        uid = environment.ref("base.user_admin").id
    with running_server(erp_kernel, tmp_path_factory.mktemp("serve")) as server:
        yield dataclasses.replace(server, login="admin", password="admin", uid=uid)


# -- a fresh database per test -------------------------------------------------------------------------


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL; parametrised over the configured backends."""
    url = throwaway_database(request.param, tmp_path)
    yield url
    drop_database(url)


@pytest.fixture
def kernel_factory(db_url: str) -> Iterator[Callable[..., Kernel]]:
    """Builds kernels on the test's database; ``addons_path`` defaults to the configured one."""
    made: list[Kernel] = []

    def make(addons_path: Iterable[str | Path] | None = None) -> Kernel:
        made.append(Kernel(db_url, addons_path=addons_path))
        return made[-1]

    yield make
    for each in made:
        each.close()


@pytest.fixture
def kernel(kernel_factory: Callable[..., Kernel]) -> Kernel:
    """A kernel on a fresh database holding ``base`` from the configured addons."""
    instance = kernel_factory()
    instance.init(demo=False)
    return instance
