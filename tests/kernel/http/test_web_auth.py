"""The web client's login and export routes against a real server (issue 12, points 11, 12 and 14)."""

from __future__ import annotations

import csv
import io
import re

import pytest
import requests
from openpyxl import load_workbook

INSTALL = ["http_items", "web"]
WEB_SETTINGS = {"login_max_failures": 5, "login_failure_window": 600}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def web_login(server, redirect: str = "", session: requests.Session | None = None,
              password: str | None = None) -> tuple[requests.Session, requests.Response]:
    session = session or requests.Session()
    form = session.get(f"{server.url}/web/login", timeout=30)
    data = {"login": server.login, "password": password or server.password, "csrf_token": csrf_of(form.text),
            "redirect": redirect}
    return session, session.post(f"{server.url}/web/login", data=data, allow_redirects=False, timeout=30)


OFF_SITE = ["/%09/evil.com", "/\t/evil.com", "//evil.com", "/\\evil.com", "\\\\evil.com", "https://evil.com",
            "javascript:alert(1)", " //evil.com", "/%2F/evil.com", "/\r\n/evil.com", "/%0d%0a/evil.com",
            "\x00//evil.com", "///evil.com", "/.//evil.com"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_redirects_off_site(server, target: str) -> None:
    """Point 12: after normalisation, only a path of this site is followed after login."""
    session, answer = web_login(server, redirect=requests.utils.unquote(target))
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/web", answer.headers["Location"]
    again = session.get(f"{server.url}/web/login", params={"redirect": requests.utils.unquote(target)},
                        allow_redirects=False, timeout=30)
    assert again.headers["Location"] == "/web"
    raw = session.get(f"{server.url}/web/login?redirect={target}", allow_redirects=False, timeout=30)
    assert raw.headers["Location"] == "/web"


def test_login_follows_same_site_paths(server) -> None:
    _, answer = web_login(server, redirect="/web/action/1?view=list&page=2#top")
    assert answer.headers["Location"] == "/web/action/1?view=list&page=2#top"


def _exported(server, file_format: str) -> bytes:
    with server.kernel.env() as env:
        action = env.ref("base.action_basepartner").id
        if not env["basepartner"].search([("name", "=", "Plain")]):
            for name in ("=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-3+cmd", "@SUM(A1)", "\tTab", "\rCR"):
                env["basepartner"].create({"name": name})
            env["basepartner"].create({"name": "Plain", "email": "=1+1@example.com"})
        admin = env["res.users"].search([("login", "=", "admin")])
        admin.password = "admin"
    session = requests.Session()
    form = session.get(f"{server.url}/web/login", timeout=30)
    session.post(f"{server.url}/web/login", data={"login": "admin", "password": "admin",
                                                   "csrf_token": csrf_of(form.text)}, timeout=30)
    page = session.get(f"{server.url}/web/action/{action}?view=list", timeout=30)
    answer = session.post(f"{server.url}/web/action/{action}/export",
                          data={"format": file_format, "csrf_token": csrf_of(page.text)}, timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    return answer.content


def test_csv_export_neutralises_formulas(server) -> None:
    """Point 14: cells starting with = + - @ tab or CR are written as text."""
    rows = list(csv.reader(io.StringIO(_exported(server, "csv").decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in cells and "'+1+2" in cells and "'@SUM(A1)" in cells
    assert "'=1+1@example.com" in cells and "Plain" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_xlsx_export_neutralises_formulas(server) -> None:
    sheet = load_workbook(io.BytesIO(_exported(server, "xlsx"))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in texts and "'-3+cmd" in texts
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert not [text for text in texts if text[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_login_page_visits_store_no_session_and_login_renews_the_csrf_token(server) -> None:
    """Point 11: anonymous visits write no session row; the token of the login form is worthless after login."""
    with server.kernel.env() as env:
        before = env["http.session"].search_count([])
    for _ in range(5):
        assert requests.get(f"{server.url}/web/login", timeout=30).status_code == 200
    with server.kernel.env() as env:
        assert env["http.session"].search_count([]) == before
    session, answer = web_login(server)
    assert answer.status_code == 303 and "session_id" in session.cookies
    anonymous_token = session.cookies["csrf_anonymous"]
    home = session.get(f"{server.url}/web", timeout=30)
    assert csrf_of(home.text) != anonymous_token
    refused = session.post(f"{server.url}/web/language", data={"lang": "id", "csrf_token": anonymous_token},
                           allow_redirects=False, timeout=30)
    assert refused.status_code == 403


def test_web_login_without_the_visitors_token_is_refused(server) -> None:
    answer = requests.post(f"{server.url}/web/login", data={"login": server.login, "password": server.password,
                                                            "csrf_token": "0" * 64}, allow_redirects=False, timeout=30)
    assert answer.status_code == 403


def test_web_login_shares_the_throttle(server) -> None:
    with server.kernel.env() as env:
        env["http.login.attempt"].search([]).unlink()
    for _ in range(5):
        _, answer = web_login(server, password="wrong")
        assert answer.status_code == 401 and "Wrong login or password." in answer.text
    _, answer = web_login(server)
    assert answer.status_code == 429 and "Too many login failures" in answer.text
    with server.kernel.env() as env:
        env["http.login.attempt"].search([]).unlink()
    assert web_login(server)[1].status_code == 303
