"""One member beside its region and the other members: the member view and the map's figures.

A plan's members are compared only where the evaluation judged them as areas of their own
(:func:`member_groups` gives the groups for that: the region and every member). The
:class:`MemberView` of a report on one member holds, per target, the member's figure and
status beside the region's and the other members'; the :class:`MapView` holds what the map
of the members is coloured by (a target's status, or its latest value).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs

from regionplan.errors import EvaluationError
from regionplan.evaluation.explain import format_number
from regionplan.plan.model import ElementKind, Plan
from regionplan.plan.units import localized_unit
from regionplan.report.basis import period_text
from regionplan.report.views import StatusView
from regionplan.report.words import word

if TYPE_CHECKING:
    from regionplan.evaluation.evaluator import Evaluation
    from regionplan.evaluation.results import TargetResult

__all__ = [
    "MAP_CREDIT",
    "MAP_CREDITS",
    "AreaFigure",
    "FigurePoint",
    "MapView",
    "MemberTarget",
    "MemberView",
    "map_view",
    "member_groups",
    "member_view",
]

#: The credit line of the bundled boundaries, shown under every map.
#: The credit the map's boundaries ask for, by language (Kartverket's terms, CC BY 4.0).
MAP_CREDITS = {"nb": "Kartgrunnlag: Kartverket, CC BY 4.0", "en": "Map data: Kartverket, CC BY 4.0"}
MAP_CREDIT = MAP_CREDITS["nb"]


@attrs.frozen
class FigurePoint:
    """One area's figure for one period (``value`` ``None`` where it is not a number)."""

    period: str
    period_text: str
    value: float | None
    text: str


@attrs.frozen
class AreaFigure:
    """One area's standing on one target: its status and latest value.

    ``role``: ``"member"`` (the member reported on), ``"region"`` or ``"other"`` (another
    member). ``status`` is ``None`` where the area was not evaluated on its own; ``value``
    ``None`` where it has no latest figure. ``history``: the area's figures of every period
    published by the evaluation date, oldest first.
    """

    id: str
    name: str
    code: str
    role: str
    status: StatusView | None
    value: float | None
    text: str
    period_text: str
    history: tuple[FigurePoint, ...] = ()


@attrs.frozen
class MemberTarget:
    """One target with the member's figure first, then the region's, then the other members'."""

    target: str
    title: str
    unit: str
    figures: tuple[AreaFigure, ...]


@attrs.frozen
class MemberView:
    """A report on one member: who it is and how it stands beside the region and the others.

    ``heading`` ("Hurdal i Gardermoregionen") titles the report; ``summary_heading`` ("Hvor
    står Hurdal?") heads its summary; ``comparison_heading`` heads the comparison.
    """

    id: str
    name: str
    code: str
    region_name: str
    heading: str
    summary_heading: str
    comparison_heading: str
    targets: tuple[MemberTarget, ...]


@attrs.frozen
class MapView:
    """What the map of the members shows: every member's figure on one target.

    ``by``: ``"status"`` (coloured by status) or ``"value"`` (by the latest value).
    ``highlight``: the code of the member a member view is about ("" otherwise).
    """

    target: str
    title: str
    unit: str
    by: str
    caption: str
    members: tuple[AreaFigure, ...]
    credit: str
    highlight: str = ""


def member_groups(plan: Plan) -> dict[str, tuple[str, ...]]:
    """Evaluation groups for comparing members: the region, then every member on its own."""
    groups: dict[str, tuple[str, ...]] = {plan.region.id: plan.region.current_codes}
    for m in plan.region.municipalities:
        groups.setdefault(m.current_code, (m.current_code,))
    return groups


def _figure(ev: Evaluation, target_id: str, area: str, name: str, role: str, lang: str) -> AreaFigure:
    result: TargetResult | None = ev.target(target_id, area) if area in ev.areas else None
    if result is None:
        return AreaFigure(area, name, area, role, None, None, "–", "")
    latest = result.latest
    value = latest.value if latest is not None and math.isfinite(latest.value) else None
    decimals = result.metric.decimals
    text = format_number(value, lang, decimals) if value is not None else "–"
    when = period_text(latest.period, lang) if latest is not None and value is not None else ""
    history = tuple(_point(p.period, p.value, lang, decimals) for p in result.history)
    status = StatusView.of(result.status, lang)
    return AreaFigure(area, name, area, role, status, value, text, when, history)


