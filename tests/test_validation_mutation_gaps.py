"""Validation: exact places and messages that the other validation tests leave open.

Each test pins a value a changed line of :mod:`regionplan.plan.validation` would alter: where a
comparator's problem is placed, the graph a plugin's check is given, the message when a
plugin's check returns something that is not a problem, and the metric a cycle of derived
metrics is reported at.
"""

from __future__ import annotations

import textwrap
import types
from pathlib import Path
from typing import Any

import pytest

import regionplan
from regionplan import hookimpl
from regionplan.errors import Location, PluginError, Problem
from regionplan.plan import problems as P
from regionplan.plan.files import validate_plan
from regionplan.plan.graph import EdgeKind, GoalGraph
from regionplan.testing import core_extensions

PLAN = """\
plan:
  id: p
  title: P
  period: {start: 2024, end: 2030}
  comparators:
    - {id: county, kind: county}
    - {id: old, kind: region, municipalities: ['0239']}
region:
  id: r
  name: R
  municipalities:
    - {id: ullensaker, name: Ullensaker, codes: [{code: "3209", from: 2024-01-01}]}
    - {id: drammen, name: Drammen, codes: [{code: "3301", from: 2024-01-01}]}
actors:
  - {id: council, name: Regionrådet}
elements:
  - {id: vision, kind: vision, title: V}
  - {id: goal, kind: main_goal, title: G, contributes_to: [vision]}
  - {id: sub, kind: sub_goal, title: S, contributes_to: [goal]}
metrics:
  - {id: jobs, title: Jobs, unit: job, direction: increase, source: {name: inline, values: [{period: "2024", value: 1}]}}
targets:
  - {id: t, element: sub, metric: jobs, kind: level, value: 10, deadline: '2030'}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _at(text: str, needle: str) -> Location:
    """Where ``needle`` starts in ``plan.yaml`` written from ``text`` (1-based line and column)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return Location("plan.yaml", number, line.index(needle) + 1)
    raise AssertionError(f"{needle!r} not in the plan")


def test_each_comparators_problem_is_placed_at_that_comparator(tmp_path: Path) -> None:
    found = validate_plan(_write(tmp_path, PLAN), extensions=core_extensions()).problems
    placed = [
        (p.code, p.location)
        for p in found
        if p.code in {P.BAD_VALUE, P.CODE_NOT_VALID} and "comparator" in p.message
    ]
    assert placed == [
        (P.BAD_VALUE, _at(PLAN, "{id: county,")),
        (P.CODE_NOT_VALID, _at(PLAN, "{id: old,")),
    ]
    assert _at(PLAN, "{id: county,") == Location("plan.yaml", 6, 7)
    assert _at(PLAN, "{id: old,") == Location("plan.yaml", 7, 7)


SOUND = PLAN.replace(
    "  comparators:\n    - {id: county, kind: county}\n    - {id: old, kind: region, municipalities: ['0239']}\n",
    "",
)


def _checker(name: str, check: Any) -> types.ModuleType:
    """A plugin module ``name`` whose plan check is ``check``."""
    module = types.ModuleType(name)
    check.__name__ = "regionplan_validate_plan"
    module.regionplan_validate_plan = hookimpl(check)  # type: ignore[attr-defined]
    return module


def test_a_plugins_check_is_given_the_plan_and_its_own_goal_graph(tmp_path: Path) -> None:
    seen: list[tuple[Any, Any]] = []

    def check(plan: Any, graph: Any) -> list[Problem]:
        seen.append((plan, graph))
        return []

    plan = regionplan.load_plan(
        _write(tmp_path, SOUND), extensions=core_extensions(_checker("seeing", check))
    )
    ((given_plan, given_graph),) = seen
    assert given_plan.meta.id == plan.meta.id == "p"
    # the very graph the plan keeps (evaluating it uses the same), not a copy built again
    assert given_graph is GoalGraph.of(given_plan)
    contributions = {
        (u, v) for u, v, kind in given_graph.view().edges(data="kind") if kind == EdgeKind.CONTRIBUTES_TO
    }
    assert contributions == {("goal", "vision"), ("sub", "goal"), ("t", "sub")}


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        (["not a problem"], "plugin 'odd_checker': regionplan_validate_plan returned 'not a problem', not a Problem"),
        ([None], "plugin 'odd_checker': regionplan_validate_plan returned None, not a Problem"),
        ({"X001": "a problem"}, "plugin 'odd_checker': regionplan_validate_plan returned 'X001', not a Problem"),
    ],
)  # fmt: skip
def test_a_plugins_check_returning_other_than_problems_is_named_exactly(
    tmp_path: Path, returned: Any, message: str
) -> None:
    ext = core_extensions(_checker("odd_checker", lambda plan, graph: returned))
    with pytest.raises(PluginError) as caught:
        validate_plan(_write(tmp_path, SOUND), extensions=ext)
    assert str(caught.value) == message
    assert caught.value.plugin == "odd_checker" and not caught.value.builtin


def test_a_cycle_of_derived_metrics_is_placed_at_the_first_metric_of_the_cycle(tmp_path: Path) -> None:
    text = SOUND.replace(
        "targets:\n",
        "  - {id: d, title: D, unit: job, direction: increase, derived: 'e'}\n"
        "  - {id: e, title: E, unit: job, direction: increase, derived: 'd'}\n"
        "targets:\n",
    )
    found = validate_plan(_write(tmp_path, text), extensions=core_extensions()).problems
    (cycle,) = [p for p in found if p.code == P.CYCLE]
    assert cycle.message == "derived metrics refer to each other in a cycle: d -> e -> d"
    assert cycle.location == _at(text, "{id: d,") == Location("plan.yaml", 19, 5)
    # listed the other way round, the cycle starts, and is placed, at the other metric
    lines = text.splitlines(keepends=True)
    at_d = lines.index("  - {id: d, title: D, unit: job, direction: increase, derived: 'e'}\n")
    lines[at_d], lines[at_d + 1] = lines[at_d + 1], lines[at_d]
    swapped = "".join(lines)
    found = validate_plan(_write(tmp_path, swapped), extensions=core_extensions()).problems
    (cycle,) = [p for p in found if p.code == P.CYCLE]
    assert cycle.message == "derived metrics refer to each other in a cycle: e -> d -> e"
    assert cycle.location == _at(swapped, "{id: e,") == Location("plan.yaml", 19, 5)
