"""Roll-up: a goal's status from its children, through weighted contributes-to edges.

Children are targets and elements; an element may contribute to several
parents. Children with insufficient data do not vote.

A roll-up policy decides a goal's *status* and *score*. What the status rests on is
described by :class:`RollupPolicy` itself, the same way for every policy, so a
plugin that only implements :meth:`RollupPolicy.combine` gets it too:

* **coverage** — the share of the children's weight that has a status;
* **mix** — how the measured children stand: their number per status
  (:attr:`Rollup.mix`) and their share of the children's weight per status
  (:attr:`Rollup.mix_weight`, which sums to the coverage);
* **caveats** (keys of :data:`CAVEATS`) — ``unmeasured`` when no child has a status,
  ``partly_measured`` when less than half of the weight is measured, ``mixed`` when
  the measured children disagree (some achieved or on track, some off track).

Built in (registered through
:func:`~regionplan.hookspecs.regionplan_register_rollup_policies`):

* ``weighted_score`` (default) — the weighted mean of the children's scores
  (achieved 1, on track 0.75, off track 0). Achieved only when every voting child is
  achieved; on track only when the score reaches the on-track score, 0.75, that is
  when the measured children stand on average at least on track; off track below.
  One achieved and one off-track child (score 0.5) are off track: an achieved child
  does not make up for one that is off track. The status always lies within the
  children's best and worst status, and improving one child never worsens it.
* ``worst_child`` — the worst status among the children that have one.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from typing import ClassVar

import attrs
import numpy as np

from regionplan.evaluation.status import Status
from regionplan.plan.model import Label

__all__ = [
    "CAVEATS",
    "MEASURED",
    "ON_TRACK_SCORE",
    "PARTLY_MEASURED_BELOW",
    "ChildStatus",
    "MixArrays",
    "Rollup",
    "RollupPolicy",
    "WeightedScore",
    "WorstChild",
    "describe_many",
]

#: The statuses a measured child can have, best first (the order of a mix).
MEASURED: tuple[Status, ...] = (Status.ACHIEVED, Status.ON_TRACK, Status.OFF_TRACK)

#: The weighted score a goal needs to be on track under ``weighted_score``.
ON_TRACK_SCORE = 0.75

#: Caveats of a rolled-up status, in the words a reader sees (nb and en).
CAVEATS: dict[str, Label] = {
    "unmeasured": Label({"en": "no part is measured", "nb": "ingen del er målt"}),
    "partly_measured": Label({"en": "less than half is measured", "nb": "under halvparten er målt"}),
    "mixed": Label({"en": "the measured parts disagree", "nb": "de målte delene spriker"}),
}

_MEASURED_CODES = np.array([s.code for s in MEASURED], dtype=np.int8)[:, None, None]

#: Less than this share of weight measured is "partly measured".
PARTLY_MEASURED_BELOW = 0.5

# Scores and coverage are ratios of float sums: one that meets a threshold in exact
# arithmetic may come out an ulp below it.
_EPS = 1e-9


@attrs.frozen
class ChildStatus:
    """One child's vote: its id, status and the weight of its edge."""

    id: str
    status: Status
    weight: float = 1.0


@attrs.frozen(eq=False)
class MixArrays:
    """What rolled-up statuses rest on, for many areas at once (see :func:`describe_many`).

    Attributes:
        coverage: the share of the children's weight with a status, shape ``(areas,)``.
        counts: measured children per status, shape ``(3, areas)``, rows in :data:`MEASURED` order.
        weights: their share of the children's total weight, same shape (sums to ``coverage``).
        caveats: caveat key -> whether it applies, each of shape ``(areas,)``, in :data:`CAVEATS` order.
    """

    coverage: np.ndarray
    counts: np.ndarray
    weights: np.ndarray
    caveats: Mapping[str, np.ndarray]

    def mix(self, i: int) -> dict[Status, int]:
        """The number of measured children per status in area ``i``."""
        return {s: int(self.counts[k, i]) for k, s in enumerate(MEASURED)}

    def mix_weight(self, i: int) -> dict[Status, float]:
        """The measured children's share of weight per status in area ``i``."""
        return {s: float(self.weights[k, i]) for k, s in enumerate(MEASURED)}

    def caveats_of(self, i: int) -> tuple[str, ...]:
        """The caveats that apply in area ``i``."""
        return tuple(k for k, flags in self.caveats.items() if flags[i])


