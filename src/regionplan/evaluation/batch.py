"""One target judged in every area at once, and the result of one area read out of it.

A :class:`TargetBatch` holds a target's evidence arrays and its judgement for all the
areas evaluated; :func:`target_result` builds the :class:`~regionplan.evaluation.results.TargetResult`
of one area from them (points, projection, trajectory, coverage). Progress is shown
clipped to [0, 1], with a flag where the share was outside it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from regionplan.data.dataset import DataSet
from regionplan.data.series import Series
from regionplan.evaluation.evidence import Rows, column_of, period_labels, period_times
from regionplan.evaluation.freshness import target_age, target_origin
from regionplan.evaluation.packing import Packed
from regionplan.evaluation.projection import Projection
from regionplan.evaluation.results import Point, ProjectionResult, TargetResult
from regionplan.evaluation.sensitivity import BaselineSensitivity, SensitivityBatch
from regionplan.evaluation.status import Judgement, Status
from regionplan.plan.model import Metric, Target
from regionplan.plan.periods import Period, PeriodSpec

__all__ = ["HeldSensitivity", "TargetBatch", "target_result"]


@attrs.frozen(eq=False)
class TargetBatch:
    """One target judged in every area at once: the arrays behind its :class:`TargetResult` s.

    Its :attr:`rows` and :attr:`judgement` are held packed with other targets' where fewer
    than 64 areas are evaluated (:mod:`~regionplan.evaluation.packing`): made again, with
    views of the shared arrays, when read (the last ones read are kept). Packed or not, every
    array they hold is read-only; a metric's published values and their times are the very
    arrays every target of the metric shares, and a policy's own subclass of
    :class:`~regionplan.evaluation.status.Judgement` is held as it was returned.
    """

    target: Target
    metric: Metric
    other: Metric | None
    #: the rows, the judgement and the verdicts from earlier base periods (or ``None``), in that order
    held: Packed
    method: str
    unit: str
    #: the evaluation date (for the age of the latest figures)
    as_of: dt.date | None = None

    @property
    def rows(self) -> Rows:
        """The evidence the target was judged on, one row per area."""
        rows: Rows = self.held.get(0)
        return rows

    @property
    def judgement(self) -> Judgement:
        """The target's policy's verdicts, one per area."""
        judgement: Judgement = self.held.get(1)
        return judgement


class HeldSensitivity(Mapping[str, SensitivityBatch]):
    """Target id -> its verdicts from earlier base periods, as held by the targets' batches."""

    def __init__(self, batches: Sequence[TargetBatch], ids: Iterable[str]) -> None:
        by_id = {b.target.id: b for b in batches}
        self._held = {i: by_id[i].held for i in ids}

    def __getitem__(self, target_id: str) -> SensitivityBatch:
        found: SensitivityBatch = self._held[target_id].get(2)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._held)

    def __len__(self) -> int:
        return len(self._held)


def target_result(
    batch: TargetBatch, i: int, area: str, data: DataSet, sensitivity: BaselineSensitivity | None = None
) -> TargetResult:
    """The result object of one target in one area, from its batch's arrays (with its
    verdicts from earlier base periods, if they were judged)."""
    rows, j, target, metric = batch.rows, batch.judgement, batch.target, batch.metric
    status = Status.from_code(int(j.status[i]))
    base = _point(rows, rows.stated_time[i], rows.stated_value[i])
    start = _point(rows, rows.base_time[i], rows.base_value[i])  # where the required path starts
    shock = _point(rows, rows.shock_time[i], rows.shock_value[i])
    latest = _point(rows, j.latest_time[i], j.latest_value[i])
    goal = _f(rows.goal[i])
    points = 0
    proj = None
    if j.projection is not None:
        points = int(j.projection.n_points[i])
        if np.isfinite(j.projection.value[i]):
            proj = _projection_result(j.projection, i, rows)
    facts = {k: float(v[i]) for k, v in rows.facts.items() if np.isfinite(v[i])}
    facts |= {k: float(v[i]) for k, v in j.facts.items() if np.isfinite(v[i])}
    if latest and base:
        facts["change_since_base"] = latest.value - base.value
    if latest and goal is not None:
        facts["gap_to_goal"] = goal - latest.value
    if shock is not None and latest is not None:
        # how much of the loss has come back, in the metric's direction
        facts["regained"] = (metric.direction.sign or 1) * (latest.value - shock.value)
    progress, flag = _progress(j.progress[i])
    coverage = None
    md = data[metric.id]
    if md.present.size and latest is not None and not target.area:
        col = column_of(md.regions, _period_at(md.regions, latest.time))
        if col is not None:
            coverage = (int(md.present[i, col]), int(md.n_members[i]))
    return TargetResult(
        target=target,
        metric=metric,
        area=area,
        status=status,
        reason=str(j.reason[i]),
        category=str(j.category[i]),
        baseline=base,
        latest=latest,
        goal=goal,
        deadline=rows.deadline_label,
        progress=progress,
        projection=proj,
        trajectory=_trajectory(start, goal, rows.deadline, rows.periods, metric)
        if not rows.condition
        else (),
        history=_history(rows.times, rows.values[i], rows.periods),
        unit=batch.unit,
        policy=j.method,
        method=batch.method,
        thresholds=dict(j.thresholds),
        measure=_f(j.measure[i]),
        missing=rows.missing if status is Status.INSUFFICIENT_DATA else (),
        other=batch.other,
        facts=facts,
        coverage=coverage,
        shock=shock,
        progress_flag=flag,
        projection_points=points,
        projection_min_points=rows.min_points,
        sensitivity=sensitivity,
        **_age_and_origin(batch, latest, data, status),
    )


