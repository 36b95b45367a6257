"""The report model: an evaluation laid out once, for every output format.

A :class:`Report` holds plain, frozen values in one language: headings and status
words, numbers written as people write them, sentences that explain each
status, chart data, the goal diagram, who does what, the SDG view, data sources
and credits. :func:`regionplan.report.build.build_report` makes it; renderers
(:mod:`regionplan.report.renderers`) only write it out, so every format says the same thing.

:meth:`Report.to_dict` gives JSON-able data described by the JSON schema
``regionplan/report/schema/report-v1.schema.json`` (:data:`SCHEMA_ID`).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs

from regionplan.evaluation.status import Status
from regionplan.report.words import word

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "ActorRef",
    "ActorView",
    "ChartData",
    "ChartPoint",
    "Diagram",
    "DiagramEdge",
    "DiagramNode",
    "ElementRef",
    "ElementRow",
    "Member",
    "ProjectionView",
    "RegionView",
    "Report",
    "SdgRef",
    "SdgView",
    "Section",
    "SourceCredit",
    "StatusCount",
    "StatusView",
    "TargetRow",
    "TreeNode",
    "WarningRow",
]

#: The id of the JSON schema :meth:`Report.to_dict` follows.
SCHEMA_ID = "https://regionplan.example/schemas/report-v1.json"
#: Bumped when a field is removed or changes meaning; new fields keep the version.
SCHEMA_VERSION = 1


@attrs.frozen
class StatusView:
    """A status as shown: its code (``"on_track"``), label in the report's language, symbol."""

    value: str
    label: str
    symbol: str

    @classmethod
    def of(cls, status: Status, lang: str) -> StatusView:
        return cls(status.value, status.label.get(lang), status.symbol)


@attrs.frozen
class StatusCount:
    status: StatusView
    count: int


@attrs.frozen
class Member:
    """A member municipality: its id, name and current code."""

    id: str
    name: str
    code: str


@attrs.frozen
class ElementRef:
    """A short reference to an element: for headlines, actor and SDG views."""

    id: str
    number: str
    title: str
    kind: str
    kind_label: str
    status: StatusView | None
    role: str = ""
    role_label: str = ""


@attrs.frozen
class ChartPoint:
    """A point of a chart or table: period label, decimal-year time, value and the value as text."""

    period: str
    time: float
    value: float
    text: str


@attrs.frozen
class ProjectionView:
    """A projection to the deadline with its interval (``low``/``high`` ``None`` when unknown)."""

    method: str
    deadline: str
    time: float | None
    value: float
    low: float | None
    high: float | None
    confidence: float
    text: str
    interval_text: str


@attrs.frozen
class TargetRow:
    """One target as reported: what it asks, where it stands and why."""

    id: str
    element: str
    title: str
    kind: str
    metric: str
    metric_title: str
    status: StatusView
    reason: str
    explanation: str
    baseline: ChartPoint | None
    latest: ChartPoint | None
    goal: float | None
    goal_text: str
    deadline: str
    progress: float | None
    progress_text: str
    projection: ProjectionView | None
    unit: str
    coverage: tuple[int, int] | None
    coverage_text: str
    missing: tuple[str, ...]
    policy: str
    method: str


@attrs.frozen
class ActorRef:
    id: str
    name: str
    role: str
    role_label: str


@attrs.frozen
class SdgRef:
    code: str
    title: str


@attrs.frozen
class ElementRow:
    """One plan element as reported, with its targets.

    ``status``, ``score`` and ``coverage`` are ``None`` when no target measures the
    element, directly or through the elements contributing to it ("not measured").
    """

    id: str
    number: str
    title: str
    kind: str
    kind_label: str
    status: StatusView | None
    score: float | None
    coverage: float | None
    coverage_text: str
    responsible: tuple[ActorRef, ...]
    sdgs: tuple[SdgRef, ...]
    description: str
    notes: tuple[str, ...]
    timing: str
    parents: tuple[str, ...]
    targets: tuple[TargetRow, ...]


