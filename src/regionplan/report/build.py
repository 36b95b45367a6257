"""Building the report: :func:`build_report` lays out an evaluation for reading.

It turns an :class:`~regionplan.evaluation.evaluator.Evaluation` into a
:class:`~regionplan.report.model.Report` in one language: interface words from
:mod:`regionplan.report.words`, plan text in the chosen language (falling back to the other),
numbers written as people write them, and per target its row, chart, diagram node and sources.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from regionplan.errors import EvaluationError, Problem
from regionplan.evaluation.explain import format_number
from regionplan.evaluation.status import Status
from regionplan.plan.labels import DEFAULT_LANGUAGE, Label
from regionplan.plan.model import Element, ElementKind, Plan
from regionplan.plan.sdg import catalogue
from regionplan.report.basis import goal_basis
from regionplan.report.comparisons import comparisons_view
from regionplan.report.member import map_view, member_view
from regionplan.report.method import method_of
from regionplan.report.model import (
    ActorRef,
    ActorView,
    ChartData,
    Diagram,
    DiagramEdge,
    DiagramNode,
    ElementRef,
    ElementRow,
    Member,
    RegionView,
    Report,
    SdgRef,
    SdgView,
    Section,
    SourceCredit,
    StatusCount,
    StatusView,
    TargetRow,
    TreeNode,
    WarningRow,
)
from regionplan.report.notes import source_notes
from regionplan.report.rows import point, rests_on, target_row, time_of
from regionplan.report.since import compare_reports
from regionplan.report.since_section import since_view
from regionplan.report.urls import safe_url
from regionplan.report.words import SECTION_HEADINGS, word

if TYPE_CHECKING:
    from regionplan.evaluation.evaluator import Evaluation
    from regionplan.evaluation.results import GoalResult, TargetResult
    from regionplan.report.views import GoalBasis

__all__ = ["build_report"]


def build_report(
    evaluation: Evaluation,
    *,
    lang: str = DEFAULT_LANGUAGE,
    area: str | None = None,
    warnings: Iterable[Problem] = (),
    map_target: str | None = None,
    map_by: str = "status",
    since: Report | Mapping[str, Any] | None = None,
) -> Report:
    """Lay out an evaluation for reading.

    Args:
        evaluation: the result of :func:`regionplan.evaluate`.
        lang: ``"nb"`` or ``"en"``: interface words and plan text (falling back to the other).
        area: the region or area to report on (default: the first evaluated, the plan's region).
        warnings: plan-quality problems to list (e.g. ``validate_plan(...).warnings``).
        map_target: the target the map of the members shows (default: the main goal's first).
        map_by: colour the map by the target's ``"status"`` or its latest ``"value"``.
        since: an earlier report, or its JSON data, to say what changed since
            (the section "since the last report"; :func:`regionplan.report.since.compare_reports`).

    The member view and the map need the members evaluated as areas of their own
    (``groups=member_groups(plan)``); without them the report has neither.

    Raises:
        EvaluationError: ``area`` was not evaluated; an unknown map target or ``map_by``.
        ReportComparisonError: ``since`` is not a report this version can compare.
    """
    report = _Builder(evaluation, lang, area).build(tuple(warnings))
    report = attrs.evolve(report, method=method_of(report))
    member = member_view(evaluation, report.area, lang)
    highlight = member.code if member else ""
    shown = map_view(evaluation, lang, target=map_target, by=map_by, highlight=highlight)
    compared = comparisons_view(evaluation, report.area, lang)
    report = attrs.evolve(report, member=member, map=shown, comparisons=compared)
    if since is not None:
        report = attrs.evolve(report, since=since_view(compare_reports(since, report), lang))
    return report


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
        self.basis_cache: dict[str, GoalBasis | None] = {}

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

    def basis_of(self, element_id: str) -> GoalBasis | None:
        """What a measured element's status rests on (``None`` when nothing measures it)."""
        if element_id not in self.basis_cache:
            status, goal = self.status_of_element(element_id)
            self.basis_cache[element_id] = (
                goal_basis(goal, self.lang) if status is not None and goal is not None else None
            )
        return self.basis_cache[element_id]

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
            self.basis_of(element.id),
        )

    # parts

    def build(self, warnings: tuple[Problem, ...]) -> Report:
        plan, meta = self.plan, self.plan.meta
        rows = {t.id: target_row(self.results[t.id], self.lang) for t in plan.targets if t.id in self.results}
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
            source_citation=" ".join(meta.source_document.split()),
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
            diagram=self.diagram(rows),
            actors=self.actors(),
            sdgs=self.sdgs(),
            sources=self.sources(),
            warnings=tuple(
                WarningRow(p.code, p.severity.value, p.message, str(p.location) if p.location else "", p.hint)
                for p in warnings
            ),
            rollup_policy=self.ev.rollup_policy,
            **rests_on(
                (self.results[t.id] for t in self.plan.targets if t.id in self.results),
                self.ev.as_of,
                self.lang,
            ),
        )

    def area_name(self) -> str:
        plan = self.plan
        if self.area == plan.region.id:
            return self.text(plan.region.name)
        for m in plan.region.municipalities:
            if self.area == m.id or self.area in m.all_codes:
                return self.text(m.name)
        return self.area

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
                        basis=self.basis_of(e.id),
                    )
                )
            out.append(Section(kind.value, self.text(SECTION_HEADINGS[kind]), tuple(element_rows)))
        return tuple(out)

    def chart(self, r: TargetResult, row: TargetRow) -> ChartData:
        d = r.metric.decimals
        history = tuple(p for p in (point(h, d, self.lang) for h in r.history) if p is not None)
        trajectory = tuple(p for p in (point(h, d, self.lang) for h in r.trajectory) if p is not None)
        goal_time = time_of(r, r.deadline)
        description = self.w(
            "chart_alt",
            title=row.title,
            first=history[0].period_text if history else "–",
            last=history[-1].period_text if history else "–",
            goal=f"{row.goal_text} {row.unit}".strip(),
            deadline=row.deadline_text or "–",
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
            shock=row.shock,
            deadline_text=row.deadline_text,
        )

    def diagram(self, rows: Mapping[str, TargetRow]) -> Diagram:
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
                    self.basis_of(e.id),
                )
            )
            for c in e.contributes_to:
                if c.parent in element_ids:
                    edges.append(DiagramEdge(e.id, c.parent, c.weight))
                    children.setdefault(c.parent, []).append(e.id)
        target_word = self.w("target")
        for t in plan.targets:
            r = self.results.get(t.id)
            if r is None or t.id not in rows or t.element not in element_ids:
                continue
            nodes.append(
                DiagramNode(
                    t.id,
                    self.text(t.title) or self.text(r.metric.title) or t.metric,
                    "target",
                    target_word,
                    StatusView.of(r.status, self.lang),
                    True,
                    note=sensitivity.short if (sensitivity := rows[t.id].sensitivity) else "",
                    latest=self.latest_text(rows[t.id]),
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

    def latest_text(self, row: TargetRow) -> str:
        """ "Siste verdi: −4,4 pp (2022K4 · 46 mnd., nyere tall mangler)" ("" without a latest value)."""
        if row.latest is None:
            return ""
        when = row.latest.period_text
        if row.age is not None:
            when += f" · {row.age.age_text}" + (f", {self.w('stale')}" if row.age.stale else "")
        value = f"{row.latest.text} {row.unit}".rstrip()
        return f"{self.w('latest')}: {value} ({when})"

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

        titles = {m.id: self.text(m.title) for m in self.plan.metrics}
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
                    notes=source_notes(p.notes, p.source, self.lang),
                    metrics=tuple(metrics),
                    metric_titles=tuple(titles.get(m) or m for m in metrics),
                )
            )
        return tuple(out)
