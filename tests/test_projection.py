"""Projections: least squares and compound growth, with prediction intervals.

The series here are small synthetic ones, written in the tests; the expected numbers are
computed in the tests from the textbook formulas, or are published table values.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from regionplan.evaluation.projection import CompoundGrowth, LinearTrend, student_t_quantile

# Student's t quantiles as printed in statistical tables (four decimals).
T_TABLE = [
    (0.9, 1, 3.0777),
    (0.9, 2, 1.8856),
    (0.9, 10, 1.3722),
    (0.975, 5, 2.5706),
    (0.975, 30, 2.0423),
    (0.995, 4, 4.6041),
    (0.95, 7, 1.8946),
    (0.95, 120, 1.6577),
]


@pytest.mark.parametrize(("p", "df", "expected"), T_TABLE)
def test_student_t_quantiles_match_the_tables(p: float, df: int, expected: float) -> None:
    assert student_t_quantile(p, np.array([float(df)]))[0] == pytest.approx(expected, abs=5e-5)


def test_too_few_degrees_of_freedom_give_nan() -> None:
    assert np.isnan(student_t_quantile(0.9, np.array([0.0, -1.0]))).all()


def test_linear_projection_and_its_interval_by_the_textbook() -> None:
    t = np.array([2018.0, 2019.0, 2020.0, 2021.0, 2022.0])
    y = np.array([10.0, 12.0, 11.0, 15.0, 16.0])  # synthetic
    at = 2025.0
    slope, intercept = np.polyfit(t, y, 1)
    resid = y - (intercept + slope * t)
    s2 = (resid @ resid) / (len(t) - 2)
    se = math.sqrt(s2 * (1 + 1 / len(t) + (at - t.mean()) ** 2 / ((t - t.mean()) ** 2).sum()))
    half = 1.6377 * se  # t(0.9, 3 df) from the tables
    got = LinearTrend().project(t, y[None, :], np.array([at]), confidence=0.8)
    assert got.value[0] == pytest.approx(intercept + slope * at)
    assert got.slope[0] == pytest.approx(slope)
    assert got.low[0] == pytest.approx(got.value[0] - half, rel=1e-4)
    assert got.high[0] == pytest.approx(got.value[0] + half, rel=1e-4)
    assert got.n_points[0] == 5


def test_missing_values_and_short_rows() -> None:
    t = np.array([2018.0, 2019.0, 2020.0, 2021.0])
    y = np.array([[1.0, np.nan, 3.0, np.nan], [np.nan, np.nan, 5.0, np.nan], [1.0, 2.0, 3.0, 4.0]])
    got = LinearTrend().project(t, y, np.full(3, 2023.0))
    assert got.value[0] == pytest.approx(6.0) and np.isnan(got.low[0])  # two points: no interval
    assert np.isnan(got.value[1])  # one point: no projection
    assert got.value[2] == pytest.approx(6.0) and got.low[2] == pytest.approx(6.0)  # a perfect line


def test_compound_growth_follows_a_constant_rate() -> None:
    t = np.arange(2015.0, 2021.0)
    y = 100.0 * 1.05 ** (t - 2015.0)  # synthetic: exactly 5 % a year
    got = CompoundGrowth().project(t, y[None, :], np.array([2030.0]))
    assert got.value[0] == pytest.approx(100.0 * 1.05**15)
    assert got.slope[0] == pytest.approx(0.05)
    bad = CompoundGrowth().project(t, np.array([[1.0, 2.0, 0.0, 3.0, 4.0, 5.0]]), np.array([2030.0]))
    assert np.isnan(bad.value[0])  # a zero cannot be fitted on a log scale


# -- honest intervals for short series -------------------------------------------------------------
#
# Synthetic series drawn by code from a known straight line with normal noise: a new
# observation at the horizon must fall inside the 80 % interval 80 % of the time, however
# few the points and however far ahead (the model being right, which is all it promises).


@pytest.mark.parametrize("n", [3, 5, 8])
@pytest.mark.parametrize("ahead", [1.0, 10.0])
def test_the_linear_interval_covers_what_it_says_for_short_series(n: int, ahead: float) -> None:
    rng = np.random.default_rng(20 + n)
    rows = 20_000
    t = np.arange(n, dtype=float)
    at = np.full(rows, t[-1] + ahead)
    y = 2.0 + 0.5 * t[None, :] + rng.normal(0.0, 3.0, (rows, n))
    new = 2.0 + 0.5 * at + rng.normal(0.0, 3.0, rows)
    got = LinearTrend().project(t, y, at, confidence=0.8)
    covered = np.mean((got.low <= new) & (new <= got.high))
    assert covered == pytest.approx(0.8, abs=0.015)
    if n == 3:  # with the normal quantile instead of Student's t it would fall well short
        z = (got.high - got.value) * 1.2816 / student_t_quantile(0.9, np.array([1.0]))[0]
        assert np.mean(np.abs(new - got.value) <= z) < 0.6


def test_the_compound_interval_covers_what_it_says_in_log_space() -> None:
    rng = np.random.default_rng(7)
    rows, n = 20_000, 5
    t = np.arange(n, dtype=float)
    at = np.full(rows, 12.0)
    y = np.exp(4.0 + 0.03 * t[None, :] + rng.normal(0.0, 0.05, (rows, n)))
    new = np.exp(4.0 + 0.03 * at + rng.normal(0.0, 0.05, rows))
    got = CompoundGrowth().project(t, y, at, confidence=0.8)
    assert np.mean((got.low <= new) & (new <= got.high)) == pytest.approx(0.8, abs=0.015)


def test_indicative_when_the_horizon_is_longer_than_the_span() -> None:
    t = np.arange(2020.0, 2025.0)  # spans four years
    y = np.array([[1.0, 2.0, 3.0, 4.0, 5.0], [np.nan, np.nan, 3.0, 4.0, 5.0]])
    at = np.array([2028.0, 2028.0])  # four years after the last point
    got = LinearTrend().project(t, y, at)
    assert got.first is not None and got.first.tolist() == [2020.0, 2022.0]
    assert got.indicative(at).tolist() == [False, True]
    assert got.indicative(np.array([2028.5, 2026.0])).tolist() == [True, False]


def test_masked_rows_are_unprojected_but_keep_their_count() -> None:
    t = np.arange(2020.0, 2025.0)
    y = np.array([[1.0, 2.0, 3.0, 4.0, 5.0], [np.nan, np.nan, 3.0, 4.0, 5.0]])
    got = LinearTrend().project(t, y, np.full(2, 2026.0))
    cut = got.masked(got.n_points >= 5)
    assert cut.value[0] == pytest.approx(7.0) and np.isnan(cut.value[1]) and np.isnan(cut.low[1])
    assert cut.n_points.tolist() == [5, 3]


# -- the plan file's projection_min_points ---------------------------------------------------------

PLAN = """\
plan: {{id: p, title: P, period: {{start: 2024, end: 2030}}}}
region: {{id: r, name: R, municipalities: [{{id: a, name: A, codes: [{{code: "3209", from: 2024-01-01}}]}}]}}
elements: [{{id: v, kind: vision, title: V}}]
metrics:
  - id: m
    title: M
    unit: job
    direction: increase
    source: {{name: inline, values: [{{period: "2024", value: 1}}]}}
    {option}
