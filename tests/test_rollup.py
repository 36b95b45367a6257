"""Roll-up policies: bounds, monotonicity, coverage, mix and caveats, worst child, multi-parent elements.

The statuses in the property tests are synthetic (made up by Hypothesis).
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from regionplan.data.series import Series
from regionplan.evaluation.evaluator import evaluate
from regionplan.evaluation.explain import explain_goal, format_share
from regionplan.evaluation.rollup import (
    CAVEATS,
    MEASURED,
    ChildStatus,
    Rollup,
    RollupPolicy,
    WeightedScore,
    WorstChild,
    describe_many,
)
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
        st.sampled_from([0.1, 0.3, 0.5, 1.0, 2.0, 3.0]),
    ),
    max_size=8,
)
policies = st.sampled_from([WeightedScore(), WorstChild()])
#: Better statuses, one step at a time (insufficient data is no step: it adds a vote).
BETTER = {Status.OFF_TRACK: Status.ON_TRACK, Status.ON_TRACK: Status.ACHIEVED}


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
    # on track (or better) exactly when the measured children stand on average at least on track
    assert (r.status.code >= Status.ON_TRACK.code) == (r.score >= 0.75 - 1e-9)


@given(children, policies)
def test_synthetic_mix_and_caveats_describe_the_measured_children(
    kids: list[ChildStatus], policy: RollupPolicy
) -> None:
    r = policy.combine(kids)
    total = sum(c.weight for c in kids)
    for s in MEASURED:
        assert r.mix[s] == sum(c.status is s for c in kids)
        expected = sum(c.weight for c in kids if c.status is s) / total if kids else 0.0
        assert r.mix_weight[s] == pytest.approx(expected)
    assert Status.INSUFFICIENT_DATA not in r.mix
    assert sum(r.mix_weight.values()) == pytest.approx(r.coverage)
    n_measured = sum(r.mix.values())
    assert ("unmeasured" in r.caveats) == (n_measured == 0)
    assert ("partly_measured" in r.caveats) == (n_measured > 0 and r.coverage < 0.5 - 1e-9)
    positive = r.mix[Status.ACHIEVED] + r.mix[Status.ON_TRACK]
    assert ("mixed" in r.caveats) == (positive > 0 and r.mix[Status.OFF_TRACK] > 0)
    assert list(r.caveats) == [c for c in CAVEATS if c in r.caveats]
    if "unmeasured" in r.caveats:
        assert r.status is Status.INSUFFICIENT_DATA


@given(children, policies, st.data())
def test_synthetic_improving_one_child_never_worsens_the_parent(
    kids: list[ChildStatus], policy: RollupPolicy, data: st.DataObject
) -> None:
    """One child a step better (off track -> on track -> achieved, or no data -> achieved)."""
    improvable = [i for i, c in enumerate(kids) if c.status is not Status.ACHIEVED]
    if not improvable:
        return
    i = data.draw(st.sampled_from(improvable))
    better = BETTER.get(kids[i].status, Status.ACHIEVED)
    improved = [*kids[:i], attrs.evolve(kids[i], status=better), *kids[i + 1 :]]
    before, after = policy.combine(kids), policy.combine(improved)
    assert after.status.code >= before.status.code
    if before.score is not None:
        assert after.score is not None and after.score >= before.score - 1e-12


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
    assert r.mix == {Status.ACHIEVED: 1, Status.ON_TRACK: 0, Status.OFF_TRACK: 1}
    assert r.mix_weight == pytest.approx(
        {Status.ACHIEVED: 0.125, Status.ON_TRACK: 0.0, Status.OFF_TRACK: 0.375}
    )
    assert r.caveats == ("mixed",)  # exactly half measured is not "partly measured"
    r = WorstChild().combine(kids)
    assert r.status is Status.OFF_TRACK and r.score == 0.0 and r.caveats == ("mixed",)


@pytest.mark.parametrize(
    ("statuses", "weights", "score", "status"),
    [
        # an achieved child does not make up for one off track: score 0.5 is off track
        ((Status.ACHIEVED, Status.OFF_TRACK), (1.0, 1.0), 0.5, Status.OFF_TRACK),
        # three achieved to one off track stand on average exactly on track
        ((Status.ACHIEVED, Status.OFF_TRACK), (3.0, 1.0), 0.75, Status.ON_TRACK),
        ((Status.ACHIEVED, Status.OFF_TRACK), (0.3, 0.1), 0.75, Status.ON_TRACK),  # 0.3/0.4 < 0.75 in floats
        ((Status.ACHIEVED, Status.OFF_TRACK), (2.9, 1.0), 2.9 / 3.9, Status.OFF_TRACK),
        ((Status.ACHIEVED, Status.ON_TRACK), (1.0, 1.0), 0.875, Status.ON_TRACK),
        ((Status.ON_TRACK, Status.ON_TRACK), (0.1, 0.2), 0.75, Status.ON_TRACK),
        ((Status.ON_TRACK, Status.OFF_TRACK), (9.0, 1.0), 0.675, Status.OFF_TRACK),
        ((Status.ACHIEVED, Status.ACHIEVED), (1.0, 2.0), 1.0, Status.ACHIEVED),
    ],
)
def test_weighted_score_is_on_track_only_from_the_on_track_score(
    statuses: tuple[Status, ...], weights: tuple[float, ...], score: float, status: Status
) -> None:
    kids = [ChildStatus(str(i), s, w) for i, (s, w) in enumerate(zip(statuses, weights, strict=True))]
    r = WeightedScore().combine(kids)
    assert r.score == pytest.approx(score) and r.status is status
    codes = np.array([[s.code] for s in statuses], dtype=np.int8)
    many_status, many_score, _ = WeightedScore().combine_many(codes, np.array(weights))
    assert Status.from_code(int(many_status[0])) is status and many_score[0] == pytest.approx(score)


def test_the_mix_and_caveats_cannot_be_set_by_a_policy() -> None:
    with pytest.raises(TypeError):
        Rollup(Status.ACHIEVED, 1.0, 1.0, (), "p", caveats=())  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("share", "en", "nb"),
    [
        (0.1, "10 %", "10 %"),
        (0.0, "0 %", "0 %"),
        (1.0, "100 %", "100 %"),
        (1 / 3, "33 %", "33 %"),
        (0.004, "< 1 %", "< 1 %"),
        (0.996, "> 99 %", "> 99 %"),
    ],
)
def test_a_share_is_never_rounded_to_none_or_all(share: float, en: str, nb: str) -> None:
    assert format_share(share, "en") == en and format_share(share, "nb") == nb


def _multi_parent_plan() -> tuple[Plan, Series]:
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
            el("idle", ElementKind.SUB_GOAL, ("m1", 1.0)),  # nothing measures it
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
    return plan, series


def test_multi_parent_rollup_through_evaluate(extensions: Any) -> None:
    """An element under two parents votes in both, with each edge's weight."""
    plan, series = _multi_parent_plan()
    ev = evaluate(plan, {"x": series}, as_of="2025-01-01", extensions=extensions)
    assert ev.status_of("up") is Status.ACHIEVED
    assert ev.status_of("far") is Status.OFF_TRACK
    assert ev.status_of("shared") is Status.ACHIEVED
    assert ev.status_of("m1") is Status.ACHIEVED
    m2 = ev.goal("m2")
    assert {c.id for c in m2.children} == {"shared", "own"}
    assert m2.score == pytest.approx(0.5)
    assert m2.status is Status.OFF_TRACK  # one achieved, one off track: not on track
    assert {(c.id, c.weight) for c in ev.goal("m1").children} == {("shared", 3.0), ("idle", 1.0)}
    vision = ev.goal("vision")
    assert vision.score == pytest.approx(0.5)  # (1 + 0) / 2
    assert vision.status is Status.OFF_TRACK
    worst = evaluate(plan, {"x": series}, as_of="2025-01-01", extensions=extensions, rollup="worst_child")
    assert worst.status_of("m2") is Status.OFF_TRACK
    assert worst.status_of("vision") is Status.OFF_TRACK


