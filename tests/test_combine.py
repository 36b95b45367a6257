"""Sources that combine: several files in one csv source, and a metric's sources merged by period.

Every figure is a real one: the rows of the example's copy of SSB table 07459 (population on
1 January), split here into files as SSB delivers them (history in one, the newest year in another).
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import regionplan
from regionplan.data.attempts import FailureKind
from regionplan.data.dataset import fetch_data
from regionplan.data.sources import SourceContext, SourceRequest
from regionplan.data.sources.tabular import CsvSource
from regionplan.errors import DataSourceError, PlanError
from regionplan.evaluation.explain_data import describe_failure, explain_origin
from regionplan.plan.model import MergeRule
from regionplan.testing import MINIMAL_PLAN, core_extensions, write_plan

POPULATION = (
    Path(__file__).resolve().parent.parent
    / "examples"
    / "gardermoregionen"
    / "data"
    / "population_1jan_2005_2026.csv"
)
ULLENSAKER = {"0235", "3033", "3209"}
COLUMNS = "{area: code_at_time, period: year, value: population}"


def _rows() -> tuple[list[str], list[dict[str, str]]]:
    with POPULATION.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or ()), list(reader)


def _write(path: Path, keep: Any) -> None:
    """The example file's rows that ``keep(row)`` accepts, written to ``path``."""
    header, rows = _rows()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in rows if keep(r))


def _raw(first: int = 2005, last: int = 2024, without: tuple[int, ...] = ()) -> dict[str, float]:
    """Ullensaker's population by year, read here from the raw rows."""
    return {
        r["year"]: float(r["population"])
        for r in _rows()[1]
        if r["code_at_time"] in ULLENSAKER
        and first <= int(r["year"]) <= last
        and int(r["year"]) not in without
    }


def _source(path: str) -> str:
    return f'{{name: csv, path: {path}, columns: {COLUMNS}, unit: person, table: "07459"}}'


def _plan(folder: Path, *sources: str, merge: str = "") -> Any:
    text = (
        MINIMAL_PLAN
        + "metrics:\n  - id: population\n    title: Folkemengde\n    unit: person\n"
        + "    direction: increase\n    period: 1 January\n"
        + (f"    merge: {merge}\n" if merge else "")
        + "    source:\n"
        + "".join(f"      - {s}\n" for s in sources)
    )
    write_plan(folder, text)
    return regionplan.load_plan(folder, extensions=core_extensions())


def _fetch(plan: Any) -> Any:
    ctx = SourceContext(base_dir=plan.base_dir, offline=True)
    return fetch_data(plan, context=ctx, extensions=core_extensions())


def _values(data: Any) -> dict[str, float]:
    series = data["population"].regions
    return {p.label[:4]: float(series.values[0, j]) for j, p in enumerate(series.periods)}


def _split(folder: Path) -> None:
    """History (2005-2023) in one file, the newest year (2024) in another, as SSB delivers them."""
    _write(folder / "data" / "population_2005_2023.csv", lambda r: int(r["year"]) <= 2023)
    _write(folder / "data" / "population_2024.csv", lambda r: r["year"] == "2024")


# -- several files in one source ---------------------------------------------------------------


def test_two_files_in_one_source_combine_into_one_series(tmp_path: Path) -> None:
    _split(tmp_path / "plan")
    plan = _plan(tmp_path / "plan", _source("[data/population_2005_2023.csv, data/population_2024.csv]"))
    data = _fetch(plan)
    assert _values(data) == _raw()
    assert set(_values(data)) == {str(y) for y in range(2005, 2025)}
    (used,) = data["population"].origin.delivered
    assert used.location == "data/population_2005_2023.csv, data/population_2024.csv"


def test_a_pattern_reads_the_files_it_matches_in_sorted_order(tmp_path: Path) -> None:
    _split(tmp_path / "plan")
    plan = _plan(tmp_path / "plan", _source("data/population_*.csv"))
    assert _values(_fetch(plan)) == _raw()
    source = CsvSource(SourceContext(base_dir=tmp_path / "plan"))
    assert source.files({"path": "data/population_*.csv"}) == [
        "data/population_2005_2023.csv",
        "data/population_2024.csv",
    ]


def test_a_pattern_that_matches_nothing_is_a_missing_file(tmp_path: Path) -> None:
    _split(tmp_path / "plan")
    plan = _plan(tmp_path / "plan", _source("data/jobs_*.csv"))
    data = _fetch(plan)
    (failure,) = data["population"].origin.failed
    assert failure.kind is FailureKind.FILE_MISSING
    assert "no file matches data/jobs_*.csv" in failure.detail


