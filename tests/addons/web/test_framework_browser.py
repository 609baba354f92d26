"""The Action and Print menus and the Fields screen in Chromium: three quotations confirmed with one refused
(each outcome shown), a sales order's PDF and the partner list's XLSX downloaded and read back, a custom field
added on the Fields screen, shown on the partner form, then removed with its column."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from kernel.testing import Server


@pytest.fixture(scope="module")
def seeded(sales_server: Server) -> Server:
    with sales_server.kernel.env() as env:
        company = env.ref("base.main_company")
        customer = env["basepartner"].create({
            "name": "Browser Buyer", "partner_types": [(4, env.ref("base.base_partner_type_customer").id)],
            "credit_limits": [(0, 0, {"company_id": company.id, "amount": 1000})]})
        env["sale.order"].create([{"partner_id": customer.id, "company_id": company.id,
                                   "order_line": [(0, 0, {"name": f"Line {amount}", "price_unit": amount})]}
                                  for amount in (400, 500, 300)])
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


def test_three_quotations_confirmed_from_the_action_menu_one_refused(page: Any, seeded: Server) -> None:
    sign_in(page, seeded.url)
    page.goto(f"{seeded.url}/web/action/{ref_id(seeded, 'master_sale.action_quotations')}?view=list")
    page.locator("[data-select-all]").check()  # the module's database holds these three orders only
    expect(page.locator("[data-selected-count]")).to_have_text("3 selected")
    page.locator(".action-menu summary").click()
    page.get_by_role("button", name="Confirm Quotations").click()
    expect(page.get_by_role("status").filter(has_text="done")).to_have_text("2 done, 1 failed")
    expect(page.locator("tr.done")).to_have_count(2)
    expect(page.locator("tr.failed")).to_contain_text("credit limit exceeded")


def test_a_pdf_from_the_form_and_an_xlsx_from_the_list(page: Any, seeded: Server, tmp_path: Path) -> None:
    sign_in(page, seeded.url)
    with seeded.kernel.env() as env:
        order = env["sale.order"].search([("partner_id.name", "=", "Browser Buyer")], limit=1)
        order_id, name = order.id, order.name
    page.goto(f"{seeded.url}/web/action/{ref_id(seeded, 'master_sale.action_sale_orders')}/{order_id}")
    menu = page.locator(".print-menu:not(.action-menu)")
    menu.locator("summary").click()
    with page.expect_download() as pdf_info:
        menu.get_by_role("link", name="Sales Order", exact=True).click()
    assert pdf_info.value.suggested_filename == f"Sales Order {name}.pdf"
    text = PdfReader(io.BytesIO(Path(pdf_info.value.path()).read_bytes())).pages[0].extract_text()
    assert "Browser Buyer" in text and name in text
    page.goto(f"{seeded.url}/web/action/{ref_id(seeded, 'base.action_basepartner')}?view=list")
    page.locator("table.list tbody tr.record", has_text="Browser Buyer").locator("input[name=ids]").check()
    page.locator(".print-menu:not(.action-menu) summary").click()
    with page.expect_download() as xlsx_info:
        page.get_by_role("button", name="Partner List").click()
    assert xlsx_info.value.suggested_filename == "Partner List.xlsx"
    rows = list(load_workbook(io.BytesIO(Path(xlsx_info.value.path()).read_bytes())).active.iter_rows(values_only=True))
    assert [row[0] for row in rows] == ["Partner Name", "Browser Buyer"]


def test_a_custom_field_added_on_the_fields_screen_then_removed(page: Any, seeded: Server) -> None:
    sign_in(page, seeded.url)
    fields_url = f"{seeded.url}/web/action/{ref_id(seeded, 'base.action_custom_fields')}"
    page.goto(f"{fields_url}/new")
    page.get_by_label("Model Name").fill("basepartner")
    page.get_by_label("Field Name").fill("x_fax")
    page.get_by_label("Label").fill("Fax Number")
    page.get_by_label("Type", exact=True).fill("char")
    page.locator("#save").click()
    page.wait_for_url(re.compile(r"notice="))
    page.goto(f"{seeded.url}/web/action/{ref_id(seeded, 'base.action_basepartner')}/new")
    expect(page.get_by_label("Fax Number")).to_be_visible()

    def has_column() -> bool:
        with seeded.kernel.engine.connect() as connection:
            return "x_fax" in {c["name"] for c in sa.inspect(connection).get_columns("basepartner")}

    assert has_column()
    page.goto(f"{fields_url}?view=list")
    page.locator("table.list tbody tr.record", has_text="x_fax").locator("input[name=ids]").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url(re.compile(r"notice="))
    assert not has_column()
    page.goto(f"{seeded.url}/web/action/{ref_id(seeded, 'base.action_basepartner')}/new")
    expect(page.get_by_label("Fax Number")).to_have_count(0)
