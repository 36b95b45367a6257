"""From a table's rows to observations: mapping, filtering and checking them.

:func:`observations` maps the query's columns, keeps the rows its filter accepts,
reads their values and refuses two rows with the same area and period, naming their
lines and the columns a filter could tell them apart by. It refuses as well, naming the
line, a value no statistic can have (infinite, or a count below zero) and a period label
that is none, and names the codes of a file that holds none of the region's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from regionplan.data.attempts import FailureKind
from regionplan.data.series import (
    Observations,
    Provenance,
    first_impossible,
    impossible_value,
    is_count,
    period_problem,
)
from regionplan.data.sources import SourceFailed
from regionplan.data.sources.tabular.cells import NotFinite, _label
from regionplan.data.sources.tabular.query import TabularQuery, query_text
from regionplan.data.sources.tabular.table import Table, _did_you_mean
from regionplan.errors import DataSourceError
from regionplan.plan.periods import parse_period

__all__ = ["kept_rows", "observations"]


def observations(
    table: Table,
    q: TabularQuery,
    source: str,
    query: Mapping[str, Any],
    *,
    unit: str = "",
    members: Sequence[str] = (),
) -> Observations:
    """Map, filter and check a table's rows; build the batch with its provenance.

    Args:
        unit: the metric's unit, for values whose query names none: counts cannot be negative.
        members: the region's member codes (every vintage): the rows must hold one of them.

    Raises:
        DataSourceError: a mapped or filtered column is missing, a filter value never
            occurs, a cell is unreadable, two rows share an area and period, or the
            rows kept hold several units.
        SourceFailed: a value is impossible (infinite, a negative count), a period label
            is no period, or no area code is one of the region's.
    """
    area_col = table.column(q.area, "columns.area")
    period_col = table.column(q.period, "columns.period")
    value_col = table.column(q.value, "columns.value")
    unit_col = table.column(q.unit_column, "unit_column") if q.unit_column else None
    keep = kept_rows(table, q)

    areas: list[str] = []
    periods: list[str] = []
    values = np.empty(len(keep), dtype=float)
    first_at: dict[tuple[str, str], int] = {}
    duplicates: list[tuple[int, int]] = []
    units: dict[str, int] = {}
    for n, i in enumerate(keep):
        area = _label(table.cell(i, area_col))
        period = _label(table.cell(i, period_col))
        for text, name in ((area, q.area), (period, q.period)):
            if not text:
                msg = f"{table.at(i)}: column {name!r} is empty"
                raise DataSourceError(msg)
        try:
            values[n] = q.numbers.value(table.cell(i, value_col))
        except ValueError as exc:
            msg = f"{table.at(i)}: column {q.value!r}: {exc}"
            kind = FailureKind.IMPOSSIBLE_VALUE if isinstance(exc, NotFinite) else FailureKind.INVALID
            raise SourceFailed(msg, kind) from None
        if unit_col is not None:
            row_unit = _label(table.cell(i, unit_col))
            if not row_unit:
                msg = f"{table.at(i)}: column {q.unit_column!r} (unit_column) is empty"
                raise DataSourceError(msg)
            units.setdefault(row_unit, i)
        key = (area, period)
        if key in first_at:
            duplicates.append((first_at[key], i))
        else:
            first_at[key] = i
        areas.append(area)
        periods.append(period)

    if len(units) > 1:
        listed = ", ".join(f"{u!r} ({table.at(i)})" for u, i in units.items())
        msg = (
            f"{table.label}: the rows kept hold several units in column "
            f"{q.unit_column!r}: {listed}; add a filter on that column"
        )
        raise DataSourceError(msg)
    if duplicates:
        raise DataSourceError(_duplicate_message(table, q, keep, duplicates, area_col, period_col))
    batch_unit = next(iter(units)) if units else q.unit
    _check_labels(table, q, keep, periods)
    _check_counts(table, q, keep, values, batch_unit or unit)
    _check_areas(table, q, areas, members)
    provenance = Provenance(
        source=source,
        table=q.table or table.path.name,
        query=query_text(query),
        # A copied file's modification time says when it was copied, not when its figures were
        # fetched: the query states that date when it is known.
        retrieved=q.retrieved,
        licence=q.licence,
        credit=q.credit,
        notes=q.note,
    )
    return Observations(areas, periods, values, batch_unit, provenance)


def kept_rows(table: Table, q: TabularQuery) -> list[int]:
    """The rows the query's filter keeps, in the file's order (one observation each).

    Raises:
        DataSourceError: a filtered column is missing, or a filter value never occurs.
    """
    filters = [(table.column(c, f"filter.{c}"), c, set(v)) for c, v in q.filter.items()]
    keep = list(range(len(table.rows)))
    for col, name, wanted in filters:
        seen = {_label(table.cell(i, col)) for i in range(len(table.rows))}
        if not wanted & seen:
            shown = " or ".join(repr(w) for w in sorted(wanted))
            msg = f"{table.label}: column {name!r} (filter) never holds {shown}"
            first = sorted(wanted)[0]
            msg += _did_you_mean(first, sorted(seen), "values")
            raise DataSourceError(msg)
        keep = [i for i in keep if _label(table.cell(i, col)) in wanted]
    return keep


def _check_labels(table: Table, q: TabularQuery, keep: list[int], periods: list[str]) -> None:
    """Every period label is one :func:`~regionplan.plan.periods.parse_period` reads."""
    seen: set[str] = set()
    for n, label in enumerate(periods):
        if label in seen:
            continue
        seen.add(label)
        try:
            why = period_problem(parse_period(label))
            problem = None if why is None else f"the period {label!r}: {why}"
        except ValueError:
            problem = f"{label!r} is no period label (write 2020, 2020Q4, 2020-05 or 2020-01-01)"
        if problem is not None:
            msg = f"{table.at(keep[n])}: column {q.period!r}: {problem}"
            raise SourceFailed(msg, FailureKind.INVALID)


def _check_counts(
    table: Table, q: TabularQuery, keep: list[int], values: np.ndarray, unit: str | None
) -> None:
    """A count (persons, jobs, enterprises...) is never below zero."""
    if is_count(unit) and (n := first_impossible(values, unit)) is not None:
        msg = f"{table.at(keep[n])}: column {q.value!r}: {impossible_value(values[n], unit)}"
        raise SourceFailed(msg, FailureKind.IMPOSSIBLE_VALUE)


def _check_areas(table: Table, q: TabularQuery, areas: list[str], members: Sequence[str]) -> None:
    """Rows of municipality codes must hold at least one of the region's.

    Rows for the region as a whole (``region``, or its id) are not codes: with any of them,
    the file may well hold nothing else.
    """
    found = sorted(set(areas))
    if not members or not found or not all(a.isdigit() for a in found):
        return
    wanted = set(members)
    if wanted.intersection(found):
        return
    msg = (
        f"{table.label}: column {q.area!r} holds none of the region's municipality codes: "
        f"it holds {_some(found)}; the region's are {_some(sorted(wanted))}"
    )
    lost = sorted(a for a in found if a.zfill(4) in wanted and a != a.zfill(4))
    if lost:
        msg += f" (have the codes lost a leading zero? {lost[0]!r} is {lost[0].zfill(4)!r})"
    raise SourceFailed(msg, FailureKind.MISSING_AREAS)


def _some(codes: Sequence[str], most: int = 12) -> str:
    shown = ", ".join(codes[:most])
    return shown + (f" and {len(codes) - most} more" if len(codes) > most else "")


def _duplicate_message(
    table: Table,
    q: TabularQuery,
    keep: list[int],
    duplicates: list[tuple[int, int]],
    area_col: int,
    period_col: int,
) -> str:
    a, b = duplicates[0]
    area, period = _label(table.cell(a, area_col)), _label(table.cell(a, period_col))
    where = "line" if table.where == "line" else "row"
    msg = (
        f"{table.label}: {where}s {table.lines[a]} and {table.lines[b]} both hold area "
        f"{area!r}, period {period!r}"
    )
    if len(duplicates) > 1:
        msg += f" ({len(duplicates) - 1} more such rows)"
    msg += "; the filter is incomplete"
    # Columns that tell the two rows apart, those with the fewest distinct values first:
    # a category such as sex or unit is a likelier filter than a count.
    differ = [
        col
        for col, name in enumerate(table.header)
        if name != q.value and _label(table.cell(a, col)) != _label(table.cell(b, col))
    ]
    distinct = {col: len({_label(table.cell(i, col)) for i in keep}) for col in differ}
    differ.sort(key=lambda col: distinct[col])
    if differ:
        names = [repr(table.header[col]) for col in differ[:3]]
        msg += f": add a filter on {' or '.join(names)}"
    return msg
