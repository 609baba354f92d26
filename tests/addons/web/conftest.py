"""The web client under test: a werkzeug client on each backend, and a real ``erp serve`` with Chromium.

The database holds ``web`` and ``core_purchase``; the user ``admin`` has the
password ``admin``, a plain user ``clerk`` (password ``clerk``) is in the
internal group only. Screenshots go to ``test-artifacts/web/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from kernel import Kernel
from kernel.config import Settings
from kernel.http.app import Application
from kernel.testing import Server, installed_kernel, running_server

ROOT = Path(__file__).resolve().parents[3]
ADDONS = ROOT / "addons"
ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
TIMEOUT = 15_000  # ms, for every wait of a browser test


def prepare(kernel: Kernel) -> None:
    """Install the client and purchase, give ``admin`` its password and add a plain user."""
    kernel.install(["web", "core_purchase"])
    with kernel.env() as env:
        env["res.users"].search([("login", "=", "admin")]).password = "admin"
        env["res.users"].create({"name": "Clerk", "login": "clerk", "password": "clerk",
                                 "group_ids": [(6, 0, [env.ref("base.group_user").id])]})


class WebClient:
    """A werkzeug test client logged into the client, knowing its CSRF token."""

    def __init__(self, app: Application):
        self.client = Client(app)
        self.token = ""

    def login(self, login: str, password: str) -> Any:
        """Log in with the login form's token; the session's token is a new one (renewed at login)."""
        self.token = csrf_of(self.client.get("/web/login").text)
        response = self.client.post("/web/login", data={"login": login, "password": password, "csrf_token": self.token})
        if response.status_code == 303:
            self.token = csrf_of(self.client.get("/web").text)
        return response

    def get(self, url: str) -> Any:
        return self.client.get(url)

    def post(self, url: str, data: dict[str, Any] | None = None, csrf: bool = True, **kwargs: Any) -> Any:
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.token
        return self.client.post(url, data=data, **kwargs)

    def json(self, url: str, params: dict[str, Any], csrf: bool = True) -> Any:
        headers = {"X-CSRF-Token": self.token} if csrf else {}
        return self.client.post(url, json={"jsonrpc": "2.0", "method": "call", "params": params, "id": 1},
                                headers=headers).get_json()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


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
            yield running


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


def log_in(page: Any, url: str, login: str = "admin", password: str = "admin") -> None:
    page.goto(f"{url}/web/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/web$"))


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """``sign_in(page, url, login="admin", password="admin")``: log in through the login form (a fixture, so
    that test modules need not import this file)."""
    return log_in


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A new page in a fresh browser context (no cookies); a module that needs a logged-in page overrides it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT)
    yield context.new_page()
    context.close()


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
