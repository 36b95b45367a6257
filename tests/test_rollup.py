"""Roll-up policies: bounds, coverage, worst child, multi-parent elements.

The statuses in the property tests are synthetic (made up by Hypothesis).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from regionplan.data.series import Series
from regionplan.evaluation.evaluator import evaluate
from regionplan.evaluation.rollup import ChildStatus, WeightedScore, WorstChild
from regionplan.evaluation.status import Status
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
from strategies import region_of

children = st.lists(
    st.builds(
        ChildStatus,
        st.sampled_from(["a", "b", "c", "d", "e"]),
        st.sampled_from(list(Status)),
        st.sampled_from([0.5, 1.0, 2.0, 3.0]),
    ),
    max_size=8,
)


@given(children)
def test_synthetic_weighted_score_lies_within_the_childrens_bounds(kids: list[ChildStatus]) -> None:
    r = WeightedScore().combine(kids)
    voting = [c for c in kids if c.status is not Status.INSUFFICIENT_DATA]
    if not voting:
        assert r.status is Status.INSUFFICIENT_DATA and r.score is None and r.coverage == 0.0
        return
    codes = [c.status.code for c in voting]
    assert min(codes) <= r.status.code <= max(codes)
    scores = [c.status.score for c in voting]
    assert min(scores) - 1e-12 <= r.score <= max(scores) + 1e-12
    total = sum(c.weight for c in kids)
    assert r.coverage == pytest.approx(sum(c.weight for c in voting) / total)
    if all(c.status is Status.ACHIEVED for c in voting):
        assert r.status is Status.ACHIEVED


@given(children)
def test_synthetic_worst_child(kids: list[ChildStatus]) -> None:
    r = WorstChild().combine(kids)
    voting = [c for c in kids if c.status is not Status.INSUFFICIENT_DATA]
    if not voting:
        assert r.status is Status.INSUFFICIENT_DATA
    else:
        assert r.status.code == min(c.status.code for c in voting)
        assert r.coverage == pytest.approx(sum(c.weight for c in voting) / sum(c.weight for c in kids))


def test_weighted_score_by_hand() -> None:
    kids = [
        ChildStatus("a", Status.ACHIEVED, 1.0),
        ChildStatus("b", Status.OFF_TRACK, 3.0),
        ChildStatus("c", Status.INSUFFICIENT_DATA, 4.0),
    ]
    r = WeightedScore().combine(kids)
    assert r.score == pytest.approx(0.25)  # (1*1 + 3*0) / 4
    assert r.status is Status.OFF_TRACK
    assert r.coverage == pytest.approx(0.5)
    r = WeightedScore().combine(
        [ChildStatus("a", Status.ACHIEVED, 1.0), ChildStatus("b", Status.OFF_TRACK, 1.0)]
    )
    assert r.score == 0.5 and r.status is Status.ON_TRACK
    r = WorstChild().combine(kids)
    assert r.status is Status.OFF_TRACK and r.score == 0.0


def test_multi_parent_rollup_through_evaluate(extensions: Any) -> None:
    """An element under two parents votes in both, with each edge's weight."""

    def el(id: str, kind: ElementKind, *parents: tuple[str, float]) -> Element:
        return Element(id, kind, Label.of(id), contributes_to=tuple(Contribution(p, w) for p, w in parents))

    plan = Plan(
        PlanMeta("p", Label.of("P"), 2020, 2030),
        region_of(("3209",)),
        elements=(
            el("vision", ElementKind.VISION),
            el("m1", ElementKind.MAIN_GOAL, ("vision", 1.0)),
            el("m2", ElementKind.MAIN_GOAL, ("vision", 1.0)),
            el("shared", ElementKind.SUB_GOAL, ("m1", 3.0), ("m2", 1.0)),
            el("own", ElementKind.SUB_GOAL, ("m2", 1.0)),
        ),
        metrics=(Metric("x", Label.of("X"), "job", Direction.INCREASE, sources=(SourceSpec("inline"),)),),
        targets=(
            Target("up", "shared", "x", TargetKind.LEVEL, value=5.0, deadline="2030"),  # achieved
            Target("far", "own", "x", TargetKind.LEVEL, value=1e9, deadline="2022"),  # deadline passed
        ),
    )
    series = Series(
        ("3209",),
        [Period.year(y) for y in (2020, 2021, 2022)],
        np.array([[4.0, 6.0, 7.0]]),
        parse_unit("job"),
    )
    ev = evaluate(plan, {"x": series}, as_of="2025-01-01", extensions=extensions)
    assert ev.status_of("up") is Status.ACHIEVED
    assert ev.status_of("far") is Status.OFF_TRACK
    assert ev.status_of("shared") is Status.ACHIEVED
    assert ev.status_of("m1") is Status.ACHIEVED
    m2 = ev.goal("m2")
    assert {c.id for c in m2.children} == {"shared", "own"}
    assert m2.score == pytest.approx(0.5)
    assert m2.status is Status.ON_TRACK
    assert {(c.id, c.weight) for c in ev.goal("m1").children} == {("shared", 3.0)}
    vision = ev.goal("vision")
    assert vision.score == pytest.approx(0.875)  # (1 + 0.75) / 2
    assert vision.status is Status.ON_TRACK
    worst = evaluate(plan, {"x": series}, as_of="2025-01-01", extensions=extensions, rollup="worst_child")
    assert worst.status_of("m2") is Status.OFF_TRACK
    assert worst.status_of("vision") is Status.OFF_TRACK


