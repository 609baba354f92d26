"""Batch helpers of the ORM: several sequence numbers at once, x2many link commands shared by a batch."""

from __future__ import annotations

import pytest

from kernel.exceptions import ValidationError


def test_next_many_by_code_takes_consecutive_numbers_in_one_go(env):
    sequences = env["ir.sequence"]
    sequences.create({"name": "Batch", "code": "test.batch", "prefix": "B", "padding": 3, "number_increment": 2})
    assert sequences.next_many_by_code("test.batch", 3) == ["B001", "B003", "B005"]
    assert sequences.next_by_code("test.batch") == "B007"
    assert sequences.next_many_by_code("test.batch", 0) == []
    with pytest.raises(ValidationError) as info:
        sequences.next_many_by_code("test.unknown", 2)
    assert info.value.code == "SEQUENCE_UNKNOWN"


def test_records_created_with_the_same_link_commands_share_one_relation_write(env):
    red, blue = env["test.tag"].create([{"name": "red"}, {"name": "blue"}])
    partners = env["test.partner"].create([
        {"name": "a", "tag_ids": [(6, 0, [red.id, blue.id])]},
        {"name": "b", "tag_ids": [(6, 0, [red.id, blue.id])]},
        {"name": "c", "tag_ids": [(4, red.id)]},
        {"name": "d", "tag_ids": [(0, 0, {"name": "own d"})]},
        {"name": "e", "tag_ids": [(0, 0, {"name": "own e"})]},
        {"name": "f"},
    ])
    assert [sorted(p.tag_ids.mapped("name")) for p in partners] == [
        ["blue", "red"], ["blue", "red"], ["red"], ["own d"], ["own e"], []]
    assert red.partner_ids == partners[:3]


def test_shared_link_commands_still_refuse_unknown_ids(env):
    with pytest.raises(ValidationError) as info:
        env["test.partner"].create([{"name": "x", "tag_ids": [(4, 999999)]}, {"name": "y", "tag_ids": [(4, 999999)]}])
    assert info.value.code == "REFERENCE_MISSING"
