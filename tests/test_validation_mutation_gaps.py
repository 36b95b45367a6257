"""Validation: exact places and messages that the other validation tests leave open.

Each test pins a value a changed line of :mod:`regionplan.plan.validation` would alter: where a
comparator's problem is placed, the graph a plugin's check is given, the message when a
plugin's check returns something that is not a problem, and the metric a cycle of derived
metrics is reported at.
"""

from __future__ import annotations

import gc
import textwrap
import types
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

import regionplan
from regionplan import hookimpl
from regionplan.data.dataset import build_dataset
from regionplan.data.sources.inline import InlineSource
from regionplan.errors import Location, PlanError, PluginError, Problem
from regionplan.plan import problems as P
from regionplan.plan import validation
from regionplan.plan.files import validate_plan
from regionplan.plan.graph import EdgeKind, GoalGraph
from regionplan.plan.model import Metric, PlanMeta, Target
from regionplan.testing import core_extensions, write_plan
from test_python_api import INLINE_PLAN, _count_checks, population_series, python_plan

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


# -- what `check` remembers, and with which data and plugins ---------------------------------


def _population_frame() -> Any:
    import pandas as pd

    series = population_series()
    rows = [
        {"metric": "population", "area": area, "period": p.label, "value": series.values[i, j]}
        for i, area in enumerate(series.areas)
        for j, p in enumerate(series.periods)
        if not np.isnan(series.values[i, j])
    ]
    return pd.DataFrame(rows)


def test_a_data_set_counts_for_the_metrics_it_holds_and_a_frame_for_every_metric() -> None:
    plan = python_plan()
    held = build_dataset(plan, {"population": population_series()})
    assert [p.code for p in regionplan.check(plan, data=held)] == []
    # the data set of the plan before a metric was added: the new metric has neither data nor source
    jobs = Metric("jobs", "Arbeidsplasser", "job", "increase")
    revised = attrs.evolve(plan, metrics=(*plan.metrics, jobs))
    found = [p for p in regionplan.check(revised, data=held) if p.is_error]
    assert [(p.code, str(p.location)) for p in found] == [(P.NO_DATA_DEFINITION, "metrics[1]")]
    frame = _population_frame()
    assert "metrics" not in dir(frame)  # a frame says nothing of its metrics: it counts for all
    assert [p.code for p in regionplan.check(plan, data=frame)] == []
    # checked on these data, the plan is evaluated on them without another check
    result = regionplan.evaluate(plan, frame, as_of="2024-06-01")
    assert result.targets[0].latest is not None and result.targets[0].latest.value == 43814.0


def _custom_source() -> types.ModuleType:
    """A plugin with the source ``custom``: the inline source under another name."""
    module = types.ModuleType("custom_source")

    def regionplan_register_sources(register: Any) -> None:
        register("custom", InlineSource)

    module.regionplan_register_sources = hookimpl(regionplan_register_sources)  # type: ignore[attr-defined]
    return module


def test_a_plan_is_checked_with_the_plugins_it_is_evaluated_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_custom = core_extensions(_custom_source())
    folder = write_plan(tmp_path, INLINE_PLAN.replace("name: inline", "name: custom"))
    plan = regionplan.load_plan(folder, extensions=with_custom)
    calls = _count_checks(monkeypatch)
    regionplan.evaluate(plan, as_of="2025-01-01", extensions=with_custom)
    assert calls == []  # read with these plugins: not checked again
    with pytest.raises(PlanError, match="custom"):  # the built-ins alone know no such source
        regionplan.evaluate(plan, as_of="2025-01-01", extensions=core_extensions())
    assert calls == [1]
    changed = attrs.evolve(plan, targets=(*plan.targets, Target("t2", "main-goal", "m", "level", value=3)))
    result = regionplan.evaluate(changed, as_of="2025-01-01", extensions=with_custom)
    assert calls == [1, 1] and [t.target.id for t in result.targets] == ["t", "t2"]


def test_a_plan_read_with_the_installed_plugins_is_evaluated_with_them_unchecked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = regionplan.load_plan(write_plan(tmp_path, INLINE_PLAN))
    calls = _count_checks(monkeypatch)
    result = regionplan.evaluate(plan, as_of="2025-01-01")
    assert calls == [] and [t.target.id for t in result.targets] == ["t"]


def test_refusing_unchecked_plans_knows_a_plan_checked_with_the_installed_plugins_and_a_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = regionplan.load_plan(write_plan(tmp_path, INLINE_PLAN))
    built, frame = python_plan(), _population_frame()
    assert regionplan.check(built, data=frame) == []
    calls = _count_checks(monkeypatch)
    validation.refuse_unchecked(read)  # the installed plugins, as it was read with
    validation.refuse_unchecked(built, data=frame)  # the very data it was checked on
    assert calls == []
    with pytest.raises(PlanError, match="RP209"):
        validation.refuse_unchecked(built, data={})  # no data now, and no source
    assert calls == [1]


def test_a_plan_that_is_gone_is_forgotten(tmp_path: Path) -> None:
    plan = regionplan.load_plan(write_plan(tmp_path, INLINE_PLAN), extensions=core_extensions())
    key = id(plan)
    assert key in validation._CHECKED
    del plan
    gc.collect()
    assert key not in validation._CHECKED  # a long-running program does not keep every plan's entry


def test_plugins_do_not_check_a_plan_built_in_code_with_structural_errors() -> None:
    seen: list[str] = []
    ext = core_extensions(_checker("counting", lambda plan, graph: seen.append(plan.meta.id) or []))
    data = {"population": population_series()}
    assert regionplan.check(python_plan(), data=data, extensions=ext) == []
    assert seen == ["p"]
    broken = python_plan(meta=PlanMeta("p", "P", 1700, 2030))  # a year no plan starts in
    assert [p.code for p in regionplan.check(broken, data=data, extensions=ext)] == [P.BAD_PERIOD]
    assert seen == ["p"]  # the plugins' checks run on sound plans only
