"""Status policies: properties on synthetic evidence, Open SDG worked examples, degenerate cases.

All data in the property tests are synthetic (made up by Hypothesis), not real figures.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from regionplan.data.series import Series
from regionplan.evaluation.evaluator import evaluate
from regionplan.evaluation.projection import LinearTrend
from regionplan.evaluation.status import REASONS, Evidence, Status
from regionplan.evaluation.status_policies import DefaultPolicy, OpenSdgPolicy, required_path
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
from strategies import region_of, synthetic_evidence

POLICIES = [DefaultPolicy(), OpenSdgPolicy()]
PROJECTOR = LinearTrend()


def judge(policy: Any, kw: dict[str, Any]) -> Any:
    return policy.judge(Evidence(**kw), PROJECTOR)


def statuses(j: Any) -> list[Status]:
    return [Status.from_code(int(c)) for c in j.status]


# -- properties on synthetic evidence ----------------------------------------------------------


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
@given(synthetic=synthetic_evidence(directions=(-1, 0, 1), allow_nan=True))
def test_synthetic_a_status_is_exactly_one_of_four(policy: Any, synthetic: dict[str, Any]) -> None:
    j = judge(policy, synthetic)
    assert set(np.asarray(j.status).tolist()) <= {0, 1, 2, 3}
    assert all(r in REASONS for r in j.reason)
    for s, r in zip(statuses(j), j.reason, strict=True):
        assert isinstance(s, Status)
        assert r
    insufficient = j.status == 0
    assert not np.any(np.isfinite(j.measure[insufficient]))


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
@given(synthetic=synthetic_evidence())
def test_synthetic_flipping_direction_and_negating_values_keeps_the_status(
    policy: Any, synthetic: dict[str, Any]
) -> None:
    flipped = dict(synthetic)
    for key in ("values", "base_value", "goal"):
        flipped[key] = -synthetic[key]
    flipped["direction"] = -synthetic["direction"]
    a, b = judge(policy, synthetic), judge(policy, flipped)
    assert statuses(a) == statuses(b)
    assert list(a.reason) == list(b.reason)


@given(synthetic=synthetic_evidence(), bump=st.floats(0.001, 1e4))
def test_synthetic_a_better_latest_value_never_gives_a_worse_status(
    synthetic: dict[str, Any], bump: float
) -> None:
    policy = DefaultPolicy()
    better = dict(synthetic)
    values = synthetic["values"].copy()
    values[:, -1] += synthetic["direction"] * bump
    better["values"] = values
    if values.shape[1] == 1:
        better["base_value"] = values[:, 0].copy()
    before, after = statuses(judge(policy, synthetic)), statuses(judge(policy, better))
    for old, new in zip(before, after, strict=True):
        if old is Status.INSUFFICIENT_DATA:
            continue
        assert new is not Status.INSUFFICIENT_DATA
        assert new.code >= old.code, (old, new)


# -- Open SDG worked examples ------------------------------------------------------------------


def one(
    base: float, latest: float, goal: float, direction: int = 1, years: float = 5, to_deadline: float = 15
) -> Any:
    kw = {
        "times": np.array([2015.0, 2015.0 + years]),
        "values": np.array([[base, latest]]),
        "direction": np.array([direction]),
        "base_time": np.array([2015.0]),
        "base_value": np.array([base]),
        "goal": np.array([goal]),
        "deadline": np.array([2015.0 + to_deadline]),
        "tolerance": np.zeros(1),
        # a target that states no value asks for improvement every year (annual_trend)
        "every_year": np.array([math.isnan(goal)]),
        "condition": np.zeros(1, dtype=bool),
        "as_of": 2015.0 + years + 0.5,
    }
    return judge(OpenSdgPolicy(), kw)


def ratio(
    base: float, latest: float, goal: float, direction: int = 1, years: float = 5, to_deadline: float = 15
) -> float:
    """The published formula: observed CAGR over required CAGR (sign by direction)."""
    observed = (latest / base) ** (1 / years) - 1
    required = (goal / base) ** (1 / to_deadline) - 1
    return direction * observed / abs(required)


@pytest.mark.parametrize(
    ("latest", "category", "status"),
    [
        (116.0, "substantial_progress", Status.ON_TRACK),
        (110.0, "moderate_progress", Status.OFF_TRACK),
        (103.0, "limited_progress", Status.OFF_TRACK),
        (95.0, "deterioration", Status.OFF_TRACK),
        (150.0, "target_achieved", Status.ACHIEVED),
        (160.0, "target_achieved", Status.ACHIEVED),
    ],
)
def test_open_sdg_with_target_worked_examples(latest: float, category: str, status: Status) -> None:
    r = ratio(100, latest, 150)
    by_hand = (
        "target_achieved"
        if latest >= 150
        else "substantial_progress"
        if r >= 0.95
        else "moderate_progress"
        if r >= 0.6
        else "limited_progress"
        if r >= 0
        else "deterioration"
    )
    assert by_hand == category
    j = one(100, latest, 150)
    assert j.category[0] == category
    assert statuses(j) == [status]
    if status is not Status.ACHIEVED:
        assert j.measure[0] == pytest.approx(r)
    assert j.thresholds["high_with_target"] == 0.95 and j.thresholds["med_with_target"] == 0.6


def test_open_sdg_worked_example_numbers() -> None:
    # 100 -> 110 in 5 years, 150 required in 15: 1.1**0.2-1 = 1.924 %, 1.5**(1/15)-1 = 2.740 %
    assert ratio(100, 110, 150) == pytest.approx(0.019245 / 0.027399, rel=1e-4)
    assert 0.6 <= ratio(100, 110, 150) < 0.95


@pytest.mark.parametrize(
    ("growth", "category"),
    [
        (0.02, "substantial_progress"),
        (0.01, "moderate_progress"),
        (0.003, "limited_progress"),
        (-0.01, "deterioration"),
    ],
)
def test_open_sdg_without_target_worked_examples(growth: float, category: str) -> None:
    latest = 100 * (1 + growth) ** 5
    observed = (latest / 100) ** (1 / 5) - 1
    assert observed == pytest.approx(growth)
    by_hand = (
        "substantial_progress"
        if observed >= 0.015
        else "moderate_progress"
        if observed >= 0.005
        else "limited_progress"
        if observed >= 0
        else "deterioration"
    )
    assert by_hand == category
    j = one(100, latest, math.nan)
    assert j.category[0] == category
    assert j.measure[0] == pytest.approx(growth)


def test_open_sdg_decrease_worked_example() -> None:
    # less is better: 100 -> 90 in 5 years, 50 required in 15
    r = ratio(100, 90, 50, direction=-1)
    assert 0 <= r < 0.6
    j = one(100, 90, 50, direction=-1)
    assert j.category[0] == "limited_progress"
    assert j.measure[0] == pytest.approx(r)


# -- degenerate cases through evaluate -------------------------------------------------------------


def money_plan(unit: str, target: Target) -> Plan:
    return Plan(
        PlanMeta("p", Label.of("P"), 2020, 2030),
        region_of(("3209",)),
        elements=(
            Element("vision", ElementKind.VISION, Label.of("V")),
            Element("goal", ElementKind.MAIN_GOAL, Label.of("G"), contributes_to=(Contribution("vision"),)),
        ),
        metrics=(
            Metric("money", Label.of("Money"), unit, Direction.INCREASE, sources=(SourceSpec("inline"),)),
        ),
        targets=(target,),
    )


def money(values: list[float], unit: str = "NOK") -> Series:
    periods = [Period.year(2020 + i) for i in range(len(values))]
    return Series(("3209",), periods, np.array([values], dtype=float), parse_unit(unit))


def result(plan: Plan, series: Series, extensions: Any) -> Any:
    ev = evaluate(plan, {"money": series}, as_of="2027-01-01", extensions=extensions)
    (r,) = ev.targets
    return r


def target(**kw: Any) -> Target:
    kw.setdefault("deadline", "2030")
    return Target("t", "goal", "money", kw.pop("kind", TargetKind.CHANGE), **kw)


@pytest.mark.parametrize(
    ("t", "values", "reason"),
    [
        (
            target(kind=TargetKind.LEVEL, value=5.0, baseline="2020", policy="open_sdg"),
            [5, 4, 3],
            "target_equals_baseline",
        ),
        (
            target(kind=TargetKind.LEVEL, value=5.0, baseline="2020", policy="open_sdg"),
            [0, 1, 2],
            "zero_baseline",
        ),
        (target(change=10.0, relative=True, baseline="2020", policy="open_sdg"), [0, 1, 2], "zero_baseline"),
        # a percentage of zero is no target at all
        (target(change=10.0, relative=True, baseline="2020"), [0, 1, 2], "zero_baseline"),
        (target(kind=TargetKind.LEVEL, value=50.0), [5], "one_point"),
        (target(kind=TargetKind.LEVEL, value=50.0, policy="open_sdg"), [5], "one_point"),
        (target(change=1.0, baseline="2021"), [5, math.nan, 7], "no_baseline"),
    ],
)
def test_degenerate_cases_give_insufficient_data_with_a_reason(
    extensions: Any, t: Target, values: list[float], reason: str
) -> None:
    r = result(money_plan("NOK", t), money(values), extensions)
    assert r.status is Status.INSUFFICIENT_DATA
    assert r.reason == reason
    assert r.measure is None or math.isfinite(r.measure)
    assert r.explain()  # a sentence, no crash


@given(
    values=st.lists(st.floats(1e3, 1e9), min_size=2, max_size=6),
    goal=st.floats(1e3, 2e9),
    policy=st.sampled_from(["default", "open_sdg"]),
)
def test_synthetic_same_data_in_nok_or_mnok_gives_the_same_status(
    extensions: Any, values: list[float], goal: float, policy: str
) -> None:
    # exact ties between a value and the goal may round either way after conversion
    assume(all(abs(goal - v) > 1e-6 * goal for v in values))
    in_nok = result(
        money_plan("NOK", target(kind=TargetKind.LEVEL, value=goal, policy=policy)), money(values), extensions
    )
    in_mnok = result(
        money_plan("MNOK", target(kind=TargetKind.LEVEL, value=goal / 1e6, policy=policy)),
        money(values).to("MNOK"),
        extensions,
    )
    # a target written in NOK on a metric in MNOK
    mixed = result(
        money_plan("MNOK", target(kind=TargetKind.LEVEL, value=goal, value_unit="NOK", policy=policy)),
        money(values).to("MNOK"),
        extensions,
    )
    if in_nok.projection is not None:
        assume(abs(in_nok.projection.value - goal) > 1e-6 * goal)
    assert in_nok.status is in_mnok.status is mixed.status
    assert in_nok.reason == in_mnok.reason == mixed.reason
    assert in_mnok.latest.value == pytest.approx(values[-1] / 1e6)


def test_raw_series_in_another_unit_is_converted(extensions: Any) -> None:
    plan = money_plan("MNOK", target(kind=TargetKind.LEVEL, value=5.0))
    r = result(plan, money([1e6, 2e6, 3e6]), extensions)
    assert r.latest.value == pytest.approx(3.0)


def test_evidence_latest_skips_missing_cells() -> None:
    kw = {
        "times": np.array([2015.0, 2016.0, 2017.0]),
        "values": np.array([[1.0, 2.0, np.nan], [np.nan, np.nan, np.nan]]),
        "direction": np.array([1, 1]),
        "base_time": np.array([2015.0, 2015.0]),
        "base_value": np.array([1.0, np.nan]),
        "goal": np.array([3.0, 3.0]),
        "deadline": np.array([2020.0, 2020.0]),
        "tolerance": np.zeros(2),
        "every_year": np.zeros(2, dtype=bool),
        "condition": np.zeros(2, dtype=bool),
        "as_of": 2018.0,
    }
    t, v, n = Evidence(**kw).latest()
    assert t[0] == 2016.0 and v[0] == 2.0 and n.tolist() == [2, 0]
    assert math.isnan(v[1])
    j = DefaultPolicy().judge(Evidence(**kw), PROJECTOR)
    assert j.reason[1] == "no_data"
    assert attrs.has(type(j))


# -- the default policy's rules at their boundaries ------------------------------------------------
#
# One synthetic target: yearly values from 2015 (the baseline), a deadline in 2025 unless
# said otherwise. The straight path from (2015, 100) to (2025, 200) stands at 120 in 2017.


def single(
    values: list[float],
    goal: float,
    *,
    direction: int = 1,
    deadline: float = 2025.0,
    tol: float = 0.0,
    condition: bool = False,
    hold: bool = False,
    every_year: bool = False,
    undefined: str = "",
    policy: Any = None,
) -> tuple[Status, str, Any]:
    times = 2015.0 + np.arange(len(values), dtype=float)
    kw = {
        "times": times,
        "values": np.array([values], dtype=float),
        "direction": np.array([direction]),
        "base_time": np.array([2015.0]),
        "base_value": np.array([values[0]], dtype=float),
        "goal": np.array([goal]),
        "deadline": np.array([deadline]),
        "tolerance": np.array([tol]),
        "every_year": np.array([every_year]),
        "condition": np.array([condition]),
        "as_of": float(times[-1]) + 0.5,
        "hold": np.array([hold]),
        "undefined": np.array([undefined], dtype=object),
    }
    j = (policy or DefaultPolicy()).judge(Evidence(**kw), PROJECTOR)
    return Status.from_code(int(j.status[0])), str(j.reason[0]), j


A, ON, OFF, NA = Status.ACHIEVED, Status.ON_TRACK, Status.OFF_TRACK, Status.INSUFFICIENT_DATA

BOUNDARIES: list[tuple[str, list[float], float, dict[str, Any], Status, str]] = [
    ("exactly on the target", [100, 120, 140], 140, {}, A, "met"),
    ("exactly on the path", [100, 110, 120], 200, {}, ON, "ahead_of_path"),
    ("just behind the path", [100, 110, 119.9], 200, {}, OFF, "behind_path"),
    ("less is better, on the path", [100, 90, 80], 0, {"direction": -1}, ON, "ahead_of_path"),
    ("less is better, behind", [100, 90, 80.1], 0, {"direction": -1}, OFF, "behind_path"),
    ("data on the deadline, short", [100, 110, 139], 140, {"deadline": 2017.0}, OFF, "deadline_passed"),
    ("data on the deadline, met", [100, 110, 140], 140, {"deadline": 2017.0}, A, "met"),
    ("a level equal to the baseline, below it", [100, 90, 95], 100, {}, OFF, "behind_path"),
    ("a baseline beyond the goal, still beyond", [100, 120, 110], 90, {}, A, "met"),
    # maintain 50 ± 5 from 100: the path allows |90 - 50| + 5 = 45 in 2017
    ("maintain, at the path's distance", [100, 98, 95], 50, {"direction": 0, "tol": 5}, ON, "ahead_of_path"),
    ("maintain, beyond it", [100, 98, 95.1], 50, {"direction": 0, "tol": 5}, OFF, "behind_path"),
    ("maintain, tolerance from above", [100, 98, 55], 50, {"direction": 0, "tol": 5}, A, "met"),
    ("maintain, tolerance from below", [100, 98, 45], 50, {"direction": 0, "tol": 5}, A, "met"),
    ("maintain, just outside it", [100, 98, 44.9], 50, {"direction": 0, "tol": 5}, ON, "ahead_of_path"),
    (
        "a condition within its tolerance",
        [0, 1, -0.5],
        0,
        {"condition": True, "tol": 0.5},
        ON,
        "condition_holds",
    ),
    (
        "a condition just outside it",
        [0, 1, -0.51],
        0,
        {"condition": True, "tol": 0.5},
        OFF,
        "condition_fails",
    ),
    (
        "a condition held to the deadline",
        [0, 1, 0],
        0,
        {"condition": True, "deadline": 2017.0},
        A,
        "condition_holds",
    ),
    ("no decline, held so far", [5, 6, 5], 5, {"hold": True}, ON, "holding_level"),
    ("no decline, fallen", [5, 6, 4.9], 5, {"hold": True}, OFF, "level_not_held"),
    ("no decline, within tolerance", [5, 6, 4.8], 5, {"hold": True, "tol": 0.2}, ON, "holding_level"),
    ("no decline, to the deadline", [5, 6, 5], 5, {"hold": True, "deadline": 2017.0}, A, "level_held"),
    ("no decline, less is better", [5, 4, 5.1], 5, {"hold": True, "direction": -1}, OFF, "level_not_held"),
    (
        "maintain every year, steady",
        [5, 5, 5],
        math.nan,
        {"direction": 0, "every_year": True},
        ON,
        "held_steady",
    ),
    (
        "maintain every year, within tolerance",
        [5, 5.5, 4.5],
        math.nan,
        {"direction": 0, "every_year": True, "tol": 0.5},
        ON,
        "held_steady",
    ),
    (
        "maintain every year, outside",
        [5, 5, 5.6],
        math.nan,
        {"direction": 0, "every_year": True, "tol": 0.5},
        OFF,
        "not_held_steady",
    ),
    (
        "maintain every year, to the deadline",
        [5, 5.5, 4.5],
        math.nan,
        {"direction": 0, "every_year": True, "tol": 0.5, "deadline": 2017.0},
        A,
        "held_steady",
    ),
    # a level to hold where neither more nor less is better: within its band, both sides
    (
        "hold a band, above it",
        [5, 6, 5.6],
        5,
        {"hold": True, "direction": 0, "tol": 0.5},
        OFF,
        "level_not_held",
    ),
    (
        "hold a band, on its edge",
        [5, 6, 5.5],
        5,
        {"hold": True, "direction": 0, "tol": 0.5},
        ON,
        "holding_level",
    ),
    ("improve every year, steady", [5, 5, 5], math.nan, {"every_year": True}, OFF, "not_every_year"),
    (
        "improve every year, to the deadline",
        [5, 6, 7],
        math.nan,
        {"every_year": True, "deadline": 2017.0},
        A,
        "met_every_year",
    ),
    ("a zero baseline", [0, 1, 2], 0, {"undefined": "zero_baseline"}, NA, "zero_baseline"),
    ("a target value missing here", [5, 6, 7], math.nan, {}, NA, "target_value_missing"),
]


@pytest.mark.parametrize(
    ("values", "goal", "kw", "status", "reason"),
    [b[1:] for b in BOUNDARIES],
    ids=[b[0] for b in BOUNDARIES],
)
def test_default_policy_boundaries(
    values: list[float], goal: float, kw: dict[str, Any], status: Status, reason: str
) -> None:
    got, why, _ = single(values, goal, **kw)
    assert (got, why) == (status, reason)


def test_the_path_s_value_is_a_fact_a_sentence_can_cite() -> None:
    _, why, j = single([100, 110, 120], 200)
    assert why == "ahead_of_path" and j.facts["path"][0] == pytest.approx(120.0)
    _, why, j = single([100, 120, 140], 140)
    assert why == "met" and np.isnan(j.facts["path"][0])


def test_the_projection_does_not_decide_the_status() -> None:
    # ahead of the path now (120 in 2020), although the trend ends short of 140 by 2025
    status, why, j = single([100, 130, 125, 124, 123, 122], 140)
    assert j.projection.value[0] < 140
    assert (status, why) == (ON, "ahead_of_path")
    # and behind it, although the trend ends beyond
    status, why, j = single([100, 101, 102, 110, 118, 119], 140)
    assert j.projection.value[0] > 140
    assert (status, why) == (OFF, "behind_path")


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_a_target_value_missing_in_an_area_is_not_a_target_without_value(policy: Any) -> None:
    """Open SDG's no-target method is for targets that state no value, not for a missing one."""
    status, why, j = single([100, 110, 130], math.nan, policy=policy)
    assert (status, why) == (NA, "target_value_missing")
    assert j.category[0] in {"not_available", "insufficient_data"}
    status, why, j = single([100, 110, 130], math.nan, every_year=True, policy=OpenSdgPolicy())
    assert status is ON and j.category[0] == "substantial_progress"


