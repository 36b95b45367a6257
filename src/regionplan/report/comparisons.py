"""The region beside its comparators, and the indicators to watch, for the report.

:func:`comparisons_view` reads, per metric, the region's series (the evaluation's data) and
each comparator's: a county, Norway or another region from
:attr:`~regionplan.evaluation.evaluator.Evaluation.comparisons` (built like the region, from
the same sources: :mod:`regionplan.data.comparators`), each member from the region's data.
Metrics with targets are compared; metrics without one are the indicators to watch. A
figure is shown for the region's latest period (or an area's own latest when it has none
then), with its change from a year before. Counts (metrics summed over municipalities) are
charted as an index, the first period every charted area has a value = 100, since the areas
differ in size; shares, rates and gaps as they are.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from regionplan.evaluation.explain import format_number
from regionplan.plan.model import Metric
from regionplan.plan.units import localized_unit, parse_unit, unit_label
from regionplan.report.basis import period_text
from regionplan.report.comparison_views import ComparedArea, ComparisonsView, MetricComparison

if TYPE_CHECKING:
    from regionplan.data.series import Series
    from regionplan.evaluation.evaluator import Evaluation
    from regionplan.plan.periods import Period

__all__ = ["comparisons_view"]

_WORDS = {
    "nb": {
        "heading": "Sammenligning",
        "intro": "Regionen ved siden av områdene planen sammenligner med, beregnet på samme måte og "
        "fra de samme kildene. En verdi for et område finnes bare når alle kommunene i det har tall.",
        "watch_heading": "Indikatorer å følge med på",
        "watch_intro": "Måltall uten mål i planen, vist som bakgrunn.",
        "area": "Område",
        "value": "Verdi",
        "period": "Periode",
        "change": "Endring på ett år",
        "index": "Indeks, {base} = 100",
        "norway": "Norge",
        "county": "Fylke {code}",
        "alt": "{title}: {names}",
        "pp": "prosentpoeng",
    },
    "en": {
        "heading": "Comparisons",
        "intro": "The region beside the areas the plan compares it with, computed the same way and "
        "from the same sources. An area has a value only where all its municipalities have figures.",
        "watch_heading": "Indicators to watch",
        "watch_intro": "Metrics without a target in the plan, shown as context.",
        "area": "Area",
        "value": "Value",
        "period": "Period",
        "change": "Change in a year",
        "index": "Index, {base} = 100",
        "norway": "Norway",
        "county": "County {code}",
        "alt": "{title}: {names}",
        "pp": "percentage points",
    },
}


def _w(key: str, lang: str) -> str:
    return _WORDS.get(lang, _WORDS["en"])[key]


def comparisons_view(evaluation: Evaluation, area: str, lang: str) -> ComparisonsView | None:
    """The comparisons and indicators to watch of a report on ``area`` (``None`` when the plan
    has no comparators and every metric has a target)."""
    plan = evaluation.plan
    targeted = list(dict.fromkeys(t.metric for t in plan.targets))
    metrics = {m.id: m for m in plan.metrics}
    compared: list[MetricComparison] = []
    if plan.meta.comparators:
        compared = [c for mid in targeted if (c := _metric(evaluation, metrics[mid], area, lang, False))]
    watch = [
        c
        for m in plan.metrics
        if m.id not in targeted and (c := _metric(evaluation, m, area, lang, True)) is not None
    ]
    if not compared and not watch:
        return None
    columns = tuple(_w(k, lang) for k in ("area", "value", "period", "change"))
    return ComparisonsView(
        _w("heading", lang),
        _w("intro", lang),
        _w("watch_heading", lang),
        _w("watch_intro", lang),
        columns,
        tuple(compared),
        tuple(watch),
    )


def _rows(
    evaluation: Evaluation, metric: Metric, area: str, lang: str
) -> list[tuple[str, str, str, Series, int]]:
    """(id, name, kind, series, row) of the region and each comparator that has the metric."""
    plan = evaluation.plan
    data = evaluation.data
    out: list[tuple[str, str, str, Series, int]] = []
    if metric.id not in data:
        return out
    regions = data[metric.id].regions
    if area in regions.areas:
        name = plan.region.name.get(lang) if area == plan.region.id else area
        for m in plan.region.municipalities:
            if area in (m.id, *m.all_codes):
                name = m.name.get(lang)
        out.append((area, name, "region", regions, regions.areas.index(area)))
    extra = evaluation.comparisons
    for c in plan.meta.comparators:
        if c.kind == "members":
            members = data[metric.id].members
            for m in plan.region.municipalities:
                code = m.current_code
                if code in members.areas and area not in (m.id, code):
                    out.append((code, m.name.get(lang), "member", members, members.areas.index(code)))
            continue
        if extra is None or metric.id not in extra or c.id not in extra[metric.id].regions.areas:
            continue
        series = extra[metric.id].regions
        name = c.name.get(lang) if c.name else ""
        if not name and c.kind == "county" and not c.codes and plan.region.county:
            name = plan.region.county.get(lang).split(" (", 1)[0]  # "Akershus (Viken 2020–2023)"
        if not name:
            name = (
                _w("norway", lang) if c.kind == "norway" else _w("county", lang).format(code="".join(c.codes))
            )
        kind = "region_group" if c.kind == "region" else c.kind
        out.append((c.id, name, kind, series, series.areas.index(c.id)))
    return out


def _metric(
    evaluation: Evaluation, metric: Metric, area: str, lang: str, watch: bool
) -> MetricComparison | None:
    rows = _rows(evaluation, metric, area, lang)
    if not rows or rows[0][2] != "region":
        return None
    limit = evaluation.as_of
    region_series, region_row = rows[0][3], rows[0][4]
    shown = [j for j, p in enumerate(region_series.periods) if p.start <= limit]
    values = region_series.values[region_row]
    latest = next((j for j in reversed(shown) if math.isfinite(values[j])), None)
    if latest is None:
        return None
    at = region_series.periods[latest]
    indexed = not metric.derived and metric.aggregation == "sum"
    unit = localized_unit(unit_label(parse_unit(metric.unit)), lang)
    if unit == "percentage_point":
        unit = _w("pp", lang)
    charted = [(s, i) for _, _, kind, s, i in rows if kind != "member"]
    base, lines = _lines(charted, indexed, limit)
    areas = []
    charted_lines = iter(lines)
    for aid, name, kind, series, i in rows:
        line = next(charted_lines) if kind != "member" else ()
        value, label, change = _figure(series, i, at, limit, indexed, metric.decimals)
        areas.append(
            ComparedArea(
                aid,
                name,
                kind,
                value,
                format_number(value, lang, metric.decimals) if value is not None else "–",
                period_text(label, lang) if label else "–",
                _change_text(change, indexed, unit, lang, metric.decimals),
                line,
            )
        )
    title = metric.title.get(lang)
    base_text = period_text(base, lang) if base else ""
    axis = _w("index", lang).format(base=base_text) if indexed and base else unit
    names = ", ".join(a.name for a in areas if a.line)
    return MetricComparison(
        metric.id,
        title,
        unit,
        watch,
        indexed,
        base_text,
        axis,
        tuple(areas),
        _w("alt", lang).format(title=title, names=names),
    )


def _figure(
    series: Series, i: int, at: Period, limit: dt.date, indexed: bool, decimals: int | None
) -> tuple[float | None, str, float | None]:
    """The value at period ``at`` (else the area's latest), its label and its change in a year."""
    values = series.values[i]
    periods = series.periods
    usable = [j for j, p in enumerate(periods) if p.start <= limit and math.isfinite(values[j])]
    if not usable:
        return None, "", None
    j = next((k for k in usable if periods[k] == at), usable[-1])
    value = float(values[j])
    before = next((k for k in usable if abs(periods[k].time - (periods[j].time - 1)) < 0.02), None)
    if before is None:
        return value, periods[j].label, None
    old = float(values[before])
    if indexed:
        return value, periods[j].label, (value / old - 1) * 100 if old else None
    return value, periods[j].label, value - old


def _change_text(change: float | None, indexed: bool, unit: str, lang: str, decimals: int | None) -> str:
    if change is None or not math.isfinite(change):
        return "–"
    if unit in ("%", "percentage_point"):  # a change of a share is in percentage points
        unit = _w("pp", lang)
    text = format_number(abs(change), lang, 1 if indexed else decimals)
    sign = "±" if not any(d in "123456789" for d in text) else "+" if change > 0 else "−"
    return f"{sign}{text} %" if indexed else f"{sign}{text} {unit}".strip()


def _lines(
    charted: Sequence[tuple[Series, int]], indexed: bool, limit: dt.date
) -> tuple[str, list[tuple[tuple[float, float], ...]]]:
    """The chart's lines: each area's (time, value) points, or its index from the first period
    every charted area has a value; and that period's label ("" when not indexed or none)."""
    by_area = []
    for series, i in charted:
        points = {
            round(p.time, 4): (p.label, float(v))
            for p, v in zip(series.periods, series.values[i], strict=True)
            if p.start <= limit and math.isfinite(v)
        }
        by_area.append(points)
    if not indexed:
        return "", [tuple((t, v) for t, (_, v) in sorted(pts.items())) for pts in by_area]
    with_data = [set(p) for p in by_area if p]
    common = sorted(set.intersection(*with_data)) if with_data else []
    if not common:
        return "", [() for _ in by_area]
    first = common[0]
    lines = []
    for pts in by_area:
        base = pts[first][1] if first in pts else 0.0
        lines.append(tuple((t, v / base * 100) for t, (_, v) in sorted(pts.items()) if t >= first and base))
    return next(p[first][0] for p in by_area if p), lines
