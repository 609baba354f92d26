"""Computed, related, inverse and constrained fields, recomputed when what they depend on changes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kernel import ValidationError
from kernel.orm import Command


@pytest.fixture
def order(env):
    partner = env["test.partner"].create({"name": "Acme", "city": "Jakarta"})
    return env["test.order"].create({
        "name": "SO1", "partner_id": partner.id, "state": "sale",
        "line_ids": [Command.create({"product": "a", "quantity": 2, "price": "1.50"}),
                     Command.create({"product": "b", "quantity": 1, "price": "4.00"})],
    })


def stored(record, name):
    """The value as the database holds it (cache dropped first)."""
    record.env.transaction.invalidate()
    return record[name]


def test_stored_compute_on_create_and_through_one2many(order):
    assert stored(order, "amount_total") == Decimal("7.00")
    assert [line.amount for line in order.line_ids] == [Decimal("3.00"), Decimal("4.00")]
    assert stored(order.partner_id, "total_sales") == Decimal("7.00")


def test_changing_a_line_recomputes_the_chain(order):
    order.line_ids[0].write({"quantity": 10})
    assert stored(order, "amount_total") == Decimal("19.00")
    assert stored(order.partner_id, "total_sales") == Decimal("19.00")


def test_adding_moving_and_deleting_lines_recomputes_old_and_new_parents(env, order):
    other = env["test.order"].create({"name": "SO2", "partner_id": order.partner_id.id, "state": "sale"})
    line = order.line_ids[1]
    line.order_id = other
    assert stored(order, "amount_total") == Decimal("3.00")
    assert stored(other, "amount_total") == Decimal("4.00")
    env["test.order.line"].create({"order_id": other.id, "product": "c", "price": 1})
    assert stored(other, "amount_total") == Decimal("5.00")
    line.unlink()
    assert stored(other, "amount_total") == Decimal("1.00")
    assert stored(order.partner_id, "total_sales") == Decimal("4.00")


def test_a_dependency_on_another_field_of_the_target(order):
    order.state = "cancel"
    assert stored(order.partner_id, "total_sales") == Decimal("0.00")
    order.state = "sale"
    assert stored(order.partner_id, "total_sales") == Decimal("7.00")


def test_stored_related_follows_its_source(env, order):
    assert stored(order, "partner_name") == "Acme"
    order.partner_id.name = "Acme Corp"
    assert stored(order, "partner_name") == "Acme Corp"
    other = env["test.partner"].create({"name": "Beta"})
    order.partner_id = other
    assert stored(order, "partner_name") == "Beta"
    assert env["test.order"].search([("partner_name", "=", "Beta")]) == order


def test_a_stored_related_two_relations_away_follows_every_link(env, order):
    """``test.order.line.customer`` is ``order_id.partner_id.name``, stored: a change at any hop reaches it."""
    lines = order.line_ids
    other_order = env["test.order"].create({"name": "SO2", "partner_id": order.partner_id.id,
                                            "line_ids": [Command.create({"product": "c"})]})
    every_line = lines | other_order.line_ids
    assert [stored(line, "customer") for line in every_line] == ["Acme"] * 3
    order.partner_id.name = "Acme Corp"  # the far end: every line of every order of the partner
    assert [stored(line, "customer") for line in every_line] == ["Acme Corp"] * 3
    beta = env["test.partner"].create({"name": "Beta"})
    order.partner_id = beta  # the middle hop: only this order's lines
    assert [stored(line, "customer") for line in every_line] == ["Beta", "Beta", "Acme Corp"]
    lines[0].order_id = other_order  # the first hop
    assert stored(lines[0], "customer") == "Acme Corp"
    assert env["test.order.line"].search([("customer", "=", "Beta")]) == lines[1]


def test_non_stored_compute_and_related_are_fresh_after_changes(env, order):
    partner = order.partner_id
    assert partner.order_count == 1 and order.partner_city == "Jakarta"
    env["test.order"].create({"name": "SO3", "partner_id": partner.id})
    partner.city = "Bandung"
    assert partner.order_count == 2 and order.partner_city == "Bandung"
    with pytest.raises(ValidationError, match="computed and not stored"):
        env["test.partner"].search([("order_count", "=", 2)])
    assert env["test.order"].search([("partner_city", "=", "Bandung")]), "a related field is searchable"


def test_a_non_stored_compute_on_a_stored_compute_is_fresh_after_a_write(env):
    """Invalidating "every record" of ``b`` must survive being merged with other targets (issue 13, point 25)."""
    d, other = env["test.chain"].create([{"x": 1}, {"x": 2}])
    assert (d.a, d.b, other.b) == (2, 3, 5)
    d.x = 5
    assert d.a == 10
    assert d.b == 11
    other.write({"x": 7})
    assert (d.b, other.b) == (11, 15)


def test_inverse_writes_back(env):
    partner = env["test.partner"].create({"name": "lower"})
    assert partner.upper_name == "LOWER"
    partner.upper_name = "NEW NAME"
    assert stored(partner, "name") == "New Name"
    created = env["test.partner"].create({"name": "x", "upper_name": "FROM INVERSE"})
    assert stored(created, "name") == "From Inverse"


def test_related_inverse_writes_the_source(order):
    order.write({"partner_city": "Medan"})
    assert stored(order.partner_id, "city") == "Medan"


def test_constraints_run_after_create_and_write(env):
    with pytest.raises(ValidationError, match="rank of Neg cannot be negative"):
        env["test.partner"].create({"name": "Neg", "rank": -1})
    partner = env["test.partner"].create({"name": "Pos", "rank": 1})
    with pytest.raises(ValidationError, match="cannot be negative"):
        partner.write({"rank": -5})
    partner.write({"city": "untouched constraint"})


def test_parent_store_paths_and_cycles(env):
    root = env["test.category"].create({"name": "root"})
    mid = env["test.category"].create({"name": "mid", "parent_id": root.id})
    leaf = env["test.category"].create({"name": "leaf", "parent_id": mid.id})
    assert stored(leaf, "parent_path") == f"{root.id}/{mid.id}/{leaf.id}/"
    other = env["test.category"].create({"name": "other"})
    mid.parent_id = other
    assert stored(leaf, "parent_path") == f"{other.id}/{mid.id}/{leaf.id}/"
    assert env["test.category"].search([("id", "child_of", other.id)]) == other | mid | leaf
    with pytest.raises(ValidationError, match="cannot be its own ancestor"):
        other.parent_id = leaf
    assert root.child_ids.ids == []


def test_delegation_inherits_creates_and_writes_the_parent(env):
    employee = env["test.employee"].create({"name": "Dewi", "city": "Bogor", "job": "Buyer"})
    partner = employee.partner_id
    assert partner.name == "Dewi" and partner.city == "Bogor" and employee.job == "Buyer"
    assert employee.name == "Dewi"
    employee.write({"city": "Depok"})
    assert stored(partner, "city") == "Depok"
    assert env["test.employee"].search([("city", "=", "Depok")]) == employee
    existing = env["test.partner"].create({"name": "Rudi"})
    linked = env["test.employee"].create({"partner_id": existing.id, "job": "Driver"})
    assert linked.name == "Rudi"
    employee.unlink()
    assert partner.exists(), "deleting the child keeps the parent"
