"""Wizards and the Settings screen in Chromium: the partner form's "Add Categories" button opens a modal
dialog over the form, whose refusal stays in it and whose button closes it; a Settings toggle changes what
a partner form may save."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from kernel.testing import Server


@pytest.fixture(scope="module")
def seeded(sales_server: Server) -> Server:
    with sales_server.kernel.env() as env:
        env["basepartner"].create({"name": "Wizard Partner"})
        env["basepartnercategory"].create({"name": "Platinum"})
        env["basepartner"].create({"name": "Acme Twin"})
    return sales_server


def sign_in(page: Any, url: str) -> None:
    page.goto(f"{url}/web/login")
    page.get_by_label("Login").fill("admin")
    page.get_by_label("Password").fill("admin")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/web$"))


def ref_id(server: Server, xmlid: str) -> int:
    with server.kernel.env() as env:
        return env.ref(xmlid).id


def partner_url(server: Server, name: str) -> str:
    with server.kernel.env() as env:
        partner = env["basepartner"].search([("name", "=", name)])
    return f"{server.url}/web/action/{ref_id(server, 'base.action_basepartner')}/{partner.id}"


def test_a_form_button_opens_a_modal_wizard_that_applies_and_closes(page: Any, seeded: Server) -> None:
    sign_in(page, seeded.url)
    page.goto(partner_url(seeded, "Wizard Partner"))
    page.get_by_role("button", name="Add Categories").click()
    dialog = page.get_by_role("dialog", name="Add Categories")
    expect(dialog).to_be_visible()
    assert page.locator("main .record-form").is_visible()  # the form stays behind the modal
    expect(dialog.locator(".m2m[data-field=partner_ids] .tag")).to_have_text(["Wizard Partner×"])
    dialog.get_by_role("button", name="Add Categories").click()
    expect(dialog.locator("[data-dialog-error]")).to_have_text("Choose at least one category to add")
    expect(dialog.locator("[data-field=category_ids] .field-error")).to_be_visible()
    widget = dialog.locator(".m2m[data-field=category_ids]")
    widget.locator("input[type=text]").fill("Plat")
    widget.get_by_role("option", name="Platinum", exact=True).click()
    dialog.get_by_role("button", name="Add Categories").click()
    page.wait_for_url(re.compile(r"notice=Done"))
    expect(page.get_by_role("dialog", name="Add Categories")).to_have_count(0)
    expect(page.locator(".m2m[data-field=categories] .tag")).to_have_text(["Platinum×"])


def test_cancel_closes_the_wizard_without_running_it(page: Any, seeded: Server) -> None:
    sign_in(page, seeded.url)
    page.goto(partner_url(seeded, "Acme Twin"))
    page.get_by_role("button", name="Add Categories").click()
    dialog = page.get_by_role("dialog", name="Add Categories")
    dialog.get_by_role("link", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert "/web/dialog/" not in page.url


def test_the_unique_names_toggle_in_settings_changes_what_the_partner_form_saves(page: Any, seeded: Server) -> None:
    sign_in(page, seeded.url)
    page.locator(".apps .app", has_text="Settings").hover()
    page.locator(".apps").get_by_role("link", name="General Settings").click()
    dialog = page.get_by_role("dialog", name="Settings")
    expect(dialog.locator("h3")).to_have_text(["Contacts", "Company", "Sales"])
    dialog.get_by_label("Unique Partner Names").check()
    dialog.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"notice=Done"))
    expect(page.get_by_label("Unique Partner Names")).to_be_checked()
    page.goto(f"{seeded.url}/web/action/{ref_id(seeded, 'base.action_basepartner')}/new")
    page.get_by_label("Partner Name").fill("acme twin")
    page.locator("#save").click()
    expect(page.locator("#form-error")).to_contain_text("already exists")
    assert page.url.endswith("/new")