@given(synthetic=synthetic_evidence(kinds=False))
def test_synthetic_a_value_exactly_on_the_path_is_on_track(synthetic: dict[str, Any]) -> None:
    from regionplan.evaluation.status_policies import required_path

    ev = Evidence(**synthetic)
    t, _, count = ev.latest()
    path = required_path(ev, t)
    values = synthetic["values"].copy()
    values[:, -1] = path
    j = DefaultPolicy().judge(attrs.evolve(ev, values=values), PROJECTOR)
    for i, (s, r) in enumerate(zip(statuses(j), j.reason, strict=True)):
        if count[i] < 2 or np.isnan(ev.goal[i]) or t[i] >= ev.deadline[i] or ev.every_year[i]:
            continue
        assert s in {Status.ON_TRACK, Status.ACHIEVED}, r
        if s is Status.ON_TRACK:
            assert r == "ahead_of_path"


@given(synthetic=synthetic_evidence(directions=(0,)), closer=st.floats(0.0, 1.0))
def test_synthetic_maintain_closer_to_the_goal_never_gives_a_worse_status(
    synthetic: dict[str, Any], closer: float
) -> None:
    synthetic["every_year"] = np.zeros_like(synthetic["every_year"])  # judged against the baseline
    assume(synthetic["values"].shape[1] > 1)
    goal = synthetic["goal"]
    values = synthetic["values"].copy()
    last = values[:, -1]
    values[:, -1] = np.where(np.isnan(goal), last, last + closer * (goal - last))
    before = statuses(judge(DefaultPolicy(), synthetic))
    after = statuses(judge(DefaultPolicy(), {**synthetic, "values": values}))
    for old, new in zip(before, after, strict=True):
        assert new.code >= old.code or old is Status.INSUFFICIENT_DATA, (old, new)


