"""The built-in status policies, and the hook that registers them.

Registered through :func:`~regionplan.hookspecs.regionplan_register_status_policies`:

* ``default`` — achieved when the latest value meets the target; off track when the
  deadline has passed without that; otherwise on track when the latest value is at or
  ahead of the straight path from the baseline to the target at the deadline, off track
  when it is behind. Conditions and levels to hold are judged at the latest value.
  A projection is made where the data bear it, but it does not decide the status. See
  :doc:`/explanation/evaluation`.
* ``open_sdg`` — Open SDG's progress measure (Statistics Canada's method in
  sdg-build): the ratio of observed to required compound annual growth, with
  thresholds 0.95 / 0.6 / 0, or observed growth alone with 1.5 % / 0.5 % / 0
  when a target states no value. Where sdg-build substitutes 0.001 for a zero
  baseline or target, this policy says "insufficient data" instead, and so it does
  where a target's value is missing (not absent) in an area.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from regionplan.evaluation.projection import Projection, Projector
from regionplan.evaluation.status import (
    ACHIEVED,
    INSUFFICIENT,
    OFF_TRACK,
    ON_TRACK,
    Evidence,
    Judgement,
    Status,
    StatusPolicy,
    nothing,
    progress_share,
)

__all__ = ["DefaultPolicy", "OpenSdgPolicy", "required_path"]

#: How close to a boundary counts as on it: sums of decimal years and values round.
_EPS = 1e-9
#: Each status code's name, to read a whole array of codes at once.
_STATUS_VALUES = np.array([Status.from_code(c).value for c in range(4)], dtype=np.object_)


def _set(status: np.ndarray, reason: np.ndarray, where: np.ndarray, code: int, why: str) -> None:
    """Set status and reason where ``where`` and no verdict yet (first rule wins)."""
    free = where & (status < 0)
    if free.any():  # most rules find nothing left to set; an empty masked write costs more
        status[free] = code
        reason[free] = why


def _set_undefined(status: np.ndarray, reason: np.ndarray, codes: np.ndarray) -> None:
    """Insufficient data, with the evidence's own reason, where it cannot be judged."""
    free = (codes != "") & (status < 0)
    if free.any():
        status[free] = INSUFFICIENT
        reason[free] = codes[free]


def _has_any(ev: Evidence) -> np.ndarray:
    if not ev.values.shape[1]:
        return np.zeros(ev.n, dtype=bool)
    return np.asarray(~np.all(np.isnan(ev.values), axis=1))


def required_path(ev: Evidence, at: np.ndarray) -> np.ndarray:
    """The straight path from (baseline time, baseline value) to (deadline, goal), at ``at``.

    Before the baseline it is the baseline, after the deadline the goal.
    """
    span = ev.deadline - ev.base_time
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip(
            np.where(span > 0, (at - ev.base_time) / np.where(span > 0, span, 1.0), 1.0), 0.0, 1.0
        )
        return np.asarray(ev.base_value + (ev.goal - ev.base_value) * share)


def _projection(ev: Evidence, projector: Projector) -> Projection:
    """The trend from the baseline on, only where there are at least ``min_points`` observations."""
    proj = projector.project(ev.times, ev.since_base(), ev.deadline)
    return proj.masked(proj.n_points >= np.maximum(ev.min_points, projector.min_points))


