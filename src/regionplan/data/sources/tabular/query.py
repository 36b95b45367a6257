"""The query of the ``csv`` and ``excel`` sources: its checks and its checked form.

``_check_common`` finds the problems with the keys both sources share, without
reading any data; :class:`TabularQuery` is a query that passed them.
:func:`query_text` writes a query as one line of JSON for the provenance.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from typing import Any

import attrs

from regionplan.data.sources import parse_retrieved
from regionplan.data.sources.tabular.cells import _DECIMALS, _THOUSANDS, NumberFormat
from regionplan.errors import DataSourceError

__all__ = ["COLUMN_ROLES", "TabularQuery", "paths_of", "query_text"]

#: The column roles ``columns`` must map.
COLUMN_ROLES: tuple[str, ...] = ("area", "period", "value")
#: Provenance keys shared by the file sources.
_PROVENANCE_KEYS: tuple[str, ...] = ("table", "credit", "licence", "note", "retrieved")
_COMMON_KEYS: tuple[str, ...] = (
    "filter",
    "unit",
    "unit_column",
    "decimal",
    "thousands",
    "missing",
    *_PROVENANCE_KEYS,
)


def _plain(value: Any) -> Any:
    """A query as JSON-ready plain data (mappings from a plan loader become dicts)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def query_text(query: Mapping[str, Any]) -> str:
    """The query as one line of JSON with sorted keys, enough to repeat it."""
    return json.dumps(_plain(query), sort_keys=True, ensure_ascii=False)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_path(value: Any) -> bool:
    """A file name, or a non-empty list of them."""
    if isinstance(value, list | tuple):
        return bool(value) and all(_is_path(v) and not isinstance(v, list | tuple) for v in value)
    return _is_text(value) or isinstance(value, os.PathLike)


def paths_of(query: Mapping[str, Any]) -> list[str]:
    """The query's ``path`` as a list of the names (or patterns) written."""
    given = query["path"]
    return [os.fspath(p) for p in given] if isinstance(given, list | tuple) else [os.fspath(given)]


def _is_filter_value(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _check_common(name: str, query: Mapping[str, Any]) -> list[str]:
    """Problems with the keys the csv and excel sources share."""
    problems: list[str] = []
    if "path" in query and not _is_path(query["path"]):
        problems.append(
            f"the {name} source's 'path' must be a file name, a pattern such as data/population_*.csv "
            f"or a list of file names, not {query['path']!r}"
        )
    columns = query.get("columns")
    if "columns" in query:
        if not isinstance(columns, Mapping):
            problems.append(
                f"the {name} source's 'columns' must map area, period and value to "
                f"column names, not {columns!r}"
            )
        else:
            problems += [
                f"the {name} source's 'columns' needs '{role}'"
                for role in COLUMN_ROLES
                if role not in columns
            ]
            problems += [
                f"the {name} source's 'columns' does not know '{key}' (it takes: {', '.join(COLUMN_ROLES)})"
                for key in columns
                if key not in COLUMN_ROLES
            ]
            problems += [
                f"the {name} source's 'columns.{role}' must be a column name, not {col!r}"
                for role, col in columns.items()
                if role in COLUMN_ROLES and not _is_text(col)
            ]
    filt = query.get("filter")
    if "filter" in query:
        if not isinstance(filt, Mapping) or not filt:
            problems.append(f"the {name} source's 'filter' must map column names to values, not {filt!r}")
        else:
            for col, wanted in filt.items():
                if not _is_text(col):
                    problems.append(f"the {name} source's 'filter' has a bad column name {col!r}")
                values = wanted if isinstance(wanted, list | tuple) else [wanted]
                if not values or not all(_is_filter_value(v) for v in values):
                    problems.append(
                        f"the {name} source's 'filter.{col}' must be a text or a list of "
                        f"texts, not {wanted!r}"
                    )
    if "unit" in query and "unit_column" in query:
        problems.append(f"the {name} source takes 'unit' or 'unit_column', not both")
    for key in ("unit", "unit_column", "credit", "licence", "note"):
        if key in query and not _is_text(query[key]):
            problems.append(f"the {name} source's '{key}' must be a text, not {query[key]!r}")
    if "table" in query and not (_is_text(query["table"]) or _is_filter_value(query["table"])):
        problems.append(f"the {name} source's 'table' must be a text, not {query['table']!r}")
    if "retrieved" in query:
        try:
            parse_retrieved(query["retrieved"])
        except DataSourceError as exc:
            problems.append(f"the {name} source's {exc}")
    decimal = query.get("decimal", ".")
    if decimal not in _DECIMALS:
        problems.append(f'the {name} source\'s \'decimal\' must be "." or ",", not {decimal!r}')
    thousands = query.get("thousands")
    if thousands is not None and thousands not in _THOUSANDS:
        problems.append(
            f"the {name} source's 'thousands' must be one of "
            f"{', '.join(repr(t) for t in _THOUSANDS)}, not {thousands!r}"
        )
    elif thousands is not None and thousands == decimal:
        problems.append(f"the {name} source's 'thousands' and 'decimal' are both {decimal!r}")
    if "missing" in query:
        missing = query["missing"]
        items = missing if isinstance(missing, list | tuple) else [missing]
        if not all(isinstance(m, str) for m in items):
            problems.append(
                f"the {name} source's 'missing' must be a list of texts (such as "
                f'["", "..", ":"]), not {missing!r}'
            )
    return problems


@attrs.frozen
class TabularQuery:
    """A checked ``csv`` or ``excel`` query.

    Attributes:
        path: the file (or files, comma-separated) as the query names it.
        area, period, value: the columns mapped to each role.
        filter: the rows to keep: column name to the texts accepted.
        unit: the values' unit, or ``None``.
        unit_column: the column holding the unit of each row, or ``None``.
        numbers: how value cells are written.
        table, credit, licence, note: provenance.
    """

    path: str
    area: str
    period: str
    value: str
    filter: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    unit: str | None = None
    unit_column: str | None = None
    numbers: NumberFormat = NumberFormat()
    table: str = ""
    credit: str = ""
    licence: str = ""
    note: str = ""
    retrieved: dt.datetime | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> TabularQuery:
        """Read a query that :func:`_check_common` and the key checks passed."""
        columns = query["columns"]
        filt: dict[str, tuple[str, ...]] = {}
        for col, wanted in (query.get("filter") or {}).items():
            values = wanted if isinstance(wanted, list | tuple) else [wanted]
            filt[str(col)] = tuple(str(v) for v in values)
        missing = query.get("missing", [""])
        missing_items = missing if isinstance(missing, list | tuple) else [missing]
        return cls(
            path=", ".join(paths_of(query)),
            area=str(columns["area"]).strip(),
            period=str(columns["period"]).strip(),
            value=str(columns["value"]).strip(),
            filter=filt,
            unit=query.get("unit"),
            unit_column=query.get("unit_column"),
            numbers=NumberFormat(
                decimal=query.get("decimal", "."),
                thousands=query.get("thousands"),
                missing=frozenset(str(m).strip() for m in missing_items),
            ),
            table=str(query.get("table", "")),
            credit=query.get("credit", ""),
            licence=query.get("licence", ""),
            note=query.get("note", ""),
            retrieved=parse_retrieved(query.get("retrieved")),
        )
