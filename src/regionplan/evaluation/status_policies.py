"""The built-in status policies, and the hook that registers them.

Registered through :func:`~regionplan.hookspecs.regionplan_register_status_policies`:

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

from collections.abc import Callable
from typing import ClassVar

import numpy as np

from regionplan.evaluation.projection import Projector
from regionplan.evaluation.status import (
    ACHIEVED,
    INSUFFICIENT,
    OFF_TRACK,
    ON_TRACK,
    Evidence,
    Judgement,
    Status,
    StatusPolicy,
)
from regionplan.markers import hookimpl

__all__ = ["DefaultPolicy", "OpenSdgPolicy"]


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
