"""Calendar dates of rounds: a start date and a period (day, week or month).

Round ``t`` covers the dates from ``date_of(t)`` up to, not including, ``date_of(t + 1)``.
A month round starts on the same day of the month as the start (clamped to the month's
length: a start on the 31st gives the 30th in a 30-day month).

>>> import datetime as dt
>>> cal = Calendar(dt.date(2025, 1, 20), "week")
>>> cal.date_of(2)
datetime.date(2025, 2, 3)
>>> cal.round_of(dt.date(2025, 2, 4))
2
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass
from typing import Literal

Period = Literal["day", "week", "month"]


@dataclass(frozen=True)
class Calendar:
    """When rounds happen: round 0 starts on ``start``; each round lasts one ``period``."""

    start: dt.date
    period: Period = "week"

    def date_of(self, t: int) -> dt.date:
        """First day of round ``t``."""
        if self.period == "day":
            return self.start + dt.timedelta(days=t)
        if self.period == "week":
            return self.start + dt.timedelta(weeks=t)
        months = self.start.month - 1 + t
        year, month = self.start.year + months // 12, months % 12 + 1
        day = min(self.start.day, _cal.monthrange(year, month)[1])
        return dt.date(year, month, day)

    def round_of(self, date: dt.date) -> int:
        """The round whose dates include ``date`` (negative before the start)."""
        days = (date - self.start).days
        if self.period == "day":
            return days
        if self.period == "week":
            return days // 7
        t = (date.year - self.start.year) * 12 + (date.month - self.start.month)
        while self.date_of(t) > date:
            t -= 1
        while self.date_of(t + 1) <= date:
            t += 1
        return t

    def dates(self, rounds: int) -> list[dt.date]:
        """First day of each of ``rounds`` rounds."""
        return [self.date_of(t) for t in range(rounds)]

    @property
    def unit(self) -> str:
        """The period in the plural, for axis labels ('days', 'weeks', 'months')."""
        return f"{self.period}s"