class DefaultPolicy(StatusPolicy):
    """Achieved if met; otherwise judged against the straight path from the baseline to the target."""

    name = "default"

    def judge(self, evidence: Evidence, projector: Projector) -> Judgement:
        ev = evidence
        n = ev.n
        maintain = ev.direction == 0
        sign = np.where(maintain, 1.0, ev.direction.astype(float))
        tol = ev.tolerance
        latest_t, latest_v, count = ev.latest()
        status = np.full(n, -1, dtype=np.int8)
        reason = np.full(n, "", dtype=object)

        _set_undefined(status, reason, ev.undefined)
        _set(status, reason, ~_has_any(ev), INSUFFICIENT, "no_data")
        _set(status, reason, np.isnan(ev.base_value), INSUFFICIENT, "no_baseline")
        _set(status, reason, count < 2, INSUFFICIENT, "one_point")

        passed = latest_t >= ev.deadline - _EPS
        # every year since the baseline: better than the year before; for maintain, held
        # within the tolerance of the baseline (a steady series is what maintain asks for)
        trend = ev.every_year & np.isnan(ev.goal)
        if trend.any():  # the rules below set nothing where no area is judged by its trend
            v = ev.since_base()
            with np.errstate(invalid="ignore"):
                steps = _observed_steps(sign[:, None] * v)
                all_up = np.all(np.where(np.isnan(steps), True, steps > 0), axis=1)
                off = np.abs(v - ev.base_value[:, None]) > tol[:, None] + _EPS
                steady = ~np.any(np.where(np.isnan(v), False, off), axis=1)
            improve, keep = trend & ~maintain, trend & maintain
            _set(status, reason, improve & ~all_up, OFF_TRACK, "not_every_year")
            _set(status, reason, improve & passed, ACHIEVED, "met_every_year")
            _set(status, reason, improve, ON_TRACK, "met_every_year")
            _set(status, reason, keep & ~steady, OFF_TRACK, "not_held_steady")
            _set(status, reason, keep & passed, ACHIEVED, "held_steady")
            _set(status, reason, keep, ON_TRACK, "held_steady")

        _set(status, reason, np.isnan(ev.goal), INSUFFICIENT, "target_value_missing")

        with np.errstate(invalid="ignore"):
            distance = np.abs(latest_v - ev.goal)
            holds = np.where(maintain, distance <= tol + _EPS, sign * latest_v >= sign * ev.goal - tol - _EPS)
            met = np.where(maintain, distance <= tol + _EPS, sign * latest_v >= sign * ev.goal)
        # a condition or a level to hold is judged at the latest value: it must hold until
        # the deadline, so it is achieved only then
        for flag, (done, broken, holding) in (
            (ev.condition, ("condition_holds", "condition_fails", "condition_holds")),
            (ev.hold, ("level_held", "level_not_held", "holding_level")),
        ):
            if np.any(flag):  # else these rules set nothing
                _set(status, reason, flag & holds & passed, ACHIEVED, done)
                _set(status, reason, flag & ~holds, OFF_TRACK, broken)
                _set(status, reason, flag, ON_TRACK, holding)

        _set(status, reason, met, ACHIEVED, "met")
        _set(status, reason, passed, OFF_TRACK, "deadline_passed")
        path = required_path(ev, latest_t)
        with np.errstate(invalid="ignore"):
            eps = _EPS * np.maximum(1.0, np.abs(path))
            allowed = np.abs(path - ev.goal) + tol
            ahead = np.where(maintain, distance <= allowed + eps, sign * latest_v >= sign * path - eps)
        _set(status, reason, ahead, ON_TRACK, "ahead_of_path")
        _set(status, reason, np.ones(n, dtype=bool), OFF_TRACK, "behind_path")

        category = _STATUS_VALUES[status]
        on_path = (reason == "ahead_of_path") | (reason == "behind_path")
        progress = np.where(status == INSUFFICIENT, np.nan, progress_share(ev, latest_v))
        return Judgement(
            status,
            reason,
            category,
            progress,
            latest_t,
            latest_v,
            _projection(ev, projector),
            nothing(n),  # this policy has no measure of its own
            {},
            self.name,
            {"path": np.where(on_path, path, np.nan)},
        )


def _observed_steps(y: np.ndarray) -> np.ndarray:
    """For each observation after the first observed one, its change from the previous observed."""
    has = ~np.isnan(y)
    # the column of the last observation before each one (-1: none yet), all rows at once
    seen = np.maximum.accumulate(np.where(has, np.arange(y.shape[1]), -1), axis=1)
    before = np.full(y.shape, -1)
    before[:, 1:] = seen[:, :-1]
    previous = np.take_along_axis(y, np.maximum(before, 0), axis=1)
    return np.where(has & (before >= 0), y - previous, np.nan)


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

        _set_undefined(status, reason, ev.undefined)
        _set(status, reason, ~_has_any(ev), INSUFFICIENT, "no_data")
        _set(status, reason, np.isnan(base), INSUFFICIENT, "no_baseline")
        # a target that states a value but has none here (its baseline level is not known
        # in this area): not a target without a value, so not the no-target method
        _set(status, reason, ~has_goal & ~ev.every_year, INSUFFICIENT, "target_value_missing")
        _set(status, reason, direction == 0, INSUFFICIENT, "unsupported_direction")
        _set(status, reason, (count < 2) | (latest_t - t0 < 1 - 1e-9), INSUFFICIENT, "one_point")
        _set(status, reason, base == 0, INSUFFICIENT, "zero_baseline")
        _set(status, reason, np.sign(base) * np.sign(latest_v) < 0, INSUFFICIENT, "sign_change")
        with np.errstate(invalid="ignore"):
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
        _set(status, reason, np.ones(n, dtype=bool), INSUFFICIENT, "not_computable")  # NaN measure
        progress = np.where(status == INSUFFICIENT, np.nan, progress_share(ev, latest_v))
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