# -- through evaluate: the property-test findings, recovery, progress, projections ----------------


def plan_of(t: Target, direction: Direction = Direction.INCREASE, min_points: int = 5) -> Plan:
    plan = money_plan("NOK", t)
    metrics = tuple(
        attrs.evolve(m, direction=direction, projection_min_points=min_points) for m in plan.metrics
    )
    other = Metric("other", Label.of("Other"), "NOK", Direction.INCREASE, sources=(SourceSpec("inline"),))
    return attrs.evolve(plan, metrics=(*metrics, other))


def run(t: Target, values: list[float], *, direction: Direction = Direction.INCREASE, **kw: Any) -> Any:
    from regionplan.plugins import Extensions, make_plugin_manager

    ext = Extensions.collect(make_plugin_manager(load_entrypoints=False))
    other = kw.pop("other", [1.0] * len(values))
    as_of = kw.pop("as_of", "2027-01-01")
    check = kw.pop("check", True)
    plan = plan_of(t, direction, **kw)
    ev = evaluate(
        plan, {"money": money(values), "other": money(other)}, as_of=as_of, extensions=ext, check=check
    )
    return ev.target("t")


def test_maintain_every_year_holding_steady_is_not_off_track() -> None:
    r = run(
        target(kind=TargetKind.ANNUAL_TREND, every_year=True, baseline="2020"),
        [5, 5, 5],
        direction=Direction.MAINTAIN,
    )
    assert (r.status, r.reason) == (Status.ON_TRACK, "held_steady")


