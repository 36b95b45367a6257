"""The section "since the last report": :func:`since_view` lays out what changed in the report's language.

The changes come from :func:`regionplan.report.since.compare_reports`; the section is the
report's :attr:`~regionplan.report.model.Report.since` ("Siden forrige rapport" / "Since the
last report").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from regionplan.evaluation.explain import format_number
from regionplan.evaluation.status import Status
from regionplan.report.basis import period_text
from regionplan.report.since import DataChange, ElementPresence, ReportChanges, is_number, same_number
from regionplan.report.since_view import SinceGroup, SinceItem, SinceView
from regionplan.report.words import word

__all__ = ["since_view"]

#: A target's kind as a reader of the report names it (the plan files write the code).
_TARGET_KINDS = {
    "level": {"nb": "nivå", "en": "level"},
    "change": {"nb": "endring", "en": "change"},
    "annual_trend": {"nb": "årlig utvikling", "en": "annual trend"},
    "growth_vs": {"nb": "vekst mot en annen indikator", "en": "growth against another indicator"},
    "recovery": {"nb": "tilbake til nivået før et fall", "en": "recovery to the level before a fall"},
    "milestone": {"nb": "milepæl", "en": "milestone"},
}


def since_view(changes: ReportChanges, lang: str) -> SinceView:
    """The changes as the section "since the last report" in ``lang``."""

    def w(key: str, **fields: Any) -> str:
        text = word(key, lang)
        return text.format(**fields) if fields else text

    def status(code: str | None) -> str:
        if code is None:
            return w("since_not_measured")
        try:
            return Status(code).label.get(lang)
        except ValueError:
            return code

    def coverage(value: float | None) -> str:
        return "–" if value is None else f"{format_number(value * 100, lang, 0)} %"

    def period(label: str | None) -> str:
        return w("since_no_data") if label is None else period_text(label, lang)

    def value(field: str, v: Any) -> str:
        if v is None:
            return "–"
        if isinstance(v, bool):
            return w("since_yes" if v else "since_no")
        if is_number(v):
            return format_number(float(v), lang)
        if field == "kind" and str(v) in _TARGET_KINDS:
            return _TARGET_KINDS[str(v)][lang if lang in ("nb", "en") else "en"]
        return period_text(str(v), lang) if field in {"baseline", "deadline", "shock"} else str(v)

    def arrow(a: str, b: str) -> str:
        return f"{a} → {b}"

    groups: list[SinceGroup] = []

    def group(kind: str, items: Sequence[SinceItem]) -> None:
        if items:
            groups.append(SinceGroup(kind, w(f"since_{kind}"), tuple(items)))

    group(
        "status",
        [
            SinceItem("status", c.target, f"{c.title}: {arrow(status(c.before), status(c.after))}")
            for c in changes.status_changes
        ],
    )
    group("data", _data_items(changes.new_data, period))
    group(
        "redefined",
        [
            SinceItem(
                "redefined",
                c.target,
                f"{c.title}: "
                + "; ".join(
                    f"{w('since_field_' + f.field)} {arrow(value(f.field, f.before), value(f.field, f.after))}"
                    for f in c.fields
                )
                + f" ({w('status').lower()} {arrow(status(c.before), status(c.after))})",
            )
            for c in changes.redefined
        ],
    )
    group(
        "added",
        [SinceItem("added", c.target, f"{c.title} ({status(c.status)})") for c in changes.added_targets],
    )
    group(
        "removed",
        [SinceItem("removed", c.target, f"{c.title} ({status(c.status)})") for c in changes.removed_targets],
    )
    goal_items = []
    for g in changes.goal_changes:
        parts = []
        if g.before != g.after:
            parts.append(arrow(status(g.before), status(g.after)))
        if not same_number(g.coverage_before, g.coverage_after):
            parts.append(
                w("since_coverage", change=arrow(coverage(g.coverage_before), coverage(g.coverage_after)))
            )
        title = f"{g.number} {g.title}".strip()
        goal_items.append(SinceItem("goal", g.element, f"{title}: {'; '.join(parts)}"))
    group("goal", goal_items)
    group("goal_added", [SinceItem("goal_added", e.element, _numbered(e)) for e in changes.added_goals])
    group("goal_removed", [SinceItem("goal_removed", e.element, _numbered(e)) for e in changes.removed_goals])
    intro = w("since_intro", date=changes.previous_as_of.isoformat())
    if changes.previous_plan != changes.current_plan:
        intro += " " + w("since_other_plan", plan=changes.previous_plan)
    return SinceView(
        heading=w("since_heading"),
        previous_as_of=changes.previous_as_of.isoformat(),
        intro=intro,
        groups=tuple(groups),
        none_text="" if groups else w("since_none"),
    )


def _data_items(changes: Sequence[DataChange], period: Any) -> list[SinceItem]:
    """New data, one line per metric and move: "Arbeidsplasser: 2021K4 → 2022K4"."""
    moves: dict[tuple[str, str | None, str | None], str] = {}
    for c in changes:
        moves.setdefault((c.metric, c.before, c.after), c.metric_title)
    return [
        SinceItem("data", metric, f"{title}: {period(before)} → {period(after)}")
        for (metric, before, after), title in moves.items()
    ]


def _numbered(e: ElementPresence) -> str:
    return f"{e.number} {e.title}".strip()