targets: [{{id: t, element: v, metric: m, kind: change, change: 1, baseline: "2024", deadline: "2030"}}]
"""


@pytest.mark.parametrize(
    ("option", "expected", "code"),
    [
        ("", 5, None),
        ("projection_min_points: 3", 3, None),
        ("projection_min_points: 8", 8, None),
        ("projection_min_points: 2", None, "bad_value"),
        ("projection_min_points: 4.5", None, "type"),
    ],
)
def test_projection_min_points_is_read_and_checked(
    tmp_path: Path, extensions: Any, option: str, expected: int | None, code: str | None
) -> None:
    from regionplan.plan import problems as P
    from regionplan.plan.files import validate_plan
    from regionplan.plan.writer import dump_yaml

    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.format(option=option), encoding="utf-8")
    result = validate_plan(path, extensions=extensions)
    if code is None:
        assert result.errors == (), [str(p) for p in result.errors]
        assert result.plan is not None and result.plan.metric("m").projection_min_points == expected
        again = tmp_path / "again.yaml"
        again.write_text(dump_yaml(result.plan), encoding="utf-8")
        assert validate_plan(again, extensions=extensions).plan == result.plan
    else:
        assert {"bad_value": P.BAD_VALUE, "type": P.TYPE}[code] in {p.code for p in result.errors}


# -- boundaries the mutation run found untested ----------------------------------------------------


def test_a_gap_in_a_series_changes_neither_the_fit_nor_its_interval() -> None:
    times = np.array([2015.0, 2016.0, 2017.0, 2018.0, 2019.0, 2020.0])
    full = np.array([[100.0, 103.0, 104.0, 108.0, 109.0, 113.0]])
    gap = full.copy()
    gap[0, 2] = np.nan
    without = np.delete(full, 2, axis=1)
    at = np.array([2022.0])
    a = LinearTrend().project(times, gap, at)
    b = LinearTrend().project(np.delete(times, 2), without, at)
    for field in ("value", "low", "high", "slope"):
        assert getattr(a, field) == pytest.approx(getattr(b, field)), field
    assert a.n_points[0] == 5


def test_points_less_than_a_year_apart_still_give_a_slope() -> None:
    # quarters: the times' spread (sum of squares 0.125 years²) is under one
    p = LinearTrend().project(
        np.array([2020.0, 2020.25, 2020.5]), np.array([[10.0, 11.0, 12.0]]), np.array([2021.0])
    )
    assert p.slope[0] == pytest.approx(4.0) and p.value[0] == pytest.approx(14.0)


def test_two_points_give_a_line_but_no_interval() -> None:
    p = LinearTrend().project(np.array([2020.0, 2021.0]), np.array([[10.0, 12.0]]), np.array([2023.0]))
    assert p.value[0] == pytest.approx(16.0)
    assert math.isnan(p.low[0]) and math.isnan(p.high[0])


def test_one_point_or_one_time_gives_no_slope_and_no_warning() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one = LinearTrend().project(np.array([2020.0]), np.array([[10.0]]), np.array([2023.0]))
        none = LinearTrend().project(
            np.array([2020.0, 2021.0]), np.array([[np.nan, np.nan]]), np.array([2023.0])
        )
        zero = CompoundGrowth().project(
            np.array([2020.0, 2021.0, 2022.0]), np.array([[0.0, 5.0, 6.0]]), np.array([2023.0])
        )
    assert math.isnan(one.slope[0]) and math.isnan(one.value[0])
    assert math.isnan(none.slope[0]) and none.n_points[0] == 0
    assert math.isnan(zero.value[0])


def test_a_projection_names_its_method_and_confidence() -> None:
    times, values, at = np.array([2020.0, 2021.0, 2022.0]), np.array([[1.0, 2.0, 4.0]]), np.array([2024.0])
    assert (
        LinearTrend().project(times, values, at, 0.9).method,
        LinearTrend().project(times, values, at, 0.9).confidence,
    ) == ("linear", 0.9)
    assert CompoundGrowth().project(times, values, at, 0.7).method == "compound"


def test_masking_leaves_every_projected_number_out() -> None:
    times = np.array([2018.0, 2019.0, 2020.0, 2021.0])
    values = np.array([[1.0, 2.0, 3.5, 4.0], [5.0, 5.5, 6.5, 7.0]])
    p = LinearTrend().project(times, values, np.array([2024.0, 2024.0])).masked(np.array([True, False]))
    for field in ("value", "low", "high", "slope"):
        assert not math.isnan(getattr(p, field)[0]) and math.isnan(getattr(p, field)[1]), field
    assert list(p.n_points) == [4, 4]


def test_a_projection_as_far_ahead_as_its_span_is_not_yet_indicative() -> None:
    times = np.array([2018.0, 2019.0, 2020.0, 2021.0])
    p = LinearTrend().project(times, np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([2024.0]))
    assert list(p.indicative(np.array([2024.0]))) == [False]  # 3 years out, 3 years fitted
    assert list(p.indicative(np.array([2024.5]))) == [True]
    from regionplan.evaluation.projection import Projection

    unknown = Projection("x", p.value, p.low, p.high, p.slope, p.n_points, 0.8, p.first, None)
    assert list(unknown.indicative(np.array([2050.0]))) == [False]  # no span known: not judged


def test_compound_growth_of_ten_percent_a_year_by_hand() -> None:
    times = np.array([2020.0, 2021.0, 2022.0])
    values = np.array([[100.0, 110.0, 121.0], [0.2, 0.3, 0.45], [100.0, 0.0, 121.0], [np.nan, 50.0, 60.0]])
    p = CompoundGrowth().project(times, values, np.array([2024.0] * 4), 0.7)
    assert (p.method, p.confidence) == ("compound", 0.7)
    assert p.value[0] == pytest.approx(146.41) and p.slope[0] == pytest.approx(0.10)
    assert p.low[0] == pytest.approx(146.41) and p.high[0] == pytest.approx(146.41)  # an exact fit
    # values below one are grown like any other (shares, rates): 50 % a year
    assert p.value[1] == pytest.approx(0.45 * 1.5**2) and p.slope[1] == pytest.approx(0.5)
    # a row with a zero cannot be fitted on the log scale; only that row is left out
    assert math.isnan(p.value[2]) and math.isnan(p.slope[2]) and math.isnan(p.low[2])
    assert list(p.n_points) == [3, 3, 2, 2]
    assert list(p.first) == [2020.0, 2020.0, 2020.0, 2021.0] and list(p.last) == [2022.0] * 4
    assert list(p.indicative(np.array([2024.0, 2024.0, 2024.0, 2024.0]))) == [False, False, False, True]


def test_compound_growth_beyond_what_a_float_holds_raises_no_warning() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = CompoundGrowth().project(
            np.array([2020.0, 2021.0, 2022.0]), np.array([[1.0, 1e100, 1e200]]), np.array([2100.0])
        )
    assert math.isinf(p.value[0])


def test_rows_have_their_own_span() -> None:
    times = np.array([2018.0, 2019.0, 2020.0, 2021.0])
    values = np.array([[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, np.nan], [np.nan] * 4])
    p = LinearTrend().project(times, values, np.array([2025.0, 2023.0, 2023.0]))
    assert list(p.first[:2]) == [2018.0, 2018.0] and list(p.last[:2]) == [2021.0, 2020.0]
    assert math.isnan(p.first[2]) and math.isnan(p.last[2])
    assert list(p.indicative(np.array([2025.0, 2023.0, 2023.0]))) == [True, True, False]


def test_student_t_quantiles_below_one() -> None:
    # t tables: t(0.60; 10) = 0.260, t(0.75; 30) = 0.683
    assert student_t_quantile(0.60, np.array([10]))[0] == pytest.approx(0.2602, abs=5e-4)
    assert student_t_quantile(0.75, np.array([30]))[0] == pytest.approx(0.6828, abs=5e-4)


def test_compound_growth_value_lies_inside_its_interval() -> None:
    times = np.array([2018.0, 2019.0, 2020.0, 2021.0, 2022.0])
    p = CompoundGrowth().project(times, np.array([[100.0, 112.0, 119.0, 135.0, 141.0]]), np.array([2025.0]))
    assert p.low[0] < p.value[0] < p.high[0]
    # the centre is the fitted growth: the geometric mean of the fitted line, not a bound
    logs = np.log([100.0, 112.0, 119.0, 135.0, 141.0])
    slope, intercept = np.polyfit(times, logs, 1)
    assert p.value[0] == pytest.approx(math.exp(intercept + slope * 2025.0))


def test_observations_all_at_one_time_give_no_trend() -> None:
    """Two figures for the same moment (per-row times) say nothing about a slope."""
    times = np.array([[2020.0, 2020.0], [2019.0, 2020.0]])
    got = LinearTrend().project(times, np.array([[1.0, 2.0], [1.0, 2.0]]), np.full(2, 2030.0))
    assert np.isnan(got.slope[0]) and np.isnan(got.value[0])
    assert got.slope[1] == pytest.approx(1.0) and got.value[1] == pytest.approx(12.0)


def test_a_projection_that_does_not_say_its_span_is_never_indicative() -> None:
    no_span = LinearTrend().project(np.array([2020.0, 2021.0]), np.array([[1.0, 2.0]]), np.array([2030.0]))
    no_span = type(no_span)(
        no_span.method, no_span.value, no_span.low, no_span.high, no_span.slope, no_span.n_points, 0.8
    )
    flags = no_span.indicative(np.array([2100.0]))
    assert flags.dtype == np.bool_ and not flags.any()
