"""View conditions (``invisible``, ``readonly``, ``required``): one table of cases run against the server's
evaluator and, compiled to a JSON tree, against the client's interpreter in Chromium (issue 12, point 5)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from playwright.sync_api import expect

from kernel.exceptions import UserError
from kernel.plugins import ADDON_NAMESPACE
from kernel.testing import Server, log_in


# (expression, the record's values as the server has them, whether the condition holds)
CASES: list[tuple[str, dict[str, Any], bool]] = [
    ("state == 'draft'", {"state": "draft"}, True),
    ("state == 'draft'", {"state": "sent"}, False),
    ("state != 'draft'", {"state": "sent"}, True),
    ("state != 'draft'", {"state": "draft"}, False),
    ("state in ('draft', 'sent')", {"state": "sent"}, True),
    ("state in ('draft', 'sent')", {"state": "purchase"}, False),
    ("state not in ('draft', 'sent')", {"state": "sent"}, False),
    ("state not in ('draft', 'sent')", {"state": "cancel"}, True),
    ("tag in [1, 2]", {"tag": 2}, True),
    ("3 in tag_ids", {"tag_ids": [1, 3]}, True),
    ("3 not in tag_ids", {"tag_ids": []}, True),
    ("'at' in name", {"name": "cat"}, True),
    ("'dog' in name", {"name": "cat"}, False),
    ("qty < 5", {"qty": 3}, True),
    ("qty < 5", {"qty": 5}, False),
    ("qty > 9", {"qty": 10}, True),
    ("qty > 9", {"qty": 9}, False),
    ("qty <= 5", {"qty": 5}, True),
    ("qty <= 5", {"qty": 5.5}, False),
    ("qty >= 5.5", {"qty": 5}, False),
    ("qty >= 5.5", {"qty": 5.5}, True),
    ("qty > -1", {"qty": 0}, True),
    ("0 < qty <= 10", {"qty": 10}, True),
    ("0 < qty <= 10", {"qty": 0}, False),
    ("name < 'b'", {"name": "a"}, True),
    ("not on_hold", {"on_hold": False}, True),
    ("not on_hold", {"on_hold": True}, False),
    ("on_hold and hold_type == 'all'", {"on_hold": True, "hold_type": "all"}, True),
    ("on_hold and hold_type == 'all'", {"on_hold": False, "hold_type": "all"}, False),
    ("a or b", {"a": 0, "b": ""}, False),
    ("a or b", {"a": 0, "b": "x"}, True),
    ("not (a or b)", {"a": False, "b": False}, True),
    ("a or b and c", {"a": False, "b": True, "c": False}, False),
    ("a and b or c", {"a": False, "b": True, "c": True}, True),
    ("not a == 1", {"a": 2}, True),
    ("True", {}, True),
    ("False or x", {"x": 1}, True),
    ("tag_ids", {"tag_ids": []}, False),
    ("tag_ids", {"tag_ids": [1]}, True),
    ("name", {"name": ""}, False),
    ("qty", {"qty": 0}, False),
    ("qty", {"qty": 0.5}, True),
    ("flag == 0", {"flag": False}, True),
    ("flag == 1", {"flag": True}, True),
    ("partner_id == None", {"partner_id": None}, True),
    ("partner_id == None", {"partner_id": False}, False),
    ("partner_id != None", {"partner_id": 4}, True),
    ("partner_id", {"partner_id": None}, False),
    ("not partner_id", {"partner_id": False}, True),
    ("None in tag_ids", {"tag_ids": [None]}, True),
    ("tag_ids == [1, 2]", {"tag_ids": [1, 2]}, True),
    ("tag_ids == [1, 2]", {"tag_ids": [2, 1]}, False),
]

IDS = [f"{expression} | {values}" for expression, values, _ in CASES]


def web_module(server: Server, name: str) -> Any:
    """A module of the ``web`` addon, as the kernel (started by ``server``) loaded it."""
    return importlib.import_module(f"{ADDON_NAMESPACE}.web.render.{name}")


@pytest.mark.parametrize(("expression", "values", "expected"), CASES, ids=IDS)
def test_the_server_evaluator(server: Server, expression: str, values: dict[str, Any], expected: bool) -> None:
    assert web_module(server, "form").evaluate_modifier(expression, values) is expected


def test_the_client_interpreter_in_chromium(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/web/login")
    trees = [web_module(server, "conditions").compile_condition(expression) for expression, _, _ in CASES]
    results = page.evaluate("""async ([trees, values]) => {
        const { evaluateCondition } = await import("/web/static/conditions.js");
        return trees.map((tree, index) => evaluateCondition(tree, (name) => values[index][name]));
    }""", [trees, [values for _, values, _ in CASES]])
    failures = [(IDS[i], results[i]) for i, (_, _, expected) in enumerate(CASES) if results[i] is not expected]
    assert failures == []


@pytest.mark.parametrize("expression", ["len(name) > 2", "name.startswith('a')", "qty * 2 > 3", "x if y else z",
                                        "tags[0] == 1", "not in"])
def test_an_expression_the_client_cannot_interpret_is_refused_by_name(server: Server, expression: str) -> None:
    with pytest.raises(UserError, match="view condition") as caught:
        web_module(server, "conditions").compile_condition(expression)
    assert caught.value.code == "VIEW_MODIFIER"


def test_confirm_order_stays_after_mark_as_sent(page: Any, server: Server) -> None:
    """``invisible="state not in ('draft', 'sent')"`` on a sent RFQ: the button is shown, also after an edit."""
    with server.kernel.env() as env:
        vendor_type = env.ref("base.base_partner_type_vendor").id
        vendor = env["basepartner"].create({"name": "Sent Supplier", "partner_types": [(4, vendor_type)]})
        order = env["purchase.order"].create({"partner_id": vendor.id})
        action = env.ref("core_purchase.action_purchase_rfq").id
    log_in(page, server.url)
    page.goto(f"{server.url}/web/action/{action}/{order.id}")
    page.get_by_role("button", name="Mark as Sent").click()
    expect(page.locator("#field-state")).to_have_value("sent")
    confirm = page.get_by_role("button", name="Confirm Order")
    expect(confirm).to_be_visible()
    page.get_by_label("Order Date").fill("2026-02-01T09:00")  # an edit re-evaluates the conditions
    expect(confirm).to_be_visible()
    confirm.click()
    expect(page.locator("#field-state")).to_have_value("purchase")
    expect(confirm).to_be_hidden()
