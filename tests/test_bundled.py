"""The ``bundled`` source: SSB's population and jobs for every municipality, shipped with regionplan.

Expected values are read from the package's files with the standard library and summed by hand
here (never through the source), checked against two independent references: the national
07459 totals (tests/data/norway/checks) and the example plan's own copies of the six
Gardermoregionen municipalities, which came by another route.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import importlib.resources
import io
import json
import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

import regionplan
from regionplan.cli import cli
from regionplan.data.dataset import fetch_data
from regionplan.data.sources import FailureKind, SourceContext, SourceFailed, SourceRequest
from regionplan.data.sources.bundled import (
    BUNDLED_ON,
    DATASETS,
    BundledSource,
    bundled_query_for,
    describe,
)
from regionplan.plan.periods import Period
from regionplan.plugins import Extensions

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "gardermoregionen"
CHECKS = Path(__file__).parent / "data" / "norway" / "checks"
D = dt.date


def _package_rows(file: str) -> list[dict[str, str]]:
    raw = importlib.resources.files("regionplan._resources").joinpath("norway", file).read_bytes()
    return list(csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8"))))


def _by_code_year(file: str, column: str) -> dict[tuple[str, int], float]:
    return {(r["code"], int(r["year"])): float(r[column]) for r in _package_rows(file)}


POPULATION_FILE = "population_07459_2005_2024.csv.gz"
JOBS_FILE = "jobs_11618_2017_2022.csv.gz"

# -- the files are real and whole ------------------------------------------------------------


def test_population_sums_equal_the_national_totals() -> None:
    """From 2017 the municipalities add up to SSB's national 07459 total; before, to the
    documented shortfall (codes expired by 2017 are absent)."""
    sums: dict[int, float] = {}
    for (_, year), value in _by_code_year(POPULATION_FILE, "population").items():
        sums[year] = sums.get(year, 0) + value
    with (CHECKS / "population_national_sum_check.csv").open(encoding="utf-8", newline="") as handle:
        check = {int(r["year"]): r for r in csv.DictReader(handle)}
    assert sorted(sums) == list(range(2005, 2025)) == sorted(check)
    for year, total in sums.items():
        assert total == int(check[year]["sum_municipalities"]), year
        if year >= 2017:
            assert total == int(check[year]["national_total_07459_via_csdata"]), year
        else:
            assert total < int(check[year]["national_total_07459_via_csdata"]), year


def test_municipality_counts_per_year() -> None:
    population, jobs = describe("population"), describe("jobs")
    assert population["periods"] == [str(y) for y in range(2005, 2025)]
    assert population["municipalities"]["2024"] == 357
    assert population["municipalities"]["2020"] == 356
    assert jobs["periods"] == [f"{y}K4" for y in range(2017, 2023)]
    # 2019 lacks Rindal (see PROVENANCE.md): 421 of 422 codes
    assert [jobs["municipalities"][f"{y}K4"] for y in range(2017, 2023)] == [426, 422, 421, 356, 356, 356]


def test_the_six_members_equal_the_examples_copies() -> None:
    """An independent check: the example's files came by another route, and agree exactly."""
    with (EXAMPLE / "data" / "population_1jan_2005_2026.csv").open(encoding="utf-8", newline="") as handle:
        example = {
            (r["code_at_time"], int(r["year"])): float(r["population"]) for r in csv.DictReader(handle)
        }
    bundled = _by_code_year(POPULATION_FILE, "population")
    six = {code for code, _ in example}
    assert len(six) == 18  # six municipalities, three codes each
    overlap = {k: v for k, v in example.items() if k[1] <= 2024}
    assert len(overlap) == 6 * 20
    assert {k: v for k, v in bundled.items() if k[0] in six} == overlap

    with (EXAMPLE / "data" / "employment_11618_2017_2022.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 36
    for ours, theirs in (
        ("employed_by_workplace", "employed_by_workplace_jobs"),
        ("employed_by_residence", "employed_by_residence"),
        ("population_15_74_residence", "population_resident_15_74"),
    ):
        example_jobs = {(r["code_at_time"], int(r["year"])): float(r[theirs]) for r in rows}
        bundled_jobs = _by_code_year(JOBS_FILE, ours)
        assert {k: v for k, v in bundled_jobs.items() if k[0] in six} == example_jobs, ours


def _region_values(ext: Any, folder: Path, cache: Path) -> dict[str, np.ndarray]:
    plan = regionplan.load_plan(folder, extensions=ext)
    context = SourceContext(base_dir=folder, cache_dir=cache, offline=True)
    ds = fetch_data(plan, context=context, extensions=ext)
    ids = ("population", "jobs", "population_15_74", "employed_residents")
    return {m: ds.region_series(m).values for m in ids} | {
        f"{m} periods": np.array([p.label for p in ds.region_series(m).periods]) for m in ids
    }


@pytest.fixture
def with_ssb() -> Extensions:
    """The installed plugins: the example plan and its template name the ``ssb`` source."""
    from regionplan.plugins import default_extensions

    ext = default_extensions()
    if "ssb" not in ext.sources:
        pytest.skip(
            "the example plan needs the regionplan-ssb plugin (pip install -e plugins/regionplan-ssb)"
        )
    return ext


def test_the_examples_figures_do_not_change_with_the_bundled_fallback(
    with_ssb: Extensions, tmp_path: Path
) -> None:
    extensions = with_ssb
    with_bundled = _region_values(extensions, EXAMPLE, tmp_path / "c1")
    assert np.isfinite(with_bundled["population"]).sum() == 22  # 2005-2026, from the example's copy
    assert np.isfinite(with_bundled["jobs"]).sum() == 6
    without = tmp_path / "without"
    shutil.copytree(EXAMPLE, without)
    text = (without / "metrics.yaml").read_text(encoding="utf-8")
    blocks = text.count("      - name: bundled\n")
    assert blocks == 4
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    skipping = False
    for line in lines:
        if line == "      - name: bundled\n":
            skipping = True
            continue
        if skipping and line.startswith("        "):
            continue
        skipping = False
        kept.append(line)
    (without / "metrics.yaml").write_text("".join(kept), encoding="utf-8")
    assert "bundled" not in "".join(kept).split("metrics:", 1)[1]
    assert with_bundled.keys() == _region_values(extensions, without, tmp_path / "c2").keys()
    for key, values in _region_values(extensions, without, tmp_path / "c2").items():
        np.testing.assert_array_equal(with_bundled[key], values, err_msg=key)


# -- a region the example does not contain ----------------------------------------------------

#: Members and their code histories (SSB KLASS 131): each changed county in 2020.
THREE = {
    "tromso": ("Tromsø", (("1902", None, D(2019, 12, 31)), ("5401", D(2020, 1, 1), D(2023, 12, 31)), ("5501", D(2024, 1, 1), None))),
    "lillehammer": ("Lillehammer", (("0501", None, D(2019, 12, 31)), ("3405", D(2020, 1, 1), None))),
    "kongsberg": ("Kongsberg", (("0604", None, D(2019, 12, 31)), ("3006", D(2020, 1, 1), D(2023, 12, 31)), ("3303", D(2024, 1, 1), None))),
}  # fmt: skip


def _code_on(history: tuple[tuple[str, D | None, D | None], ...], day: D) -> str:
    (code,) = [
        c for c, start, end in history if (start is None or start <= day) and (end is None or day <= end)
    ]
    return code


def _three_towns(folder: Path, sources: dict[str, str]) -> Path:
    members = ""
    for mid, (name, history) in THREE.items():
        members += f"    - id: {mid}\n      name: {name}\n      codes:\n"
        for code, start, end in history:
            dates = "".join(f", {k}: {d.isoformat()}" for k, d in (("from", start), ("until", end)) if d)
            members += f'        - {{code: "{code}"{dates}}}\n'
    metrics = ""
    for mid, (unit, period, source) in {
        "population": ("person", "1 January", sources["population"]),
        "jobs": ("job", "Q4", sources["jobs"]),
        "employed_residents": ("person", "Q4", sources["employed_residents"]),
    }.items():
        metrics += (
            f"  - id: {mid}\n    title: {mid}\n    unit: {unit}\n    direction: increase\n"
            f"    aggregation: sum\n    period: {period}\n    source: {source}\n"
        )
    folder.mkdir(parents=True)
    (folder / "plan.yaml").write_text(
        f"""regionplan: 1
plan:
  id: tre-byer-plan
  title: {{nb: Tre byer, en: Three towns}}
  period: {{start: 2021, end: 2030}}
region:
  id: tre-byer
  name: Tre byer
  municipalities:
{members}elements:
  - {{id: vision, kind: vision, title: Gode byer}}
  - {{id: main-goal, kind: main_goal, title: Flere arbeidsplasser, contributes_to: [vision]}}
metrics:
{metrics}targets:
  - id: t-jobs-rise
    element: main-goal
    metric: jobs
    kind: annual_trend
    every_year: true
    baseline: "2019"
    deadline: "2030"
""",
        encoding="utf-8",
    )
    return folder


BUNDLED_ONLY = {
    "population": "{name: bundled, dataset: population}",
    "jobs": "{name: bundled, dataset: jobs}",
    "employed_residents": "{name: bundled, dataset: jobs, column: employed_by_residence}",
}


def test_real_values_for_towns_the_example_lacks(extensions: Extensions, tmp_path: Path) -> None:
    folder = _three_towns(tmp_path / "plan", BUNDLED_ONLY)
    assert regionplan.validate_plan(folder, extensions=extensions).errors == ()
    plan = regionplan.load_plan(folder, extensions=extensions)
    context = SourceContext(base_dir=folder, cache_dir=tmp_path / "cache", offline=True)
    ds = fetch_data(plan, context=context, extensions=extensions)

    population = _by_code_year(POPULATION_FILE, "population")
    jobs = _by_code_year(JOBS_FILE, "employed_by_workplace")
    residents = _by_code_year(JOBS_FILE, "employed_by_residence")
    for year in range(2005, 2025):
        day = D(year, 1, 1)
        expected = sum(population[_code_on(h, day), year] for _, h in THREE.values())
        assert ds.region_series("population").value("tre-byer", Period.instant(day)) == expected, year
        tromso = population[_code_on(THREE["tromso"][1], day), year]
        assert ds["population"].members.value("5501", Period.instant(day)) == tromso
    for year in range(2017, 2023):
        q4 = Period.quarter(year, 4)
        codes = [_code_on(h, D(year, 12, 31)) for _, h in THREE.values()]
        assert ds.region_series("jobs").value("tre-byer", q4) == sum(jobs[c, year] for c in codes)
        assert ds.region_series("employed_residents").value("tre-byer", q4) == sum(
            residents[c, year] for c in codes
        )
    assert ds["jobs"].members.unit == "job"

    (prov,) = [p for p in ds["population"].provenance if p.source == "bundled"]
    assert prov.source == "bundled" and prov.table == "07459"
    assert prov.credit == "Kilde: Statistisk sentralbyrå, tabell 07459"
    assert prov.licence == "CC BY 4.0"
    assert f"bundled copy of {BUNDLED_ON.isoformat()}" in prov.notes
    assert prov.retrieved is not None and prov.retrieved.date() == BUNDLED_ON
    assert {p.table for p in ds["jobs"].provenance if p.source == "bundled"} == {"11618"}


def test_the_report_credits_ssb(tmp_path: Path) -> None:
    folder = _three_towns(tmp_path / "plan", BUNDLED_ONLY)
    out = tmp_path / "report.md"
    args = ["report", str(folder), "--format", "md", "--lang", "en", "--offline", "--as-of", "2025-06-30"]
    result = CliRunner().invoke(cli, [*args, "--cache-dir", str(tmp_path / "cache"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Kilde: Statistisk sentralbyrå, tabell 11618" in text
    assert "Kilde: Statistisk sentralbyrå, tabell 07459" in text


def test_new_plans_read_ssb_then_the_bundled_copy(with_ssb: Extensions, tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    from regionplan.scaffold import new_plan

    ext = with_ssb
    folder = tmp_path / "tre-byer"
    new_plan(EXAMPLE, folder, name="Tre byer", codes=["5501", "3405", "3303"])
    metrics = {
        m["id"]: m for m in YAML(typ="safe").load((folder / "metrics.yaml").read_text("utf-8"))["metrics"]
    }
    for mid, query in {
        "population": {"dataset": "population"},
        "jobs": {"dataset": "jobs"},
        "population_15_74": {"dataset": "jobs", "column": "population_15_74_residence"},
        "employed_residents": {"dataset": "jobs", "column": "employed_by_residence"},
    }.items():
        sources = metrics[mid]["source"]
        assert [s["name"] for s in sources] == ["ssb", "bundled"], mid
        assert {k: v for k, v in sources[1].items() if k != "name"} == query, mid

    plan = regionplan.load_plan(folder, extensions=ext)
    context = SourceContext(base_dir=folder, cache_dir=tmp_path / "cache", offline=True)
    ds = fetch_data(plan, context=context, extensions=ext)
    population = _by_code_year(POPULATION_FILE, "population")
    jobs = _by_code_year(JOBS_FILE, "employed_by_workplace")
    assert ds.region_series("population").value(plan.region.id, Period.instant(D(2024, 1, 1))) == sum(
        population[c, 2024] for c in ("5501", "3405", "3303")
    )
    assert ds.region_series("jobs").value(plan.region.id, Period.quarter(2022, 4)) == sum(
        jobs[c, 2022] for c in ("5401", "3405", "3006")
    )
    assert [a.source for a in ds["jobs"].origin.delivered] == ["bundled"]


# -- the source itself ----------------------------------------------------------------------------


def _source(tmp_path: Path) -> BundledSource:
    return BundledSource(SourceContext(base_dir=tmp_path, cache_dir=tmp_path / "cache", offline=True))


def test_only_the_requested_areas_are_delivered(tmp_path: Path) -> None:
    obs = _source(tmp_path).fetch(SourceRequest("jobs", {"dataset": "jobs"}, areas=("3405", "0501")))
    assert set(obs.areas) == {"3405", "0501"}
    assert sorted(set(obs.periods)) == [f"{y}K4" for y in range(2017, 2023)]
    assert obs.unit == "job"
    everyone = _source(tmp_path).fetch(SourceRequest("population", {"dataset": "population"}))
    assert len(everyone) == 8131 and not any(math.isnan(v) for v in everyone.values)
    with pytest.raises(SourceFailed) as caught:
        _source(tmp_path).fetch(SourceRequest("jobs", {"dataset": "jobs"}, areas=("region",)))
    assert caught.value.kind is FailureKind.MISSING_AREAS


def test_query_problems_are_found_when_the_plan_loads(extensions: Extensions, tmp_path: Path) -> None:
    check = BundledSource.check_query
    assert check({"dataset": "jobs", "column": "employed_by_residence"}) == []
    assert any("needs 'dataset'" in p for p in check({}))
    assert any("no dataset 'popluation'" in p for p in check({"dataset": "popluation"}))
    assert any(
        "did you mean 'employed_by_workplace'" in p
        for p in check({"dataset": "jobs", "column": "employed_by_workplac"})
    )
    assert any("does not know 'path'" in p for p in check({"dataset": "jobs", "path": "x.csv"}))
    assert check(["dataset"]) != []  # type: ignore[arg-type]
    bad = dict(BUNDLED_ONLY, population="{name: bundled, dataset: popluation}")
    problems = regionplan.validate_plan(_three_towns(tmp_path / "bad", bad), extensions=extensions).errors
    assert [p.code for p in problems] == ["RP207"]
    assert "popluation" in problems[0].message


def test_the_bundled_query_for_an_ssb_query() -> None:
    select = {"Kjonn": "0", "Alder": "15-74"}
    assert bundled_query_for({"table": "07459", "contents": "Personer1", "unit": "person"}) == {
        "dataset": "population"
    }
    assert bundled_query_for({"table": "11618", "contents": "SysselArbsted", "select": select}) == {
        "dataset": "jobs"
    }
    assert bundled_query_for({"table": "11618", "contents": "SysselBosted", "select": select}) == {
        "dataset": "jobs",
        "column": "employed_by_residence",
    }
    # another selection, another table or a sum counts something else
    assert bundled_query_for({"table": "07459", "contents": "Personer1", "select": {"Kjonn": "2"}}) is None
    assert (
        bundled_query_for({"table": "11618", "contents": "SysselArbsted", "select": {"Kjonn": "0"}}) is None
    )
    assert bundled_query_for({"table": "13470", "contents": "SysselsatteArb"}) is None
    summed = {"table": "11618", "contents": "SysselArbsted", "select": select, "aggregate": "sum"}
    assert bundled_query_for(summed) is None


def test_the_age_of_the_latest_figures() -> None:
    assert describe("population", today=D(2024, 1, 1))["months_old"] == 0
    assert describe("population", today=D(2025, 3, 31))["months_old"] == 14
    assert describe("jobs", today=D(2023, 12, 31))["months_old"] == 12
    assert describe("jobs")["latest_end"] == "2022-12-31"


# -- the command line -----------------------------------------------------------------------------


def test_data_list() -> None:
    result = CliRunner().invoke(cli, ["data", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("population  SSB table 07459  2005–2024  357 municipalities in 2024")
    assert lines[1].startswith("jobs        SSB table 11618  2017K4–2022K4  356 municipalities in 2022K4")
    assert f"bundled copy of {BUNDLED_ON.isoformat()}" in lines[0]
    assert "Kilde: Statistisk sentralbyrå (CC BY 4.0)" in result.output
    as_json = json.loads(CliRunner().invoke(cli, ["data", "list", "--format", "json"]).output)
    assert [d["name"] for d in as_json] == list(DATASETS) == ["population", "jobs"]


def test_data_info() -> None:
    result = CliRunner().invoke(cli, ["data", "info", "jobs"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "jobs: SSB table 11618" in text
    assert (
        "employed_by_workplace (job), employed_by_residence (person), population_15_74_residence (person)"
        in text
    )
    assert "2017K4–2022K4 (6, counted Q4)" in text
    assert "356 in 2022K4" in text
    assert "2019 lacks Rindal" in text
    assert "statisticsnorway/pendling@b3d34483" in text
    assert "Kilde: Statistisk sentralbyrå, tabell 11618 (CC BY 4.0)" in text
    assert "months old; bundled copy of 2026-11-30" in text
    info = json.loads(CliRunner().invoke(cli, ["data", "info", "population", "--format", "json"]).output)
    assert info["table"] == "07459" and info["latest"] == "2024" and info["licence"] == "CC BY 4.0"


def test_data_info_of_an_unknown_dataset_says_so_without_a_traceback() -> None:
    result = CliRunner().invoke(cli, ["data", "info", "jbos"])
    assert result.exit_code == 3
    assert "no bundled dataset named 'jbos'; did you mean 'jobs'?" in result.output
    assert "Traceback" not in result.output
