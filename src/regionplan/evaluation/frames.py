"""An evaluation read out as pandas DataFrames, built column by column from its arrays.

:func:`targets_frame` (``Evaluation.to_frame()``) has one row per target and area,
:func:`goals_frame` (``Evaluation.goals_frame()``) one per plan element and area. Every
column but the explanation is built from the evaluation's arrays, one target at a
time for all areas at once, so reading out every municipality of Norway costs a few
milliseconds; the explanation needs each result's sentence and is left out with
``explain=False``.

Periods (``baseline_period``, ``latest_period``, ``shock_period``, ``deadline``) are
:class:`~regionplan.plan.periods.Period` objects in object columns (``None`` where
there is none): they keep what a label cannot (a year read as 1 January, a quarter),
sort in time order and give their label with ``.label`` and their position on the time
axis with ``.time``. :meth:`Evaluation.to_records` keeps the labels as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from regionplan.evaluation.arrays import periods_at, target_arrays
from regionplan.evaluation.freshness import target_age, target_origin
from regionplan.evaluation.rollup import MEASURED
from regionplan.evaluation.status import Status
from regionplan.plan.periods import Period

if TYPE_CHECKING:
    from regionplan.evaluation.batch import TargetBatch
    from regionplan.evaluation.evaluator import Evaluation

__all__ = ["STATUS_VALUES", "TARGET_COLUMNS", "goals_frame", "targets_frame"]

#: Status values by status code (``STATUS_VALUES[code]``; see :attr:`Status.code`).
STATUS_VALUES = np.array([Status.from_code(c).value for c in range(4)], dtype=object)

#: The columns of :func:`targets_frame`, in order (``explanation`` only with ``explain=True``).
TARGET_COLUMNS = (
    "area",
    "target",
    "element",
    "metric",
    "kind",
    "status",
    "reason",
    "explanation",
    "category",
    "as_of",
    "baseline_period",
    "baseline_value",
    "latest_period",
    "latest_value",
    "goal",
    "deadline",
    "progress",
    "progress_flag",
    "path_value",
    "gap_to_path",
    "projected",
    "projected_low",
    "projected_high",
    "projection_points",
    "projection_min_points",
    "projection_indicative",
    "unit",
    "policy",
    "method",
    "measure",
    "shock_period",
    "shock_value",
    "members_with_data",
    "members",
    "coverage",
    "latest_end",
    "data_age_months",
    "next_expected",
    "stale",
    "delivered",
    "baseline_holds",
)


def targets_frame(evaluation: Evaluation, *, explain: bool = True, lang: str = "en") -> Any:
    """One row per target and area (targets in plan order, areas in evaluation order).

    Beside :meth:`Evaluation.to_records`' columns: ``explanation`` (the sentence of
    :meth:`TargetResult.explain` in ``lang``), ``as_of``, ``path_value`` and
    ``gap_to_path`` (the required straight path at the latest period, and how far the
    latest value lies above it), ``members_with_data``, ``members`` and ``coverage``
    (their share) at the latest period. Missing numbers are ``NaN`` (counts: ``<NA>``).
    """
    import pandas as pd

    joined_columns = _joined_batch_columns(evaluation)
    columns: dict[str, Any] = {}
    for name in TARGET_COLUMNS:
        if name == "explanation":
            if explain:
                columns[name] = _target_sentences(evaluation, lang)
            continue
        if name == "as_of":
            columns[name] = [evaluation.as_of] * (len(evaluation.batches) * len(evaluation.areas))
            continue
        joined = joined_columns.pop(name, np.empty(0, dtype=object))
        if name in {"data_age_months", "members_with_data", "members"}:
            columns[name] = pd.array(joined, dtype="Int64")
        else:
            columns[name] = joined
    return pd.DataFrame(columns)


#: Targets whose columns are built before they are joined: the columns of one target are
#: some forty small arrays, so building every target's first would hold millions of them.
_CHUNK = 256


def _joined_batch_columns(evaluation: Evaluation) -> dict[str, np.ndarray]:
    """The array columns of every target, joined a chunk of targets at a time.

    Joining the chunks' joins gives the very arrays (and dtypes) one join of all would.
    """
    batches = evaluation.batches
    chunks: list[dict[str, np.ndarray]] = []
    for start in range(0, len(batches), _CHUNK):
        parts = [_batch_columns(evaluation, b) for b in batches[start : start + _CHUNK]]
        chunks.append({name: np.concatenate([p[name] for p in parts]) for name in parts[0]})
    if len(chunks) == 1:
        return chunks[0]
    return {name: np.concatenate([c[name] for c in chunks]) for name in chunks[0]} if chunks else {}


def _batch_columns(evaluation: Evaluation, batch: TargetBatch) -> dict[str, np.ndarray]:
    """The columns of one target for every area."""
    n = len(evaluation.areas)
    a = target_arrays(evaluation, batch)
    rows, j, target, metric = batch.rows, batch.judgement, batch.target, batch.metric

    def same(value: Any) -> np.ndarray:
        out = np.empty(n, dtype=object)
        out[:] = [value] * n
        return out

    base_ok = np.isfinite(rows.stated_time) & np.isfinite(rows.stated_value)
    shock_ok = np.isfinite(rows.shock_time) & np.isfinite(rows.shock_value)
    raw = j.progress.astype(float)
    flag = np.full(n, None, dtype=object)
    flag[raw < 0] = "away"
    flag[raw > 1] = "beyond"
    p = j.projection
    projected = np.full((3, n), np.nan)
    indicative = np.full(n, None, dtype=object)
    points = np.zeros(n, dtype=np.int64)
    if p is not None:
        points = p.n_points.astype(np.int64)
        made = np.isfinite(p.value)
        projected[:, made] = np.stack([p.value, p.low, p.high])[:, made]
        indicative[made] = p.indicative(np.full(p.value.shape, rows.deadline))[made].tolist()
    age = _ages(evaluation, batch, a.latest_time)
    origin = target_origin(metric, batch.other, evaluation.data)
    delivered = "; ".join(f"{d.source}:{d.location or d.table}" for d in (origin.delivered if origin else ()))
    return {
        "area": np.array(evaluation.areas, dtype=object),
        "target": same(target.id),
        "element": same(target.element),
        "metric": same(metric.id),
        "kind": same(target.kind.value),
        "status": STATUS_VALUES[a.status],
        "reason": a.reason.astype(object),
        "category": j.category.astype(str).astype(object),
        "baseline_period": periods_at(rows, np.where(base_ok, rows.stated_time, np.nan)),
        "baseline_value": np.where(base_ok, rows.stated_value, np.nan),
        "latest_period": a.latest_period,
        "latest_value": a.latest_value,
        "goal": a.goal,
        "deadline": same(_deadline(batch)),
        "progress": np.clip(raw, 0.0, 1.0),
        "progress_flag": flag,
        "path_value": a.path_value,
        "gap_to_path": a.gap_to_path,
        "projected": projected[0],
        "projected_low": projected[1],
        "projected_high": projected[2],
        "projection_points": points,
        "projection_min_points": np.full(n, rows.min_points, dtype=np.int64),
        "projection_indicative": indicative,
        "unit": same(batch.unit),
        "policy": same(j.method),
        "method": same(batch.method),
        "measure": j.measure.astype(float),
        "shock_period": periods_at(rows, np.where(shock_ok, rows.shock_time, np.nan)),
        "shock_value": np.where(shock_ok, rows.shock_value, np.nan),
        "members_with_data": a.members_with_data,
        "members": a.members,
        "coverage": np.divide(
            a.members_with_data,
            a.members,
            out=np.full(n, np.nan),
            where=np.isfinite(a.members) & (np.nan_to_num(a.members) > 0),
        ),
        **age,
        "delivered": same(delivered),
        "baseline_holds": _holds(evaluation, batch, n),
    }


def _target_sentences(evaluation: Evaluation, lang: str) -> list[str]:
    """Each target's sentence in each area, in the frame's row order.

    Each result is built, explained and dropped: keeping them all (as
    :attr:`Evaluation.targets` does) would hold a history and a path per row.
    """
    areas = evaluation.areas
    return [evaluation.target(b.target.id, area).explain(lang) for b in evaluation.batches for area in areas]


def _goal_sentences(evaluation: Evaluation, lang: str) -> list[str]:
    """Each element's sentence in each area, in the frame's row order; no result is kept.

    Equal sentences are one string: most elements of a large plan measure nothing and say so
    in the same words.
    """
    areas = evaluation.areas
    said: dict[str, str] = {}
    out = []
    for node in evaluation.rolled.order:
        for area in areas:
            text = evaluation.goal(node, area).explain(lang)
            out.append(said.setdefault(text, text))
    return out


def _deadline(batch: TargetBatch) -> Period | None:
    label = batch.rows.deadline_label
    if not label:
        return None
    try:
        return batch.metric.period.read(label)
    except ValueError:
        return None


def _ages(evaluation: Evaluation, batch: TargetBatch, latest_time: np.ndarray) -> dict[str, np.ndarray]:
    """The age columns, computed once per distinct latest period (there are few)."""
    n = latest_time.shape[0]
    end = np.full(n, None, dtype=object)
    months = np.full(n, np.nan)
    due = np.full(n, None, dtype=object)
    stale = np.zeros(n, dtype=bool)
    finite = np.isfinite(latest_time)
    for t in np.unique(latest_time[finite]):
        age = target_age(
            batch.metric, batch.other, evaluation.data, batch.rows.periods, float(t), batch.as_of
        )
        if age is None:
            continue
        at = finite & (latest_time == t)
        end[at] = [age.latest_end] * int(at.sum())
        months[at] = age.age_months
        due[at] = [age.next_expected] * int(at.sum())
        stale[at] = age.stale
    return {"latest_end": end, "data_age_months": months, "next_expected": due, "stale": stale}


def _holds(evaluation: Evaluation, batch: TargetBatch, n: int) -> np.ndarray:
    """Whether the verdict holds from every earlier base period with data (``None``: none had data)."""
    out = np.full(n, None, dtype=object)
    s = evaluation.sensitivity.get(batch.target.id)
    if s is None or s.status.shape[0] < 2:
        return out
    available = s.available[1:].astype(bool)
    same = (s.status[1:] == s.status[0]) | ~available
    checked = available.any(axis=0)
    out[checked] = same.all(axis=0)[checked].tolist()
    return out


def goals_frame(evaluation: Evaluation, *, explain: bool = True, lang: str = "en") -> Any:
    """One row per plan element and area (children before parents, areas in evaluation order).

    Columns: ``area``, ``element``, ``kind``, ``status``, ``explanation`` (the sentence of
    :meth:`GoalResult.explain`, with ``explain=True``), ``as_of``, ``score``, ``coverage``,
    the number of measured children per status (``achieved``, ``on_track``,
    ``off_track``) and the caveats (comma-separated keys).
    """
    import pandas as pd

    r = evaluation.rolled
    n = len(evaluation.areas)
    nodes: Sequence[str] = r.order
    areas = np.array(evaluation.areas, dtype=object)
    columns: dict[str, Any] = {
        "area": np.tile(areas, len(nodes)),
        "element": np.repeat(np.array(nodes, dtype=object), n),
        "kind": np.repeat(np.array([evaluation.graph.obj(e).kind.value for e in nodes], dtype=object), n),
        "status": STATUS_VALUES[_concat([r.codes[e].astype(np.int64) for e in nodes], np.int64)],
    }
    if explain:
        columns["explanation"] = _goal_sentences(evaluation, lang)
    columns["as_of"] = [evaluation.as_of] * (n * len(nodes))
    columns["score"] = _concat([r.scores[e].astype(float) for e in nodes], float)
    columns["coverage"] = _concat([r.coverage[e].astype(float) for e in nodes], float)
    for k, s in enumerate(MEASURED):
        columns[s.value] = _concat([r.mix[e].counts[k].astype(np.int64) for e in nodes], np.int64)
    columns["caveats"] = _concat([_caveats(r.mix[e].caveats, n) for e in nodes], object)
    return pd.DataFrame(columns)


def _caveats(flags: Any, n: int) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    for key, applies in flags.items():
        on = np.asarray(applies, dtype=bool)
        out[on] = [f"{text},{key}" if text else key for text in out[on]]
    return out


def _concat(arrays: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.empty(0, dtype=dtype)
