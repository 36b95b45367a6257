"""The statuses of a plan's targets for many regions, written directly in numpy.

This is the yardstick for :func:`regionplan.evaluate`: the same method (see
``docs`` and :mod:`regionplan.evaluation.status_policies`), written from its rules with no regionplan
code: for each target, the figures published by the evaluation date; its
baseline, goal and deadline; the latest observation since the baseline; a
least-squares line through the observations since the baseline, projected to the
deadline (shown, not judged on); the straight path from the baseline to the goal; and
the status rules of the ``default`` and ``open_sdg`` policies, the first rule that
applies deciding. Every step works on all regions at once.

It covers what the benchmark's plan uses: targets of kind level, change,
annual_trend, growth_vs and recovery with a given baseline (and shock), linear
projection, the default and open_sdg policies. Anything else raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

__all__ = ["ACHIEVED", "INSUFFICIENT", "OFF_TRACK", "ON_TRACK", "MetricArrays", "TargetSpec", "statuses"]

ACHIEVED, ON_TRACK, OFF_TRACK, INSUFFICIENT = 3, 2, 1, 0
_EPS = 1e-9


@attrs.frozen(eq=False)
class MetricArrays:
    """One metric for every region: values ``(n, T)``, each column's time (decimal
    years), the day each period ends, the publication lag, the preferred direction
    (+1, -1, or 0 for maintain) and how a year label is read (``instant``: 1 January
    of that year; ``quarter``: Q4, which ends 1 January of the next; ``year``)."""

    values: np.ndarray
    times: np.ndarray
    ends: tuple[dt.date, ...]
    lag_months: int
    direction: int
    period_kind: str


@attrs.frozen
class TargetSpec:
    """A target as the method needs it (labels are years as written in the plan)."""

    id: str
    metric: str
    kind: str
    policy: str = "default"
    baseline: str | None = None
    deadline: str = ""
    value: float | None = None
    change: float | None = None
    relative: bool = False
    every_year: bool = False
    shock: str | None = None
    other: str | None = None
    tolerance: float = 0.0


def label_time(label: str, period_kind: str) -> float:
    """Where a year label stands on the time axis: an instant on 1 January at that
    day; a quarter (Q4) or a year at its end, 1 January of the next year."""
    year = int(label)
    return float(year) if period_kind == "instant" else float(year + 1)


def _published(ends: Sequence[dt.date], lag: int, as_of: dt.date) -> np.ndarray:
    """Columns whose figures were out by ``as_of``: ``lag`` months after the period ends."""
    out = []
    for end in ends:
        m = end.month - 1 + lag
        day = end.day if end.day == 1 else min(end.day, 28)
        out.append(dt.date(end.year + m // 12, m % 12 + 1, day) <= as_of)
    return np.array(out, dtype=bool)


def _column(times: np.ndarray, t: float) -> int | None:
    hit = np.flatnonzero(np.abs(times - t) < 1e-6)
    return int(hit[0]) if hit.size else None


def _since_base(times: np.ndarray, values: np.ndarray, base_time: np.ndarray) -> np.ndarray:
    return (times[None, :] >= base_time[:, None] - _EPS) & ~np.isnan(values)


def _latest(times: np.ndarray, values: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, ...]:
    count = mask.sum(axis=1)
    last = np.where(mask, np.arange(times.size)[None, :], -1).max(axis=1, initial=-1)
    has = last >= 0
    rows = np.arange(values.shape[0])
    col = np.maximum(last, 0)
    t = np.where(has, times[col] if times.size else np.nan, np.nan)
    v = np.where(has, values[rows, col] if values.size else np.nan, np.nan)
    return t, v, count


def _all_steps_up(y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Every observed value above the observed value before it (gaps skipped)."""
    idx = np.where(mask, np.arange(y.shape[1])[None, :], -1)
    last_seen = np.maximum.accumulate(idx, axis=1)
    prev = np.full(idx.shape, -1)
    prev[:, 1:] = last_seen[:, :-1]
    valid = mask & (prev >= 0)
    rows = np.arange(y.shape[0])[:, None]
    step = y - y[rows, np.maximum(prev, 0)]
    return np.all(~valid | (step > 0), axis=1)


