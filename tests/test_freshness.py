"""How old a target's latest figures are, whether newer ones are due, and where they came from.

The example is evaluated offline on its copies of SSB's figures: jobs (table 11618, 4th
quarter, published 12 months after the quarter) end in 2022Q4.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import regionplan
from regionplan.data.attempts import FailureKind, SourceAttempt, SourceFailure
from regionplan.data.sources import SourceContext
from regionplan.evaluation.evaluator import Evaluation
from regionplan.evaluation.explain_data import describe_failure, describe_source, format_date
from regionplan.evaluation.freshness import add_months, data_age, months_between, publication_cycle_months
from regionplan.plan.periods import Period, PeriodKind, PeriodSpec

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen"
JOBS_TARGET = "t-jobs-recover-pandemic-losses"
BALANCE_TARGET = "t-main-jobs-keep-pace-with-population"


@pytest.fixture(scope="module")
def plan() -> regionplan.Plan:
    return regionplan.load_plan(EXAMPLE)


def _evaluate(plan: regionplan.Plan, as_of: str, cache: Path) -> Evaluation:
    context = SourceContext(base_dir=EXAMPLE, cache_dir=cache, offline=True)
    return regionplan.evaluate(plan, as_of=as_of, context=context)


@pytest.fixture(scope="module")
def late(plan: regionplan.Plan, tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    return _evaluate(plan, "2026-11-30", tmp_path_factory.mktemp("cache"))


def test_jobs_from_2022q4_are_stale_on_30_november_2026(late: Evaluation) -> None:
    result = late.target(JOBS_TARGET)
    assert result.latest is not None and result.latest.period == "2022Q4"
    assert result.latest_end == dt.date(2022, 12, 31)
    # 2022Q4 ends on 1 January 2023; 30 November 2026 is 46 whole months later
    assert result.data_age_months == 46
    # the next quarter 4 (2023Q4) ends a year later and counts as published 12 months after that
    assert result.next_expected == dt.date(2025, 1, 1)
    assert result.stale
    assert (
        "Siste tall er fra 2022K4, 46 måneder gamle; nyere tall burde vært publisert innen 1. januar 2025."
        in (result.explain("nb"))
    )
    assert (
        "The latest figures are from 2022Q4, 46 months old; newer figures should have been published by "
        "1 January 2025." in result.explain("en")
    )


def test_a_comparison_is_as_old_as_its_slower_metric(late: Evaluation) -> None:
    result = late.target(BALANCE_TARGET)  # jobs (lag 12) against the population (lag 3)
    assert result.latest is not None and result.latest.period == "2022Q4"
    assert result.next_expected == dt.date(2025, 1, 1) and result.stale


@pytest.mark.parametrize(
    ("as_of", "stale"),
    [("2024-06-30", False), ("2024-12-31", False), ("2025-01-01", True)],
)
def test_the_same_figures_are_fresh_until_the_next_are_due(
    plan: regionplan.Plan, tmp_path: Path, as_of: str, stale: bool
) -> None:
    result = _evaluate(plan, as_of, tmp_path).target(JOBS_TARGET)
    # 2022Q4 counts from 1 January 2024 on, so it is the latest on each of these days
    assert result.latest is not None and result.latest.period == "2022Q4"
    assert result.next_expected == dt.date(2025, 1, 1)
    assert result.stale is stale
    day = dt.date.fromisoformat(as_of)
    assert result.data_age_months == months_between(dt.date(2023, 1, 1), day)
    if not stale:
        assert "de neste ventes innen 1. januar 2025" in result.explain("nb")
        assert "the next are due by 1 January 2025" in result.explain("en")


def test_a_target_without_data_has_no_age(late: Evaluation) -> None:
    result = late.target("t-new-enterprises-rise")
    assert result.latest is None
    assert (result.latest_end, result.data_age_months, result.next_expected, result.stale) == (
        None,
        None,
        None,
        False,
    )
    assert "Siste tall" not in result.explain("nb")


def test_fallbacks_are_said_in_the_readers_language(late: Evaluation) -> None:
    result = late.target(JOBS_TARGET)
    assert result.origin is not None
    assert [(f.kind, f.attempt and f.attempt.table) for f in result.origin.failed] == [
        (FailureKind.OFFLINE, "11618")
    ]
    nb, en = result.explain("nb"), result.explain("en")
    assert (
        "SSBs API for tabell 11618 svarte ikke (frakoblet); brukte lokal fil data/employment_11618_2017_2022.csv."
        in nb
    )
    assert (
        "SSB's API for table 11618 did not answer (offline); used local file data/employment_11618_2017_2022.csv."
        in en
    )
    assert "offline, and no cached response" not in nb  # never the source's English words
    balance = late.target(BALANCE_TARGET)
    assert balance.origin is not None
    assert sorted(a.table for a in balance.origin.delivered) == ["07459", "11618"]
    assert "SSBs API for tabell 07459 svarte ikke (frakoblet); brukte lokal fil" in balance.explain("nb")


def test_missing_data_is_said_in_the_readers_language(late: Evaluation) -> None:
    result = late.target("t-new-enterprises-rise")
    assert [f.kind for f in result.missing_reasons] == [FailureKind.OFFLINE]
    assert len(result.missing_reasons) == len(result.missing)  # one record per reason
    assert "Manglende data: SSBs API for tabell 08316 svarte ikke (frakoblet)." in result.explain("nb")
    assert "Missing data: SSB's API for table 08316 did not answer (offline)." in result.explain("en")
    derived = late.target("t-main-knowledge-share-every-year")  # two inputs, one table, one clause
    assert "Manglende data: SSBs API for tabell 13470 svarte ikke (frakoblet)." in derived.explain("nb")


def test_words_for_sources_and_failures() -> None:
    ssb = SourceAttempt("jobs", "ssb", "11618", "https://www.ssb.no/statbank/table/11618")
    csv = SourceAttempt("jobs", "csv", "11618", "data/jobs.csv")
    assert describe_source(ssb, "nb") == "SSBs API for tabell 11618"
    assert describe_source(csv, "en") == "local file data/jobs.csv"
    assert describe_source(SourceAttempt("x", "my_plugin"), "nb") == "kilden «my_plugin»"
    error = SourceFailure(FailureKind.SERVER_ERROR, "HTTP 503", "jobs", ssb, status=503)
    assert (
        describe_failure(error, "nb")
        == "SSBs API for tabell 11618 svarte med feil på hvert forsøk (HTTP 503)"
    )
    no_status = SourceFailure(FailureKind.REFUSED, "refused", "jobs", ssb)
    assert describe_failure(no_status, "en") == "SSB's API for table 11618 refused the query"
    missing = SourceFailure(FailureKind.FILE_MISSING, "no such file", "jobs", csv)
    assert describe_failure(missing, "nb") == "filen data/jobs.csv finnes ikke"
    assert format_date(dt.date(2025, 1, 1), "nb") == "1. januar 2025"
    assert format_date(dt.date(2022, 10, 2), "en") == "2 October 2022"


# -- the arithmetic ---------------------------------------------------------------------


def _annual_q4(*years: int) -> list[Period]:
    return [Period.quarter(y, 4) for y in years]


@pytest.mark.parametrize(
    ("periods", "spec", "months"),
    [
        (_annual_q4(2017, 2018, 2019), PeriodSpec("quarter", quarter=4), 12),
        (_annual_q4(2017, 2019, 2020, 2021), PeriodSpec("quarter", quarter=4), 12),  # a gap keeps the rhythm
        ([Period.quarter(2020, q) for q in (1, 2, 3, 4)], PeriodSpec(), 3),
        ([Period.month(2020, m) for m in (1, 2, 3)], PeriodSpec(), 1),
        ([Period.instant(dt.date(y, 1, 1)) for y in (2020, 2021)], PeriodSpec("instant"), 12),
        (_annual_q4(2022), PeriodSpec("quarter", quarter=4), 12),  # one Q4 value: an annual series
        ([Period.quarter(2022, 2)], PeriodSpec(), 3),  # one quarter label: a quarterly series
        ([Period.month(2022, 5)], PeriodSpec(), 1),
        ([Period.year(2022)], PeriodSpec(), 12),
    ],
)
def test_the_publication_cycle_is_the_series_rhythm(
    periods: list[Period], spec: PeriodSpec, months: int
) -> None:
    assert publication_cycle_months(periods, spec) == months


def test_months_and_ages_at_the_edges() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 1, 1), 24) == dt.date(2025, 1, 1)
    assert months_between(dt.date(2023, 1, 1), dt.date(2023, 1, 31)) == 0
    assert months_between(dt.date(2023, 1, 1), dt.date(2023, 2, 1)) == 1
    assert months_between(dt.date(2023, 1, 31), dt.date(2023, 2, 28)) == 1  # a month on, clipped
    assert months_between(dt.date(2023, 3, 1), dt.date(2023, 1, 1)) == -2
    count = Period.instant(dt.date(2020, 10, 1))  # education level is counted on 1 October
    age = data_age(count, dt.date(2022, 7, 2), lag_months=9, cycle_months=12)
    assert age.latest_end == dt.date(2020, 10, 1)
    assert age.next_expected == dt.date(2022, 7, 2) and age.stale  # due that very day
    assert not data_age(count, dt.date(2022, 7, 1), 9, 12).stale
    assert count.kind is PeriodKind.INSTANT
