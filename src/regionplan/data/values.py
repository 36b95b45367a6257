"""What a statistic's value and period may be: no infinite number, no count below zero,
no year outside the years a plan may name.

The checks on one value are here, apart from :mod:`regionplan.data.series` (which needs
numpy), because the data sources also run them while a plan is checked, before any data
are read.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from regionplan.errors import DataSourceError
from regionplan.plan.periods import PLAN_YEARS, Period
from regionplan.plan.units import parse_unit, registry

if TYPE_CHECKING:
    import pint

    from regionplan.data.attempts import FailureKind

__all__ = ["BadLabel", "ImpossibleValues", "impossible_value", "is_count", "period_problem"]

#: The dimensions of the counting units of :mod:`regionplan.plan.units`: how many persons,
#: jobs, enterprises... A count is never below zero; money or a change can be.
_COUNT_DIMENSIONS = frozenset(
    {"[population]", "[employment]", "[enterprise]", "[establishment]", "[institution]", "[offering]"}
)


class ImpossibleValues(DataSourceError):
    """Values no statistic can have: an infinite number, or a count below zero.

    Attributes:
        kind: :attr:`~regionplan.data.attempts.FailureKind.IMPOSSIBLE_VALUE`, so a report says it
            in the reader's language.
    """

    @property
    def kind(self) -> FailureKind:
        from regionplan.data.attempts import FailureKind  # the records import this module

        return FailureKind.IMPOSSIBLE_VALUE


class BadLabel(DataSourceError, ValueError):
    """A period label a source gave that is no period (kind: invalid)."""

    @property
    def kind(self) -> FailureKind:
        from regionplan.data.attempts import FailureKind

        return FailureKind.INVALID


def is_count(unit: pint.Unit | str | None) -> bool:
    """Whether ``unit`` counts something (persons, jobs, enterprises...), so cannot be negative.

    A unit the registry does not know counts nothing here; converting to it fails later, and says so.
    """
    if unit is None or unit == "":
        return False
    try:
        u = parse_unit(unit) if isinstance(unit, str) else unit
    except Exception:  # pint raises several kinds for an unknown or malformed unit
        return False
    dims = dict(registry().Quantity(1, u).dimensionality)
    return len(dims) == 1 and next(iter(dims.values())) == 1 and next(iter(dims)) in _COUNT_DIMENSIONS


def impossible_value(value: float, unit: pint.Unit | str | None = None) -> str | None:
    """Why ``value`` cannot be a statistic in ``unit``, or None. ``NaN`` (missing) is possible."""
    if math.isinf(value):
        return f"{value} is not a finite number"
    if value < 0 and is_count(unit):
        shown = unit if isinstance(unit, str) else f"{unit:~}"
        return f"{value:g} is below zero, and a count in '{shown}' cannot be"
    return None


def period_problem(period: Period) -> str | None:
    """Why ``period`` is no period of a statistic (its year outside the plan years), or None."""
    first, last = PLAN_YEARS
    if first <= period.start.year <= last:
        return None
    return f"its year {period.start.year} is not one from {first} to {last}"
