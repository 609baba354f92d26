"""Every write moves ``write_date`` and ``write_uid``, also one that changes only many2many or one2many fields:
the web client's write-conflict check compares ``write_date``, so a relation change must show there."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from kernel.exceptions import ValidationError

LONG_AGO = dt.datetime(2020, 1, 1)


def stored_log(env: Any, record: Any) -> tuple[dt.datetime, int | None]:
    """``write_date`` and ``write_uid`` as stored in the row (not as cached)."""
    table = record._sql
    row = env.execute(sa.select(table.c.write_date, table.c.write_uid).where(table.c.id == record.id)).one()
    return row.write_date, row.write_uid


def made_long_ago(env: Any, record: Any) -> None:
    table = record._sql
    env.execute(sa.update(table).where(table.c.id == record.id).values(write_date=LONG_AGO, write_uid=None))
    env.transaction.invalidate()


@pytest.mark.parametrize("change", ["many2many link", "many2many replace", "one2many create", "one2many unlink"])
def test_a_write_of_relations_only_moves_write_date_and_write_uid(env, change):
    red = env["test.tag"].create({"name": "red"})
    partner = env["test.partner"].create({"name": "Holder", "child_ids": [(0, 0, {"name": "First Child"})]})
    made_long_ago(env, partner)
    vals = {"many2many link": {"tag_ids": [(4, red.id)]},
            "many2many replace": {"tag_ids": [(6, 0, [red.id])]},
            "one2many create": {"child_ids": [(0, 0, {"name": "Second Child"})]},
            "one2many unlink": {"child_ids": [(2, partner.child_ids.id)]}}[change]
    started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(seconds=1)
    partner.write(vals)
    write_date, write_uid = stored_log(env, partner)
    assert write_date >= started, f"a {change} left write_date at {write_date}"
    assert write_uid == env.uid
    assert partner.write_date == write_date, "the cache holds the stored value"


def test_a_write_of_nothing_but_unknown_relations_changes_nothing(env):
    partner = env["test.partner"].create({"name": "Untouched"})
    made_long_ago(env, partner)
    with pytest.raises(ValidationError, match="no_such_ids"):
        partner.write({"no_such_ids": [(6, 0, [])]})
    assert stored_log(env, partner) == (LONG_AGO, None)
