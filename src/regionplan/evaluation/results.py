"""What an evaluation says about one target or one goal in one area.

:class:`TargetResult` carries a target's status and everything that explains it
(baseline, latest value, goal, projection, trajectory); :class:`GoalResult` a plan
element's rolled-up status. Both are built from the evaluation's arrays when asked for
(see :mod:`~regionplan.evaluation.batch`).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from regionplan.evaluation.rollup import ChildStatus
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
        from regionplan.defaults import resolve

        sentence: str = resolve("explain_target")(self, lang)
        return sentence


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
