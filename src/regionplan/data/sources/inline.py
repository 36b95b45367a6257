"""The ``inline`` source: values written in the plan itself.

For milestones and survey results that no statistics bank publishes::

    source:
      name: inline
      unit: offering
      values:
        - {area: "3209", period: "2024", value: 1}
        - {period: "2025", value: 2}        # area: the query's `area`, default "region"
      note: "Counted by the regional council from the institutions' own announcements"
      credit: "GRIP"

Query keys:

``values`` (required)
    a list of entries, each ``{period: LABEL, value: NUMBER}`` with an optional
    ``area``. A period is a label :func:`~regionplan.plan.periods.parse_period` reads
    (``2025``, ``2025Q4``, ``2025-05``, ``2025-01-01``); a value is a number (or a
    number written as text with a decimal point). An area code is text: write it in
    quotes so that ``"0235"`` keeps its zero.
``area``
    the area of entries that name none; default ``"region"``.
``unit``
    the values' unit; without it they are in the metric's unit.
``note``, ``credit``, ``licence``
    provenance: how the values were found, whom to credit, their licence.

Every entry is checked when the plan loads (:meth:`InlineSource.check_query`);
messages name the entry as ``values[i]`` (counting from 0). A count (persons, jobs,
enterprises...) is never below zero: a negative one is refused when the values are read,
where the metric's unit is known.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from regionplan.data.attempts import FailureKind
from regionplan.data.provenance import Provenance
from regionplan.data.sources import DataSource, QueryKey, SourceFailed, SourceRequest
from regionplan.data.sources.tabular import query_text
from regionplan.data.values import impossible_value, is_count, period_problem
from regionplan.errors import DataSourceError
from regionplan.markers import hookimpl
from regionplan.plan.periods import PLAN_YEARS, parse_period

if TYPE_CHECKING:
    from regionplan.data.series import Observations

__all__ = ["DEFAULT_AREA", "InlineSource"]

#: The area of entries that name none (unless the query's ``area`` says otherwise).
DEFAULT_AREA = "region"
_ENTRY_KEYS = ("area", "period", "value")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _period_label(value: Any) -> str | None:
    """An entry's period as a label, or ``None`` when it is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, dt.datetime):
        return None
    elif isinstance(value, dt.date):
        value = value.isoformat()
    if not isinstance(value, str):
        return None
    label = value.strip()
    try:
        period = parse_period(label)
    except ValueError:
        return None
    return label if period_problem(period) is None else None


