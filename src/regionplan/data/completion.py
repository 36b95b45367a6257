"""Partial deliveries: which members a source's values leave out, and completing them.

A source may answer with values for some of the region's municipalities only (a table
that lacks one, an answer cut short). :func:`members_without_values` finds the members
with no value under any of their codes; :func:`rows_for` takes, from a later source's
answer, the rows of the members still missing, so a metric's sources complete one
another area by area (:func:`~regionplan.data.fetching.fetch_sources`).

With a metric's ``merge`` rule set (:class:`~regionplan.plan.model.MergeRule`), every
source is asked and :func:`merge_batches` combines their answers by municipality and
period: each value is taken from the first batch in order of precedence that has it.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np

from regionplan.data.series import Observations
from regionplan.plan.model import MergeRule, Municipality

__all__ = ["Merged", "describe_missing", "members_without_values", "merge_batches", "precedence", "rows_for"]


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


def precedence(batches: Sequence[Observations], rule: MergeRule) -> list[int]:
    """The order in which batches (as listed) win where several have a value.

    ``first_wins`` (and ``fallback``) keeps the order listed; ``newest_period_wins`` puts the
    batch whose latest period is the newest first, batches reaching equally far in the order
    listed. Period labels of one kind (2024, 2024Q4, 2024-05) sort as text.
    """
    order = list(range(len(batches)))
    if rule is MergeRule.NEWEST_PERIOD_WINS:
        latest = [max((str(p) for p in b.periods), default="") for b in batches]
        order.sort(key=lambda i: latest[i], reverse=True)  # stable: ties keep the order listed
    return order


@attrs.frozen
class Merged:
    """What one batch gives to a merged series.

    Attributes:
        rows: the batch's rows that were used (values only).
        areas: the members (current codes) it gave values for, or, when it gave none, the
            area codes it gave (the region as a whole, Norway).
        periods: the periods it gave those values for, sorted.
    """

    rows: Observations
    areas: tuple[str, ...]
    periods: tuple[str, ...]


def merge_batches(batches: Sequence[Observations], members: Sequence[Municipality]) -> list[Merged]:
    """Each batch's rows whose municipality and period no earlier batch has a value for.

    ``batches`` are in order of precedence. A member is one area whatever code a batch
    gives it under (a code of before a merger counts as the member's).
    """
    member_of = {c: m.current_code for m in members for c in m.all_codes}
    taken: set[tuple[str, str]] = set()
    out: list[Merged] = []
    for batch in batches:
        values = np.asarray(batch.values, dtype=float)
        areas = batch.areas.astype(str)
        periods = batch.periods.astype(str)
        # rows of one batch for one member and period under two codes are all kept
        keys = [(member_of.get(a, a), p) for a, p in zip(areas, periods, strict=True)]
        keep = np.array([k not in taken for k in keys], dtype=bool) & ~np.isnan(values)
        given = {(str(member_of.get(a, a)), str(p)) for a, p in zip(areas[keep], periods[keep], strict=True)}
        taken |= given
        of_members = {(a, p) for a, p in given if a in member_of.values()}
        named = of_members or given  # rows of no member (the region as a whole) only when no member's
        rows = Observations(
            areas=batch.areas[keep],
            periods=batch.periods[keep],
            values=values[keep],
            unit=batch.unit,
            provenance=batch.provenance,
        )
        out.append(Merged(rows, tuple(sorted({a for a, _ in named})), tuple(sorted({p for _, p in named}))))
    return out