def test_a_recovery_point_that_meets_the_goal_keeps_it_achieved() -> None:
    t = target(kind=TargetKind.RECOVERY, baseline="2020")
    before, after = run(t, [100, 110, 120]), run(t, [100, 110, 120, 100])
    assert before.status is after.status is Status.ACHIEVED
    assert after.shock is None and after.progress is None  # nothing was lost
    assert "lost" not in after.facts and "regained" not in after.facts


def test_a_recovery_without_a_stated_baseline_names_its_periods() -> None:
    # a plan file must state a recovery's baseline (RP006); the evaluation finds one all the same
    r = run(Target("t", "goal", "money", TargetKind.RECOVERY, deadline="2030"), [100, 80, 90], check=False)
    assert r.baseline is not None and r.baseline.period == "2020"
    assert r.shock is not None and r.shock.period == "2021"
    for lang in ("en", "nb"):
        text = r.explain(lang)
        assert "  " not in text and " from  " not in text and " fra  " not in text
        assert "2020" in text and "2021" in text


def test_growth_vs_from_a_zero_baseline_says_so_without_warnings() -> None:
    t = target(kind=TargetKind.GROWTH_VS, other="other", baseline="2020")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = run(t, [0, 5, 9], other=[10, 11, 12])
        zero_other = run(t, [10, 11, 12], other=[0, 5, 9])
        r.explain("nb"), zero_other.explain("en")
    assert (r.status, r.reason) == (Status.INSUFFICIENT_DATA, "zero_baseline")
    assert (zero_other.status, zero_other.reason) == (Status.INSUFFICIENT_DATA, "zero_baseline")


