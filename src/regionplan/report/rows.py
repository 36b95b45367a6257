"""One target as reported, and what the report's statuses rest on: used by :mod:`regionplan.report.build`.

:func:`target_row` lays out a :class:`~regionplan.evaluation.results.TargetResult` in one
language: its numbers as people write them, its progress within 0–100 % (with the words
for a value that was clipped there), its projection only when one was made (else why
not), the age and origin of its data and its verdict from earlier base periods.
:func:`rests_on` says on one line which figures the report rests on and how old they are.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from regionplan.evaluation.explain import format_number
from regionplan.evaluation.status import Status
from regionplan.plan.units import localized_unit
from regionplan.report.basis import (
    data_age,
    latest_figures,
    missing_texts,
    origin_view,
    period_text,
    sensitivity_view,
)
from regionplan.report.model import ChartPoint, ProjectionView, StatusView, TargetDefinition, TargetRow
from regionplan.report.words import word

if TYPE_CHECKING:
    from regionplan.evaluation.results import Point, TargetResult

__all__ = ["point", "progress_texts", "rests_on", "target_row", "time_of"]


def _w(key: str, lang: str, **fields: Any) -> str:
    text = word(key, lang)
    return text.format(**fields) if fields else text


def _num(value: float | None, lang: str, decimals: int | None = None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return format_number(value, lang, decimals)


def point(p: Point | None, decimals: int | None, lang: str) -> ChartPoint | None:
    """A point of a chart or a table cell: its value as text, its period as the reader writes it."""
    if p is None:
        return None
    return ChartPoint(p.period, p.time, p.value, _num(p.value, lang, decimals), period_text(p.period, lang))


def time_of(r: TargetResult, label: str | None) -> float | None:
    """A period label of the target's metric on the time axis (``None`` when it cannot be read)."""
    if not label:
        return None
    try:
        return float(r.metric.period.read(label).time)
    except (ValueError, KeyError):
        return None


def progress_texts(r: TargetResult, lang: str) -> tuple[str, str]:
    """Progress as text, within 0–100 %, and the words for a value that was clipped there."""
    if r.progress is None or not math.isfinite(r.progress):
        return "–", ""
    share = min(max(r.progress, 0.0), 1.0)
    note = {"away": _w("moved_away", lang), "beyond": _w("beyond", lang)}.get(r.progress_flag or "", "")
    return f"{_num(share * 100, lang, 0)} %", note


def _projection(r: TargetResult, lang: str) -> ProjectionView | None:
    p = r.projection
    if p is None:
        return None
    d = r.metric.decimals
    low = p.low if math.isfinite(p.low) else None
    high = p.high if math.isfinite(p.high) else None
    interval = ""
    if low is not None and high is not None:
        interval = _w("range", lang, low=_num(low, lang, d), high=_num(high, lang, d))
    return ProjectionView(
        p.method,
        p.deadline,
        time_of(r, p.deadline),
        p.value,
        low,
        high,
        p.confidence,
        _num(p.value, lang, d),
        interval,
        deadline_text=period_text(p.deadline, lang),
        n_points=p.n_points,
        span_years=p.span_years,
        horizon_years=p.horizon_years,
        indicative=p.indicative,
    )


def _projection_note(r: TargetResult, lang: str) -> str:
    """Why an on- or off-track target has no projection: too few observations."""
    if (
        r.projection is None
        and 0 < r.projection_points < r.projection_min_points
        and r.status in {Status.ON_TRACK, Status.OFF_TRACK}
    ):
        return _w("no_projection", lang, n=r.projection_points, min=r.projection_min_points)
    return ""


def target_row(r: TargetResult, lang: str) -> TargetRow:
    """One target laid out in ``lang``."""
    d = r.metric.decimals
    metric_title = r.metric.title.get(lang) if r.metric.title else ""
    metric_title = metric_title or r.metric.id
    title = r.target.title.get(lang) if r.target.title else ""
    progress_text, progress_note = progress_texts(r, lang)
    coverage_text = f"{r.coverage[0]} {_w('of', lang)} {r.coverage[1]}" if r.coverage is not None else ""
    return TargetRow(
        id=r.target.id,
        element=r.target.element,
        title=title or metric_title,
        kind=r.target.kind.value,
        metric=r.metric.id,
        metric_title=metric_title,
        status=StatusView.of(r.status, lang),
        reason=r.reason,
        explanation=r.explain(lang),
        baseline=point(r.baseline, d, lang),
        latest=point(r.latest, d, lang),
        goal=r.goal,
        goal_text=_num(r.goal, lang, d),
        deadline=r.deadline or "",
        progress=r.progress,
        progress_text=progress_text,
        projection=_projection(r, lang),
        unit=localized_unit(r.unit, lang),
        coverage=r.coverage,
        coverage_text=coverage_text,
        missing=missing_texts(r, lang),
        policy=r.policy,
        method=r.method,
        deadline_text=period_text(r.deadline or "", lang),
        shock=point(r.shock, d, lang),
        progress_flag=r.progress_flag,
        progress_note=progress_note,
        projection_points=r.projection_points,
        projection_min_points=r.projection_min_points,
        projection_note=_projection_note(r, lang),
        age=data_age(r, lang),
        origin=origin_view(r, lang),
        sensitivity=sensitivity_view(r, lang),
        missing_kinds=tuple(dict.fromkeys(c.kind.value for f in r.missing_reasons for c in f.root_causes())),
        definition=_definition(r),
    )


def _definition(r: TargetResult) -> TargetDefinition:
    t = r.target
    return TargetDefinition(
        t.kind.value,
        t.metric,
        t.value,
        t.value_unit,
        t.change,
        t.relative,
        t.baseline,
        t.deadline,
        t.shock,
        t.other,
        t.every_year,
        t.tolerance,
        t.area,
    )


def rests_on(results: Iterable[TargetResult], as_of: dt.date, lang: str) -> dict[str, Any]:
    """The report's ``latest_figures``, ``rests_on`` and ``stale_note``.

    "Status per 2026-11-30 · nyeste tall: arbeidsplasser 2022K4 (46 mnd., nyere tall
    mangler)" and "Nyere tall burde vært publisert for arbeidsplasser (1. januar 2025)."
    """
    figures = latest_figures(results, lang)
    shown = ", ".join(
        f"{f.title} {f.age.period_text} ({f.age.age_text}{', ' + _w('stale', lang) if f.age.stale else ''})"
        for f in figures
    )
    stale = [f"{f.title} ({f.age.next_expected_text})" for f in figures if f.age.stale]
    subtitle = _w("subtitle", lang, date=as_of.isoformat())
    return {
        "latest_figures": figures,
        "rests_on": _w("rests_on", lang, subtitle=subtitle, figures=shown or _w("no_figures", lang)),
        "stale_note": _w("stale_note", lang, metrics=_join(stale, f" {_w('and', lang)} ")) if stale else "",
    }


def _join(items: list[str], and_: str) -> str:
    """``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + and_ + items[-1]