def _number(value: Any) -> float | None:
    """An entry's value as a finite float, or ``None`` when it is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = float(value.strip())
    else:
        return None
    return number if math.isfinite(number) else None


def _area(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _check_entry(i: int, entry: Any, default_area: str) -> tuple[list[str], tuple[str, str] | None]:
    """Problems with one entry, and its (area, period) key when it is readable."""
    where = f"the inline source's values[{i}]"
    if not isinstance(entry, Mapping):
        return [f"{where} must be a mapping such as {{period: 2025, value: 1}}, not {entry!r}"], None
    problems = [
        f"{where} does not know '{k}' (it takes: {', '.join(_ENTRY_KEYS)})"
        for k in entry
        if k not in _ENTRY_KEYS
    ]
    area: str | None = default_area
    if "area" in entry:
        area = _area(entry["area"])
        if area is None:
            hint = (
                ' (write area codes in quotes, e.g. area: "0235", so leading zeros survive)'
                if isinstance(entry["area"], int) and not isinstance(entry["area"], bool)
                else ""
            )
            problems.append(f"{where}: 'area' must be an area code as text, not {entry['area']!r}{hint}")
    period: str | None = None
    if "period" not in entry:
        problems.append(f"{where} needs 'period'")
    else:
        period = _period_label(entry["period"])
        if period is None:
            problems.append(
                f"{where}: 'period' {entry['period']!r} is no period "
                f"(write 2025, 2025Q4, 2025-05 or 2025-01-01, in the years {PLAN_YEARS[0]} to {PLAN_YEARS[1]})"
            )
    if "value" not in entry:
        problems.append(f"{where} needs 'value'")
    elif _number(entry["value"]) is None:
        problems.append(f"{where}: 'value' must be a finite number, not {entry['value']!r}")
    key = (area, period) if area is not None and period is not None else None
    return problems, key


class InlineSource(DataSource):
    """Values written in the plan itself (``name: inline``): counts no statistics bank publishes."""

    name: ClassVar[str] = "inline"
    required_keys: ClassVar[tuple[str, ...]] = ("values",)
    optional_keys: ClassVar[tuple[str, ...] | None] = ("area", "unit", "note", "credit", "licence")
    query_keys: ClassVar[tuple[QueryKey, ...]] = (
        QueryKey(
            "values",
            "list of mappings",
            "the entries, each ``{period: LABEL, value: NUMBER}`` with an optional ``area`` "
            '(in quotes: ``"0235"``); a period is ``2025``, ``2025Q4``, ``2025-05`` or ``2025-01-01``',
            required=True,
        ),
        QueryKey("area", "text", "the area of entries that name none", default="``region``"),
        QueryKey("unit", "text", "the values' unit", default="the metric's unit"),
        QueryKey("note", "text", "how the values were found"),
        QueryKey("credit", "text", "whom to credit"),
        QueryKey("licence", "text", "the values' licence"),
    )

    @classmethod
    def check_query(cls, query: Mapping[str, Any]) -> list[str]:
        given: object = query  # a plan may hold anything here
        if not isinstance(given, Mapping):
            return [f"the inline source's query must be a mapping, not {given!r}"]
        problems = super().check_query(query)
        for key in ("unit", "note", "credit", "licence"):
            if key in query and not (isinstance(query[key], str) and query[key].strip()):
                problems.append(f"the inline source's '{key}' must be a text, not {query[key]!r}")
        default_area = DEFAULT_AREA
        if "area" in query:
            if (area := _area(query["area"])) is None:
                problems.append(
                    f"the inline source's 'area' must be an area code as text, not {query['area']!r}"
                )
            else:
                default_area = area
        if "values" not in query:
            return problems
        values = query["values"]
        if not isinstance(values, list | tuple):
            problems.append(
                "the inline source's 'values' must be a list of entries such as "
                f"{{period: 2025, value: 1}}, not {values!r}"
            )
            return problems
        first: dict[tuple[str, str], int] = {}
        for i, entry in enumerate(values):
            entry_problems, found = _check_entry(i, entry, default_area)
            problems += entry_problems
            if found is None:
                continue
            if found in first:
                problems.append(
                    f"the inline source's values[{first[found]}] and values[{i}] both give "
                    f"area {found[0]!r}, period {found[1]!r}"
                )
            else:
                first[found] = i
        return problems

    def fetch(self, request: SourceRequest) -> Observations:
        import numpy as np  # here, not above: a plan naming this source checks without numpy

        from regionplan.data.series import Observations, first_impossible

        query = request.query
        if problems := self.check_query(query):
            msg = f"metric {request.metric!r}: " + "; ".join(problems)
            raise DataSourceError(msg)
        default_area = _area(query.get("area")) or DEFAULT_AREA
        entries = list(query["values"])
        if not entries:
            # A plan may define what it will count before anything has been counted.
            msg = "the plan records no values for it yet ('values' is empty)"
            raise SourceFailed(msg, FailureKind.NOTHING_RECORDED)
        areas = [_area(e["area"]) if "area" in e else default_area for e in entries]
        periods = [_period_label(e["period"]) for e in entries]
        values = np.array([_number(e["value"]) for e in entries], dtype=float)
        unit = query.get("unit") or request.unit
        if is_count(unit) and (i := first_impossible(values, unit)) is not None:
            msg = f"the inline source's values[{i}]: {impossible_value(values[i], unit)}"
            raise SourceFailed(msg, FailureKind.IMPOSSIBLE_VALUE)
        provenance = Provenance(
            source=self.name,
            table="",  # written in the plan, not read from a table
            query=query_text(query),
            retrieved=None,  # nor retrieved from anywhere
            licence=query.get("licence", ""),
            credit=query.get("credit", ""),
            notes=query.get("note", ""),
        )
        return Observations(areas, periods, values, query.get("unit"), provenance)


@hookimpl
def regionplan_register_sources(register: Callable[..., None]) -> None:
    register(InlineSource.name, InlineSource)
