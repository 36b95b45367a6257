"""The Python API: model classes check their fields at construction, ``regionplan.check`` finds
every problem of a plan however it was built, ``evaluate`` refuses a plan with errors, the
public names are documented, and the goal graph's traversal says which way it goes."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import importlib.util
import pydoc
import re
import warnings
from pathlib import Path
from typing import Any

import attrs
import networkx as nx
import numpy as np
import pytest

import regionplan
import regionplan.hookspecs
from regionplan import (
    Contribution,
    Direction,
    Element,
    ElementKind,
    Label,
    Metric,
    Municipality,
    MunicipalityCode,
    Period,
    Plan,
    PlanError,
    PlanMeta,
    Region,
    Responsibility,
    Series,
    SourceSpec,
    Target,
    TargetKind,
)
from regionplan.plan import validation
from regionplan.plan.graph import EdgeKind, GoalGraph
from regionplan.plan.periods import PeriodKind, PeriodSpec
from regionplan.plan.units import parse_unit
from regionplan.testing import MINIMAL_PLAN, core_extensions, write_plan

ROOT = Path(__file__).resolve().parent.parent
POPULATION = ROOT / "src" / "regionplan" / "_resources" / "norway" / "population_07459_2005_2024.csv.gz"
ULLENSAKER_CODES = ("0235", "3033", "3209")


def ullensaker() -> Municipality:
    return Municipality(
        "ullensaker",
        "Ullensaker",
        [
            MunicipalityCode("0235", valid_until="2019-12-31"),
            MunicipalityCode("3033", "2020-01-01", "2023-12-31"),
            MunicipalityCode("3209", "2024-01-01"),
        ],
    )


def population_series() -> Series:
    """Ullensaker's population on 1 January, as SSB published it (the bundled copy of table 07459)."""
    with gzip.open(POPULATION, "rt", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["code"] in ULLENSAKER_CODES]
    # one row per code and year; each code holds the municipality in its years
    areas = tuple(dict.fromkeys(r["code"] for r in rows))
    years = sorted({int(r["year"]) for r in rows})
    values = np.full((len(areas), len(years)), np.nan)
    for r in rows:
        values[areas.index(r["code"]), years.index(int(r["year"]))] = float(r["population"])
    return Series(areas, tuple(Period.instant(dt.date(y, 1, 1)) for y in years), values, "person")


def python_plan(**changes: Any) -> Plan:
    plan = Plan(
        PlanMeta("p", "Plan", 2021, 2030),
        Region("region", "Ullensaker", [ullensaker()]),
        elements=[
            Element("vision", "vision", "Visjon"),
            Element("growth", "main_goal", "Vekst", contributes_to=["vision"]),
        ],
        metrics=[
            Metric(
                "population",
                "Folkemengde",
                "person",
                "increase",
                period="1 January",
                publication_lag_months=3,
            )
        ],
        targets=[Target("t-growth", "growth", "population", "level", value=45000, deadline=2030)],
    )
    return attrs.evolve(plan, **changes)


