"""The evaluation's faster ways of computing give exactly what the plain ways give.

Each case compares a function with the straightforward computation it replaced
(column by column, area by area), on generated arrays with gaps.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from regionplan.evaluation import contracts
from regionplan.evaluation.batch import _indicative
from regionplan.evaluation.evidence import of_periods, period_labels, period_times
from regionplan.evaluation.projection import LinearTrend, Projection, _span
from regionplan.evaluation.status_policies import _observed_steps
from regionplan.plan.periods import Period
from regionplan.plugins import Extensions

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
        got_first, got_last = _span(times, values)
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
