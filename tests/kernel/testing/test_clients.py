"""The test kit's HTTP and browser helpers as an addon's tests use them: ``json_rpc``, ``server_session``,
``WebClient``, ``csrf_of``, and ``browser``/``page``/``log_in``/``browser_context`` on ``erp_server``."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from kernel import Kernel
from kernel.config import Settings
from kernel.http.app import Application
from kernel.testing import Server, WebClient, browser_context, csrf_of, json_rpc, log_in, server_session


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["web"]


@pytest.fixture
def web_app(erp_kernel: Kernel) -> Iterator[Application]:
    app = Application(Settings(databases={"default": erp_kernel.url}, addons_path=erp_kernel.settings.addons_path))
    yield app
    app.databases.close()


def test_server_session_logs_in_as_the_servers_user(erp_server: Server) -> None:
    assert (erp_server.login, erp_server.password) == ("admin", "admin")
    session = server_session(erp_server)
    info = json_rpc(erp_server, "/web/session/get_session_info", {}, session)
    assert info["result"]["uid"] == erp_server.uid
    anonymous = json_rpc(erp_server, "/web/dataset/call_kw", {"model": "basepartner", "method": "search_count",
                                                              "args": [[]], "kwargs": {}})
    assert "error" in anonymous, "without the session the call is refused"


def test_the_http_helpers_refuse_what_they_cannot_do(erp_server: Server) -> None:
    with pytest.raises(AssertionError, match="/no/such/route answered 404"):
        json_rpc(erp_server, "/no/such/route", {})
    with pytest.raises(ValueError, match="prepared no user"):
        server_session(dataclasses.replace(erp_server, login=""))
    with pytest.raises(AssertionError, match="logging in as admin failed"):
        server_session(dataclasses.replace(erp_server, password="wrong"))


def test_the_web_client_logs_in_with_the_forms_token_and_sends_it(web_app: Application) -> None:
    client = WebClient(web_app)
    assert client.login("admin", "wrong").status_code == 401
    assert client.login("admin", "admin").status_code == 303
    call = {"model": "basepartner", "method": "search_count", "args": [[]], "kwargs": {}}
    assert isinstance(client.json("/web/dataset/call_kw", call)["result"], int)
    contacts = "/web/action/1/new"  # base's contacts action, a form posting with the token
    assert client.post(contacts, {"name": "No Token"}, csrf=False).status_code == 403
    assert client.post(contacts, {"name": "With Token", "entity_type": "individual"}).status_code == 303
    with pytest.raises(LookupError, match="no csrf_token input"):
        csrf_of("<html><body>no form</body></html>")


def test_a_page_logs_in_and_a_context_takes_options(erp_server: Server, page, browser) -> None:
    log_in(page, erp_server.url)
    assert re.search(r"/web$", page.url)
    expect(page.locator("body")).to_contain_text("Contacts")
    with browser_context(browser, viewport={"width": 390, "height": 844}) as phone:
        small = phone.new_page()
        assert small.viewport_size == {"width": 390, "height": 844}
        small.goto(f"{erp_server.url}/web")
        assert "/web/login" in small.url, "a new context has no session"
