"""Saving a form in Chromium: refused saves stay on the form, only changed fields are sent, concurrent
edits are detected, and "Saved" appears only when the server confirmed the save (issue 12, points 1–4)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from kernel.testing import BROWSER_TIMEOUT, Server, log_in


@pytest.fixture(scope="module")
def seeded(sales_server: Server) -> Server:
    """Two partners (one holding a mobile number), a customer with a confirmed order, a frozen supplier."""
    with sales_server.kernel.env() as env:
        env["basepartner"].create({"name": "Mobile Holder", "mobile_number": "+6281234567890"})
        env["basepartner"].create({"name": "Editable Partner", "email": "edit@example.com"})
        customer_type = env.ref("base.base_partner_type_customer").id
        vendor_type = env.ref("base.base_partner_type_vendor").id
        customer = env["basepartner"].create({"name": "Paying Customer", "partner_types": [(4, customer_type)]})
        order = env["sale.order"].create({"partner_id": customer.id, "company_id": env.ref("base.main_company").id})
        order.action_confirm()
        env["basepartner"].create({"name": "Frozen Supplier", "partner_types": [(4, vendor_type)],
                                   "supplier_is_frozen": True})
    return sales_server


def action_id(server: Server, xmlid: str) -> int:
    with server.kernel.env() as env:
        return env.ref(xmlid).id


def partner(server: Server, name: str) -> Any:
    with server.kernel.env() as env:
        found = env["basepartner"].search([("name", "=", name)])
        return found.read(["name", "email", "mobile_number", "phone_number"])[0] if found else None


def partner_url(server: Server, name: str) -> str:
    with server.kernel.env() as env:
        record = env["basepartner"].search([("name", "=", name)])
    return f"{server.url}/web/action/{action_id(server, 'base.action_basepartner')}/{record.id}"


# -- point 1: a refused save shows its message on the form, input kept, never "Saved" ---------------------


def test_a_refused_phone_is_shown_on_its_field_and_nothing_is_called_saved(page: Any, seeded: Server) -> None:
    log_in(page, seeded.url)
    page.goto(partner_url(seeded, "Editable Partner"))
    page.get_by_label("Partner Name").fill("Edited Name")
    page.get_by_label("Mobile Number").fill("12ab")
    page.locator("#save").click()
    error = page.locator("[data-field=mobile_number] .field-error")
    expect(error).to_contain_text("'12ab' is not a phone number")
    assert page.get_by_label("Mobile Number").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Partner Name").input_value() == "Edited Name"
    assert page.get_by_label("Mobile Number").input_value() == "12ab"
    assert "Saved" not in page.locator("#notifications").inner_text()
    assert "notice=Saved" not in page.url
    assert partner(seeded, "Editable Partner")["email"] == "edit@example.com"
    assert partner(seeded, "Edited Name") is None


def test_a_refused_new_record_stays_a_form_with_its_input(page: Any, seeded: Server) -> None:
    """A local number while neither the partner nor the company has a country: the message, not a 500."""
    log_in(page, seeded.url)
    page.goto(f"{seeded.url}/web/action/{action_id(seeded, 'base.action_basepartner')}/new")
    page.get_by_label("Partner Name").fill("Local Number")
    page.get_by_label("Email").fill("local@example.com")
    page.get_by_label("Phone Number").fill("0812 3456 7890")
    page.locator("#save").click()
    expect(page.locator("[data-field=phone_number] .field-error")).to_contain_text("no country known")
    assert page.get_by_label("Partner Name").input_value() == "Local Number"
    assert page.get_by_label("Email").input_value() == "local@example.com"
    assert "Internal server error" not in page.content()
    assert re.search(r"/new$", page.url)
    assert partner(seeded, "Local Number") is None


def test_a_duplicate_mobile_in_indonesian_is_put_on_its_field(page: Any, seeded: Server) -> None:
    """Labels are translated, the server's message is English: the error names the field, not its label."""
    with seeded.kernel.env() as env:
        env["res.users"].search([("login", "=", "admin")]).lang = "id_ID"
    try:
        log_in(page, seeded.url)
        page.goto(f"{seeded.url}/web/action/{action_id(seeded, 'base.action_basepartner')}/new")
        page.get_by_label("Nama Mitra").fill("Duplikat")
        page.get_by_label("Nomor Ponsel").fill("+6281234567890")
        page.locator("#save").click()
        expect(page.locator("[data-field=mobile_number] .field-error")).to_contain_text("Mobile Holder")
        assert page.get_by_label("Nama Mitra").input_value() == "Duplikat"
        assert partner(seeded, "Duplikat") is None
    finally:
        with seeded.kernel.env() as env:
            env["res.users"].search([("login", "=", "admin")]).lang = "en_US"


