"""Where a metric's data came from: the source that delivered, those that failed, and why.

The sources that fail here are test plugins; the one that delivers is the csv source on the
example's copy of SSB table 11618 (jobs in the 4th quarter), so every value is a real figure.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, ClassVar

import pytest

import regionplan
from regionplan import hookimpl
from regionplan.data.attempts import FAILURE_WORDS, DataOrigin, FailureKind, SourceFailure, merge_origins
from regionplan.data.dataset import build_dataset, fetch_data, fetch_observations
from regionplan.data.fetching import fetch_sources
from regionplan.data.series import Observations, Provenance
from regionplan.data.sources import (
    DataSource,
    SourceContext,
    SourceFailed,
    SourceRequest,
    failure_kind,
)
from regionplan.data.sources.tabular import CsvSource
from regionplan.errors import DataSourceError
from regionplan.plugins import Extensions
from regionplan.testing import MINIMAL_PLAN, core_extensions, write_plan

JOBS = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen" / "data"
JOBS_CSV = JOBS / "employment_11618_2017_2022.csv"


def _raw_jobs() -> dict[str, float]:
    """Ullensaker's jobs by year, read here from the raw rows of the copied file."""
    with JOBS_CSV.open(encoding="utf-8") as f:
        return {
            f"{r['year']}Q4": float(r["employed_by_workplace_jobs"])
            for r in csv.DictReader(f)
            if r["code_2024"] == "3209"
        }


class Offline(DataSource):
    """A service that is not asked: the run is offline and nothing is stored."""

    name: ClassVar[str] = "offline_service"

    def fetch(self, request: SourceRequest) -> Observations:
        raise SourceFailed("offline, and no cached response", FailureKind.OFFLINE)


class Refusing(DataSource):
    """A service that refuses every query with HTTP 400, without saying more than a plain error."""

    name: ClassVar[str] = "refusing_service"

    def fetch(self, request: SourceRequest) -> Observations:
        raise SourceFailed("Non-existent value (HTTP 400)", FailureKind.REFUSED, status=400)


class Plain(DataSource):
    """A source that gives no kind: the default kind is ``failed``."""

    name: ClassVar[str] = "plain_source"

    def fetch(self, request: SourceRequest) -> Observations:
        raise DataSourceError("something went wrong")


class Empty(DataSource):
    """A source that answers with no values at all."""

    name: ClassVar[str] = "empty_source"

    def fetch(self, request: SourceRequest) -> Observations:
        return Observations([], [], [], None, Provenance(source=self.name))


class Repaired(CsvSource):
    """The csv source that says it fetched a damaged stored copy again (as the ssb source does)."""

    name: ClassVar[str] = "repaired_csv"

    def recovered(self, request: SourceRequest) -> tuple[SourceFailure, ...]:
        return (SourceFailure(FailureKind.CORRUPT_CACHE, "the cache file was damaged; fetched again"),)


class Sources:
    @hookimpl
    def regionplan_register_sources(self, register: Any) -> None:
        for cls in (Offline, Refusing, Plain, Empty, Repaired):
            register(cls.name, cls)


def _ext() -> Extensions:
    return core_extensions(Sources())


def _csv(path: Path | str = JOBS_CSV) -> str:
    return (
        f'{{name: csv, path: "{path}", columns: {{area: code_at_time, period: year, '
        'value: employed_by_workplace_jobs}, filter: {age: "15-74"}, unit: job, table: "11618"}'
    )


def _plan(tmp_path: Path, *sources: str, extra: str = "") -> Any:
    text = (
        MINIMAL_PLAN
        + "metrics:\n  - id: jobs\n    title: Arbeidsplasser\n    unit: job\n    direction: increase\n"
        + "    period: Q4\n    source:\n"
        + "".join(f"      - {s}\n" for s in sources)
        + extra
    )
    folder = write_plan(tmp_path / "plan", text)
    return regionplan.load_plan(folder, extensions=_ext(), allow_paths=[JOBS])  # the data lie outside


def _fetch(plan: Any) -> Any:
    return fetch_data(plan, context=SourceContext(base_dir=plan.base_dir, offline=True), extensions=_ext())


