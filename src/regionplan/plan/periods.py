"""Periods and their reference points.

Statistics are counted at different moments: Statistics Norway counts the
population on 1 January, jobs in the 4th quarter, new enterprises over a year.
A :class:`Period` knows what it covers; its :attr:`Period.time` places it on one
time axis (decimal years) by one documented rule:

* an instant (a stock counted on a day) stands at that day;
* a month, quarter or year stands at its **end**.

So jobs in Q4 2019 (time 2020.0) align with the population on 1 January 2020
(time 2020.0), and growth between the two is measured over the same interval.
A :class:`PeriodSpec` tells how a metric's raw period labels (``"2019"``) are read.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
import re

import attrs

__all__ = ["PLAN_YEARS", "Period", "PeriodKind", "PeriodSpec", "parse_period", "spec_problem"]


class PeriodKind(enum.Enum):
    """What a period covers."""

    INSTANT = "instant"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


def _decimal_year(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


@attrs.frozen(order=True)
class Period:
    """A span of time (or an instant) that an observation describes.

    Attributes:
        start: the first day covered (the day itself for an instant).
        kind: instant, month, quarter or year.
    """

    start: dt.date
    kind: PeriodKind = attrs.field(order=lambda k: k.value)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), PeriodKind.YEAR)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            msg = f"quarter must be 1 to 4, not {quarter}"
            raise ValueError(msg)
        return cls(dt.date(year, 3 * quarter - 2, 1), PeriodKind.QUARTER)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), PeriodKind.MONTH)

    @classmethod
    def instant(cls, day: dt.date) -> Period:
        return cls(day, PeriodKind.INSTANT)

    @property
    def end(self) -> dt.date:
        """The first day after the period (the next day for an instant)."""
        s = self.start
        if self.kind is PeriodKind.INSTANT:
            return s + dt.timedelta(days=1)
        if self.kind is PeriodKind.YEAR:
            return dt.date(s.year + 1, 1, 1)
        months = 3 if self.kind is PeriodKind.QUARTER else 1
        m = s.month - 1 + months
        return dt.date(s.year + m // 12, m % 12 + 1, 1)

    @property
    def reference_date(self) -> dt.date:
        """The day the period stands at on the time axis."""
        return self.start if self.kind is PeriodKind.INSTANT else self.end

    @property
    def time(self) -> float:
        """Position on the time axis in decimal years (see the module docstring)."""
        return _decimal_year(self.reference_date)

    @property
    def label(self) -> str:
        s = self.start
        if self.kind is PeriodKind.YEAR:
            return str(s.year)
        if self.kind is PeriodKind.QUARTER:
            return f"{s.year}Q{(s.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.MONTH:
            return f"{s.year}-{s.month:02d}"
        return s.isoformat()

    def __str__(self) -> str:
        return self.label


#: The last year a period may be in (its end must still be a date).
MAX_YEAR = 9998
#: The years a plan may name (its period, baselines, deadlines): room for history and any
#: plan's horizon, and far from the calendar's end, so a deadline plus a lag is still a date.
PLAN_YEARS = (1800, 2200)

_QUARTER = re.compile(r"^(\d{4})\s*[QK](\d)$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})[-M](\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@functools.lru_cache(maxsize=65536)
def parse_period(text: str) -> Period:
    """Read a period label: ``2020``, ``2020Q4`` or ``2020K4``, ``2020-05``, ``2020-01-01``.

    Raises:
        ValueError: the label is none of these.
    """
    t = str(text).strip()
    year = t[:4]
    if year.isdigit() and not 1 <= int(year) <= MAX_YEAR:
        msg = f"not a period: {text!r} (years run from 1 to {MAX_YEAR})"
        raise ValueError(msg)
    if m := _YEAR.match(t):
        return Period.year(int(m[1]))
    if m := _QUARTER.match(t):
        return Period.quarter(int(m[1]), int(m[2]))
    if m := _MONTH.match(t):
        return Period.month(int(m[1]), int(m[2]))
    if m := _DATE.match(t):
        return Period.instant(dt.date(int(m[1]), int(m[2]), int(m[3])))
    msg = f"not a period: {text!r} (expected 2020, 2020Q4, 2020-05 or 2020-01-01)"
    raise ValueError(msg)


@attrs.frozen
class PeriodSpec:
    """How a metric's raw period labels are read.

    A year label such as ``"2019"`` means different things for different tables:
    ``PeriodSpec("instant", month=1, day=1)`` reads it as 1 January 2019 (population),
    ``PeriodSpec("quarter", quarter=4)`` as Q4 2019 (jobs), ``PeriodSpec("year")`` as
    the whole year (flows such as new enterprises). Labels that already carry their
    kind (``2019Q4``, ``2019-01-01``) are read as they are.
    """

    kind: PeriodKind = attrs.field(default=PeriodKind.YEAR, converter=PeriodKind)
    quarter: int = 4
    month: int = 1
    day: int = 1

    def __attrs_post_init__(self) -> None:
        if (problem := spec_problem(self.kind, self.quarter, self.month, self.day)) is not None:
            raise ValueError(problem[1])
        # Fields the kind does not use take their defaults, so equal rules compare equal.
        kind = self.kind
        if kind is not PeriodKind.QUARTER:
            object.__setattr__(self, "quarter", 4)
        if kind not in {PeriodKind.MONTH, PeriodKind.INSTANT}:
            object.__setattr__(self, "month", 1)
        if kind is not PeriodKind.INSTANT:
            object.__setattr__(self, "day", 1)

    def read(self, label: str) -> Period:
        text = str(label).strip()
        if not _YEAR.match(text):
            return parse_period(text)
        year = parse_period(text).start.year
        if self.kind is PeriodKind.YEAR:
            return Period.year(year)
        if self.kind is PeriodKind.QUARTER:
            return Period.quarter(year, self.quarter)
        if self.kind is PeriodKind.MONTH:
            return Period.month(year, self.month)
        return Period.instant(dt.date(year, self.month, self.day))

    def describe(self) -> str:
        if self.kind is PeriodKind.INSTANT:
            return f"counted on {self.day} {dt.date(2000, self.month, 1):%B}"
        if self.kind is PeriodKind.QUARTER:
            return f"counted in quarter {self.quarter}"
        if self.kind is PeriodKind.MONTH:
            return f"counted in month {self.month}"
        return "over the whole year"


def spec_problem(kind: PeriodKind, quarter: int, month: int, day: int) -> tuple[str, str] | None:
    """The first field of a period rule that names no point of every year, and why; else None.

    Only the fields the kind uses are checked. A day must exist in its month in every year,
    so 29 February is refused: it would name no day in three years of four.
    """
    if kind is PeriodKind.QUARTER and not 1 <= quarter <= 4:
        return "quarter", f"a quarter is 1 to 4, not {quarter}"
    if kind in {PeriodKind.MONTH, PeriodKind.INSTANT} and not 1 <= month <= 12:
        return "month", f"a month is 1 to 12, not {month}"
    if kind is PeriodKind.INSTANT:
        last = calendar.monthrange(2001, month)[1]  # 2001: not a leap year
        if not 1 <= day <= last:
            name = dt.date(2001, month, 1).strftime("%B")
            return "day", f"a day of {name} is 1 to {last} in every year, not {day}"
    return None
