"""The ssb source under faults: a cache it cannot write or read, answers that are partial, hung,
huge or malformed, several processes sharing one cache, and limits set from outside.

Every test runs against the local HTTP server of ``conftest.py``. The 07459 table there is
SYNTHETIC (made-up values); 03024 is SSB's real captured answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import regionplan_ssb
import regionplan_ssb.ratelimit
from regionplan_ssb import SsbSource
from regionplan_ssb.cache import ResponseCache
from regionplan_ssb.responses import SsbCacheWarning

import regionplan
from regionplan.data.attempts import FailureKind
from regionplan.data.fetching import fetch_sources
from regionplan.data.sources import SourceContext, SourceFailed, SourceRequest
from regionplan.errors import DataSourceError
from regionplan.testing import core_extensions, write_plan

Make = Callable[..., SsbSource]
FakeSsb = Any  # conftest.FakeSsb
FakeTime = Any  # conftest.FakeTime

SALMON = [
    SourceRequest(
        metric=f"{c}-{g}",
        query={"table": "03024", "contents": c, "select": {"VareGrupper2": g}, "area": "0"},
    )
    for c in ("Vekt", "Kilopris")
    for g in ("01", "02")
]
PEOPLE = SourceRequest("people", {"table": "07459", "contents": "Personer1"}, areas=("3209", "0301"))


def _weight(source: SsbSource) -> float:
    """Fresh salmon exported in week 1 of 2025: 11,364 tonnes in SSB's published table."""
    obs = source.fetch(SALMON[0])
    (hit,) = np.flatnonzero(obs.periods == "2025U01")
    return float(obs.values[hit])


def _data_files(tmp_path: Path) -> list[Path]:
    root = tmp_path / "cache" / "ssb"
    return [p for p in root.glob("*/*.json") if b"/data?" in p.read_bytes()[:500]]


# -- the cache folder ---------------------------------------------------------------------


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], None]]:
    """Make a folder read-only: by its mode, or (for root, whom modes do not stop) immutable."""
    made: list[Path] = []

    def make(folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o555)
        made.append(folder)
        probe = folder / ".probe"
        try:
            probe.touch()
        except OSError:
            return
        probe.unlink()
        try:
            done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
        except FileNotFoundError:
            pytest.skip("cannot make a folder read-only here (root, and no chattr)")
        if done.returncode:
            pytest.skip(f"cannot make a folder read-only here: {done.stderr.decode().strip()}")

    yield make
    for folder in made:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True, check=False)
        folder.chmod(0o755)


def test_a_read_only_cache_costs_a_warning_not_the_data(
    make_source: Make, ssb: FakeSsb, tmp_path: Path, read_only: Callable[[Path], None]
) -> None:
    read_only(tmp_path / "cache" / "ssb")
    source = make_source()
    with pytest.warns(SsbCacheWarning) as warned:
        source.prepare(SALMON)
    said = sorted(str(w.message) for w in warned if w.category is SsbCacheWarning)
    assert len(said) == 2, said
    assert said[0].startswith(f"SSB's answers are used but not cached: cannot write in {tmp_path}/cache/ssb")
    assert said[1].startswith("the SSB rate limit holds for this run only: ")
    assert _weight(source) == 11364
    assert ssb.count("/data") == 1
    assert _data_files(tmp_path) == []


def test_a_cache_folder_that_is_a_file_costs_a_warning_not_the_data(
    make_source: Make, tmp_path: Path
) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "ssb").write_text("not a folder")
    source = make_source()
    with pytest.warns(SsbCacheWarning) as warned:
        assert _weight(source) == 11364
    assert {str(w.message).split(":")[0] for w in warned if w.category is SsbCacheWarning} == {
        "SSB's answers are used but not cached",
        "the SSB rate limit holds for this run only",
    }
    assert source.recovered(SALMON[0]) == ()  # nothing was damaged: there was no cache