def test_a_file_a_pattern_matches_outside_the_plan_folder_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "population_2024.csv"
    _write(outside, lambda r: r["year"] == "2024")
    folder = tmp_path / "plan"
    _write(folder / "data" / "population_2005_2023.csv", lambda r: int(r["year"]) <= 2023)
    (folder / "data" / "population_2024.csv").symlink_to(outside)
    data = _fetch(_plan(folder, _source("data/population_*.csv")))
    (failure,) = data["population"].origin.failed
    assert failure.kind is FailureKind.OUTSIDE_FOLDER
    assert "population" not in data or not _values(data)


def test_an_area_and_period_in_two_files_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    _write(folder / "a.csv", lambda r: int(r["year"]) <= 2023)
    _write(folder / "b.csv", lambda r: int(r["year"]) >= 2023)  # 2023 in both
    source = CsvSource(SourceContext(base_dir=folder))
    query = {
        "path": ["a.csv", "b.csv"],
        "columns": {"area": "code_at_time", "period": "year", "value": "population"},
    }
    with pytest.raises(DataSourceError) as caught:
        source.fetch(SourceRequest("population", query, areas=tuple(sorted(ULLENSAKER)), unit="person"))
    lines_a = [
        i + 2 for i, r in enumerate(r for r in _rows()[1] if int(r["year"]) <= 2023) if r["year"] == "2023"
    ]
    lines_b = [
        i + 2 for i, r in enumerate(r for r in _rows()[1] if int(r["year"]) >= 2023) if r["year"] == "2023"
    ]
    assert f"a.csv:{lines_a[0]} and b.csv:{lines_b[0]} both hold area" in str(caught.value)
    assert "period '2023'" in str(caught.value)


def test_a_path_list_must_hold_file_names() -> None:
    problems = CsvSource.check_query({"path": [], "columns": {"area": "a", "period": "p", "value": "v"}})
    assert any("list of file names" in p for p in problems)
    assert (
        CsvSource.check_query(
            {"path": ["a.csv", "b.csv"], "columns": {"area": "a", "period": "p", "value": "v"}}
        )
        == []
    )


# -- a metric's sources merged by period -------------------------------------------------------


def _gap(folder: Path) -> tuple[str, str]:
    """A copy lacking 2015 and 2024 (first), and the full file (second)."""
    _write(folder / "data" / "copy.csv", lambda r: int(r["year"]) <= 2023 and r["year"] != "2015")
    _write(folder / "data" / "full.csv", lambda r: int(r["year"]) <= 2024)
    return _source("data/copy.csv"), _source("data/full.csv")


def test_by_default_the_first_source_that_delivers_is_used_alone(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "plan", *_gap(tmp_path / "plan"))
    assert plan.metrics[0].merge is MergeRule.FALLBACK
    assert _values(_fetch(plan)) == _raw(last=2023, without=(2015,))


def test_first_wins_fills_the_periods_the_first_source_lacks(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "plan", *_gap(tmp_path / "plan"), merge="first_wins")
    data = _fetch(plan)
    assert _values(data) == _raw()
    first, second = data["population"].origin.delivered
    assert (first.location, second.location) == ("data/copy.csv", "data/full.csv")
    assert first.periods == tuple(str(y) for y in range(2005, 2024) if y != 2015)
    assert second.periods == ("2015", "2024")  # the full file gave only what the copy lacked
    assert data["population"].origin.failed == ()


def test_newest_period_wins_puts_the_source_reaching_furthest_first(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "plan", *_gap(tmp_path / "plan"), merge="newest_period_wins")
    data = _fetch(plan)
    assert _values(data) == _raw()
    (used,) = data["population"].origin.delivered  # the full file reaches 2024 and gives everything
    assert used.location == "data/full.csv"
    assert used.periods == tuple(str(y) for y in range(2005, 2025))


def test_merged_sources_say_which_gave_which_periods_in_both_languages(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "plan", *_gap(tmp_path / "plan"), merge="first_wins")
    result = SimpleNamespace(origin=_fetch(plan)["population"].origin)
    assert explain_origin(result, "en") == [  # type: ignore[arg-type]
        "The figures are combined: 2005–2014, 2016–2023 from local file data/copy.csv; "
        "2015, 2024 from local file data/full.csv."
    ]
    assert explain_origin(result, "nb") == [  # type: ignore[arg-type]
        "Tallene er satt sammen: 2005–2014, 2016–2023 fra lokal fil data/copy.csv; "
        "2015, 2024 fra lokal fil data/full.csv."
    ]


