"""Reports: a sales order as a PDF (read back with pypdf's text extractor) and the partner list as an XLSX
(read back with openpyxl), file names, and the refusals of bad reports and unreadable records."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kernel import UserError, ValidationError


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["master_sale"]


def order(env: Any, customer: str = "Toko Maju") -> Any:
    partner = env["basepartner"].create({"name": customer, "city": "Bandung",
                                         "partner_types": [(4, env.ref("base.base_partner_type_customer").id)]})
    return env["sale.order"].create({
        "partner_id": partner.id, "company_id": env.ref("base.main_company").id,
        "order_line": [(0, 0, {"name": "Kopi Arabika 1 kg", "product_uom_qty": 3, "price_unit": 125000}),
                       (0, 0, {"name": "Teh Melati", "product_uom_qty": 2, "price_unit": 15500})]})


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_sales_order_prints_as_a_pdf_holding_its_lines_and_total(env: Any) -> None:
    sale = order(env)
    content, name, mime = env.ref("master_sale.report_sale_order").render(sale.ids)
    assert (name, mime) == (f"Sales Order {sale.name}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for expected in (f"Quotation {sale.name}", "Toko Maju", "Bandung", "Kopi Arabika 1 kg", "Teh Melati",
                     "375,000.00", "Total: 406,000.00"):
        assert expected in text, expected


def test_several_orders_print_one_page_each_under_the_reports_name(env: Any) -> None:
    first, second = order(env, "Satu"), order(env, "Dua")
    content, name, _ = env.ref("master_sale.report_sale_order").render([first.id, second.id])
    reader = PdfReader(io.BytesIO(content))
    assert name == "Sales Order.pdf" and len(reader.pages) == 2
    assert "Satu" in reader.pages[0].extract_text() and "Dua" in reader.pages[1].extract_text()


def test_the_partner_list_prints_as_a_spreadsheet(env: Any) -> None:
    vendor = env.ref("base.base_partner_type_vendor")
    partners = env["basepartner"].create([
        {"name": "Sheet One", "email": "one@example.com", "city": "Jakarta", "partner_types": [(4, vendor.id)]},
        {"name": "Sheet Two", "entity_type": "company", "country_id": env["res.country"].search([("code", "=", "ID")]).id}])
    content, name, mime = env.ref("base.report_partner_list").render(partners.ids)
    assert name == "Partner List.xlsx" and mime.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Partner Name", "Entity Type", "Email", "Phone Number", "Mobile Number", "City", "Country",
                       "Partner Types"]
    assert rows[1] == ["Sheet One", "Individual", "one@example.com", None, None, "Jakarta", None, "Vendor"]
    assert rows[2][:2] == ["Sheet Two", "Company"] and rows[2][6] == "Indonesia"


def test_bad_reports_are_refused_when_loaded(env: Any) -> None:
    reports = env["ir.actions.report"]
    with pytest.raises(ValidationError, match="no template 'reports/missing.html' in addon 'master_sale'"):
        reports.create({"name": "Gone", "model": "sale.order", "template": "master_sale/reports/missing.html"})
    with pytest.raises(ValidationError, match="no template '../../setup.cfg'"):
        reports.create({"name": "Escape", "model": "sale.order", "template": "master_sale/../../setup.cfg"})
    with pytest.raises(ValidationError, match="columns must be fields of basepartner, not shoe_size"):
        reports.create({"name": "Bad", "model": "basepartner", "report_type": "xlsx", "xlsx_fields": "name,shoe_size"})
    with pytest.raises(ValidationError, match="unknown model 'no.model'"):
        reports.create({"name": "Nowhere", "model": "no.model", "report_type": "xlsx", "xlsx_fields": "name"})


def test_printing_nothing_gone_records_or_records_of_another_company_is_refused(env: Any, env_as: Any) -> None:
    report = env.ref("master_sale.report_sale_order")
    with pytest.raises(UserError, match="Select at least one record"):
        report.render([])
    with pytest.raises(UserError, match="do not exist"):
        report.render([999999])
    other = env["res.company"].create({"name": "Other Co"})
    foreign = order(env, "Foreign Buyer")
    foreign.company_id = other
    env["res.users"].create({"name": "Seller", "login": "seller", "company_id": env.ref("base.main_company").id,
                             "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
    with pytest.raises(UserError, match=r"sale.order records \[\d+\] do not exist"):  # as if it did not
        report.with_env(env_as("seller")).render(foreign.ids)