def test_goal_results_carry_coverage_mix_and_caveats(extensions: Any) -> None:
    plan, series = _multi_parent_plan()
    ev = evaluate(plan, {"x": series}, as_of="2025-01-01", extensions=extensions)
    m1, m2, idle = ev.goal("m1"), ev.goal("m2"), ev.goal("idle")
    assert m1.coverage == pytest.approx(0.75)  # "shared" (weight 3) measured, "idle" (1) not
    assert m1.mix == {Status.ACHIEVED: 1, Status.ON_TRACK: 0, Status.OFF_TRACK: 0}
    assert m1.mix_weight[Status.ACHIEVED] == pytest.approx(0.75) and m1.caveats == ()
    assert m2.mix == {Status.ACHIEVED: 1, Status.ON_TRACK: 0, Status.OFF_TRACK: 1}
    assert m2.caveats == ("mixed",)
    assert idle.caveats == ("unmeasured",) and idle.status is Status.INSUFFICIENT_DATA
    assert (
        m2.explain("en")
        == "Off track — 100 % measured; 1 achieved, 1 off track. Note: the measured parts disagree."
    )
    assert (
        m2.explain("nb") == "Ikke i rute — 100 % målt; 1 nådd, 1 ikke i rute. Merk: de målte delene spriker."
    )
    assert idle.explain("nb") == "For lite data — ingen del er målt."
    assert m1.explain("en") == "Achieved — 75 % measured; 1 achieved."
    frame = ev.goals_frame().set_index("element")
    assert frame.loc["m2", ["achieved", "on_track", "off_track"]].tolist() == [1, 0, 1]
    assert frame.loc["m2", "caveats"] == "mixed" and frame.loc["m1", "caveats"] == ""
    assert frame.loc["m1", "coverage"] == pytest.approx(0.75)


