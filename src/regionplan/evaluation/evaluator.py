"""Evaluation: where the region stands on every target and goal, why, and where it heads.

:func:`evaluate` takes a plan and its data (fetched through the sources when not
given), the date of the evaluation, and returns an immutable :class:`Evaluation`:

1. for each target (and each region evaluated), the :class:`~regionplan.evaluation.status.Evidence`
   is built from the metric's series as published by ``as_of`` (a metric's
   ``publication_lag_months`` says how long after a period's end its figures come
   out): the baseline, the goal value at the deadline, the time axis;
2. the target's status policy judges the evidence, using its projection method;
   a target measured from a base period is judged again, by the same rules, from
   the base periods of the ``baseline_window`` years before
   (:mod:`~regionplan.evaluation.sensitivity`);
3. the goals' statuses roll up from their children through the goal graph.

Everything is computed on arrays: one pass per target across all regions. The evidence
is built in :mod:`~regionplan.evaluation.evidence`, each target's arrays are kept as a
:class:`~regionplan.evaluation.batch.TargetBatch` (packed with other targets' as rows of
shared arrays: :mod:`~regionplan.evaluation.packing`), and the per-area results are the
classes of :mod:`~regionplan.evaluation.results`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from regionplan.data.comparators import fetch_comparators
from regionplan.data.dataset import DataSet, build_dataset, fetch_data
from regionplan.data.frames import member_series
from regionplan.data.series import Series
from regionplan.data.sources import SourceContext
from regionplan.errors import EvaluationError
from regionplan.evaluation import contracts
from regionplan.evaluation.arrays import TargetArrays, status_arrays
from regionplan.evaluation.batch import HeldSensitivity, TargetBatch, target_result
from regionplan.evaluation.evidence import Rows, build_rows, unit_factor
from regionplan.evaluation.packing import Packer, freeze
from regionplan.evaluation.projection import Projection, Projector
from regionplan.evaluation.results import GoalResult, TargetResult
from regionplan.evaluation.rolled import RollupArrays, roll_up
from regionplan.evaluation.rollup import ChildStatus
from regionplan.evaluation.sensitivity import SensitivityBatch, baseline_sensitivity
from regionplan.evaluation.status import Evidence, Judgement, Status, StatusPolicy
from regionplan.plan.graph import GoalGraph
from regionplan.plan.model import Metric, Plan, Target, TargetKind
from regionplan.plan.periods import Period
from regionplan.plan.units import parse_unit, unit_label

__all__ = ["Evaluation", "evaluate"]


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
    #: each target's verdicts from earlier base periods (targets measured from one)
    sensitivity: Mapping[str, SensitivityBatch] = attrs.field(factory=dict)
    #: the plan's metrics for its comparators (county, Norway, other regions), if any
    comparisons: DataSet | None = None

    def __getstate__(self) -> dict[str, Any]:
        # the fields only: what is cached on first use is worked out again
        return {f.name: getattr(self, f.name) for f in attrs.fields(Evaluation)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        # pickle keeps no array read-only: make them so again (the targets' packs do their own)
        freeze((self.rolled, self.data, self.comparisons))

    @functools.cached_property
    def _area_index(self) -> dict[str, int]:
        return {a: i for i, a in enumerate(self.areas)}

    @functools.cached_property
    def _batch_index(self) -> dict[str, TargetBatch]:
        return {b.target.id: b for b in self.batches}

    @functools.cached_property
    def targets(self) -> tuple[TargetResult, ...]:
        """Every target in every area (built on first use)."""
        return tuple(self._result(b, i, area) for b in self.batches for i, area in enumerate(self.areas))

    @functools.cached_property
    def goals(self) -> tuple[GoalResult, ...]:
        """Every element in every area, children before parents (built on first use)."""
        return tuple(
            self._goal(node, i, area) for node in self.rolled.order for i, area in enumerate(self.areas)
        )

    def _result(self, batch: TargetBatch, i: int, area: str) -> TargetResult:
        found = self.sensitivity.get(batch.target.id)
        return target_result(batch, i, area, self.data, None if found is None else found.at(i))

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
        mix = r.mix[node]
        return GoalResult(
            self.graph.obj(node),
            area,
            Status.from_code(int(r.codes[node][i])),
            score if np.isfinite(score) else None,
            float(r.coverage[node][i]),
            children,
            self.rollup_policy,
            r.measured[node],
            mix.mix(i),
            mix.mix_weight(i),
            mix.caveats_of(i),
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
        return self._result(self._batch_index[target_id], i, a)

    def status_of(self, node_id: str, area: str | None = None) -> Status:
        """The status of an element or a target."""
        _, i = self._where(area)
        return self._code_of(node_id, i)

    def targets_in(self, area: str | None = None) -> tuple[TargetResult, ...]:
        a, i = self._where(area)
        return tuple(self._result(b, i, a) for b in self.batches)

    def goals_in(self, area: str | None = None) -> tuple[GoalResult, ...]:
        a, i = self._where(area)
        return tuple(self._goal(node, i, a) for node in self.rolled.order)

    def counts(self, area: str | None = None) -> dict[Status, int]:
        out = dict.fromkeys(Status, 0)
        for t in self.targets_in(area):
            out[t.status] += 1
        return out

    def to_records(self) -> list[dict[str, Any]]:
        """One flat record per target and area.

        Beside the status and its numbers: a recovery's low point (``shock_*``), whether
        progress was clipped (``progress_flag``), the age of the latest period
        (``latest_end``, ``data_age_months``, ``next_expected``, ``stale``), the sources that
        delivered (``delivered``, "ssb:11618; csv:data/jobs.csv"), the observations a
        projection was or would be fitted on, and whether the verdict holds from earlier
        base periods (``baseline_holds``; ``None`` where it was not checked).
        """
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
                    "shock_period": t.shock.period if t.shock else None,
                    "shock_value": t.shock.value if t.shock else None,
                    "progress_flag": t.progress_flag,
                    "projection_points": t.projection_points,
                    "projection_min_points": t.projection_min_points,
                    "projection_indicative": t.projection.indicative if t.projection else None,
                    "latest_end": t.latest_end,
                    "data_age_months": t.data_age_months,
                    "next_expected": t.next_expected,
                    "stale": t.stale,
                    "delivered": "; ".join(
                        f"{a.source}:{a.location or a.table}"
                        for a in (t.origin.delivered if t.origin else ())
                    ),
                    "baseline_holds": t.sensitivity.holds if t.sensitivity else None,
                }
            )
        return rows

    def to_frame(self, *, explain: bool = True, lang: str = "en") -> Any:
        """The target results as a pandas DataFrame (:func:`~regionplan.evaluation.frames.targets_frame`)."""
        from regionplan.evaluation.frames import targets_frame

        return targets_frame(self, explain=explain, lang=lang)

    def goals_frame(self, *, explain: bool = True, lang: str = "en") -> Any:
        """The goal results as a pandas DataFrame (:func:`~regionplan.evaluation.frames.goals_frame`)."""
        from regionplan.evaluation.frames import goals_frame

        return goals_frame(self, explain=explain, lang=lang)

    @functools.cached_property
    def arrays(self) -> Mapping[str, TargetArrays]:
        """Every target's statuses and numbers for all areas as numpy arrays, by target id."""
        return status_arrays(self)

    def display(self, lang: str | None = None) -> Any:
        """The notebook display in ``lang`` (default: see :mod:`regionplan.report.notebook`)."""
        from regionplan.defaults import resolve

        return resolve("evaluation_display")(self, lang)

    def __repr__(self) -> str:
        """One line: the plan, the date and the number of targets per status (over all areas)."""
        counts = dict.fromkeys(Status, 0)
        for b in self.batches:
            for s in Status:
                counts[s] += int(np.count_nonzero(b.judgement.status == s.code))
        shown = ", ".join(f"{n} {s.value}" for s, n in counts.items())
        return (
            f"<Evaluation of {self.plan.meta.id!r} as of {self.as_of.isoformat()}: "
            f"{len(self.batches)} targets in {len(self.areas)} area(s); {shown}>"
        )

    def to_dict(self) -> dict[str, Any]:
        from regionplan.defaults import resolve

        report: dict[str, Any] = resolve("build_report")(self).to_dict()
        return report

    def _repr_html_(self) -> str:
        from regionplan.defaults import resolve

        html: str = resolve("evaluation_html")(self)
        return html


