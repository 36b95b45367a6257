"""Every way the ssb source fails carries a kind, so a report can say it in the reader's language."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from regionplan_ssb import SsbSource
from regionplan_ssb.client import SsbClient

from regionplan.data.sources import FailureKind, SourceFailed, SourceRequest

Make = Callable[..., SsbSource]
FakeSsb = Any  # conftest.FakeSsb

#: Table 03024 (a real captured response): weekly salmon exports for Norway.
SALMON = SourceRequest(
    metric="salmon",
    query={"table": "03024", "contents": "Vekt", "select": {"VareGrupper2": "01"}, "area": "0"},
)


def _failure(source: SsbSource, request: SourceRequest = SALMON) -> SourceFailed:
    with pytest.raises(SourceFailed) as info:
        source.fetch(request)
    return info.value


def _corrupt_the_cached_data(tmp_path: Path) -> None:
    (path,) = [p for p in (tmp_path / "cache" / "ssb").glob("*/*.json") if b"/data?" in p.read_bytes()[:400]]
    data = bytearray(path.read_bytes())
    data[data.index(b"11364")] = ord("9")  # a plausible wrong number: the checksum must catch it
    path.write_bytes(bytes(data))


def test_offline_without_a_cached_answer_is_offline(make_source: Make) -> None:
    assert _failure(make_source(offline=True)).kind is FailureKind.OFFLINE


def test_a_table_ssb_does_not_have_is_not_found(make_source: Make) -> None:
    failure = _failure(make_source(), SourceRequest("x", {"table": "99999", "contents": "Personer1"}))
    assert (failure.kind, failure.status) == (FailureKind.NOT_FOUND, 404)


def test_a_refused_query_is_refused_with_its_status(make_source: Make, ssb: FakeSsb) -> None:
    ssb.fault(where="/data", status=403, body=json.dumps({"title": "Forbidden"}).encode())
    failure = _failure(make_source())
    assert (failure.kind, failure.status) == (FailureKind.REFUSED, 403)


def test_server_errors_at_every_attempt_are_server_errors(make_source: Make, ssb: FakeSsb) -> None:
    ssb.fault(where="/data", status=503, times=-1)
    failure = _failure(make_source(max_retries=1))
    assert (failure.kind, failure.status) == (FailureKind.SERVER_ERROR, 503)


def test_no_answer_in_time_is_unreachable(make_source: Make, ssb: FakeSsb) -> None:
    ssb.fault(where="/data", delay=2.0, times=-1)
    assert _failure(make_source(timeout=0.2, max_retries=0)).kind is FailureKind.UNREACHABLE


def test_an_unresolvable_host_is_unreachable() -> None:
    client = SsbClient(timeout=5, max_retries=0, sleep=lambda _: None)
    try:
        with pytest.raises(SourceFailed) as info:
            client.get("http://ssb.invalid/api/v2/tables/07459/metadata", json.loads)
    finally:
        client.close()
    assert info.value.kind is FailureKind.UNREACHABLE


def test_a_whole_answer_that_is_no_dataset_is_invalid(make_source: Make, ssb: FakeSsb) -> None:
    ssb.fault(where="/data", body=b"[1, 2, 3]")
    assert _failure(make_source()).kind is FailureKind.INVALID


def test_a_query_the_table_does_not_fit_is_a_query_mismatch(make_source: Make) -> None:
    bad = SourceRequest(
        "x", {"table": "03024", "contents": "Vekt", "select": {"VareGrupper2": "07"}, "area": "0"}
    )
    failure = _failure(make_source(), bad)
    assert failure.kind is FailureKind.QUERY_MISMATCH, str(failure)


def test_a_table_without_the_plans_areas_is_missing_areas(make_source: Make) -> None:
    request = SourceRequest("people", {"table": "07459", "contents": "Personer1"}, areas=("9999", "9998"))
    failure = _failure(make_source(), request)
    assert failure.kind is FailureKind.MISSING_AREAS and "9998, 9999" in str(failure)


def test_a_damaged_cache_entry_offline_is_corrupt_cache(make_source: Make, tmp_path: Path) -> None:
    make_source().fetch(SALMON)
    _corrupt_the_cached_data(tmp_path)
    assert _failure(make_source(offline=True)).kind is FailureKind.CORRUPT_CACHE


def test_a_damaged_cache_entry_fetched_again_is_reported_as_recovered(
    make_source: Make, ssb: FakeSsb, tmp_path: Path
) -> None:
    make_source().fetch(SALMON)
    _corrupt_the_cached_data(tmp_path)
    source = make_source()
    assert len(source.fetch(SALMON)) == 48  # fetched again
    (repaired,) = source.recovered(SALMON)
    assert repaired.kind is FailureKind.CORRUPT_CACHE and repaired.recovered
    assert "damaged" in repaired.detail and "fetched again" in repaired.detail
    assert make_source().recovered(SALMON) == ()  # a new run with the repaired cache has nothing to say