def test_no_decline_is_a_level_to_hold() -> None:
    t = target(change=0.0, baseline="2020")
    held = run(t, [5, 6, 7])
    assert (held.status, held.reason) == (Status.ON_TRACK, "holding_level")
    assert held.progress is None
    fallen = run(t, [5, 6, 4])
    assert (fallen.status, fallen.reason) == (Status.OFF_TRACK, "level_not_held")
    done = run(attrs.evolve(t, deadline="2022"), [5, 6, 7])
    assert (done.status, done.reason) == (Status.ACHIEVED, "level_held")
    for r in (held, fallen, done):
        assert r.explain("nb") and r.explain("en")


def test_the_recovery_baseline_is_its_own_and_the_low_point_is_the_shock() -> None:
    r = run(target(kind=TargetKind.RECOVERY, baseline="2020", shock="2021"), [100, 80, 85, 90, 95])
    assert r.baseline is not None and (r.baseline.period, r.baseline.value) == ("2020", 100)
    assert r.shock is not None and (r.shock.period, r.shock.value) == ("2021", 80)
    assert r.goal == 100
    assert r.facts["lost"] == 20 and r.facts["regained"] == 15
    assert r.progress == pytest.approx(0.75)
    assert r.trajectory[0].period == "2021"  # the path back starts at the low point
    assert "15 of the 20 lost regained" in r.explain("en")
    assert "15 av de 20 tapte tatt igjen" in r.explain("nb")


