"""Every field type: round trip through the database, conversions, and refusals."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

import pytest

from kernel import ValidationError
from kernel.orm import Command


def reread(record):
    """The record in a fresh cache, so values come from the database."""
    record.env.transaction.invalidate()
    return record


def test_every_scalar_type_round_trips(env):
    tag = env["test.tag"].create({"name": "t"})
    category = env["test.category"].create({"name": "c"})
    values = {
        "name": "Acme", "email": "hello@acme.test", "rank": 42, "score": 2.5, "balance": Decimal("1234.56"),
        "birthday": dt.date(1990, 5, 17), "last_seen": dt.datetime(2024, 1, 2, 3, 4, 5), "notes": "line 1\nline 2",
        "bio": "<p>Hi</p>", "photo": b"\x00\x01binary", "data": {"a": [1, 2], "b": None}, "is_company": True,
        "kind": "company", "category_id": category.id, "tag_ids": [Command.link(tag.id)],
    }
    partner = reread(env["test.partner"].create(values))
    for name, value in values.items():
        if name == "category_id":
            assert partner.category_id == category
        elif name == "tag_ids":
            assert partner.tag_ids == tag
        else:
            assert partner[name] == value, name
    assert isinstance(partner.balance, Decimal)
    row = partner.read(["photo", "category_id", "tag_ids", "birthday"])[0]
    assert row["photo"] == base64.b64encode(b"\x00\x01binary").decode()
    assert row["category_id"] == (category.id, "c")
    assert row["tag_ids"] == [tag.id]


def test_empty_values_read_as_odoo_does(env):
    partner = reread(env["test.partner"].create({"name": "Empty"}))
    assert partner.email is False and partner.rank == 0 and partner.score == 0.0
    assert partner.balance == Decimal("0.00") and partner.birthday is False and partner.data is None
    assert not partner.category_id and partner.category_id._name == "test.category"
    assert not partner.tag_ids and partner.is_company is False
    row = partner.read(["email", "rank", "category_id", "tag_ids", "birthday", "photo"])[0]
    assert row == {"id": partner.id, "email": False, "rank": 0, "category_id": False, "tag_ids": [],
                   "birthday": False, "photo": False}


def test_char_is_trimmed_limited_and_empty_becomes_null(env):
    partner = env["test.partner"].create({"name": "  Spaced  ", "email": "   "})
    assert reread(partner).name == "Spaced" and partner.email is False
    with pytest.raises(ValidationError, match=r"test.partner.name .*at most 255 characters"):
        env["test.partner"].create({"name": "x" * 256})


def test_decimal_is_exact_and_rounded_half_up(env):
    partners = env["test.partner"].create([{"name": "a", "balance": "0.105"}, {"name": "b", "balance": 0.1},
                                           {"name": "c", "balance": Decimal("0.2")}])
    reread(partners)
    assert [p.balance for p in partners] == [Decimal("0.11"), Decimal("0.10"), Decimal("0.20")]
    assert sum(p.balance for p in partners[1:]) == Decimal("0.30")
    with pytest.raises(ValidationError, match="at most 14 digits"):
        env["test.partner"].create({"name": "huge", "balance": Decimal("1e15")})


def test_datetime_is_stored_in_utc_without_microseconds(env):
    aware = dt.datetime(2024, 6, 1, 12, 30, 15, 999, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    partner = reread(env["test.partner"].create({"name": "tz", "last_seen": aware}))
    assert partner.last_seen == dt.datetime(2024, 6, 1, 5, 30, 15)
    partner.last_seen = "2024-06-01 08:00:00"
    assert reread(partner).last_seen == dt.datetime(2024, 6, 1, 8, 0, 0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rank", "12", "expected an integer"),
        ("rank", True, "expected an integer"),
        ("rank", 2**40, "between"),
        ("score", "1.5", "expected a number"),
        ("balance", "abc", "expected a decimal number"),
        ("is_company", "yes", "True or False"),
        ("birthday", "17/05/1990", "YYYY-MM-DD"),
        ("last_seen", "yesterday", "date and time"),
        ("kind", "robot", "one of 'person', 'company'"),
        ("photo", "not base64!", "base64"),
        ("category_id", "c", "the id of a test.category record"),
        ("name", 12, "expected text"),
    ],
)
def test_bad_values_are_refused_naming_the_field(env, field, value, message):
    before = env["test.partner"].search_count([])
    with pytest.raises(ValidationError, match=message) as info:
        env["test.partner"].create({"name": "x", field: value} if field != "name" else {field: value})
    assert f"test.partner.{field}" in str(info.value)
    assert env["test.partner"].search_count([]) == before


def test_required_and_unknown_fields_are_refused(env):
    with pytest.raises(ValidationError, match=r"Name \(name\) is required"):
        env["test.partner"].create({"email": "x@y.z"})
    with pytest.raises(ValidationError, match="has no field 'nope'"):
        env["test.partner"].create({"name": "x", "nope": 1})
    partner = env["test.partner"].create({"name": "x"})
    with pytest.raises(ValidationError, match="is required"):
        partner.write({"name": False})


def test_many2many_commands(env):
    red, green, blue = env["test.tag"].create([{"name": "red"}, {"name": "green"}, {"name": "blue"}])
    partner = env["test.partner"].create({"name": "p", "tag_ids": [Command.set([red.id, green.id])]})
    assert reread(partner).tag_ids == red | green
    partner.write({"tag_ids": [Command.unlink(red.id), Command.link(blue.id)]})
    assert reread(partner).tag_ids == green | blue
    partner.write({"tag_ids": [Command.create({"name": "new"})]})
    assert "new" in reread(partner).tag_ids.mapped("name")
    partner.write({"tag_ids": [Command.update(green.id, {"color": 5})]})
    assert green.color == 5
    partner.write({"tag_ids": [Command.clear()]})
    assert not reread(partner).tag_ids
    partner.write({"tag_ids": [red.id, blue.id]})
    assert reread(partner).tag_ids == red | blue
    assert reread(red).partner_ids == partner, "the other side of the relation sees the link"
    partner.write({"tag_ids": [Command.delete(blue.id)]})
    assert not blue.exists() and reread(partner).tag_ids == red
    with pytest.raises(ValidationError, match="do not exist"):
        partner.write({"tag_ids": [Command.link(99999)]})
    with pytest.raises(ValidationError, match="command tuple"):
        partner.write({"tag_ids": [("link", 1)]})


def test_one2many_commands(env):
    partner = env["test.partner"].create({"name": "p"})
    order = env["test.order"].create({"name": "SO", "partner_id": partner.id, "line_ids": [
        Command.create({"product": "a", "price": 1}), Command.create({"product": "b", "price": 2})]})
    first, second = order.line_ids
    order.write({"line_ids": [Command.update(first.id, {"quantity": 3}), Command.delete(second.id)]})
    assert reread(order).line_ids == first and first.quantity == 3 and not second.exists()
    other = env["test.order"].create({"name": "SO2", "partner_id": partner.id})
    other.write({"line_ids": [Command.link(first.id)]})
    assert reread(order).line_ids.ids == [] and other.line_ids == first
    other.write({"line_ids": [Command.unlink(first.id)]})
    assert not first.exists(), "a required inverse means unlinking a line deletes it"
    other.write({"line_ids": [Command.create({"product": "c"}), Command.create({"product": "d"})]})
    keep = other.line_ids[0]
    other.write({"line_ids": [Command.set([keep.id])]})
    assert reread(other).line_ids == keep


def test_selection_extended_and_json_values(env):
    field = env["test.partner"]._fields["kind"]
    assert field.get_selection(env["test.partner"]) == [("person", "Person"), ("company", "Company")]
    partner = env["test.partner"].create({"name": "j", "data": [1, "two", {"three": 3.0}]})
    assert reread(partner).data == [1, "two", {"three": 3.0}]
