"""Statuses, the evidence they are judged on, and the policies that judge.

A :class:`StatusPolicy` turns :class:`Evidence` about a batch of targets into a
:class:`Judgement`: one :class:`Status` per target, a reason code, and the
numbers behind it. Policies work on arrays, so a plan evaluated for every
municipality in Norway is judged in one pass.

Built in (registered through
:func:`~regionplan.hookspecs.regionplan_register_status_policies`):

* ``default`` — achieved when the latest value meets the target; otherwise on
  track when the projection at the deadline meets it, off track when it does
  not or the deadline has passed. See :doc:`/explanation/evaluation`.
* ``open_sdg`` — Open SDG's progress measure (Statistics Canada's method in
  sdg-build): the ratio of observed to required compound annual growth, with
  thresholds 0.95 / 0.6 / 0, or observed growth alone with 1.5 % / 0.5 % / 0
  when a target has no value. Where sdg-build substitutes 0.001 for a zero
  baseline or target, this policy says "insufficient data" instead.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable, Mapping
from typing import ClassVar

import attrs
import numpy as np

from regionplan.evaluation.projection import Projection, Projector
from regionplan.markers import hookimpl
from regionplan.plan.model import Label

__all__ = [
    "REASONS",
    "DefaultPolicy",
    "Evidence",
    "Judgement",
    "OpenSdgPolicy",
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


def _set(status: np.ndarray, reason: np.ndarray, where: np.ndarray, code: int, why: str) -> None:
    """Set status and reason where ``where`` and no verdict yet (first rule wins)."""
    free = where & (status < 0)
    status[free] = code
    reason[free] = why


class DefaultPolicy(StatusPolicy):
    """Achieved if met; otherwise judged by a projection to the deadline."""

    name = "default"

    def judge(self, evidence: Evidence, projector: Projector) -> Judgement:
        ev = evidence
        n = ev.n
        sign = np.where(ev.direction == 0, 1.0, ev.direction.astype(float))
        maintain = ev.direction == 0
        latest_t, latest_v, count = ev.latest()
        status = np.full(n, -1, dtype=np.int8)
        reason = np.full(n, "", dtype=object)

        y_latest = sign * latest_v
        y_base = sign * ev.base_value
        y_goal = sign * ev.goal
        required = y_goal - y_base
        with np.errstate(invalid="ignore", divide="ignore"):
            progress = np.where(required != 0, (y_latest - y_base) / required, np.nan)

        has_any = ~np.all(np.isnan(ev.values), axis=1) if ev.values.shape[1] else np.zeros(n, dtype=bool)
        _set(status, reason, ~has_any, INSUFFICIENT, "no_data")
        _set(status, reason, np.isnan(ev.base_value), INSUFFICIENT, "no_baseline")
        _set(status, reason, count < 2, INSUFFICIENT, "one_point")

        # improvement every year since the baseline
        v = ev.since_base()
        steps = _observed_steps(sign[:, None] * v)
        all_up = np.all(np.where(np.isnan(steps), True, steps > 0), axis=1)
        trend = ev.every_year & np.isnan(ev.goal)
        passed = latest_t >= ev.deadline - 1e-9
        _set(status, reason, trend & ~all_up, OFF_TRACK, "not_every_year")
        _set(status, reason, trend & all_up & passed, ACHIEVED, "met_every_year")
        _set(status, reason, trend & all_up, ON_TRACK, "met_every_year")

        _set(status, reason, np.isnan(ev.goal), INSUFFICIENT, "no_target_value")

        holds = np.where(
            maintain, np.abs(latest_v - ev.goal) <= ev.tolerance, y_latest >= y_goal - ev.tolerance
        )
        cond = ev.condition
        _set(status, reason, cond & holds & passed, ACHIEVED, "condition_holds")
        _set(status, reason, cond & ~holds, OFF_TRACK, "condition_fails")

        _set(
            status,
            reason,
            ~cond & ~maintain & (required == 0),
            INSUFFICIENT,
            "target_equals_baseline",
        )
        met = np.where(maintain, np.abs(latest_v - ev.goal) <= ev.tolerance, y_latest >= y_goal)
        _set(status, reason, met & ~cond, ACHIEVED, "met")
        _set(status, reason, passed, OFF_TRACK, "deadline_passed")

        proj = projector.project(ev.times, ev.since_base(), ev.deadline)
        enough = proj.n_points >= max(projector.min_points, 2)
        p = proj.value
        ok = np.where(maintain, np.abs(p - ev.goal) <= ev.tolerance, sign * p >= y_goal)
        _set(status, reason, ~enough, INSUFFICIENT, "too_few_points")
        _set(status, reason, ok, ON_TRACK, "projection_meets")
        _set(status, reason, np.ones(n, dtype=bool), OFF_TRACK, "projection_misses")
        category = np.array([Status.from_code(int(s)).value for s in status], dtype=np.object_)
        return Judgement(
            status,
            reason,
            category,
            progress,
            latest_t,
            latest_v,
            proj,
            np.full(n, np.nan),
            {},
            self.name,
        )


def _observed_steps(y: np.ndarray) -> np.ndarray:
    """For each observation after the first observed one, its change from the previous observed."""
    out = np.full(y.shape, np.nan)
    prev = np.full(y.shape[0], np.nan)
    for j in range(y.shape[1]):
        col = y[:, j]
        has = ~np.isnan(col)
        out[has, j] = col[has] - prev[has]
        prev = np.where(has, col, prev)
    return out


class OpenSdgPolicy(StatusPolicy):
    """Open SDG's progress measure: observed against required compound annual growth."""

    name = "open_sdg"
    thresholds_with_target: ClassVar[dict[str, float]] = {"high": 0.95, "med": 0.6, "low": 0.0}
    thresholds_without_target: ClassVar[dict[str, float]] = {
        "high": 0.015,
        "med": 0.005,
        "low": 0.0,
    }

    def judge(self, evidence: Evidence, projector: Projector) -> Judgement:
        ev = evidence
        n = ev.n
        latest_t, latest_v, count = ev.latest()
        status = np.full(n, -1, dtype=np.int8)
        reason = np.full(n, "", dtype=object)
        category = np.full(n, "not_available", dtype=object)
        base, t0 = ev.base_value, ev.base_time
        direction = ev.direction.astype(float)
        has_goal = ~np.isnan(ev.goal)

        has_any = ~np.all(np.isnan(ev.values), axis=1) if ev.values.shape[1] else np.zeros(n, dtype=bool)
        _set(status, reason, ~has_any, INSUFFICIENT, "no_data")
        _set(status, reason, np.isnan(base), INSUFFICIENT, "no_baseline")
        _set(status, reason, direction == 0, INSUFFICIENT, "unsupported_direction")
        _set(status, reason, (count < 2) | (latest_t - t0 < 1 - 1e-9), INSUFFICIENT, "one_point")
        _set(status, reason, base == 0, INSUFFICIENT, "zero_baseline")
        _set(status, reason, np.sign(base) * np.sign(latest_v) < 0, INSUFFICIENT, "sign_change")
        achieved = has_goal & (direction * (latest_v - ev.goal) >= 0)
        _set(status, reason, achieved, ACHIEVED, "met")
        category[status == ACHIEVED] = "target_achieved"
        _set(status, reason, has_goal & (ev.goal == base), INSUFFICIENT, "target_equals_baseline")
        _set(
            status,
            reason,
            has_goal & (np.sign(ev.goal) * np.sign(base) <= 0),
            INSUFFICIENT,
            "zero_baseline",
        )

        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            cagr_o = np.power(latest_v / base, 1.0 / (latest_t - t0)) - 1.0
            cagr_r = np.power(ev.goal / base, 1.0 / (ev.deadline - t0)) - 1.0
            sign = np.where(base < 0, -1.0, 1.0)
            measure = np.where(
                has_goal, sign * direction * cagr_o / np.abs(cagr_r), sign * direction * cagr_o
            )
        high = np.where(has_goal, self.thresholds_with_target["high"], self.thresholds_without_target["high"])
        med = np.where(has_goal, self.thresholds_with_target["med"], self.thresholds_without_target["med"])
        low = np.where(has_goal, self.thresholds_with_target["low"], self.thresholds_without_target["low"])
        open_ = status < 0
        for cond, cat in (
            (measure >= high, "substantial_progress"),
            ((measure >= med) & (measure < high), "moderate_progress"),
            ((measure >= low) & (measure < med), "limited_progress"),
            (measure < low, "deterioration"),
        ):
            category[open_ & cond] = cat
        _set(status, reason, measure >= high, ON_TRACK, "substantial_progress")
        _set(status, reason, (measure >= med) & (measure < high), OFF_TRACK, "moderate_progress")
        _set(status, reason, (measure >= low) & (measure < med), OFF_TRACK, "limited_progress")
        _set(status, reason, measure < low, OFF_TRACK, "deterioration")
        _set(status, reason, np.ones(n, dtype=bool), INSUFFICIENT, "no_data")  # NaN measure
        with np.errstate(invalid="ignore", divide="ignore"):
            required = ev.goal - base
            progress = np.where(has_goal & (required != 0), (latest_v - base) / required, np.nan)
        thresholds = {f"{k}_with_target": v for k, v in self.thresholds_with_target.items()}
        thresholds |= {f"{k}_without_target": v for k, v in self.thresholds_without_target.items()}
        return Judgement(
            status,
            reason,
            category,
            progress,
            latest_t,
            latest_v,
            None,
            np.where(status == INSUFFICIENT, np.nan, measure),
            thresholds,
            self.name,
        )


@hookimpl
def regionplan_register_status_policies(register: Callable[..., None]) -> None:
    register("default", DefaultPolicy())
    register("open_sdg", OpenSdgPolicy())