def test_progress_is_clipped_and_flagged() -> None:
    beyond = run(target(change=10.0, baseline="2020"), [100, 105, 130])
    assert (beyond.progress, beyond.progress_flag) == (1.0, "beyond")
    away = run(target(change=10.0, baseline="2020"), [100, 105, 90])
    assert (away.progress, away.progress_flag) == (0.0, "away")
    part = run(target(change=10.0, baseline="2020"), [100, 102, 104])
    assert part.progress == pytest.approx(0.4) and part.progress_flag is None
    # a baseline that already meets the goal leaves no way to cover
    met = run(target(kind=TargetKind.LEVEL, value=50.0, baseline="2020"), [100, 90, 80])
    assert met.status is Status.ACHIEVED and met.progress is None


_KINDS = st.sampled_from(
    [
        {"kind": TargetKind.LEVEL, "value": 50.0},
        {"kind": TargetKind.CHANGE, "change": 10.0},
        {"kind": TargetKind.CHANGE, "change": -10.0, "relative": True},
        {"kind": TargetKind.CHANGE, "change": 0.0},
        {"kind": TargetKind.ANNUAL_TREND, "change": 2.0},
        {"kind": TargetKind.ANNUAL_TREND, "every_year": True},
        {"kind": TargetKind.RECOVERY},
        {"kind": TargetKind.RECOVERY, "shock": "2021"},
        {"kind": TargetKind.GROWTH_VS, "other": "other", "tolerance": 0.5},
        {"kind": TargetKind.LEVEL, "value": 50.0, "policy": "open_sdg"},
    ]
)


@given(
    fields=_KINDS,
    values=st.lists(st.floats(-100, 200).map(lambda x: round(x, 1)), min_size=1, max_size=7),
    direction=st.sampled_from(list(Direction)),
)
def test_synthetic_progress_is_within_its_documented_range(
    fields: dict[str, Any], values: list[float], direction: Direction
) -> None:
    r = run(target(baseline="2020", **fields), values, direction=direction)
    if r.progress is None:
        assert r.progress_flag is None
    else:
        assert 0.0 <= r.progress <= 1.0
        assert r.progress_flag in {None, "away", "beyond"}
        assert r.status is not Status.INSUFFICIENT_DATA
        assert r.target.kind is not TargetKind.GROWTH_VS and r.target.change != 0.0
        if r.target.kind is TargetKind.RECOVERY:
            assert r.shock is not None and r.facts["lost"] > 0
    if r.progress_flag == "away":
        assert r.progress == 0.0
    if r.progress_flag == "beyond":
        assert r.progress == 1.0
    assert r.explain("nb") and r.explain("en")


def test_no_projection_from_fewer_than_the_minimum_of_observations() -> None:
    t = target(change=10.0, baseline="2020")
    few = run(t, [100, 101, 103])
    assert few.projection is None
    assert (few.projection_points, few.projection_min_points) == (3, 5)
    assert "No projection: 3 observations, at least 5 needed." in few.explain("en")
    assert "Ingen framskriving: 3 observasjoner, minst 5 trengs." in few.explain("nb")
    allowed = run(t, [100, 101, 103], min_points=3)
    assert allowed.projection is not None and allowed.projection.n_points == 3