def _jobs(data: Any) -> dict[str, float]:
    series = data["jobs"].regions
    return {p.label: float(series.values[0, j]) for j, p in enumerate(series.periods)}


def test_a_later_source_delivers_after_an_earlier_one_failed_and_both_are_kept(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "{name: offline_service, table: '11618'}", _csv())
    data = _fetch(plan)
    assert _jobs(data) == _raw_jobs()  # the copy delivered, 2017Q4-2022Q4
    origin = data["jobs"].origin
    (delivered,) = origin.delivered
    assert (delivered.source, delivered.table, delivered.location) == ("csv", "11618", str(JOBS_CSV))
    assert delivered.provenance is not None and delivered.provenance.table == "11618"
    (failed,) = origin.failed
    assert failed.kind is FailureKind.OFFLINE and failed.attempt is not None
    assert (failed.attempt.source, failed.attempt.table, failed.metric) == (
        "offline_service",
        "11618",
        "jobs",
    )
    assert origin.fell_back and origin.recovered == ()
    # the metric has data: no reasons, and the English note of the fallback is still there
    assert data["jobs"].reasons == () and data["jobs"].failures == ()
    assert data["jobs"].notes == (
        "used a later source after: offline_service: offline, and no cached response",
    )


def test_when_every_source_fails_each_failure_keeps_its_kind_and_its_sentence(tmp_path: Path) -> None:
    missing = tmp_path / "plan" / "nowhere.csv"
    plan = _plan(
        tmp_path,
        "{name: offline_service}",
        "{name: refusing_service}",
        "{name: plain_source}",
        "{name: empty_source}",
        _csv(missing),
    )
    data = _fetch(plan)["jobs"]
    kinds = [f.kind for f in data.failures]
    assert kinds == [
        FailureKind.OFFLINE,
        FailureKind.REFUSED,
        FailureKind.FAILED,
        FailureKind.NO_ROWS,
        FailureKind.FILE_MISSING,  # the plan's folder has no such file
    ]
    assert data.failures[1].status == 400
    # the sentences are what they were before the failures had kinds
    assert data.reasons == tuple(str(f) for f in data.failures)
    assert data.reasons[0] == "offline_service: offline, and no cached response"
    assert data.reasons[3] == "empty_source: the source returned no values"
    assert data.reasons[4].startswith("csv: ") and "no such file" in data.reasons[4]
    assert data.origin.delivered == () and data.origin.failed == data.failures


def test_fetch_observations_still_gives_the_failures_as_sentences(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "{name: offline_service}", _csv())
    observations, reasons = fetch_observations(
        plan, context=SourceContext(base_dir=plan.base_dir, offline=True), extensions=_ext()
    )
    assert len(observations["jobs"][0]) > 0
    assert reasons == {"jobs": ["offline_service: offline, and no cached response"]}


def test_a_source_the_run_does_not_have_is_an_unknown_source(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "{name: offline_service}", _csv())
    fetched = fetch_sources(
        plan, context=SourceContext(base_dir=plan.base_dir, offline=True), extensions=core_extensions()
    )
    (failed,) = fetched.origins["jobs"].failed
    assert failed.kind is FailureKind.UNKNOWN_SOURCE
    assert fetched.origins["jobs"].delivered[0].source == "csv"


def test_a_damaged_stored_copy_fetched_again_is_kept_with_the_delivery(tmp_path: Path) -> None:
    plan = _plan(tmp_path, _csv().replace("name: csv", "name: repaired_csv"))
    origin = _fetch(plan)["jobs"].origin
    assert origin.failed == () and not origin.fell_back
    (repaired,) = origin.recovered
    assert repaired.kind is FailureKind.CORRUPT_CACHE and repaired.recovered
    assert repaired.attempt is not None and repaired.attempt.source == "repaired_csv"
    assert repaired.metric == "jobs"


def test_values_that_do_not_fit_the_unit_are_a_unit_mismatch(tmp_path: Path) -> None:
    plan = _plan(tmp_path, _csv().replace("unit: job", "unit: kr"))
    data = _fetch(plan)["jobs"]
    (failure,) = data.failures
    assert failure.kind is FailureKind.UNIT_MISMATCH
    assert data.reasons[0].startswith("the source's values do not fit 'job'")
    assert data.origin.delivered[0].source == "csv"  # it delivered, but its values cannot be used


