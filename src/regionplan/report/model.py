"""The report model: an evaluation laid out once, for every output format.

A :class:`Report` holds plain, frozen values in one language: headings and status
words, numbers written as people write them, sentences that explain each
status, chart data, the goal diagram, who does what, the SDG view, data sources
and credits. :func:`regionplan.report.build.build_report` makes it; renderers
(:mod:`regionplan.report.renderers`) only write it out, so every format says the same thing.
The figures (charts, the goal diagram) live in :mod:`regionplan.report.figures` and the
section "since the last report" in :mod:`regionplan.report.since_view`; both are re-exported here.

:meth:`Report.to_dict` gives JSON-able data described by the JSON schema
``regionplan/report/schema/report-v1.schema.json`` (:data:`SCHEMA_ID`).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs

from regionplan.report.comparison_views import ComparedArea, ComparisonsView, MetricComparison
from regionplan.report.figures import (
    ChartData,
    ChartPoint,
    Diagram,
    DiagramEdge,
    DiagramNode,
    ProjectionView,
    TreeNode,
)
from regionplan.report.member import AreaFigure, FigurePoint, MapView, MemberTarget, MemberView
from regionplan.report.method import Method, MethodItem, MethodPart
from regionplan.report.since_view import SinceGroup, SinceItem, SinceView
from regionplan.report.views import (
    BaseRow,
    DataAgeView,
    FailureView,
    GoalBasis,
    LatestFigure,
    MixEntry,
    OriginView,
    SensitivityView,
    SourceUse,
    StatusView,
)
from regionplan.report.words import word

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "ActorRef",
    "ActorView",
    "AreaFigure",
    "BaseRow",
    "ChartData",
    "ChartPoint",
    "ComparedArea",
    "ComparisonsView",
    "DataAgeView",
    "Diagram",
    "DiagramEdge",
    "DiagramNode",
    "ElementRef",
    "ElementRow",
    "FailureView",
    "FigurePoint",
    "GoalBasis",
    "LatestFigure",
    "MapView",
    "Member",
    "MemberTarget",
    "MemberView",
    "Method",
    "MethodItem",
    "MethodPart",
    "MetricComparison",
    "MixEntry",
    "OriginView",
    "ProjectionView",
    "RegionView",
    "Report",
    "SdgRef",
    "SdgView",
    "Section",
    "SensitivityView",
    "SinceGroup",
    "SinceItem",
    "SinceView",
    "SourceCredit",
    "SourceUse",
    "StatusCount",
    "StatusView",
    "TargetDefinition",
    "TargetRow",
    "TreeNode",
    "WarningRow",
]

#: The id of the JSON schema :meth:`Report.to_dict` follows.
SCHEMA_ID = "https://regionplan.example/schemas/report-v1.json"
#: Bumped when a field is removed or changes meaning; new fields keep the version.
SCHEMA_VERSION = 1


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
    basis: GoalBasis | None = None


@attrs.frozen
class TargetDefinition:
    """What the plan asks of a target, as written (before any data): see :class:`regionplan.plan.model.Target`.

    A later report compares it to tell a redefined target from one whose status changed
    (:func:`regionplan.report.since.compare_reports`).
    """

    kind: str
    metric: str
    value: float | None
    value_unit: str | None
    change: float | None
    relative: bool
    baseline: str | None
    deadline: str | None
    shock: str | None
    other: str | None
    every_year: bool
    tolerance: float
    area: str | None


@attrs.frozen
class TargetRow:
    """One target as reported: what it asks, where it stands, why, and what that rests on.

    ``baseline`` is the target's own baseline (a recovery's: the level before the shock;
    ``shock`` its low point). ``progress`` is the share of the way from the baseline to the
    goal, from 0 to 1, or ``None`` where it means nothing; ``progress_flag`` (``"away"``,
    ``"beyond"``) and ``progress_note`` say when it was clipped. ``projection`` is there
    only when one was made; otherwise ``projection_note`` says why not ("ingen
    framskriving: 4 av 5 observasjoner") where the target is on or off track. ``age`` is
    the age of the latest figures, ``origin`` where the data came from, ``sensitivity``
    the verdict from earlier base periods; ``missing`` says why data is missing, in the
    report's language (``missing_kinds``: the failures' kind codes). ``definition``: the
    target as the plan writes it.
    """

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
    deadline_text: str = ""
    shock: ChartPoint | None = None
    progress_flag: str | None = None
    progress_note: str = ""
    projection_points: int = 0
    projection_min_points: int = 0
    projection_note: str = ""
    age: DataAgeView | None = None
    origin: OriginView | None = None
    sensitivity: SensitivityView | None = None
    missing_kinds: tuple[str, ...] = ()
    definition: TargetDefinition | None = None


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
    basis: GoalBasis | None = None


@attrs.frozen
class Section:
    """The elements of one kind, in plan order."""

    kind: str
    heading: str
    elements: tuple[ElementRow, ...]


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
    ``metrics``: ids of the metrics read from it; ``metric_titles``: their names, in order.
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
    metric_titles: tuple[str, ...] = ()


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
        latest_figures: per metric a target is judged on, its newest period and that
            period's age.
        rests_on: what the statuses rest on, on one line: "Status per 2026-11-30 · nyeste
            tall: arbeidsplasser 2022K4 (46 mnd.)".
        stale_note: which metrics should have newer figures by now ("" when none).
        member: on a report about one member, that member beside the region and the others.
        map: the members on one target, for the map (``None`` without members evaluated).
        comparisons: the region beside its comparators, and the indicators to watch.
        method: how the evaluation works, in short (:func:`regionplan.report.method.method_of`).
        source_citation: the plan's source document as cited (a title or URL; "" if none).
        since: what changed since an earlier report, when one was given.
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
    latest_figures: tuple[LatestFigure, ...] = ()
    rests_on: str = ""
    stale_note: str = ""
    member: MemberView | None = None
    map: MapView | None = None
    comparisons: ComparisonsView | None = None
    method: Method | None = None
    source_citation: str = ""
    since: SinceView | None = None

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
