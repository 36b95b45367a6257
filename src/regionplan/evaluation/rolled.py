"""Goals' statuses rolled up from their children, for every area at once.

Walks the goal graph bottom-up once: each element's children (targets and elements) are
combined by the roll-up policy in one array operation across all areas
(:meth:`~regionplan.evaluation.rollup.RollupPolicy.combine_many`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from regionplan.evaluation import contracts
from regionplan.evaluation.batch import TargetBatch
from regionplan.evaluation.packing import freeze
from regionplan.evaluation.rollup import MixArrays, describe_many
from regionplan.plan.graph import GoalGraph, NodeKind

__all__ = ["RollupArrays", "roll_up"]


@attrs.frozen(eq=False)
class RollupArrays:
    """Rolled-up statuses of every element in every area, as arrays (one entry per area).

    ``mix`` holds, per element, its coverage, the mix of its measured children and its
    caveats (:class:`~regionplan.evaluation.rollup.MixArrays`).
    """

    order: tuple[str, ...]
    codes: Mapping[str, np.ndarray]
    scores: Mapping[str, np.ndarray]
    coverage: Mapping[str, np.ndarray]
    measured: Mapping[str, bool]
    children: Mapping[str, tuple[tuple[str, float], ...]]
    mix: Mapping[str, MixArrays]


def roll_up(
    graph: GoalGraph, n_areas: int, batches: Sequence[TargetBatch], ext: Any, policy_name: str
) -> RollupArrays:
    """Every element's status in every area, in one pass bottom-up, one array operation per element.

    Elements whose children have the very same status arrays and weights (every element
    without measured children, say) share one result: a policy's status is a function of
    its children's statuses and weights, so it is combined once, not once per element.
    """
    policy = contracts.registered(ext.rollup_policies, policy_name, "combine_many", ext)
    codes: dict[str, np.ndarray] = {b.target.id: b.judgement.status.astype(np.int8) for b in batches}
    scores: dict[str, np.ndarray] = {}
    coverage: dict[str, np.ndarray] = {}
    mix: dict[str, MixArrays] = {}
    measured: dict[str, bool] = {}
    children_of: dict[str, tuple[tuple[str, float], ...]] = {}
    order: list[str] = []
    # (ids of the children's status arrays, their weights) -> the combined result; every
    # array in ``codes`` lives until the end, so an id is never reused within the pass
    combined: dict[tuple[tuple[int, ...], tuple[float, ...]], tuple[np.ndarray, np.ndarray, MixArrays]] = {}
    for node in graph.rollup_order():
        if graph.kind(node) != NodeKind.ELEMENT:
            continue
        children = tuple((c, graph.weight(c, node)) for c in graph.children(node) if c in codes)
        measured[node] = any(graph.kind(c) == NodeKind.TARGET or measured.get(c, False) for c, _ in children)
        key = (tuple(id(codes[c]) for c, _ in children), tuple(w for _, w in children))
        found = combined.get(key)
        if found is None:
            if children:
                stacked = np.stack([codes[c] for c, _ in children])
                weights = np.array([w for _, w in children], dtype=float)
            else:
                stacked = np.zeros((0, n_areas), dtype=np.int8)
                weights = np.zeros(0)
            status, score = contracts.combine_many(policy, policy_name, stacked, weights, ext)
            # What the status rests on is described alike for every policy (a plugin may get it wrong).
            found = combined[key] = (status, score, describe_many(stacked, weights))
        codes[node], scores[node], mix[node] = found
        coverage[node] = mix[node].coverage
        children_of[node] = children
        order.append(node)
    element_codes = {k: v for k, v in codes.items() if k in measured}
    rolled = RollupArrays(tuple(order), element_codes, scores, coverage, measured, children_of, mix)
    freeze(rolled)  # read-only, as the targets' arrays are (elements share equal results)
    return rolled
