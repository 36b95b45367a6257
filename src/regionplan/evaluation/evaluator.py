"""Evaluation: where the region stands on every target and goal, why, and where it heads.

:func:`evaluate` takes a plan and its data (fetched through the sources when not
given), the date of the evaluation, and returns an immutable :class:`Evaluation`:

1. for each target (and each region evaluated), the :class:`~regionplan.evaluation.status.Evidence`
   is built from the metric's series as published by ``as_of`` (a metric's
   ``publication_lag_months`` says how long after a period's end its figures come
   out): the baseline, the goal value at the deadline, the time axis;
2. the target's status policy judges the evidence, using its projection method;
3. the goals' statuses roll up from their children through the goal graph.

Everything is computed on arrays: one pass per target across all regions.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from regionplan.data.dataset import DataSet, build_dataset, fetch_data
from regionplan.data.series import Series
from regionplan.data.sources import SourceContext
from regionplan.errors import EvaluationError
from regionplan.evaluation.rollup import ChildStatus
from regionplan.evaluation.status import Evidence, Judgement, Status
from regionplan.plan.graph import GoalGraph, NodeKind
from regionplan.plan.model import Element, Metric, Plan, Target, TargetKind
from regionplan.plan.periods import Period
from regionplan.plan.units import parse_unit, registry, unit_label

__all__ = ["Evaluation", "GoalResult", "Point", "TargetResult", "evaluate"]


@attrs.frozen
class Point:
    """One value at one period."""

    period: str
    time: float
    value: float


@attrs.frozen
class ProjectionResult:
    method: str
    deadline: str
    value: float
    low: float
    high: float
    slope: float
    n_points: int
    confidence: float


@attrs.frozen
class TargetResult:
    """The status of one target in one region, with everything that explains it.

    Attributes:
        target, metric: the plan's objects.
        area: the region (or area) evaluated.
        status: achieved, on track, off track or insufficient data.
        reason: a key of :data:`regionplan.evaluation.status.REASONS`; :meth:`explain` writes the sentence.
        category: the policy's own category (Open SDG's progress label).
        baseline, latest: the points progress is measured between.
        goal: the value to reach by the deadline, in the metric's unit.
        deadline: the deadline period.
        progress: share of the way from baseline to goal covered (1.0 = reached).
        projection: the projection to the deadline, when one was made.
        trajectory: the interim path from baseline to goal, one point a year.
        history: the observations available at the evaluation date.
        unit: the metric's unit label.
        policy, method: the status policy and the projection method.
        thresholds, measure: the policy's thresholds and its own number.
        missing: why data is missing (source errors), if it is.
        facts: numbers a sentence can cite (fall during a shock, distance to goal...).
        coverage: members with data out of members, at the latest point.
    """

    target: Target
    metric: Metric
    area: str
    status: Status
    reason: str
    category: str
    baseline: Point | None
    latest: Point | None
    goal: float | None
    deadline: str | None
    progress: float | None
    projection: ProjectionResult | None
    trajectory: tuple[Point, ...]
    history: tuple[Point, ...]
    unit: str
    policy: str
    method: str
    thresholds: Mapping[str, float]
    measure: float | None
    missing: tuple[str, ...]
    facts: Mapping[str, float]
    coverage: tuple[int, int] | None
    other: Metric | None = None

    def explain(self, lang: str = "en") -> str:
        """A sentence or two saying why the target has its status."""
        from regionplan.evaluation.explain import explain_target

        return explain_target(self, lang)


@attrs.frozen
class GoalResult:
    """A plan element's rolled-up status in one region."""

    element: Element
    area: str
    status: Status
    score: float | None
    coverage: float
    children: tuple[ChildStatus, ...]
    policy: str
    #: whether any target lies below this element (if not, it is not measured at all)
    measured: bool = True


@attrs.frozen(eq=False)
class TargetBatch:
    """One target judged in every area at once: the arrays behind its :class:`TargetResult` s."""

    target: Target
    metric: Metric
    other: Metric | None
    rows: _Rows
    judgement: Judgement
    method: str
    unit: str


@attrs.frozen(eq=False)
class RollupArrays:
    """Rolled-up statuses of every element in every area, as arrays (one entry per area)."""

    order: tuple[str, ...]
    codes: Mapping[str, np.ndarray]
    scores: Mapping[str, np.ndarray]
    coverage: Mapping[str, np.ndarray]
    measured: Mapping[str, bool]
    children: Mapping[str, tuple[tuple[str, float], ...]]