def test_fetch_with_a_read_only_cache_succeeds_and_says_so(
    ssb: FakeSsb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_only: Callable[[Path], None]
) -> None:
    from click.testing import CliRunner

    from regionplan.cli import cli

    folder = write_plan(tmp_path / "plan", _plan_text(ssb_only=True, table="03024"))
    read_only(tmp_path / "cache" / "ssb")
    monkeypatch.setenv("REGIONPLAN_SSB_URL", ssb.base_url)
    result = CliRunner().invoke(cli, ["fetch", str(folder), "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    assert "salmon: 48 values" in result.output
    assert "warning: SSB's answers are used but not cached" in result.output


def test_a_fifo_in_the_cache_is_refused_not_waited_for(make_source: Make, tmp_path: Path) -> None:
    assert _weight(make_source()) == 11364
    (entry,) = _data_files(tmp_path)
    entry.unlink()
    os.mkfifo(entry)
    outcome: list[Any] = []

    def offline() -> None:
        try:
            make_source(offline=True).fetch(SALMON[0])
        except SourceFailed as exc:
            outcome.append(exc)

    reader = threading.Thread(target=offline, daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # let the blocked reader go before failing
        with open(entry, "wb"):
            pass
        pytest.fail("reading the cache waited on a FIFO")
    (failure,) = outcome
    assert failure.kind is FailureKind.CORRUPT_CACHE and "not a regular file" in str(failure)
    assert str(entry) in str(failure)
    online = make_source()
    assert _weight(online) == 11364  # fetched again, and cached as a regular file
    assert entry.is_file()


def test_temporary_files_of_a_killed_write_are_cleaned_on_the_next_run(
    make_source: Make, tmp_path: Path
) -> None:
    import fcntl

    folder = tmp_path / "cache" / "ssb" / "ab"
    folder.mkdir(parents=True)
    killed = folder / ".tmp-0123456789abcdef.json"
    killed.write_bytes(b'{"format": "regionplan-ssb-cache/1"}\n{"value": [1, 2')  # cut off mid-write
    writing = folder / ".tmp-fedcba9876543210.json"
    writing.write_bytes(b"")
    with open(writing, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process's write under way
        assert _weight(make_source()) == 11364
        assert not killed.exists()
        assert writing.exists()
    assert _weight(make_source(offline=True)) == 11364
    assert not writing.exists()  # its writer is gone now: the next run cleans it


def test_cache_files_are_as_readable_as_the_umask_allows(make_source: Make, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        make_source().fetch(SALMON[0])
    finally:
        os.umask(old)
    (entry,) = _data_files(tmp_path)
    assert entry.stat().st_mode & 0o777 == 0o644
    assert (entry.parent / "ratelimit.json").exists() is False  # the rate limit's file is one level up
    assert (tmp_path / "cache" / "ssb" / "ratelimit.json").stat().st_mode & 0o777 == 0o644


def test_cache_files_written_concurrently_are_whole(tmp_path: Path) -> None:
    import datetime as dt

    cache = ResponseCache(tmp_path)
    url = "https://data.ssb.no/api/pxwebapi/v2/tables/03024/data?lang=no"
    bodies = [json.dumps({"value": [i] * 20_000}).encode() for i in range(8)]
    when = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    threads = [threading.Thread(target=cache.write, args=(url, b, when)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entry = cache.read(url)
    assert entry is not None and entry.body in bodies
    assert list(tmp_path.glob("*/.tmp-*")) == []


# -- partial answers -------------------------------------------------------------------------


def _plan_text(*, ssb_only: bool = False, table: str = "07459") -> str:
    """Ullensaker and Oslo; population from SSB's (synthetic) 07459, then a local copy."""
    if table == "03024":
        metric = """\
  - id: salmon
    title: Eksport av fersk laks
    unit: tonne
    direction: maintain
    source: {name: ssb, table: "03024", contents: Vekt, select: {VareGrupper2: "01"}, area: "0"}
"""
    else:
        copy = (
            ""
            if ssb_only
            else (
                "      - {name: csv, path: population.csv, columns: {area: code, period: year, value: persons}}\n"
            )
        )
        metric = f"""\
  - id: population
    title: Folkemengde
    unit: person
    direction: increase
    period: 1 January
    source:
      - {{name: ssb, table: "07459", contents: Personer1}}
{copy}"""
    return f"""\
regionplan: 1
plan:
  id: test-plan
  title: {{nb: Testplan, en: Test plan}}
  period: {{start: 2021, end: 2030}}
region:
  id: test-region
  name: Testregion
  municipalities:
    - id: ullensaker
      name: Ullensaker
      codes:
        - {{code: "0235", until: 2019-12-31}}
        - {{code: "3033", from: 2020-01-01, until: 2023-12-31}}
        - {{code: "3209", from: 2024-01-01}}
    - id: oslo
      name: Oslo
      codes: [{{code: "0301"}}]
elements:
  - {{id: vision, kind: vision, title: Visjon}}
  - {{id: main-goal, kind: main_goal, title: Hovedmål, contributes_to: [vision]}}
metrics:
{metric}"""


#: A SYNTHETIC local copy: values no SSB answer has, so where each came from shows.
COPY = "code,year,persons\n" + "".join(
    f"{code},{y},{base + y}\n"
    for code, base in (("3209", 1000), ("0301", 7_000_000))
    for y in range(2019, 2025)
)


def _fetch(ssb: FakeSsb, tmp_path: Path, fake_time: FakeTime, *, ssb_only: bool = False) -> Any:
    folder = write_plan(tmp_path / "plan", _plan_text(ssb_only=ssb_only), population_csv=COPY)
    ext = core_extensions(regionplan_ssb)
    plan = regionplan.load_plan(folder, extensions=ext)
    options = {"base_url": ssb.base_url, "clock": fake_time.clock, "sleep": fake_time.sleep}
    context = SourceContext(base_dir=folder, cache_dir=tmp_path / "cache", options={"ssb": options})
    return fetch_sources(plan, context=context, extensions=ext)


def _drop_oslo(ssb: FakeSsb) -> None:
    """SSB's answer to any query of 07459 now lacks Oslo (0301)."""
    doc = ssb.tables["07459"][None]
    asked = [("valueCodes[Region]", "0,0235,3033,3209"), ("valueCodes[Kjonn]", "*")]
    asked += [("valueCodes[ContentsCode]", "*"), ("valueCodes[Tid]", "*")]
    status, partial = ssb.slice(doc, asked)
    assert status == 200
    ssb.tables["07459"] = {None: partial}


def _by_area(batch: Any) -> dict[tuple[str, str], float]:
    return {
        (str(a), str(p)): float(v) for a, p, v in zip(batch.areas, batch.periods, batch.values, strict=True)
    }


def test_a_whole_answer_is_used_alone_as_before(ssb: FakeSsb, tmp_path: Path, fake_time: FakeTime) -> None:
    fetched = _fetch(ssb, tmp_path, fake_time)
    origin = fetched.origins["population"]
    assert [(a.source, a.areas) for a in origin.delivered] == [("ssb", ())]
    assert origin.failed == ()
    (batch,) = fetched.observations["population"]
    region, year = ssb.regions.index("0301"), ssb.years.index("2024")
    assert _by_area(batch)[("0301", "2024")] == sum(ssb.synthetic_value(region, k, year) for k in (0, 1))


def test_an_answer_missing_a_municipality_is_partial_and_completed_by_the_next_source(
    ssb: FakeSsb, tmp_path: Path, fake_time: FakeTime
) -> None:
    _drop_oslo(ssb)
    fetched = _fetch(ssb, tmp_path, fake_time)
    origin = fetched.origins["population"]
    (partial,) = origin.failed
    assert partial.kind is FailureKind.MISSING_AREAS and partial.attempt.source == "ssb"
    assert "no values for 1 of 2 municipalities: Oslo (0301)" in partial.detail
    assert [(a.source, a.areas) for a in origin.delivered] == [("ssb", ("3209",)), ("csv", ("0301",))]
    from_ssb, from_copy = fetched.observations["population"]
    assert "0301" not in set(from_ssb.areas)
    assert set(from_copy.areas) == {"0301"}  # the copy's Ullensaker rows are not used
    assert _by_area(from_copy)[("0301", "2024")] == 7_002_024
    region, year = ssb.regions.index("3209"), ssb.years.index("2024")
    assert _by_area(from_ssb)[("3209", "2024")] == sum(ssb.synthetic_value(region, k, year) for k in (0, 1))


def test_a_partial_answer_with_no_source_to_complete_it_is_reported(
    ssb: FakeSsb, tmp_path: Path, fake_time: FakeTime
) -> None:
    _drop_oslo(ssb)
    fetched = _fetch(ssb, tmp_path, fake_time, ssb_only=True)
    origin = fetched.origins["population"]
    assert [f.kind for f in origin.failed] == [FailureKind.MISSING_AREAS]
    assert [(a.source, a.areas) for a in origin.delivered] == [("ssb", ("3209",))]


def test_cells_ssb_leaves_empty_are_counted_by_symbol(make_source: Make, ssb: FakeSsb) -> None:
    doc = ssb.tables["07459"][None]
    n = len(doc["value"])
    doc["value"][0] = None  # region "0", Kjonn 1, 2019
    doc["value"][1] = None  # region "0", Kjonn 1, 2020
    doc["value"][n - 1] = None  # region "0301", Kjonn 2, 2024
    doc["status"] = {"0": "..", "1": ":"}  # the last one has no symbol
    request = SourceRequest("people", {"table": "07459", "contents": "Personer1", "select": {"Kjonn": "1"}})
    notes = make_source().fetch(request).provenance.notes
    assert "SSB marks 2 cells as empty: 1 '..', 1 ':'" in notes
    women = SourceRequest("women", {"table": "07459", "contents": "Personer1", "select": {"Kjonn": "2"}})
    assert "1 cells empty without a symbol from SSB" in make_source().fetch(women).provenance.notes


def test_codes_asked_but_not_in_the_answer_are_named(make_source: Make, ssb: FakeSsb) -> None:
    asked = [("valueCodes[Region]", "3209"), ("valueCodes[ContentsCode]", "*"), ("valueCodes[Tid]", "2024")]
    status, without_oslo = ssb.slice(ssb.tables["07459"][None], asked)
    assert status == 200
    ssb.fault(where="/data", body=json.dumps(without_oslo).encode())  # asked for Oslo too
    request = SourceRequest(
        "people", {"table": "07459", "contents": "Personer1", "region": ["3209", "0301"], "period": ["2024"]}
    )
    obs = make_source().fetch(request)
    assert set(obs.areas) == {"3209"}
    assert "not in SSB's answer though asked: Region 0301" in obs.provenance.notes


# -- time, retries and size -----------------------------------------------------------------


def test_a_hung_server_costs_at_most_the_budget(make_source: Make, ssb: FakeSsb) -> None:
    ssb.fault(where="/data", delay=3.0, times=-1)
    source = make_source(timeout=0.4, max_retries=4, backoff=0.1, budget=1.0)
    start = time.monotonic()
    source.prepare([*SALMON, PEOPLE])  # two tables
    for request in (SALMON[0], PEOPLE):
        with pytest.raises(SourceFailed, match=r"the 1 s allowed for SSB's requests in this run"):
            source.fetch(request)
    assert time.monotonic() - start < 1.8  # without the budget: 2 tables x 5 attempts x 0.4 s
    assert source.client.spent <= 1.0 + 0.2


def test_limits_come_from_the_environment_unless_given(
    make_source: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGIONPLAN_SSB_TIMEOUT", "2.5")
    monkeypatch.setenv("REGIONPLAN_SSB_RETRIES", "1")
    monkeypatch.setenv("REGIONPLAN_SSB_BUDGET", "30")
    monkeypatch.setenv("REGIONPLAN_SSB_MAX_MB", "5")
    client = make_source(timeout=None, max_retries=None).client
    assert (client.timeout, client.max_retries, client.budget, client.max_bytes) == (2.5, 1, 30.0, 5_000_000)
    given = make_source(timeout=7, max_retries=0, budget=9).client
    assert (given.timeout, given.max_retries, given.budget) == (7.0, 0, 9.0)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("REGIONPLAN_SSB_TIMEOUT", "soon"),
        ("REGIONPLAN_SSB_TIMEOUT", "0"),
        ("REGIONPLAN_SSB_RETRIES", "1.5"),
        ("REGIONPLAN_SSB_BUDGET", "inf"),
        ("REGIONPLAN_SSB_MAX_MB", "-1"),
    ],
)
def test_a_bad_limit_in_the_environment_is_named(
    make_source: Make, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(DataSourceError, match=rf"\${variable} .* must be .*, not '{value}'"):
        make_source(timeout=None, max_retries=None)


def test_timeout_and_retries_on_the_command_line(
    ssb: FakeSsb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from regionplan.cli import cli

    folder = write_plan(tmp_path / "plan", _plan_text(table="03024"))
    monkeypatch.setenv("REGIONPLAN_SSB_URL", ssb.base_url)
    ssb.fault(where="/data", delay=3.0, times=-1)
    args = [
        "fetch",
        str(folder),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--timeout",
        "0.3",
        "--retries",
        "0",
    ]
    start = time.monotonic()
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3, result.output
    assert "salmon: no data" in result.output and "no answer within 0.3 s" in result.output
    assert time.monotonic() - start < 2.5
    assert ssb.count("/data") == 1  # no retry
    bad = CliRunner().invoke(cli, [*args[:4], "--timeout", "0"])
    assert bad.exit_code == 2 and "--timeout" in bad.output


def test_an_error_document_sent_as_data_is_not_retried(
    make_source: Make, ssb: FakeSsb, tmp_path: Path
) -> None:
    body = json.dumps({"type": "Parameter error", "title": "Non-existent value", "status": 400}).encode()
    ssb.fault(where="/data", body=body, times=-1)
    with pytest.raises(
        SourceFailed, match="SSB answered with an error instead of data: Non-existent value"
    ) as info:
        make_source().fetch(SALMON[0])
    assert info.value.kind is FailureKind.REFUSED
    assert ssb.count("/data") == 1
    assert _data_files(tmp_path) == []


def test_malformed_json_is_retried_once(make_source: Make, ssb: FakeSsb, tmp_path: Path) -> None:
    ssb.fault(where="/data", body=b'{"version": "2.0", "class": "dataset", "value": [1, 2,', times=-1)
    with pytest.raises(SourceFailed, match="not JSON twice") as info:
        make_source(max_retries=4).fetch(SALMON[0])
    assert info.value.kind is FailureKind.INVALID
    assert ssb.count("/data") == 2
    assert _data_files(tmp_path) == []


def test_a_body_over_the_size_limit_is_refused_by_its_length(
    make_source: Make, ssb: FakeSsb, tmp_path: Path
) -> None:
    with pytest.raises(
        SourceFailed, match=r"larger than the 0.001 MB allowed \([\d,]+ bytes announced\)"
    ) as info:
        make_source(max_mb=0.001).fetch(SALMON[0])  # the real answer is about 5 kB
    assert info.value.kind is FailureKind.INVALID
    assert ssb.count("/data") == 1  # not retried
    assert _data_files(tmp_path) == []


def test_a_body_with_no_length_stops_at_the_size_limit(
    make_source: Make, ssb: FakeSsb, tmp_path: Path
) -> None:
    ssb.fault(where="/data", endless=100_000_000)  # 100 MB, never announced
    start = time.monotonic()
    with pytest.raises(SourceFailed, match=r"larger than the 1 MB allowed"):
        make_source(max_mb=1, timeout=10).fetch(SALMON[0])
    assert time.monotonic() - start < 3
    assert ssb.count("/data") == 1
    assert ssb.sent_bytes < 20_000_000  # the client hung up long before the end
    assert _data_files(tmp_path) == []


# -- the rate limit, shared ---------------------------------------------------------------------


def test_two_sources_with_one_cache_share_the_rate_limit(
    make_source: Make, ssb: FakeSsb, fake_time: FakeTime
) -> None:
    ssb.headers = {"x-ratelimit-policy": "1;w=10s"}
    first, second = make_source(), make_source()  # two runs, one cache folder
    first.prepare(SALMON)
    second.prepare([PEOPLE])  # its own first request, but the cache folder's second
    assert ssb.count() == 2
    assert fake_time.sleeps == [10.0]


LIMITED = """
import importlib.util, json, sys
from pathlib import Path

# the module alone: the package would import regionplan, numpy and httpx first
spec = importlib.util.spec_from_file_location("ratelimit", sys.argv[2])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
limiter = module.RateLimiter(2, 0.5, path=Path(sys.argv[1]))
print(json.dumps([limiter.acquire() for _ in range(3)]))
"""


def test_two_processes_with_one_cache_share_the_rate_limit(tmp_path: Path) -> None:
    lock = tmp_path / "ratelimit.json"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", LIMITED, str(lock), regionplan_ssb.ratelimit.__file__],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    times = sorted(t for p in procs for t in json.loads(p.communicate(timeout=20)[0]))
    assert len(times) == 6
    # never more than 2 requests in any half second, across both processes
    assert all(times[i + 2] - times[i] >= 0.5 - 1e-3 for i in range(len(times) - 2)), times


# -- planning and decoding at scale -----------------------------------------------------------------


def test_wildcards_are_counted_from_cached_metadata(make_source: Make, ssb: FakeSsb) -> None:
    ssb.max_cells = 50
    make_source(max_cells=50).prepare(SALMON)  # refused, then split: the metadata is cached
    ssb.log.clear()
    weight_only = [r for r in SALMON if r.query["contents"] == "Vekt"]  # 2 groups x all 48 weeks: 96 cells
    source = make_source(max_cells=50)
    source.prepare(weight_only)
    assert all("Tid]=*" not in line for line in ssb.log), ssb.log  # `*` is 48 weeks, not one cell
    assert ssb.count("/data") == 2 and ssb.count("/metadata") == 0
    assert _weight(source) == 11364


def test_a_period_up_to_a_year_on_a_weekly_table(make_source: Make, ssb: FakeSsb) -> None:
    request = SourceRequest(
        "w",
        {
            "table": "03024",
            "contents": "Vekt",
            "select": {"VareGrupper2": "01"},
            "area": "0",
            "period": {"to": 2025},
        },
    )
    obs = make_source().fetch(request)  # "to(2025)" is refused (no such code), then read with metadata
    assert len(obs) == 48 and set(obs.periods) == {f"2025U{w:02d}" for w in range(1, 49)}


def test_an_answer_with_twenty_thousand_regions_decodes_in_linear_time(
    make_source: Make, ssb: FakeSsb
) -> None:
    n = 20_000
    codes = [f"{i:05d}" for i in range(n)]
    ssb.tables["99001"] = {
        None: {
            "version": "2.0",
            "class": "dataset",
            "label": "SYNTHETIC: many regions",
            "id": ["Region", "ContentsCode", "Tid"],
            "size": [n, 1, 2],
            "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
            "dimension": {
                "Region": {"category": {"index": {c: i for i, c in enumerate(codes)}}},
                "ContentsCode": {
                    "category": {"index": {"Personer1": 0}, "unit": {"Personer1": {"base": "personer"}}}
                },
                "Tid": {"category": {"index": {"2023": 0, "2024": 1}}},
            },
            "value": list(range(2 * n)),
        }
    }
    source = make_source()
    request = SourceRequest("many", {"table": "99001", "contents": "Personer1"}, areas=tuple(codes[::2]))
    source.prepare([request])
    source.fetch(request)  # the first also builds the unit registry
    start = time.perf_counter()
    obs = source.fetch(request)
    elapsed = time.perf_counter() - start
    assert len(obs) == n
    assert (
        float(obs.values[np.flatnonzero((obs.areas == "19998") & (obs.periods == "2024"))[0]])
        == 2 * 19998 + 1
    )
    assert elapsed < 1.0, elapsed  # quadratic in the regions, it took seconds; linear, about 0.1 s


def test_fetch_names_a_partial_answer_and_a_bad_limit(
    ssb: FakeSsb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from regionplan.cli import cli

    _drop_oslo(ssb)
    folder = write_plan(tmp_path / "plan", _plan_text(), population_csv=COPY)
    monkeypatch.setenv("REGIONPLAN_SSB_URL", ssb.base_url)
    args = ["fetch", str(folder), "--cache-dir", str(tmp_path / "cache")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "(after: ssb: no values for 1 of 2 municipalities: Oslo (0301))" in result.output
    monkeypatch.setenv("REGIONPLAN_SSB_BUDGET", "two minutes")
    bad = CliRunner().invoke(cli, args)
    assert bad.exit_code == 0, bad.output  # the local copy still gives every municipality
    assert (
        "$REGIONPLAN_SSB_BUDGET (seconds for all of a run's requests) must be a number above 0" in bad.output
    )


def test_the_explanation_says_which_source_gave_which_municipality(
    ssb: FakeSsb, tmp_path: Path, fake_time: FakeTime
) -> None:
    from regionplan.evaluation.explain_data import explain_origin

    _drop_oslo(ssb)
    target = "targets:\n  - {id: t1, element: main-goal, metric: population, kind: level, value: 1, deadline: 2030}\n"
    folder = write_plan(tmp_path / "plan", _plan_text() + target, population_csv=COPY)
    ext = core_extensions(regionplan_ssb)
    plan = regionplan.load_plan(folder, extensions=ext)
    options = {"base_url": ssb.base_url, "clock": fake_time.clock, "sleep": fake_time.sleep}
    context = SourceContext(base_dir=folder, cache_dir=tmp_path / "cache", options={"ssb": options})
    result = regionplan.evaluate(plan, as_of="2025-06-30", context=context, extensions=ext)
    said = " ".join(explain_origin(result.target("t1"), "en"))
    assert "has no figures for (some of) the region's municipalities" in said
    assert "used SSB's API for table 07459 for 3209" in said
    assert "used local file population.csv for 0301" in said
    assert "brukte lokal fil population.csv for 0301" in " ".join(explain_origin(result.target("t1"), "nb"))