# -- construction --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: Target("t", "g", "m", "level", value="x"),
            TypeError,
            "Target.value must be a number, got 'x'",
        ),
        (
            lambda: Target("t", "g", "m", "level", relative=1),
            TypeError,
            "Target.relative must be True or False",
        ),
        (
            lambda: Target("t", "g", "m", "levle"),
            ValueError,
            "Target.kind must be a TargetKind or one of 'level'",
        ),
        (lambda: Target("t", 5, "m", "level"), TypeError, "Target.element must be text"),
        (
            lambda: Element("e", "vision", "E", contributes_to=["a", 5]),
            TypeError,
            r"Element.contributes_to\[1\]",
        ),
        (lambda: Element("e", "vision", "E", sdg="8.5"), TypeError, "Element.sdg must be a tuple or list"),
        (lambda: MunicipalityCode(301), TypeError, "keeping their leading zero"),
        (
            lambda: MunicipalityCode("0301", "1.1.2020"),
            TypeError,
            "MunicipalityCode.valid_from must be a date",
        ),
        (lambda: Metric("m", "M", "job", "up"), ValueError, "Metric.direction must be a Direction"),
        (
            lambda: Metric("m", "M", "job", "increase", decimals=1.5),
            TypeError,
            "Metric.decimals must be a whole",
        ),
        (
            lambda: PlanMeta("p", "P", "twenty", 2030),
            TypeError,
            "PlanMeta.period_start must be a whole number",
        ),
        (lambda: Plan(PlanMeta("p", "P", 2021, 2030), "region"), TypeError, "Plan.region must be a Region"),
        (lambda: Label({"nb": 5}), TypeError, "Label texts must be language -> text"),
        (lambda: SourceSpec("csv", ["path"]), TypeError, "SourceSpec.query must be a mapping"),
    ],
)
def test_a_wrong_type_fails_at_construction_naming_the_field(make: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        make()


def test_unambiguous_values_are_converted() -> None:
    assert Label("Arbeidsplasser") == Label({"nb": "Arbeidsplasser"})
    target = Target("t", "g", "m", "change", change=5, baseline=2020, deadline="2030K4")
    assert (target.kind, target.change, target.baseline, target.deadline) == (
        TargetKind.CHANGE,
        5.0,
        "2020",
        "2030K4",
    )
    assert isinstance(target.change, float)
    code = MunicipalityCode("3209", "2024-01-01")
    assert code.valid_from == dt.date(2024, 1, 1)
    assert PlanMeta("p", "P", "2021", 2030).period_start == 2021
    element = Element("a", "action", "A", contributes_to=["g"], responsible=["council"], sdg=["8.5"])
    assert element.kind is ElementKind.ACTION
    assert element.contributes_to == (Contribution("g"),)
    assert element.responsible == (Responsibility("council"),)
    assert element.sdg == ("8.5",)
    assert Municipality("m", "M", ["3209"]).codes == (MunicipalityCode("3209"),)
    assert python_plan(base_dir=ROOT).base_dir == str(ROOT)
    metric = Metric("m", "M", "person", "increase", period="1 January")
    assert metric.period == PeriodSpec(PeriodKind.INSTANT, month=1, day=1)
    assert metric.direction is Direction.INCREASE


def test_a_source_query_is_a_frozen_copy() -> None:
    query: dict[str, Any] = {"dataset": "population", "columns": ["a"]}
    spec = SourceSpec("bundled", query)
    query["dataset"] = "jobs"
    query["columns"].append("b")
    assert dict(spec.query) == {"dataset": "population", "columns": ["a"]}
    with pytest.raises(TypeError):
        spec.query["dataset"] = "jobs"  # type: ignore[index]


def test_a_series_reads_its_unit_at_construction() -> None:
    series = population_series()
    assert series.unit == parse_unit("person")
    with pytest.raises(ValueError, match="'persons per hectare-ish'"):
        Series(series.areas, series.periods, series.values, "persons per hectare-ish")
    with pytest.raises(TypeError, match=r"Series\.unit must be a unit"):
        Series(series.areas, series.periods, series.values, 5)  # type: ignore[arg-type]


# -- check -----------------------------------------------------------------------------------


def _found(problems: list[regionplan.Problem]) -> set[tuple[str, str]]:
    return {(p.code, str(p.location)) for p in problems if p.is_error}


def test_check_names_the_path_of_each_problem_in_a_plan_built_in_python() -> None:
    plan = python_plan(
        targets=[
            Target("t-level", "growth", "population", "level", deadline=2030),
            Target(
                "t-bad-deadline", "growth", "population", "change", change=5, baseline=2020, deadline="2030Q9"
            ),
            Target("t-lost", "nowhere", "population", "level", value=1, deadline=2030),
        ],
        metrics=[
            Metric("population", "Folkemengde", "person", "increase", sources=[SourceSpec("bundled", {})]),
            Metric("bad-id", "Other", "person", "increase", derived="population"),
        ],
    )
    assert _found(regionplan.check(plan)) == {
        ("RP006", "targets[0].value"),
        ("RP010", "targets[1].deadline"),
        ("RP102", "targets[2]"),
        ("RP207", "metrics[0].sources[0]"),  # the bundled source needs 'dataset'
        ("RP009", "metrics[1].id"),
    }


BUILT_CASES = [
    ("RP009", "elements[0].id", {"elements": [Element("1st", "vision", "V")]}),
    ("RP010", "meta.period_start", {"meta": PlanMeta("p", "P", 1700, 2030)}),
    ("RP010", "meta.period_end", {"meta": PlanMeta("p", "P", 2031, 2030)}),
    ("RP305", "region.municipalities", {"region": Region("region", "R", [])}),
    (
        "RP006",
        "region.municipalities[0].codes",
        {"region": Region("region", "R", [Municipality("u", "U", [])])},
    ),
    (
        "RP301",
        "region.municipalities[0].codes[0].code",
        {"region": Region("region", "R", [Municipality("u", "U", ["32O9"])])},
    ),
    (
        "RP208",
        "metrics[0]",
        {
            "metrics": [
                Metric(
                    "population",
                    "P",
                    "person",
                    "increase",
                    sources=[SourceSpec("bundled", {"dataset": "population"})],
                    derived="2 * population",
                )
            ]
        },
    ),
    (
        "RP008",
        "metrics[0].aggregation",
        {"metrics": [Metric("population", "P", "person", "increase", aggregation="mean")]},
    ),
    (
        "RP008",
        "metrics[0].decimals",
        {"metrics": [Metric("population", "P", "person", "increase", decimals=-1)]},
    ),
    (
        "RP006",
        "targets[0].every_year",
        {"targets": [Target("t", "growth", "population", "annual_trend", baseline=2020)]},
    ),
    (
        "RP008",
        "targets[0].value",
        {"targets": [Target("t", "growth", "population", "level", value=float("nan"))]},
    ),
    (
        "RP008",
        "targets[0].tolerance",
        {"targets": [Target("t", "growth", "population", "level", value=1, tolerance=-1)]},
    ),
]


@pytest.mark.parametrize(("code", "path", "changes"), BUILT_CASES)
def test_what_the_file_reader_checks_is_checked_in_a_plan_built_in_python(
    code: str, path: str, changes: dict[str, Any]
) -> None:
    problems = regionplan.check(python_plan(**changes), data={"population": population_series()})
    assert (code, path) in _found(problems)


def test_every_code_the_checks_of_built_plans_give_is_triggered() -> None:
    from regionplan.plan import problems as P
    from regionplan.plan import python_checks

    names = set(re.findall(r"\bP\.([A-Z_]+)\b", Path(python_checks.__file__).read_text(encoding="utf-8")))
    triggered = {code for code, _, _ in BUILT_CASES}
    assert {getattr(P, n) for n in names} - triggered == set()


def test_check_finds_municipality_codes_without_their_dates() -> None:
    plan = python_plan(region=Region("region", "Ullensaker", [Municipality("ullensaker", "U", ["0235"])]))
    problems = regionplan.check(plan, data={"population": population_series()})
    assert ("RP302", "region.municipalities[0].codes[0]") in _found(problems)


def test_check_and_evaluate_name_what_is_not_a_plan() -> None:
    with pytest.raises(TypeError, match=r"check needs a Plan, got 'plan\.yaml'"):
        regionplan.check("plan.yaml")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="check needs a Plan"):
        regionplan.evaluate("plan.yaml")  # type: ignore[arg-type]


