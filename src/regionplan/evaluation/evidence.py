"""Evidence: a target's series turned into the arrays it is judged on, across all areas.

Only what was published by the evaluation date counts (a metric's
``publication_lag_months`` says how long after a period's end its figures come out).
From that :func:`build_rows` finds the baseline, the goal value at the deadline and the
time axis for every kind of target (level, change, annual trend, recovery, growth
against another metric), one array operation across all areas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs
import numpy as np

from regionplan.data.dataset import DataSet
from regionplan.data.series import Series
from regionplan.plan.model import Metric, Plan, Target, TargetKind
from regionplan.plan.periods import Period
from regionplan.plan.units import parse_unit, registry

__all__ = ["Rows", "build_rows", "column_of", "unit_factor"]


def _available(series: Series, as_of: dt.date, lag_months: int) -> Series:
    """Only what was published by ``as_of``: a period's figures come out ``lag`` months after it ends."""
    keep = [i for i, p in enumerate(series.periods) if _add_months(p.end, lag_months) <= as_of]
    return attrs.evolve(
        series, periods=tuple(series.periods[i] for i in keep), values=series.values[:, keep].copy()
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return (
        dt.date(day.year + m // 12, m % 12 + 1, 1)
        if day.day == 1
        else dt.date(day.year + m // 12, m % 12 + 1, min(day.day, 28))
    )


@attrs.frozen(eq=False)
class Rows:
    """Evidence arrays for one target across all areas, before judging."""

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


def _time_of(label: str | None, metric: Metric) -> Period | None:
    return metric.period.read(label) if label else None


def column_of(series: Series, period: Period | None) -> int | None:
    if period is None:
        return None
    t = round(period.time, 6)
    for j, p in enumerate(series.periods):
        if round(p.time, 6) == t:
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
) -> Rows:
    md = data[metric.id]
    series = _available(
        md.regions.select_areas(areas)
        if not target.area
        else md.members.select_areas([target.area] * len(areas)),
        as_of,
        metric.publication_lag_months,
    )
    n = len(areas)
    missing = tuple(md.reasons)
    deadline_period = _time_of(target.deadline, metric) or metric.period.read(str(plan.meta.period_end))
    deadline_label = target.deadline
    facts: dict[str, np.ndarray] = {}
    values = series.values
    periods = series.periods
    times = series.times
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
    kind = target.kind
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
        shock_col = column_of(series, _time_of(target.shock, metric)) if target.shock else None
        if shock_col is None and base_col is not None:
            # the worst point after the baseline
            sign = metric.direction.sign or 1
            after = np.where(times[None, :] > times[base_col], values * sign, np.nan)
            with np.errstate(all="ignore"):
                worst = np.where(
                    np.all(np.isnan(after), axis=1),
                    -1,
                    np.nanargmin(np.where(np.isnan(after), np.inf, after), axis=1),
                )
            shock_cols = worst
        else:
            shock_cols = np.full(n, -1 if shock_col is None else shock_col)
        has = shock_cols >= 0
        rows = np.arange(n)
        base_time = np.where(has, times[np.maximum(shock_cols, 0)] if times.size else np.nan, np.nan)
        shock_value = np.where(
            has, values[rows, np.maximum(shock_cols, 0)] if values.size else np.nan, np.nan
        )
        facts = {"pre_shock": goal.copy(), "shock": shock_value, "fall": shock_value - goal}
        base_value = shock_value
    elif kind is TargetKind.GROWTH_VS:
        assert other is not None
        values, periods, times = _growth_gap(series, data, other, areas, as_of, base_col, target)
        base_value = np.zeros(n) if base_col is not None else np.full(n, np.nan)
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
    )


def _growth_gap(
    series: Series,
    data: DataSet,
    other: Metric,
    areas: Sequence[str],
    as_of: dt.date,
    base_col: int | None,
    target: Target,
) -> tuple[np.ndarray, tuple[Period, ...], np.ndarray]:
    """Growth of the metric minus growth of ``other`` since the baseline, in percentage points.

    The two are aligned on the time axis: a Q4 count meets the next 1 January count.
    """
    o = _available(data[other.id].regions.select_areas(areas), as_of, other.publication_lag_months)
    n = len(areas)
    if base_col is None or not o.periods:
        return np.full((n, len(series.periods)), np.nan), series.periods, series.times
    o_index = {round(p.time, 6): j for j, p in enumerate(o.periods)}
    cols = np.array([o_index.get(round(p.time, 6), -1) for p in series.periods])
    ov = np.full(series.values.shape, np.nan)
    ok = cols >= 0
    ov[:, ok] = o.values[:, cols[ok]]
    with np.errstate(invalid="ignore", divide="ignore"):
        m_growth = 100.0 * (series.values / series.values[:, [base_col]] - 1.0)
        o_growth = 100.0 * (ov / ov[:, [base_col]] - 1.0)
    gap = m_growth - o_growth
    gap[:, :base_col] = np.nan
    gap[:, base_col] = np.where(np.isnan(gap[:, base_col]), np.nan, 0.0)
    return gap, series.periods, series.times
