"""Crontab expressions (``minute hour day-of-month month day-of-week``) for ``ir.cron``, in UTC.

Each field takes ``*``, a number, a range ``a-b``, a step ``*/n`` or ``a-b/n``
and comma-separated lists of those; day-of-week counts from Sunday (0 or 7).
As in cron, when both day fields are restricted a day matching either runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..exceptions import ValidationError

FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7))
SEARCH_DAYS = 366 * 5  # far enough for 29 February


def _error(expression: str, why: str) -> ValidationError:
    return ValidationError(f"crontab {expression!r}: {why} (expected 'minute hour day month weekday', "
                           "e.g. '30 2 * * *' for 02:30 every day)", code="CRON_EXPRESSION_INVALID")


def _number(expression: str, name: str, text: str, low: int, high: int) -> int:
    if not text.isdigit():
        raise _error(expression, f"{name} {text!r} is not a number")
    value = int(text)
    if not low <= value <= high:
        raise _error(expression, f"{name} {value} is outside {low}-{high}")
    return value


def _field(expression: str, name: str, text: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        step = _number(expression, f"{name} step", step_text, 1, high) if step_text else 1
        if span == "*":
            start, end = low, high
        elif "-" in span:
            first, _, last = span.partition("-")
            start, end = _number(expression, name, first, low, high), _number(expression, name, last, low, high)
            if start > end:
                raise _error(expression, f"{name} range {span!r} runs backwards")
        else:
            start = end = _number(expression, name, span, low, high)
            if step_text:
                end = high
        values.update(range(start, end + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class Crontab:
    """A parsed expression: the allowed values of each field."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool
    any_weekday: bool

    @classmethod
    def parse(cls, expression: str) -> Crontab:
        parts = (expression or "").split()
        if len(parts) != 5:
            raise _error(expression, f"{len(parts)} fields instead of 5")
        minutes, hours, days, months, weekdays = (
            _field(expression, name, text, low, high) for (name, low, high), text in zip(FIELDS, parts))
        return cls(expression, minutes, hours, days, months, frozenset(day % 7 for day in weekdays),
                   parts[2] == "*", parts[4] == "*")

    def _day_matches(self, moment: datetime) -> bool:
        if moment.month not in self.months:
            return False
        by_day = moment.day in self.days
        by_weekday = (moment.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return by_day and by_weekday
        return by_day or by_weekday

    def next_after(self, moment: datetime) -> datetime:
        """The first matching minute strictly after ``moment``."""
        candidate = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = candidate.replace(hour=0, minute=0)
        for _ in range(SEARCH_DAYS):
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        at = day.replace(hour=hour, minute=minute)
                        if at >= candidate:
                            return at
            day += timedelta(days=1)
        raise _error(self.expression, "it never matches a real date")