def test_a_derived_metric_keeps_its_inputs_origins_and_their_failures_as_causes(tmp_path: Path) -> None:
    extra = (
        "  - {id: residents, title: Bosatte, unit: person, direction: increase, period: Q4,\n"
        "     source: {name: offline_service, table: '11618'}}\n"
        "  - {id: jobs_per_resident, title: Arbeidsplasser per bosatt, unit: job / person,\n"
        "     direction: increase, derived: jobs / residents}\n"
    )
    plan = _plan(tmp_path, "{name: refusing_service, table: '11618'}", _csv(), extra=extra)
    data = _fetch(plan)
    derived = data["jobs_per_resident"]
    (failure,) = derived.failures
    assert failure.kind is FailureKind.INPUT_MISSING and failure.metric == "residents"
    assert [c.kind for c in failure.root_causes()] == [FailureKind.OFFLINE]
    assert derived.reasons == ("'residents' has no data (offline_service: offline, and no cached response)",)
    # its origin: the input that delivered (after a refusal) and the one that failed
    assert [a.metric for a in derived.origin.delivered] == ["jobs"]
    assert [(f.metric, f.kind) for f in derived.origin.failed] == [
        ("jobs", FailureKind.REFUSED),
        ("residents", FailureKind.OFFLINE),
    ]


def test_reasons_given_as_sentences_become_failures_of_kind_failed(tmp_path: Path) -> None:
    plan = _plan(tmp_path, _csv())
    data = build_dataset(plan, {}, reasons={"jobs": ["copied by hand, not checked"]})
    (failure,) = data["jobs"].failures
    assert failure.kind is FailureKind.FAILED and failure.metric == "jobs"
    assert data["jobs"].reasons == ("copied by hand, not checked",)
    assert data["jobs"].origin == DataOrigin()


def test_failure_kind_and_wrap_keep_the_kind_through_new_messages() -> None:
    exc = SourceFailed("SSB answered HTTP 404", FailureKind.NOT_FOUND, status=404)
    wrapped = SourceFailed.wrap(exc, "SSB table 99999: SSB answered HTTP 404")
    assert (wrapped.kind, wrapped.status, str(wrapped)) == (
        FailureKind.NOT_FOUND,
        404,
        "SSB table 99999: SSB answered HTTP 404",
    )
    assert failure_kind(DataSourceError("no kind")) is FailureKind.FAILED
    assert SourceFailed.wrap(ValueError("x"), "y").kind is FailureKind.FAILED


def test_merged_origins_keep_order_and_say_each_thing_once() -> None:
    a = SourceFailure(FailureKind.OFFLINE, "offline", "jobs")
    b = SourceFailure(FailureKind.NOT_FOUND, "404", "population", status=404)
    merged = merge_origins([DataOrigin(failed=(a,)), DataOrigin(failed=(b, a))])
    assert merged.failed == (a, b)


@pytest.mark.parametrize("kind", list(FailureKind))
def test_every_kind_has_words_in_both_languages(kind: FailureKind) -> None:
    for lang in ("nb", "en"):
        text = FAILURE_WORDS[kind].get(lang, fallback=False)
        assert text, (kind, lang)
        assert text.format(source="S", status="500", location="data/x.csv")


def test_the_example_offline_falls_back_to_its_copies_and_says_so(tmp_path: Path) -> None:
    example = JOBS.parent
    plan = regionplan.load_plan(example)
    data = fetch_data(plan, context=SourceContext(base_dir=example, offline=True, cache_dir=tmp_path))
    for metric, table in (("jobs", "11618"), ("population", "07459")):
        origin = data[metric].origin
        assert [f.kind for f in origin.failed] == [FailureKind.OFFLINE], metric
        assert origin.failed[0].attempt is not None and origin.failed[0].attempt.table == table
        assert origin.delivered[0].source == "csv" and origin.delivered[0].location.startswith("data/")
