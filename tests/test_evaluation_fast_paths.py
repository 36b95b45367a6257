"""The evaluation's faster ways of computing give exactly what the plain ways give.

Each case compares a function with the straightforward computation it replaced
(column by column, area by area), on generated arrays with gaps.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from regionplan.evaluation import contracts
from regionplan.evaluation.batch import _indicative
from regionplan.evaluation.evaluator import evaluate
from regionplan.evaluation.evidence import of_periods, period_labels, period_times
from regionplan.evaluation.projection import (
    LinearTrend,
    Projection,
    Projector,
    _t_quantile,
    student_t_quantile,
)
from regionplan.evaluation.status import Evidence, Judgement, Status
from regionplan.evaluation.status_policies import DefaultPolicy, _observed_steps
from regionplan.markers import hookimpl
from regionplan.plan.files import load_plan
from regionplan.plan.periods import Period
from regionplan.plugins import Extensions
from regionplan.testing import MINIMAL_PLAN

SHAPES = [(50, 7), (3, 0), (0, 4), (5, 1), (200, 20)]


def _with_gaps(shape: tuple[int, int], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.normal(size=shape)
    values[rng.random(shape) < 0.4] = np.nan
    return values


def _steps_column_by_column(y: np.ndarray) -> np.ndarray:
    out = np.full(y.shape, np.nan)
    prev = np.full(y.shape[0], np.nan)
    for j in range(y.shape[1]):
        col = y[:, j]
        has = ~np.isnan(col)
        out[has, j] = col[has] - prev[has]
        prev = np.where(has, col, prev)
    return out


@pytest.mark.parametrize("shape", SHAPES)
def test_observed_steps_are_the_changes_from_the_previous_observation(shape: tuple[int, int]) -> None:
    y = _with_gaps(shape, 1)
    np.testing.assert_array_equal(_observed_steps(y), _steps_column_by_column(y))


@pytest.mark.parametrize("shape", SHAPES)
def test_span_is_the_first_and_last_observed_time(shape: tuple[int, int]) -> None:
    values = _with_gaps(shape, 2)
    rng = np.random.default_rng(3)
    for times in (np.sort(rng.normal(size=shape[1])), rng.normal(size=shape)):  # shared or per row
        t = np.broadcast_to(times, shape)
        seen = ~np.isnan(values)
        first = np.where(seen, t, np.inf).min(axis=1, initial=np.inf)
        last = np.where(seen, t, -np.inf).max(axis=1, initial=-np.inf)
        projected = LinearTrend().project(times, values, np.full(shape[0], 2030.0))
        got_first, got_last = projected.first, projected.last
        np.testing.assert_array_equal(got_first, np.where(np.isfinite(first), first, np.nan))
        np.testing.assert_array_equal(got_last, np.where(np.isfinite(last), last, np.nan))


def test_one_area_is_indicative_as_the_whole_projection_says() -> None:
    values = _with_gaps((40, 8), 4)
    times = np.arange(2015.0, 2023.0)
    projection = LinearTrend().project(times, values, np.full(40, 2030.0))
    for deadline in (2023.0, 2026.0, 2030.0, 2040.0):
        whole = projection.indicative(np.full(40, deadline))
        assert [_indicative(projection, i, deadline) for i in range(40)] == whole.tolist()
    no_span = Projection("x", *(np.zeros(2),) * 4, np.zeros(2, dtype=int), 0.8)
    assert _indicative(no_span, 1, 2030.0) is False


def test_what_is_kept_per_tuple_of_periods_is_worked_out_once() -> None:
    periods = (Period.year(2020), Period.quarter(2021, 4), Period.instant(dt.date(2022, 1, 1)))
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert of_periods(periods, "test", compute) == of_periods(periods, "test", compute) == 1
    assert of_periods(list(periods), "test", compute) == 2  # a list may change: never kept
    assert period_times(periods) == [p.time for p in periods]
    assert period_labels(periods) == ["2020", "2021Q4", "2022-01-01"]


def test_checked_wrappers_keep_the_plugin_attributes_and_reuse_their_class(extensions: Extensions) -> None:
    projector = extensions.projections.get("linear")
    first = contracts.checked_projector(projector, "linear", extensions)
    second = contracts.checked_projector(projector, "linear", extensions)
    assert (first.name, first.min_points) == (projector.name, projector.min_points)
    assert type(first) is type(second)


@pytest.mark.parametrize(
    ("codes", "found"),
    [
        (np.array([0, 1, 2, 3], dtype=np.int8), None),
        (np.array([0, 4], dtype=np.int8), "[4]"),
        (np.array([-1, 2], dtype=np.int64), "[-1]"),
        (np.array([255, 0], dtype=np.uint8), "[255]"),
    ],
)
def test_status_codes_outside_zero_to_three_are_refused(codes: np.ndarray, found: str | None) -> None:
    problem = contracts._status_problem(codes, codes.shape[0], "status")
    assert problem is None if found is None else found in str(problem)


def test_reasons_must_be_text_whatever_the_array() -> None:
    assert contracts._all_text(np.array(["met", "behind_path"]))
    assert contracts._all_text(np.array(["met", np.str_("x")], dtype=object))
    assert not contracts._all_text(np.array(["met", 1], dtype=object))
    assert contracts._all_text(np.array([], dtype=object))


def _latest_row_by_row(times: np.ndarray, values: np.ndarray, base: np.ndarray) -> tuple[list[float], ...]:
    latest_t, latest_v, count = [], [], []
    for row, b in zip(values, base, strict=True):
        seen = [(t, v) for t, v in zip(times, row, strict=True) if t >= b - 1e-9 and not np.isnan(v)]
        latest_t.append(seen[-1][0] if seen else np.nan)
        latest_v.append(seen[-1][1] if seen else np.nan)
        count.append(len(seen))
    return latest_t, latest_v, count


def _evidence(values: np.ndarray, base_time: np.ndarray) -> Evidence:
    n = values.shape[0]
    return Evidence(
        times=np.arange(2000.0, 2000.0 + values.shape[1]),
        values=values,
        direction=np.ones(n),
        base_time=base_time,
        base_value=np.zeros(n),
        goal=np.ones(n),
        deadline=np.full(n, 2030.0),
        tolerance=np.zeros(n),
        every_year=np.zeros(n, dtype=bool),
        condition=np.zeros(n, dtype=bool),
        as_of=2025.0,
    )


@pytest.mark.parametrize("shape", SHAPES)
def test_latest_is_the_last_observation_from_the_baseline_on(shape: tuple[int, int]) -> None:
    values = _with_gaps(shape, 5)
    base = 2000.0 + np.random.default_rng(6).integers(0, max(shape[1], 1), size=shape[0])
    ev = _evidence(values, base.astype(float))
    got_t, got_v, got_count = ev.latest()
    want_t, want_v, want_count = _latest_row_by_row(ev.times, values, base)
    np.testing.assert_array_equal(got_t, np.array(want_t, dtype=float))
    np.testing.assert_array_equal(got_v, np.array(want_v, dtype=float))
    np.testing.assert_array_equal(got_count, np.array(want_count, dtype=np.int64))
    assert got_count.dtype == np.int64


def test_what_evidence_works_out_once_is_given_as_a_fresh_copy_each_time() -> None:
    values = _with_gaps((30, 6), 7)
    ev = _evidence(values, np.full(30, 2001.0))
    first = ev.latest()
    since = ev.since_base()
    for array in (*first, since):
        array[...] = 0  # a policy may write to what it is given
    again = ev.latest()
    assert not np.array_equal(again[0], first[0])
    np.testing.assert_array_equal(again[2], _latest_row_by_row(ev.times, values, np.full(30, 2001.0))[2])
    assert np.isnan(ev.since_base()[:, 0]).all()  # before the baseline, as before the writes


def _ols_row_by_row(times: np.ndarray, values: np.ndarray, at: np.ndarray) -> tuple[list[float], ...]:
    pred, slope = [], []
    for i, row in enumerate(values):
        t = np.broadcast_to(times, values.shape)[i]
        seen = ~np.isnan(row)
        if seen.sum() < 2 or np.ptp(t[seen]) == 0:
            pred.append(np.nan)
            slope.append(np.nan)
            continue
        b, a = np.polyfit(t[seen], row[seen], 1)
        pred.append(a + b * at[i])
        slope.append(b)
    return pred, slope


@pytest.mark.parametrize("shape", SHAPES)
def test_least_squares_down_the_columns_is_the_fit_of_each_row(shape: tuple[int, int]) -> None:
    values = _with_gaps(shape, 8) * 1000 + 50_000
    rng = np.random.default_rng(9)
    at = np.full(shape[0], 2030.0)
    for times in (2000.0 + np.arange(shape[1]), 2000.0 + np.sort(rng.uniform(0, 20, size=shape), axis=1)):
        projected = LinearTrend().project(times, values, at)
        pred, slope, n = projected.value, projected.slope, projected.n_points
        want_pred, want_slope = _ols_row_by_row(times, values, at)
        np.testing.assert_allclose(pred, want_pred, rtol=1e-9)
        np.testing.assert_allclose(slope, want_slope, rtol=1e-7, atol=1e-9)
        np.testing.assert_array_equal(n, (~np.isnan(values)).sum(axis=1))


def test_t_quantiles_from_the_table_are_the_bisection_exactly() -> None:
    df = np.array([0.0, 1.0, 5.0, 64.0, 3.0, -1.0, 2.0])
    want = [np.nan] + [_t_quantile(0.9, int(d)) for d in df[1:5]] + [np.nan, _t_quantile(0.9, 2)]
    np.testing.assert_array_equal(student_t_quantile(0.9, df), np.array(want))
    beyond = np.array([65.0, 3.0, 200.0])  # past the table: each computed alone
    np.testing.assert_array_equal(
        student_t_quantile(0.9, beyond), np.array([_t_quantile(0.9, int(d)) for d in beyond])
    )


class _Scribbler(DefaultPolicy):
    """A policy that writes into the values it is given before judging them."""

    name = "scribbler"

    def judge(self, evidence: Evidence, projector: Projector) -> Judgement:
        evidence.values[:] = 0.0
        judged = super().judge(evidence, projector)
        for shared in (evidence.times, evidence.base_time, evidence.base_value):
            shared[:] = -1.0  # after judging: only what the evaluation keeps could show it
        return judged


def test_targets_of_one_metric_do_not_share_the_arrays_a_policy_is_given(
    regionplan_plan: Callable[..., Path], regionplan_extensions: Callable[..., Extensions]
) -> None:
    """Each metric's published figures are read once per evaluation; a policy that writes
    into its evidence must still leave the next target of the same metric untouched."""
    values = "".join(
        f"        - {{period: {y}, value: {100 + 10 * (y - 2019)}}}\n" for y in range(2019, 2025)
    )
    text = (
        MINIMAL_PLAN
        + "metrics:\n  - id: jobs\n    title: Arbeidsplasser\n    unit: job\n    direction: increase\n"
        + f"    source:\n      name: inline\n      area: '3209'\n      values:\n{values}"
        + "targets:\n"
        + "  - {id: first, element: main-goal, metric: jobs, kind: level, value: 200, deadline: '2030', policy: scribbler}\n"
        + "  - {id: second, element: main-goal, metric: jobs, kind: level, value: 200, deadline: '2030'}\n"
    )
    plugin = types.ModuleType("scribbling_plugin")
    plugin.regionplan_register_status_policies = hookimpl(  # type: ignore[attr-defined]
        lambda register: register("scribbler", _Scribbler())
    )
    plugin.regionplan_register_status_policies.__name__ = "regionplan_register_status_policies"  # type: ignore[attr-defined]
    ext = regionplan_extensions(plugin)
    plan = load_plan(regionplan_plan(text), extensions=ext)
    results = {r.target.id: r for r in evaluate(plan, as_of="2025-06-01", extensions=ext).targets}
    assert (
        results["first"].latest is not None and results["first"].latest.value == 0.0
    )  # what the scribbler judged
    assert (
        results["second"].latest is not None and results["second"].latest.value == 140.0
    )  # 2023: the latest published by then
    assert results["second"].status is Status.ON_TRACK
    assert results["first"].baseline == results["second"].baseline  # the baseline as stated
    assert results["first"].baseline is not None and results["first"].baseline.value == 110.0  # 2020
    assert [p.value for p in results["second"].history] == [100.0, 110.0, 120.0, 130.0, 140.0]
