"""Comparators (county, Norway, another region, the members) and the indicators to watch.

The example's Akershus and Norway figures are checked against sums computed here from the
raw rows of the bundled SSB files (package data), with the KLASS records read as plain CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import re
from pathlib import Path

import attrs
import pytest

import regionplan
from regionplan.data.comparators import comparator_groups, municipalities_on
from regionplan.data.sources import SourceContext
from regionplan.evaluation.evaluator import Evaluation
from regionplan.evaluation.explain import format_number
from regionplan.plan import problems as P
from regionplan.plan.files import validate_plan
from regionplan.plan.model import Comparator, Label
from regionplan.report.renderers import render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gardermoregionen"
RESOURCES = ROOT / "src" / "regionplan" / "_resources"
AS_OF = dt.date(2026, 11, 26)


def _rows(name: str) -> list[dict[str, str]]:
    path = RESOURCES / "norway" / name
    return list(csv.DictReader(io.StringIO(gzip.decompress(path.read_bytes()).decode("utf-8"))))


def _to_2024() -> dict[str, str]:
    """Old code -> 2024 code for the 2024 changes (renumberings in Akershus, Buskerud, ...)."""
    with (RESOURCES / "klass131_changes.csv").open(encoding="utf-8") as f:
        return {r["old_code"]: r["new_code"] for r in csv.DictReader(f) if r["change_date"] == "2024-01-01"}


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    plan = regionplan.load_plan(EXAMPLE)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path_factory.mktemp("cache"), offline=True)
    return regionplan.evaluate(plan, as_of=AS_OF, context=context)


def _value(evaluation: Evaluation, metric: str, group: str, label: str) -> float:
    assert evaluation.comparisons is not None
    series = evaluation.comparisons[metric].regions
    j = next(i for i, p in enumerate(series.periods) if p.label == label)
    return float(series.values[series.areas.index(group), j])


def test_akershus_and_norway_are_the_sums_of_the_bundled_rows(evaluation: Evaluation) -> None:
    population = [r for r in _rows("population_07459_2005_2024.csv.gz") if r["year"] == "2024"]
    assert _value(evaluation, "population", "fylket", "2024-01-01") == sum(
        int(r["population"]) for r in population if r["code"].startswith("32")
    )
    assert _value(evaluation, "population", "norge", "2024-01-01") == sum(
        int(r["population"]) for r in population
    )
    jobs = [r for r in _rows("jobs_11618_2017_2022.csv.gz") if r["year"] == "2022"]
    to_2024 = _to_2024()
    akershus = sum(
        int(r["employed_by_workplace"]) for r in jobs if to_2024.get(r["code"], r["code"]).startswith("32")
    )
    assert _value(evaluation, "jobs", "fylket", "2022Q4") == akershus
    assert _value(evaluation, "jobs", "norge", "2022Q4") == sum(int(r["employed_by_workplace"]) for r in jobs)
    # another region: the six municipalities of Nedre Romerike, through their earlier codes
    nedre = {"3205", "3222", "3224", "3226", "3220", "3232"}
    assert _value(evaluation, "jobs", "nedre_romerike", "2022Q4") == sum(
        int(r["employed_by_workplace"]) for r in jobs if to_2024.get(r["code"]) in nedre
    )


def test_a_comparator_needs_every_municipality(evaluation: Evaluation) -> None:
    """Before 2017 the bundled population lacks codes that had expired by then: no value for Norway."""
    assert evaluation.comparisons is not None
    norway = evaluation.comparisons["population"].regions
    years = {
        p.label[:4]: v
        for p, v in zip(norway.periods, norway.values[norway.areas.index("norge")], strict=True)
    }
    assert years["2017"] > 5_000_000
    assert years["2010"] != years["2010"]  # NaN: not every municipality has a value
    akershus = comparator_groups(evaluation.plan)["fylket"]
    assert len(akershus) == 21 and all(c.startswith("32") for c in akershus)
    assert len(municipalities_on(dt.date(2024, 1, 1))) == 357


def test_the_report_shows_the_comparators_in_every_format(evaluation: Evaluation) -> None:
    population = [r for r in _rows("population_07459_2005_2024.csv.gz") if r["year"] == "2024"]
    norway = sum(int(r["population"]) for r in population)
    md = str(render(evaluation, "md", lang="nb"))
    assert "## Sammenligning" in md and "## Indikatorer å følge med på" in md
    assert f"| Norge | {format_number(norway, 'nb')} | 2024" in md
    data = json.loads(render(evaluation, "json", lang="en"))
    watch = {m["metric"]: m for m in data["comparisons"]["watch"]}
    assert {"population", "employment_rate"} <= set(watch)
    areas = {a["id"]: a for a in watch["population"]["areas"]}
    assert areas["norge"]["value"] == norway and areas["norge"]["name"] == "Norway"
    assert areas["fylket"]["name"] == "Akershus" and areas["3242"]["kind"] == "member"
    # counts are charted as an index from the first period every area has: 2017 = 100
    assert watch["population"]["indexed"] and watch["population"]["axis"].startswith("Index, 2017")
    assert areas["norge"]["line"][0][1] == pytest.approx(100)
    # shares are compared as they are, their change in percentage points
    assert not watch["employment_rate"]["indexed"]
    assert watch["employment_rate"]["areas"][0]["change_text"].endswith("percentage points")
    html = str(render(evaluation, "html", lang="en"))
    section = html[html.index('<section id="watch"') :]
    section = section[: section.index("</section>")]
    chart = re.search(r"<svg[^>]*id=\"watch-1-chart\".*?</svg>", section, re.S)
    assert chart is not None and "Norway" in chart.group(0) and "Akershus" in chart.group(0)
    terminal = str(render(evaluation, "terminal", lang="en"))
    assert "Indicators to watch" in terminal and "Nedre Romerike" in terminal


def test_a_plan_without_comparators_still_shows_its_indicators_to_watch(tmp_path: Path) -> None:
    plan = regionplan.load_plan(EXAMPLE)
    plan = attrs.evolve(plan, meta=attrs.evolve(plan.meta, comparators=()))
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path, offline=True)
    evaluation = regionplan.evaluate(plan, as_of=AS_OF, context=context)
    assert evaluation.comparisons is None
    report = regionplan.build_report(evaluation, lang="nb")
    assert report.comparisons is not None and report.comparisons.compared == ()
    population = next(m for m in report.comparisons.watch if m.metric == "population")
    assert [a.kind for a in population.areas] == ["region"]
    assert population.areas[0].change_text.startswith(("+", "−"))


def _plan_with(tmp_path: Path, comparators: str) -> Path:
    for f in EXAMPLE.iterdir():
        if f.is_file():
            (tmp_path / f.name).write_bytes(f.read_bytes())
    text = (EXAMPLE / "plan.yaml").read_text(encoding="utf-8")
    start = text.index("  comparators:")
    end = text.index("\ninclude:")
    (tmp_path / "plan.yaml").write_text(text[:start] + comparators + text[end:], encoding="utf-8")
    return tmp_path / "plan.yaml"


@pytest.mark.parametrize(
    ("comparators", "code", "words"),
    [
        ("  comparators:\n    - {id: x, kind: kommune}\n", P.BAD_VALUE, "comparator kind"),
        ("  comparators:\n    - {id: x, kind: county, code: '3'}\n", P.BAD_CODE, "not a county code"),
        ("  comparators:\n    - {id: x, kind: region, municipalities: ['0231']}\n", P.CODE_NOT_VALID, "0231"),
        ("  comparators:\n    - {id: x, kind: region}\n", P.BAD_CODE, "no municipalities"),
        (
            "  comparators:\n    - {id: x, kind: norway}\n    - {id: x, kind: members}\n",
            P.DUPLICATE_ID,
            "twice",
        ),
    ],
)
def test_bad_comparators_are_plan_problems_with_a_place(
    tmp_path: Path, comparators: str, code: str, words: str
) -> None:
    result = validate_plan(_plan_with(tmp_path, comparators))
    found = [p for p in result.errors if p.code == code and words in p.message]
    assert found, result.errors
    assert found[0].location is not None and found[0].location.line > 0
    if code == P.CODE_NOT_VALID:
        assert "3205" in found[0].hint  # Skedsmo's code, now Lillestrøm's


def test_a_comparator_read_from_the_plan_file() -> None:
    plan = regionplan.load_plan(EXAMPLE)
    kinds = {c.id: (c.kind, c.codes) for c in plan.meta.comparators}
    assert kinds["nedre_romerike"] == ("region", ("3205", "3222", "3224", "3226", "3220", "3232"))
    assert kinds["fylket"] == ("county", ())
    assert Comparator("n", "norway", Label.of("Norge")).name.get("nb") == "Norge"


def test_a_county_comparator_of_members_in_two_counties_is_left_out_with_a_warning() -> None:
    from regionplan.plan.model import MunicipalityCode
    from regionplan.plan.validation.comparators import check_comparators

    plan = regionplan.load_plan(EXAMPLE)
    first, *rest = plan.region.municipalities
    moved = attrs.evolve(first, codes=(MunicipalityCode("3401", dt.date(2024, 1, 1)),))  # Kongsvinger
    plan = attrs.evolve(plan, region=attrs.evolve(plan.region, municipalities=(moved, *rest)))
    problems = check_comparators(plan)
    assert [(p.code, p.is_error) for p in problems] == [(P.BAD_VALUE, False)]
    assert "32, 34" in problems[0].message and "'fylket'" in problems[0].message
    assert "fylket" not in comparator_groups(plan) and "norge" in comparator_groups(plan)


def test_one_period_written_two_ways_by_two_sources_is_one_column() -> None:
    """A copy writes quarters 2022K4, another source 2022Q4: the series has one 2022Q4 column."""
    import numpy as np

    from regionplan.data.series import Observations, Provenance, Series

    copy = Observations(["3242"], ["2022K4"], [1020.0], "job", Provenance("csv"))
    other = Observations(["0301"], ["2022Q4"], [500.0], "job", Provenance("bundled"))
    series = Series.from_observations([copy, other], unit="job")
    assert [p.label for p in series.periods] == ["2022Q4"]
    assert np.array_equal(series.values, np.array([[500.0], [1020.0]]))


def test_a_new_plan_drops_the_templates_neighbours_and_keeps_county_norway_and_members(
    tmp_path: Path,
) -> None:
    from regionplan.scaffold.new import new_plan

    new_plan(
        EXAMPLE, tmp_path / "h", name="Land", codes=["3446", "3447", "3448"]
    )  # Gran, Søndre and Nordre Land
    plan = regionplan.load_plan(tmp_path / "h")
    assert [(c.id, c.kind) for c in plan.meta.comparators] == [
        ("fylket", "county"),
        ("norge", "norway"),
        ("kommunene", "members"),
    ]
    assert "comparator `nedre_romerike`" in (tmp_path / "h" / "ADAPT.md").read_text(encoding="utf-8")
    assert comparator_groups(plan)["fylket"][0].startswith("34")  # Innlandet