def test_a_server_failure_keeps_the_form_and_its_input(page: Any, seeded: Server) -> None:
    """A 500 answer to the save becomes a banner on the form; what the user typed stays."""
    log_in(page, seeded.url)
    page.goto(partner_url(seeded, "Editable Partner"))
    page.get_by_label("Partner Name").fill("Typed Before The Crash")
    page.route("**/web/action/**", lambda route: route.fulfill(status=500, body="Internal server error")
               if route.request.method == "POST" else route.continue_())
    page.locator("#save").click()
    expect(page.locator("#form-error")).to_contain_text("not saved")
    assert page.get_by_label("Partner Name").input_value() == "Typed Before The Crash"
    assert "Saved" not in page.locator("#notifications").inner_text()


# -- point 2: only changed fields are sent ---------------------------------------------------------------


def test_a_confirmed_sale_order_can_be_marked_paid(page: Any, seeded: Server) -> None:
    with seeded.kernel.env() as env:
        order = env["sale.order"].search([("partner_id.name", "=", "Paying Customer")])
        url = f"{seeded.url}/web/action/{env.ref('master_sale.action_sale_orders').id}/{order.id}"
    log_in(page, seeded.url)
    page.goto(url)
    page.get_by_label("Paid").check()
    page.locator("#save").click()
    page.wait_for_url(re.compile(r"notice=Saved"))
    with seeded.kernel.env() as env:
        assert env["sale.order"].browse(order.id).is_paid is True


# -- point 3: concurrent edits ---------------------------------------------------------------------------


def test_a_second_tab_does_not_silently_revert_the_first(browser: Any, seeded: Server) -> None:
    with seeded.kernel.env() as env:
        env["basepartner"].create({"name": "Shared Partner", "email": "shared@example.com"})
    context = browser.new_context()
    context.set_default_timeout(BROWSER_TIMEOUT)
    try:
        first, second = context.new_page(), context.new_page()
        log_in(first, seeded.url)
        url = partner_url(seeded, "Shared Partner")
        first.goto(url)
        second.goto(url)
        first.get_by_label("Email").fill("first@example.com")
        first.locator("#save").click()
        first.wait_for_url(re.compile(r"notice=Saved"))

        second.get_by_label("Partner Name").fill("Shared Partner Renamed")
        second.locator("#save").click()
        conflict = second.locator("#form-conflict")
        expect(conflict).to_contain_text("changed by someone else")
        expect(conflict).to_contain_text("Email")
        assert partner(seeded, "Shared Partner")["email"] == "first@example.com"
        assert second.get_by_label("Partner Name").input_value() == "Shared Partner Renamed"

        conflict.get_by_role("button", name="Overwrite").click()
        second.wait_for_url(re.compile(r"notice=Saved"))
        saved = partner(seeded, "Shared Partner Renamed")
        assert saved["email"] == "first@example.com"  # only the renamed field was written

        first.get_by_label("Partner Name").fill("Stale Again")
        first.locator("#save").click()
        first.locator("#form-conflict").get_by_role("button", name="Reload").click()
        first.wait_for_load_state()
        expect(first.get_by_label("Partner Name")).to_have_value("Shared Partner Renamed")
    finally:
        context.close()


# -- point 4: a frozen supplier ---------------------------------------------------------------------------


def test_a_new_rfq_for_a_frozen_supplier_answers_the_freeze(page: Any, seeded: Server) -> None:
    log_in(page, seeded.url)
    page.goto(f"{seeded.url}/web/action/{action_id(seeded, 'core_purchase.action_purchase_rfq')}/new")
    widget = page.locator(".m2o[data-field=partner_id]")
    widget.locator("input[type=text]").fill("Frozen")
    widget.get_by_role("option", name="Frozen Supplier").click()
    page.locator("#save").click()
    expect(page.locator("#form-error")).to_contain_text("is frozen")
    assert widget.locator("input[type=text]").input_value() == "Frozen Supplier"
    assert "Internal server error" not in page.content()
    with seeded.kernel.env() as env:
        assert not env["purchase.order"].search([("partner_id.name", "=", "Frozen Supplier")])
