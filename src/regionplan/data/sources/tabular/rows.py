"""From a table's rows to observations: mapping, filtering and checking them.

:func:`observations` maps the query's columns, keeps the rows its filter accepts,
reads their values and refuses two rows with the same area and period, naming their
lines and the columns a filter could tell them apart by.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from regionplan.data.series import Observations, Provenance
from regionplan.data.sources.tabular.cells import _label
from regionplan.data.sources.tabular.query import TabularQuery, query_text
from regionplan.data.sources.tabular.table import Table, _did_you_mean
from regionplan.errors import DataSourceError

__all__ = ["observations"]


def observations(table: Table, q: TabularQuery, source: str, query: Mapping[str, Any]) -> Observations:
    """Map, filter and check a table's rows; build the batch with its provenance.

    Raises:
        DataSourceError: a mapped or filtered column is missing, a filter value never
            occurs, a cell is unreadable, two rows share an area and period, or the
            rows kept hold several units.
    """
    area_col = table.column(q.area, "columns.area")
    period_col = table.column(q.period, "columns.period")
    value_col = table.column(q.value, "columns.value")
    unit_col = table.column(q.unit_column, "unit_column") if q.unit_column else None
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
            raise DataSourceError(msg) from None
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
