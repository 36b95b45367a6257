"""Statuses, their reason codes, the evidence they are judged on, and what a policy returns.

A :class:`StatusPolicy` turns :class:`Evidence` about a batch of targets into a
:class:`Judgement`: one :class:`Status` per target, a reason code (a key of
:data:`REASONS`), and the numbers behind it. Policies work on arrays, so a plan
evaluated for every municipality in Norway is judged in one pass. The built-in
policies are in :mod:`~regionplan.evaluation.status_policies`.
"""

from __future__ import annotations

import abc
import enum
import functools
from collections.abc import Mapping
from typing import ClassVar

import attrs
import numpy as np

from regionplan.evaluation.projection import Projection, Projector
from regionplan.plan.model import Label

__all__ = [
    "DEFAULT_MIN_POINTS",
    "REASONS",
    "Evidence",
    "Judgement",
    "Status",
    "StatusPolicy",
    "progress_share",
]


class Status(enum.Enum):
    """Where a target or goal stands."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    INSUFFICIENT_DATA = "insufficient_data"

    @property
    def score(self) -> float | None:
        """A number for roll-up (higher is better); ``None`` for insufficient data."""
        return _SCORES[self]

    @property
    def code(self) -> int:
        return _CODES[self]

    @classmethod
    def from_code(cls, code: int) -> Status:
        return _BY_CODE[int(code)]

    @property
    def label(self) -> Label:
        return _LABELS[self]

    @property
    def symbol(self) -> str:
        """A text mark that shows status without colour."""
        return _SYMBOLS[self]


_SCORES = {
    Status.ACHIEVED: 1.0,
    Status.ON_TRACK: 0.75,
    Status.OFF_TRACK: 0.0,
    Status.INSUFFICIENT_DATA: None,
}
_CODES = {Status.ACHIEVED: 3, Status.ON_TRACK: 2, Status.OFF_TRACK: 1, Status.INSUFFICIENT_DATA: 0}
_BY_CODE = {v: k for k, v in _CODES.items()}
_LABELS = {
    Status.ACHIEVED: Label({"nb": "Nådd", "en": "Achieved"}),
    Status.ON_TRACK: Label({"nb": "I rute", "en": "On track"}),
    Status.OFF_TRACK: Label({"nb": "Ikke i rute", "en": "Off track"}),
    Status.INSUFFICIENT_DATA: Label({"nb": "For lite data", "en": "Insufficient data"}),
}
_SYMBOLS = {
    Status.ACHIEVED: "✔",
    Status.ON_TRACK: "▲",
    Status.OFF_TRACK: "▼",
    Status.INSUFFICIENT_DATA: "?",
}

ACHIEVED, ON_TRACK, OFF_TRACK, INSUFFICIENT = 3, 2, 1, 0

#: The fewest observations from the baseline on that a projection is made from, unless
#: the metric says otherwise (``projection_min_points``).
DEFAULT_MIN_POINTS = 5

#: Reason codes and their sentences in nb and en. Fields in braces are filled from
#: the judgement's numbers when a renderer writes the sentence.
REASONS: dict[str, Label] = {
    "no_data": Label(
        {
            "en": "No observations are available as of the evaluation date.",
            "nb": "Ingen observasjoner er tilgjengelige på vurderingsdatoen.",
        }
    ),
    "no_baseline": Label(
        {
            "en": "There is no observation for the baseline period.",
            "nb": "Det finnes ingen observasjon for utgangsåret.",
        }
    ),
    "one_point": Label(
        {
            "en": "Only the baseline is observed; progress needs a later observation.",
            "nb": "Bare utgangsverdien er observert; framdrift krever en senere observasjon.",
        }
    ),
    "no_target_value": Label(
        {
            "en": "The target has no value to compare with.",
            "nb": "Målet har ingen verdi å sammenligne med.",
        }
    ),
    "target_equals_baseline": Label(
        {
            "en": "The target equals the baseline, so progress towards it cannot be measured.",
            "nb": "Målet er lik utgangsverdien, så framdrift kan ikke måles.",
        }
    ),
    "zero_baseline": Label(
        {
            "en": "The baseline is zero, so growth rates are undefined.",
            "nb": "Utgangsverdien er null, så vekstrater er udefinerte.",
        }
    ),
    "sign_change": Label(
        {
            "en": "The baseline and the latest value have opposite signs; growth rates are undefined.",
            "nb": "Utgangsverdien og siste verdi har ulikt fortegn; vekstrater er udefinerte.",
        }
    ),
    "too_few_points": Label(
        {
            "en": "Too few observations to project to the deadline.",
            "nb": "For få observasjoner til å framskrive til fristen.",
        }
    ),
    "not_computable": Label(
        {
            "en": "The progress measure cannot be computed from these values.",
            "nb": "Framdriftsmålet kan ikke beregnes fra disse verdiene.",
        }
    ),
    "target_value_missing": Label(
        {
            "en": "The target's value is not available for this area.",
            "nb": "Målverdien er ikke tilgjengelig for dette området.",
        }
    ),
    "unsupported_direction": Label(
        {
            "en": "This policy cannot judge a metric whose direction is 'maintain'.",
            "nb": "Denne metoden kan ikke vurdere en indikator som skal holdes stabil.",
        }
    ),
    "met": Label({"en": "The latest value meets the target.", "nb": "Siste verdi oppfyller målet."}),
    "met_every_year": Label(
        {
            "en": "The value improved in every year observed since the baseline.",
            "nb": "Verdien har blitt bedre hvert år siden utgangsåret.",
        }
    ),
    "not_every_year": Label(
        {
            "en": "The value did not improve in every year since the baseline.",
            "nb": "Verdien har ikke blitt bedre hvert år siden utgangsåret.",
        }
    ),
    "held_steady": Label(
        {
            "en": "The value stayed within the tolerance of its baseline in every year observed.",
            "nb": "Verdien har holdt seg innenfor toleransen rundt utgangsverdien hvert år.",
        }
    ),
    "not_held_steady": Label(
        {
            "en": "The value did not stay within the tolerance of its baseline in every year observed.",
            "nb": "Verdien har ikke holdt seg innenfor toleransen rundt utgangsverdien hvert år.",
        }
    ),
    "holding_level": Label(
        {
            "en": "The value has not fallen behind its baseline level so far.",
            "nb": "Verdien har så langt ikke falt bak utgangsnivået.",
        }
    ),
    "level_held": Label(
        {
            "en": "The deadline has passed with the value held at or beyond its baseline level.",
            "nb": "Fristen er passert, og verdien har holdt seg på eller bedre enn utgangsnivået.",
        }
    ),
    "level_not_held": Label(
        {
            "en": "The value has fallen behind its baseline level.",
            "nb": "Verdien har falt bak utgangsnivået.",
        }
    ),
    "ahead_of_path": Label(
        {
            "en": "The latest value is at or ahead of the straight path from the baseline to the target.",
            "nb": "Siste verdi ligger på eller foran den rette linjen fra utgangsverdien til målet.",
        }
    ),
    "behind_path": Label(
        {
            "en": "The latest value is behind the straight path from the baseline to the target.",
            "nb": "Siste verdi ligger bak den rette linjen fra utgangsverdien til målet.",
        }
    ),
    "condition_holds": Label(
        {
            "en": "The condition holds at the latest observation.",
            "nb": "Betingelsen er oppfylt ved siste observasjon.",
        }
    ),
    "condition_fails": Label(
        {
            "en": "The condition does not hold at the latest observation.",
            "nb": "Betingelsen er ikke oppfylt ved siste observasjon.",
        }
    ),
    "deadline_passed": Label(
        {
            "en": "The deadline has passed without the target being met.",
            "nb": "Fristen er passert uten at målet er nådd.",
        }
    ),
    "projection_meets": Label(
        {
            "en": "The projection to the deadline meets the target.",
            "nb": "Framskrivingen til fristen når målet.",
        }
    ),
    "projection_misses": Label(
        {
            "en": "The projection to the deadline falls short of the target.",
            "nb": "Framskrivingen til fristen når ikke målet.",
        }
    ),
    "substantial_progress": Label(
        {
            "en": "Substantial progress: growth is at least 95 % of what the target requires.",
            "nb": "God framdrift: veksten er minst 95 % av det målet krever.",
        }
    ),
    "moderate_progress": Label(
        {
            "en": "Moderate progress: growth is 60–95 % of what the target requires.",
            "nb": "Noe framdrift: veksten er 60–95 % av det målet krever.",
        }
    ),
    "limited_progress": Label(
        {
            "en": "Limited progress: growth is below 60 % of what the target requires.",
            "nb": "Liten framdrift: veksten er under 60 % av det målet krever.",
        }
    ),
    "deterioration": Label(
        {
            "en": "Deterioration: the value moves away from the target.",
            "nb": "Forverring: verdien beveger seg bort fra målet.",
        }
    ),
}


@attrs.frozen(eq=False)
class Evidence:
    """What a policy judges, for ``n`` targets over one time axis.

    Values are in each target's metric unit and already limited to what was
    published by the evaluation date (later cells are ``NaN``).

    Attributes:
        times: shape ``(T,)``, decimal years (see :mod:`regionplan.plan.periods`).
        values: shape ``(n, T)``.
        direction: ``+1`` more is better, ``-1`` less is better, ``0`` maintain.
        base_time, base_value: the point progress is measured from.
        goal: the value to reach by the deadline (``NaN`` when the target has none).
        deadline: decimal year.
        tolerance: allowed distance from ``goal`` for ``maintain`` and conditions.
        every_year: the target asks for an improvement every year and states no goal
            value (elsewhere a ``NaN`` goal is a value that is missing, not absent).
        condition: the target is a condition to hold (``value >= goal``), not a move.
        as_of: the evaluation date as a decimal year.
        hold: the target keeps a level rather than moves to one (a change of zero: its
            goal is its baseline); it is achieved only when the deadline has passed
            with the level held.
        min_points: the fewest observations from the baseline on that a projection is
            made from (a metric's ``projection_min_points``).
        undefined: a reason code (a key of :data:`REASONS`) where the evidence cannot
            be judged as built (growth from a zero baseline), ``""`` elsewhere.
    """

    times: np.ndarray
    values: np.ndarray
    direction: np.ndarray
    base_time: np.ndarray
    base_value: np.ndarray
    goal: np.ndarray
    deadline: np.ndarray
    tolerance: np.ndarray
    every_year: np.ndarray
    condition: np.ndarray
    as_of: float
    hold: np.ndarray = attrs.field(
        default=attrs.Factory(lambda self: np.zeros(self.values.shape[0], dtype=bool), takes_self=True)
    )
    min_points: np.ndarray = attrs.field(
        default=attrs.Factory(
            lambda self: np.full(self.values.shape[0], DEFAULT_MIN_POINTS, dtype=np.int64), takes_self=True
        )
    )
    undefined: np.ndarray = attrs.field(
        default=attrs.Factory(lambda self: np.full(self.values.shape[0], "", dtype=object), takes_self=True)
    )

    # What every policy asks first, worked out once per evidence (a policy, its projection
    # and its progress each read them); callers get copies, so the evidence stays as built.
    _since: np.ndarray | None = attrs.field(init=False, default=None, repr=False)
    _latest: tuple[np.ndarray, np.ndarray, np.ndarray] | None = attrs.field(
        init=False, default=None, repr=False
    )

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    def since_base(self) -> np.ndarray:
        """Values from the baseline on (earlier cells ``NaN``)."""
        if self._since is None:
            since = np.where(self.times[None, :] >= self.base_time[:, None] - 1e-9, self.values, np.nan)
            object.__setattr__(self, "_since", since)
        assert self._since is not None
        return self._since.copy()

    def latest(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Latest time, latest value and the count of observations from the baseline on."""
        if self._latest is None:
            object.__setattr__(self, "_latest", _latest_of(self.times, self.since_base()))
        assert self._latest is not None
        t, val, count = self._latest
        return t.copy(), val.copy(), count.copy()


def _latest_of(times: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latest time, latest value and count of observations of each row of ``v``."""
    n, columns = v.shape
    if columns == 0:
        nan = np.full(n, np.nan)
        return nan, nan.copy(), np.zeros(n, dtype=np.int64)
    # down the columns of the transposed copy: numpy reduces many short rows slowly
    down = np.ascontiguousarray(v.T)
    seen = ~np.isnan(down)
    count = np.count_nonzero(seen, axis=0).astype(np.int64)
    last = np.where(seen, np.arange(columns)[:, None], -1).max(axis=0)
    has = last >= 0
    col = np.maximum(last, 0)
    t = np.where(has, times[col], np.nan)
    val = np.where(has, down[col, np.arange(n)], np.nan)
    return t, val, count


@attrs.frozen(eq=False)
class Judgement:
    """A policy's verdicts for a batch of targets.

    Attributes:
        status: status codes (3 achieved, 2 on track, 1 off track, 0 insufficient).
        reason: a key of :data:`REASONS` per target.
        category: the policy's own label per target (Open SDG's progress category).
        progress: the share of the way from baseline to goal the latest value has come
            (1.0 = all the way), as computed: below 0 the value moved away from the goal,
            above 1 it went beyond it; ``NaN`` where a share means nothing (see
            :func:`progress_share`).
        latest_time, latest_value: the observation judged.
        projection: the projection (``None`` when the policy projects nothing); rows
            with fewer points than the evidence's ``min_points`` are left unprojected.
        measure: the policy's own number (Open SDG: growth ratio), ``NaN`` where unused.
        thresholds: the thresholds the policy used.
        facts: numbers per target a sentence can cite, e.g. ``path``: the value of the
            straight path from the baseline to the goal at the latest observation.
    """

    status: np.ndarray
    reason: np.ndarray
    category: np.ndarray
    progress: np.ndarray
    latest_time: np.ndarray
    latest_value: np.ndarray
    projection: Projection | None
    measure: np.ndarray
    thresholds: Mapping[str, float]
    method: str
    facts: Mapping[str, np.ndarray] = attrs.field(factory=dict)


@functools.lru_cache(maxsize=64)
def nothing(n: int) -> np.ndarray:
    """``n`` times ``NaN``, read-only and shared: what a target keeps where it has no value
    (a shock that did not happen, a measure a policy does not use)."""
    out = np.full(n, np.nan)
    out.setflags(write=False)
    return out


def progress_share(ev: Evidence, latest: np.ndarray) -> np.ndarray:
    """The share of the way from the baseline to the goal that ``latest`` has covered.

    Not clipped: below 0 the value moved away from the goal, above 1 beyond it. ``NaN``
    where a share means nothing: no goal value, a condition or a level to hold, evidence
    that cannot be judged, or a baseline that already meets the goal or equals it (no
    way to cover; for ``maintain``, a baseline within ``tolerance`` of the goal). For
    ``maintain`` the way runs from the baseline towards the goal.
    """
    toward = np.sign(ev.goal - ev.base_value)
    sign = np.where(ev.direction == 0, toward, ev.direction.astype(float))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        required = sign * (ev.goal - ev.base_value)
        slack = np.where(ev.direction == 0, ev.tolerance, 0.0)
        way = (required > slack) & ~ev.condition & ~ev.hold & (ev.undefined == "")
        return np.where(way, sign * (latest - ev.base_value) / np.where(way, required, 1.0), np.nan)


class StatusPolicy(abc.ABC):
    """Base class of status policies."""

    name: ClassVar[str] = ""

    @abc.abstractmethod
    def judge(self, evidence: Evidence, projector: Projector) -> Judgement:
        """Judge every target of the batch."""

    def describe(self) -> str:
        return (self.__doc__ or self.name).strip().splitlines()[0]