def _least_squares(
    times: np.ndarray, values: np.ndarray, mask: np.ndarray, at: float
) -> tuple[np.ndarray, ...]:
    """Per row, the least-squares line through the masked points, evaluated at ``at``."""
    n = mask.sum(axis=1)
    t = np.where(mask, times[None, :], 0.0)
    y = np.where(mask, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_mean = t.sum(axis=1) / n
        y_mean = y.sum(axis=1) / n
        dt_ = np.where(mask, times[None, :] - t_mean[:, None], 0.0)
        dy = np.where(mask, values - y_mean[:, None], 0.0)
        sxx = (dt_ * dt_).sum(axis=1)
        slope = np.where(sxx > 0, (dt_ * dy).sum(axis=1) / np.where(sxx > 0, sxx, 1.0), np.nan)
        pred = y_mean + slope * (at - t_mean)
    return np.where(n >= 2, pred, np.nan), n


def _first_rule(rules: Sequence[tuple[np.ndarray, int, str]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Status and reason of the first rule that applies to each row."""
    conds = [np.broadcast_to(c, (n,)) for c, _, _ in rules]
    status = np.select(conds, [s for _, s, _ in rules], default=-1).astype(np.int8)
    reason = np.select(conds, [np.array(r, dtype=object) for _, _, r in rules], default="")
    return status, reason


def _default_policy(
    times: np.ndarray,
    values: np.ndarray,
    direction: int,
    base_time: np.ndarray,
    base_value: np.ndarray,
    goal: np.ndarray,
    deadline: float,
    tolerance: float,
    every_year: bool,
    condition: bool,
    hold: bool = False,
    undefined: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    n = values.shape[0]
    maintain = direction == 0
    s = 1.0 if maintain else float(direction)
    mask = _since_base(times, values, base_time)
    latest_t, latest_v, count = _latest(times, values, mask)
    why = np.full(n, "", dtype=object) if undefined is None else undefined
    with np.errstate(invalid="ignore", divide="ignore"):
        trend = every_year & np.isnan(goal)
        up = _all_steps_up(s * values, mask)
        # maintain, every year: every value since the baseline within tolerance of it
        steady = np.all(~mask | (np.abs(values - base_value[:, None]) <= tolerance + _EPS), axis=1)
        passed = latest_t >= deadline - _EPS
        if maintain:
            holds = met = np.abs(latest_v - goal) <= tolerance + _EPS
        else:
            holds = s * latest_v >= s * goal - tolerance - _EPS
            met = s * latest_v >= s * goal
        # the straight path from (baseline time, baseline value) to (deadline, goal)
        share = np.clip((latest_t - base_time) / (deadline - base_time), 0.0, 1.0)
        path = base_value + (goal - base_value) * share
        eps = _EPS * np.maximum(1.0, np.abs(path))
        if maintain:
            ahead = np.abs(latest_v - goal) <= np.abs(path - goal) + tolerance + eps
        else:
            ahead = s * latest_v >= s * path - eps
        # the method also projects every target (shown beside its status, not judged
        # on), so the yardstick does the same work
        _least_squares(times, values, mask, deadline)
    rules = [
        (why != "", INSUFFICIENT, why),
        (count == 0, INSUFFICIENT, "no_data"),
        (np.isnan(base_value), INSUFFICIENT, "no_baseline"),
        (count < 2, INSUFFICIENT, "one_point"),
        (trend & (not maintain) & ~up, OFF_TRACK, "not_every_year"),
        (trend & (not maintain) & passed, ACHIEVED, "met_every_year"),
        (trend & (not maintain), ON_TRACK, "met_every_year"),
        (trend & maintain & ~steady, OFF_TRACK, "not_held_steady"),
        (trend & maintain & passed, ACHIEVED, "held_steady"),
        (trend & maintain, ON_TRACK, "held_steady"),
        (np.isnan(goal), INSUFFICIENT, "target_value_missing"),
        (condition & holds & passed, ACHIEVED, "condition_holds"),
        (condition & ~holds, OFF_TRACK, "condition_fails"),
        (np.bool_(condition), ON_TRACK, "condition_holds"),
        (hold & holds & passed, ACHIEVED, "level_held"),
        (hold & ~holds, OFF_TRACK, "level_not_held"),
        (np.bool_(hold), ON_TRACK, "holding_level"),
        (met, ACHIEVED, "met"),
        (passed, OFF_TRACK, "deadline_passed"),
        (ahead, ON_TRACK, "ahead_of_path"),
        (np.True_, OFF_TRACK, "behind_path"),
    ]
    return _first_rule(rules, n)


def _open_sdg_policy(
    times: np.ndarray,
    values: np.ndarray,
    direction: int,
    base_time: np.ndarray,
    base_value: np.ndarray,
    goal: np.ndarray,
    deadline: float,
    every_year: bool = False,
    undefined: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Observed against required compound annual growth (thresholds 0.95/0.6/0 with
    a target value, 1.5 %/0.5 %/0 for a target that states none)."""
    n = values.shape[0]
    why = np.full(n, "", dtype=object) if undefined is None else undefined
    mask = _since_base(times, values, base_time)
    latest_t, latest_v, count = _latest(times, values, mask)
    b, d = base_value, float(direction)
    has_goal = ~np.isnan(goal)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        observed = (latest_v / b) ** (1.0 / (latest_t - base_time)) - 1.0
        needed = (goal / b) ** (1.0 / (deadline - base_time)) - 1.0
        sign = np.where(b < 0, -1.0, 1.0)
        measure = np.where(has_goal, sign * d * observed / np.abs(needed), sign * d * observed)
        high = np.where(has_goal, 0.95, 0.015)
        med = np.where(has_goal, 0.6, 0.005)
        low = 0.0
        rules = [
            (why != "", INSUFFICIENT, why),
            (count == 0, INSUFFICIENT, "no_data"),
            (np.isnan(b), INSUFFICIENT, "no_baseline"),
            (~has_goal & (not every_year), INSUFFICIENT, "target_value_missing"),
            (np.bool_(d == 0), INSUFFICIENT, "unsupported_direction"),
            ((count < 2) | (latest_t - base_time < 1 - _EPS), INSUFFICIENT, "one_point"),
            (b == 0, INSUFFICIENT, "zero_baseline"),
            (np.sign(b) * np.sign(latest_v) < 0, INSUFFICIENT, "sign_change"),
            (has_goal & (d * (latest_v - goal) >= 0), ACHIEVED, "met"),
            (has_goal & (goal == b), INSUFFICIENT, "target_equals_baseline"),
            (has_goal & (np.sign(goal) * np.sign(b) <= 0), INSUFFICIENT, "zero_baseline"),
            (measure >= high, ON_TRACK, "substantial_progress"),
            ((measure >= med) & (measure < high), OFF_TRACK, "moderate_progress"),
            ((measure >= low) & (measure < med), OFF_TRACK, "limited_progress"),
            (measure < low, OFF_TRACK, "deterioration"),
            (np.True_, INSUFFICIENT, "not_computable"),
        ]
    return _first_rule(rules, n)


def statuses(
    metrics: Mapping[str, MetricArrays],
    targets: Sequence[TargetSpec],
    as_of: dt.date,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Status codes (3 achieved, 2 on track, 1 off track, 0 insufficient data) and
    reasons, per target id, one per region."""
    published = {}
    for mid, m in metrics.items():
        keep = _published(m.ends, m.lag_months, as_of)
        published[mid] = (m.times[keep], m.values[:, keep])
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for t in targets:
        m = metrics[t.metric]
        times, values = published[t.metric]
        n = values.shape[0]
        if t.baseline is None:
            raise NotImplementedError("a target without a baseline")
        bt = label_time(t.baseline, m.period_kind)
        bc = _column(times, bt)
        base_time = np.full(n, bt if bc is not None or times.size else np.nan)
        base_value = values[:, bc].copy() if bc is not None else np.full(n, np.nan)
        deadline = label_time(t.deadline, m.period_kind)
        condition = False
        hold = t.kind in {"change", "annual_trend"} and t.change == 0
        undefined = np.full(n, "", dtype=object)
        if t.relative and t.change:  # a percentage of zero is no target
            undefined[base_value == 0] = "zero_baseline"
        if t.kind == "level":
            goal = np.full(n, float(t.value))
        elif t.kind == "change":
            c = float(t.change or 0.0)
            goal = base_value * (1 + c / 100) if t.relative else base_value + c
        elif t.kind == "annual_trend":
            years = deadline - base_time
            if t.change is None:
                goal = np.full(n, np.nan)
            elif t.relative:
                goal = base_value * (1 + t.change / 100) ** years
            else:
                goal = base_value + t.change * years
        elif t.kind == "recovery":
            goal = base_value  # back to the level before the shock
            sc = _column(times, label_time(t.shock or "", m.period_kind))
            if sc is None:
                raise NotImplementedError("a recovery target whose shock is not observed")
            # judged from the shock where it was a loss, else from the baseline
            with np.errstate(invalid="ignore"):
                loss = m.direction * values[:, sc] < m.direction * goal
            base_time = np.where(loss, times[sc], base_time)
            base_value = np.where(loss, values[:, sc], base_value)
        elif t.kind == "growth_vs":
            # growth since the baseline minus the other metric's, in percentage points,
            # both read at the same point of the time axis
            o_times, o_values = published[t.other or ""]
            aligned = np.full(values.shape, np.nan)
            for j, tj in enumerate(times):
                k = _column(o_times, tj)
                if k is not None:
                    aligned[:, j] = o_values[:, k]
            if bc is None:
                values = np.full(values.shape, np.nan)
                base_value = np.full(n, np.nan)
            else:
                m0, o0 = values[:, [bc]], aligned[:, [bc]]
                zero = ((m0 == 0) | (o0 == 0))[:, 0]
                undefined[zero] = "zero_baseline"
                with np.errstate(invalid="ignore", divide="ignore"):
                    m0, o0 = np.where(m0 == 0, np.nan, m0), np.where(o0 == 0, np.nan, o0)
                    gap = 100 * (values / m0 - 1) - 100 * (aligned / o0 - 1)
                gap[:, :bc] = np.nan
                gap[:, bc] = np.where(np.isnan(gap[:, bc]), np.nan, 0.0)
                values = gap
                base_value = np.where(np.isfinite(gap[:, bc]) | zero, 0.0, np.nan)
            goal = np.zeros(n)
            condition = True
        else:
            raise NotImplementedError(f"target kind {t.kind}")
        if t.policy == "default":
            out[t.id] = _default_policy(
                times,
                values,
                m.direction,
                base_time,
                base_value,
                goal,
                deadline,
                t.tolerance,
                t.every_year,
                condition,
                hold,
                undefined,
            )
        elif t.policy == "open_sdg":
            out[t.id] = _open_sdg_policy(
                times, values, m.direction, base_time, base_value, goal, deadline, t.every_year, undefined
            )
        else:
            raise NotImplementedError(f"policy {t.policy}")
    return out


def inputs_from(dataset: Any, plan: Any) -> tuple[dict[str, MetricArrays], list[TargetSpec]]:
    """The arrays and target specs of a regionplan data set and plan (no computation:
    the regions' values, each column's time and end, and the plan's fields as written)."""
    metrics = {}
    for m in plan.metrics:
        spec = m.period
        kind = spec.kind.value
        if (
            kind == "month"
            or (kind == "instant" and (spec.month, spec.day) != (1, 1))
            or (kind == "quarter" and spec.quarter != 4)
        ):
            raise NotImplementedError(f"metric {m.id}: periods other than 1 January, Q4 or year")
        regions = dataset[m.id].regions
        metrics[m.id] = MetricArrays(
            values=np.asarray(regions.values, dtype=float),
            times=np.array([p.time for p in regions.periods], dtype=float),
            ends=tuple(p.end for p in regions.periods),
            lag_months=m.publication_lag_months,
            direction={"increase": 1, "decrease": -1, "maintain": 0}[m.direction.value],
            period_kind=m.period.kind.value,
        )
    specs = [
        TargetSpec(
            id=t.id,
            metric=t.metric,
            kind=t.kind.value,
            policy=t.policy,
            baseline=t.baseline,
            deadline=t.deadline or str(plan.meta.period_end),
            value=t.value,
            change=t.change,
            relative=t.relative,
            every_year=t.every_year,
            shock=t.shock,
            other=t.other,
            tolerance=t.tolerance,
        )
        for t in plan.targets
    ]
    for t in plan.targets:
        if t.projection != "linear" or t.value_unit or t.area:
            raise NotImplementedError(f"target {t.id}: only linear projection, metric units, all areas")
    return metrics, specs
