"""What changed since the last report: :func:`compare_reports` and the section it gives a report.

Two reports are compared as their JSON (:meth:`Report.to_dict`, schema
:data:`~regionplan.report.model.SCHEMA_ID`), so a report saved a year ago can be compared
with today's even after the plan changed. Targets and elements are matched by id:

* a target whose definition (kind, metric, value, change, baseline, deadline, ...) differs
  was *redefined*: it is listed as such, with its old and new status, never as a status
  change, since its verdict no longer answers the same question;
* a target with the same definition and another status *changed status*;
* a target whose latest period moved has *new data*;
* targets and elements only in one report were *added* or *removed*;
* an element (a goal) whose rolled-up status or coverage differs *changed*.

:func:`regionplan.report.since_section.since_view` lays the changes out in the report's
language, for the section "Siden forrige rapport" / "Since the last report".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import attrs

from regionplan.errors import RegionplanError
from regionplan.report.model import SCHEMA_ID, SCHEMA_VERSION, Report

__all__ = [
    "DEFINITION_FIELDS",
    "DataChange",
    "DefinitionChange",
    "ElementPresence",
    "GoalChange",
    "ReportChanges",
    "ReportComparisonError",
    "StatusChange",
    "TargetPresence",
    "TargetRedefinition",
    "compare_reports",
    "is_number",
    "same_number",
]

#: The fields of a target's definition (:class:`~regionplan.report.model.TargetDefinition`)
#: whose change makes it another target.
DEFINITION_FIELDS = (
    "kind",
    "metric",
    "value",
    "value_unit",
    "change",
    "relative",
    "baseline",
    "deadline",
    "shock",
    "other",
    "every_year",
    "tolerance",
    "area",
)
# What a report written before targets carried their definition still tells.
_ROW_FIELDS = ("kind", "metric", "deadline")


class ReportComparisonError(RegionplanError):
    """An earlier report cannot be compared: not a report, another schema version, another area."""


@attrs.frozen
class StatusChange:
    """A target with the same definition and another status (status codes, e.g. ``"on_track"``)."""

    target: str
    title: str
    before: str
    after: str


@attrs.frozen
class DataChange:
    """A target's latest period moved: new data arrived (or, with ``after`` ``None``, went missing)."""

    target: str
    metric: str
    metric_title: str
    before: str | None
    after: str | None


@attrs.frozen
class DefinitionChange:
    """One field of a target's definition, before and after."""

    field: str
    before: Any
    after: Any


@attrs.frozen
class TargetRedefinition:
    """A target whose definition changed, its status before and after."""

    target: str
    title: str
    fields: tuple[DefinitionChange, ...]
    before: str
    after: str


@attrs.frozen
class TargetPresence:
    """A target in only one of the reports, with its status there."""

    target: str
    title: str
    element: str
    status: str


@attrs.frozen
class GoalChange:
    """An element whose rolled-up status (a code, ``None``: not measured) or coverage (0 to 1) changed."""

    element: str
    number: str
    title: str
    before: str | None
    after: str | None
    coverage_before: float | None
    coverage_after: float | None


@attrs.frozen
class ElementPresence:
    """A plan element in only one of the reports."""

    element: str
    number: str
    title: str


