"""Projections: least squares and compound growth, with prediction intervals.

The series here are small synthetic ones, written in the tests; the expected numbers are
computed in the tests from the textbook formulas, or are published table values.
"""

from __future__ import annotations

import math

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
