"""A real ``erp serve`` (gunicorn, two workers) on the test kit's ``erp_kernel``, once per backend and module.

The database holds the fixture addon ``http_items`` (a test module may install
other addons by naming them in ``INSTALL``) and a user ``tester`` (password
``pw``); the configuration names it under the alias ``default`` (and a module's
``EXTRA_ALIASES``), with a module's ``WEB_SETTINGS`` as ``[web]``.
"""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Callable, Iterator
import dataclasses
from pathlib import Path

import pytest

from kernel import Kernel
from kernel.testing import Server, running_server

ROOT = Path(__file__).resolve().parents[3]
ADDONS_PATH = [ROOT / "addons", ROOT / "tests" / "fixtures" / "http_addons"]
LOGIN, PASSWORD = "tester", "pw"


@pytest.fixture(scope="module")
def erp_addons(request: pytest.FixtureRequest) -> list[str]:
    """The addons of the test kit's ``erp_kernel``: the module's ``INSTALL``, else ``http_items``."""
    return list(getattr(request.module, "INSTALL", ["http_items"]))


@pytest.fixture(scope="module")
def erp_addons_path() -> list[Path]:
    return ADDONS_PATH


@pytest.fixture(scope="module")
def server(erp_kernel: Kernel, request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``erp serve --workers 2`` (the kit's ``running_server``) on ``erp_kernel``'s database, with the tester."""
    with erp_kernel.env() as env:
        uid = env["res.users"].create({"name": "Tester", "login": LOGIN, "password": PASSWORD,
                                     "group_ids": [(6, 0, [env.ref("base.group_user").id])]}).id
    web = getattr(request.module, "WEB_SETTINGS", {})
    aliases = getattr(request.module, "EXTRA_ALIASES", ())
    with running_server(erp_kernel, tmp_path_factory.mktemp("serve"), web, aliases) as running:
        yield dataclasses.replace(running, login=LOGIN, password=PASSWORD, uid=uid)


@pytest.fixture
def fresh_throttle(server: Server) -> None:
    """No failed login counted yet: throttle tests start from zero whatever ran before on the server."""
    with server.kernel.env() as env:
        env["http.login.attempt"].search([]).unlink()


@pytest.fixture
def proxy(server: Server) -> Iterator[Callable[[str], xmlrpc.client.ServerProxy]]:
    """``proxy("/xmlrpc/2/common")``: XML-RPC proxies on the server, closed after the test (connections are kept alive)."""
    made: list[xmlrpc.client.ServerProxy] = []

    def make(path: str) -> xmlrpc.client.ServerProxy:
        made.append(xmlrpc.client.ServerProxy(f"{server.url}{path}"))
        return made[-1]

    yield make
    for each in made:
        each("close")()
