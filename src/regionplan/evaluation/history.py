"""Status history: a plan evaluated as of several dates, each on the data published by then.

:func:`history` reads the plan's data once and evaluates it as of every date asked for
(:func:`~regionplan.evaluation.evaluator.evaluate` keeps, for each date, only the periods
whose figures were published by then: a period counts ``publication_lag_months`` after it
ends). The result, a :class:`History`, has one row per measured goal and per target, and one
:class:`HistoryCell` per date: the status, why a status could not be given, the latest
value with its period and the day that period counted as published, and the coverage.

The dates come from :func:`yearly_dates` (one day a year, such as each 30 April) or
:func:`publication_dates` (each day a new period of a target's data became published).

The values are those of the data as read now: a figure the statistics office revised after
a date is shown as revised. Which periods count at each date is what this module keeps
honest, not the vintage of each figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from regionplan.data.dataset import DataSet, fetch_data
from regionplan.data.sources import SourceContext
from regionplan.errors import EvaluationError
from regionplan.evaluation.evaluator import Evaluation, evaluate
from regionplan.evaluation.explain_data import format_date, missing_text
from regionplan.evaluation.freshness import add_months
from regionplan.evaluation.results import GoalResult, TargetResult
from regionplan.evaluation.status import REASONS, Status
from regionplan.plan.model import Label, Metric, Plan, Target

__all__ = [
    "History",
    "HistoryCell",
    "HistoryRow",
    "history",
    "parse_day_of_year",
    "publication_dates",
    "published_on",
    "yearly_dates",
]

#: The day of the year evaluated when a plan gives none (no adoption date): the year's end.
DEFAULT_DAY = (12, 31)

_MISSING = Label({"nb": "Manglende data: {why}.", "en": "Missing data: {why}."})
_STALE = Label(
    {
        "nb": "Nyere tall mangler: tallene etter {period} var ventet publisert innen {day}.",
        "en": "Newer figures missing: the figures after {period} were due by {day}.",
    }
)
_FIRST_PUBLISHED = Label(
    {
        "nb": "De første tallene ({period}) regnes som publisert {day}.",
        "en": "The first figures ({period}) count as published on {day}.",
    }
)


@attrs.frozen
class HistoryCell:
    """One row's state as of one date.

    Attributes:
        as_of: the evaluation date.
        status: the status as of that date.
        reason: a target's reason code (a key of :data:`~regionplan.evaluation.status.REASONS`);
            ``""`` for a goal.
        note: why a status could not be given (insufficient data), in nb and en; else empty.
        latest_period, latest_value: a target's latest observation judged (``None`` for a goal
            or with no data published by then).
        latest_published: the day the latest period counted as published (its end plus the
            metric's publication lag; for a comparison the longer lag of the two metrics).
        coverage: a target's members with data at the latest point, as a share; a goal's
            share of its children's weight that has a status.
        members: a target's members with data and members, at the latest point.
        next_expected: the day the period after the latest counts as published (``None``
            without a latest period).
        stale: the date is on or after ``next_expected`` and the data hold no newer period.
        stale_note: says so, with the day the newer figures were due, in nb and en; else empty.
    """

    as_of: dt.date
    status: Status
    reason: str = ""
    note: Label = attrs.field(factory=lambda: Label(()))
    latest_period: str | None = None
    latest_value: float | None = None
    latest_published: dt.date | None = None
    coverage: float | None = None
    members: tuple[int, int] | None = None
    next_expected: dt.date | None = None
    stale: bool = False
    stale_note: Label = attrs.field(factory=lambda: Label(()))


@attrs.frozen
class HistoryRow:
    """A goal or a target, and its cells, one per date (in the order of :attr:`History.dates`).

    ``kind`` is ``"goal"`` or ``"target"``; ``element_kind`` the goal's kind (vision, main
    goal, ...) or, for a target, the kind of target. ``unit`` and ``decimals`` say how a
    target's values are written; ``lag_months`` is the publication lag its cells respect.
    """

    id: str
    kind: str
    element_kind: str
    title: Label
    cells: tuple[HistoryCell, ...]
    unit: str = ""
    decimals: int | None = None
    metric: str = ""
    lag_months: int | None = None

    @property
    def statuses(self) -> tuple[Status, ...]:
        return tuple(c.status for c in self.cells)

    @property
    def moved(self) -> bool:
        """The status changed at least once between the dates."""
        return len(set(self.statuses)) > 1


@attrs.frozen
class History:
    """A plan's statuses as of several dates: rows of goals and targets, one cell per date."""

    plan: Plan
    area: str
    dates: tuple[dt.date, ...]
    rows: tuple[HistoryRow, ...]
    rollup: str = "weighted_score"

    def row(self, row_id: str) -> HistoryRow:
        for r in self.rows:
            if r.id == row_id:
                return r
        raise KeyError(f"no goal or target {row_id!r} in the history")

    def to_records(self) -> list[dict[str, Any]]:
        """One flat record per row and date (for a table or pandas)."""
        return [
            {
                "id": r.id,
                "kind": r.kind,
                "as_of": c.as_of.isoformat(),
                "status": c.status.value,
                "reason": c.reason,
                "latest_period": c.latest_period,
                "latest_value": c.latest_value,
                "latest_published": c.latest_published.isoformat() if c.latest_published else None,
                "unit": r.unit,
                "coverage": c.coverage,
                "members_with_data": c.members[0] if c.members else None,
                "members": c.members[1] if c.members else None,
            }
            for r in self.rows
            for c in r.cells
        ]

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The history as plain data (JSON): titles and notes in ``lang``, or in every language."""

        def text(label: Label) -> Any:
            return label.get(lang) if lang else label.as_dict()

        return {
            "plan": self.plan.meta.id,
            "title": text(self.plan.meta.title),
            "area": self.area,
            "rollup": self.rollup,
            "dates": [d.isoformat() for d in self.dates],
            "rows": [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "element_kind": r.element_kind,
                    "title": text(r.title),
                    "metric": r.metric or None,
                    "unit": r.unit or None,
                    "publication_lag_months": r.lag_months,
                    "moved": r.moved,
                    "cells": [
                        {
                            "as_of": c.as_of.isoformat(),
                            "status": c.status.value,
                            "reason": c.reason or None,
                            "note": text(c.note) or None,
                            "latest_period": c.latest_period,
                            "latest_value": c.latest_value,
                            "latest_published": c.latest_published.isoformat()
                            if c.latest_published
                            else None,
                            "coverage": c.coverage,
                            "members": list(c.members) if c.members else None,
                            "next_expected": c.next_expected.isoformat() if c.next_expected else None,
                            "stale": c.stale,
                            "stale_note": text(c.stale_note) or None,
                        }
                        for c in r.cells
                    ],
                }
                for r in self.rows
            ],
        }


# -- the dates ----------------------------------------------------------------------------


def parse_day_of_year(text: str) -> tuple[int, int]:
    """``"04-30"`` as (4, 30); a day that no year has is refused (29 February is allowed)."""
    try:
        month, day = (int(part) for part in text.strip().split("-"))
        dt.date(2000, month, day)  # a leap year: every day some year has
    except ValueError:
        raise EvaluationError(f"{text!r} is not a day of the year (write MM-DD, e.g. 04-30)") from None
    return month, day


def _on(year: int, month: int, day: int) -> dt.date:
    """The day in ``year``; 29 February is 28 February in a year without it."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return dt.date(year, month, day - 1)


