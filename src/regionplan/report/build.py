"""The report: an evaluation laid out once, for every output format.

:func:`build_report` turns an :class:`~regionplan.evaluation.evaluator.Evaluation` into a
:class:`Report` of plain, frozen values in one language: headings and status
words, numbers written as people write them, sentences that explain each
status, chart data, the goal diagram, who does what, the SDG view, data sources
and credits. Renderers (:mod:`regionplan.report.renderers`) only write it out, so every
format says the same thing.

:meth:`Report.to_dict` gives JSON-able data described by the JSON schema
``regionplan/report/schema/report-v1.schema.json`` (:data:`SCHEMA_ID`).

Interface words (headings, column names, status labels) exist in Norwegian
bokmål (``nb``) and English (``en``); plan text is taken in the chosen language
and falls back to the other.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from regionplan.errors import EvaluationError, Problem
from regionplan.evaluation.explain import format_number
from regionplan.evaluation.status import Status
from regionplan.plan.model import DEFAULT_LANGUAGE, Element, ElementKind, Label, Plan
from regionplan.plan.sdg import catalogue
from regionplan.plan.units import localized_unit

if TYPE_CHECKING:
    from regionplan.evaluation.evaluator import Evaluation, GoalResult, Point, TargetResult

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "WORDS",
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
    "build_report",
    "word",
]

#: The id of the JSON schema :meth:`Report.to_dict` follows.
SCHEMA_ID = "https://regionplan.example/schemas/report-v1.json"
#: Bumped when a field is removed or changes meaning; new fields keep the version.
SCHEMA_VERSION = 1

LANGUAGES = ("nb", "en")

#: Interface words in both languages. Renderers read them through :meth:`Report.t`.
WORDS: dict[str, dict[str, str]] = {
    "nb": {
        "subtitle": "Status per {date}",
        "summary": "Hvor står regionen?",
        "summary_counts": "{n} mål i planen",
        "main_goal": "Hovedmål",
        "vision": "Visjon",
        "elements": "Planens deler",
        "targets": "Måltall",
        "charts": "Utvikling per indikator",
        "goal_graph": "Målhierarki",
        "actors": "Hvem gjør hva",
        "sdgs": "Bærekraftsmål",
        "sources": "Kilder",
        "warnings": "Merknader om planen",
        "members": "Kommuner",
        "contents": "Innhold",
        "region": "Region",
        "as_of": "Vurderingsdato",
        "period": "Planperiode",
        "id": "Id",
        "number": "Nr.",
        "title": "Tittel",
        "kind": "Type",
        "status": "Status",
        "score": "Poeng",
        "coverage": "Datadekning",
        "responsible": "Ansvarlig",
        "sdg": "Bærekraftsmål",
        "description": "Beskrivelse",
        "notes": "Merknader",
        "target": "Mål",
        "metric": "Indikator",
        "reason": "Begrunnelse",
        "baseline": "Utgangsverdi",
        "latest": "Siste verdi",
        "goal": "Målverdi",
        "deadline": "Frist",
        "progress": "Framdrift",
        "projection": "Framskrevet",
        "interval": "Intervall",
        "unit": "Enhet",
        "missing": "Manglende data",
        "value": "Verdi",
        "role": "Rolle",
        "owner": "eier",
        "contributor": "bidragsyter",
        "source": "Kilde",
        "table": "Tabell",
        "credit": "Kreditering",
        "licence": "Lisens",
        "retrieved": "Hentet",
        "url": "Lenke",
        "used_for": "Brukt for",
        "code": "Kode",
        "message": "Melding",
        "hint": "Råd",
        "location": "Sted",
        "not_measured": "Ikke målt",
        "none": "ingen",
        "no_targets": "Ingen måltall.",
        "no_elements": "Ingen deler.",
        "history": "Observert",
        "trajectory": "Målbane",
        "projection_interval": "Intervall for framskrivingen",
        "chart_data": "Tallene bak figuren",
        "chart_alt": "{title}: observert {first}–{last}, mål {goal} innen {deadline}",
        "of": "av",
        "range": "{low} til {high}",
        "credit_default": "Kilde: {publisher}",
        "credit_table": "Kilde: {publisher}, tabell {table}",
        "generated_by": "Laget med regionplan",
        "target_of": "Mål for",
        "elements_of": "Deler",
        "aligned": "Knyttet til",
        "sdg_goal": "Bærekraftsmål {code}",
        "repeated": "(se over)",
    },
    "en": {
        "subtitle": "Status as of {date}",
        "summary": "Where does the region stand?",
        "summary_counts": "{n} targets in the plan",
        "main_goal": "Main goal",
        "vision": "Vision",
        "elements": "Plan elements",
        "targets": "Targets",
        "charts": "Indicators over time",
        "goal_graph": "Goal hierarchy",
        "actors": "Who does what",
        "sdgs": "Sustainable Development Goals",
        "sources": "Sources",
        "warnings": "Notes on the plan",
        "members": "Municipalities",
        "contents": "Contents",
        "region": "Region",
        "as_of": "Evaluation date",
        "period": "Plan period",
        "id": "Id",
        "number": "No.",
        "title": "Title",
        "kind": "Kind",
        "status": "Status",
        "score": "Score",
        "coverage": "Data coverage",
        "responsible": "Responsible",
        "sdg": "SDGs",
        "description": "Description",
        "notes": "Notes",
        "target": "Target",
        "metric": "Indicator",
        "reason": "Reason",
        "baseline": "Baseline",
        "latest": "Latest",
        "goal": "Target value",
        "deadline": "Deadline",
        "progress": "Progress",
        "projection": "Projected",
        "interval": "Interval",
        "unit": "Unit",
        "missing": "Missing data",
        "value": "Value",
        "role": "Role",
        "owner": "owner",
        "contributor": "contributor",
        "source": "Source",
        "table": "Table",
        "credit": "Credit",
        "licence": "Licence",
        "retrieved": "Retrieved",
        "url": "Link",
        "used_for": "Used for",
        "code": "Code",
        "message": "Message",
        "hint": "Hint",
        "location": "Location",
        "not_measured": "Not measured",
        "none": "none",
        "no_targets": "No targets.",
        "no_elements": "No elements.",
        "history": "Observed",
        "trajectory": "Target path",
        "projection_interval": "Projection interval",
        "chart_data": "The figures behind the chart",
        "chart_alt": "{title}: observed {first}–{last}, target {goal} by {deadline}",
        "of": "of",
        "range": "{low} to {high}",
        "credit_default": "Source: {publisher}",
        "credit_table": "Source: {publisher}, table {table}",
        "generated_by": "Made with regionplan",
        "target_of": "Target for",
        "elements_of": "Elements",
        "aligned": "Aligned with",
        "sdg_goal": "SDG {code}",
        "repeated": "(see above)",
    },
}

#: Headings of the element sections, one per element kind (plan order).
SECTION_HEADINGS: dict[ElementKind, Label] = {
    ElementKind.VISION: Label({"nb": "Visjon", "en": "Vision"}),
    ElementKind.MAIN_GOAL: Label({"nb": "Hovedmål", "en": "Main goals"}),
    ElementKind.SUB_GOAL: Label({"nb": "Delmål", "en": "Sub-goals"}),
    ElementKind.STRATEGY: Label({"nb": "Strategier", "en": "Strategies"}),
    ElementKind.FOCUS_AREA: Label({"nb": "Hovedsatsingsområder", "en": "Focus areas"}),
    ElementKind.ACTION: Label({"nb": "Handlingsprogram", "en": "Action programme"}),
    ElementKind.PROJECT: Label({"nb": "Prosjekter og tiltak", "en": "Projects and measures"}),
    ElementKind.TOOL: Label({"nb": "Verktøy", "en": "Tools"}),
    ElementKind.FRAMEWORK_CONDITION: Label({"nb": "Rammefaktorer", "en": "Framework conditions"}),
    ElementKind.OPEN_QUESTION: Label({"nb": "Avklaringer", "en": "Open questions"}),
}


def word(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """An interface word in ``lang`` (nb or en; other languages get English)."""
    words = WORDS.get(lang, WORDS["en"])
    return words.get(key) or WORDS["en"][key]


# -- the model ----------------------------------------------------------------------------


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


# -- building -----------------------------------------------------------------------------


def build_report(
    evaluation: Evaluation,
    *,
    lang: str = DEFAULT_LANGUAGE,
    area: str | None = None,
    warnings: Iterable[Problem] = (),
) -> Report:
    """Lay out an evaluation for reading.

    Args:
        evaluation: the result of :func:`regionplan.evaluate`.
        lang: ``"nb"`` or ``"en"``: interface words and plan text (falling back to the other).
        area: the region or area to report on (default: the first evaluated, the plan's region).
        warnings: plan-quality problems to list (e.g. ``validate_plan(...).warnings``).

    Raises:
        EvaluationError: ``area`` was not evaluated.
    """
    return _Builder(evaluation, lang, area).build(tuple(warnings))


class _Builder:
    def __init__(self, evaluation: Evaluation, lang: str, area: str | None) -> None:
        if area is not None and area not in evaluation.areas:
            msg = f"the evaluation has no area {area!r} (evaluated: {', '.join(evaluation.areas)})"
            raise EvaluationError(msg)
        self.ev = evaluation
        self.plan: Plan = evaluation.plan
        self.lang = lang
        self.area = area or evaluation.areas[0]
        self.goals = {g.element.id: g for g in evaluation.goals_in(self.area)}
        # an element is measured when a target contributes to it, directly or through others
        self.measured = {g.element.id for g in self.goals.values() if g.measured}
        self.results = {r.target.id: r for r in evaluation.targets_in(self.area)}

    # helpers

    def text(self, label: Label | None) -> str:
        return label.get(self.lang) if label else ""

    def w(self, key: str, **fields: Any) -> str:
        text = word(key, self.lang)
        return text.format(**fields) if fields else text

    def num(self, value: float | None, decimals: int | None = None) -> str:
        if value is None or not math.isfinite(value):
            return "–"
        return format_number(value, self.lang, decimals)

    def status_of_element(self, element_id: str) -> tuple[StatusView | None, GoalResult | None]:
        goal = self.goals.get(element_id)
        if goal is None or element_id not in self.measured:
            return None, goal
        return StatusView.of(goal.status, self.lang), goal

    def ref(self, element: Element, role: str = "") -> ElementRef:
        status, _ = self.status_of_element(element.id)
        return ElementRef(
            element.id,
            element.number,
            self.text(element.title),
            element.kind.value,
            self.text(element.kind.label),
            status,
            role,
            self.w(role) if role else "",
        )

    # parts

    def build(self, warnings: tuple[Problem, ...]) -> Report:
        plan, meta = self.plan, self.plan.meta
        from regionplan.report.renderers import safe_url

        rows = {t.id: self.target_row(self.results[t.id]) for t in plan.targets if t.id in self.results}
        counts = dict.fromkeys(Status, 0)
        for r in self.results.values():
            counts[r.status] += 1
        headline = tuple(self.ref(e) for e in plan.elements_of_kind(ElementKind.MAIN_GOAL)) + tuple(
            self.ref(e) for e in plan.elements_of_kind(ElementKind.VISION)
        )
        return Report(
            lang=self.lang,
            title=self.text(meta.title),
            subtitle=self.w("subtitle", date=self.ev.as_of.isoformat()),
            description=self.text(meta.description),
            plan_id=meta.id,
            plan_status=meta.status.value,
            period_start=meta.period_start,
            period_end=meta.period_end,
            source_document=safe_url(meta.source_document),
            as_of=self.ev.as_of,
            area=self.area,
            area_name=self.area_name(),
            region=RegionView(
                plan.region.id,
                self.text(plan.region.name),
                tuple(Member(m.id, self.text(m.name), m.current_code) for m in plan.region.municipalities),
            ),
            summary=tuple(StatusCount(StatusView.of(s, self.lang), n) for s, n in counts.items()),
            n_targets=len(self.results),
            headline=headline,
            sections=self.sections(rows),
            charts=tuple(self.chart(self.results[t.id], rows[t.id]) for t in plan.targets if t.id in rows),
            diagram=self.diagram(),
            actors=self.actors(),
            sdgs=self.sdgs(),
            sources=self.sources(),
            warnings=tuple(
                WarningRow(p.code, p.severity.value, p.message, str(p.location) if p.location else "", p.hint)
                for p in warnings
            ),
            rollup_policy=self.ev.rollup_policy,
        )

    def area_name(self) -> str:
        plan = self.plan
        if self.area == plan.region.id:
            return self.text(plan.region.name)
        for m in plan.region.municipalities:
            if self.area == m.id or self.area in m.all_codes:
                return self.text(m.name)
        return self.area

    def point(self, p: Point | None, decimals: int | None) -> ChartPoint | None:
        if p is None:
            return None
        return ChartPoint(p.period, p.time, p.value, self.num(p.value, decimals))

    def target_row(self, r: TargetResult) -> TargetRow:
        d = r.metric.decimals
        metric_title = self.text(r.metric.title) or r.metric.id
        proj = None
        if r.projection is not None:
            p = r.projection
            low = p.low if math.isfinite(p.low) else None
            high = p.high if math.isfinite(p.high) else None
            interval = ""
            if low is not None and high is not None:
                interval = self.w("range", low=self.num(low, d), high=self.num(high, d))
            proj = ProjectionView(
                p.method,
                p.deadline,
                self.time_of(r, p.deadline),
                p.value,
                low,
                high,
                p.confidence,
                self.num(p.value, d),
                interval,
            )
        progress_text = "–" if r.progress is None else f"{self.num(r.progress * 100, 0)} %"
        coverage_text = ""
        if r.coverage is not None:
            coverage_text = f"{r.coverage[0]} {self.w('of')} {r.coverage[1]}"
        return TargetRow(
            id=r.target.id,
            element=r.target.element,
            title=self.text(r.target.title) or metric_title,
            kind=r.target.kind.value,
            metric=r.metric.id,
            metric_title=metric_title,
            status=StatusView.of(r.status, self.lang),
            reason=r.reason,
            explanation=r.explain(self.lang),
            baseline=self.point(r.baseline, d),
            latest=self.point(r.latest, d),
            goal=r.goal,
            goal_text=self.num(r.goal, d),
            deadline=r.deadline or "",
            progress=r.progress,
            progress_text=progress_text,
            projection=proj,
            unit=localized_unit(r.unit, self.lang),
            coverage=r.coverage,
            coverage_text=coverage_text,
            missing=tuple(r.missing),
            policy=r.policy,
            method=r.method,
        )

    @staticmethod
    def time_of(r: TargetResult, label: str | None) -> float | None:
        if not label:
            return None
        try:
            return float(r.metric.period.read(label).time)
        except (ValueError, KeyError):
            return None

    def sections(self, rows: Mapping[str, TargetRow]) -> tuple[Section, ...]:
        out = []
        actors = {a.id: a for a in self.plan.actors}
        sdg_titles = catalogue()
        for kind in ElementKind:
            elements = self.plan.elements_of_kind(kind)
            if not elements:
                continue
            element_rows = []
            for e in elements:
                status, goal = self.status_of_element(e.id)
                measured = status is not None and goal is not None
                element_rows.append(
                    ElementRow(
                        id=e.id,
                        number=e.number,
                        title=self.text(e.title),
                        kind=kind.value,
                        kind_label=self.text(kind.label),
                        status=status,
                        score=goal.score if measured and goal is not None else None,
                        coverage=goal.coverage if measured and goal is not None else None,
                        coverage_text=f"{self.num(goal.coverage * 100, 0)} %"
                        if measured and goal is not None
                        else "",
                        responsible=tuple(
                            ActorRef(
                                r.actor,
                                self.text(actors[r.actor].name) if r.actor in actors else r.actor,
                                r.role.value,
                                self.w(r.role.value),
                            )
                            for r in e.responsible
                        ),
                        sdgs=tuple(
                            SdgRef(c, self.text(sdg_titles[c].short or sdg_titles[c].title))
                            if c in sdg_titles
                            else SdgRef(c, "")
                            for c in e.sdg
                        ),
                        description=self.text(e.description),
                        notes=tuple(self.text(n) for n in e.notes),
                        timing=e.timing,
                        parents=e.parents,
                        targets=tuple(rows[t.id] for t in self.plan.targets_of(e.id) if t.id in rows),
                    )
                )
            out.append(Section(kind.value, self.text(SECTION_HEADINGS[kind]), tuple(element_rows)))
        return tuple(out)

    def chart(self, r: TargetResult, row: TargetRow) -> ChartData:
        d = r.metric.decimals
        history = tuple(p for p in (self.point(h, d) for h in r.history) if p is not None)
        trajectory = tuple(p for p in (self.point(h, d) for h in r.trajectory) if p is not None)
        goal_time = self.time_of(r, r.deadline)
        description = self.w(
            "chart_alt",
            title=row.title,
            first=history[0].period if history else "–",
            last=history[-1].period if history else "–",
            goal=f"{row.goal_text} {row.unit}".strip(),
            deadline=row.deadline or "–",
        )
        return ChartData(
            target=row.id,
            metric=row.metric,
            title=row.title,
            unit=row.unit,
            status=row.status,
            history=history,
            baseline=row.baseline,
            goal=r.goal,
            goal_text=row.goal_text,
            goal_time=goal_time,
            deadline=row.deadline,
            trajectory=trajectory,
            projection=row.projection,
            latest=row.latest,
            description=description,
        )

    def diagram(self) -> Diagram:
        plan = self.plan
        element_ids = {e.id for e in plan.elements}
        nodes: list[DiagramNode] = []
        edges: list[DiagramEdge] = []
        children: dict[str, list[str]] = {}
        for e in plan.elements:
            status, _ = self.status_of_element(e.id)
            nodes.append(
                DiagramNode(
                    e.id,
                    self.text(e.title),
                    e.kind.value,
                    self.text(e.kind.label),
                    status,
                    False,
                )
            )
            for c in e.contributes_to:
                if c.parent in element_ids:
                    edges.append(DiagramEdge(e.id, c.parent, c.weight))
                    children.setdefault(c.parent, []).append(e.id)
        target_word = self.w("target")
        for t in plan.targets:
            r = self.results.get(t.id)
            if r is None or t.element not in element_ids:
                continue
            nodes.append(
                DiagramNode(
                    t.id,
                    self.text(t.title) or self.text(r.metric.title) or t.metric,
                    "target",
                    target_word,
                    StatusView.of(r.status, self.lang),
                    True,
                )
            )
            edges.append(DiagramEdge(t.id, t.element, t.weight))
            children.setdefault(t.element, []).append(t.id)

        seen: set[str] = set()

        def grow(node: str, path: frozenset[str]) -> TreeNode:
            if node in seen:
                return TreeNode(node, (), True)
            seen.add(node)
            kids = tuple(grow(c, path | {node}) for c in children.get(node, []) if c not in path)
            return TreeNode(node, kids)

        roots = [e.id for e in plan.elements if not any(p in element_ids for p in e.parents)]
        return Diagram(tuple(nodes), tuple(edges), tuple(grow(r, frozenset()) for r in roots))

    def actors(self) -> tuple[ActorView, ...]:
        out = []
        for actor in self.plan.actors:
            refs = [
                self.ref(e, r.role.value)
                for e in self.plan.elements
                for r in e.responsible
                if r.actor == actor.id
            ]
            out.append(ActorView(actor.id, self.text(actor.name) or actor.id, actor.kind, tuple(refs)))
        return tuple(out)

    def sdgs(self) -> tuple[SdgView, ...]:
        cat = catalogue()
        out = []
        for code in self.ev.graph.sdgs():
            entry = cat.get(code)
            goal_code = entry.goal if entry else code.split(".")[0]
            goal_entry = cat.get(goal_code)
            elements = tuple(self.ref(e) for e in self.plan.elements if code in e.sdg)
            out.append(
                SdgView(
                    code=code,
                    level=entry.level if entry else ("goal" if "." not in code else "target"),
                    goal=goal_code,
                    title=self.text(entry.title) if entry else "",
                    goal_title=self.text(goal_entry.short or goal_entry.title) if goal_entry else "",
                    elements=elements,
                )
            )
        return tuple(out)

    def sources(self) -> tuple[SourceCredit, ...]:
        from regionplan.report.renderers import safe_url

        found: dict[tuple[str, str, str], tuple[Any, list[str]]] = {}
        for metric in self.plan.metrics:
            if metric.id not in self.ev.data:
                continue
            for p in self.ev.data[metric.id].provenance:
                key = (p.source, p.table, p.query)
                found.setdefault(key, (p, []))[1].append(metric.id)
        out = []
        for p, metrics in found.values():
            label = p.credit
            if not label and p.publisher:
                label = (
                    self.w("credit_table", publisher=p.publisher, table=p.table)
                    if p.table
                    else self.w("credit_default", publisher=p.publisher)
                )
            if not label:
                label = f"{p.source}: {p.table}" if p.table else p.source
            out.append(
                SourceCredit(
                    source=p.source,
                    table=p.table,
                    label=label,
                    credit=p.credit,
                    publisher=p.publisher,
                    licence=p.licence,
                    retrieved=p.retrieved.isoformat() if p.retrieved else "",
                    url=safe_url(p.url),
                    notes=p.notes,
                    metrics=tuple(metrics),
                )
            )
        return tuple(out)