def describe_many(codes: np.ndarray, weights: np.ndarray) -> MixArrays:
    """Coverage, mix and caveats of many areas' children at once.

    Args:
        codes: status codes (:attr:`Status.code`), shape ``(children, areas)``.
        weights: the children's edge weights, shape ``(children,)``.
    """
    codes = np.asarray(codes)
    weights = np.asarray(weights, dtype=float)
    total = float(weights.sum())
    is_status = codes[None, :, :] == _MEASURED_CODES  # (statuses, children, areas)
    counts = is_status.sum(axis=1, dtype=np.int64).reshape(len(MEASURED), -1)
    weight = (weights @ is_status).reshape(len(MEASURED), -1)
    shares = weight / total if total > 0 else np.zeros_like(weight)
    coverage = weight.sum(axis=0) / total if total > 0 else np.zeros(codes.shape[1])
    measured = counts.sum(axis=0)
    good = counts[0] + counts[1]
    caveats = {
        "unmeasured": measured == 0,
        "partly_measured": (measured > 0) & (coverage < PARTLY_MEASURED_BELOW - _EPS),
        "mixed": (good > 0) & (counts[2] > 0),
    }
    return MixArrays(coverage, counts, shares, caveats)


def _describe(children: Sequence[ChildStatus]) -> MixArrays:
    """:func:`describe_many` for one area (the same arithmetic, so both paths agree exactly)."""
    codes = np.array([[c.status.code] for c in children], dtype=np.int8).reshape(len(children), 1)
    return describe_many(codes, np.array([c.weight for c in children], dtype=float))


def _mix(self: Rollup) -> dict[Status, int]:
    return _describe(self.children).mix(0)


def _mix_weight(self: Rollup) -> dict[Status, float]:
    return _describe(self.children).mix_weight(0)


def _caveats(self: Rollup) -> tuple[str, ...]:
    return _describe(self.children).caveats_of(0)


@attrs.frozen
class Rollup:
    """A rolled-up status with the numbers behind it.

    A policy gives the status, score, coverage, children and its name; the mix and the
    caveats follow from the children (they cannot be passed in).

    Attributes:
        mix: the number of measured children per status (keys in :data:`MEASURED` order).
        mix_weight: their share of the children's total weight per status (sums to the coverage).
        caveats: keys of :data:`CAVEATS` that apply.
    """

    status: Status
    score: float | None
    coverage: float
    children: tuple[ChildStatus, ...]
    policy: str
    mix: Mapping[Status, int] = attrs.field(init=False, default=attrs.Factory(_mix, takes_self=True))
    mix_weight: Mapping[Status, float] = attrs.field(
        init=False, default=attrs.Factory(_mix_weight, takes_self=True)
    )
    caveats: tuple[str, ...] = attrs.field(init=False, default=attrs.Factory(_caveats, takes_self=True))


class RollupPolicy(abc.ABC):
    """Base class of roll-up policies.

    A policy implements :meth:`combine` (one area) and may override :meth:`combine_many`
    (many areas, as arrays) for speed. Coverage, mix and caveats are not the policy's
    business: :meth:`coverage`, :attr:`Rollup.mix`, :attr:`Rollup.caveats` and, for many
    areas, :func:`describe_many` compute them the same way for every policy.
    """

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
        for i in range(n):
            votes = [
                ChildStatus(str(k), Status.from_code(int(c)), float(w))
                for k, (c, w) in enumerate(zip(codes[:, i], weights, strict=True))
            ]
            rolled = self.combine(votes)
            out_codes[i] = rolled.status.code
            out_scores[i] = np.nan if rolled.score is None else rolled.score
        return out_codes, out_scores, describe_many(codes, weights).coverage

    @staticmethod
    def coverage(children: Sequence[ChildStatus]) -> float:
        """The share of the children's weight that has a status."""
        return float(_describe(children).coverage[0])


