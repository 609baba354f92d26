"""Contact persons and addresses in Chromium: a company gets two contact persons and a delivery address
inline on its form, one contact orders with that address, and the order shows under the company."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from kernel.testing import log_in


def pick(page: Any, field: str, term: str, option: str, kind: str = "m2o") -> None:
    widget = page.locator(f".{kind}[data-field='{field}']")
    widget.locator("input[type=text]").fill(term)
    widget.get_by_role("option", name=option, exact=True).click()


def test_a_company_its_contacts_an_address_and_an_order(page: Any, sales_server: Any,
                                                      shoot: Callable[[Any, str], Path]) -> None:
    with sales_server.kernel.env() as env:
        contacts = env.ref("base.action_basepartner").id
        quotations = env.ref("master_sale.action_quotations").id
    log_in(page, sales_server.url)
    page.goto(f"{sales_server.url}/web/action/{contacts}/new")
    page.get_by_role("radio", name="Company").check()
    page.locator("#field-name").fill("PT Sentosa")
    pick(page, "partner_types", "Cust", "Customer", kind="m2m")
    page.get_by_role("tab", name="Contacts").click()
    people = page.locator(".o2m[data-o2m=child_ids]")
    for index, (name, email) in enumerate([("Budi", "budi@sentosa.example"), ("Sari", "sari@sentosa.example")]):
        people.locator("[data-add-line]").click()
        page.locator(f"input[name='child_ids.{index}.name']").fill(name)
        page.locator(f"input[name='child_ids.{index}.email']").fill(email)
    page.get_by_role("tab", name="Address").click()
    page.locator("#field-street").fill("Jl. Kantor 1")
    page.locator(".o2m[data-o2m=address_ids] [data-add-line]").click()
    pick(page, "address_ids.0.type_id", "Deliv", "Delivery Address")
    page.locator("input[name='address_ids.0.street']").fill("Gudang 9")
    page.locator("input[name='address_ids.0.city']").fill("Bekasi")
    shoot(page, "company-filled")
    page.locator("#save").click()
    page.wait_for_url(re.compile(r"/\d+\?notice=Saved"))
    company_url = page.url.split("?")[0]
    with sales_server.kernel.env() as env:
        company = env["basepartner"].search([("name", "=", "PT Sentosa")])
        assert company.entity_type == "company" and company.street == "Jl. Kantor 1"
        assert sorted(company.child_ids.mapped("display_name")) == ["PT Sentosa, Budi", "PT Sentosa, Sari"]
        assert sorted(company.address_ids.mapped("street")) == ["Gudang 9", "Jl. Kantor 1"]

    page.goto(f"{sales_server.url}/web/action/{quotations}/new")
    pick(page, "partner_id", "Budi", "PT Sentosa, Budi")
    expect(page.locator(".m2o[data-field=partner_shipping_id] input[type=text]")).to_have_value(re.compile("Gudang 9"))
    page.locator("[data-add-line]").click()
    page.locator("input[name='order_line.0.name']").fill("Semen")
    page.locator("input[name='order_line.0.product_uom_qty']").fill("2")
    page.locator("input[name='order_line.0.price_unit']").fill("120")
    page.locator("input[name='order_line.0.price_unit']").press("Tab")
    page.locator("#save").click()
    page.wait_for_url(re.compile(r"/\d+\?notice=Saved"))
    with sales_server.kernel.env() as env:
        order = env["sale.order"].search([("partner_id.name", "=", "Budi")])
        assert (order.partner_shipping_id.street, order.commercial_partner_id.name) == ("Gudang 9", "PT Sentosa")
        assert order.partner_invoice_id.street == "Jl. Kantor 1" and order.amount_total == 240
        order_name = order.name

    page.goto(company_url)
    page.get_by_role("tab", name="Sales").click()
    orders = page.locator(".o2m[data-o2m=sale_order_ids]")
    expect(orders).to_contain_text(order_name)
    expect(orders).to_contain_text("PT Sentosa, Budi")
    expect(orders).to_contain_text("240.00")
    shoot(page, "company-orders")
