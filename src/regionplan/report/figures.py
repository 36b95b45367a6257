"""The figures of a report: chart data, projections and the goal diagram.

Part of the report model (:mod:`regionplan.report.model`, which re-exports them): the
points a chart or table draws, a projection with its interval, and the goal graph as
nodes, weighted edges and a tree.
"""

from __future__ import annotations

import attrs

from regionplan.report.views import GoalBasis, StatusView

__all__ = ["ChartData", "ChartPoint", "Diagram", "DiagramEdge", "DiagramNode", "ProjectionView", "TreeNode"]


@attrs.frozen
class ChartPoint:
    """A point of a chart or table: period label, decimal-year time, value and the value as text.

    ``period_text`` is the period as the reader's statistics office writes it (``2022K4``
    in nb, ``2022Q4`` in en).
    """

    period: str
    time: float
    value: float
    text: str
    period_text: str = ""


@attrs.frozen
class ProjectionView:
    """A projection to the deadline with its interval (``low``/``high`` ``None`` when unknown).

    Made only from at least the metric's ``projection_min_points`` observations
    (``n_points``). ``indicative``: it reaches further ahead (``horizon_years``) than the
    data reach back (``span_years``), so it shows a direction, not a forecast.
    """

    method: str
    deadline: str
    time: float | None
    value: float
    low: float | None
    high: float | None
    confidence: float
    text: str
    interval_text: str
    deadline_text: str = ""
    n_points: int = 0
    span_years: float | None = None
    horizon_years: float | None = None
    indicative: bool = False


@attrs.frozen
class ChartData:
    """What a chart of one target draws: history, baseline, goal, target path, projection."""

    target: str
    metric: str
    title: str
    unit: str
    status: StatusView
    history: tuple[ChartPoint, ...]
    baseline: ChartPoint | None
    goal: float | None
    goal_text: str
    goal_time: float | None
    deadline: str
    trajectory: tuple[ChartPoint, ...]
    projection: ProjectionView | None
    latest: ChartPoint | None
    description: str
    shock: ChartPoint | None = None
    deadline_text: str = ""


@attrs.frozen
class DiagramNode:
    """A node of the goal diagram: an element or a target.

    ``basis``: what an element's status rests on. For a target, ``latest``: its latest
    value with its period and age ("Siste verdi: −4,4 pp (2022K4 · 46 mnd., nyere tall
    mangler)"), and ``note``: for a target measured from a base period, its verdict from
    earlier ones (:attr:`SensitivityView.short`).
    """

    id: str
    label: str
    kind: str
    kind_label: str
    status: StatusView | None
    is_target: bool
    basis: GoalBasis | None = None
    note: str = ""
    latest: str = ""


@attrs.frozen
class DiagramEdge:
    """``source`` contributes to ``target`` with ``weight``."""

    source: str
    target: str
    weight: float


@attrs.frozen
class TreeNode:
    """The goal hierarchy as a tree from the roots down (a node with several parents repeats)."""

    id: str
    children: tuple[TreeNode, ...] = ()
    repeated: bool = False


@attrs.frozen
class Diagram:
    nodes: tuple[DiagramNode, ...]
    edges: tuple[DiagramEdge, ...]
    tree: tuple[TreeNode, ...]

    def node(self, node_id: str) -> DiagramNode:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)
