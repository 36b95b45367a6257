"""Checks of targets: units against their metric's, baseline before deadline, projections, policies, weights."""

from __future__ import annotations

from typing import Any

from regionplan.errors import Location, Problem
from regionplan.plan import problems as P
from regionplan.plan.model import Metric, Plan, TargetKind
from regionplan.plan.periods import parse_period
from regionplan.plan.validation.common import _err, _unit_hint


def _year_of(label: str) -> float:
    return parse_period(label).time


def _readable(*labels: str) -> bool:
    try:
        for label in labels:
            parse_period(label)
    except ValueError:
        return False
    return True


def _check_deadline(tid: str, baseline: str, deadline: str, loc: Location | None) -> list[Problem]:
    """A deadline must come after the baseline; at the same point in time nothing can change."""
    end, start = _year_of(deadline), _year_of(baseline)
    if end < start:
        return [
            _err(
                P.DEADLINE_BEFORE_BASELINE,
                f"the target '{tid}' has its deadline ({deadline}) before its baseline ({baseline})",
                loc,
                "the deadline comes after the baseline",
            )
        ]
    if end == start:
        same = "" if deadline == baseline else f"; {deadline} and {baseline} stand at the same point in time"
        return [
            _err(
                P.DEADLINE_AT_BASELINE,
                f"the target '{tid}' has its deadline at its baseline ({baseline}){same}: "
                "it would be judged on the value it is measured from",
                loc,
                "move the deadline later, or the baseline earlier",
            )
        ]
    return []


def _check_targets(plan: Plan, extensions: Any) -> list[Problem]:
    from regionplan.plan import unitcache

    out = []
    metrics = {m.id: m for m in plan.metrics}
    for t in plan.targets:
        metric: Metric | None = metrics.get(t.metric)
        if t.value_unit and metric is not None:
            # pint's answers, from the cross-run cache when it has them (no pint import)
            tu = unitcache.unit_dimensions(t.value_unit)
            if tu is None:
                out.append(
                    _err(
                        P.UNKNOWN_UNIT,
                        f"the target '{t.id}' has an unknown unit '{t.value_unit}'",
                        t.location,
                        _unit_hint(t.value_unit),
                    )
                )
            else:
                mu = unitcache.unit_dimensions(metric.unit)
                if mu is not None and tu != mu:
                    out.append(
                        _err(
                            P.UNIT_MISMATCH,
                            f"the target '{t.id}' is in '{t.value_unit}', which does not fit "
                            f"the metric '{metric.id}' in '{metric.unit}'",
                            t.location,
                            f"write the target in a unit of the same dimension as '{metric.unit}'",
                        )
                    )
        if t.baseline and t.deadline and _readable(t.baseline, t.deadline):  # else reported already
            out += _check_deadline(t.id, t.baseline, t.deadline, t.location)
        if t.kind is TargetKind.GROWTH_VS and t.other == t.metric:
            out.append(
                _err(
                    P.BAD_TARGET,
                    f"the target '{t.id}' compares '{t.metric}' with itself",
                    t.location,
                )
            )
        if t.projection not in extensions.projections:
            out.append(
                _err(
                    P.UNKNOWN_POLICY,
                    extensions.projections.unknown_message(t.projection),
                    t.location,
                )
            )
        if t.policy not in extensions.status_policies:
            out.append(
                _err(
                    P.UNKNOWN_POLICY,
                    extensions.status_policies.unknown_message(t.policy),
                    t.location,
                )
            )
        if t.weight <= 0:
            out.append(_err(P.BAD_VALUE, f"the target '{t.id}' needs a weight above 0", t.location))
        if t.baseline_window < 0:
            out.append(
                _err(
                    P.BAD_VALUE,
                    f"the target '{t.id}' has a baseline_window of {t.baseline_window} years",
                    t.location,
                    "give 0 (judge from the baseline only) or more years",
                )
            )
    unitcache.save()
    return out