# -- the evaluation -----------------------------------------------------------------------


def evaluate(
    plan: Plan,
    data: DataSet | Mapping[str, Any] | Any = None,
    *,
    as_of: dt.date | str | None = None,
    context: SourceContext | None = None,
    extensions: Any = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    rollup: str = "weighted_score",
    comparisons: DataSet | None = None,
    check: bool = True,
) -> Evaluation:
    """Evaluate every target and goal of ``plan``.

    Args:
        plan: a loaded plan, or one built in code.
        data: a :class:`~regionplan.data.dataset.DataSet`; a tidy pandas DataFrame
            (columns ``metric``, ``area``, ``period``, ``value``, ``unit``) or a mapping of
            metric id -> :class:`~regionplan.data.series.Series` or observations
            (:func:`~regionplan.data.frames.member_series`); or ``None`` to read through
            the plan's sources.
        as_of: the evaluation date (default: today); only figures published by then count.
        context: how sources run (cache folder, offline).
        groups: evaluate several regions at once: group id -> member codes
            (e.g. every municipality as its own region).
        rollup: the roll-up policy.
        comparisons: the metrics for the plan's comparators; read through the sources
            with the data when ``data`` is ``None`` (:mod:`regionplan.data.comparators`).
        check: check the plan first (:func:`regionplan.check`; a plan read by ``load_plan``
            is not checked again); ``False`` evaluates a plan with errors, at your own risk.

    Raises:
        PlanError: the plan has errors (listed in it).
        EvaluationError: a bad date or an unknown policy.
    """
    from regionplan.defaults import default_extensions
    from regionplan.plan.validation import refuse_unchecked

    ext = extensions or default_extensions()
    data = member_series(plan, data)  # a DataFrame or observations become series by metric id
    if check:
        refuse_unchecked(plan, data=data, extensions=ext)
    day = _as_date(as_of)
    if data is None:
        dataset = fetch_data(plan, context=context, extensions=ext, groups=groups)
        if comparisons is None:
            comparisons = fetch_comparators(plan, context=context, extensions=ext)
    elif isinstance(data, DataSet):
        dataset = data
    else:
        dataset = build_dataset(plan, data, groups=groups)
    areas = tuple(dataset.groups)
    graph = GoalGraph.of(plan)  # built once per plan, not on every evaluation
    metrics = {m.id: m for m in plan.metrics}
    batches: list[TargetBatch] = []
    sensitive: list[str] = []  # the targets with verdicts from earlier base periods
    as_of_time = Period.instant(day).time
    published: dict[tuple[str, str | None], Series] = {}  # each metric's figures, read once
    packer = _packer(len(areas))
    for target in plan.targets:
        metric = metrics[target.metric]
        rows = build_rows(
            plan, target, metric, dataset, areas, day, metrics.get(target.other or ""), published
        )
        policy = contracts.registered(ext.status_policies, target.policy, "judge", ext)
        projector = contracts.registered(ext.projections, target.projection, "project", ext)
        # called through these, a plugin's fault names it and a wrong array stops here
        policy = contracts.checked_policy(policy, target.policy, ext)
        projector = contracts.checked_projector(projector, target.projection, ext)
        judgement = policy.judge(_evidence(rows, target, metric, as_of_time), projector)
        unit = "pp" if target.kind is TargetKind.GROWTH_VS else unit_label(parse_unit(metric.unit))
        other = metrics.get(target.other or "")
        # the same reading and judging from earlier base periods, all areas at once
        found = baseline_sensitivity(
            target,
            metric,
            rows,
            judgement,
            rows_for=functools.partial(_rows_for, plan, metric, dataset, areas, day, other, published),
            judge=functools.partial(_judge_rows, policy, projector, metric, as_of_time),
        )
        if found is not None:
            sensitive.append(target.id)
        held = packer.add(rows, judgement, found)
        batches.append(TargetBatch(target, metric, other, held, projector.name, unit, day))
    packer.close()
    rolled = roll_up(graph, len(areas), batches, ext, rollup)
    kept = tuple(batches)
    return Evaluation(
        plan, graph, dataset, day, areas, kept, rolled, rollup, HeldSensitivity(kept, sensitive), comparisons
    )


