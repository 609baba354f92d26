"""The issue's scenario in Chromium against a running ``erp serve``: contacts from login to import."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from kernel.testing import BROWSER_TIMEOUT, Server, log_in


@pytest.fixture(scope="module")
def seeded(server: Server) -> Server:
    """A partner holding the email the scenario collides with, a category and a title to pick."""
    with server.kernel.env() as env:
        env["basepartner"].create({"name": "First Holder", "email": "dup@example.com"})
        env["basepartnercategory"].create({"name": "Gold"})
        env["basepartnertitle"].create({"name": "Doctor"})
    return server


def partners(server: Server, domain: list[Any]) -> Any:
    with server.kernel.env() as env:
        return [(p.name, p.email, p.vendor_code, p.entity_type, sorted(p.categories.mapped("name")), p.title.name)
                for p in env["basepartner"].search(domain)]


def pick(page: Any, field: str, text: str, option: str) -> None:
    """Type into a many2one/many2many input and choose an entry of its autocompletion."""
    widget = page.locator(f".m2o[data-field={field}], .m2m[data-field={field}]")
    widget.locator("input[type=text]").fill(text)
    widget.get_by_role("option", name=option, exact=True).click()


def test_login_is_refused_with_a_generic_message(page: Any, seeded: Server) -> None:
    page.goto(f"{seeded.url}/web/login")
    page.get_by_label("Login").fill("admin")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert page.locator("#login-error").inner_text() == "Wrong login or password."
    assert "/web/login" in page.url


def test_contacts_scenario(page: Any, seeded: Server, shoot: Callable[[Any, str], Path], tmp_path: Path) -> None:
    url = seeded.url
    log_in(page, url)
    shoot(page, "01-home")

    # Contacts opens on its kanban; the list, filtered on vendors, shows none yet
    page.locator(".apps").get_by_role("link", name="Contacts").first.click()
    page.wait_for_selector(".kanban")
    page.locator(".view-switch [data-view=list]").click()
    page.locator(".search-options summary").click()
    page.locator("[data-filter=vendor]").click()
    page.wait_for_url(re.compile(r"f=vendor"))
    assert page.locator(".chip").first.inner_text().startswith("Vendor")
    assert page.locator("table.list tbody tr").count() == 0
    shoot(page, "02-list-vendors")
    page.locator(".chip-remove").first.click()
    page.wait_for_selector("table.list tbody tr")

    # a new partner: title and two categories (one created on the fly), an email already taken
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/new$"))
    page.get_by_label("Partner Name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("dup@example.com")
    pick(page, "title", "Doc", "Doctor")
    page.get_by_role("tab", name="Categories").click()
    assert page.get_by_role("tabpanel", name="Categories").is_visible()
    assert not page.get_by_role("tabpanel", name="Address").is_visible()
    pick(page, "categories", "Gol", "Gold")
    pick(page, "categories", "Silver", 'Create "Silver"')
    expect(page.locator(".m2m[data-field=categories] .tag")).to_have_count(2)
    page.locator("#save").click()
    error = page.locator("[data-field=email] .field-error")
    assert "already used by 'First Holder'" in error.inner_text()
    assert page.get_by_label("Email").get_attribute("aria-invalid") == "true"
    assert partners(seeded, [("name", "=", "Ada Lovelace")]) == []
    shoot(page, "03-form-duplicate-email")

    # the submitted values survived; fix the email, add the Vendor type, save: V00001
    page.get_by_label("Email").fill("ada@example.com")
    pick(page, "partner_types", "Ven", "Vendor")
    page.get_by_role("tab", name="Purchase").click()
    assert page.locator("#field-vendor_code").input_value() == ""
    page.locator("#save").click()
    page.wait_for_url(re.compile(r"/\d+\?notice=Saved"))
    page.get_by_role("tab", name="Purchase").click()
    assert page.locator("#field-vendor_code").input_value() == "V00001"
    assert partners(seeded, [("name", "=", "Ada Lovelace")]) == [
        ("Ada Lovelace", "ada@example.com", "V00001", "individual", ["Gold", "Silver"], "Doctor")]
    shoot(page, "04-form-saved-vendor")

    # kanban grouped by entity type: drag the card to Company
    page.goto(f"{url}/web/action/1?view=kanban&g=entity_type")
    card = page.locator(".card", has_text="Ada Lovelace")
    target = page.locator(".kanban-column[data-value=company] .cards")
    card.drag_to(target)
    page.wait_for_selector("#notifications .notice")
    assert partners(seeded, [("name", "=", "Ada Lovelace")])[0][3] == "company"
    shoot(page, "05-kanban")

    # export the list to XLSX and read it back
    page.goto(f"{url}/web/action/1?view=list&order=name%20asc")
    with page.expect_download() as download_info:
        page.locator("#export-xlsx").click()
    path = tmp_path / "contacts.xlsx"
    download_info.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][:2] == ["Partner Name", "Entity Type"]
    assert [row[0] for row in table[1:]] == ["Ada Lovelace", "Administrator", "First Holder"]  # the admin's partner
    assert table[1][4] == "ada@example.com"

    # import: one bad row among good ones, nothing written
    csv_path = tmp_path / "partners.csv"
    csv_path.write_text("name,email,entity_type\nGrace Hopper,grace@example.com,individual\n"
                        "Bad Row,dup@example.com,company\nAlan Turing,alan@example.com,Individual\n")
    before = len(partners(seeded, []))
    page.goto(f"{url}/web/action/1/import")
    page.set_input_files("#import-file", str(csv_path))
    page.locator("#import-run").click()
    errors = page.locator("#import-errors")
    assert "Line 3" in errors.inner_text() and "already used" in errors.inner_text()
    assert len(partners(seeded, [])) == before
    shoot(page, "06-import-errors")


def test_unsaved_changes_warn_before_leaving(page: Any, seeded: Server) -> None:
    log_in(page, seeded.url)
    page.goto(f"{seeded.url}/web/action/1/new")
    page.get_by_label("Partner Name").fill("Unsaved")
    dialogs: list[str] = []

    def accept(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    page.goto(f"{seeded.url}/web")
    assert dialogs == ["beforeunload"]


def test_shortcuts_and_conditional_fields(page: Any, seeded: Server) -> None:
    log_in(page, seeded.url)
    page.goto(f"{seeded.url}/web/action/1?view=list")
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.goto(f"{seeded.url}/web/action/1/new")
    page.get_by_role("tab", name="Purchase").click()
    hold_type = page.locator(".field[data-field=hold_type]")
    assert not hold_type.is_visible()
    page.get_by_label("On Hold").check()
    assert hold_type.is_visible()
    # the title disappears for companies (invisible="entity_type == 'company'")
    assert page.locator(".field[data-field=title]").is_visible()
    page.locator("input[name=entity_type][value=company]").check()
    assert not page.locator(".field[data-field=title]").is_visible()


def test_phone_layout(browser: Any, seeded: Server, shoot: Callable[[Any, str], Path]) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(BROWSER_TIMEOUT)
    page = context.new_page()
    try:
        log_in(page, seeded.url)
        page.goto(f"{seeded.url}/web/action/1?view=kanban&g=entity_type")
        columns = page.locator(".kanban-column")
        first, second = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
        assert second["y"] > first["y"] and abs(second["x"] - first["x"]) < 2  # stacked, one column
        assert first["width"] <= 390
        shoot(page, "kanban-phone")
        page.goto(f"{seeded.url}/web/action/1/new")
        save = page.locator("#save").bounding_box()
        assert save["height"] >= 44
        email, phone = page.get_by_label("Email").bounding_box(), page.get_by_label("Mobile Number").bounding_box()
        assert phone["y"] > email["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shoot(page, "form-phone")
    finally:
        context.close()


def test_order_lines_inline_and_a_button(page: Any, seeded: Server, shoot: Callable[[Any, str], Path]) -> None:
    """An RFQ: the vendor picked within the field's domain, two lines added in the page, then Confirm Order."""
    with seeded.kernel.env() as env:
        vendor_type = env.ref("base.base_partner_type_vendor").id
        env["basepartner"].create({"name": "Bolt Supplier", "partner_types": [(4, vendor_type)]})
        rfq_action = env.ref("core_purchase.action_purchase_rfq").id
    log_in(page, seeded.url)
    page.goto(f"{seeded.url}/web/action/{rfq_action}/new")
    widget = page.locator(".m2o[data-field=partner_id]")
    widget.locator("input[type=text]").fill("Supplier")
    expect(widget.get_by_role("option")).to_have_text(["Bolt Supplier", 'Create "Supplier"'])
    widget.get_by_role("option", name="Bolt Supplier").click()
    page.get_by_label("Order Date").fill("2026-01-05T10:00")
    for index, (name, qty, price) in enumerate([("Bolts", "2", "10.5"), ("Nuts", "4", "1")]):
        page.locator("[data-add-line]").click()
        page.locator(f"input[name='order_line.{index}.name']").fill(name)
        page.locator(f"input[name='order_line.{index}.product_qty']").fill(qty)
        page.locator(f"input[name='order_line.{index}.price_unit']").fill(price)
    page.locator("#save").click()
    page.wait_for_url(re.compile(r"/\d+\?notice=Saved"))
    assert page.locator("#field-amount_total").input_value() == "25.00"
    shoot(page, "rfq-saved")
    page.get_by_role("button", name="Confirm Order").click()
    expect(page.locator("#field-state")).to_have_value("purchase")
    assert not page.get_by_role("button", name="Confirm Order").is_visible()
