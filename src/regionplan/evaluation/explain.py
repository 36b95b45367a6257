"""Sentences that explain a status, written from the numbers behind it.

Every :class:`~regionplan.evaluation.results.TargetResult` carries its inputs; this
module turns them into text in Norwegian (nb) or English (en), e.g. "Jobs fell
by 3,533 from 2019Q4 to 2020Q4 and stood 1,354 above the 2019Q4 level in 2022Q4:
achieved." A :class:`~regionplan.evaluation.results.GoalResult` is explained by
what its status rests on: "On track — 10 % measured; 1 achieved, 1 on track. Note:
less than half is measured."
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regionplan.evaluation.explain_data import explain_age, explain_origin, missing_text
from regionplan.evaluation.rollup import CAVEATS, MEASURED
from regionplan.evaluation.status import REASONS, Status
from regionplan.plan.model import TargetKind
from regionplan.plan.units import localized_unit, unit_for

if TYPE_CHECKING:
    from regionplan.evaluation.results import GoalResult, TargetResult
    from regionplan.evaluation.sensitivity import BaseOutcome

__all__ = ["explain_goal", "explain_sensitivity", "explain_target", "format_number", "format_share"]


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
        "regained": " ({regained} of the {lost} lost regained)",
        "none_regained": " (none of the {lost} lost regained)",
        "no_loss": "{metric} has not fallen below its {base} level since.",
        "path": "The straight path from {start} to the target stood at {path} {unit} in {latest}.",
        "no_projection": "No projection: {n} observations, at least {min} needed.",
        "indicative": "Indicative only: it reaches {horizon} years beyond {span} years of data.",
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
        "regained": " ({regained} av de {lost} tapte tatt igjen)",
        "none_regained": " (ingen av de {lost} tapte tatt igjen)",
        "no_loss": "{metric} har ikke falt under nivået i {base} siden.",
        "path": "Den rette linjen fra {start} til målet lå på {path} {unit} i {latest}.",
        "no_projection": "Ingen framskriving: {n} observasjoner, minst {min} trengs.",
        "indicative": "Bare veiledende: den når {horizon} år lenger fram enn de {span} årene med data.",
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

    def per(label: str) -> str:  # as the reader's statistics office writes it (2022K4 in nb)
        return _period_text(label, lang)

    unit = localized_unit(result.unit, lang)
    facts = result.facts
    shock = result.shock
    if result.target.kind is TargetKind.RECOVERY and shock and result.latest and result.baseline:
        title = result.metric.title.get(lang)
        base_label = per(result.baseline.period)
        fall = shock.value - result.baseline.value
        first = (words["fell"] if fall < 0 else words["rose"]).format(
            fall=num(abs(fall)), base=base_label, shock=per(shock.period)
        )
        d = result.latest.value - result.baseline.value
        second = (words["above"] if d >= 0 else words["below"]).format(
            d=num(abs(d)), base=base_label, latest=per(result.latest.period)
        )
        regained, lost = facts.get("regained"), facts.get("lost")
        if result.progress_flag != "beyond" and regained is not None and lost is not None:
            which = words["regained"] if regained > 0 else words["none_regained"]
            second += which.format(regained=num(regained), lost=num(lost))
        parts.append(f"{title} {first} {'og' if lang == 'nb' else 'and'} {second}: {status_word.lower()}.")
    elif result.target.kind is TargetKind.GROWTH_VS and result.latest and result.baseline:
        other = result.other.title.get(lang) if result.other else (result.target.other or "")
        parts.append(
            words["gap"].format(
                metric=result.metric.title.get(lang),
                other=other,
                base=per(result.baseline.period),
                value=format_number(result.latest.value, lang, 1),
                latest=per(result.latest.period),
            )
        )
    else:
        if result.baseline:
            parts.append(
                words["baseline"].format(
                    value=num(result.baseline.value),
                    unit=unit_for(result.baseline.value, unit, lang),
                    period=per(result.baseline.period),
                )
            )
        if result.latest:
            parts.append(
                words["latest"].format(
                    value=num(result.latest.value),
                    unit=unit_for(result.latest.value, unit, lang),
                    period=per(result.latest.period),
                )
            )
        if result.goal is not None and result.target.kind is not TargetKind.GROWTH_VS:
            parts.append(
                words["goal"].format(
                    value=num(result.goal),
                    unit=unit_for(result.goal, unit, lang),
                    deadline=per(result.deadline or ""),
                )
            )
        if result.target.kind is TargetKind.RECOVERY and result.baseline and result.latest:
            parts.append(
                words["no_loss"].format(
                    metric=result.metric.title.get(lang), base=per(result.baseline.period)
                )
            )
    if reason is not None:
        parts.append(reason.get(lang))
    if "path" in facts and result.latest and result.trajectory:
        parts.append(
            words["path"].format(
                start=per(result.trajectory[0].period),
                path=num(facts["path"]),
                unit=unit,
                latest=per(result.latest.period),
            )
        )
    if result.sensitivity is not None:
        parts.append(explain_sensitivity(result, lang))
    p = result.projection
    if p is not None and result.status.value in {"on_track", "off_track"}:
        if p.low == p.low and p.high == p.high:  # not NaN
            parts.append(
                words["projection"].format(
                    value=num(p.value),
                    unit=unit,
                    deadline=per(p.deadline),
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
                    deadline=per(p.deadline),
                    method=_METHODS.get(lang, {}).get(p.method, p.method),
                )
            )
        if p.indicative and p.span_years is not None and p.horizon_years is not None:
            parts.append(
                words["indicative"].format(
                    horizon=format_number(p.horizon_years, lang, 0 if p.horizon_years.is_integer() else 1),
                    span=format_number(p.span_years, lang, 0 if p.span_years.is_integer() else 1),
                )
            )
    elif (
        p is None
        and 0 < result.projection_points < result.projection_min_points
        and result.status.value in {"on_track", "off_track"}
    ):
        parts.append(
            words["no_projection"].format(n=result.projection_points, min=result.projection_min_points)
        )
    if result.missing:
        parts.append(words["missing"].format(why=missing_text(result, lang)))
    parts += explain_origin(result, lang)
    if age := explain_age(result, lang):
        parts.append(age)
    return " ".join(parts)


_GOAL_WORDS = {
    "en": {"measured": "{share} measured", "note": "Note: {caveats}."},
    "nb": {"measured": "{share} målt", "note": "Merk: {caveats}."},
}


def format_share(share: float, lang: str = "en") -> str:
    """A share as a whole percentage, never rounded to 0 % or 100 % unless it is exactly that."""
    percent = share * 100
    if 0 < percent < 0.5:
        return f"< {format_number(1, lang, 0)} %"
    if 99.5 <= percent < 100:
        return f"> {format_number(99, lang, 0)} %"
    return f"{format_number(percent, lang, 0)} %"


def explain_goal(result: GoalResult, lang: str = "en") -> str:
    """A goal's status with what it rests on, in ``lang`` (nb or en).

    E.g. "On track — 10 % measured; 1 achieved, 1 off track. Note: less than half is
    measured; the measured parts disagree." (nb: "I rute — 10 % målt; 1 nådd, 1 ikke i
    rute. Merk: ...").
    """
    words = _GOAL_WORDS.get(lang, _GOAL_WORDS["en"])
    status = result.status.label.get(lang)
    if "unmeasured" in result.caveats:
        return f"{status} — {CAVEATS['unmeasured'].get(lang)}."
    head = f"{status} — {words['measured'].format(share=format_share(result.coverage, lang))}"
    mix = [
        f"{format_number(result.mix[s], lang, 0)} {_lower_first(s.label.get(lang))}"
        for s in MEASURED
        if result.mix.get(s, 0) > 0
    ]
    text = f"{head}; {', '.join(mix)}." if mix else f"{head}."
    if result.caveats:
        text += " " + words["note"].format(caveats="; ".join(CAVEATS[c].get(lang) for c in result.caveats))
    return text


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


_BASE_WORDS = {
    "en": {
        "holds": "The verdict is the same from each base period in {years} before: {items}.",
        "flips": "The verdict depends on the baseline: {items}.",
        "none": "From the baseline there is no verdict ({status}); from earlier base periods: {items}.",
        "year": "the year",
        "years": "the {n} years",
        "from": "from {period}",
        "min": "the low point of {series} in {first}–{last}",
        "max": "the high point of {series} in {first}–{last}",
        "pp": "pp",
        "a_year": "a year",
        "above": "{value} {unit} above that level",
        "below": "{value} {unit} below that level",
    },
    "nb": {
        "holds": "Vurderingen er den samme fra hvert utgangspunkt i {years} før: {items}.",
        "flips": "Vurderingen avhenger av utgangspunktet: {items}.",
        "none": "Fra utgangspunktet er det ingen vurdering ({status}); fra tidligere utgangspunkt: {items}.",
        "year": "året",
        "years": "de {n} årene",
        "from": "fra {period}",
        "min": "bunnpunktet for {series} i {first}–{last}",
        "max": "toppunktet for {series} i {first}–{last}",
        "pp": "prosentpoeng",
        "a_year": "i året",
        "above": "{value} {unit} over nivået da",
        "below": "{value} {unit} under nivået da",
    },
}


def explain_sensitivity(result: TargetResult, lang: str = "en") -> str:
    """Whether the verdict holds from earlier base periods, in ``lang`` (nb or en).

    E.g. "The verdict depends on the baseline: from 2020Q4, the low point of jobs in
    2017Q4–2022Q4, +6.3 pp (on track); from 2019Q4, −4.4 pp (off track); …" (nb: "Vurderingen
    avhenger av utgangspunktet: fra 2020K4, bunnpunktet for arbeidsplasser i 2017K4–2022K4,
    +6,3 prosentpoeng (i rute); …"). When the baseline gives no verdict but earlier base
    periods do, it says so. Empty when the result has no sensitivity.
    """
    s = result.sensitivity
    if s is None:
        return ""
    words = _BASE_WORDS.get(lang, _BASE_WORDS["en"])

    def item(outcome: BaseOutcome, stated: bool) -> str:
        parts = [words["from"].format(period=_period_text(outcome.period, lang))]
        if stated and s.extreme is not None and s.neighbourhood is not None:
            first, last = (_period_text(p, lang) for p in s.neighbourhood)
            series = _short_title(result.metric.title.get(lang))
            parts.append(words[s.extreme].format(series=series, first=first, last=last))
        status = outcome.status.label.get(lang).lower()
        if outcome.value is None:
            parts.append(status)
            return ", ".join(parts)
        parts.append(_base_value(s.quantity, s.unit, outcome.value, result.metric.decimals, lang))
        return ", ".join(parts) + ("" if s.holds else f" ({status})")

    if s.flips and s.stated.status is Status.INSUFFICIENT_DATA:
        items = "; ".join(item(a, False) for a in s.alternatives)
        return words["none"].format(status=s.stated.status.label.get(lang).lower(), items=items)
    items = "; ".join([item(s.stated, True), *(item(a, False) for a in s.alternatives)])
    if not s.holds:
        return words["flips"].format(items=items)
    years = words["year"] if s.window == 1 else words["years"].format(n=s.window)
    return words["holds"].format(years=years, items=items)


def _base_value(quantity: str, unit: str, value: float, decimals: int | None, lang: str) -> str:
    """A base period's value as a signed number with its unit ("+6.3 pp", "−120 jobs a year")."""
    words = _BASE_WORDS.get(lang, _BASE_WORDS["en"])
    if quantity in {"gap", "growth", "annual_growth"} or unit == "pp":
        decimals = 1
    number = format_number(abs(value), lang, decimals)
    unit_text = words["pp"] if unit == "pp" else localized_unit(unit, lang)
    if quantity == "above_base":
        text = words["above" if value >= 0 else "below"].format(value=number, unit=unit_text)
        return " ".join(text.split())  # no double space when the metric has no unit
    sign = "" if number.strip("0,.") == "" else "+" if value > 0 else "\u2212"
    text = f"{sign}{number} {unit_text}".rstrip()
    return f"{text} {words['a_year']}" if quantity.startswith("annual") else text


def _period_text(label: str, lang: str) -> str:
    """A period label as the reader's statistics office writes it: SSB writes quarters 2022K4."""
    if lang == "nb" and len(label) == 6 and label[4] == "Q":
        return f"{label[:4]}K{label[5]}"
    if len(label) == 10 and label[4] == "-" == label[7] and label.replace("-", "").isdigit():
        return label[:4]  # a yearly count on one day ("2026-01-01") by its year
    return label


def _short_title(title: str) -> str:
    """A metric's title without its parenthesis, in running text: "Jobs (…, 4th quarter)" -> "jobs"."""
    short = title.split(" (", 1)[0]
    return short[:1].lower() + short[1:] if short[1:2].islower() else short
