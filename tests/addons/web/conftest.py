"""The web client under test: a werkzeug client on each backend, and a real ``erp serve`` for the kit's Chromium.

The database holds ``web`` and ``core_purchase``; the user ``admin`` has the
password ``admin``, a plain user ``clerk`` (password ``clerk``) is in the
internal group only. Screenshots go to ``test-artifacts/web/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kernel import Kernel
from kernel.config import Settings
from kernel.http.app import Application
from kernel.testing import Server, WebClient, installed_kernel, running_server

ROOT = Path(__file__).resolve().parents[3]
ADDONS = ROOT / "addons"
ARTIFACTS = ROOT / "test-artifacts" / "web"


def prepare(kernel: Kernel) -> None:
    """Install the client and purchase, give ``admin`` its password and add a plain user."""
    kernel.install(["web", "core_purchase"])
    with kernel.env() as env:
        env["res.users"].search([("login", "=", "admin")]).password = "admin"
        env["res.users"].create({"name": "Clerk", "login": "clerk", "password": "clerk",
                                 "group_ids": [(6, 0, [env.ref("base.group_user").id])]})


@pytest.fixture
def web_kernel(kernel_factory: Callable[..., Kernel]) -> Kernel:
    kernel = kernel_factory()
    kernel.init(demo=False)
    prepare(kernel)
    return kernel


@pytest.fixture
def web_app(web_kernel: Kernel) -> Iterator[Application]:
    app = Application(Settings(databases={"default": web_kernel.url}, addons_path=(ADDONS,)))
    yield app
    app.databases.close()


@pytest.fixture
def admin(web_app: Application) -> WebClient:
    client = WebClient(web_app)
    assert client.login("admin", "admin").status_code == 303
    return client


@pytest.fixture(scope="module")
def kit_app(erp_kernel: Kernel) -> Iterator[Application]:
    """The client on the kit's module database (``erp_kernel``: the module's ``erp_addons``, both backends),
    ``admin``/``admin`` and ``clerk``/``clerk`` (internal user) able to log in."""
    with erp_kernel.env() as env:
        env.ref("base.user_admin").password = "admin"
        env["res.users"].create({"name": "Clerk", "login": "clerk", "password": "clerk",
                                 "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
    app = Application(Settings(databases={"default": erp_kernel.url}, addons_path=(ADDONS,)))
    yield app
    app.databases.close()


@pytest.fixture
def logged_in(kit_app: Application) -> Callable[[str], WebClient]:
    """``logged_in("clerk")``: a client of ``kit_app`` logged in as that user (password = login)."""

    def make(login: str) -> WebClient:
        client = WebClient(kit_app)
        assert client.login(login, login).status_code == 303
        return client

    return make


# -- a real server and a real browser ------------------------------------------------------------------


@contextlib.contextmanager
def serving(folder: Path, addons: list[str]) -> Iterator[Server]:
    """``erp serve`` (the kit's ``running_server``) on a fresh SQLite database holding ``addons``; ``admin``/``admin``."""
    with installed_kernel("sqlite", folder, [ADDONS], addons) as kernel:
        with kernel.env() as env:
            env["res.users"].search([("login", "=", "admin")]).password = "admin"
        with running_server(kernel, folder) as running:
            yield dataclasses.replace(running, login="admin", password="admin")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with ``web`` and ``core_purchase``, stopped after the module."""
    with serving(tmp_path_factory.mktemp("web-serve"), ["web", "core_purchase"]) as running:
        yield running


@pytest.fixture(scope="module")
def sales_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with ``web``, ``core_purchase`` and ``master_sale``, stopped after the module."""
    with serving(tmp_path_factory.mktemp("web-sales"), ["web", "core_purchase", "master_sale"]) as running:
        yield running


@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """``shoot(page, "name")``: a full-page screenshot under ``test-artifacts/web/<test>/``."""
    folder = ARTIFACTS / request.node.name.replace("[", "-").replace("]", "")
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
