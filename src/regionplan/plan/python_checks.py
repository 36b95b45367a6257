"""Checks of a plan built in Python: what the plan-file reader checks as it reads, and places by path.

A plan read from files was checked value by value as it was read, and each of its objects knows
its file, line and column. An object built in code skipped the reader: :func:`built_problems`
checks what the reader would have (the fields each target kind needs, period labels, ids,
municipality codes, the plan period, the bounds of numbers), and :func:`located` gives every
object without a place its path in the plan, so that every problem says where it is. The path
stands in the :class:`~regionplan.errors.Location`'s ``file``, with no line or column::

    targets[2].value: error RP006: a level target needs 'value'
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from regionplan.errors import Location, Problem, Severity
from regionplan.plan import model
from regionplan.plan import problems as P
from regionplan.plan.model import Label, Plan, TargetKind
from regionplan.plan.periods import PLAN_YEARS, parse_period
from regionplan.plan.schema.metrics import (
    _TARGET_FIELDS,
    MAX_DECIMALS,
    MAX_LAG_MONTHS,
    MAX_TARGET_MAGNITUDE,
    MAX_WEIGHT,
)
from regionplan.plan.schema.reader import _CODE, _ID, _METRIC_ID

__all__ = ["built_problems", "located"]


def _err(code: str, message: str, loc: Location, hint: str = "") -> Problem:
    return Problem(code, message, loc, hint, Severity.ERROR)


def located(plan: Plan) -> Plan:
    """``plan`` with every object that has no place given its path (``targets[2]``) as one.

    Objects read from files keep their places; a plan read wholly from files is returned as it is.
    """
    return _locate(plan, "")  # type: ignore[no-any-return]


def _locatable(value: Any) -> bool:
    return attrs.has(type(value)) and type(value).__module__ == model.__name__ and type(value) is not Label


def _locate(obj: Any, path: str) -> Any:
    changes: dict[str, Any] = {}
    for f in attrs.fields(type(obj)):
        value = getattr(obj, f.name)
        here = f"{path}.{f.name}" if path else f.name
        if _locatable(value):
            new = _locate(value, here)
            if new is not value:
                changes[f.name] = new
        elif isinstance(value, tuple) and value and _locatable(value[0]):
            items = tuple(_locate(v, f"{here}[{i}]") for i, v in enumerate(value))
            if any(a is not b for a, b in zip(items, value, strict=True)):
                changes[f.name] = items
    if getattr(obj, "location", True) is None:
        changes["location"] = Location(path)
    return attrs.evolve(obj, **changes) if changes else obj


def built_problems(plan: Plan) -> list[Problem]:
    """The problems the plan-file reader finds as it reads, in the objects built in code."""
    out: list[Problem] = []
    meta = plan.meta
    if meta.location is None:
        out += _bad_id(meta.id, "meta.id")
        first, last = PLAN_YEARS
        for name in ("period_start", "period_end"):
            year = getattr(meta, name)
            if not first <= year <= last:
                what = f"the plan period {name.removeprefix('period_')} {year} is not a year from {first} to {last}"
                out.append(
                    _err(P.BAD_PERIOD, what, Location(f"meta.{name}"), "write years such as 2021 and 2030")
                )
        if meta.period_end < meta.period_start:
            why = f"the plan period ends ({meta.period_end}) before it starts ({meta.period_start})"
            out.append(_err(P.BAD_PERIOD, why, Location("meta.period_end")))
    out += _region_problems(plan)
    groups: tuple[tuple[str, tuple[model.Actor | model.Element | model.Target, ...]], ...] = (
        ("actors", plan.actors),
        ("elements", plan.elements),
        ("targets", plan.targets),
    )
    for group, items in groups:
        for i, item in enumerate(items):
            if item.location is None:
                out += _bad_id(item.id, f"{group}[{i}].id")
    for i, metric in enumerate(plan.metrics):
        if metric.location is None:
            out += _metric_problems(metric, f"metrics[{i}]")
    for i, target in enumerate(plan.targets):
        if target.location is None:
            out += _target_problems(target, f"targets[{i}]")
    return out


def _bad_id(value: str, path: str, metric: bool = False) -> list[Problem]:
    if (_METRIC_ID if metric else _ID).match(value):
        return []
    hint = (
        "use letters, digits and '_' (it is used in expressions)"
        if metric
        else "start with a letter; use letters, digits, '-', '_' and '.'"
    )
    return [_err(P.BAD_ID, f"{value!r} is not a valid id", Location(path), hint)]


def _region_problems(plan: Plan) -> list[Problem]:
    out: list[Problem] = []
    region = plan.region
    if region.location is None:
        out += _bad_id(region.id, "region.id")
        if not region.municipalities:
            out.append(
                _err(
                    P.NO_MEMBERS,
                    "the region has no municipalities",
                    Location("region.municipalities"),
                    "list the member municipalities, each with its id, name and codes",
                )
            )
    for i, member in enumerate(region.municipalities):
        path = f"region.municipalities[{i}]"
        if member.location is None:
            out += _bad_id(member.id, f"{path}.id")
            if not member.codes:
                why = f"the municipality '{member.id}' has no codes"
                out.append(
                    _err(P.MISSING_FIELD, why, Location(f"{path}.codes"), "list its codes, e.g. ['3201']")
                )
        for j, code in enumerate(member.codes):
            if code.location is None and not _CODE.match(code.code):
                out.append(
                    _err(
                        P.BAD_CODE,
                        f"{code.code!r} is not a municipality code",
                        Location(f"{path}.codes[{j}].code"),
                        "municipality codes have four digits, e.g. '3209'",
                    )
                )
    return out


def _metric_problems(metric: model.Metric, path: str) -> list[Problem]:
    out = _bad_id(metric.id, f"{path}.id", metric=True)
    if metric.sources and metric.derived:
        out.append(
            _err(
                P.SOURCE_AND_DERIVED,
                f"the metric '{metric.id}' has both a source and 'derived'",
                Location(path),
                "a metric is either read from a source or derived from others",
            )
        )
    if metric.aggregation not in {"sum", "weighted_mean", "none"}:
        out.append(
            _err(
                P.BAD_VALUE,
                f"aggregation cannot be {metric.aggregation!r}",
                Location(f"{path}.aggregation"),
                "sum (counts), weighted_mean (shares and rates, with 'weight'), or none",
            )
        )
    bounds = (("publication_lag_months", MAX_LAG_MONTHS), ("decimals", MAX_DECIMALS))
    for name, most in bounds:
        value = getattr(metric, name)
        if value is not None and not 0 <= value <= most:
            why = f"the metric '{metric.id}' has {name} {value}: it is from 0 to {most}"
            out.append(_err(P.BAD_VALUE, why, Location(f"{path}.{name}")))
    return out


def _target_problems(target: model.Target, path: str) -> list[Problem]:
    out = []
    for name in _TARGET_FIELDS[target.kind]:
        if getattr(target, name) is None:
            out.append(
                _err(
                    P.MISSING_FIELD,
                    f"a {target.kind.value} target needs '{name}'",
                    Location(f"{path}.{name}"),
                    f"give '{name}' to the target '{target.id}'",
                )
            )
    if target.kind is TargetKind.ANNUAL_TREND and not target.every_year and target.change is None:
        why = "an annual_trend target needs 'every_year=True' or 'change'"
        out.append(_err(P.MISSING_FIELD, why, Location(f"{path}.every_year")))
    for name in ("baseline", "deadline", "shock"):
        label = getattr(target, name)
        if label is None:
            continue
        try:
            parse_period(label)
        except ValueError:
            out.append(
                _err(
                    P.BAD_PERIOD,
                    f"the target '{target.id}' has a {name} {label!r} that is not a period",
                    Location(f"{path}.{name}"),
                    "write a year (2030), a quarter (2024K4), a month (2024-05) or a day (2024-01-01)",
                )
            )
    limits = (
        ("value", MAX_TARGET_MAGNITUDE),
        ("change", MAX_TARGET_MAGNITUDE),
        ("tolerance", MAX_TARGET_MAGNITUDE),
        ("weight", MAX_WEIGHT),
    )
    for name, most in limits:
        value = getattr(target, name)
        low = 0 if name == "tolerance" else -most
        if value is not None and not (math.isfinite(value) and low <= value <= most):
            why = f"the target '{target.id}' has {name} {value}: it is from {low:g} to {most:g}"
            out.append(_err(P.BAD_VALUE, why, Location(f"{path}.{name}")))
    return out
