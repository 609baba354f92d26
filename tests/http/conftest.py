"""A real ``erp serve`` (gunicorn, two workers) on a throwaway database, once per backend and module.

The database is built through the kernel (``installed_kernel``) with the
fixture addon ``http_items`` and a user ``tester`` (password ``pw``); a
configuration file names it under the alias ``default``; a test module may
install other addons by naming them in ``INSTALL``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xmlrpc.client
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kernel import Kernel
from kernel.testing import database_backends, free_port, installed_kernel, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
ADDONS_PATH = [ROOT / "addons", ROOT / "tests" / "fixtures" / "http_addons"]
LOGIN, PASSWORD = "tester", "pw"


@dataclass
class Server:
    """A running server: its URL, the kernel on its database, the tester's id."""

    url: str
    port: int
    kernel: Kernel
    uid: int
    config: Path
    log: Path
    db: str = "default"
    login: str = LOGIN
    password: str = PASSWORD

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")




def write_config(path: Path, url: str, web: dict[str, object], aliases: tuple[str, ...] = ()) -> Path:
    lines = ["[databases]", f'default = "{url}"', *(f'{alias} = "{url}"' for alias in aliases), "", "[addons]",
             "path = [" + ", ".join(f'"{p}"' for p in ADDONS_PATH) + "]", "", "[web]"]
    for key, value in web.items():
        lines.append(f"{key} = {json.dumps(value)}")  # JSON scalars are TOML scalars
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module", params=database_backends())
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``erp serve --workers 2`` on a fresh database of each backend; stopped after the module."""
    folder = tmp_path_factory.mktemp(f"serve-{request.param}")
    web = getattr(request.module, "WEB_SETTINGS", {})
    addons = getattr(request.module, "INSTALL", ["http_items"])
    with installed_kernel(request.param, folder, ADDONS_PATH, addons) as kernel:
        with kernel.env() as env:
            uid = env["res.users"].create({"name": "Tester", "login": LOGIN, "password": PASSWORD,
                                         "group_ids": [(6, 0, [env.ref("base.group_user").id])]}).id
        config = write_config(folder / "erp.toml", kernel.url, web, getattr(request.module, "EXTRA_ALIASES", ()))
        port = free_port()
        log = folder / "serve.log"
        erp = Path(sys.executable).with_name("erp")
        env_vars = {k: v for k, v in os.environ.items() if not k.startswith("ERP_") or k.startswith("ERP_TEST")}
        with log.open("w") as output:
            process = subprocess.Popen(
                [str(erp), "--config", str(config), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                stdout=output, stderr=subprocess.STDOUT, env=env_vars,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url, process, log)
            yield Server(url, port, kernel, uid, config, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


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