def _age_and_origin(
    batch: TargetBatch, latest: Point | None, data: DataSet, status: Status
) -> dict[str, Any]:
    """The result's fields on the age of its latest figures and where its data came from."""
    metric, other = batch.metric, batch.other
    age = target_age(metric, other, data, batch.rows.periods, latest.time if latest else None, batch.as_of)
    return {
        "origin": target_origin(metric, other, data),
        "missing_reasons": data[metric.id].failures if status is Status.INSUFFICIENT_DATA else (),
        "latest_end": age.latest_end if age else None,
        "data_age_months": age.age_months if age else None,
        "next_expected": age.next_expected if age else None,
        "stale": age.stale if age else False,
    }


def _point(rows: Rows, t: float, value: float) -> Point | None:
    if not (np.isfinite(t) and np.isfinite(value)):
        return None
    return Point(_label_at(rows.periods, rows.times, t), float(t), float(value))


def _progress(raw: float) -> tuple[float | None, str | None]:
    """The share shown, clipped to [0, 1], and whether it was clipped (``away``, ``beyond``)."""
    if not np.isfinite(raw):
        return None, None
    if raw < 0:
        return 0.0, "away"
    if raw > 1:
        return 1.0, "beyond"
    return float(raw), None


def _projection_result(p: Projection, i: int, rows: Rows) -> ProjectionResult:
    span = horizon = None
    if p.first is not None and p.last is not None and np.isfinite(p.last[i]):
        span = float(p.last[i] - p.first[i])
        horizon = float(rows.deadline - p.last[i])
    return ProjectionResult(
        p.method,
        rows.deadline_label or "",
        float(p.value[i]),
        float(p.low[i]),
        float(p.high[i]),
        float(p.slope[i]),
        int(p.n_points[i]),
        p.confidence,
        span,
        horizon,
        _indicative(p, i, rows.deadline),
    )


def _indicative(p: Projection, i: int, deadline: float) -> bool:
    """:meth:`Projection.indicative` of row ``i`` alone (the same arithmetic on one row,
    not on every area's); a projection class of its own is asked itself."""
    if type(p).indicative is not Projection.indicative:
        return bool(p.indicative(np.full(p.value.shape, deadline))[i])
    if p.first is None or p.last is None:
        return False
    last = p.last[i]
    return bool((deadline - last) > (last - p.first[i]) + 1e-9)


def _period_at(series: Series, t: float) -> Period | None:
    for j, pt in enumerate(period_times(series.periods)):
        if abs(pt - t) < 1e-6:
            return series.periods[j]
    return None


def _trajectory(
    base: Point | None,
    goal: float | None,
    deadline_time: float,
    periods: Sequence[Period],
    metric: Metric,
) -> tuple[Point, ...]:
    if base is None or goal is None or not np.isfinite(goal) or not np.isfinite(base.value):
        return ()
    span = deadline_time - base.time
    if span <= 0:
        return ()
    out = []
    known = _years_read(metric.period)
    year = int(np.floor(base.time))
    offset = _year_read(metric.period, known, year)[1] - year
    t = base.time
    while t <= deadline_time + 1e-9:
        value = base.value + (goal - base.value) * (t - base.time) / span
        label = _year_read(metric.period, known, round(t - offset))[0]
        out.append(Point(label, float(t), float(value)))
        t += 1.0
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _years_read(spec: PeriodSpec) -> dict[int, tuple[str, float]]:
    """Year -> label and time of the period ``spec`` reads it as: the same for every area."""
    return {}


def _year_read(spec: PeriodSpec, known: dict[int, tuple[str, float]], year: int) -> tuple[str, float]:
    found = known.get(year)
    if found is None:
        period = spec.read(str(year))
        found = known[year] = (period.label, period.time)
    return found


def _f(x: Any) -> float | None:
    v = float(x)
    return v if np.isfinite(v) else None


def _history(times: np.ndarray, values: np.ndarray, periods: Sequence[Period]) -> tuple[Point, ...]:
    return tuple(
        Point(label, float(t), float(v))
        for label, t, v in zip(period_labels(periods), times.tolist(), values.tolist(), strict=True)
        if math.isfinite(v)
    )


def _label_at(periods: Sequence[Period], times: np.ndarray, t: float) -> str:
    for label, pt in zip(period_labels(periods), times, strict=True):
        if abs(pt - t) < 1e-6:
            return label
    return f"{t:.2f}"
