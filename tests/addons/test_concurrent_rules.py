"""Rules of document 003 under two concurrent writers, each on its own connection and thread.

The first writer's transaction stays open while the second one writes the
conflicting change; only then does the first commit.  On PostgreSQL (read
committed) the second must wait for the first (a unique index, a row lock or
an advisory lock) and then be refused with the error a single writer gets; on
SQLite writers are serialised (``BEGIN IMMEDIATE``) and must end the same way.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from kernel import Kernel
from kernel.db import writing
from kernel.exceptions import ValidationError

WAIT_LIMIT = 60.0  # seconds: a safety net for a hung test, never a measured duration


def _second_is_waiting(kernel: Kernel, thread: threading.Thread) -> bool:
    """Whether the second writer has finished or waits for a lock the first one holds."""
    if not thread.is_alive():
        return True
    if kernel.engine.dialect.name != "postgresql":
        return True  # SQLite: it waits in BEGIN IMMEDIATE or has not begun; either way it sees the first's commit
    with kernel.engine.connect() as connection:
        waiting = connection.execute(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )).scalar_one()
    return waiting > 0


def race(kernel: Kernel, first: Callable[[Any], Any], second: Callable[[Any], Any]) -> tuple[Any, Any]:
    """Run ``first`` in an open transaction, then ``second`` concurrently; what each returned or raised."""
    outcome: dict[str, Any] = {}
    begun = threading.Event()

    def run_second() -> None:
        begun.set()
        try:
            with writing(), kernel.env() as env:
                outcome["second"] = second(env)
        except ValidationError as exc:
            outcome["second"] = exc

    with writing(), kernel.env() as env:
        outcome["first"] = first(env)
        thread = threading.Thread(target=run_second)
        thread.start()
        begun.wait(WAIT_LIMIT)
        deadline = time.monotonic() + WAIT_LIMIT
        while not _second_is_waiting(kernel, thread) and time.monotonic() < deadline:
            time.sleep(0.02)
    thread.join(WAIT_LIMIT)
    assert not thread.is_alive(), "the second writer never finished"
    return outcome["first"], outcome["second"]


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def new_company(kernel: Kernel) -> int:
    with kernel.env() as env:
        return env["res.company"].create({"name": unique("PT Balapan")}).id


def _types(env: Any) -> dict[str, int]:
    return {"customer": env.ref("base.base_partner_type_customer").id,
            "vendor": env.ref("base.base_partner_type_vendor").id}


def _internal(kind: str, flag: str, company_id: int) -> Callable[[Any], Any]:
    def create(env: Any) -> Any:
        return env["basepartner"].create({"name": unique("Internal"), "company_id": company_id, flag: True,
                                          "partner_types": [(4, _types(env)[kind])]}).id
    return create


def test_two_internal_customers_or_suppliers_for_one_company_cannot_both_commit(erp_kernel: Kernel) -> None:
    for kind, flag, label in (("customer", "is_internal_customer", "customer"),
                              ("vendor", "is_internal_supplier", "supplier")):
        company_id = new_company(erp_kernel)
        first, second = race(erp_kernel, _internal(kind, flag, company_id), _internal(kind, flag, company_id))
        assert isinstance(second, ValidationError), f"two internal {label}s of one company were both committed"
        assert (second.code, second.status) == ("PARTY_INTERNAL_DUPLICATE", 409)
        assert f"Only one internal {label} is allowed per company" in str(second)
        assert f"(id {first})" in str(second)
        with erp_kernel.env() as env:
            holders = env["basepartner"].with_context(active_test=False).search(
                [(flag, "=", True), ("company_id", "=", company_id)])
            assert holders.ids == [first]


def _tree(kernel: Kernel, model: str) -> tuple[int, int, int]:
    """A group node, a leaf under it and a customer without a node."""
    with kernel.env() as env:
        group = env[model].create({"name": unique("Group"), "is_group": True})
        leaf = env[model].create({"name": unique("Leaf"), "parent_id": group.id})
        partner = env["basepartner"].create({"name": unique("Buyer"), "partner_types": [(4, _types(env)["customer"])]})
        return group.id, leaf.id, partner.id


def test_assigning_a_leaf_and_making_it_a_group_cannot_both_commit(erp_kernel: Kernel) -> None:
    for model, field in (("customer.group", "customer_group"), ("sales.territory", "territory")):
        for assign_first in (True, False):
            _group, leaf, partner = _tree(erp_kernel, model)

            def assign(env: Any, partner: int = partner, leaf: int = leaf, field: str = field) -> None:
                env["basepartner"].browse(partner).write({field: leaf})

            def make_group(env: Any, model: str = model, leaf: int = leaf) -> None:
                env[model].browse(leaf).write({"is_group": True})

            _, second = race(erp_kernel, *((assign, make_group) if assign_first else (make_group, assign)))
            assert isinstance(second, ValidationError), f"{model}: a customer was left on a group node"
            assert (second.code, second.status) == ("PARTY_GROUP_ASSIGNMENT", 422)
            expected = "cannot become a group node" if assign_first else "Cannot assign a group node"
            assert expected in str(second)
            with erp_kernel.env() as env:
                node = env[model].browse(leaf)
                holders = env["basepartner"].with_context(active_test=False).search([(field, "=", leaf)])
                assert not (node.is_group and holders), f"{model}: {holders.ids} on group node {leaf}"


def test_two_partners_with_one_name_cannot_both_commit_when_names_are_unique(erp_kernel: Kernel) -> None:
    name = unique("Sumber Balapan")
    with erp_kernel.env() as env:
        env["ir.config_parameter"].set_param("base.partner_unique_names", "True")
    try:
        first, second = race(erp_kernel, lambda env: env["basepartner"].create({"name": name}).id,
                             lambda env: env["basepartner"].create({"name": f" {name.upper()} "}).id)
    finally:
        with erp_kernel.env() as env:
            env["ir.config_parameter"].set_param("base.partner_unique_names", "False")
    assert isinstance(second, ValidationError), "two partners with one name were both committed"
    assert (second.code, second.status) == ("PARTY_DUPLICATE_NAME", 409)
    assert f"{name!r} (id {first})" in str(second)
    with erp_kernel.env() as env:
        assert env["basepartner"].search_count([("name", "=ilike", name)]) == 1
