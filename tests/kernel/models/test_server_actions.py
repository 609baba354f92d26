"""Server actions: a model's method run record by record, each outcome reported (one refusal does not stop
the others nor keep its changes); a large selection is queued as a job a real worker runs with progress."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kernel import Kernel, UserError, ValidationError
from kernel.db import writing
from kernel.testing.workers import job_row, jobs_config, kernel_for, running_worker, wait_finished

FAST = {"heartbeat": 0.5, "heartbeat_timeout": 3, "polling_interval": 0.05, "resend_after": 5}


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["master_sale"]


def quotations(env: Any, limit: int, amounts: list[int]) -> Any:
    company = env.ref("base.main_company")
    customer = env["basepartner"].create({
        "name": f"Limited {limit}", "partner_types": [(4, env.ref("base.base_partner_type_customer").id)],
        "credit_limits": [(0, 0, {"company_id": company.id, "amount": limit})]})
    return env["sale.order"].create([{"partner_id": customer.id, "company_id": company.id,
                                      "order_line": [(0, 0, {"name": "Item", "price_unit": amount})]}
                                     for amount in amounts])


def test_each_record_is_reported_and_a_refusal_keeps_only_its_own_changes_out(env: Any) -> None:
    orders = quotations(env, 1000, [400, 500, 300])  # the third takes the customer over its limit
    action = env.ref("master_sale.action_server_confirm_quotations")
    results = action.run(orders.ids)
    assert [(row["id"], row["status"]) for row in results] == [
        (orders[0].id, "done"), (orders[1].id, "done"), (orders[2].id, "failed")]
    assert "credit limit exceeded" in results[2]["message"] and results[0]["message"] == ""
    assert orders.mapped("state") == ["sale", "sale", "draft"]


def test_the_action_is_bound_to_its_model_and_bad_actions_are_refused(env: Any) -> None:
    assert env.ref("master_sale.action_server_confirm_quotations") in env["ir.actions.server"].bound_to("sale.order")
    model = env.ref("master_sale.model_sale_order")
    for method in ("no_such_method", "_check_credit", "name"):
        with pytest.raises(ValidationError, match="has no public method"):
            env["ir.actions.server"].create({"name": "Bad", "model_id": model.id, "method": method})
    with pytest.raises(UserError, match="Select at least one record"):
        env.ref("master_sale.action_server_confirm_quotations").run([])


def test_more_records_than_the_threshold_run_as_a_job_with_progress(erp_kernel: Kernel, tmp_path: Path) -> None:
    config = jobs_config(tmp_path / "erp.toml", erp_kernel, FAST)
    with open(config, "a") as file:
        file.write("\n[actions]\njob_threshold = 2\n")
    kernel = kernel_for(config)
    try:
        with writing(), kernel.env() as env:
            orders = quotations(env, 10_000, [100, 200, 20_000])
            outcome = env.ref("master_sale.action_server_confirm_quotations").run_or_queue(orders.ids)
            job_id, order_ids = outcome["job"].id, orders.ids
            assert "results" not in outcome
        assert job_row(kernel, job_id).state == "queued"
        with running_worker(config):
            done = wait_finished(kernel, job_id, timeout=60)
        assert (done.state, done.progress) == ("done", 100)
        results = json.loads(done.result)
        assert [row["status"] for row in results] == ["done", "done", "failed"]
        with kernel.env() as env:
            assert env["sale.order"].browse(order_ids).mapped("state") == ["sale", "sale", "draft"]
    finally:
        kernel.close()
