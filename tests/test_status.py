"""Status policies: properties on synthetic evidence, Open SDG worked examples, degenerate cases.

All data in the property tests are synthetic (made up by Hypothesis), not real figures.
"""

from __future__ import annotations

import math
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
from regionplan.evaluation.status_policies import DefaultPolicy, OpenSdgPolicy
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
        "every_year": np.zeros(1, dtype=bool),
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
        (target(change=0.0, baseline="2020"), [5, 6, 7], "target_equals_baseline"),
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
        # +10 % of zero is zero: the goal equals the baseline
        (target(change=10.0, relative=True, baseline="2020"), [0, 1, 2], "target_equals_baseline"),
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