def test_a_partly_measured_goal_is_explained_as_such() -> None:
    kids = [ChildStatus("a", Status.ACHIEVED), ChildStatus("b", Status.OFF_TRACK)]
    kids += [ChildStatus(f"u{i}", Status.INSUFFICIENT_DATA) for i in range(18)]
    r = WeightedScore().combine(kids)
    assert r.coverage == pytest.approx(0.1) and r.caveats == ("partly_measured", "mixed")
    from regionplan.evaluation.results import GoalResult

    goal = GoalResult(
        Element("g", ElementKind.MAIN_GOAL, Label.of("G")),
        "r",
        Status.ON_TRACK,  # as a lenient policy might say
        r.score,
        r.coverage,
        r.children,
        "lenient",
        True,
        r.mix,
        r.mix_weight,
        r.caveats,
    )
    assert explain_goal(goal, "en") == (
        "On track — 10 % measured; 1 achieved, 1 off track. "
        "Note: less than half is measured; the measured parts disagree."
    )
    assert explain_goal(goal, "nb") == (
        "I rute — 10 % målt; 1 nådd, 1 ikke i rute. Merk: under halvparten er målt; de målte delene spriker."
    )


@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(list(Status)), st.floats(0.1, 5.0)), min_size=0, max_size=6),
        min_size=1,
        max_size=8,
    ).filter(lambda areas: len({len(a) for a in areas}) == 1)
)
def test_array_roll_up_equals_the_per_area_roll_up(areas: list[list[tuple[Status, float]]]) -> None:
    """``combine_many`` and ``describe_many`` (all areas at once) agree with ``combine`` area by area
    (synthetic statuses)."""
    k = len(areas[0])
    weights = np.array([w for _, w in areas[0]]) if k else np.zeros(0)
    codes = np.array([[s.code for s, _ in area] for area in areas], dtype=np.int8).T.reshape(k, len(areas))
    described = describe_many(codes, weights)
    for policy in (WeightedScore(), WorstChild()):
        status, score, coverage = policy.combine_many(codes, weights)
        for i, area in enumerate(areas):
            one = policy.combine([ChildStatus(str(j), s, float(weights[j])) for j, (s, _) in enumerate(area)])
            assert Status.from_code(int(status[i])) is one.status
            assert coverage[i] == pytest.approx(one.coverage)
            assert described.coverage[i] == pytest.approx(one.coverage)
            assert described.mix(i) == one.mix
            assert described.mix_weight(i) == pytest.approx(one.mix_weight)
            assert described.caveats_of(i) == one.caveats
            if one.score is None:
                assert np.isnan(score[i])
            else:
                assert score[i] == pytest.approx(one.score)