def test_a_projection_beyond_the_span_of_its_data_is_indicative() -> None:
    # five yearly points 2020-2024 span four years
    values = [100, 101, 103, 104, 106]
    far = run(target(change=10.0, baseline="2020", deadline="2030"), values, as_of="2026-01-01")
    near = run(target(change=10.0, baseline="2020", deadline="2027"), values, as_of="2026-01-01")
    assert far.projection is not None and near.projection is not None
    assert (far.projection.span_years, far.projection.horizon_years) == (4.0, 6.0)
    assert far.projection.indicative and not near.projection.indicative
    assert "Indicative only" in far.explain("en") and "Bare veiledende" in far.explain("nb")
    assert "Indicative" not in near.explain("en")


# -- Open SDG boundaries the mutation run found untested ------------------------------------------


@pytest.mark.parametrize(
    ("years", "reason"),
    [(0.5, "one_point"), (0.999, "one_point"), (1.0, "substantial_progress")],
)
def test_open_sdg_needs_a_year_between_baseline_and_latest(years: float, reason: str) -> None:
    # two observations less than a year apart give no annual growth to compare
    j = one(100, 104, 150, years=years)  # 4 % in a year against 2.74 % a year required
    assert j.reason[0] == reason
    assert statuses(j) == [Status.INSUFFICIENT_DATA if reason == "one_point" else Status.ON_TRACK]


def test_open_sdg_a_fall_to_zero_is_deterioration_not_a_sign_change() -> None:
    j = one(100, 0, 150)
    assert (statuses(j), j.reason[0]) == ([Status.OFF_TRACK], "deterioration")
    assert j.measure[0] == pytest.approx(-1 / ratio_required(100, 150, 15))


def ratio_required(base: float, goal: float, to_deadline: float) -> float:
    return abs((goal / base) ** (1 / to_deadline) - 1)


@pytest.mark.parametrize("direction", [1, -1])
def test_open_sdg_a_value_exactly_on_the_goal_is_achieved(direction: int) -> None:
    goal = 150.0 if direction > 0 else 50.0
    j = one(100, goal, goal, direction=direction)
    assert (statuses(j), j.reason[0], j.category[0]) == ([Status.ACHIEVED], "met", "target_achieved")


def test_open_sdg_a_goal_of_zero_has_no_growth_rate_to_require() -> None:
    # 100 -> 80 towards 0: (0/100)**(1/15) - 1 = -100 % a year is no rate to compare with
    j = one(100, 80, 0.0, direction=-1)
    assert (statuses(j), j.reason[0]) == ([Status.INSUFFICIENT_DATA], "zero_baseline")
    assert math.isnan(j.measure[0])


