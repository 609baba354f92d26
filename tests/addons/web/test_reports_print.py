"""The Print menu of the web client (werkzeug's test client, both databases): a sales order's PDF from its
form, the partner list's XLSX from a list selection, each a download with its file name; bad requests refused."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kernel import Kernel


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["web", "master_sale"]


def ref(kernel: Kernel, xmlid: str) -> int:
    with kernel.env() as env:
        return env.ref(xmlid).id


def test_the_form_prints_its_record_as_a_pdf_download(logged_in: Callable[[str], Any], erp_kernel: Kernel) -> None:
    with erp_kernel.env() as env:
        partner = env["basepartner"].create({"name": "Print Buyer"})
        sale = env["sale.order"].create({"partner_id": partner.id, "company_id": env.ref("base.main_company").id,
                                         "order_line": [(0, 0, {"name": "Gula Aren", "price_unit": 20000})]})
        sale_id, name = sale.id, sale.name
        orders = env.ref("master_sale.action_sale_orders").id
    admin = logged_in("admin")
    report = ref(erp_kernel, "master_sale.report_sale_order")
    form = admin.get(f"/web/action/{orders}/{sale_id}").text
    assert f'href="/web/report/{report}?ids={sale_id}"' in form and "Print" in form
    download = admin.get(f"/web/report/{report}?ids={sale_id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith(f'attachment; filename="Sales Order {name}.pdf"')
    text = PdfReader(io.BytesIO(download.data)).pages[0].extract_text()
    assert "Print Buyer" in text and "Gula Aren" in text and "20,000.00" in text


def test_the_list_prints_its_selection_as_a_spreadsheet(logged_in: Callable[[str], Any], erp_kernel: Kernel) -> None:
    with erp_kernel.env() as env:
        ids = env["basepartner"].create([{"name": "Row A"}, {"name": "Row B"}, {"name": "Row C"}]).ids
    admin = logged_in("admin")
    report = ref(erp_kernel, "base.report_partner_list")
    listing = admin.get(f"/web/action/{ref(erp_kernel, 'base.action_basepartner')}?view=list").text
    assert f'formaction="/web/report/{report}"' in listing
    download = admin.post(f"/web/report/{report}", {"ids": [str(ids[0]), str(ids[2])]})
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith('attachment; filename="Partner List.xlsx"')
    rows = list(load_workbook(io.BytesIO(download.data)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows] == ["Partner Name", "Row A", "Row C"]


def test_bad_print_requests_are_refused(logged_in: Callable[[str], Any], erp_kernel: Kernel) -> None:
    admin = logged_in("admin")
    report = ref(erp_kernel, "base.report_partner_list")
    assert admin.get("/web/report/99999?ids=1").status_code == 404
    assert admin.get(f"/web/report/{report}").status_code == 400  # nothing selected
    assert admin.get(f"/web/report/{report}?ids=abc").status_code == 400
    assert admin.get(f"/web/report/{report}?ids=999999").status_code == 404
