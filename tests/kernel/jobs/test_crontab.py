"""Crontab expressions of ``ir.cron``: parsing, refusals, next run times."""

from __future__ import annotations

from datetime import datetime

import pytest

from kernel.exceptions import ValidationError
from kernel.models.crontab import Crontab


@pytest.mark.parametrize("expression, after, expected", [
    ("* * * * *", datetime(2026, 1, 1, 8, 0, 30), datetime(2026, 1, 1, 8, 1)),
    ("30 2 * * *", datetime(2026, 1, 1, 8, 0), datetime(2026, 1, 2, 2, 30)),
    ("*/15 * * * *", datetime(2026, 1, 1, 8, 16), datetime(2026, 1, 1, 8, 30)),
    ("0 9-17/4 * * *", datetime(2026, 1, 1, 13, 0), datetime(2026, 1, 1, 17, 0)),
    ("0 0 * * 1", datetime(2026, 1, 1, 0, 0), datetime(2026, 1, 5, 0, 0)),  # 1 January 2026 is a Thursday
    ("0 0 * * 7", datetime(2026, 1, 1, 0, 0), datetime(2026, 1, 4, 0, 0)),  # 7 is Sunday too
    ("0 0 13 * 5", datetime(2026, 1, 1, 0, 0), datetime(2026, 1, 2, 0, 0)),  # the 13th or a Friday
    ("0 0 29 2 *", datetime(2026, 3, 1, 0, 0), datetime(2028, 2, 29, 0, 0)),
    ("5,10 0 1 1,6 *", datetime(2026, 1, 1, 0, 5), datetime(2026, 1, 1, 0, 10)),
])
def test_next_run(expression, after, expected):
    assert Crontab.parse(expression).next_after(after) == expected


@pytest.mark.parametrize("expression, error", [
    ("* * * *", "4 fields instead of 5"),
    ("60 * * * *", "minute 60 is outside 0-59"),
    ("* 24 * * *", "hour 24 is outside 0-23"),
    ("* * 0 * *", "day of month 0 is outside 1-31"),
    ("* * * 13 *", "month 13 is outside 1-12"),
    ("* * * * mon", "day of week 'mon' is not a number"),
    ("5-1 * * * *", "minute range '5-1' runs backwards"),
    ("*/0 * * * *", "minute step 0 is outside 1-59"),
    ("0 0 31 2 *", "it never matches a real date"),
])
def test_bad_expressions_name_the_field(expression, error):
    with pytest.raises(ValidationError, match=error) as raised:
        Crontab.parse(expression).next_after(datetime(2026, 1, 1))
    assert raised.value.code == "CRON_EXPRESSION_INVALID"
