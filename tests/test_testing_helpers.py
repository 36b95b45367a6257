"""The test helpers plugin authors get: fixtures through pytest's entry point, and plain functions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from regionplan import hookimpl
from regionplan.evaluation.evaluator import evaluate
from regionplan.evaluation.status import Status
from regionplan.plan.files import validate_plan
from regionplan.plugins import Extensions
from regionplan.testing import MINIMAL_PLAN


class _Validator:
    """A plugin that adds a problem, to show it is registered."""

    @hookimpl
    def regionplan_validate_plan(self, plan, graph):  # type: ignore[no-untyped-def]
        from regionplan.errors import Problem, Severity

        return [Problem("XX001", "seen by the test plugin", None, severity=Severity.WARNING)]


def test_the_minimal_plan_validates(
    regionplan_plan: Callable[..., Path], regionplan_extensions: Callable[..., Extensions]
) -> None:
    folder = regionplan_plan()
    result = validate_plan(folder, extensions=regionplan_extensions())
    assert result.ok, [str(p) for p in result.errors]


def test_a_plugin_under_test_is_registered(
    regionplan_plan: Callable[..., Path], regionplan_extensions: Callable[..., Extensions]
) -> None:
    result = validate_plan(regionplan_plan(), extensions=regionplan_extensions(_Validator()))
    assert "XX001" in {p.code for p in result.problems}


def test_a_plan_with_data_in_other_files(
    regionplan_plan: Callable[..., Path], regionplan_extensions: Callable[..., Extensions]
) -> None:
    """A plan that reads a CSV written beside it evaluates (values written by the test: synthetic)."""
    folder = regionplan_plan(
        MINIMAL_PLAN
        + """\
metrics:
  - id: visitors
    title: Besøkende
    unit: person
    direction: increase
    period: year
    publication_lag_months: 0
    source: {name: csv, path: visitors.csv, columns: {area: code, period: year, value: n}}
targets:
  - {id: t1, element: main-goal, metric: visitors, kind: level, value: 120, baseline: "2021", deadline: "2025"}
""",
        visitors_csv="code,year,n\n3033,2021,100\n3033,2022,110\n3033,2023,125\n",
    )
    ext = regionplan_extensions()
    plan = validate_plan(folder, extensions=ext).raise_for_errors()
    result = evaluate(plan, as_of="2024-06-01", extensions=ext)
    assert result.status_of("t1") is Status.ACHIEVED