@attrs.frozen
class Section:
    """The elements of one kind, in plan order."""

    kind: str
    heading: str
    elements: tuple[ElementRow, ...]


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


@attrs.frozen
class DiagramNode:
    """A node of the goal diagram: an element or a target."""

    id: str
    label: str
    kind: str
    kind_label: str
    status: StatusView | None
    is_target: bool


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


@attrs.frozen
class ActorView:
    """What one actor owns or contributes to."""

    id: str
    name: str
    kind: str
    elements: tuple[ElementRef, ...]


@attrs.frozen
class SdgView:
    """One SDG goal or target and the plan elements aligned with it."""

    code: str
    level: str
    goal: str
    title: str
    goal_title: str
    elements: tuple[ElementRef, ...]


@attrs.frozen
class SourceCredit:
    """One data source: what to print with the figures, and where to find them.

    ``label`` is the line to print: the source's credit line, else one made from its
    publisher and table, else the source's name and table.
    """

    source: str
    table: str
    label: str
    credit: str
    publisher: str
    licence: str
    retrieved: str
    url: str | None
    notes: str
    metrics: tuple[str, ...]


@attrs.frozen
class WarningRow:
    code: str
    severity: str
    message: str
    location: str
    hint: str


@attrs.frozen
class RegionView:
    id: str
    name: str
    members: tuple[Member, ...]


@attrs.frozen
class Report:
    """An evaluation laid out for reading, in one language. Build with :func:`build_report`.

    Attributes:
        lang: the language of the report.
        title, subtitle: the plan's title and "Status as of ...".
        description: the plan's description.
        plan_id, plan_status, period_start, period_end: the plan's identity.
        source_document: the plan document's http(s) URL, if any.
        as_of: the evaluation date.
        area, area_name: the region (or area) reported on.
        region: the plan's region and its members.
        summary: targets per status (every status, in order achieved → insufficient data).
        n_targets: the number of targets.
        headline: the main goals, then the vision, with their statuses.
        sections: the elements by kind, kinds in plan order, each element with its targets.
        charts: per target, the data of its chart.
        diagram: the goal graph: nodes with status, weighted edges, and the tree from the roots.
        actors: who does what.
        sdgs: per SDG goal or target, the elements aligned with it.
        sources: data sources and their credit lines.
        warnings: plan-quality problems given to :func:`build_report`.
        rollup_policy: how goals' statuses follow from their children.
    """

    lang: str
    title: str
    subtitle: str
    description: str
    plan_id: str
    plan_status: str
    period_start: int
    period_end: int
    source_document: str | None
    as_of: dt.date
    area: str
    area_name: str
    region: RegionView
    summary: tuple[StatusCount, ...]
    n_targets: int
    headline: tuple[ElementRef, ...]
    sections: tuple[Section, ...]
    charts: tuple[ChartData, ...]
    diagram: Diagram
    actors: tuple[ActorView, ...]
    sdgs: tuple[SdgView, ...]
    sources: tuple[SourceCredit, ...]
    warnings: tuple[WarningRow, ...]
    rollup_policy: str

    def t(self, key: str, **fields: Any) -> str:
        """An interface word in the report's language, with ``fields`` filled in."""
        text = word(key, self.lang)
        return text.format(**fields) if fields else text

    @property
    def targets(self) -> tuple[TargetRow, ...]:
        """Every target, by element in plan order."""
        return tuple(t for s in self.sections for e in s.elements for t in e.targets)

    @property
    def elements(self) -> tuple[ElementRow, ...]:
        return tuple(e for s in self.sections for e in s.elements)

    def element(self, element_id: str) -> ElementRow:
        for e in self.elements:
            if e.id == element_id:
                return e
        raise KeyError(element_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able data: ISO dates, ``None`` for missing or non-finite numbers, lists for tuples."""
        body = attrs.asdict(self, recurse=True, value_serializer=_serialize)
        return {"schema": SCHEMA_ID, "schema_version": SCHEMA_VERSION, **body}


def _serialize(_inst: Any, _field: Any, value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple):
        return list(value)
    return value
