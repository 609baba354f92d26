"""``onchange``: a form's values recomputed and completed by the ``@api.onchange`` methods, nothing stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kernel import ValidationError
from kernel.orm import Command

SPEC = {
    "name": {}, "partner_id": {"fields": {"display_name": {}}}, "date": {}, "state": {}, "partner_city": {},
    "amount_total": {}, "line_ids": {"fields": {"product": {}, "quantity": {}, "price": {}, "amount": {}}},
}


@pytest.fixture
def acme(env):
    return env["test.partner"].create({"name": "Acme", "city": "Jakarta"})


def test_a_new_form_gets_the_defaults_and_every_shown_field(env):
    result = env["test.order"].onchange({}, [], SPEC)
    assert result["value"]["state"] == "draft"
    assert result["value"]["line_ids"] == [(5, 0, 0)]
    assert result["value"]["amount_total"] == Decimal(0)
    assert result["value"]["partner_id"] is False and "warning" not in result


def test_choosing_a_partner_runs_its_onchange_then_the_onchanges_of_what_it_set(env, acme):
    values = {"name": False, "partner_id": acme.id, "date": False, "state": "draft", "partner_city": False,
              "amount_total": 0, "line_ids": []}
    result = env["test.order"].onchange(values, ["partner_id"], SPEC)
    assert result["value"] == {
        "partner_id": {"id": acme.id, "display_name": "Acme"}, "name": "Order for Acme",
        "date": dt.date(2026, 1, 2), "partner_city": "Jakarta",
    }, "what changed comes back: the partner with its name, the related city, the name the method set, " \
       "the date the name's onchange set"
    assert "warning" not in result


def test_an_onchange_warning_and_domain_come_back(env):
    cityless = env["test.partner"].create({"name": "Nowhere Ltd"})
    result = env["test.order"].onchange({"name": "Mine", "partner_id": cityless.id}, ["partner_id"], SPEC)
    assert result["warning"] == {"title": "No city", "message": "Nowhere Ltd has no city", "type": "dialog"}
    assert result["domain"] == {"partner_id": [("city", "!=", False)]}
    assert "name" not in result["value"], "a name the user typed stays"


def test_editing_lines_recomputes_their_amounts_and_the_total_live(env, acme):
    lines = [Command.create({"product": "a", "quantity": 2, "price": "1.50", "amount": 0}),
             Command.create({"product": "b", "quantity": 1, "price": "4.00", "amount": 0})]
    values = {"name": "SO", "partner_id": acme.id, "amount_total": 0, "line_ids": lines}
    result = env["test.order"].onchange(values, ["line_ids"], SPEC)
    assert result["value"]["amount_total"] == Decimal("7.00")
    assert result["value"]["line_ids"] == [
        (5, 0, 0),
        (0, 0, {"product": "a", "quantity": 2, "price": Decimal("1.50"), "amount": Decimal("3.00")}),
        (0, 0, {"product": "b", "quantity": 1, "price": Decimal("4.00"), "amount": Decimal("4.00")}),
    ]


def test_an_existing_record_is_edited_in_memory_and_nothing_is_stored(env, acme):
    order = env["test.order"].create({"name": "SO1", "partner_id": acme.id, "line_ids": [
        Command.create({"product": "a", "quantity": 2, "price": 1}),
        Command.create({"product": "b", "quantity": 1, "price": 4})]})
    first, second = order.line_ids
    result = order.onchange({"line_ids": [Command.update(first.id, {"quantity": 10})]}, ["line_ids"], SPEC)
    assert result["value"]["amount_total"] == Decimal("14.00"), "the other line comes from the stored order"
    assert result["value"]["line_ids"][1] == (1, first.id, {"product": "a", "quantity": 10, "price": Decimal("1.00"),
                                                             "amount": Decimal("10.00")})
    env.transaction.invalidate()
    assert (order.amount_total, first.quantity, first.amount) == (Decimal("6.00"), 2, Decimal("2.00"))
    assert env["test.order.line"].search_count([("order_id", "=", order.id)]) == 2


def test_odoo_16_calling_convention(env, acme):
    spec = {"name": "1", "partner_id": "1", "date": "", "line_ids": "", "line_ids.product": "", "line_ids.amount": ""}
    result = env["test.order"].onchange({"name": False, "partner_id": acme.id, "line_ids": []}, "partner_id", spec)
    assert result["value"] == {"partner_id": (acme.id, "Acme"), "name": "Order for Acme", "date": dt.date(2026, 1, 2)}
    first = env["test.order"].onchange({}, False, spec)
    assert first["value"]["partner_id"] is False and first["value"]["line_ids"] == [(5, 0, 0)]
    chosen = env["test.order"].onchange({"partner_id": False}, "partner_id", {**spec, "partner_id": "1"})
    assert chosen["value"] == {}
    picked = env["test.order"].with_context(default_partner_id=acme.id).onchange({}, False, spec)
    assert picked["value"]["partner_id"] == (acme.id, "Acme"), "Odoo 16 clients get (id, name) pairs"


def test_new_records_compute_from_memory_and_read_their_origin(env, acme):
    draft = env["test.order"].new({"partner_id": acme.id, "line_ids": [Command.create({"product": "x", "quantity": 1, "price": 5})]})
    assert not draft.id and draft.partner_city == "Jakarta" and draft.amount_total == Decimal(5)
    draft.line_ids.quantity = 3
    assert draft.amount_total == Decimal(15), "setting a field recomputes what depends on it"
    stored = env["test.order"].create({"name": "SO2", "partner_id": acme.id, "state": "sale"})
    copy = env["test.order"].new({"name": "SO2 bis"}, origin=stored)
    assert (copy.name, copy.state, copy.partner_id) == ("SO2 bis", "sale", acme)
    assert env["test.order"].search_count([("name", "=", "SO2 bis")]) == 0


@pytest.mark.parametrize(("values", "names", "message"), [
    ({"nmae": "x"}, [], r"test.order has no field 'nmae'; did you mean 'name'"),
    ({}, ["partner"], r"test.order has no field 'partner'; did you mean 'partner_id'"),
    ([("name", "x")], [], "values must be a dictionary"),
])
def test_bad_onchange_calls_are_refused_with_a_clear_error(env, values, names, message):
    with pytest.raises(ValidationError, match=message):
        env["test.order"].onchange(values, names, SPEC)


def test_an_onchange_naming_an_unknown_field_is_refused_at_registry_build():
    from kernel import ModelDefinitionError
    from kernel.models import CORE_MODELS
    from kernel.orm import Model, api, fields
    from kernel.orm.registry import Registry

    class Typo(Model):
        _name = "test.onchange.typo"
        partner = fields.Char()

        @api.onchange("partnr")
        def _onchange_partner(self):
            pass

    with pytest.raises(ModelDefinitionError, match=r"field 'partnr': @onchange of _onchange_partner names an unknown "
                                                   r"field; did you mean 'partner'\?"):
        Registry([("base", CORE_MODELS), ("extra", [Typo])])
