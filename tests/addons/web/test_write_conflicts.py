"""The web client's write-conflict check (409 ``WRITE_CONFLICT``, addons/web/controllers/changes.py) with two
real clients of a running ``erp serve``, on each database: saves racing on the same version, and a change of
a many2many field alone, which must count as a change of the record."""

from __future__ import annotations

import html
import json
import re
import threading
from typing import Any

import pytest
import requests

from kernel.testing import Server, csrf_of

ROUNDS = 4


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["web"]


@pytest.fixture(scope="module")
def erp_demo() -> bool:
    return False


@pytest.fixture(scope="module")
def contacts(erp_server: Server) -> str:
    """The contacts action's URL; a second user ``clerk`` (internal user) next to ``admin``."""
    with erp_server.kernel.env() as env:
        env["res.users"].create({"name": "Clerk", "login": "clerk", "password": "clerk-pw",
                                 "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
        return f"{erp_server.url}/web/action/{env.ref('base.action_basepartner').id}"


class FormClient:
    """One user's browser-less client: logs in through the login form and saves forms as web.js does."""

    def __init__(self, server: Server, login: str, password: str):
        self.session = requests.Session()
        token = csrf_of(self.session.get(f"{server.url}/web/login", timeout=30).text)
        answer = self.session.post(f"{server.url}/web/login", allow_redirects=False, timeout=30,
                                   data={"login": login, "password": password, "csrf_token": token})
        assert answer.status_code == 303, f"{login} could not log in: {answer.status_code}"

    def open(self, url: str) -> dict[str, str]:
        """The form page's CSRF token and the version (``__write_date``) it shows."""
        page = self.session.get(url, timeout=30)
        assert page.status_code == 200, page.text[:300]
        version = re.search(r'name="__write_date" value="([^"]+)"', page.text)
        assert version, "an existing record's form carries its version"
        return {"csrf_token": csrf_of(page.text), "__write_date": html.unescape(version.group(1))}

    def save(self, url: str, opened: dict[str, str], values: dict[str, Any], loaded: list[list[Any]]) -> requests.Response:
        """Post the changed ``values`` (a partial save) with the version and values the form was opened with."""
        data = [*opened.items(), ("__partial", "1"), *(("__fields", name) for name in values),
                ("__loaded", json.dumps(loaded))]
        for name, value in values.items():
            data += [(name, item) for item in value] if isinstance(value, list) else [(name, value)]
        return self.session.post(url, data=data, headers={"Accept": "application/json"}, timeout=60)


def make_partner(server: Server, name: str) -> int:
    with server.kernel.env() as env:
        return env["basepartner"].create({"name": name, "email": "start@example.com"}).id


def stored(server: Server, partner_id: int, fields: list[str]) -> dict[str, Any]:
    with server.kernel.env() as env:
        return env["basepartner"].browse(partner_id).read(fields)[0]


def test_two_clients_saving_the_same_version_at_once_one_wins_the_other_gets_409(erp_server: Server,
                                                                                contacts: str) -> None:
    admin, clerk = FormClient(erp_server, "admin", "admin"), FormClient(erp_server, "clerk", "clerk-pw")
    with erp_server.kernel.env() as env:
        users = env["res.users"].search([("login", "in", ["admin", "clerk"])])
        names = {user.login: user.name for user in users}
    for round_ in range(ROUNDS):
        partner_id = make_partner(erp_server, f"Raced {round_}")
        url = f"{contacts}/{partner_id}"
        loaded = [["name", f"Raced {round_}"], ["email", "start@example.com"]]
        opened = {"admin": admin.open(url), "clerk": clerk.open(url)}
        assert opened["admin"]["__write_date"] == opened["clerk"]["__write_date"]
        emails = {"admin": f"admin{round_}@example.com", "clerk": f"clerk{round_}@example.com"}
        start = threading.Barrier(2)
        answers: dict[str, requests.Response] = {}

        def save(who: str, client: FormClient) -> None:
            start.wait()
            answers[who] = client.save(url, opened[who], {"email": emails[who]}, loaded)

        threads = [threading.Thread(target=save, args=(who, client)) for who, client in (("admin", admin),
                                                                                            ("clerk", clerk))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        statuses = sorted(answer.status_code for answer in answers.values())
        assert statuses == [200, 409], {who: (a.status_code, a.text[:300]) for who, a in answers.items()}
        winner = next(who for who, answer in answers.items() if answer.status_code == 200)
        loser = answers["clerk" if winner == "admin" else "admin"].json()
        assert loser["code"] == "WRITE_CONFLICT" and loser["changed"] == ["Email"]
        assert "changed by someone else" in loser["message"]
        assert f"Last change by {names[winner]}." in loser["message"], "the winner is named, not the previous writer"
        assert stored(erp_server, partner_id, ["email"])["email"] == emails[winner], "the loser wrote nothing"


def test_a_change_of_categories_alone_is_a_change_the_other_client_is_told_about(erp_server: Server,
                                                                                contacts: str) -> None:
    admin, clerk = FormClient(erp_server, "admin", "admin"), FormClient(erp_server, "clerk", "clerk-pw")
    partner_id = make_partner(erp_server, "Tagged Later")
    with erp_server.kernel.env() as env:
        silver, gold = env["basepartnercategory"].create([{"name": "Silver"}, {"name": "Gold"}]).ids
        env["basepartner"].browse(partner_id).categories = [(6, 0, [silver])]
    url = f"{contacts}/{partner_id}"
    # what web.js sends: each input's value as loaded (a many2many tag is one input per category)
    loaded = [["name", "Tagged Later"], ["email", "start@example.com"], ["categories", str(silver)]]
    opened_by_clerk = clerk.open(url)
    tagged = admin.save(url, admin.open(url), {"categories": [str(silver), str(gold)]}, loaded)
    assert tagged.status_code == 200, tagged.text[:300]
    late = clerk.save(url, opened_by_clerk, {"name": "Renamed On A Stale Form"}, loaded)
    assert late.status_code == 409, "a save based on the version before the categories changed is refused"
    assert late.json()["code"] == "WRITE_CONFLICT" and late.json()["changed"] == ["Categories"]
    after = stored(erp_server, partner_id, ["name", "categories"])
    assert (after["name"], set(after["categories"])) == ("Tagged Later", {silver, gold}), "the stale save wrote nothing"