@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(list(Status)), st.floats(0.1, 5.0)), min_size=0, max_size=6),
        min_size=1,
        max_size=8,
    ).filter(lambda areas: len({len(a) for a in areas}) == 1)
)
def test_array_roll_up_equals_the_per_area_roll_up(areas: list[list[tuple[Status, float]]]) -> None:
    """``combine_many`` (all areas at once) agrees with ``combine`` area by area (synthetic statuses)."""
    k = len(areas[0])
    weights = np.array([w for _, w in areas[0]]) if k else np.zeros(0)
    codes = np.array([[s.code for s, _ in area] for area in areas], dtype=np.int8).T.reshape(k, len(areas))
    for policy in (WeightedScore(), WorstChild()):
        status, score, coverage = policy.combine_many(codes, weights)
        for i, area in enumerate(areas):
            one = policy.combine([ChildStatus(str(j), s, float(weights[j])) for j, (s, _) in enumerate(area)])
            assert Status.from_code(int(status[i])) is one.status
            assert coverage[i] == pytest.approx(one.coverage)
            if one.score is None:
                assert np.isnan(score[i])
            else:
                assert score[i] == pytest.approx(one.score)


def test_a_plugin_policy_with_only_combine_works_in_every_area(tmp_path: Any) -> None:
    """A third-party roll-up policy implements ``combine``; the default ``combine_many`` calls it per area."""
    from regionplan import hookimpl
    from regionplan.evaluation.rollup import Rollup, RollupPolicy
    from regionplan.testing import core_extensions

    class BestChild(RollupPolicy):
        name = "best_child"

        def combine(self, children: Any) -> Rollup:
            voting = [c for c in children if c.status is not Status.INSUFFICIENT_DATA]
            best = max((c.status for c in voting), key=lambda s: s.code, default=Status.INSUFFICIENT_DATA)
            return Rollup(best, best.score, self.coverage(children), tuple(children), self.name)

    class Plugin:
        @hookimpl
        def regionplan_register_rollup_policies(self, register: Any) -> None:
            register("best_child", BestChild())

    policy = BestChild()
    codes = np.array([[3, 1, 0], [1, 1, 0]], dtype=np.int8)  # two children, three areas (synthetic)
    status, score, coverage = policy.combine_many(codes, np.array([1.0, 3.0]))
    assert [Status.from_code(int(s)) for s in status] == [
        Status.ACHIEVED,
        Status.OFF_TRACK,
        Status.INSUFFICIENT_DATA,
    ]
    assert list(coverage) == [1.0, 1.0, 0.0] and score[0] == 1.0 and np.isnan(score[2])
    assert "best_child" in core_extensions(Plugin()).rollup_policies