def test_data_in_memory_count_as_the_metrics_source() -> None:
    plan = python_plan()
    assert _found(regionplan.check(plan)) == {("RP209", "metrics[0]")}
    assert _found(regionplan.check(plan, data={"population": population_series()})) == set()


def test_a_plan_read_from_files_keeps_its_file_places() -> None:
    plan = regionplan.load_plan(ROOT / "examples" / "gardermoregionen")
    wrong = attrs.evolve(
        plan, targets=(*plan.targets, Target("t-new", "main-goal", "jobs", "level", deadline=2030))
    )
    problems = [p for p in regionplan.check(wrong) if p.is_error]
    assert [(p.code, str(p.location)) for p in problems] == [("RP006", f"targets[{len(plan.targets)}].value")]
    assert regionplan.check(plan) == [p for p in regionplan.validate_plan(plan.base_dir).problems]


# -- evaluate ------------------------------------------------------------------------------


def test_evaluate_refuses_a_plan_with_errors_unless_told_not_to_check() -> None:
    # 3209 is Ullensaker's code from 2024 only: the plan lacks its codes for 2021-2023
    plan = python_plan(region=Region("region", "Ullensaker", [Municipality("ullensaker", "U", ["3209"])]))
    data = {"population": population_series()}
    with pytest.raises(PlanError, match="RP30") as raised:
        regionplan.evaluate(plan, data, as_of="2024-06-01")
    assert all(p.location is not None for p in raised.value.errors)
    result = regionplan.evaluate(plan, data, as_of="2024-06-01", check=False)
    assert result.targets[0].target.id == "t-growth"


def test_evaluate_checks_a_plan_built_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_checks(monkeypatch)
    plan, data = python_plan(), {"population": population_series()}
    result = regionplan.evaluate(plan, data, as_of="2024-06-01")
    assert calls == [1]
    regionplan.evaluate(plan, data, as_of="2025-06-01")
    assert calls == [1]  # found without errors on these data already
    with pytest.raises(PlanError, match="RP209"):
        regionplan.evaluate(plan, {}, as_of="2025-06-01")  # the population now has neither data nor source
    assert calls == [1, 1]
    latest = result.targets[0].latest
    assert latest is not None and latest.value == 43814.0  # SSB 07459: 3209 on 1 January 2024