def yearly_dates(
    plan: Plan, on: tuple[int, int] | None = None, *, until: dt.date | None = None
) -> tuple[dt.date, ...]:
    """One date a year, from the plan's first year to ``until`` (default: today) or its last year.

    ``on`` is the day of the year (month, day); by default the plan's reporting day
    (``plan: reporting_day: "04-30"``), else the anniversary of its adoption date, else
    :data:`DEFAULT_DAY` (31 December).
    """
    adopted = plan.meta.adopted
    reporting = parse_day_of_year(plan.meta.reporting_day) if plan.meta.reporting_day else None
    month, day = on or reporting or ((adopted.month, adopted.day) if adopted else DEFAULT_DAY)
    last = until or dt.date.today()
    years = range(plan.meta.period_start, min(plan.meta.period_end, last.year) + 1)
    return tuple(d for d in (_on(y, month, day) for y in years) if d <= last)


def _target_lag(target: Target, metrics: Mapping[str, Metric]) -> int:
    """The lag a target's periods count as published after: for a comparison, the longer one."""
    lag = metrics[target.metric].publication_lag_months
    if target.other and target.other in metrics:
        lag = max(lag, metrics[target.other].publication_lag_months)
    return lag


def published_on(period_end: dt.date, lag_months: int) -> dt.date:
    """The day a period ending the day before ``period_end`` counts as published."""
    return add_months(period_end, lag_months)


