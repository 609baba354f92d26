"""The bell and the chatter in Chromium against a running ``erp serve`` holding mail."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kernel.config import PROJECT_ROOT
from kernel.db import writing
from kernel.testing import Server, installed_kernel, log_in, running_server

@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("mail-serve")
    with installed_kernel("sqlite", folder, [PROJECT_ROOT / "addons"], ["mail"]) as kernel:
        with kernel.env() as env:
            env["res.users"].search([("login", "=", "admin")]).password = "admin"
            env["res.users"].create({"name": "Poster", "login": "poster", "password": "poster-password",
                                     "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
        with running_server(kernel, folder) as running:
            yield running


@pytest.fixture
def page(page: Any, server: Server) -> Any:
    """The kit's page, logged in as the administrator."""
    log_in(page, server.url)
    return page


@contextlib.contextmanager
def committed(server: Server) -> Iterator[Any]:
    """A transaction on the server's database that queues for SQLite's write lock (the server works meanwhile)."""
    with writing(), server.kernel.env() as env:
        yield env


def partner(server: Server, name: str) -> int:
    with committed(server) as env:
        return int(env["basepartner"].create({"name": name}).id)


def open_form(page: Any, server: Server, partner_id: int) -> None:
    page.goto(f"{server.url}/mail/open/basepartner/{partner_id}")
    page.locator("#chatter").wait_for()


def test_the_bell_counts_and_clears(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    partner_id = partner(server, "Bell Co")
    with committed(server) as env:
        admin, poster = (env["res.users"].search([("login", "=", login)]) for login in ("admin", "poster"))
        env["basepartner"].browse(partner_id).message_subscribe(user_ids=[admin.id])
        env(uid=poster.id, su=False)["basepartner"].browse(partner_id).message_post(body="Ping")
    page.reload()
    count = page.locator("#mail-bell .mail-bell-count")
    expect(count).to_have_text("1")
    page.locator(".mail-bell-button").click()
    expect(page.locator(".mail-notification.unread")).to_have_count(1)
    page.locator(".mail-bell-read-all").click()
    expect(count).to_be_hidden()
    page.reload()
    expect(page.locator("#mail-bell .mail-bell-count")).to_be_hidden()


def test_a_comment_with_an_attachment_appears_in_the_chatter(page: Any, server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    partner_id = partner(server, "Attach Co")
    open_form(page, server, partner_id)
    quote = tmp_path / "quote.txt"
    quote.write_text("price: 10")
    page.locator(".chatter-send").click()
    page.locator(".chatter-body").fill("Here is the <b>quote</b>")
    page.locator(".chatter-files").set_input_files(str(quote))
    page.locator(".chatter-post").click()
    message = page.locator(".chatter-message.kind-comment").first
    expect(message.locator(".chatter-message-body")).to_have_text("Here is the quote")
    expect(message.locator(".chatter-attachments a")).to_have_text("quote.txt")
    with committed(server) as env:
        [posted] = env["mail.message"].search([("model", "=", "basepartner"), ("res_id", "=", partner_id),
                                               ("message_type", "=", "comment")])
        assert posted.attachment_ids.mapped("name") == ["quote.txt"]


def test_a_tracked_change_shows_old_and_new(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    partner_id = partner(server, "Old Name")
    open_form(page, server, partner_id)
    page.locator("input[name=name]").fill("New Name")
    page.locator("#save").click()
    tracking = page.locator(".chatter-tracking li").first
    expect(tracking).to_have_text("Partner Name: Old Name → New Name")
    page.locator(".chatter-send").click()
    page.locator(".chatter-body").fill("A comment")
    page.locator(".chatter-post").click()
    expect(page.locator(".chatter-message")).to_have_count(2)
    page.locator(".chatter-filter").select_option("notification")          # Tracked changes only
    expect(page.locator(".chatter-message")).to_have_count(1)
    expect(page.locator(".chatter-message .chatter-tracking")).to_have_count(1)


def test_an_overdue_activity_is_marked_done(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    partner_id = partner(server, "Late Co")
    with committed(server) as env:
        env["mail.activity"].create({"res_model": "basepartner", "res_id": partner_id, "summary": "Call back",
                                     "activity_type_id": env.ref("mail.mail_activity_data_call").id,
                                     "date_deadline": dt.date.today() - dt.timedelta(days=2)})
    open_form(page, server, partner_id)
    activity = page.locator(".chatter-activity.state-overdue")
    expect(activity).to_contain_text("Overdue")
    activity.locator(".chatter-feedback").fill("They agreed")
    activity.locator(".chatter-done").click()
    expect(page.locator(".chatter-activity")).to_have_count(0)
    expect(page.locator(".chatter-message").first).to_contain_text("Call done: Call back")
    expect(page.locator(".chatter-message").first).to_contain_text("They agreed")


def test_an_activity_is_scheduled_from_the_chatter(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    partner_id = partner(server, "Plan Co")
    open_form(page, server, partner_id)
    page.locator(".chatter-schedule").click()
    page.locator(".chatter-activity-type").select_option(label="Meeting")
    page.locator(".chatter-activity-summary").fill("Quarterly review")
    page.locator(".chatter-activity-plan").click()
    activity = page.locator(".chatter-activity")
    expect(activity).to_contain_text("Meeting: Quarterly review")
    expect(activity).to_contain_text("Planned")
    with committed(server) as env:
        [planned] = env["mail.activity"].search([("res_model", "=", "basepartner"), ("res_id", "=", partner_id)])
        assert (planned.summary, planned.activity_type_id.name) == ("Quarterly review", "Meeting")


def test_a_partner_is_added_as_follower_and_removed(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    partner_id = partner(server, "Followed Co")
    partner(server, "Watcher Partner")
    open_form(page, server, partner_id)
    summary = page.locator(".chatter-followers summary")
    expect(summary).to_have_text("Followers: 1")                 # its creator
    summary.click()
    page.locator(".chatter-follower-search").fill("Watcher")
    page.get_by_role("option").get_by_role("button", name="Watcher Partner").click()
    expect(summary).to_have_text("Followers: 2")
    summary.click()
    page.get_by_role("button", name="Remove Watcher Partner").click()
    expect(summary).to_have_text("Followers: 1")
