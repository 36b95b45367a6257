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
meets the next 1 January count), not on period labels. This module parses and checks
expressions; :mod:`regionplan.data.derived` computes them on data.

An expression is bounded: at most 1,000 characters, 100 levels of nesting and 500 parts;
a number in it is at most 1e15 in size; ``n`` is 1 to 100 years, and ``base`` a year from
1800 to 2200. Beyond these it is a problem (``RP205``) like any other misreading.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from regionplan.errors import RegionplanError
from regionplan.plan.periods import PLAN_YEARS
from regionplan.plan.units import registry

if TYPE_CHECKING:
    import pint

__all__ = ["FUNCTIONS", "Expression", "ExpressionError", "parse", "result_unit"]


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

#: Bounds of an expression, each far beyond a real one; they keep parsing, checking and
#: computing bounded (no recursion without end, no number without size).
MAX_LENGTH = 1_000
MAX_DEPTH = 100
MAX_NODES = 500
#: The largest number an expression may hold, and the most years a function may span.
MAX_LITERAL = 1e15
MAX_YEARS = 100


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
    stripped = text.strip()
    if len(stripped) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression has {len(stripped):,} characters; at most {MAX_LENGTH:,} are read",
            MAX_LENGTH + 1,
        )
    try:
        module = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot read the expression: {exc.msg}", exc.offset) from None
    except (RecursionError, MemoryError, ValueError):  # nesting or a literal beyond the parser's own limits
        raise ExpressionError(f"the expression nests too deeply (at most {MAX_DEPTH} levels)") from None
    _check_size(module.body)
    refs: set[str] = set()
    _check(module.body, refs)
    return Expression(text, module.body, frozenset(refs))


def _check_size(root: ast.expr) -> None:
    """Refuse a tree deeper than :data:`MAX_DEPTH` or larger than :data:`MAX_NODES`, without recursion."""
    stack: list[tuple[ast.AST, int, int | None]] = [(root, 1, _col(root))]
    count = 0
    while stack:
        node, depth, column = stack.pop()
        column = _col(node) or column  # operators have no place of their own: their parent's
        count += 1
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the expression nests more than {MAX_DEPTH} levels deep", column)
        if count > MAX_NODES:
            raise ExpressionError(f"the expression has more than {MAX_NODES} parts", column)
        stack.extend((child, depth + 1, column) for child in ast.iter_child_nodes(node))


def _col(node: ast.AST) -> int | None:
    offset = getattr(node, "col_offset", None)
    return None if offset is None else offset + 1


def _check(node: ast.expr, refs: set[str]) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExpressionError(f"only numbers may stand in an expression, not {node.value!r}", _col(node))
        if not abs(node.value) <= MAX_LITERAL:  # also refuses inf from 1e400
            raise ExpressionError("a number in an expression is at most 1e15 in size", _col(node))
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
            first_year, last_year = PLAN_YEARS
            for arg in node.args[1:]:
                years = arg.value if isinstance(arg, ast.Constant) and type(arg.value) is int else None
                if node.func.id == "index":
                    if years is None or not first_year <= years <= last_year:
                        raise ExpressionError(
                            f"index() takes a year from {first_year} to {last_year} after the metric",
                            _col(arg),
                        )
                elif years is None or not 1 <= years <= MAX_YEARS:
                    raise ExpressionError(
                        f"{node.func.id}() takes a whole number of years from 1 to {MAX_YEARS} after the metric",
                        _col(arg),
                    )
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
