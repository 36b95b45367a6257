"""Evidence: a target's series turned into the arrays it is judged on, across all areas.

Only what was published by the evaluation date counts (a metric's
``publication_lag_months`` says how long after a period's end its figures come out).
From that :func:`build_rows` finds the baseline, the goal value at the deadline and the
time axis for every kind of target (level, change, annual trend, recovery, growth
against another metric), one array operation across all areas.

A target is judged from the point its required path starts: its baseline, except for a
recovery after a loss, whose path starts at the low point (the shock) and leads back to
the level of the baseline. Without a loss (no value after the baseline below its level)
a recovery has no shock, and is judged from its baseline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import attrs
import numpy as np

from regionplan.data.dataset import DataSet
from regionplan.data.series import Series
from regionplan.evaluation.status import nothing
from regionplan.plan.model import Metric, Plan, Target, TargetKind
from regionplan.plan.periods import Period
from regionplan.plan.units import parse_unit, registry

__all__ = ["Rows", "build_rows", "column_of", "of_periods", "period_labels", "period_times", "unit_factor"]


#: What is worked out from a tuple of periods (which were published, their times), by the
#: tuple's identity: every target of a metric, and every earlier base period judged,
#: reads the same series' axis. An entry holds the tuple itself, so its id stays its own.
_AXES: dict[tuple[int, Hashable], tuple[tuple[Period, ...], Any]] = {}
_AXES_LIMIT = 4096


def of_periods(periods: Sequence[Period], what: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, worked out once per tuple of periods and ``what`` (the result is
    shared: not to be changed). Anything but a tuple is worked out every time."""
    if not isinstance(periods, tuple):
        return compute()
    key = (id(periods), what)
    found = _AXES.get(key)
    if found is not None and found[0] is periods:
        return found[1]
    value = compute()
    if len(_AXES) >= _AXES_LIMIT:
        _AXES.clear()
    _AXES[key] = (periods, value)
    return value


def _times(series: Series) -> np.ndarray:
    """``series.times``, a fresh array (a policy may write to what it is given)."""
    return _shared_times(series).copy()


def _shared_times(series: Series) -> np.ndarray:
    """``series.times``, one read-only array per tuple of periods (kept by a target's rows)."""

    def times() -> np.ndarray:
        shared = np.array(series.times, dtype=float)
        shared.setflags(write=False)
        return shared

    out: np.ndarray = of_periods(series.periods, "times", times)
    return out


def period_times(periods: Sequence[Period]) -> list[float]:
    """Each period's time (decimal years), once per tuple of periods (shared: not to be changed)."""
    times: list[float] = of_periods(periods, "time", lambda: [p.time for p in periods])
    return times


def period_labels(periods: Sequence[Period]) -> list[str]:
    """Each period's label, once per tuple of periods (shared: not to be changed)."""
    labels: list[str] = of_periods(periods, "label", lambda: [p.label for p in periods])
    return labels


def _rounded_times(periods: tuple[Period, ...]) -> list[float]:
    """Each period's time rounded to 6 decimals: how two axes are matched."""
    rounded: list[float] = of_periods(periods, "rounded", lambda: [round(p.time, 6) for p in periods])
    return rounded


def _available(series: Series, as_of: dt.date, lag_months: int) -> Series:
    """Only what was published by ``as_of``: a period's figures come out ``lag`` months after it ends."""

    def published() -> tuple[list[int], tuple[Period, ...]]:
        keep = [i for i, p in enumerate(series.periods) if _add_months(p.end, lag_months) <= as_of]
        return keep, tuple(series.periods[i] for i in keep)

    keep, periods = of_periods(series.periods, ("published", as_of, lag_months), published)
    return attrs.evolve(series, periods=periods, values=series.values[:, keep].copy())


def _published(
    data: DataSet,
    metric: Metric,
    area: str | None,
    areas: Sequence[str],
    as_of: dt.date,
    memo: dict[tuple[str, str | None], Series] | None,
) -> Series:
    """What was published by ``as_of`` of the metric in each area (of one member in every row
    when ``area`` is given); kept in ``memo`` when one is passed (its arrays are not to be changed)."""
    key = (metric.id, area)
    if memo is not None and key in memo:
        return memo[key]
    md = data[metric.id]
    series = _available(
        md.regions.select_areas(areas) if not area else md.members.select_areas([area] * len(areas)),
        as_of,
        metric.publication_lag_months,
    )
    if memo is not None:
        memo[key] = series
    return series