def test_a_plugin_policy_with_only_combine_works_in_every_area(extensions: Any) -> None:
    """A third-party roll-up policy implements ``combine``; the default ``combine_many`` calls it per
    area, and coverage, mix and caveats come from the base class."""
    from regionplan import hookimpl
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
    ext = core_extensions(Plugin())
    assert "best_child" in ext.rollup_policies
    one = policy.combine([ChildStatus("a", Status.ACHIEVED), ChildStatus("b", Status.OFF_TRACK)])
    assert one.mix[Status.OFF_TRACK] == 1 and one.caveats == ("mixed",)
    plan, series = _multi_parent_plan()
    ev = evaluate(plan, {"x": series}, as_of="2025-01-01", extensions=ext, rollup="best_child")
    m2 = ev.goal("m2")
    assert m2.status is Status.ACHIEVED and m2.policy == "best_child"
    assert m2.caveats == ("mixed",) and m2.mix[Status.OFF_TRACK] == 1 and m2.coverage == 1.0


# -- cases the mutation run found untested (synthetic statuses) ------------------------------------


def test_each_policy_names_itself_in_its_roll_up() -> None:
    for policy in (WeightedScore(), WorstChild()):
        for kids in ([], [ChildStatus("a", Status.ON_TRACK)]):
            assert policy.combine(kids).policy == policy.name


def test_children_of_no_weight_give_no_score() -> None:
    rolled = WeightedScore().combine([ChildStatus("a", Status.ON_TRACK, 0.0)])
    assert (rolled.status, rolled.score) == (Status.INSUFFICIENT_DATA, None)


def test_children_all_off_track_are_not_mixed() -> None:
    codes = np.array([[1, 1, 3], [1, 2, 3]], dtype=np.int8)  # two children, three areas
    described = describe_many(codes, np.array([1.0, 1.0]))
    assert [described.caveats_of(i) for i in range(3)] == [(), ("mixed",), ()]
    assert np.issubdtype(described.counts.dtype, np.integer)


def test_each_area_rolls_up_on_its_own() -> None:
    # area 0 achieved, area 1 off track, area 2 unmeasured: no area borrows another's status
    codes = np.array([[3, 1, 0], [3, 2, 0]], dtype=np.int8)
    weights = np.array([1.0, 2.0])
    for policy, expected in ((WorstChild(), [3, 1, 0]), (WeightedScore(), [3, 1, 0])):
        status, _, _ = policy.combine_many(codes, weights)
        assert status.tolist() == expected, policy.name


def test_an_area_with_no_vote_gives_no_warning() -> None:
    import warnings

    codes = np.array([[0, 2]], dtype=np.int8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status, score, _ = WeightedScore().combine_many(codes, np.array([1.0]))
    assert status.tolist() == [0, 2] and np.isnan(score[0]) and score[1] == 0.75


def test_a_plugin_policy_sees_each_child_once_with_its_weight() -> None:
    seen: list[list[tuple[str, Status, float]]] = []

    class Recording(RollupPolicy):
        name = "recording"

        def combine(self, children: Any) -> Rollup:
            seen.append([(c.id, c.status, c.weight) for c in children])
            return Rollup(Status.ON_TRACK, 0.75, self.coverage(children), tuple(children), self.name)

    Recording().combine_many(np.array([[3], [1]], dtype=np.int8), np.array([0.5, 2.0]))
    ((first, second),) = seen
    assert isinstance(first[0], str) and first[0] != second[0]
    assert (first[1:], second[1:]) == ((Status.ACHIEVED, 0.5), (Status.OFF_TRACK, 2.0))


def test_children_without_a_status_roll_up_without_numpy_warnings() -> None:
    import warnings

    from regionplan.evaluation.rollup import WeightedScore

    # two children, three areas: none measured, one measured, both measured
    na, on, off = (s.code for s in (Status.INSUFFICIENT_DATA, Status.ON_TRACK, Status.OFF_TRACK))
    codes = np.array([[na, on, on], [na, na, off]], dtype=np.int8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status, score, coverage = WeightedScore().combine_many(codes, np.array([1.0, 1.0]))
    assert [Status.from_code(int(c)) for c in status] == [
        Status.INSUFFICIENT_DATA,
        Status.ON_TRACK,
        Status.OFF_TRACK,
    ]
    assert np.isnan(score[0]) and score[1] == pytest.approx(0.75) and score[2] == pytest.approx(0.375)
    assert list(coverage) == pytest.approx([0.0, 0.5, 1.0])
