"""Uploading and downloading attachments through a real ``erp serve``, as users of two companies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from kernel.http.attachments import content_disposition

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["base"]


@pytest.fixture(scope="module")
def world(erp_kernel: Any) -> dict[str, Any]:
    """Users ``alpha`` and ``beta`` (password ``pw``) of two companies, a partner of each and a shared one."""
    with erp_kernel.env() as env:
        group_user = env.ref("base.group_user").id
        found: dict[str, Any] = {}
        for name in ("alpha", "beta"):
            company = env["res.company"].create({"name": f"PT {name.title()} Web"})
            env["res.users"].create({"name": name.title(), "login": f"web_{name}", "password": "pw",
                                     "group_ids": [(6, 0, [group_user])], "company_id": company.id,
                                     "company_ids": [(6, 0, [company.id])]})
            found[name] = env["basepartner"].create({"name": f"{name} web partner", "company_id": company.id}).id
        found["shared"] = env["basepartner"].create({"name": "Shared web partner"}).id
    return found


def login(server: Any, name: str) -> tuple[requests.Session, str]:
    """A logged-in HTTP session and its CSRF token (what the web client's pages carry)."""
    session = requests.Session()
    answer = session.post(f"{server.url}/web/session/authenticate", timeout=30, json={
        "jsonrpc": "2.0", "params": {"db": server.db, "login": f"web_{name}", "password": "pw"}})
    assert answer.json()["result"]["uid"]
    with server.kernel.env() as env:
        token = env["http.session"].search([("user_id.login", "=", f"web_{name}")], order="id desc", limit=1).csrf_secret
    return session, token


@pytest.fixture(scope="module")
def alpha(erp_server: Any, world: Any) -> Iterator[tuple[requests.Session, str]]:
    session, token = login(erp_server, "alpha")
    yield session, token
    session.close()


def upload(server: Any, who: tuple[requests.Session, str], partner: int, files: list[tuple[str, bytes]],
           csrf: bool = True) -> requests.Response:
    session, token = who
    data = {"res_model": "basepartner", "res_id": str(partner), **({"csrf_token": token} if csrf else {})}
    return session.post(f"{server.url}/web/binary/upload_attachment", data=data, timeout=30,
                        files=[("ufile", (name, content)) for name, content in files])


def test_upload_then_download_as_the_user(erp_server, world, alpha):
    answer = upload(erp_server, alpha, world["alpha"], [("picture.txt", PNG), ("notes.txt", b"plain notes")])
    assert answer.status_code == 200, answer.text
    picture, notes = answer.json()
    assert (picture["mimetype"], notes["mimetype"]) == ("image/png", "text/plain")
    got = alpha[0].get(f"{erp_server.url}/web/content/{picture['id']}", timeout=30)
    assert got.content == PNG and got.headers["Content-Type"] == "image/png"
    assert got.headers["Content-Disposition"].startswith("inline;")
    assert got.headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in got.headers["Content-Security-Policy"]
    forced = alpha[0].get(f"{erp_server.url}/web/content/{notes['id']}?download=1", timeout=30)
    assert forced.headers["Content-Disposition"].startswith("attachment;") and forced.content == b"plain notes"


def test_html_and_svg_are_downloads_never_pages(erp_server, world, alpha):
    answer = upload(erp_server, alpha, world["alpha"], [
        ("evil.html", b"<html><script>alert(document.cookie)</script></html>"),
        ("evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')])
    for attachment in answer.json():
        got = alpha[0].get(f"{erp_server.url}/web/content/{attachment['id']}", timeout=30)
        assert got.headers["Content-Disposition"].startswith("attachment;")
        assert got.headers["Content-Type"] in ("text/html", "image/svg+xml")


def test_another_companys_user_neither_reads_nor_attaches(erp_server, world, alpha):
    mine = upload(erp_server, alpha, world["alpha"], [("secret.txt", b"alpha only")]).json()[0]
    beta = login(erp_server, "beta")
    assert beta[0].get(f"{erp_server.url}/web/content/{mine['id']}", timeout=30).status_code == 404
    refused = upload(erp_server, beta, world["alpha"], [("intrude.txt", b"x")])
    assert refused.status_code in (403, 404) and refused.json()["error"]["code"] in ("ACCESS_RULE", "RECORD_MISSING")
    shared = upload(erp_server, alpha, world["shared"], [("shared.txt", b"for all")]).json()[0]
    assert beta[0].get(f"{erp_server.url}/web/content/{shared['id']}", timeout=30).content == b"for all"
    assert requests.get(f"{erp_server.url}/web/content/{shared['id']}", timeout=30).status_code in (401, 403)


def test_bad_uploads_are_refused_with_their_reason(erp_server, world, alpha):
    assert upload(erp_server, alpha, world["alpha"], [("x.txt", b"x")], csrf=False).status_code == 403
    session, token = alpha
    empty = session.post(f"{erp_server.url}/web/binary/upload_attachment", timeout=30,
                         data={"csrf_token": token, "res_model": "basepartner", "res_id": str(world["alpha"])})
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "ATTACHMENT_NO_FILE"
    missing = upload(erp_server, alpha, 987654, [("x.txt", b"x")])
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "ATTACHMENT_RECORD_MISSING"
    program = b"\x7fELF\x02\x01\x01" + b"\x00" * 60
    blocked = upload(erp_server, alpha, world["alpha"], [("ok.txt", b"fine"), ("tool.txt", program)])
    assert blocked.status_code == 422 and "application/x-executable are blocked" in blocked.json()["error"]["message"]
    with erp_server.kernel.env() as env:
        assert not env["ir.attachment"].search_count([("name", "in", ["ok.txt", "tool.txt"])])  # none of the batch


def test_filenames_cannot_break_the_header():
    header = content_disposition("attachment", 'a"b\r\nSet-Cookie: x=1;/..\\évil.pdf')
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="a_b__Set-Cookie: x=1__.._evil.pdf"; filename*=UTF-8\'\'')
    assert "%C3%A9vil.pdf" in header
