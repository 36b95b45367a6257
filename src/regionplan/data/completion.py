"""Partial deliveries: which members a source's values leave out, and completing them.

A source may answer with values for some of the region's municipalities only (a table
that lacks one, an answer cut short). :func:`members_without_values` finds the members
with no value under any of their codes; :func:`rows_for` takes, from a later source's
answer, the rows of the members still missing, so a metric's sources complete one
another area by area (:func:`~regionplan.data.fetching.fetch_sources`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from regionplan.data.series import Observations
from regionplan.plan.model import Municipality

__all__ = ["describe_missing", "members_without_values", "rows_for"]


def _with_values(batch: Observations) -> set[str]:
    """The area codes that have at least one value (not NaN) in a batch."""
    values = np.asarray(batch.values, dtype=float)
    return {str(a) for a in np.unique(batch.areas[~np.isnan(values)].astype(str))}


def members_without_values(
    members: Sequence[Municipality], batch: Observations
) -> tuple[Municipality, ...] | None:
    """The members a batch has no value for under any of their codes.

    ``None`` when the batch has no member's code at all (values given for the region as a
    whole, or for a fixed area such as Norway): then it cannot be judged by member.
    """
    present = _with_values(batch)
    if not any(c in present for m in members for c in m.all_codes):
        return None
    return tuple(m for m in members if not any(c in present for c in m.all_codes))


def rows_for(
    batch: Observations, members: Sequence[Municipality]
) -> tuple[Observations, tuple[Municipality, ...]]:
    """The rows of ``batch`` for ``members`` (any of their codes, values only), and the
    members they cover."""
    codes = {c for m in members for c in m.all_codes}
    values = np.asarray(batch.values, dtype=float)
    keep = np.isin(batch.areas.astype(str), np.array(sorted(codes), dtype=str)) & ~np.isnan(values)
    rows = Observations(
        areas=batch.areas[keep],
        periods=batch.periods[keep],
        values=values[keep],
        unit=batch.unit,
        provenance=batch.provenance,
    )
    present = _with_values(rows)
    return rows, tuple(m for m in members if any(c in present for c in m.all_codes))


def describe_missing(missing: Sequence[Municipality], total: int | None = None) -> str:
    """``no values for 1 of 3 municipalities: Nes (3228)``, or, for a source that does
    not complete a partial delivery (no ``total``), ``no values for Nes (3228) either``."""
    names = ", ".join(f"{m.name.get()} ({m.current_code})" for m in missing)
    if total is None:
        return f"no values for {names} either"
    return f"no values for {len(missing)} of {total} municipalities: {names}"
