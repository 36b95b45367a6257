"""How the report works, in short: a method section every format prints.

:func:`method_of` makes it from a report: what the statuses mean, how goals roll up
(coverage and caveats), baselines and their sensitivity, projections, and the sources
with their dates. Each part has a stable ``key``; each status an anchor
(``method-{status}``) that badges in the HTML report link to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from regionplan.report.model import Report

__all__ = ["Method", "MethodItem", "MethodPart", "method_of"]


@attrs.frozen
class MethodItem:
    """A term and what it means (a status, a source)."""

    key: str
    term: str
    text: str


@attrs.frozen
class MethodPart:
    key: str
    heading: str
    text: str
    items: tuple[MethodItem, ...] = ()


@attrs.frozen
class Method:
    heading: str
    parts: tuple[MethodPart, ...]


_TEXT: dict[str, dict[str, str]] = {
    "nb": {
        "heading": "Slik er vurderingen gjort",
        "statuses": "Status",
        "statuses_text": (
            "Hvert måltall vurderes på tallene som var publisert på vurderingsdatoen. "
            "Den nødvendige banen er den rette linjen fra utgangspunktet til målverdien ved fristen."
        ),
        "achieved": "Siste verdi har nådd målet (eller vilkåret holder ved fristen).",
        "on_track": "Siste verdi ligger på eller foran den nødvendige banen, eller vilkåret holder så langt.",
        "off_track": "Siste verdi ligger bak den nødvendige banen, vilkåret holder ikke, eller fristen er passert.",
        "insufficient_data": (
            "Det finnes ikke nok tall: ingen observasjon, utgangspunktet mangler eller bare én observasjon "
            "fra utgangspunktet."
        ),
        "coverage": "Dekning og forbehold",
        "coverage_text": (
            "Et mål får status fra delene under seg, vektet. «Målt» er den delen av vekten som har status. "
            "Er under halvparten målt, eller peker de målte delene i ulike retninger, vises statusen med "
            "forbehold (stiplet ramme), ikke som en endelig dom. Deler uten måltall står som «ikke målt»."
        ),
        "baselines": "Utgangspunkt og følsomhet",
        "baselines_text": (
            "Utgangspunktet er perioden måltallet regnes fra. Der utgangspunktet er valgt, vises også hva "
            "vurderingen ville blitt med tidligere utgangspunkt, så leseren ser om dommen avhenger av valget."
        ),
        "projections": "Framskrivinger",
        "projections_text": (
            "En framskriving til fristen lages bare fra minst {n} observasjoner fra utgangspunktet. "
            "Når den rekker lenger fram enn tallene rekker tilbake, er den merket «veiledende»: den viser "
            "en retning, ikke en prognose. Framskrivinger avgjør ikke status."
        ),
        "projections_none": "Ingen framskriving er laget i denne rapporten.",
        "sources": "Kilder og datoer",
        "sources_text": "{rests_on}.",
        "source_retrieved": "hentet {date}",
    },
    "en": {
        "heading": "How the evaluation works",
        "statuses": "Statuses",
        "statuses_text": (
            "Each target is judged on the figures published by the evaluation date. The required path "
            "is the straight line from the baseline to the goal value at the deadline."
        ),
        "achieved": "The latest value has reached the goal (or the condition holds at the deadline).",
        "on_track": "The latest value is on or ahead of the required path, or the condition holds so far.",
        "off_track": "The latest value is behind the required path, the condition fails, or the deadline has passed.",
        "insufficient_data": (
            "There are not enough figures: no observation, no baseline, or only one observation from the baseline."
        ),
        "coverage": "Coverage and caveats",
        "coverage_text": (
            'A goal takes its status from the parts below it, weighted. "Measured" is the share of the '
            "weight that has a status. When less than half is measured, or the measured parts disagree, the "
            "status is shown with a caveat (dashed border), not as a verdict. Parts without targets are "
            '"not measured".'
        ),
        "baselines": "Baselines and sensitivity",
        "baselines_text": (
            "The baseline is the period a target is measured from. Where a baseline was chosen, the report "
            "also shows the verdict from earlier baselines, so the reader sees whether it depends on the choice."
        ),
        "projections": "Projections",
        "projections_text": (
            "A projection to the deadline is made only from at least {n} observations from the baseline. "
            'When it reaches further ahead than the data reach back, it is marked "indicative": it shows a '
            "direction, not a forecast. Projections do not decide a status."
        ),
        "projections_none": "This report has no projection.",
        "sources": "Sources and dates",
        "sources_text": "{rests_on}.",
        "source_retrieved": "retrieved {date}",
    },
}


def method_of(report: Report) -> Method:
    """The method section of ``report``, in its language."""
    t = _TEXT.get(report.lang, _TEXT["en"])
    statuses = tuple(
        MethodItem(c.status.value, f"{c.status.symbol} {c.status.label}", t[c.status.value])
        for c in report.summary
        if c.status.value in t
    )
    points = sorted({r.projection_min_points for r in report.targets if r.projection_min_points})
    n = "/".join(str(p) for p in points) if points else "5"
    projections = t["projections_text"].format(n=n)
    if not any(r.projection for r in report.targets):
        projections += " " + t["projections_none"]
    found: dict[tuple[str, str], MethodItem] = {}
    for src in report.sources:
        retrieved = t["source_retrieved"].format(date=src.retrieved) if src.retrieved else ""
        text = " · ".join(part for part in (src.licence, retrieved) if part)
        found.setdefault((src.label, text), MethodItem(src.table or src.source, src.label, text))
    sources = tuple(found.values())
    rests_on = report.rests_on.rstrip(".")
    return Method(
        t["heading"],
        (
            MethodPart("statuses", t["statuses"], t["statuses_text"], statuses),
            MethodPart("coverage", t["coverage"], t["coverage_text"]),
            MethodPart("baselines", t["baselines"], t["baselines_text"]),
            MethodPart("projections", t["projections"], projections),
            MethodPart(
                "sources",
                t["sources"],
                t["sources_text"].format(rests_on=rests_on) if rests_on else "",
                sources,
            ),
        ),
    )
