"""Roll-up: a goal's status from its children, through weighted contributes-to edges.

Children are targets and elements; an element may contribute to several
parents. Children with insufficient data do not vote; the result reports its
*coverage* (the share of the children's weight that had a status).

Built in (registered through
:func:`~regionplan.hookspecs.regionplan_register_rollup_policies`):

* ``weighted_score`` (default) — the weighted mean of the children's scores
  (achieved 1, on track 0.75, off track 0); achieved only when every voting child
  is achieved, on track from 0.5, off track below. The result always lies within
  the children's best and worst status.
* ``worst_child`` — the worst status among the children that have one.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from typing import ClassVar

import attrs
import numpy as np

from regionplan.evaluation.status import Status
from regionplan.markers import hookimpl

__all__ = ["ChildStatus", "Rollup", "RollupPolicy", "WeightedScore", "WorstChild"]


@attrs.frozen
class ChildStatus:
    """One child's vote: its id, status and the weight of its edge."""

    id: str
    status: Status
    weight: float = 1.0


@attrs.frozen
class Rollup:
    """A rolled-up status with the numbers behind it."""

    status: Status
    score: float | None
    coverage: float
    children: tuple[ChildStatus, ...]
    policy: str


class RollupPolicy(abc.ABC):
    """Base class of roll-up policies."""

    name: ClassVar[str] = ""

    @abc.abstractmethod
    def combine(self, children: Sequence[ChildStatus]) -> Rollup:
        """The status of a parent from its children's."""

    def combine_many(self, codes: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
        """:meth:`combine` for many areas at once.

        Args:
            codes: status codes (:attr:`Status.code`), shape ``(children, areas)``.
            weights: the children's edge weights, shape ``(children,)``.

        Returns:
            status codes, scores (``NaN`` where none) and coverage, each of shape ``(areas,)``.

        The default calls :meth:`combine` once per area; built-in policies override it
        with array operations.
        """
        n = codes.shape[1]
        out_codes = np.zeros(n, dtype=np.int8)
        out_scores = np.full(n, np.nan)
        out_coverage = np.zeros(n)
        for i in range(n):
            votes = [
                ChildStatus(str(k), Status.from_code(int(c)), float(w))
                for k, (c, w) in enumerate(zip(codes[:, i], weights, strict=True))
            ]
            rolled = self.combine(votes)
            out_codes[i] = rolled.status.code
            out_scores[i] = np.nan if rolled.score is None else rolled.score
            out_coverage[i] = rolled.coverage
        return out_codes, out_scores, out_coverage

    @staticmethod
    def coverage(children: Sequence[ChildStatus]) -> float:
        total = sum(c.weight for c in children)
        voting = sum(c.weight for c in children if c.status is not Status.INSUFFICIENT_DATA)
        return voting / total if total > 0 else 0.0


class WeightedScore(RollupPolicy):
    """Weighted mean of the children's scores."""

    name = "weighted_score"

    def combine(self, children: Sequence[ChildStatus]) -> Rollup:
        voting = [c for c in children if c.status.score is not None]
        weight = sum(c.weight for c in voting)
        if not voting or weight <= 0:
            return Rollup(Status.INSUFFICIENT_DATA, None, 0.0, tuple(children), self.name)
        score = sum(c.weight * (c.status.score or 0.0) for c in voting) / weight
        if all(c.status is Status.ACHIEVED for c in voting):
            status = Status.ACHIEVED
        elif score >= 0.5:
            status = Status.ON_TRACK
        else:
            status = Status.OFF_TRACK
        # The mean of scores lies within the children's bounds; keep the status there too.
        best = max(voting, key=lambda c: c.status.code).status
        worst = min(voting, key=lambda c: c.status.code).status
        if status.code > best.code:
            status = best
        if status.code < worst.code:
            status = worst
        return Rollup(status, score, self.coverage(children), tuple(children), self.name)

    def combine_many(self, codes: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
        voting, weight, coverage = _votes(codes, weights)
        points = _SCORE_OF_CODE[codes]
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.where(
                weight > 0, (np.where(voting, points, 0.0) * weights[:, None]).sum(axis=0) / weight, np.nan
            )
        all_achieved = np.all(~voting | (codes == ACHIEVED), axis=0)
        status = np.where(all_achieved, ACHIEVED, np.where(score >= 0.5, ON_TRACK, OFF_TRACK)).astype(np.int8)
        best = np.where(voting, codes, -1).max(axis=0, initial=-1)
        worst = np.where(voting, codes, 99).min(axis=0, initial=99)
        status = np.clip(status, worst, best).astype(np.int8)
        status[weight <= 0] = INSUFFICIENT
        return status, np.where(weight > 0, score, np.nan), coverage


_SCORE_OF_CODE = np.array([np.nan, 0.0, 0.75, 1.0])  # indexed by Status.code
ACHIEVED, ON_TRACK, OFF_TRACK, INSUFFICIENT = 3, 2, 1, 0


def _votes(codes: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which children vote, the voting weight and the coverage, per area."""
    voting = codes > INSUFFICIENT
    total = float(weights.sum())
    weight = (voting * weights[:, None]).sum(axis=0) if codes.size else np.zeros(codes.shape[1])
    coverage = weight / total if total > 0 else np.zeros(codes.shape[1])
    return voting, weight, coverage


class WorstChild(RollupPolicy):
    """The worst status among the children that have one."""

    name = "worst_child"

    def combine(self, children: Sequence[ChildStatus]) -> Rollup:
        voting = [c for c in children if c.status is not Status.INSUFFICIENT_DATA]
        if not voting:
            return Rollup(Status.INSUFFICIENT_DATA, None, 0.0, tuple(children), self.name)
        worst = min(voting, key=lambda c: c.status.code).status
        return Rollup(worst, worst.score, self.coverage(children), tuple(children), self.name)

    def combine_many(self, codes: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
        voting, weight, coverage = _votes(codes, weights)
        worst = np.where(voting, codes, 99).min(axis=0, initial=99)
        status = np.where(weight > 0, worst, INSUFFICIENT).astype(np.int8)
        return status, _SCORE_OF_CODE[status], coverage


@hookimpl
def regionplan_register_rollup_policies(register: Callable[..., None]) -> None:
    register("weighted_score", WeightedScore())
    register("worst_child", WorstChild())
