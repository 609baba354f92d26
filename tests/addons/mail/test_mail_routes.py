"""The chatter's and the bell's JSON routes through the WSGI application, as a logged-in user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kernel.config import PROJECT_ROOT, Settings
from kernel.db import writing
from kernel.http.app import Application
from kernel.testing import WebClient


@pytest.fixture(scope="module")
def app(erp_kernel: Any) -> Iterator[Application]:
    with writing(), erp_kernel.env() as env:
        env["res.users"].search([("login", "=", "admin")]).password = "admin"
        env["res.users"].create({"name": "Clerk", "login": "clerk", "password": "clerk-password",
                                 "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
    application = Application(Settings(databases={"default": erp_kernel.url},
                                       addons_path=(PROJECT_ROOT / "addons",)))
    yield application
    application.databases.close()


def client(app: Application, login: str = "admin", password: str = "admin") -> WebClient:
    web = WebClient(app)
    assert web.login(login, password).status_code == 303
    return web


def partner(erp_kernel: Any, name: str) -> int:
    with writing(), erp_kernel.env() as env:
        return int(env["basepartner"].create({"name": name}).id)


def test_post_then_load_the_timeline(app, erp_kernel):
    web = client(app)
    partner_id = partner(erp_kernel, "Routes Co")
    posted = web.json("/mail/chatter/post", {"model": "basepartner", "res_id": partner_id, "body": "Hello",
                                             "message_type": "note"})
    assert "id" in posted["result"]
    loaded = web.json("/mail/chatter/load", {"model": "basepartner", "res_id": partner_id})["result"]
    assert loaded["thread"] and [m["body"] for m in loaded["messages"]] == ["Hello"]
    assert loaded["labels"]["Send message"] == "Send message"
    assert {t["name"] for t in loaded["activity_types"]} >= {"Call", "Meeting", "Email", "To-Do"}


def test_a_model_without_chatter_says_so_and_refuses_posts(app):
    web = client(app)
    assert web.json("/mail/chatter/load", {"model": "res.currency", "res_id": 1})["result"] == {"thread": False}
    error = web.json("/mail/chatter/post", {"model": "res.currency", "res_id": 1, "body": "x"})["error"]
    assert "has no chatter" in error["data"]["message"]


@pytest.mark.parametrize("params, message", [
    ({"model": "no.such", "res_id": 1}, "unknown model 'no.such'"),
    ({"model": "basepartner", "res_id": "1"}, "res_id must be a record id"),
    ({"model": "basepartner", "res_id": 1, "kind": "spam"}, "Unknown kind of message 'spam'"),
    ({"model": "basepartner", "res_id": 999999}, "do not exist or you may not see them"),
])
def test_bad_requests_are_refused_by_name(app, params, message):
    error = client(app).json("/mail/chatter/load", params)["error"]
    assert message in error["data"]["message"]


def test_the_json_routes_need_the_csrf_header(app, erp_kernel):
    partner_id = partner(erp_kernel, "Csrf Co")
    answer = client(app).json("/mail/chatter/post", {"model": "basepartner", "res_id": partner_id, "body": "x"},
                              csrf=False)
    assert "error" in answer
    with erp_kernel.env() as env:
        assert env["mail.message"].search_count([("model", "=", "basepartner"), ("res_id", "=", partner_id)]) == 0


def test_the_bell_marks_read_and_dismisses_only_the_users_own(app, erp_kernel):
    with writing(), erp_kernel.env() as env:
        clerk, admin = (env["res.users"].search([("login", "=", login)]) for login in ("clerk", "admin"))
        mine = env["mail.notification"].create([{"user_id": clerk.id, "title": f"For clerk {n}"} for n in range(2)])
        other = env["mail.notification"].create({"user_id": admin.id, "title": "For admin"})
    web = client(app, "clerk", "clerk-password")
    assert web.json("/mail/bell", {})["result"]["unread"] == 2
    after = web.json("/mail/notification/read", {"ids": [mine[0].id, other.id]})["result"]
    assert after["unread"] == 1
    after = web.json("/mail/notification/dismiss", {"ids": [mine[1].id, other.id]})["result"]
    assert [item["title"] for item in after["items"]] == ["For clerk 0"]
    with erp_kernel.env() as env:
        assert env["mail.notification"].browse(other.id).exists() and not env["mail.notification"].browse(
            other.id).is_read


def test_a_notification_link_opens_the_records_form(app, erp_kernel):
    partner_id = partner(erp_kernel, "Open Co")
    response = client(app).get(f"/mail/open/basepartner/{partner_id}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/{partner_id}")


def test_followers_are_added_and_removed_by_partner(app, erp_kernel):
    web = client(app)
    partner_id = partner(erp_kernel, "Followed Co")
    watcher = partner(erp_kernel, "Watcher")
    added = web.json("/mail/chatter/follow", {"model": "basepartner", "res_id": partner_id, "follow": True,
                                              "partner_id": watcher})["result"]
    assert [f["name"] for f in added["followers"] if f["kind"] == "partner"] == ["Watcher"]
    removed = web.json("/mail/chatter/follow", {"model": "basepartner", "res_id": partner_id, "follow": False,
                                                "partner_id": watcher})["result"]
    assert [f["kind"] for f in removed["followers"]] == ["user"]
    error = web.json("/mail/chatter/follow", {"model": "basepartner", "res_id": partner_id, "follow": True,
                                              "partner_id": 999999})["error"]
    assert "Partner 999999 does not exist" in error["data"]["message"]
