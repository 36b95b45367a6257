"""Derived metrics: expressions over other metrics, read by a safe parser.

An expression is written in the plan, for example::

    derived: growth(jobs, 1) - growth(population, 1)   # job growth minus population growth
    derived: share(knowledge_jobs, jobs)               # a share in percent
    derived: jobs / population_15_74                   # jobs per resident of working age

It is parsed with :func:`ast.parse` and checked node by node against a short
list of what is allowed: numbers, metric ids, ``+ - * /``, unary minus, and the
functions below. Nothing is ever evaluated by Python's ``eval``. Units are worked
out when the plan loads, so ``jobs + population`` is an error before any data is read.

Functions (``n`` is a number of years):

=====================  ==========================================  =================
``growth(x, n=1)``     change over ``n`` years, in percent          percent
``cagr(x, n)``         compound annual growth over ``n`` years       percent
``change(x, n=1)``     absolute change over ``n`` years              unit of ``x``
``lag(x, n=1)``        the value ``n`` years earlier                 unit of ``x``
``index(x, base)``     the value relative to year ``base`` (=100)    percent
``share(a, b)``        ``a / b`` in percent (same dimension)         percent
=====================  ==========================================  =================

Operands are aligned on the time axis of :mod:`regionplan.plan.periods` (a Q4 count
meets the next 1 January count), not on period labels.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from regionplan.data.series import Series
from regionplan.errors import RegionplanError
from regionplan.plan.periods import Period
from regionplan.plan.units import parse_unit, registry

if TYPE_CHECKING:
    import pint

__all__ = ["FUNCTIONS", "Expression", "ExpressionError", "evaluate", "parse", "result_unit"]


class ExpressionError(RegionplanError):
    """An expression cannot be read, or its units do not work out."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


#: name -> (least, most) positional arguments; the first is a metric
FUNCTIONS: dict[str, tuple[int, int]] = {
    "growth": (1, 2),
    "cagr": (2, 2),
    "change": (1, 2),
    "lag": (1, 2),
    "index": (2, 2),
    "share": (2, 2),
}
_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


@attrs.frozen
class Expression:
    """A parsed, checked expression and the metric ids it refers to."""

    text: str
    tree: ast.expr = attrs.field(eq=False, repr=False)
    references: frozenset[str]


def parse(text: str) -> Expression:
    """Parse and check an expression.

    Raises:
        ExpressionError: a syntax error or anything outside the allowed forms.
    """
    try:
        module = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot read the expression: {exc.msg}", exc.offset) from None
    refs: set[str] = set()
    _check(module.body, refs)
    return Expression(text, module.body, frozenset(refs))


def _col(node: ast.AST) -> int | None:
    offset = getattr(node, "col_offset", None)
    return None if offset is None else offset + 1


def _check(node: ast.expr, refs: set[str]) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExpressionError(f"only numbers may stand in an expression, not {node.value!r}", _col(node))
    elif isinstance(node, ast.Name):
        refs.add(node.id)
    elif isinstance(node, ast.BinOp):
        if not isinstance(node.op, _BINOPS):
            raise ExpressionError("only + - * / are allowed", _col(node))
        _check(node.left, refs)
        _check(node.right, refs)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise ExpressionError("only unary minus is allowed", _col(node))
        _check(node.operand, refs)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            known = ", ".join(FUNCTIONS)
            raise ExpressionError(f"unknown function; known functions: {known}", _col(node))
        if node.keywords:
            raise ExpressionError("write function arguments by position", _col(node))
        low, high = FUNCTIONS[node.func.id]
        if not low <= len(node.args) <= high:
            raise ExpressionError(f"{node.func.id}() takes {low} to {high} arguments", _col(node))
        first = node.args[0]
        if node.func.id == "share":
            for arg in node.args:
                _check(arg, refs)
        else:
            if not isinstance(first, ast.Name):
                raise ExpressionError(f"the first argument of {node.func.id}() is a metric id", _col(node))
            refs.add(first.id)
            for arg in node.args[1:]:
                years = arg.value if isinstance(arg, ast.Constant) and type(arg.value) is int else None
                if years is None or (node.func.id != "index" and years < 1):
                    what = "a year" if node.func.id == "index" else "a whole number of years (1 or more)"
                    raise ExpressionError(f"{node.func.id}() takes {what} after the metric", _col(arg))
    else:
        raise ExpressionError(f"'{ast.unparse(node)}' is not allowed in an expression", _col(node))


def _years(args: list[ast.expr], default: int = 1) -> int:
    if len(args) < 2:
        return default
    value = args[1]
    assert isinstance(value, ast.Constant) and isinstance(value.value, int)
    return value.value


# -- units -------------------------------------------------------------------------------


def result_unit(expr: Expression, units: Mapping[str, pint.Unit]) -> pint.Unit:
    """The unit an expression yields, given each referenced metric's unit.

    Raises:
        ExpressionError: adding or comparing quantities of different dimensions.
    """
    ureg = registry()

    def unit_of(node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return ureg.dimensionless
        if isinstance(node, ast.Name):
            return units[node.id]
        if isinstance(node, ast.UnaryOp):
            return unit_of(node.operand)
        if isinstance(node, ast.BinOp):
            left, right = unit_of(node.left), unit_of(node.right)
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, ast.Div):
                return left / right
            if ureg.Quantity(1, left).dimensionality != ureg.Quantity(1, right).dimensionality:
                sign = "+" if isinstance(node.op, ast.Add) else "-"
                raise ExpressionError(
                    f"cannot compute {left:~} {sign} {right:~}: the dimensions differ", _col(node)
                )
            return left
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        name = node.func.id
        if name in {"growth", "cagr", "index"}:
            return ureg.percent
        if name == "share":
            a, b = unit_of(node.args[0]), unit_of(node.args[1])
            if ureg.Quantity(1, a).dimensionality != ureg.Quantity(1, b).dimensionality:
                raise ExpressionError(
                    f"share() needs a part and a whole of the same dimension, not {a:~} and {b:~}",
                    _col(node),
                )
            return ureg.percent
        return unit_of(node.args[0])

    unit: pint.Unit = unit_of(expr.tree)
    return unit


# -- evaluation ----------------------------------------------------------------------------


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
