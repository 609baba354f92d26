"""Sorting, autocompletion, deleting and quick creation in Chromium (issue 12, point 7)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from kernel.testing import Server, log_in


@pytest.fixture(scope="module")
def seeded(server: Server) -> Server:
    """A titled partner, tagged partners, and a vendor referenced by an RFQ."""
    with server.kernel.env() as env:
        env["basepartnertitle"].create({"name": "Doctor"})
        vendor_type = env.ref("base.base_partner_type_vendor").id
        customer_type = env.ref("base.base_partner_type_customer").id
        env["basepartner"].create({"name": "Tagged Vendor", "partner_types": [(4, vendor_type)]})
        env["basepartner"].create({"name": "Tagged Customer", "partner_types": [(4, customer_type)]})
        used = env["basepartner"].create({"name": "Referenced Vendor", "partner_types": [(4, vendor_type)]})
        env["purchase.order"].create({"partner_id": used.id})
    return server


@pytest.fixture
def page(page: Any, seeded: Server) -> Any:
    """The conftest's page, logged in as the administrator."""
    log_in(page, seeded.url)
    return page


def test_sorting_by_a_many2many_column_never_breaks_the_list(page: Any, seeded: Server) -> None:
    page.goto(f"{seeded.url}/web/action/1?view=list")
    header = page.locator("th", has_text="Partner Types")
    expect(header.locator("a")).to_have_count(0)  # not offered as a sort
    response = page.goto(f"{seeded.url}/web/action/1?view=list&order=partner_types%20asc")
    assert response.status == 400  # the order is refused, the list is still there
    expect(page.locator("#notifications .error")).to_contain_text("cannot sort by 'partner_types asc'")
    expect(page.locator("table.list tbody tr.record")).to_have_count(4)  # with the administrator's own partner
    name_header = page.locator("th", has_text="Partner Name").locator("a")
    name_header.click()
    expect(page.locator("table.list tbody tr.record").first).to_contain_text("Administrator")
    expect(page.locator("table.list tbody tr.record").nth(1)).to_contain_text("Referenced Vendor")


def test_escape_in_an_autocompletion_closes_only_its_dropdown(page: Any, seeded: Server) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{seeded.url}/web/action/1/new")
    page.get_by_label("Partner Name").fill("Typed")
    title = page.locator(".m2o[data-field=title]")
    title.locator("input[type=text]").fill("Doc")
    expect(title.get_by_role("option", name="Doctor")).to_be_visible()
    page.keyboard.press("Escape")
    expect(title.locator(".dropdown")).to_be_hidden()
    page.wait_for_timeout(300)  # a confirm would have fired by now
    assert dialogs == []
    assert page.url.endswith("/new")
    assert page.get_by_label("Partner Name").input_value() == "Typed"
    # the same from an entry of the list, reached with the arrow keys
    title.locator("input[type=text]").fill("Doc")
    expect(title.get_by_role("option", name="Doctor")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(title.locator(".dropdown")).to_be_hidden()
    page.wait_for_timeout(300)  # the dropdown does not open again when the focus is back in the input
    expect(title.locator(".dropdown")).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "field-title"
    page.keyboard.press("Escape")  # Escape again in the closed autocompletion: still nothing else
    page.wait_for_timeout(300)
    assert dialogs == [] and page.url.endswith("/new")


def test_deleting_a_referenced_partner_offers_to_archive_it(page: Any, seeded: Server) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{seeded.url}/web/action/1?view=list")
    row = page.locator("tr.record", has_text="Referenced Vendor")
    row.locator("input[name=ids]").check()
    page.get_by_role("button", name="Delete", exact=True).click()
    offer = page.locator("#delete-refused")
    expect(offer).to_contain_text("Referenced Vendor")
    expect(offer).to_contain_text("Purchase Order")
    offer.get_by_role("button", name="Archive instead").click()
    expect(page.locator("#notifications")).to_contain_text("1 record(s) archived")
    with seeded.kernel.env() as env:
        found = env["basepartner"].with_context(active_test=False).search([("name", "=", "Referenced Vendor")])
        assert found and found.active is False


def test_the_company_field_offers_create_only_where_it_works(page: Any, seeded: Server) -> None:
    """A company made from a name is one the user is not allowed in, so the partner could not be saved with
    it: no "Create" there; categories can be made from a name, and the partner saves with the new one."""
    page.goto(f"{seeded.url}/web/action/1/new")
    page.get_by_label("Partner Name").fill("Partner Of A New Category")
    company = page.locator(".m2o[data-field=company_id]")
    company.locator("input[type=text]").fill("Brand New Co")
    page.wait_for_timeout(500)  # the search has answered
    expect(company.get_by_role("option", name='Create "Brand New Co"')).to_have_count(0)
    company.locator("input[type=text]").fill("")
    page.get_by_role("tab", name="Categories").click()
    categories = page.locator(".m2m[data-field=categories]")
    categories.locator("input[type=text]").fill("Fresh Category")
    categories.get_by_role("option", name='Create "Fresh Category"').click()
    expect(categories.locator(".tag", has_text="Fresh Category")).to_have_count(1)  # created, then chosen
    page.locator("#save").click()
    page.wait_for_url(re.compile(r"notice=Saved"))
    with seeded.kernel.env() as env:
        partner = env["basepartner"].search([("name", "=", "Partner Of A New Category")])
        assert partner.categories.mapped("name") == ["Fresh Category"] and not partner.company_id