def publication_dates(
    plan: Plan, data: DataSet, *, since: dt.date | None = None, until: dt.date | None = None
) -> tuple[dt.date, ...]:
    """Every day a new period of a target's data counted as published, from ``since``
    (default: the start of the plan period) to ``until`` (default: today)."""
    first = since or plan.meta.start_date
    last = until or dt.date.today()
    metrics = {m.id: m for m in plan.metrics}
    days: set[dt.date] = set()
    for target in plan.targets:
        if target.metric not in data:
            continue
        lag = _target_lag(target, metrics)
        md = data[target.metric]
        series = md.members if target.area else md.regions
        days.update(published_on(p.end, lag) for p in series.periods)
    return tuple(sorted(d for d in days if first <= d <= last))


def _as_dates(dates: Iterable[dt.date | str]) -> tuple[dt.date, ...]:
    out: set[dt.date] = set()
    for d in dates:
        if isinstance(d, dt.datetime):
            out.add(d.date())
        elif isinstance(d, dt.date):
            out.add(d)
        else:
            try:
                out.add(dt.date.fromisoformat(str(d).strip()))
            except ValueError:
                raise EvaluationError(f"{d!r} is not a date (write YYYY-MM-DD)") from None
    if not out:
        raise EvaluationError("no dates to evaluate")
    today = dt.date.today()
    future = sorted(d for d in out if d > today)
    if future:
        raise EvaluationError(f"{future[0]} is after today: what will be published by then is not known yet")
    return tuple(sorted(out))


# -- the history --------------------------------------------------------------------------


def history(
    plan: Plan,
    dates: Iterable[dt.date | str],
    data: DataSet | None = None,
    *,
    context: SourceContext | None = None,
    extensions: Any = None,
    rollup: str = "weighted_score",
) -> History:
    """Evaluate ``plan`` as of each of ``dates``, each on the data published by then.

    Args:
        plan: a loaded plan.
        dates: the evaluation dates (dates or ``YYYY-MM-DD``), e.g. from :func:`yearly_dates`
            or :func:`publication_dates`; sorted and deduplicated.
        data: the plan's data set; read once through the plan's sources when ``None``.
        context: how the sources run (cache folder, offline).
        rollup: the roll-up policy.

    Raises:
        EvaluationError: a date that is not one, or no dates at all.
    """
    from regionplan.defaults import default_extensions

    days = _as_dates(dates)
    ext = extensions or default_extensions()
    dataset = data if data is not None else fetch_data(plan, context=context, extensions=ext)
    evaluations = [evaluate(plan, dataset, as_of=d, extensions=ext, rollup=rollup) for d in days]
    return _collect(plan, dataset, evaluations, rollup)