@attrs.frozen(eq=False)
class Evaluation:
    """The result of :func:`evaluate`: immutable; export with :meth:`to_frame` or :meth:`to_dict`.

    Results are held as arrays, one per target across all areas; :attr:`targets` and
    :attr:`goals` build the per-area result objects when first asked for.
    """

    plan: Plan
    graph: GoalGraph
    data: DataSet
    as_of: dt.date
    areas: tuple[str, ...]
    batches: tuple[TargetBatch, ...]
    rolled: RollupArrays
    rollup_policy: str

    @functools.cached_property
    def _area_index(self) -> dict[str, int]:
        return {a: i for i, a in enumerate(self.areas)}

    @functools.cached_property
    def _batch_index(self) -> dict[str, TargetBatch]:
        return {b.target.id: b for b in self.batches}

    @functools.cached_property
    def targets(self) -> tuple[TargetResult, ...]:
        """Every target in every area (built on first use)."""
        return tuple(
            _target_result(b, i, area, self.data) for b in self.batches for i, area in enumerate(self.areas)
        )

    @functools.cached_property
    def goals(self) -> tuple[GoalResult, ...]:
        """Every element in every area, children before parents (built on first use)."""
        return tuple(
            self._goal(node, i, area) for node in self.rolled.order for i, area in enumerate(self.areas)
        )

    def _where(self, area: str | None) -> tuple[str, int]:
        a = area or self.areas[0]
        try:
            return a, self._area_index[a]
        except KeyError:
            raise EvaluationError(f"the area {a!r} was not evaluated") from None

    def _goal(self, node: str, i: int, area: str) -> GoalResult:
        r = self.rolled
        children = tuple(ChildStatus(c, self._code_of(c, i), w) for c, w in r.children[node])
        score = float(r.scores[node][i])
        return GoalResult(
            self.graph.obj(node),
            area,
            Status.from_code(int(r.codes[node][i])),
            score if np.isfinite(score) else None,
            float(r.coverage[node][i]),
            children,
            self.rollup_policy,
            r.measured[node],
        )

    def _code_of(self, node: str, i: int) -> Status:
        if node in self._batch_index:
            return Status.from_code(int(self._batch_index[node].judgement.status[i]))
        return Status.from_code(int(self.rolled.codes[node][i]))

    def goal(self, element_id: str, area: str | None = None) -> GoalResult:
        """The rolled-up result of an element (in the plan's region by default)."""
        a, i = self._where(area)
        if element_id not in self.rolled.codes:
            raise KeyError(f"no element {element_id!r}")
        return self._goal(element_id, i, a)

    def target(self, target_id: str, area: str | None = None) -> TargetResult:
        """The result of one target (in the plan's region by default)."""
        a, i = self._where(area)
        return _target_result(self._batch_index[target_id], i, a, self.data)

    def status_of(self, node_id: str, area: str | None = None) -> Status:
        """The status of an element or a target."""
        _, i = self._where(area)
        return self._code_of(node_id, i)

    def targets_in(self, area: str | None = None) -> tuple[TargetResult, ...]:
        a, i = self._where(area)
        return tuple(_target_result(b, i, a, self.data) for b in self.batches)

    def goals_in(self, area: str | None = None) -> tuple[GoalResult, ...]:
        a, i = self._where(area)
        return tuple(self._goal(node, i, a) for node in self.rolled.order)

    def counts(self, area: str | None = None) -> dict[Status, int]:
        out = dict.fromkeys(Status, 0)
        for t in self.targets_in(area):
            out[t.status] += 1
        return out

    def to_records(self) -> list[dict[str, Any]]:
        """One flat record per target and area."""
        rows = []
        for t in self.targets:
            rows.append(
                {
                    "area": t.area,
                    "target": t.target.id,
                    "element": t.target.element,
                    "metric": t.metric.id,
                    "kind": t.target.kind.value,
                    "status": t.status.value,
                    "reason": t.reason,
                    "category": t.category,
                    "baseline_period": t.baseline.period if t.baseline else None,
                    "baseline_value": t.baseline.value if t.baseline else None,
                    "latest_period": t.latest.period if t.latest else None,
                    "latest_value": t.latest.value if t.latest else None,
                    "goal": t.goal,
                    "deadline": t.deadline,
                    "progress": t.progress,
                    "projected": t.projection.value if t.projection else None,
                    "projected_low": t.projection.low if t.projection else None,
                    "projected_high": t.projection.high if t.projection else None,
                    "unit": t.unit,
                    "policy": t.policy,
                    "method": t.method,
                    "measure": t.measure,
                }
            )
        return rows

    def to_frame(self) -> Any:
        """The target results as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.to_records())

    def goals_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame.from_records(
            [
                {
                    "area": g.area,
                    "element": g.element.id,
                    "kind": g.element.kind.value,
                    "status": g.status.value,
                    "score": g.score,
                    "coverage": g.coverage,
                }
                for g in self.goals
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        from regionplan.defaults import resolve

        report: dict[str, Any] = resolve("build_report")(self).to_dict()
        return report

    def _repr_html_(self) -> str:
        from regionplan.defaults import resolve

        html: str = resolve("evaluation_html")(self)
        return html


# -- building evidence -------------------------------------------------------------------


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
class _Rows:
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


def _column(series: Series, period: Period | None) -> int | None:
    if period is None:
        return None
    t = round(period.time, 6)
    for j, p in enumerate(series.periods):
        if round(p.time, 6) == t:
            return j
    return None


def _unit_factor(source: str | None, metric: Metric) -> float:
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


def _build_rows(
    plan: Plan,
    target: Target,
    metric: Metric,
    data: DataSet,
    areas: Sequence[str],
    as_of: dt.date,
    other: Metric | None,
) -> _Rows:
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
        _column(series, _time_of(target.baseline, metric)) if target.baseline else _default_base(series, plan)
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
    factor = _unit_factor(target.value_unit, metric)
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
        shock_col = _column(series, _time_of(target.shock, metric)) if target.shock else None
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
    return _Rows(
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
    year = int(np.floor(base.time))
    first = metric.period.read(str(year))
    offset = first.time - year
    t = base.time
    while t <= deadline_time + 1e-9:
        value = base.value + (goal - base.value) * (t - base.time) / span
        label = metric.period.read(str(round(t - offset))).label
        out.append(Point(label, float(t), float(value)))
        t += 1.0
    return tuple(out)


def _f(x: Any) -> float | None:
    v = float(x)
    return v if np.isfinite(v) else None


def _history(times: np.ndarray, values: np.ndarray, periods: Sequence[Period]) -> tuple[Point, ...]:
    return tuple(
        Point(p.label, float(t), float(v))
        for p, t, v in zip(periods, times, values, strict=True)
        if np.isfinite(v)
    )


def _label_at(periods: Sequence[Period], times: np.ndarray, t: float) -> str:
    for p, pt in zip(periods, times, strict=True):
        if abs(pt - t) < 1e-6:
            return p.label
    return f"{t:.2f}"


# -- the evaluation -----------------------------------------------------------------------


def evaluate(
    plan: Plan,
    data: DataSet | Mapping[str, Series] | None = None,
    *,
    as_of: dt.date | str | None = None,
    context: SourceContext | None = None,
    extensions: Any = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    rollup: str = "weighted_score",
) -> Evaluation:
    """Evaluate every target and goal of ``plan``.

    Args:
        plan: a loaded plan.
        data: a :class:`~regionplan.data.dataset.DataSet`, raw member series by metric id,
            or ``None`` to read through the plan's sources.
        as_of: the evaluation date (default: today); only figures published by then count.
        context: how sources run (cache folder, offline).
        groups: evaluate several regions at once: group id -> member codes
            (e.g. every municipality as its own region).
        rollup: the roll-up policy.

    Raises:
        EvaluationError: a bad date or an unknown policy.
    """
    from regionplan.defaults import default_extensions

    ext = extensions or default_extensions()
    day = _as_date(as_of)
    if data is None:
        dataset = fetch_data(plan, context=context, extensions=ext, groups=groups)
    elif isinstance(data, DataSet):
        dataset = data
    else:
        dataset = build_dataset(plan, data, groups=groups)
    areas = tuple(dataset.groups)
    graph = GoalGraph.from_plan(plan)
    metrics = {m.id: m for m in plan.metrics}
    batches: list[TargetBatch] = []
    as_of_time = Period.instant(day).time
    for target in plan.targets:
        metric = metrics[target.metric]
        rows = _build_rows(plan, target, metric, dataset, areas, day, metrics.get(target.other or ""))
        try:
            policy = ext.status_policies.get(target.policy)
            projector = ext.projections.get(target.projection)
        except Exception as exc:
            raise EvaluationError(str(exc)) from exc
        n = len(areas)
        evidence = Evidence(
            times=rows.times,
            values=rows.values,
            direction=np.full(n, metric.direction.sign),
            base_time=rows.base_time,
            base_value=rows.base_value,
            goal=rows.goal,
            deadline=np.full(n, rows.deadline),
            tolerance=np.full(n, target.tolerance * _unit_factor(target.value_unit, metric)),
            every_year=np.full(n, rows.every_year),
            condition=np.full(n, rows.condition),
            as_of=as_of_time,
        )
        judgement = policy.judge(evidence, projector)
        unit = "pp" if target.kind is TargetKind.GROWTH_VS else unit_label(parse_unit(metric.unit))
        other = metrics.get(target.other or "")
        batches.append(TargetBatch(target, metric, other, rows, judgement, projector.name, unit))
    rolled = _roll_up(graph, len(areas), batches, ext, rollup)
    return Evaluation(plan, graph, dataset, day, areas, tuple(batches), rolled, rollup)


def _as_date(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise EvaluationError(f"not a date: {value!r} (write YYYY-MM-DD)") from None


def _target_result(batch: TargetBatch, i: int, area: str, data: DataSet) -> TargetResult:
    """The result object of one target in one area, from its batch's arrays."""
    rows, j, target, metric = batch.rows, batch.judgement, batch.target, batch.metric
    status = Status.from_code(int(j.status[i]))
    base = None
    if np.isfinite(rows.base_value[i]):
        base = Point(
            _label_at(rows.periods, rows.times, rows.base_time[i]),
            float(rows.base_time[i]),
            float(rows.base_value[i]),
        )
    latest = None
    if np.isfinite(j.latest_value[i]):
        latest = Point(
            _label_at(rows.periods, rows.times, j.latest_time[i]),
            float(j.latest_time[i]),
            float(j.latest_value[i]),
        )
    goal = _f(rows.goal[i])
    proj = None
    if j.projection is not None and np.isfinite(j.projection.value[i]):
        p = j.projection
        proj = ProjectionResult(
            p.method,
            rows.deadline_label or "",
            float(p.value[i]),
            float(p.low[i]),
            float(p.high[i]),
            float(p.slope[i]),
            int(p.n_points[i]),
            p.confidence,
        )
    facts = {k: float(v[i]) for k, v in rows.facts.items()}
    if latest and base:
        facts["change_since_base"] = latest.value - base.value
    if latest and goal is not None:
        facts["gap_to_goal"] = goal - latest.value
    coverage = None
    md = data[metric.id]
    if md.present.size and latest is not None and not target.area:
        col = _column(md.regions, _period_at(md.regions, latest.time))
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
        progress=_f(j.progress[i]),
        projection=proj,
        trajectory=_trajectory(base, goal, rows.deadline, rows.periods, metric) if not rows.condition else (),
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
    )


