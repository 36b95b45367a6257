"""Derived metrics computed on data: a parsed expression evaluated on the series it names.

The expression language (what may be written after ``derived:``, its functions and
their units) and its parser live in the plan layer, :mod:`regionplan.plan.expressions`.
Here a parsed :class:`~regionplan.plan.expressions.Expression` is evaluated on
:class:`~regionplan.data.series.Series`: operands are aligned on the time axis of
:mod:`regionplan.plan.periods` (a Q4 count meets the next 1 January count), not on
period labels, and converted to the metric's unit.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from regionplan.data.series import Series
from regionplan.plan.expressions import Expression, ExpressionError, _years
from regionplan.plan.periods import Period
from regionplan.plan.units import parse_unit, registry

if TYPE_CHECKING:
    import pint

__all__ = ["evaluate"]


@attrs.frozen
class _Grid:
    areas: tuple[str, ...]
    times: np.ndarray
    periods: tuple[Period, ...]
    index: dict[float, int]


def _grid(series: Mapping[str, Series], names: frozenset[str]) -> _Grid:
    areas: dict[str, None] = {}
    by_time: dict[float, Period] = {}
    for name in sorted(names):
        s = series[name]
        for a in s.areas:
            areas.setdefault(a, None)
        for p in s.periods:
            by_time.setdefault(round(p.time, 6), p)
    times = np.array(sorted(by_time), dtype=float)
    return _Grid(
        tuple(areas),
        times,
        tuple(by_time[t] for t in times),
        {float(t): i for i, t in enumerate(times)},
    )


def _place(s: Series, grid: _Grid) -> np.ndarray:
    out = np.full((len(grid.areas), len(grid.times)), np.nan)
    if s.values.size == 0:
        return out
    rows = [grid.areas.index(a) for a in s.areas]
    cols = [grid.index[round(p.time, 6)] for p in s.periods]
    out[np.ix_(rows, cols)] = s.values
    return out


def _shift_index(grid: _Grid, years: int) -> np.ndarray:
    """For each column, the column ``years`` earlier, or -1."""
    return np.array([grid.index.get(round(float(t) - years, 6), -1) for t in grid.times], dtype=np.intp)


def _shifted(values: np.ndarray, back: np.ndarray) -> np.ndarray:
    out = np.full_like(values, np.nan)
    ok = back >= 0
    out[:, ok] = values[:, back[ok]]
    return out


def evaluate(expr: Expression, series: Mapping[str, Series], unit: pint.Unit | str) -> Series:
    """Compute a derived series from the series of the metrics it refers to.

    Every area and time point present in any operand is computed; a cell is NaN
    where an operand is missing, and where a ratio's denominator is zero.
    """
    target = parse_unit(unit) if isinstance(unit, str) else unit
    missing = expr.references - set(series)
    if missing:
        msg = f"no series for {', '.join(sorted(missing))}"
        raise ExpressionError(msg)
    grid = _grid(series, expr.references)
    ureg = registry()
    placed = {name: _place(series[name], grid) for name in expr.references}

    def factor(source: Any, dest: Any) -> float:
        return float(ureg.Quantity(1.0, source).to(dest).magnitude)

    def ev(node: ast.expr) -> tuple[np.ndarray, Any]:
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, int | float)
            shape = (len(grid.areas), len(grid.times))
            return np.full(shape, float(node.value)), ureg.dimensionless
        if isinstance(node, ast.Name):
            return placed[node.id], series[node.id].unit
        if isinstance(node, ast.UnaryOp):
            v, u = ev(node.operand)
            return (-v if isinstance(node.op, ast.USub) else v), u
        if isinstance(node, ast.BinOp):
            (lv, lu), (rv, ru) = ev(node.left), ev(node.right)
            with np.errstate(divide="ignore", invalid="ignore"):
                if isinstance(node.op, ast.Add):
                    return lv + rv * factor(ru, lu), lu
                if isinstance(node.op, ast.Sub):
                    return lv - rv * factor(ru, lu), lu
                if isinstance(node.op, ast.Mult):
                    return lv * rv, lu * ru
                out = np.where(rv == 0, np.nan, lv / np.where(rv == 0, 1.0, rv))
                return out, lu / ru
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        name = node.func.id
        if name == "share":
            (av, au), (bv, bu) = ev(node.args[0]), ev(node.args[1])
            bv = bv * factor(bu, au)
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(bv == 0, np.nan, 100.0 * av / np.where(bv == 0, 1.0, bv)), ureg.percent
        xv, xu = ev(node.args[0])
        if name == "index":
            base_year = _years(node.args)
            base = np.full(len(grid.areas), np.nan)
            for j, p in enumerate(grid.periods):
                if p.start.year == base_year:
                    base = xv[:, j]
                    break
            with np.errstate(divide="ignore", invalid="ignore"):
                return 100.0 * xv / base[:, None], ureg.percent
        n = _years(node.args)
        prev = _shifted(xv, _shift_index(grid, n))
        with np.errstate(divide="ignore", invalid="ignore"):
            if name == "lag":
                return prev, xu
            if name == "change":
                return xv - prev, xu
            ratio = np.where(prev == 0, np.nan, xv / np.where(prev == 0, 1.0, prev))
            if name == "growth":
                return 100.0 * (ratio - 1.0), ureg.percent
            return 100.0 * (np.power(ratio, 1.0 / n) - 1.0), ureg.percent  # cagr

    values, got = ev(expr.tree)
    values = np.asarray(values, dtype=float) * factor(got, target)
    provenance = tuple(p for name in sorted(expr.references) for p in series[name].provenance)
    keep = ~np.all(np.isnan(values), axis=0) if values.size else np.zeros(0, dtype=bool)
    periods = tuple(p for p, k in zip(grid.periods, keep, strict=True) if k)
    return Series(grid.areas, periods, values[:, keep], target, provenance)