class WeightedScore(RollupPolicy):
    """Weighted mean of the children's scores; on track from :data:`ON_TRACK_SCORE`."""

    name = "weighted_score"

    def combine(self, children: Sequence[ChildStatus]) -> Rollup:
        voting = [c for c in children if c.status.score is not None]
        weight = sum(c.weight for c in voting)
        if not voting or weight <= 0:
            return Rollup(Status.INSUFFICIENT_DATA, None, self.coverage(children), tuple(children), self.name)
        score = sum(c.weight * (c.status.score or 0.0) for c in voting) / weight
        if all(c.status is Status.ACHIEVED for c in voting):
            status = Status.ACHIEVED
        elif score >= ON_TRACK_SCORE - _EPS:
            status = Status.ON_TRACK
        else:
            status = Status.OFF_TRACK
        # Keep the status within the children's best and worst (the score lies there too).
        best = max(voting, key=lambda c: c.status.code).status
        worst = min(voting, key=lambda c: c.status.code).status
        if status.code > best.code:
            status = best
        if status.code < worst.code:
            status = worst
        return Rollup(status, score, self.coverage(children), tuple(children), self.name)

    def combine_many(self, codes: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
        voting, weight = _votes(codes, weights)
        points = _SCORE_OF_CODE[codes]
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.where(
                weight > 0, (np.where(voting, points, 0.0) * weights[:, None]).sum(axis=0) / weight, np.nan
            )
            on_track = score >= ON_TRACK_SCORE - _EPS  # NaN (no vote) is not on track
        all_achieved = np.all(~voting | (codes == ACHIEVED), axis=0)
        status = np.where(all_achieved, ACHIEVED, np.where(on_track, ON_TRACK, OFF_TRACK)).astype(np.int8)
        best = np.where(voting, codes, -1).max(axis=0, initial=-1)
        worst = np.where(voting, codes, 99).min(axis=0, initial=99)
        status = np.clip(status, worst, best).astype(np.int8)
        status[weight <= 0] = INSUFFICIENT
        return status, np.where(weight > 0, score, np.nan), _coverage(weight, weights)


_SCORE_OF_CODE = np.array([np.nan, 0.0, 0.75, 1.0])  # indexed by Status.code
ACHIEVED, ON_TRACK, OFF_TRACK, INSUFFICIENT = 3, 2, 1, 0


def _votes(codes: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which children vote and the voting weight, per area."""
    voting = codes > INSUFFICIENT
    weight = (voting * weights[:, None]).sum(axis=0) if codes.size else np.zeros(codes.shape[1])
    return voting, weight


def _coverage(voting_weight: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The share of the children's weight that votes (has a status), per area."""
    total = float(weights.sum())
    return voting_weight / total if total > 0 else np.zeros_like(voting_weight)


class WorstChild(RollupPolicy):
    """The worst status among the children that have one."""

    name = "worst_child"

    def combine(self, children: Sequence[ChildStatus]) -> Rollup:
        voting = [c for c in children if c.status is not Status.INSUFFICIENT_DATA]
        if not voting:
            return Rollup(Status.INSUFFICIENT_DATA, None, self.coverage(children), tuple(children), self.name)
        worst = min(voting, key=lambda c: c.status.code).status
        return Rollup(worst, worst.score, self.coverage(children), tuple(children), self.name)

    def combine_many(self, codes: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
        voting, weight = _votes(codes, weights)
        worst = np.where(voting, codes, 99).min(axis=0, initial=99)
        status = np.where(weight > 0, worst, INSUFFICIENT).astype(np.int8)
        return status, _SCORE_OF_CODE[status], _coverage(weight, weights)
