"""How old a target's latest figures are at the evaluation date, and where they came from.

A period's figures count as published ``publication_lag_months`` after the period ends
(:mod:`~regionplan.evaluation.evidence`). The next period ends one publication cycle later
(a year for an annual series, such as a population on 1 January or jobs in the 4th quarter
of each year; a quarter for a quarterly one), so its figures are due
``period end + cycle + lag``. From that day on they would count, so figures without them
are **stale**: older than they should be.

:func:`target_origin` gathers the origin of the data a target rests on (its metric's, and
for a comparison the other metric's too): the sources that delivered and those that failed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence

import attrs

from regionplan.data.attempts import DataOrigin, merge_origins
from regionplan.data.dataset import DataSet
from regionplan.evaluation.evidence import of_periods, period_times
from regionplan.plan.model import Metric
from regionplan.plan.periods import Period, PeriodKind, PeriodSpec

__all__ = [
    "DataAge",
    "add_months",
    "data_age",
    "months_between",
    "publication_cycle_months",
    "target_age",
    "target_origin",
]


@attrs.frozen
class DataAge:
    """The age of a latest period at an evaluation date.

    Attributes:
        latest_end: the last day the period covers (the day itself for a count on a date).
        age_months: whole months from the period's end to the evaluation date.
        cycle_months: how often the series gets a new period.
        next_expected: the day the next period's figures count as published.
        stale: the evaluation date is on or after ``next_expected``: a newer period should
            be there, and is not.
    """

    latest_end: dt.date
    age_months: int
    cycle_months: int
    next_expected: dt.date
    stale: bool


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, kept within the month (31 January + 1 = 28/29 February)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    elif months < 0 and add_months(start, months) < end:
        months += 1
    return months


def publication_cycle_months(periods: Sequence[Period], spec: PeriodSpec) -> int:
    """How often a series gets a new period, in months.

    The most common step between the starts of its periods (a gap of a missing year does
    not change the rhythm); with a single period, the step its kind implies: a month, a
    quarter for quarter labels, else a year (a year label read as one quarter, such as
    jobs in the 4th quarter, comes once a year).
    """
    starts = sorted({p.start for p in periods})
    steps = Counter(months_between(a, b) for a, b in itertools.pairwise(starts))
    if steps:
        top = max(steps.values())
        return max(1, min(s for s, n in steps.items() if n == top))
    kinds = {p.kind for p in periods}
    if kinds == {PeriodKind.MONTH}:
        return 1
    if kinds == {PeriodKind.QUARTER} and spec.kind is not PeriodKind.QUARTER:
        return 3
    return 12


def data_age(latest: Period, as_of: dt.date, lag_months: int, cycle_months: int) -> DataAge:
    """How old ``latest`` is at ``as_of``, and when the next period's figures are due."""
    end = latest.end  # the first day after the period
    due = add_months(end, cycle_months + lag_months)
    return DataAge(
        latest_end=end - dt.timedelta(days=1),
        age_months=months_between(end, as_of),
        cycle_months=cycle_months,
        next_expected=due,
        stale=as_of >= due,
    )


def target_age(
    metric: Metric,
    other: Metric | None,
    data: DataSet,
    periods: Sequence[Period],
    latest_time: float | None,
    as_of: dt.date | None,
) -> DataAge | None:
    """The age of a target's latest period (at ``latest_time`` among ``periods``), if it has one.

    The cycle is read from the metric's whole series; the lag is the metric's, or for a
    comparison with ``other`` the longer of the two (a period counts when both have it).
    """
    if as_of is None or latest_time is None:
        return None
    at = next((j for j, t in enumerate(period_times(periods)) if abs(t - latest_time) < 1e-6), None)
    if at is None:
        return None
    latest = periods[at]
    observed = data[metric.id].regions.periods if metric.id in data else ()
    series_periods = observed or periods
    # the same for every area of a target: worked out once per series
    cycle: int = of_periods(
        series_periods,
        ("publication_cycle_months", metric.period),
        lambda: publication_cycle_months(series_periods, metric.period),
    )
    lag = max(metric.publication_lag_months, other.publication_lag_months if other else 0)
    age: DataAge = of_periods(
        periods, ("data_age", at, as_of, lag, cycle), lambda: data_age(latest, as_of, lag, cycle)
    )
    return age


def target_origin(metric: Metric, other: Metric | None, data: DataSet) -> DataOrigin | None:
    """Where the data of a target's metric (and the metric it is compared with) came from."""
    parts = [data[m.id].origin for m in (metric, other) if m is not None and m.id in data]
    return merge_origins(parts) if parts else None
