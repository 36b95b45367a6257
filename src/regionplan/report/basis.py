"""What a status rests on, laid out for reading: used by :mod:`regionplan.report.build`.

From an evaluation's results to the views of :mod:`regionplan.report.views`, in one
language: a goal's coverage and mix, the age of a target's latest figures, where its data
came from, and its verdict from earlier base periods. The sentences come from the
evaluation (:mod:`regionplan.evaluation.explain`); this module adds the short forms a
table cell or a diagram node needs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from regionplan.data.attempts import SourceAttempt, SourceFailure
from regionplan.evaluation.explain import (
    explain_goal,
    explain_sensitivity,
    format_number,
    format_share,
)
from regionplan.evaluation.explain_data import describe_failure, describe_source, explain_age, format_date
from regionplan.evaluation.rollup import CAVEATS, MEASURED
from regionplan.plan.units import localized_unit
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

if TYPE_CHECKING:
    from regionplan.evaluation.results import GoalResult, TargetResult
    from regionplan.evaluation.sensitivity import BaseOutcome

__all__ = [
    "data_age",
    "goal_basis",
    "latest_figures",
    "missing_texts",
    "origin_view",
    "period_text",
    "sensitivity_view",
    "short_title",
]

#: A period label of an instant: a yearly count on one day ("2026-01-01").
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

#: Sources that read a file: named by the file, with the table it holds in brackets.
_FILE_SOURCES = frozenset({"csv", "excel", "jsonstat"})


def period_text(label: str, lang: str) -> str:
    """A period label as the reader's statistics office writes it: SSB writes quarters 2022K4,
    and a yearly count on a day (the population on 1 January, ``2026-01-01``) by its year."""
    if lang == "nb" and len(label) == 6 and label[:4].isdigit() and label[4] == "Q":
        return f"{label[:4]}K{label[5]}"
    if _DAY.fullmatch(label):
        return label[:4]
    return label


def short_title(title: str) -> str:
    """A metric's title in running text, without its parenthesis: "Jobs (…, 4th quarter)" -> "jobs"."""
    short = title.split(" (", 1)[0]
    return short[:1].lower() + short[1:] if short[1:2].islower() else short


def goal_basis(goal: GoalResult, lang: str) -> GoalBasis:
    """A goal's coverage, the mix of its measured children and its caveats."""
    coverage_text = word("measured", lang).format(share=format_share(goal.coverage, lang))
    mix = tuple(
        MixEntry(StatusView.of(s, lang), int(goal.mix.get(s, 0)), float(goal.mix_weight.get(s, 0.0)))
        for s in MEASURED
    )
    mix_text = ", ".join(
        f"{format_number(m.count, lang, 0)} {m.status.label[:1].lower()}{m.status.label[1:]}"
        for m in mix
        if m.count > 0
    )
    caveat_texts = tuple(CAVEATS[c].get(lang) for c in goal.caveats if c in CAVEATS)
    if "unmeasured" in goal.caveats:
        short = CAVEATS["unmeasured"].get(lang)
    else:
        short = " · ".join(p for p in (coverage_text, mix_text) if p)
    return GoalBasis(
        coverage=goal.coverage,
        coverage_text=coverage_text,
        mix=mix,
        mix_text=mix_text,
        caveats=tuple(goal.caveats),
        caveat_texts=caveat_texts,
        short=short,
        text=explain_goal(goal, lang),
    )


def age_text(months: int, lang: str) -> str:
    """An age in whole months, short: "46 mnd." / "46 months"."""
    if months < 1:
        return word("under_a_month", lang)
    return word("month_short" if months == 1 else "months_short", lang).format(n=months)


def data_age(result: TargetResult, lang: str) -> DataAgeView | None:
    """The age of a target's latest figures, when it has a latest period and an evaluation date."""
    latest = result.latest
    if (
        latest is None
        or result.latest_end is None
        or result.data_age_months is None
        or result.next_expected is None
    ):
        return None
    due = format_date(result.next_expected, lang)
    return DataAgeView(
        period=latest.period,
        period_text=period_text(latest.period, lang),
        latest_end=result.latest_end,
        age_months=result.data_age_months,
        age_text=age_text(result.data_age_months, lang),
        next_expected=result.next_expected,
        next_expected_text=due,
        stale=result.stale,
        stale_text=word("stale_due", lang).format(date=due) if result.stale else "",
        text=explain_age(result, lang),
    )


def _source_use(attempt: SourceAttempt, lang: str) -> SourceUse:
    text = describe_source(attempt, lang)
    if attempt.table and attempt.source in _FILE_SOURCES:
        text += f" ({word('table_no', lang).format(table=attempt.table)})"
    return SourceUse(attempt.metric, attempt.source, attempt.table, attempt.location, text)


def _failure_view(failure: SourceFailure, lang: str) -> FailureView:
    attempt = failure.attempt
    return FailureView(
        metric=failure.metric,
        source=attempt.source if attempt else "",
        table=attempt.table if attempt else "",
        kind=failure.kind.value,
        text=describe_failure(failure, lang),
    )


def _roots(failures: Iterable[SourceFailure]) -> list[SourceFailure]:
    """The failures behind ``failures``, each once."""
    return list(dict.fromkeys(r for f in failures for r in f.root_causes()))