def _point(period: str, value: float, lang: str, decimals: int | None) -> FigurePoint:
    if not math.isfinite(value):
        return FigurePoint(period, period_text(period, lang), None, "–")
    return FigurePoint(period, period_text(period, lang), value, format_number(value, lang, decimals))


def _title(ev: Evaluation, target_id: str, lang: str) -> str:
    r = ev.target(target_id)
    return (
        (r.target.title.get(lang) if r.target.title else "")
        or (r.metric.title.get(lang) if r.metric.title else "")
        or r.target.metric
    )


def _unit(ev: Evaluation, target_id: str, lang: str) -> str:
    return localized_unit(ev.target(target_id).unit, lang)


def member_view(ev: Evaluation, area: str, lang: str) -> MemberView | None:
    """The view of one member (``None`` when ``area`` is not one of the plan's members)."""
    plan = ev.plan
    member = next((m for m in plan.region.municipalities if area in (m.current_code, *m.all_codes)), None)
    if member is None or area == plan.region.id:
        return None
    name, region = member.name.get(lang), plan.region.name.get(lang)
    targets = []
    for t in plan.targets:
        figures = [
            _figure(ev, t.id, area, name, "member", lang),
            attrs.evolve(_figure(ev, t.id, plan.region.id, region, "region", lang), id=plan.region.id),
        ]
        for other in plan.region.municipalities:
            if other.id != member.id:
                f = _figure(ev, t.id, other.current_code, other.name.get(lang), "other", lang)
                figures.append(attrs.evolve(f, id=other.id))
        figures[0] = attrs.evolve(figures[0], id=member.id, code=member.current_code)
        targets.append(MemberTarget(t.id, _title(ev, t.id, lang), _unit(ev, t.id, lang), tuple(figures)))
    return MemberView(
        member.id,
        name,
        member.current_code,
        region,
        word("member_heading", lang).format(member=name, region=region),
        word("member_summary", lang).format(member=name),
        word("member_comparison", lang).format(member=name),
        tuple(targets),
    )


def default_map_target(plan: Plan) -> str | None:
    """The first target of the first main goal (else the plan's first target)."""
    for goal in plan.elements_of_kind(ElementKind.MAIN_GOAL):
        for t in plan.targets_of(goal.id):
            return t.id
    return plan.targets[0].id if plan.targets else None


def map_view(
    ev: Evaluation, lang: str, *, target: str | None = None, by: str = "status", highlight: str = ""
) -> MapView | None:
    """The figures of the map of the members, on ``target`` (default: :func:`default_map_target`).

    ``None`` when the plan has no targets or no member was evaluated on its own.

    Raises:
        EvaluationError: an unknown target or ``by``.
    """
    plan = ev.plan
    if by not in ("status", "value"):
        raise EvaluationError(f"a map is coloured by 'status' or 'value', not {by!r}")
    chosen = target or default_map_target(plan)
    if chosen is None:
        return None
    found = next((t for t in plan.targets if t.id == chosen), None)
    if found is None:
        raise EvaluationError(f"the plan has no target {chosen!r} to draw a map of")
    members = plan.region.municipalities
    if not any(m.current_code in ev.areas for m in members):
        return None
    figures = tuple(
        attrs.evolve(_figure(ev, chosen, m.current_code, m.name.get(lang), "other", lang), id=m.id)
        for m in members
    )
    title = _title(ev, chosen, lang)
    key = "map_caption_status" if by == "status" else "map_caption_value"
    return MapView(
        chosen,
        title,
        _unit(ev, chosen, lang),
        by,
        word(key, lang).format(title=title),
        figures,
        MAP_CREDITS.get(lang, MAP_CREDITS["en"]),
        highlight,
    )
