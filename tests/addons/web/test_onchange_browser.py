"""Onchange in Chromium: the quotation form of ``master_sale`` fills the customer's defaults, warns about a
frozen customer and keeps its total in step with the lines, all before saving."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kernel.testing import Server, log_in


@pytest.fixture(scope="module")
def quotations(sales_server: Server) -> dict[str, Any]:
    """Two customers (one with a price list and currency, one frozen) and the quotations action."""
    with sales_server.kernel.env() as env:
        customer_type = env.ref("base.base_partner_type_customer").id
        pricelist = env["sale.pricelist"].create({"name": "Grosir Rupiah", "currency": "IDR"})
        env["basepartner"].create({"name": "Toko Maju", "partner_types": [(4, customer_type)],
                                   "default_price_list": pricelist.id})
        env["basepartner"].create({"name": "Toko Beku", "partner_types": [(4, customer_type)],
                                   "customer_is_frozen": True})
        return {"action": env.ref("master_sale.action_quotations").id}


def choose_customer(page: Any, name: str) -> None:
    widget = page.locator(".m2o[data-field=partner_id]")
    widget.locator("input[type=text]").fill(name)
    widget.get_by_role("option", name=name, exact=True).click()


def test_the_quotation_form_follows_the_customer_and_the_lines(page: Any, sales_server: Server, quotations: dict[str, Any],
                                                               shoot: Callable[[Any, str], Path]) -> None:
    log_in(page, sales_server.url)
    page.goto(f"{sales_server.url}/web/action/{quotations['action']}/new")
    choose_customer(page, "Toko Maju")
    pricelist = page.locator(".m2o[data-field=pricelist_id] input[type=text]")
    expect(pricelist).to_have_value("Grosir Rupiah")
    expect(page.locator("#field-currency")).to_have_value("IDR")
    for index, (name, qty, price) in enumerate([("Kopi", "3", "2.5"), ("Teh", "2", "4")]):
        page.locator("[data-add-line]").click()
        page.locator(f"input[name='order_line.{index}.name']").fill(name)
        page.locator(f"input[name='order_line.{index}.product_uom_qty']").fill(qty)
        page.locator(f"input[name='order_line.{index}.price_unit']").fill(price)
        page.locator(f"input[name='order_line.{index}.price_unit']").press("Tab")
    expect(page.locator("[data-cell='order_line.0.price_subtotal']")).to_have_text("7.50")
    expect(page.locator("#field-amount_total")).to_have_value("15.50")
    shoot(page, "quotation-live")
    with sales_server.kernel.env() as env:
        assert not env["sale.order"].search([]), "nothing is saved while the user edits"
    page.locator("#save").click()
    page.wait_for_url(re.compile(r"/\d+\?notice=Saved"))
    expect(page.locator("#field-amount_total")).to_have_value("15.50")
    with sales_server.kernel.env() as env:
        order = env["sale.order"].search([])
        assert (order.pricelist_id.name, order.currency, order.partner_id.name) == ("Grosir Rupiah", "IDR", "Toko Maju")
    quantity = page.locator("input[name='order_line.1.product_uom_qty']")
    quantity.fill("5")
    quantity.press("Tab")
    expect(page.locator("[data-cell='order_line.1.price_subtotal']")).to_have_text("20.00")
    expect(page.locator("#field-amount_total")).to_have_value("27.50")
    with sales_server.kernel.env() as env:
        assert env["sale.order"].search([]).amount_total == 15.5, "a stored order changes only when saved"


def test_a_frozen_customer_is_warned_about_at_once(page: Any, sales_server: Server, quotations: dict[str, Any],
                                                   shoot: Callable[[Any, str], Path]) -> None:
    log_in(page, sales_server.url)
    page.goto(f"{sales_server.url}/web/action/{quotations['action']}/new")
    choose_customer(page, "Toko Beku")
    dialog = page.get_by_role("alertdialog", name="Customer frozen")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Customer Toko Beku is frozen")
    shoot(page, "frozen-warning")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert "/new" in page.url, "closing the warning leaves the form as it was"


def test_a_line_runs_its_own_onchange_then_the_orders(page: Any, sales_server: Server, quotations: dict[str, Any]) -> None:
    """A negative quantity typed in a line: the line model's warning, and the order's total follows."""
    log_in(page, sales_server.url)
    page.goto(f"{sales_server.url}/web/action/{quotations['action']}/new")
    page.locator("[data-add-line]").click()
    page.locator("input[name='order_line.0.name']").fill("Retur")
    page.locator("input[name='order_line.0.price_unit']").fill("3")
    page.locator("input[name='order_line.0.product_uom_qty']").fill("-2")
    page.locator("input[name='order_line.0.product_uom_qty']").press("Tab")
    dialog = page.get_by_role("alertdialog", name="Negative quantity")
    expect(dialog).to_contain_text("Line Retur: a negative quantity takes 6.00 off the total.")
    page.keyboard.press("Escape")
    expect(page.locator("#field-amount_total")).to_have_value("-6.00")
