"""Anonymous endpoints (werkzeug's test client, both databases): a public form throttled per address with a
honeypot, a signed tracking link, a single-use confirmation link; nothing written by refused requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from kernel import Kernel
from kernel.config import Settings
from kernel.http.app import Application
from kernel.security.tokens import sign

ROOT = Path(__file__).resolve().parents[3]
ADDONS_PATH = [ROOT / "addons", ROOT / "tests" / "fixtures" / "http_addons"]


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["public_demo"]


@pytest.fixture(scope="module")
def erp_addons_path() -> list[Path]:
    return ADDONS_PATH


@pytest.fixture(scope="module")
def app(erp_kernel: Kernel) -> Iterator[Application]:
    application = Application(Settings(databases={"default": erp_kernel.url}, addons_path=tuple(ADDONS_PATH)))
    yield application
    application.databases.close()


def signups(kernel: Kernel) -> list[tuple[str, int, bool]]:
    with kernel.env() as env:
        return [(s.name, s.clicks, s.confirmed) for s in env["public.demo.signup"].search([], order="id")]


class Visitor:
    """A client without a session, from one address."""

    def __init__(self, app: Application, address: str) -> None:
        self.client, self.environ = Client(app), {"REMOTE_ADDR": address}

    def get(self, url: str) -> Any:
        return self.client.get(url, environ_base=self.environ)

    def post(self, url: str, data: dict[str, str]) -> Any:
        return self.client.post(url, data=data, environ_base=self.environ)


def client(app: Application, address: str) -> Visitor:
    return Visitor(app, address)


def test_a_public_form_is_throttled_per_address_and_refuses_its_honeypot(app: Application, erp_kernel: Kernel) -> None:
    visitor, other = client(app, "198.51.100.7"), client(app, "198.51.100.8")
    assert 'name="website_url"' in visitor.get("/public_demo/apply").text
    bot = visitor.post("/public_demo/apply", data={"name": "Bot", "website_url": "http://spam.example"})
    assert bot.status_code == 400 and "could not be accepted" in bot.text
    for name in ("Ann", "Bob"):
        assert visitor.post("/public_demo/apply", data={"name": name, "website_url": ""}).status_code == 200
    throttled = visitor.post("/public_demo/apply", data={"name": "Cid"})  # the 4th request of this address
    assert throttled.status_code == 429 and "Too many requests" in throttled.text
    assert other.post("/public_demo/apply", data={"name": "Dee"}).status_code == 200  # another address
    assert [name for name, _, _ in signups(erp_kernel)] == ["Ann", "Bob", "Dee"]


def test_a_signed_link_counts_clicks_and_a_tampered_one_is_refused(app: Application, erp_kernel: Kernel) -> None:
    with erp_kernel.env() as env:
        signup = env["public.demo.signup"].create({"name": "Tracked"})
        token = sign(env, "public_demo.track", signup.id, max_age=600)
        wrong_purpose = sign(env, "public_demo.confirm", signup.id, max_age=600)
    visitor = client(app, "203.0.113.5")
    assert visitor.get(f"/public_demo/track/{token}").text == "clicks 1"
    assert visitor.get(f"/public_demo/track/{token}").text == "clicks 2"
    for bad in (token[:-3] + "abc", wrong_purpose, "x.y"):
        refused = visitor.get(f"/public_demo/track/{bad}")
        assert refused.status_code == 403 and "invalid or has expired" in refused.text
    assert ("Tracked", 2, False) in signups(erp_kernel)


def test_a_single_use_link_works_once(app: Application, erp_kernel: Kernel) -> None:
    with erp_kernel.env() as env:
        signup = env["public.demo.signup"].create({"name": "Confirming"})
        token = sign(env, "public_demo.confirm", signup.id, max_age=600)
    visitor = client(app, "203.0.113.9")
    assert visitor.get(f"/public_demo/confirm/{token}").text == "confirmed"
    again = visitor.get(f"/public_demo/confirm/{token}")
    assert again.status_code == 403 and "invalid or has expired" in again.text