def _packer(n_areas: int) -> Packer:
    """How an evaluation holds its targets' arrays: as rows of shared arrays where areas are
    few (an array object costs some 100 bytes besides its numbers: more than the numbers of
    one area, a fifth of those of 64), as they are where areas are many; read-only either way."""
    # a metric's published values and their times are shared by its targets: never copied
    return Packer(
        (Rows, Judgement, Projection, SensitivityBatch),
        keep=frozenset({"times", "values"}),
        pack=n_areas < _PACK_BELOW_AREAS,
    )


#: Targets' arrays are packed when fewer areas than this are evaluated.
_PACK_BELOW_AREAS = 64


def _evidence(rows: Rows, target: Target, metric: Metric, as_of_time: float) -> Evidence:
    """What the target's policy judges, from its rows."""
    n = rows.values.shape[0]
    # a policy may write to what it is given: the rows keep arrays that targets share
    return Evidence(
        times=rows.times.copy(),
        values=rows.values.copy(),
        direction=np.full(n, metric.direction.sign),
        base_time=rows.base_time.copy(),
        base_value=rows.base_value.copy(),
        goal=rows.goal,
        deadline=np.full(n, rows.deadline),
        tolerance=np.full(n, target.tolerance * unit_factor(target.value_unit, metric)),
        every_year=np.full(n, rows.every_year),
        condition=np.full(n, rows.condition),
        as_of=as_of_time,
        hold=np.full(n, rows.hold),
        min_points=np.full(n, rows.min_points),
        undefined=rows.undefined,
    )


def _rows_for(
    plan: Plan,
    metric: Metric,
    dataset: DataSet,
    areas: Sequence[str],
    day: dt.date,
    other: Metric | None,
    published: dict[tuple[str, str | None], Series],
    target: Target,
) -> Rows:
    return build_rows(plan, target, metric, dataset, areas, day, other, published)


def _judge_rows(
    policy: StatusPolicy, projector: Projector, metric: Metric, as_of_time: float, rows: Rows, target: Target
) -> Judgement:
    """The target's policy applied to its rows (as for the stated baseline)."""
    return policy.judge(_evidence(rows, target, metric, as_of_time), projector)


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
