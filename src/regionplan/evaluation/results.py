"""What an evaluation says about one target or one goal in one area.

:class:`TargetResult` carries a target's status and everything that explains it
(baseline, latest value, goal, projection, trajectory); :class:`GoalResult` a plan
element's rolled-up status. Both are built from the evaluation's arrays when asked for
(see :mod:`~regionplan.evaluation.batch`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from regionplan.data.attempts import DataOrigin, SourceFailure
from regionplan.evaluation.rollup import ChildStatus
from regionplan.evaluation.sensitivity import BaselineSensitivity
from regionplan.evaluation.status import Status
from regionplan.plan.model import Element, Metric, Target

__all__ = ["GoalResult", "Point", "TargetResult"]


@attrs.frozen
class Point:
    """One value at one period."""

    period: str
    time: float
    value: float


@attrs.frozen
class ProjectionResult:
    """A trend projected to the deadline, made only from enough observations.

    Attributes:
        method: the projection method.
        deadline: the deadline period.
        value, low, high: the projected value and its prediction interval (``NaN``
            bounds with fewer than three points).
        slope: change per year (``compound``: the annual growth rate).
        n_points: the observations fitted.
        confidence: the interval's coverage, e.g. 0.8.
        span_years: from the first to the last observation fitted, in years.
        horizon_years: from the last observation fitted to the deadline, in years.
        indicative: the horizon is longer than the span: the projection reaches further
            ahead than the data reach back, so it shows a direction, not a forecast.
    """

    method: str
    deadline: str
    value: float
    low: float
    high: float
    slope: float
    n_points: int
    confidence: float
    span_years: float | None = None
    horizon_years: float | None = None
    indicative: bool = False


@attrs.frozen
class TargetResult:
    """The status of one target in one region, with everything that explains it.

    Attributes:
        target, metric: the plan's objects.
        area: the region (or area) evaluated.
        status: achieved, on track, off track or insufficient data.
        reason: a key of :data:`regionplan.evaluation.status.REASONS`; :meth:`explain` writes the sentence.
        category: the policy's own category (Open SDG's progress label).
        baseline: the target's own baseline (for a recovery, the level before the shock
            that it is to get back to, not the low point).
        latest: the latest observation judged.
        goal: the value to reach by the deadline, in the metric's unit.
        deadline: the deadline period.
        progress: the share of the way from the baseline to the goal covered, from 0 to 1
            (1.0 = reached; for a recovery, the share of the loss regained). Clipped to
            that range: ``progress_flag`` says when the value moved away from the goal
            (``"away"``, shown as 0) or went beyond it (``"beyond"``, shown as 1).
            ``None`` where a share means nothing: no goal value, a condition
            (``growth_vs``) or a level to hold, a baseline that already meets the goal or
            equals it, a recovery without a loss, or insufficient data.
        projection: the projection to the deadline, when one was made: only from at
            least ``projection_min_points`` observations (see ``projection_points``).
        trajectory: the required path the status is judged against: a straight line,
            one point a year, from the baseline (a recovery's: from the shock) to the
            goal at the deadline.
        history: the observations available at the evaluation date.
        unit: the metric's unit label.
        policy, method: the status policy and the projection method.
        thresholds, measure: the policy's thresholds and its own number.
        missing: why data is missing (source errors), if it is.
        facts: numbers a sentence can cite (fall during a shock, distance to goal...).
        coverage: members with data out of members, at the latest point.
        shock: a recovery's low point after the baseline, where there was a loss.
        progress_flag: ``"away"`` or ``"beyond"`` where ``progress`` was clipped, else ``None``.
        projection_points: the observations a projection is fitted on (from the baseline
            on; a recovery's from the shock on). With fewer than ``projection_min_points``
            there is no projection: "no projection: 3 observations, at least 5 needed".
        projection_min_points: the metric's ``projection_min_points``.
        sensitivity: the verdict from the base periods before the baseline (whether it
            holds or flips, and whether the baseline is a low or high point of the
            metric); ``None`` for a target not measured from a base period, or with no
            earlier base period observed.
        origin: where the data came from: the source that delivered (for a derived metric
            or a comparison, one per observed metric behind it), the sources that failed
            before it, each with its kind code, and damaged cached copies fetched again.
        missing_reasons: the reasons of ``missing``, one record each, with a kind code
            (:class:`~regionplan.data.attempts.FailureKind`).
        latest_end: the last day the latest period covers.
        data_age_months: whole months from the end of the latest period to the evaluation date.
        next_expected: the day the next period's figures count as published: the latest
            period's end, plus the series' publication cycle (a year for an annual series,
            a quarter for a quarterly one), plus the metric's ``publication_lag_months``.
        stale: the evaluation date is on or after ``next_expected``: a newer period should
            be published and is not in the data.
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
    sensitivity: BaselineSensitivity | None = None
    shock: Point | None = None
    progress_flag: str | None = None
    projection_points: int = 0
    projection_min_points: int = 5
    origin: DataOrigin | None = None
    missing_reasons: tuple[SourceFailure, ...] = ()
    latest_end: dt.date | None = None
    data_age_months: int | None = None
    next_expected: dt.date | None = None
    stale: bool = False

    def explain(self, lang: str = "en") -> str:
        """A sentence or two saying why the target has its status."""
        from regionplan.defaults import resolve

        sentence: str = resolve("explain_target")(self, lang)
        return sentence


@attrs.frozen
class GoalResult:
    """A plan element's rolled-up status in one region, with what it rests on.

    Attributes:
        element: the plan's element.
        area: the region (or area) evaluated.
        status, score: the roll-up policy's verdict and its number (``None`` when none).
        coverage: the share of the children's weight that has a status (0 to 1).
        children: the children's statuses and edge weights.
        policy: the roll-up policy.
        measured: whether any target lies below this element (if not, it is not measured at all).
        mix: the number of measured children per status (achieved, on track, off track).
        mix_weight: their share of the children's total weight per status (sums to ``coverage``).
        caveats: keys of :data:`regionplan.evaluation.rollup.CAVEATS` that apply
            (``unmeasured``, ``partly_measured``, ``mixed``); :meth:`explain` writes them out.
    """

    element: Element
    area: str
    status: Status
    score: float | None
    coverage: float
    children: tuple[ChildStatus, ...]
    policy: str
    measured: bool = True
    mix: Mapping[Status, int] = attrs.field(factory=dict)
    mix_weight: Mapping[Status, float] = attrs.field(factory=dict)
    caveats: tuple[str, ...] = ()

    def explain(self, lang: str = "en") -> str:
        """The status with its coverage, mix and caveats, e.g. "On track — 10 % measured; 1 achieved"."""
        from regionplan.evaluation.explain import explain_goal

        return explain_goal(self, lang)