def origin_view(result: TargetResult, lang: str) -> OriginView | None:
    """Where a target's data came from: sources used, sources that failed, copies repaired."""
    origin = result.origin
    if origin is None:
        return None
    delivered = tuple(_source_use(a, lang) for a in origin.delivered)
    failed = tuple(_failure_view(f, lang) for f in _roots(origin.failed))
    recovered = tuple(_failure_view(f, lang) for f in origin.recovered)
    # each source used, with the other sources of the same metric that failed before it;
    # then any other failure (a source that delivered only part of the data, say)
    parts: list[str] = []
    told: set[str] = set()
    for use in delivered:
        before = [
            f.text
            for f in failed
            if f.metric == use.metric
            and (f.source, f.table) != (use.source, use.table)
            and f.text not in told
        ]
        told.update(before)
        reason = f", {word('because', lang)} {_and(before, lang)}" if before else ""
        parts.append(use.text + reason)
    parts += [f.text for f in failed if f.text not in told]
    parts += [f.text for f in recovered]
    text = "; ".join(dict.fromkeys(parts))
    return OriginView(delivered, failed, recovered, origin.fell_back, text)


def _and(items: list[str], lang: str) -> str:
    """``a, b and c`` in ``lang``."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {word('and', lang)} " + items[-1]


def missing_texts(result: TargetResult, lang: str) -> tuple[str, ...]:
    """Why data is missing, one clause per cause, in the reader's words (never a source's own)."""
    if result.missing_reasons:
        return tuple(dict.fromkeys(describe_failure(r, lang) for r in _roots(result.missing_reasons)))
    return tuple(result.missing)


def _signed(value: float, decimals: int | None, lang: str) -> str:
    number = format_number(abs(value), lang, decimals)
    if number.strip("0,.\u00a0") == "":
        return number
    return ("+" if value > 0 else "\u2212") + number


def _base_value(value: float | None, quantity: str, unit: str, decimals: int | None, lang: str) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if quantity in {"gap", "growth", "annual_growth"} or unit == "pp":
        decimals = 1
    return f"{_signed(value, decimals, lang)} {localized_unit(unit, lang)}".rstrip()


def sensitivity_view(result: TargetResult, lang: str) -> SensitivityView | None:
    """The verdict from the stated baseline and each earlier base period, in time order."""
    s = result.sensitivity
    if s is None:
        return None
    decimals = result.metric.decimals
    stated_note = word("stated", lang)
    if s.extreme is not None:
        stated_note += f", {word(s.extreme, lang)}"

    def row(outcome: BaseOutcome, stated: bool) -> BaseRow:
        return BaseRow(
            period=outcome.period,
            period_text=period_text(outcome.period, lang),
            value=outcome.value,
            value_text=_base_value(outcome.value, s.quantity, s.unit, decimals, lang),
            status=StatusView.of(outcome.status, lang),
            stated=stated,
            note=stated_note if stated else "",
        )

    verdict = word("holds" if s.holds else "flips", lang)
    times = {o.period: o.time for o in (s.stated, *s.alternatives)}
    rows = sorted(
        [row(s.stated, True), *(row(a, False) for a in s.alternatives)], key=lambda r: times[r.period]
    )
    neighbourhood = (
        (period_text(s.neighbourhood[0], lang), period_text(s.neighbourhood[1], lang))
        if s.neighbourhood
        else None
    )
    extreme_text = ""
    if s.extreme is not None and neighbourhood is not None:
        extreme_text = word("extreme", lang).format(
            which=word(f"{s.extreme}_definite", lang),
            series=short_title(result.metric.title.get(lang)),
            first=neighbourhood[0],
            last=neighbourhood[1],
        )
    return SensitivityView(
        window=s.window,
        holds=s.holds,
        verdict_text=verdict,
        quantity=s.quantity,
        quantity_text=word(s.quantity, lang) if s.quantity in _QUANTITIES else s.quantity,
        unit=localized_unit(s.unit, lang),
        extreme=s.extreme,
        extreme_text=extreme_text,
        neighbourhood=neighbourhood,
        rows=tuple(rows),
        short=f"{verdict}: "
        + " · ".join(f"{r.period_text} {r.value_text}" + (f" ({r.note})" if r.stated else "") for r in rows),
        text=explain_sensitivity(result, lang),
    )


_QUANTITIES = frozenset({"gap", "growth", "change", "annual_growth", "annual_change", "above_base"})


def latest_figures(results: Iterable[TargetResult], lang: str) -> tuple[LatestFigure, ...]:
    """Per metric the targets are judged on, its newest period and that period's age (plan order)."""
    found: dict[str, tuple[TargetResult, list[str]]] = {}
    for r in results:
        if r.latest is None or r.data_age_months is None:
            continue
        seen = found.get(r.metric.id)
        if seen is None:
            found[r.metric.id] = (r, [r.target.id])
            continue
        newest, targets = seen
        targets.append(r.target.id)
        if r.latest.time > (newest.latest.time if newest.latest else -math.inf):
            found[r.metric.id] = (r, targets)
    out = []
    for metric, (r, targets) in found.items():
        age = data_age(r, lang)
        if age is not None:
            out.append(
                LatestFigure(metric, short_title(r.metric.title.get(lang) or metric), age, tuple(targets))
            )
    return tuple(out)
