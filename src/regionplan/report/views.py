"""Parts of the report model that say what a status rests on.

A rolled-up status with its coverage and mix (:class:`GoalBasis`), the age of a target's
latest figures (:class:`DataAgeView`), where its data came from (:class:`OriginView`), and
how its verdict changes with the base period (:class:`SensitivityView`). Like the rest of
:mod:`regionplan.report.model` they hold plain values in the report's language; the
model module re-exports them.
"""

from __future__ import annotations

import datetime as dt

import attrs

from regionplan.evaluation.status import Status

__all__ = [
    "BaseRow",
    "DataAgeView",
    "FailureView",
    "GoalBasis",
    "LatestFigure",
    "MixEntry",
    "OriginView",
    "SensitivityView",
    "SourceUse",
    "StatusView",
]


@attrs.frozen
class StatusView:
    """A status as shown: its code (``"on_track"``), label in the report's language, symbol."""

    value: str
    label: str
    symbol: str

    @classmethod
    def of(cls, status: Status, lang: str) -> StatusView:
        return cls(status.value, status.label.get(lang), status.symbol)


@attrs.frozen
class MixEntry:
    """How many measured children of a goal have one status, and their share of its weight."""

    status: StatusView
    count: int
    share: float


@attrs.frozen
class GoalBasis:
    """What a goal's rolled-up status rests on.

    Attributes:
        coverage: the share of the children's weight that has a status (0 to 1).
        coverage_text: "10 % målt" / "10 % measured".
        mix: the measured children per status (achieved, on track, off track), with their
            share of the children's weight (the shares sum to ``coverage``).
        mix_text: "1 nådd, 1 ikke i rute" / "1 achieved, 1 off track" (empty when none is measured).
        caveats: keys of :data:`regionplan.evaluation.rollup.CAVEATS` (``unmeasured``,
            ``partly_measured``, ``mixed``); a status with caveats is not shown as a bare verdict.
        caveat_texts: the caveats in words.
        short: the coverage and mix on one line: "10 % målt · 1 nådd, 1 ikke i rute".
        text: the whole sentence, with the caveats: "Ikke i rute — 10 % målt; … Merk: …".
    """

    coverage: float
    coverage_text: str
    mix: tuple[MixEntry, ...]
    mix_text: str
    caveats: tuple[str, ...]
    caveat_texts: tuple[str, ...]
    short: str
    text: str


@attrs.frozen
class DataAgeView:
    """How old a target's latest figures are at the evaluation date.

    Attributes:
        period: the latest period's label (``2022Q4``); ``period_text`` as the reader's
            statistics office writes it (``2022K4`` in nb).
        latest_end: the last day the period covers.
        age_months: whole months from the period's end to the evaluation date;
            ``age_text`` in words ("46 mnd.").
        next_expected: the day newer figures count as published; ``next_expected_text``
            in words ("1. januar 2025").
        stale: the evaluation date is on or after ``next_expected`` and newer figures are
            not in the data; ``stale_text`` says so ("" when not stale).
        text: the sentence: "Siste tall er fra 2022K4, 46 måneder gamle; …".
    """

    period: str
    period_text: str
    latest_end: dt.date
    age_months: int
    age_text: str
    next_expected: dt.date
    next_expected_text: str
    stale: bool
    stale_text: str
    text: str


@attrs.frozen
class SourceUse:
    """A source that delivered a metric's data: its name, table and file, and the words for it."""

    metric: str
    source: str
    table: str
    location: str
    text: str


@attrs.frozen
class FailureView:
    """A source that failed (or a problem overcome), with its kind code and the reader's words."""

    metric: str
    source: str
    table: str
    kind: str
    text: str


@attrs.frozen
class OriginView:
    """Where a target's data came from.

    Attributes:
        delivered: the sources whose values are used (one per observed metric).
        failed: the sources that failed before one delivered, or instead of one.
        recovered: damaged stored copies that were fetched again.
        fell_back: a later source delivered after an earlier one failed.
        text: all of it on one line, in the reader's language: "lokal fil data/jobs.csv
            (tabell 11618); SSBs API for tabell 11618 svarte ikke (frakoblet)".
    """

    delivered: tuple[SourceUse, ...]
    failed: tuple[FailureView, ...]
    recovered: tuple[FailureView, ...]
    fell_back: bool
    text: str


@attrs.frozen
class BaseRow:
    """The verdict from one base period.

    Attributes:
        period, period_text: the base period's label, and as the reader writes it.
        value, value_text: the number the verdict rests on (``None`` when it cannot be
            computed) and as text with its sign and unit ("−4,4 pp").
        status: the verdict from this base period.
        stated: this is the target's own baseline.
        note: "valgt utgangspunkt" / "stated baseline", with "bunnpunkt" / "low point"
            (or the high point) when the stated baseline is an extreme of its neighbourhood.
    """

    period: str
    period_text: str
    value: float | None
    value_text: str
    status: StatusView
    stated: bool
    note: str


@attrs.frozen
class SensitivityView:
    """Whether a target's verdict holds from earlier base periods.

    Attributes:
        window: the years looked back from the stated baseline.
        holds: every earlier base period gives the stated baseline's status.
        verdict_text: "Vurderingen holder" / "Vurderingen avhenger av utgangspunktet"...
        quantity, quantity_text: what the values are (``gap``, ``growth``, ``change``,
            ``annual_growth``, ``annual_change``, ``above_base``) and its words.
        unit: the unit of the values (``pp``, ``%`` or the metric's), as the reader writes it.
        extreme: ``"min"`` or ``"max"`` when the stated baseline is the low or high point
            of its metric in ``neighbourhood`` (first and last period, as the reader writes
            them), else ``None``; ``extreme_text`` says it in words ("" when none).
        rows: the base periods in time order, the stated one marked.
        short: the verdict and the values on one line: "Vurderingen holder: 2017K4 −7,5 pp ·
            2018K4 −7,3 pp · 2019K4 −4,4 pp (valgt utgangspunkt)".
        text: the sentence: "Vurderingen avhenger av utgangspunktet: fra 2020K4, …".
    """

    window: int
    holds: bool
    verdict_text: str
    quantity: str
    quantity_text: str
    unit: str
    extreme: str | None
    extreme_text: str
    neighbourhood: tuple[str, str] | None
    rows: tuple[BaseRow, ...]
    short: str
    text: str


@attrs.frozen
class LatestFigure:
    """The newest period of one metric that a target is judged on.

    Attributes:
        metric, title: the metric's id and its short name in running text ("arbeidsplasser").
        age: the period's age at the evaluation date.
        targets: the targets that rest on it.
    """

    metric: str
    title: str
    age: DataAgeView
    targets: tuple[str, ...]
