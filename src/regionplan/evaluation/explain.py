"""Sentences that explain a status, written from the numbers behind it.

Every :class:`~regionplan.evaluation.results.TargetResult` carries its inputs; this
module turns them into text in Norwegian (nb) or English (en), e.g. "Jobs fell
by 3,533 from 2019Q4 to 2020Q4 and stood 1,354 above the 2019Q4 level in 2022Q4:
achieved."
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regionplan.evaluation.status import REASONS
from regionplan.plan.model import TargetKind
from regionplan.plan.units import localized_unit

if TYPE_CHECKING:
    from regionplan.evaluation.results import TargetResult

__all__ = ["explain_target", "format_number"]


def format_number(value: float | None, lang: str = "en", decimals: int | None = None) -> str:
    """A number as people write it: 46,461 (en) or 46 461 (nb)."""
    if value is None:
        return "–"
    if decimals is None:
        decimals = 0 if abs(value) >= 100 or float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    if lang == "nb":
        text = text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")
    return text


_WORDS = {
    "en": {
        "fell": "fell by {fall} from {base} to {shock}",
        "rose": "rose by {fall} from {base} to {shock}",
        "above": "stood {d} above the {base} level in {latest}",
        "below": "stood {d} below the {base} level in {latest}",
        "latest": "Latest value: {value} {unit} ({period}).",
        "baseline": "Baseline: {value} {unit} ({period}).",
        "goal": "Target: {value} {unit} by {deadline}.",
        "projection": "Projected {value} {unit} by {deadline} ({method}; {conf} % interval {low} to {high}).",
        "projection_point": "Projected {value} {unit} by {deadline} ({method}).",
        "missing": "Missing data: {why}.",
        "gap": "Growth of {metric} minus growth of {other} since {base}: {value} percentage points ({latest}).",
    },
    "nb": {
        "fell": "falt med {fall} fra {base} til {shock}",
        "rose": "økte med {fall} fra {base} til {shock}",
        "above": "lå {d} over nivået i {base} i {latest}",
        "below": "lå {d} under nivået i {base} i {latest}",
        "latest": "Siste verdi: {value} {unit} ({period}).",
        "baseline": "Utgangsverdi: {value} {unit} ({period}).",
        "goal": "Mål: {value} {unit} innen {deadline}.",
        "projection": "Framskrevet {value} {unit} innen {deadline} ({method}; {conf} % intervall {low} til {high}).",
        "projection_point": "Framskrevet {value} {unit} innen {deadline} ({method}).",
        "missing": "Manglende data: {why}.",
        "gap": "Vekst i {metric} minus vekst i {other} siden {base}: {value} prosentpoeng ({latest}).",
    },
}


#: Names of the built-in projection methods in sentences (others are shown as registered).
_METHODS = {
    "en": {"linear": "linear trend", "compound": "constant growth"},
    "nb": {"linear": "lineær trend", "compound": "konstant vekst"},
}


def explain_target(result: TargetResult, lang: str = "en") -> str:
    """Why a target has its status, in ``lang`` (nb or en)."""
    words = _WORDS.get(lang, _WORDS["en"])
    status_word = result.status.label.get(lang)
    reason = REASONS.get(result.reason)
    parts: list[str] = []
    n = result.metric.decimals

    def num(x: float | None) -> str:
        return format_number(x, lang, n)

    unit = localized_unit(result.unit, lang)
    facts = result.facts
    if result.target.kind is TargetKind.RECOVERY and "fall" in facts and result.latest and result.baseline:
        title = result.metric.title.get(lang)
        base_label = result.metric.period.read(result.target.baseline).label if result.target.baseline else ""
        fall = facts["fall"]
        first = (words["fell"] if fall < 0 else words["rose"]).format(
            fall=num(abs(fall)), base=base_label, shock=result.baseline.period
        )
        d = result.latest.value - facts["pre_shock"]
        second = (words["above"] if d >= 0 else words["below"]).format(
            d=num(abs(d)), base=base_label, latest=result.latest.period
        )
        parts.append(f"{title} {first} {'og' if lang == 'nb' else 'and'} {second}: {status_word.lower()}.")
    elif result.target.kind is TargetKind.GROWTH_VS and result.latest and result.baseline:
        other = result.other.title.get(lang) if result.other else (result.target.other or "")
        parts.append(
            words["gap"].format(
                metric=result.metric.title.get(lang),
                other=other,
                base=result.baseline.period,
                value=format_number(result.latest.value, lang, 1),
                latest=result.latest.period,
            )
        )
    else:
        if result.baseline:
            parts.append(
                words["baseline"].format(
                    value=num(result.baseline.value),
                    unit=unit,
                    period=result.baseline.period,
                )
            )
        if result.latest:
            parts.append(
                words["latest"].format(value=num(result.latest.value), unit=unit, period=result.latest.period)
            )
        if result.goal is not None and result.target.kind is not TargetKind.GROWTH_VS:
            parts.append(
                words["goal"].format(value=num(result.goal), unit=unit, deadline=result.deadline or "")
            )
    if reason is not None:
        parts.append(reason.get(lang))
    p = result.projection
    if p is not None and result.status.value in {"on_track", "off_track"}:
        if p.low == p.low and p.high == p.high:  # not NaN
            parts.append(
                words["projection"].format(
                    value=num(p.value),
                    unit=unit,
                    deadline=p.deadline,
                    method=_METHODS.get(lang, {}).get(p.method, p.method),
                    conf=round(p.confidence * 100),
                    low=num(p.low),
                    high=num(p.high),
                )
            )
        else:
            parts.append(
                words["projection_point"].format(
                    value=num(p.value),
                    unit=unit,
                    deadline=p.deadline,
                    method=_METHODS.get(lang, {}).get(p.method, p.method),
                )
            )
    if result.missing:
        parts.append(words["missing"].format(why="; ".join(result.missing)))
    return " ".join(parts)
