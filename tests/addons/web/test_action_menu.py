"""The Action menu of the web client (werkzeug's test client, both databases): a server action on three
selected quotations, one refused, each outcome shown; a wizard opened on a list's selection."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from kernel import Kernel


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["web", "master_sale"]


def ref(kernel: Kernel, xmlid: str) -> int:
    with kernel.env() as env:
        return env.ref(xmlid).id


def test_confirming_three_quotations_shows_each_outcome(logged_in: Callable[[str], Any], erp_kernel: Kernel) -> None:
    with erp_kernel.env() as env:
        company = env.ref("base.main_company")
        customer = env["basepartner"].create({
            "name": "Menu Buyer", "partner_types": [(4, env.ref("base.base_partner_type_customer").id)],
            "credit_limits": [(0, 0, {"company_id": company.id, "amount": 1000})]})
        orders = env["sale.order"].create([{"partner_id": customer.id, "company_id": company.id,
                                            "order_line": [(0, 0, {"name": "Item", "price_unit": amount})]}
                                           for amount in (400, 500, 300)])
        ids, names = orders.ids, orders.mapped("name")
    admin = logged_in("admin")
    orders_action = ref(erp_kernel, "master_sale.action_sale_orders")
    confirm = ref(erp_kernel, "master_sale.action_server_confirm_quotations")
    listing = admin.get(f"/web/action/{orders_action}?view=list").text
    assert f'name="bound" value="server:{confirm}"' in listing
    answer = admin.post(f"/web/action/{orders_action}/run", {"bound": f"server:{confirm}", "ids": [str(i) for i in ids]})
    assert answer.status_code == 200
    text = html.unescape(answer.text)
    assert "2 done, 1 failed" in text
    rows = re.findall(r'<tr class="(done|failed)" data-id="(\d+)"><td>([^<]*)</td><td>(\w+)</td><td>([^<]*)</td>', text)
    assert [(status, int(rid), name) for status, rid, name, _, _ in rows] == [
        ("done", ids[0], names[0]), ("done", ids[1], names[1]), ("failed", ids[2], names[2])]
    assert "credit limit exceeded" in rows[2][4]
    with erp_kernel.env() as env:
        assert env["sale.order"].browse(ids).mapped("state") == ["sale", "sale", "draft"]
    form = admin.get(f"/web/action/{orders_action}/{ids[2]}").text
    assert f'value="server:{confirm}"' in form and 'id="record-actions"' in form


def test_a_bound_wizard_opens_on_the_selected_partners(logged_in: Callable[[str], Any], erp_kernel: Kernel) -> None:
    with erp_kernel.env() as env:
        ids = env["basepartner"].create([{"name": "Sel One"}, {"name": "Sel Two"}]).ids
    admin = logged_in("admin")
    partners = ref(erp_kernel, "base.action_basepartner")
    wizard = ref(erp_kernel, "base.action_partner_category_wizard")
    answer = admin.post(f"/web/action/{partners}/run", {"bound": f"window:{wizard}", "ids": [str(i) for i in ids]})
    assert answer.status_code == 303
    location = urlsplit(answer.headers["Location"])
    assert location.path == "/web/dialog/basepartner.category.wizard"
    assert json.loads(parse_qs(location.query)["context"][0])["active_ids"] == ids
    assert "Sel One" in admin.get(answer.headers["Location"]).text


def test_bad_action_menu_requests_are_refused(logged_in: Callable[[str], Any], erp_kernel: Kernel) -> None:
    admin = logged_in("admin")
    partners = ref(erp_kernel, "base.action_basepartner")
    confirm = ref(erp_kernel, "master_sale.action_server_confirm_quotations")
    assert admin.post(f"/web/action/{partners}/run", {"bound": f"server:{confirm}", "ids": "1"}).status_code == 404
    assert admin.post(f"/web/action/{partners}/run", {"bound": "server:1"}).status_code == 400
    assert admin.post(f"/web/action/{partners}/run", {"bound": "code:1", "ids": "1"}).status_code == 404


def test_a_queued_actions_page_shows_its_progress_then_its_outcomes(logged_in: Callable[[str], Any],
                                                                      erp_kernel: Kernel) -> None:
    import sqlalchemy as sa

    with erp_kernel.env(login="admin") as env:
        job = env.enqueue("base.run_server_action", ref(erp_kernel, "master_sale.action_server_confirm_quotations"),
                          [1, 2, 3])
        job_id, table = job.id, env["ir.job"]._sql
    admin = logged_in("admin")
    running = html.unescape(admin.get(f"/web/job/{job_id}?back=/web").text)
    assert "Running in the background: 0%" in running and 'http-equiv="refresh"' in running
    outcome = [{"id": 1, "name": "S1", "status": "done", "message": ""},
               {"id": 2, "name": "S2", "status": "failed", "message": "refused"}]
    with erp_kernel.engine.begin() as connection:
        connection.execute(sa.update(table).where(table.c.id == job_id).values(
            state="done", progress=100, result=json.dumps(outcome)))
    done = html.unescape(admin.get(f"/web/job/{job_id}?back=/web").text)
    assert "1 done, 1 failed" in done and "refused" in done and "http-equiv" not in done
    assert logged_in("clerk").get(f"/web/job/{job_id}").status_code == 404  # another user's job