def test_a_merge_rule_the_plan_does_not_know_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    _write(folder / "data" / "full.csv", lambda r: True)
    text = (
        MINIMAL_PLAN + "metrics:\n  - id: population\n    title: Folkemengde\n    unit: person\n"
        "    direction: increase\n    merge: newest\n    source: " + _source("data/full.csv") + "\n"
    )
    write_plan(folder, text)
    with pytest.raises(PlanError) as caught:
        regionplan.load_plan(folder, extensions=core_extensions())
    found = [p for p in caught.value.problems if "merge cannot be 'newest'" in p.message]
    assert found and "newest_period_wins" in (found[0].hint or "")
    line = text.splitlines().index("    merge: newest") + 1
    assert found[0].location is not None and (found[0].location.line, found[0].location.column) == (line, 12)


# -- what is missing, named by member ---------------------------------------------------------

HURDAL = """\
    - id: hurdal
      name: Hurdal
      codes:
        - {code: "0239", until: 2019-12-31}
        - {code: "3037", from: 2020-01-01, until: 2023-12-31}
        - {code: "3242", from: 2024-01-01}
elements:
"""


def _two_members(folder: Path, *sources: str, merge: str = "") -> Any:
    """Ullensaker and Hurdal, with the given sources."""
    text = (
        MINIMAL_PLAN.replace("elements:\n", HURDAL, 1)
        + "metrics:\n  - id: population\n    title: Folkemengde\n    unit: person\n"
        + "    direction: increase\n    period: 1 January\n"
        + (f"    merge: {merge}\n" if merge else "")
        + "    source:\n"
        + "".join(f"      - {s}\n" for s in sources)
    )
    write_plan(folder, text)
    return regionplan.load_plan(folder, extensions=core_extensions())


@pytest.mark.parametrize("merge", ["", "first_wins"])
def test_a_member_no_source_has_values_for_is_named_with_metric_source_and_file(
    tmp_path: Path, merge: str
) -> None:
    folder = tmp_path / "plan"
    _write(folder / "data" / "ullensaker.csv", lambda r: r["code_at_time"] in ULLENSAKER)
    data = _fetch(_two_members(folder, _source("data/ullensaker.csv"), merge=merge))
    (failure,) = data["population"].origin.failed
    assert failure.kind is FailureKind.MISSING_AREAS
    assert (failure.metric, failure.members) == ("population", ("Hurdal (3242)",))
    assert failure.attempt is not None and failure.attempt.location == "data/ullensaker.csv"
    assert describe_failure(failure, "en") == (
        "local file data/ullensaker.csv has no figures for (some of) the region's municipalities: Hurdal (3242)"
    )
    assert describe_failure(failure, "nb") == (
        "lokal fil data/ullensaker.csv mangler tall for (noen av) regionens kommuner: Hurdal (3242)"
    )


def test_merged_sources_complete_a_member_the_first_lacks(tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    _write(
        folder / "data" / "ullensaker.csv",
        lambda r: r["code_at_time"] in ULLENSAKER and int(r["year"]) <= 2024,
    )
    _write(folder / "data" / "full.csv", lambda r: int(r["year"]) <= 2024)
    plan = _two_members(folder, _source("data/ullensaker.csv"), _source("data/full.csv"), merge="first_wins")
    data = _fetch(plan)
    assert data["population"].origin.failed == ()
    first, second = data["population"].origin.delivered
    assert first.areas == ("3209",) and second.areas == ("3242",)
    hurdal = {"0239", "3037", "3242"}
    both = {
        y: sum(
            float(r["population"])
            for r in _rows()[1]
            if r["year"] == y and r["code_at_time"] in ULLENSAKER | hurdal
        )
        for y in map(str, range(2005, 2025))
    }
    assert _values(data) == both


def test_a_no_value_cell_gives_way_to_another_file_s_value(tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    header, rows = _rows()
    folder.mkdir(parents=True)
    with (folder / "history.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n")
        writer.writeheader()  # 2024 not yet published here: SSB writes ".."
        writer.writerows(
            {**r, "population": ".."} if r["year"] == "2024" else r for r in rows if int(r["year"]) <= 2024
        )
    _write(folder / "newest.csv", lambda r: r["year"] == "2024")
    source = CsvSource(SourceContext(base_dir=folder))
    query = {
        "path": ["history.csv", "newest.csv"],
        "columns": {"area": "code_at_time", "period": "year", "value": "population"},
        "missing": [".."],
    }
    batch = source.fetch(SourceRequest("population", query, areas=tuple(sorted(ULLENSAKER)), unit="person"))
    got = {
        str(p): float(v)
        for a, p, v in zip(batch.areas, batch.periods, batch.values, strict=True)
        if a in ULLENSAKER
    }
    assert got == _raw()
    assert len(batch) == sum(1 for r in rows if int(r["year"]) <= 2024)  # one row per area and period
    assert batch.provenance.table == "history.csv, newest.csv"