def _add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return (
        dt.date(day.year + m // 12, m % 12 + 1, 1)
        if day.day == 1
        else dt.date(day.year + m // 12, m % 12 + 1, min(day.day, 28))
    )


@attrs.frozen(eq=False)
class Rows:
    """Evidence arrays for one target across all areas, before judging.

    ``base_time`` and ``base_value`` are where the target is judged from (for a recovery
    after a loss, the shock); ``stated_time`` and ``stated_value`` the target's own
    baseline (for a recovery, the level before the shock); ``shock_time`` and
    ``shock_value`` the low point of a recovery where there was a loss (``NaN``
    elsewhere). ``hold``: the target keeps a level (a change of zero). ``min_points``:
    the fewest observations a projection is made from. ``undefined``: a reason code
    where the evidence cannot be judged as built (see
    :class:`~regionplan.evaluation.status.Evidence`).
    """

    times: np.ndarray
    values: np.ndarray
    periods: tuple[Period, ...]
    base_time: np.ndarray
    base_value: np.ndarray
    goal: np.ndarray
    deadline: float
    deadline_label: str | None
    every_year: bool
    condition: bool
    facts: dict[str, np.ndarray]
    missing: tuple[str, ...]
    stated_time: np.ndarray = attrs.field(
        default=attrs.Factory(lambda self: self.base_time.copy(), takes_self=True)
    )
    stated_value: np.ndarray = attrs.field(
        default=attrs.Factory(lambda self: self.base_value.copy(), takes_self=True)
    )
    shock_time: np.ndarray = attrs.field(
        default=attrs.Factory(lambda self: np.full(self.base_time.shape, np.nan), takes_self=True)
    )
    shock_value: np.ndarray = attrs.field(
        default=attrs.Factory(lambda self: np.full(self.base_time.shape, np.nan), takes_self=True)
    )
    hold: bool = False
    min_points: int = 5
    undefined: np.ndarray = attrs.field(
        default=attrs.Factory(lambda self: np.full(self.base_time.shape, "", dtype=object), takes_self=True)
    )


def _time_of(label: str | None, metric: Metric) -> Period | None:
    return metric.period.read(label) if label else None


def column_of(series: Series, period: Period | None) -> int | None:
    if period is None:
        return None
    t = round(period.time, 6)
    for j, rounded in enumerate(_rounded_times(series.periods)):
        if rounded == t:
            return j
    return None


def unit_factor(source: str | None, metric: Metric) -> float:
    if not source:
        return 1.0
    q = registry().Quantity(1.0, parse_unit(source)).to(parse_unit(metric.unit))
    return float(q.magnitude)


def _default_base(series: Series, plan: Plan) -> int | None:
    """The latest column at or before the plan's start, else the first observed one."""
    start = plan.meta.start_date
    cols = [j for j, p in enumerate(series.periods) if p.reference_date <= start]
    if cols:
        return cols[-1]
    return 0 if series.periods else None


def build_rows(
    plan: Plan,
    target: Target,
    metric: Metric,
    data: DataSet,
    areas: Sequence[str],
    as_of: dt.date,
    other: Metric | None,
    memo: dict[tuple[str, str | None], Series] | None = None,
) -> Rows:
    """A target's rows: its metric's published values in each area, baseline, goal and deadline.

    ``memo`` (one per evaluation: the same areas and date) keeps each metric's published
    values for the next target of the same metric; every call still gets arrays of its own.
    """
    md = data[metric.id]
    series = _published(data, metric, target.area, areas, as_of, memo)
    n = len(areas)
    missing = tuple(md.reasons)
    deadline_period = _time_of(target.deadline, metric) or metric.period.read(str(plan.meta.period_end))
    deadline_label = target.deadline
    facts: dict[str, np.ndarray] = {}
    values = series.values  # shared with the next target of the metric: read only
    periods = series.periods
    times = _shared_times(series)
    base_col = (
        column_of(series, _time_of(target.baseline, metric))
        if target.baseline
        else _default_base(series, plan)
    )
    if target.baseline and base_col is None and series.periods:
        base_time = np.full(n, _time_of(target.baseline, metric).time)  # type: ignore[union-attr]
        base_value = np.full(n, np.nan)
    elif base_col is None:
        base_time = np.full(n, np.nan)
        base_value = np.full(n, np.nan)
    else:
        base_time = np.full(n, times[base_col])
        base_value = values[:, base_col].copy()
    goal = np.full(n, np.nan)
    factor = unit_factor(target.value_unit, metric)
    every_year = False
    condition = False
    # as stated: the baseline below is replaced, never written to, where it moves
    stated_time, stated_value = base_time, base_value
    shock_time = shock_value = nothing(n)
    undefined = np.full(n, "", dtype=object)
    kind = target.kind
    # a change of zero keeps a level; a percentage of a zero baseline is no target at all
    hold = kind in {TargetKind.CHANGE, TargetKind.ANNUAL_TREND} and target.change == 0
    if target.relative and target.change and kind in {TargetKind.CHANGE, TargetKind.ANNUAL_TREND}:
        undefined[base_value == 0] = "zero_baseline"
    if kind in {TargetKind.LEVEL, TargetKind.MILESTONE}:
        goal[:] = (target.value or 0.0) * factor
    elif kind is TargetKind.CHANGE:
        if target.relative:
            goal = base_value * (1.0 + (target.change or 0.0) / 100.0)
        else:
            goal = base_value + (target.change or 0.0) * factor
    elif kind is TargetKind.ANNUAL_TREND:
        years = deadline_period.time - base_time
        if target.change is None:
            every_year = target.every_year
        elif target.relative:
            goal = base_value * np.power(1.0 + target.change / 100.0, years)
        else:
            goal = base_value + target.change * factor * years
    elif kind is TargetKind.RECOVERY:
        goal = base_value.copy()
        shock_time, shock_value = _shock(series, target, metric, base_col, goal)
        fall = shock_value - goal  # NaN where there was no loss
        facts = {"pre_shock": goal.copy(), "shock": shock_value, "fall": fall, "lost": np.abs(fall)}
        loss = np.isfinite(shock_value)
        base_time = np.where(loss, shock_time, base_time)
        base_value = np.where(loss, shock_value, base_value)
    elif kind is TargetKind.GROWTH_VS:
        assert other is not None
        values, periods, times, undefined = _growth_gap(series, data, other, areas, as_of, base_col, memo)
        base_value = np.full(n, np.nan)
        if base_col is not None:
            observed = np.isfinite(values[:, base_col]) | (undefined != "")
            base_value = np.where(observed, 0.0, np.nan)
        stated_value = base_value.copy()
        goal = np.zeros(n)
        condition = True
    return Rows(
        times,
        values,
        periods,
        base_time,
        base_value,
        goal,
        deadline_period.time,
        deadline_label or deadline_period.label,
        every_year,
        condition,
        facts,
        missing,
        stated_time,
        stated_value,
        shock_time,
        shock_value,
        hold,
        metric.projection_min_points,
        undefined,
    )


def _shock(
    series: Series, target: Target, metric: Metric, base_col: int | None, level: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The low point of a recovery target per area: time and value, ``NaN`` where there was no loss.

    The ``shock`` period when it is observed, else the worst point after the baseline.
    Only a value below the baseline's level (in the metric's direction) is a loss.
    """
    n = series.values.shape[0]
    none = (np.full(n, np.nan), np.full(n, np.nan))
    if base_col is None or not series.periods:
        return none
    times, values = _times(series), series.values
    sign = metric.direction.sign or 1
    named = column_of(series, _time_of(target.shock, metric)) if target.shock else None
    if named is not None:
        cols = np.full(n, named)
    else:
        after = np.where(times[None, :] > times[base_col], values * sign, np.inf)
        after = np.where(np.isnan(after), np.inf, after)
        cols = np.where(np.isfinite(after).any(axis=1), np.argmin(after, axis=1), -1)
    rows = np.arange(n)
    value = np.where(cols >= 0, values[rows, np.maximum(cols, 0)], np.nan)
    with np.errstate(invalid="ignore"):
        loss = (cols >= 0) & (sign * value < sign * level)
    return np.where(loss, times[np.maximum(cols, 0)], np.nan), np.where(loss, value, np.nan)


def _growth_gap(
    series: Series,
    data: DataSet,
    other: Metric,
    areas: Sequence[str],
    as_of: dt.date,
    base_col: int | None,
    memo: dict[tuple[str, str | None], Series] | None,
) -> tuple[np.ndarray, tuple[Period, ...], np.ndarray, np.ndarray]:
    """Growth of the metric minus growth of ``other`` since the baseline, in percentage points.

    The two are aligned on the time axis: a Q4 count meets the next 1 January count.
    Where either baseline value is zero, growth is undefined: the gap is ``NaN`` and the
    last array says ``zero_baseline`` there.
    """
    o = _published(data, other, None, areas, as_of, memo)
    n = len(areas)
    undefined = np.full(n, "", dtype=object)
    if base_col is None or not o.periods:
        return np.full((n, len(series.periods)), np.nan), series.periods, _shared_times(series), undefined
    o_index = {t: j for j, t in enumerate(_rounded_times(o.periods))}
    cols = np.array([o_index.get(t, -1) for t in _rounded_times(series.periods)])
    ov = np.full(series.values.shape, np.nan)
    ok = cols >= 0
    ov[:, ok] = o.values[:, cols[ok]]
    m_base, o_base = series.values[:, [base_col]], ov[:, [base_col]]
    zero = ((m_base == 0) | (o_base == 0))[:, 0]
    undefined[zero] = "zero_baseline"
    with np.errstate(invalid="ignore", divide="ignore"):
        m_growth = 100.0 * (series.values / np.where(m_base == 0, np.nan, m_base) - 1.0)
        o_growth = 100.0 * (ov / np.where(o_base == 0, np.nan, o_base) - 1.0)
    gap = m_growth - o_growth
    gap[:, :base_col] = np.nan
    gap[:, base_col] = np.where(np.isnan(gap[:, base_col]), np.nan, 0.0)
    return gap, series.periods, _shared_times(series), undefined
