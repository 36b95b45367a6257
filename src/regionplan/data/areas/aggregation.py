"""Combining member areas into regions by an explicit rule, with coverage per region and period.

:func:`aggregate` sums counts or takes the weighted mean of rates (:class:`Aggregation`);
:class:`Aggregated` holds the region values and how many members each rests on.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from regionplan.data.areas.mapping import _with_rows
from regionplan.data.series import Series
from regionplan.plan.codes import AreaError
from regionplan.plan.periods import Period

__all__ = ["Aggregated", "Aggregation", "aggregate"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


class Aggregation(enum.Enum):
    """How a metric's values combine from member areas into a region.

    * ``SUM``: counts and amounts (persons, jobs, kroner): the region's value is
      the sum of its members' values.
    * ``WEIGHTED_MEAN``: shares and rates (employment rate, share with higher
      education): the ratio of sums, ``sum(w * x) / sum(w)`` with a weight series
      ``w`` (the denominator, e.g. the population 15–74). A plain mean of the
      members' ratios would give a small municipality the weight of a large one.
    * ``NONE``: values that cannot be built from members' values (medians, indices,
      rankings): ask the source for the region itself. Aggregating raises.
    """

    SUM = "sum"
    WEIGHTED_MEAN = "weighted_mean"
    NONE = "none"


@attrs.frozen(eq=False)
class Aggregated:
    """Region values and how many members they rest on.

    Attributes:
        series: one row per group, in the order of ``groups``.
        rule: the rule used.
        present: int array like ``series.values``: members with data per group and period.
        members: the number of members of each group.
    """

    series: Series
    rule: Aggregation
    present: IntArray
    members: IntArray

    @property
    def complete(self) -> BoolArray:
        """Cells where every member had data."""
        complete: BoolArray = self.present == self.members[:, None]
        return complete

    def coverage(self, group: str, period: Period) -> tuple[int, int]:
        """``(members with data, members)`` of one group in one period."""
        i = self.series.areas.index(group)
        j = self.series.periods.index(period)
        return int(self.present[i, j]), int(self.members[i])


def aggregate(
    series: Series,
    groups: Mapping[str, Sequence[str]],
    rule: Aggregation | str,
    weights: Series | None = None,
    *,
    allow_partial: bool = False,
) -> Aggregated:
    """Combine member areas into groups (regions).

    Args:
        series: the members' values; every member code must be one of its areas
            (map the series to the members' vintage first).
        groups: group name → member codes.
        rule: ``SUM`` or ``WEIGHTED_MEAN`` (or their values ``"sum"``, ``"weighted_mean"``).
        weights: for ``WEIGHTED_MEAN``, the weight of each member and period (>= 0),
            matched by area code and period.
        allow_partial: give a group a value when only some members have data
            (the sum, or weighted mean, of those). By default such a value is
            ``NaN``. :attr:`Aggregated.present` says how many members had data.

    Raises:
        AreaError: the rule is ``NONE`` or unknown, weights are missing or negative,
            a group is empty, repeats a member or names a code not in the series.
    """
    try:
        how = Aggregation(rule)
    except ValueError:
        msg = f"unknown aggregation rule {rule!r}; use 'sum' or 'weighted_mean'"
        raise AreaError(msg) from None
    if how is Aggregation.NONE:
        msg = (
            "this metric's aggregation is NONE: its values cannot be combined from "
            "member areas; fetch the region's own value from the source instead"
        )
        raise AreaError(msg)
    if how is Aggregation.WEIGHTED_MEAN and weights is None:
        msg = "a weighted mean needs a weight series (e.g. the denominator of the rate)"
        raise AreaError(msg)
    index = {a: i for i, a in enumerate(series.areas)}
    names = list(groups)
    membership = np.zeros((len(names), len(series.areas)))
    for g, name in enumerate(names):
        members = list(groups[name])
        if not members:
            msg = f"group {name!r} has no members"
            raise AreaError(msg)
        if len(set(members)) != len(members):
            msg = f"group {name!r} lists a member twice: {members}"
            raise AreaError(msg)
        unknown = [m for m in members if m not in index]
        if unknown:
            msg = (
                f"group {name!r}: {', '.join(unknown)} not among the series' areas "
                "(are the codes of the same vintage?)"
            )
            raise AreaError(msg)
        membership[g, [index[m] for m in members]] = 1.0
    x = series.values
    provenance = series.provenance
    if how is Aggregation.SUM:
        present = ~np.isnan(x)
        numerator = membership @ np.where(present, x, 0.0)
        denominator = None
    else:
        assert weights is not None
        w = _align(weights, series)
        if (w < 0).any():
            msg = "weights must not be negative"
            raise AreaError(msg)
        present = ~np.isnan(x) & ~np.isnan(w)
        w0 = np.where(present, w, 0.0)
        numerator = membership @ (w0 * np.where(present, x, 0.0))
        denominator = membership @ w0
        provenance = (*provenance, *weights.provenance)
    n_present = (membership @ present.astype(float)).astype(np.int64)
    n_members = membership.sum(axis=1).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = numerator if denominator is None else numerator / denominator
    out = np.where(n_present > 0, out, np.nan)
    if denominator is not None:
        out = np.where(denominator > 0, out, np.nan)
    if not allow_partial:
        out = np.where(n_present == n_members[:, None], out, np.nan)
    result = _with_rows(series, tuple(names), out, provenance)
    return Aggregated(result, how, n_present, n_members)


def _align(weights: Series, series: Series) -> FloatArray:
    """The weights on the series' areas and periods (``NaN`` where there is none)."""
    out = np.full(series.values.shape, np.nan)
    rows = {a: i for i, a in enumerate(weights.areas)}
    cols = {p: j for j, p in enumerate(weights.periods)}
    src_r = [rows.get(a, -1) for a in series.areas]
    src_c = [cols.get(p, -1) for p in series.periods]
    r = np.array([i for i, s in enumerate(src_r) if s >= 0], dtype=np.int64)
    c = np.array([j for j, s in enumerate(src_c) if s >= 0], dtype=np.int64)
    if r.size and c.size:
        wr = np.array([src_r[i] for i in r], dtype=np.int64)
        wc = np.array([src_c[j] for j in c], dtype=np.int64)
        out[np.ix_(r, c)] = weights.values[np.ix_(wr, wc)]
    return out