@attrs.frozen
class ReportChanges:
    """What changed from an earlier report to a later one (lists in the later plan's order)."""

    previous_as_of: dt.date
    current_as_of: dt.date
    previous_plan: str
    current_plan: str
    status_changes: tuple[StatusChange, ...] = ()
    new_data: tuple[DataChange, ...] = ()
    redefined: tuple[TargetRedefinition, ...] = ()
    added_targets: tuple[TargetPresence, ...] = ()
    removed_targets: tuple[TargetPresence, ...] = ()
    goal_changes: tuple[GoalChange, ...] = ()
    added_goals: tuple[ElementPresence, ...] = ()
    removed_goals: tuple[ElementPresence, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing changed."""
        return not (
            self.status_changes
            or self.new_data
            or self.redefined
            or self.added_targets
            or self.removed_targets
            or self.goal_changes
            or self.added_goals
            or self.removed_goals
        )


def compare_reports(
    previous: Report | Mapping[str, Any], current: Report | Mapping[str, Any]
) -> ReportChanges:
    """What changed from ``previous`` to ``current``: reports or their JSON data (:meth:`Report.to_dict`).

    Raises:
        ReportComparisonError: either is not a report of this schema version, or they are
            about different areas.
    """
    before = _read(previous, "the previous report")
    after = _read(current, "the current report")
    if before.area != after.area:
        raise ReportComparisonError(
            f"the previous report is about area {before.area!r}, this one about {after.area!r}: "
            "compare reports on the same area"
        )
    if before.as_of > after.as_of:
        # Compared the wrong way round, newer figures would be listed as "new data" going back.
        raise ReportComparisonError(
            f"the previous report is as of {before.as_of.isoformat()}, after this one "
            f"({after.as_of.isoformat()}): compare with an earlier report"
        )
    status, data, redefined, added = [], [], [], []
    for tid, row in after.targets.items():
        old = before.targets.get(tid)
        if old is None:
            added.append(TargetPresence(tid, row.title, row.element, row.status))
            continue
        fields = _definition_changes(old, row)
        if fields:
            redefined.append(TargetRedefinition(tid, row.title, fields, old.status, row.status))
        elif old.status != row.status:
            status.append(StatusChange(tid, row.title, old.status, row.status))
        if old.metric == row.metric and old.latest != row.latest:
            data.append(DataChange(tid, row.metric, row.metric_title, old.latest, row.latest))
    goals = [
        GoalChange(eid, e.number, e.title, prior.status, e.status, prior.coverage, e.coverage)
        for eid, e in after.elements.items()
        if (prior := before.elements.get(eid)) is not None
        and (prior.status != e.status or not same_number(prior.coverage, e.coverage))
    ]
    return ReportChanges(
        previous_as_of=before.as_of,
        current_as_of=after.as_of,
        previous_plan=before.plan_id,
        current_plan=after.plan_id,
        status_changes=tuple(status),
        new_data=tuple(data),
        redefined=tuple(redefined),
        added_targets=tuple(added),
        removed_targets=tuple(
            TargetPresence(tid, row.title, row.element, row.status)
            for tid, row in before.targets.items()
            if tid not in after.targets
        ),
        goal_changes=tuple(goals),
        added_goals=tuple(
            ElementPresence(eid, e.number, e.title)
            for eid, e in after.elements.items()
            if eid not in before.elements
        ),
        removed_goals=tuple(
            ElementPresence(eid, e.number, e.title)
            for eid, e in before.elements.items()
            if eid not in after.elements
        ),
    )


@attrs.frozen
class _Target:
    title: str
    element: str
    metric: str
    metric_title: str
    status: str
    latest: str | None
    #: the definition's fields (``None`` in a report written before targets carried one)
    definition: dict[str, Any] | None
    #: kind, metric and deadline as the row shows them: what any report carries
    shown: dict[str, Any]


@attrs.frozen
class _Element:
    number: str
    title: str
    status: str | None
    coverage: float | None


@attrs.frozen
class _Snapshot:
    as_of: dt.date
    area: str
    plan_id: str
    targets: dict[str, _Target]
    elements: dict[str, _Element]


def _read(report: Report | Mapping[str, Any], name: str) -> _Snapshot:
    """What the comparison reads of a report's JSON data, checked to be of the schema version it knows."""
    doc = report.to_dict() if isinstance(report, Report) else report
    if not isinstance(doc, Mapping) or "schema" not in doc:
        raise ReportComparisonError(f"{name} is not a regionplan report (its JSON names no schema)")
    schema, version = doc.get("schema"), doc.get("schema_version")
    if schema != SCHEMA_ID or version != SCHEMA_VERSION:
        which = "no version" if version is None else f"version {version!r}"
        raise ReportComparisonError(
            f"{name} follows schema {schema!r} {which}; this regionplan compares reports of "
            f"{SCHEMA_ID!r} version {SCHEMA_VERSION}: write it again with this version, or compare "
            "by date instead (--since YYYY-MM-DD)"
        )
    missing = [k for k in ("as_of", "area", "plan_id", "sections") if k not in doc]
    if missing:
        raise ReportComparisonError(f"{name} is not a whole report: it has no {', '.join(missing)}")
    try:
        elements = [e for s in doc["sections"] for e in s["elements"]]
        return _Snapshot(
            as_of=dt.date.fromisoformat(_text(doc["as_of"])),
            area=_text(doc["area"]),
            plan_id=_text(doc["plan_id"]),
            targets={_text(t["id"]): _target(t) for e in elements for t in e["targets"]},
            elements={_text(e["id"]): _element(e) for e in elements},
        )
    except (KeyError, TypeError, ValueError) as exc:
        what = f"no {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ReportComparisonError(f"{name} is not a whole report ({what})") from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} where a text belongs")
    return value


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if not is_number(value):
        raise TypeError(f"{value!r} where a number belongs")
    return float(value)


def _status_of(view: Any) -> str | None:
    return None if view is None else _text(view["value"])


def _target(row: Mapping[str, Any]) -> _Target:
    status = _status_of(row["status"])
    if status is None:
        raise TypeError("a target without a status")
    definition = row.get("definition")
    fields = {f: definition.get(f) for f in DEFINITION_FIELDS} if isinstance(definition, Mapping) else None
    latest = row["latest"]
    if latest is not None and not isinstance(latest, Mapping):
        raise TypeError(f"{latest!r} where a latest figure belongs")
    return _Target(
        title=_text(row["title"]),
        element=_text(row["element"]),
        metric=_text(row["metric"]),
        metric_title=_text(row["metric_title"]),
        status=status,
        latest=None if latest is None else _text(latest["period"]),
        definition=fields,
        shown={f: row.get(f) or None for f in _ROW_FIELDS},
    )


def _element(row: Mapping[str, Any]) -> _Element:
    number = row.get("number", "")
    return _Element(
        number=number if isinstance(number, str) else "",
        title=_text(row["title"]),
        status=_status_of(row["status"]),
        coverage=_number(row["coverage"]),
    )


def same_number(a: float | None, b: float | None) -> bool:
    """Equal numbers, up to rounding (both ``None`` is equal too)."""
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _definition_changes(old: _Target, new: _Target) -> tuple[DefinitionChange, ...]:
    """The fields of a target's definition that differ (where a report has no definitions: of what it shows)."""
    if old.definition is not None and new.definition is not None:
        pairs = [(f, old.definition[f], new.definition[f]) for f in DEFINITION_FIELDS]
    else:
        pairs = [(f, old.shown[f], new.shown[f]) for f in _ROW_FIELDS]
    return tuple(
        DefinitionChange(f, x, y)
        for f, x, y in pairs
        if not (same_number(x, y) if is_number(x) and is_number(y) else x == y)
    )


def is_number(value: Any) -> bool:
    """A JSON number (not a boolean)."""
    return isinstance(value, int | float) and not isinstance(value, bool)
