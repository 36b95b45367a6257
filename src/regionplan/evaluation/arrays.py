"""Every area's status on a target as numpy arrays, for analysts who want them all at once.

``Evaluation.arrays`` maps each target id to a :class:`TargetArrays`: one entry per area
evaluated, in the order of ``Evaluation.areas`` (with ``groups={code: [code]}``, every
municipality as its own region). Status codes are small integers::

    3 achieved, 2 on track, 1 off track, 0 insufficient data

(:attr:`Status.code`; ``Status.from_code(c)`` gives the status back, and
:data:`~regionplan.evaluation.frames.STATUS_VALUES` ``[codes]`` their values as text).
No result object is built: the arrays are read from the evaluation's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs
import numpy as np

from regionplan.evaluation.evidence import Rows
from regionplan.evaluation.packing import freeze
from regionplan.plan.fields import ReadOnlyMapping
from regionplan.plan.periods import Period

if TYPE_CHECKING:
    from regionplan.evaluation.batch import TargetBatch
    from regionplan.evaluation.evaluator import Evaluation

__all__ = ["TargetArrays", "periods_at", "status_arrays", "target_arrays"]


@attrs.frozen(eq=False)
class TargetArrays:
    """One target in every area, one array entry per area (``NaN``/``None`` where there is none).

    Attributes:
        target: the target's id.
        areas: the area codes (or region ids), in the evaluation's order.
        status: status codes, ``int8`` (3 achieved, 2 on track, 1 off track, 0 insufficient data).
        reason: the reason keys (:data:`~regionplan.evaluation.status.REASONS`), as text.
        latest_value: the latest value judged, in the target's unit.
        latest_time: its position on the time axis (decimal years).
        latest_period: its :class:`~regionplan.plan.periods.Period` (object array).
        goal: the value to reach by the deadline.
        path_value: the straight path from the baseline (a recovery's: from the low
            point) to the goal at the deadline, at the latest period (``NaN`` for a
            condition such as ``growth_vs``, which has no path).
        gap_to_path: ``latest_value - path_value``: positive above the path, negative
            below (which of them is ahead depends on the metric's direction).
        members_with_data, members: members with data at the latest period, and members
            (floats, ``NaN`` where not counted: no latest value, or a target on one area).
    """

    target: str
    areas: np.ndarray
    status: np.ndarray
    reason: np.ndarray
    latest_value: np.ndarray
    latest_time: np.ndarray
    latest_period: np.ndarray
    goal: np.ndarray
    path_value: np.ndarray
    gap_to_path: np.ndarray
    members_with_data: np.ndarray
    members: np.ndarray


def status_arrays(evaluation: Evaluation) -> Mapping[str, TargetArrays]:
    """Every target's arrays, by target id (in plan order), read-only as the evaluation is."""
    found = {b.target.id: target_arrays(evaluation, b) for b in evaluation.batches}
    freeze(tuple(found.values()))
    return ReadOnlyMapping(found)


def target_arrays(evaluation: Evaluation, batch: TargetBatch) -> TargetArrays:
    """One target's arrays across every area evaluated."""
    rows, j = batch.rows, batch.judgement
    latest_time = np.asarray(j.latest_time, dtype=float)
    latest_value = np.asarray(j.latest_value, dtype=float)
    known = np.isfinite(latest_time) & np.isfinite(latest_value)
    latest_time = np.where(known, latest_time, np.nan)
    latest_value = np.where(known, latest_value, np.nan)
    path = _path_at(rows, latest_time)
    present, members = _members(evaluation, batch, latest_time)
    return TargetArrays(
        target=batch.target.id,
        areas=np.array(evaluation.areas, dtype=str),
        status=np.asarray(j.status).astype(np.int8),
        reason=np.asarray(j.reason).astype(str),
        latest_value=latest_value,
        latest_time=latest_time,
        latest_period=periods_at(rows, latest_time),
        goal=np.asarray(rows.goal, dtype=float),
        path_value=path,
        gap_to_path=latest_value - path,
        members_with_data=present,
        members=members,
    )


def periods_at(rows: Rows, times: np.ndarray) -> np.ndarray:
    """The period of each time among the target's periods (``None`` where ``NaN`` or not one)."""
    by_time = {round(float(t), 6): p for p, t in zip(rows.periods, rows.times, strict=True)}
    out = np.full(times.shape, None, dtype=object)
    finite = np.isfinite(times)
    for t in np.unique(times[finite]):
        found: Period | None = by_time.get(round(float(t), 6))
        if found is not None:
            at = finite & (times == t)
            out[at] = [found] * int(at.sum())
    return out


def _path_at(rows: Rows, t: np.ndarray) -> np.ndarray:
    """The straight path from the start to the goal at the deadline, at times ``t``.

    As the status policies draw it: the start before the start, the goal after the deadline.
    """
    if rows.condition:
        return np.full(t.shape, np.nan)
    span = rows.deadline - rows.base_time
    ok = np.isfinite(rows.base_value) & np.isfinite(rows.goal) & np.isfinite(t)
    ahead = ok & (span > 0)
    share = np.divide(t - rows.base_time, span, out=np.ones(t.shape), where=ahead)
    share = np.clip(share, 0.0, 1.0)
    return np.where(ok, rows.base_value + (rows.goal - rows.base_value) * share, np.nan)


def _members(evaluation: Evaluation, batch: TargetBatch, latest_time: np.ndarray) -> tuple[np.ndarray, ...]:
    """Members with data at the latest period, and members (as :func:`target_result` counts them)."""
    n = latest_time.shape[0]
    present = np.full(n, np.nan)
    members = np.full(n, np.nan)
    md = evaluation.data[batch.metric.id]
    if not md.present.size or batch.target.area:
        return present, members
    columns = {round(p.time, 6): k for k, p in enumerate(md.regions.periods)}
    finite = np.isfinite(latest_time)
    for t in np.unique(latest_time[finite]):
        col = columns.get(round(float(t), 6))
        if col is None:
            continue
        at = finite & (latest_time == t)
        present[at] = md.present[at, col]
        members[at] = np.asarray(md.n_members)[at]
    return present, members
