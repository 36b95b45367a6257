"""What keeps evaluation cheap: the goal graph built once per plan, one combination per
distinct set of children in the roll-up, the unit registry without a cache folder.

No timings here (speed goals live in ``benchmarks/``): these check that the shortcuts
exist and change no result.
"""

from __future__ import annotations

import gc
from typing import Any

import attrs
import numpy as np
import pytest

from regionplan import hookimpl
from regionplan.data.series import Series
from regionplan.evaluation.evaluator import evaluate
from regionplan.evaluation.rollup import WeightedScore
from regionplan.evaluation.status import Status
from regionplan.plan import graph as graph_module
from regionplan.plan import units
from regionplan.plan.graph import GoalGraph
from regionplan.plan.model import (
    Contribution,
    Direction,
    Element,
    ElementKind,
    Label,
    Metric,
    Plan,
    PlanMeta,
    SourceSpec,
    Target,
    TargetKind,
)
from regionplan.plan.periods import Period
from regionplan.plan.units import parse_unit
from regionplan.testing import core_extensions
from strategies import region_of

IDLE = tuple(f"idle-{i}" for i in range(6))


def _plan() -> tuple[Plan, Series]:
    """A vision, a main goal with one measured sub-goal, and six sub-goals nothing measures."""

    def el(id: str, kind: ElementKind, *parents: str) -> Element:
        return Element(id, kind, Label.of(id), contributes_to=tuple(Contribution(p, 1.0) for p in parents))

    plan = Plan(
        PlanMeta("p", Label.of("P"), 2020, 2030),
        region_of(("3209",)),
        elements=(
            el("vision", ElementKind.VISION),
            el("main", ElementKind.MAIN_GOAL, "vision"),
            el("measured", ElementKind.SUB_GOAL, "main"),
            *(el(i, ElementKind.SUB_GOAL, "main") for i in IDLE),
        ),
        metrics=(Metric("x", Label.of("X"), "job", Direction.INCREASE, sources=(SourceSpec("inline"),)),),
        targets=(Target("up", "measured", "x", TargetKind.LEVEL, value=5.0, deadline="2030"),),
    )
    series = Series(
        ("3209",),
        [Period.year(y) for y in (2020, 2021, 2022)],
        np.array([[4.0, 6.0, 7.0]]),
        parse_unit("job"),
    )
    return plan, series


def test_the_goal_graph_is_built_once_per_plan(extensions: Any) -> None:
    plan, series = _plan()
    first = evaluate(plan, {"x": series}, as_of="2025-01-01", extensions=extensions)
    second = evaluate(plan, {"x": series}, as_of="2025-01-01", extensions=extensions)
    assert first.graph is second.graph is GoalGraph.of(plan)
    other = attrs.evolve(plan, elements=plan.elements[:-1])  # an equal-looking but other plan
    assert GoalGraph.of(other) is not first.graph
    assert IDLE[-1] not in GoalGraph.of(other) and IDLE[-1] in GoalGraph.of(plan)


def test_a_cached_graph_goes_with_its_plan() -> None:
    plan, _ = _plan()
    GoalGraph.of(plan)
    key = id(plan)
    assert key in graph_module._BUILT
    del plan
    gc.collect()
    assert key not in graph_module._BUILT


def test_elements_with_the_same_children_are_combined_once(extensions: Any) -> None:
    """Six sub-goals without children (and the measured one) need two combinations, not seven;
    every one of them still gets its own result."""
    calls: list[tuple[int, ...]] = []

    class Counting(WeightedScore):
        def combine_many(self, codes: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
            calls.append(codes.shape)
            return super().combine_many(codes, weights)

    class Plugin:
        @hookimpl
        def regionplan_register_rollup_policies(self, register: Any) -> None:
            register("counting", Counting())

    plan, series = _plan()
    expected = evaluate(plan, {"x": series}, as_of="2025-01-01", extensions=extensions)
    ev = evaluate(
        plan, {"x": series}, as_of="2025-01-01", extensions=core_extensions(Plugin()), rollup="counting"
    )
    # sub-goals: one call for the six without children, one for "measured"; then main, vision
    assert sorted(calls) == sorted([(0, 1), (1, 1), (7, 1), (1, 1)])
    for node in ("vision", "main", "measured", *IDLE):
        got, want = ev.goal(node), expected.goal(node)
        assert (got.status, got.coverage, got.mix, got.caveats) == (
            want.status,
            want.coverage,
            want.mix,
            want.caveats,
        )
        assert got.score == want.score or (got.score is None and want.score is None)
    idle = ev.goal(IDLE[0])
    assert idle.status is Status.INSUFFICIENT_DATA and idle.caveats == ("unmeasured",)
    assert ev.goal("main").coverage == pytest.approx(1 / 7)


def test_the_registry_is_built_without_a_cache_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where pint's cache folder cannot be used, the definitions are parsed instead."""
    import pint

    real = pint.UnitRegistry

    def refuse_cache(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("cache_folder") is not None:
            raise OSError("read-only cache folder")
        return real(*args, **kwargs)

    monkeypatch.setattr(pint, "UnitRegistry", refuse_cache)
    ureg = units._build.__wrapped__()  # a fresh registry, not the library's
    assert str(ureg.parse_units("job / person")) == "job / person"
    assert ureg.Quantity(1, "MNOK").to("NOK").magnitude == 1e6
