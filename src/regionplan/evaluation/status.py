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
from collections.abc import Mapping
from typing import ClassVar

import attrs
import numpy as np

from regionplan.evaluation.projection import Projection, Projector
from regionplan.plan.model import Label

__all__ = [
    "REASONS",
    "Evidence",
    "Judgement",
    "Status",
    "StatusPolicy",
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
        every_year: the target asks for an improvement every year.
        condition: the target is a condition to hold (``value >= goal``), not a move.
        as_of: the evaluation date as a decimal year.
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

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    def since_base(self) -> np.ndarray:
        """Values from the baseline on (earlier cells ``NaN``)."""
        return np.where(self.times[None, :] >= self.base_time[:, None] - 1e-9, self.values, np.nan)

    def latest(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Latest time, latest value and the count of observations from the baseline on."""
        v = self.since_base()
        if v.shape[1] == 0:
            nan = np.full(v.shape[0], np.nan)
            return nan, nan.copy(), np.zeros(v.shape[0], dtype=np.int64)
        mask = ~np.isnan(v)
        count = mask.sum(axis=1)
        idx = np.where(count > 0, v.shape[1] - 1 - np.argmax(mask[:, ::-1], axis=1), 0)
        rows = np.arange(v.shape[0])
        t = np.where(count > 0, self.times[idx] if self.times.size else np.nan, np.nan)
        val = np.where(count > 0, v[rows, idx] if v.size else np.nan, np.nan)
        return t, val, count


@attrs.frozen(eq=False)
class Judgement:
    """A policy's verdicts for a batch of targets.

    Attributes:
        status: status codes (3 achieved, 2 on track, 1 off track, 0 insufficient).
        reason: a key of :data:`REASONS` per target.
        category: the policy's own label per target (Open SDG's progress category).
        progress: how far from baseline to goal the latest value has come (1.0 = all the way).
        latest_time, latest_value: the observation judged.
        projection: the projection used (``None`` when the policy projects nothing).
        measure: the policy's own number (Open SDG: growth ratio), ``NaN`` where unused.
        thresholds: the thresholds the policy used.
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


class StatusPolicy(abc.ABC):
    """Base class of status policies."""

    name: ClassVar[str] = ""

    @abc.abstractmethod
    def judge(self, evidence: Evidence, projector: Projector) -> Judgement:
        """Judge every target of the batch."""

    def describe(self) -> str:
        return (self.__doc__ or self.name).strip().splitlines()[0]