def _period_at(series: Series, t: float) -> Period | None:
    for p in series.periods:
        if abs(p.time - t) < 1e-6:
            return p
    return None


def _roll_up(
    graph: GoalGraph, n_areas: int, batches: Sequence[TargetBatch], ext: Any, policy_name: str
) -> RollupArrays:
    """Every element's status in every area, bottom-up, one array operation per element."""
    try:
        policy = ext.rollup_policies.get(policy_name)
    except Exception as exc:
        raise EvaluationError(str(exc)) from exc
    codes: dict[str, np.ndarray] = {b.target.id: b.judgement.status.astype(np.int8) for b in batches}
    scores: dict[str, np.ndarray] = {}
    coverage: dict[str, np.ndarray] = {}
    measured: dict[str, bool] = {}
    children_of: dict[str, tuple[tuple[str, float], ...]] = {}
    order: list[str] = []
    for node in graph.rollup_order():
        if graph.kind(node) != NodeKind.ELEMENT:
            continue
        children = tuple((c, graph.weight(c, node)) for c in graph.children(node) if c in codes)
        measured[node] = any(graph.kind(c) == NodeKind.TARGET or measured.get(c, False) for c, _ in children)
        if children:
            stacked = np.stack([codes[c] for c, _ in children])
            weights = np.array([w for _, w in children], dtype=float)
        else:
            stacked = np.zeros((0, n_areas), dtype=np.int8)
            weights = np.zeros(0)
        codes[node], scores[node], coverage[node] = policy.combine_many(stacked, weights)
        children_of[node] = children
        order.append(node)
    element_codes = {k: v for k, v in codes.items() if k in measured}
    return RollupArrays(tuple(order), element_codes, scores, coverage, measured, children_of)