INLINE_PLAN = (
    MINIMAL_PLAN
    + """\
metrics:
  - {id: m, title: M, unit: job, direction: increase, source: {name: inline, values: [{period: "2024", value: 1}]}}
targets:
  - {id: t, element: main-goal, metric: m, kind: level, value: 2, deadline: "2030"}
"""
)


def test_the_command_line_checks_a_plan_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from regionplan.cli import cli

    folder = write_plan(tmp_path, INLINE_PLAN)
    runs: list[int] = []
    real = validation.check_plan

    def counted(*args: Any, **kwargs: Any) -> list[regionplan.Problem]:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(validation, "check_plan", counted)
    result = CliRunner().invoke(cli, ["evaluate", str(folder), "--as-of", "2025-01-01", "--offline"])
    assert result.exit_code == 0, result.output
    assert runs == [1]


def test_a_plan_read_from_files_is_not_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_plan(tmp_path, INLINE_PLAN)
    ext = core_extensions()
    plan = regionplan.load_plan(folder, extensions=ext)
    calls = _count_checks(monkeypatch)
    regionplan.evaluate(plan, as_of="2025-01-01", extensions=ext)
    assert calls == []
    changed = attrs.evolve(plan, targets=(*plan.targets, Target("t2", "main-goal", "m", "level", value=3)))
    regionplan.evaluate(changed, as_of="2025-01-01", extensions=ext)
    assert calls == [1]  # a changed plan is another plan


def _count_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = validation.check

    def counted(*args: Any, **kwargs: Any) -> list[regionplan.Problem]:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(validation, "check", counted)
    return calls


# -- public names -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", regionplan.__all__)
def test_every_public_name_imports_and_has_a_docstring(name: str) -> None:
    value = getattr(regionplan, name)
    if name == "__version__":
        assert isinstance(value, str)
        return
    assert (value.__doc__ or "").strip(), f"regionplan.{name} has no docstring"
    assert name in dir(regionplan)


def test_the_python_api_names_are_public() -> None:
    assert {"check", "evaluate", "explain_target", "render", "Status", "Series"} <= set(regionplan.__all__)


def test_help_on_the_hook_specifications_lists_every_hook_with_its_docstring() -> None:
    text = pydoc.render_doc(regionplan.hookspecs, renderer=pydoc.plaintext)
    for name in regionplan.hookspecs.HOOK_NAMES:
        first_line = getattr(regionplan.hookspecs, name).__doc__.strip().splitlines()[0]
        assert f"{name}(" in text, name
        assert first_line in text, name
        assert f":func:`{name}`" in (regionplan.hookspecs.__doc__ or ""), name


# -- goal graph --------------------------------------------------------------------------------


def test_graph_traversal_is_named_for_what_it_returns_next_to_networkx() -> None:
    plan = python_plan()
    graph = GoalGraph.from_plan(plan)
    cg = graph.contribution_graph()
    assert graph.all_parents("t-growth") == set(nx.descendants(cg, "t-growth")) == {"growth", "vision"}
    assert graph.all_children("vision") == set(nx.ancestors(cg, "vision")) == {"growth", "t-growth"}
    with pytest.warns(DeprecationWarning, match="all_parents"):
        assert graph.ancestors("t-growth") == graph.all_parents("t-growth")
    with pytest.warns(DeprecationWarning, match="all_children"):
        assert graph.descendants("vision") == graph.all_children("vision")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        graph.around("growth")  # uses the new names


def test_two_targets_on_one_element_and_metric_stay_two_in_the_graph() -> None:
    plan = python_plan(
        targets=[
            Target("t-level", "growth", "population", "level", value=45000, deadline=2030),
            Target("t-change", "growth", "population", "change", change=5, relative=True, baseline=2020),
        ]
    )
    view = GoalGraph.from_plan(plan).view()
    assert {"t-level", "t-change"} <= set(view.nodes)
    assert view.edges["t-level", "growth"]["kind"] == view.edges["t-change", "growth"]["kind"]
    measured = view.edges["growth", "population"]
    assert (measured["kind"], measured["targets"]) == (EdgeKind.MEASURED_BY, ("t-level", "t-change"))


# -- the how-to guide ---------------------------------------------------------------------------


def test_the_how_to_guides_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "docs" / "examples" / "build_plan_in_python.py"
    spec = importlib.util.spec_from_file_location("docs_examples_build_plan_in_python", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main() == 0
    out = capsys.readouterr().out
    assert "targets[1].value: error RP006: a level target needs 'value'" in out
    assert "t-growth: achieved" in out
    assert "Latest value: 43,814 persons (2024)" in out
    guide = (ROOT / "docs" / "howto" / "build-a-plan-in-python.md").read_text(encoding="utf-8")
    assert "../examples/build_plan_in_python.py" in guide