@pytest.mark.parametrize(
    ("base", "latest", "goal", "years"),
    [
        (0.0, 5.0, 10.0, 5),  # zero baseline: a division by zero
        (-100.0, 50.0, 150.0, 5),  # a sign change: a root of a negative ratio
        (100.0, 120.0, 150.0, 0),  # no time between them
        (1e-300, 1e300, 1e300, 0.01),  # growth beyond what a float holds
        (100.0, math.nan, 150.0, 5),
    ],
)
def test_open_sdg_degenerate_inputs_raise_no_numpy_warnings(
    base: float, latest: float, goal: float, years: float
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        j = one(base, latest, goal, years=years)
    assert statuses(j) == [Status.INSUFFICIENT_DATA] or j.reason[0] == "met"


def test_open_sdg_measures_a_negative_series_by_its_own_growth() -> None:
    """A series below zero (a net outflow, say) that rises towards its goal: the growth rates
    of its magnitudes, turned round, give the measure (-100 to -80 in 2 years, goal -50 in 5)."""
    j = one(-100.0, -80.0, -50.0, years=2, to_deadline=5)
    observed = (80 / 100) ** (1 / 2) - 1
    required = (50 / 100) ** (1 / 5) - 1
    assert j.measure[0] == pytest.approx(-observed / abs(required))  # 0.8155: moderate
    assert statuses(j) == [Status.OFF_TRACK]
    assert list(j.reason) == ["moderate_progress"]


def _two_areas(
    values: list[list[float]], *, direction: int, goal: float, base_col: int = 0, **kw: Any
) -> Any:
    """Evidence of two areas over 2016–2021 (yearly), the baseline at ``base_col``."""
    v = np.array(values, dtype=float)
    times = np.arange(2016.0, 2016.0 + v.shape[1])
    return Evidence(
        times=times,
        values=v,
        direction=np.full(2, direction),
        base_time=np.full(2, times[base_col]),
        base_value=v[:, base_col].copy(),
        goal=np.full(2, goal),
        deadline=np.full(2, 2030.0),
        tolerance=np.full(2, kw.pop("tolerance", 0.0)),
        every_year=np.full(2, kw.pop("every_year", False)),
        condition=np.zeros(2, dtype=bool),
        as_of=2022.5,
        **kw,
    )


def test_every_year_is_judged_in_each_area_on_its_own() -> None:
    ev = _two_areas([[1, 2, 3, 4, 5, 6], [1, 2, 3, 2, 5, 6]], direction=1, goal=math.nan, every_year=True)
    j = DefaultPolicy().judge(ev, PROJECTOR)
    assert statuses(j) == [Status.ON_TRACK, Status.OFF_TRACK]
    assert list(j.reason) == ["met_every_year", "not_every_year"]


def test_held_steady_is_judged_in_each_area_from_its_baseline_on() -> None:
    """Maintain, every year: the values before the baseline (2018) do not count, a gap does not
    break a steady series, and one area's slip is its own."""
    nan = math.nan
    ev = _two_areas(
        [[50, 90, 100, nan, 100.5, 99.5], [100, 100, 100, 100, 103, 100]],
        direction=0,
        goal=math.nan,
        base_col=2,
        every_year=True,
        tolerance=1.0,
    )
    j = DefaultPolicy().judge(ev, PROJECTOR)
    assert statuses(j) == [Status.ON_TRACK, Status.OFF_TRACK]
    assert list(j.reason) == ["held_steady", "not_held_steady"]


def test_open_sdg_no_growth_at_all_is_limited_progress_not_deterioration() -> None:
    """A measure of exactly 0 (the value where it started) meets the lowest threshold, 0."""
    j = one(100.0, 100.0, 120.0)
    assert j.measure[0] == 0.0
    assert statuses(j) == [Status.OFF_TRACK]
    assert list(j.reason) == ["limited_progress"]
    assert list(j.category) == ["limited_progress"]


def test_the_required_path_is_the_baseline_before_it_and_the_goal_after_the_deadline() -> None:
    def path(base_time: float, deadline: float, at: float) -> float:
        ev = Evidence(
            times=np.array([2020.0]),
            values=np.array([[100.0]]),
            direction=np.ones(1),
            base_time=np.array([base_time]),
            base_value=np.array([100.0]),
            goal=np.array([200.0]),
            deadline=np.array([deadline]),
            tolerance=np.zeros(1),
            every_year=np.zeros(1, dtype=bool),
            condition=np.zeros(1, dtype=bool),
            as_of=2021.0,
        )
        return float(required_path(ev, np.array([at]))[0])

    assert path(2020.0, 2030.0, 2015.0) == 100.0  # before the baseline: the baseline
    assert path(2020.0, 2030.0, 2025.0) == 150.0
    assert path(2020.0, 2030.0, 2040.0) == 200.0  # after the deadline: the goal
    assert path(2020.0, 2020.5, 2020.25) == 150.0  # a deadline half a year on
    assert path(2020.0, 2020.0, 2020.5) == 200.0  # no time to get there: the goal


def test_each_row_is_judged_by_its_own_rule() -> None:
    """A row judged by its trend (every year, no goal) beside one judged by its goal: the
    trend's rules touch only the rows they are for."""
    ev = Evidence(
        times=np.array([2015.0, 2016.0, 2017.0]),
        values=np.array([[5.0, 5.0, 5.0], [100.0, 98.0, 55.0]]),
        direction=np.zeros(2),
        base_time=np.full(2, 2015.0),
        base_value=np.array([5.0, 100.0]),
        goal=np.array([math.nan, 50.0]),
        deadline=np.full(2, 2025.0),
        tolerance=np.array([0.0, 5.0]),
        every_year=np.array([True, False]),
        condition=np.zeros(2, dtype=bool),
        as_of=2017.5,
    )
    j = DefaultPolicy().judge(ev, PROJECTOR)
    assert list(j.reason) == ["held_steady", "met"]
    assert statuses(j) == [Status.ON_TRACK, Status.ACHIEVED]


@pytest.mark.parametrize(
    ("base", "latest", "goal", "measure", "category", "status"),
    [
        # one year each way, so both growth rates are exact: 0.95 / 1 and 0.375 / 0.625
        (100.0, 195.0, 200.0, 0.95, "substantial_progress", Status.ON_TRACK),
        (8.0, 11.0, 13.0, 0.6, "moderate_progress", Status.OFF_TRACK),
    ],
)
def test_open_sdg_a_measure_on_a_threshold_meets_it(
    base: float, latest: float, goal: float, measure: float, category: str, status: Status
) -> None:
    j = one(base, latest, goal, years=1, to_deadline=1)
    assert j.measure[0] == measure  # exactly the threshold, not a value near it
    assert list(j.category) == [category] and list(j.reason) == [category]
    assert statuses(j) == [status]
    assert j.method == "open_sdg"


def test_open_sdg_a_measure_it_cannot_compute_is_insufficient_data() -> None:
    """No deadline, so no required growth rate: no measure, and no category of progress."""
    j = one(100.0, 110.0, 150.0, to_deadline=math.nan)
    assert math.isnan(j.measure[0])
    assert statuses(j) == [Status.INSUFFICIENT_DATA]
    assert list(j.reason) == ["not_computable"] and list(j.category) == ["not_available"]