def _collect(plan: Plan, data: DataSet, evaluations: Sequence[Evaluation], rollup: str) -> History:
    area = evaluations[0].areas[0]
    metrics = {m.id: m for m in plan.metrics}
    goals = [{g.element.id: g for g in ev.goals_in(area)} for ev in evaluations]
    targets = [{t.target.id: t for t in ev.targets_in(area)} for ev in evaluations]
    first_published = {t.id: _first_published(t, metrics, data) for t in plan.targets}
    rows: list[HistoryRow] = []
    for element in plan.elements:
        found = goals[0].get(element.id)
        if found is None or not found.measured:
            continue
        rows.append(
            HistoryRow(
                element.id,
                "goal",
                element.kind.value,
                element.title,
                tuple(_goal_cell(ev.as_of, g[element.id]) for ev, g in zip(evaluations, goals, strict=True)),
            )
        )
        for target in (t for t in plan.targets if t.element == element.id):
            metric = metrics[target.metric]
            lag = _target_lag(target, metrics)
            cells = tuple(
                _target_cell(ev.as_of, t[target.id], lag, first_published[target.id])
                for ev, t in zip(evaluations, targets, strict=True)
            )
            unit = targets[0][target.id].unit
            rows.append(
                HistoryRow(
                    target.id,
                    "target",
                    target.kind.value,
                    target.title or metric.title,
                    cells,
                    unit,
                    metric.decimals,
                    metric.id,
                    lag,
                )
            )
    return History(plan, area, tuple(ev.as_of for ev in evaluations), tuple(rows), rollup)


def _first_published(
    target: Target, metrics: Mapping[str, Metric], data: DataSet
) -> tuple[str, dt.date] | None:
    """The target's first period in the data and the day it counted as published."""
    if target.metric not in data:
        return None
    md = data[target.metric]
    periods = (md.members if target.area else md.regions).periods
    if not periods:
        return None
    first = min(periods, key=lambda p: p.end)
    return first.label, published_on(first.end, _target_lag(target, metrics))


def _goal_cell(day: dt.date, g: GoalResult) -> HistoryCell:
    note = (
        Label({lang: g.explain(lang) for lang in ("nb", "en")})
        if g.status is Status.INSUFFICIENT_DATA
        else None
    )
    return HistoryCell(day, g.status, note=note or Label(()), coverage=g.coverage)


def _target_cell(day: dt.date, r: TargetResult, lag: int, first: tuple[str, dt.date] | None) -> HistoryCell:
    latest = r.latest
    period = r.metric.period.read(latest.period) if latest else None
    members = r.coverage
    note = _why_no_status(r, day, first) if r.status is Status.INSUFFICIENT_DATA else Label(())
    return HistoryCell(
        day,
        r.status,
        r.reason,
        note,
        latest.period if latest else None,
        latest.value if latest else None,
        published_on(period.end, lag) if period else None,
        members[0] / members[1] if members and members[1] else None,
        members,
        r.next_expected if latest else None,
        bool(latest and r.stale),
        _stale_note(latest.period, r.next_expected) if latest and r.stale and r.next_expected else Label(()),
    )


def _stale_note(period: str, due: dt.date) -> Label:
    """That a newer period was due by ``due`` and is not in the data, as the report's data-age notes say it."""
    return Label(
        {
            lang: _STALE.get(lang).format(period=_period_words(period, lang), day=format_date(due, lang))
            for lang in ("nb", "en")
        }
    )


def _why_no_status(r: TargetResult, day: dt.date, first: tuple[str, dt.date] | None) -> Label:
    """The reason in a sentence or two: the reason code's, why data are missing, and, when
    data exist but none were published yet, the day the first figures counted."""
    texts = {}
    for lang in ("nb", "en"):
        parts = [_reason_sentence(r, lang)]
        if first is not None and first[1] > day:
            period = _period_words(first[0], lang)
            parts.append(_FIRST_PUBLISHED.get(lang).format(period=period, day=format_date(first[1], lang)))
        if r.missing:
            parts.append(_MISSING.get(lang).format(why=missing_text(r, lang)))
        texts[lang] = " ".join(p for p in parts if p)
    return Label(texts)


def _period_words(label: str, lang: str) -> str:
    """A quarter as the reader's statistics office writes it: SSB writes 2017K4."""
    if lang == "nb" and len(label) == 6 and label[:4].isdigit() and label[4] == "Q":
        return f"{label[:4]}K{label[5]}"
    return label


def _reason_sentence(r: TargetResult, lang: str) -> str:
    label = REASONS.get(r.reason)
    if label is None:
        return ""
    text = label.get(lang)
    try:
        return text.format(**r.facts)
    except (KeyError, IndexError, ValueError):
        return r.explain(lang)  # a sentence that needs more than the facts
