"""The ``csv`` and ``excel`` sources: tidy tables with an explicit column mapping.

A tidy table has one observation per row. The query says which column holds the
area code, which the period label and which the value, and which rows to keep::

    source:
      name: csv
      path: data/employment_11618_2017_2022.csv   # relative to the plan's folder
      columns: {area: code_at_time, period: year, value: employed_by_workplace_jobs}
      filter: {age: "15-74"}          # keep rows whose column equals the value (or one of a list)
      unit: job                       # or unit_column: unit (one unit per batch)
      table: "11618"
      credit: "Kilde: Statistisk sentralbyrå, tabell 11618"
      licence: CC BY 4.0

Query keys of both sources:

``path`` (required)
    the file, relative to the plan's folder.
``columns`` (required)
    ``{area: COLUMN, period: COLUMN, value: COLUMN}``.
``filter``
    ``{COLUMN: VALUE}`` or ``{COLUMN: [VALUE, ...]}``; cells are compared as text.
``unit``
    the unit of the values; without it (and without ``unit_column``) the values are
    in the metric's unit.
``unit_column``
    a column holding the unit of each row; the rows kept must share one unit.
``decimal``
    ``"."`` (default) or ``","`` (Norwegian files).
``thousands``
    a thousands separator to accept: ``" "`` (any space, no-break spaces included),
    ``"."``, ``","`` or ``"'"``; digits must then be grouped by three.
``missing``
    the cell texts that mean "no value" and become ``NaN``; default ``[""]``.
    Statistics Norway writes ``".."``, ``":"`` and ``"."``: list them to accept them.
``table``, ``credit``, ``licence``, ``note``
    provenance: the table's name or number (default: the file's name), the credit
    line to print, the data's licence and a note for readers.

The ``csv`` source also takes ``encoding`` (default ``utf-8-sig``: UTF-8 with or
without a byte-order mark) and ``delimiter`` (default ``","``); the ``excel``
source takes ``sheet`` (default: the first sheet) and ``header_row`` (default 1)
and needs ``openpyxl`` (``pip install "regionplan[excel]"``).

Area codes and period labels always stay text, so ``0235`` keeps its zero. Two
rows with the same area and period after filtering are an error: the filter is
incomplete. Every error names the file, the line (or sheet row) and the column.
A source instance reads each file once per run, however many metrics use it.
"""

from __future__ import annotations

import abc
import codecs
import csv
import datetime as dt
import difflib
import functools
import json
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs
import numpy as np

from regionplan.data.series import Observations, Provenance
from regionplan.data.sources import DataSource, SourceContext, SourceRequest, parse_retrieved
from regionplan.errors import DataSourceError
from regionplan.markers import hookimpl

__all__ = ["CsvSource", "ExcelSource", "Table", "TabularQuery", "query_text", "read_csv", "read_excel"]

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
_DECIMALS = (".", ",")
_SPACES = " \u00a0\u202f\u2009"
_THOUSANDS = (" ", ".", ",", "'", "\u00a0", "\u202f", "\u2009")
_MINUS = "\u2212"


# -- numbers and labels ----------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _number_pattern(decimal: str, thousands: str | None) -> re.Pattern[str]:
    """A number in a cell: optional sign, digits (grouped by three when a separator
    is given), optional fraction, optional exponent."""
    dec = re.escape(decimal)
    if thousands is None:
        integer = r"\d+"
    else:
        sep = f"[{re.escape(_SPACES)}]" if thousands in _SPACES else re.escape(thousands)
        integer = rf"(?:\d{{1,3}}(?:{sep}\d{{3}})+|\d+)"
    return re.compile(rf"[+\-{_MINUS}]?(?:{integer}(?:{dec}\d*)?|{dec}\d+)(?:[eE][+-]?\d+)?")


@attrs.frozen
class NumberFormat:
    """How the value cells of a table are written."""

    decimal: str = "."
    thousands: str | None = None
    missing: frozenset[str] = frozenset({""})

    def parse(self, text: str) -> float:
        """A cell's text as a float; ``NaN`` for a missing-value symbol.

        Raises:
            ValueError: the text is no number in this format (the message says why).
        """
        t = text.strip()
        if t in self.missing:
            return math.nan
        if not _number_pattern(self.decimal, self.thousands).fullmatch(t):
            msg = f"not a number: {text!r}"
            if self.decimal == "." and re.fullmatch(r"[+\-]?\d*,\d+", t):
                msg += ' (if the file writes decimal commas, add decimal: ",")'
            elif t in {"..", ":", ".", "-", "x"}:
                msg += f" (if {t!r} marks a missing value, add it to missing)"
            elif self.thousands is None and re.fullmatch(r"[+\-]?\d{1,3}(?:[ \u00a0.,']\d{3})+", t):
                msg += " (if the file groups thousands, say how with thousands)"
            raise ValueError(msg)
        if self.thousands is not None:
            seps = _SPACES if self.thousands in _SPACES else self.thousands
            t = t.translate({ord(c): None for c in seps})
        t = t.replace(_MINUS, "-")
        if self.decimal != ".":
            t = t.replace(self.decimal, ".")
        return float(t)

    def value(self, cell: Any) -> float:
        """A cell (text, number or empty) as a float."""
        if cell is None:
            return self.parse("")
        if isinstance(cell, bool):
            msg = f"not a number: {cell!r}"
            raise ValueError(msg)
        if isinstance(cell, int | float):
            return float(cell)
        return self.parse(str(cell))


def _label(cell: Any) -> str:
    """A cell as an area code or period label: text, never a number.

    Spreadsheet numbers become their digits (``2019.0`` becomes ``"2019"``); a date
    becomes ``YYYY-MM-DD``.
    """
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def _closest(name: str, options: Sequence[str]) -> str | None:
    """The option a misspelled name most likely meant, if any is close."""
    lower = {o.lower(): o for o in options}
    if name.lower() in lower:
        return lower[name.lower()]
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(name: str, options: Sequence[str], what: str) -> str:
    """``"; did you mean 'x'?"``, else the list of ``what`` (at most 30 shown)."""
    if (close := _closest(name, options)) is not None:
        return f"; did you mean {close!r}?"
    if not options:
        return ""
    shown = ", ".join(repr(o) for o in options[:30])
    more = f" and {len(options) - 30} more" if len(options) > 30 else ""
    return f"; the {what} are {shown}{more}"


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


# -- the query --------------------------------------------------------------------


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _is_filter_value(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _check_common(name: str, query: Mapping[str, Any]) -> list[str]:
    """Problems with the keys the csv and excel sources share."""
    problems: list[str] = []
    if "path" in query and not (_is_text(query["path"]) or isinstance(query["path"], os.PathLike)):
        problems.append(f"the {name} source's 'path' must be a file name, not {query['path']!r}")
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
        path: the file as the query names it.
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
            path=str(query["path"]),
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


# -- tables -----------------------------------------------------------------------


@attrs.frozen(eq=False)
class Table:
    """A file's cells as read, before any mapping.

    Attributes:
        path: the file read.
        header: the column names.
        rows: the data rows (cells as text for CSV, as stored for spreadsheets).
        lines: where each row starts in the file (1-based line, or sheet row).
        where: how to name a place in the file: ``"line"`` or ``"row"``.
        modified: the file's modification time (UTC).
        label: the file (and sheet) as errors name it.
    """

    path: Path
    header: tuple[str, ...]
    rows: list[Sequence[Any]]
    lines: list[int]
    where: str
    modified: dt.datetime
    label: str

    def at(self, i: int) -> str:
        """``file:line`` of row ``i``."""
        return (
            f"{self.label}:{self.lines[i]}" if self.where == "line" else (f"{self.label} row {self.lines[i]}")
        )

    def column(self, name: str, what: str) -> int:
        """The index of a column, or a :class:`DataSourceError` with a did-you-mean."""
        try:
            return self.header.index(name)
        except ValueError:
            pass
        msg = f"{self.label}: no column {name!r} ({what}) in the header"
        msg += _did_you_mean(name, self.header, "columns")
        if _closest(name, self.header) is None and len(self.header) == 1:
            for sep, sep_name in ((";", '";"'), ("\t", '"\\t"'), ("|", '"|"')):
                if sep in self.header[0]:
                    msg += f" (is the file separated by {sep_name}? add delimiter: {sep_name})"
                    break
        raise DataSourceError(msg)

    def cell(self, i: int, col: int) -> Any:
        row = self.rows[i]
        return row[col] if col < len(row) else None


def _stat(path: Path, shown: str) -> os.stat_result:
    try:
        st = path.stat()
    except FileNotFoundError:
        msg = f"{shown}: no such file (looked for {path})"
        raise DataSourceError(msg) from None
    except OSError as exc:
        msg = f"{shown}: cannot read the file: {exc.strerror or exc}"
        raise DataSourceError(msg) from None
    if not path.is_file():
        msg = f"{shown}: not a file ({path})"
        raise DataSourceError(msg)
    return st


def _mtime(st: os.stat_result) -> dt.datetime:
    return dt.datetime.fromtimestamp(st.st_mtime, dt.UTC).replace(microsecond=0)


def read_csv(path: Path, *, encoding: str, delimiter: str, label: str) -> Table:
    """Read a CSV file's header and rows as text, remembering where each row starts.

    Raises:
        DataSourceError: the file is missing, cannot be decoded, or is no CSV.
    """
    st = _stat(path, label)
    rows: list[Sequence[Any]] = []
    lines: list[int] = []
    header: tuple[str, ...] | None = None
    try:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter, strict=True)
            previous = 0
            for record in reader:
                start, previous = previous + 1, reader.line_num
                if not record or all(not c.strip() for c in record):
                    continue
                if header is None:
                    first = record[0].removeprefix("\ufeff")
                    header = tuple(c.strip() for c in [first, *record[1:]])
                    continue
                rows.append(record)
                lines.append(start)
    except UnicodeDecodeError as exc:
        msg = (
            f"{label}: cannot read the file as {encoding} (byte {exc.start}); "
            f"name its encoding, e.g. encoding: cp1252"
        )
        raise DataSourceError(msg) from None
    except csv.Error as exc:
        msg = f"{label}:{previous + 1}: not valid CSV: {exc}"
        raise DataSourceError(msg) from None
    except OSError as exc:
        msg = f"{label}: cannot read the file: {exc.strerror or exc}"
        raise DataSourceError(msg) from None
    if header is None:
        msg = f"{label}: the file is empty (no header line)"
        raise DataSourceError(msg)
    return Table(path, header, rows, lines, "line", _mtime(st), label)


def read_excel(path: Path, *, sheet: str | int | None, header_row: int, label: str) -> Table:
    """Read one sheet of an Excel workbook (``.xlsx``) with openpyxl.

    Raises:
        DataSourceError: openpyxl is not installed, the file or sheet is missing,
            or the file is no workbook.
    """
    st = _stat(path, label)
    try:
        import openpyxl
    except ImportError:
        msg = f'{label}: reading Excel files needs openpyxl; install it with: pip install "regionplan[excel]"'
        raise DataSourceError(msg) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
        msg = f"{label}: not an Excel workbook (.xlsx) that openpyxl can read: {exc}"
        raise DataSourceError(msg) from None
    try:
        names = list(book.sheetnames)
        if sheet is None:
            sheet_name = names[0]
        elif isinstance(sheet, int):
            if not 1 <= sheet <= len(names):
                msg = f"{label}: no sheet number {sheet} (the workbook has {len(names)})"
                raise DataSourceError(msg)
            sheet_name = names[sheet - 1]
        elif sheet in names:
            sheet_name = sheet
        else:
            msg = f"{label}: no sheet {sheet!r}{_did_you_mean(sheet, names, 'sheets')}"
            raise DataSourceError(msg)
        shown = f"{label} [{sheet_name}]"
        header: tuple[str, ...] | None = None
        rows: list[Sequence[Any]] = []
        lines: list[int] = []
        for number, record in enumerate(book[sheet_name].iter_rows(values_only=True), start=1):
            if number < header_row:
                continue
            if number == header_row:
                header = tuple(_label(c) for c in record)
                continue
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in record):
                continue
            rows.append(record)
            lines.append(number)
    finally:
        book.close()
    if header is None:
        msg = f"{shown}: the sheet has no row {header_row} (the header)"
        raise DataSourceError(msg)
    return Table(path, header, rows, lines, "row", _mtime(st), shown)


# -- from a table to observations --------------------------------------------------


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


# -- the sources --------------------------------------------------------------------


class _TabularSource(DataSource):
    """What the csv and excel sources share: query checks, mapping, caching."""

    required_keys: ClassVar[tuple[str, ...]] = ("path", "columns")

    def __init__(self, context: SourceContext) -> None:
        super().__init__(context)
        self._tables: dict[tuple[Any, ...], Table] = {}

    @classmethod
    def check_query(cls, query: Mapping[str, Any]) -> list[str]:
        given: object = query  # a plan may hold anything here
        if not isinstance(given, Mapping):
            return [f"the {cls.name} source's query must be a mapping, not {given!r}"]
        return super().check_query(query) + _check_common(cls.name, query) + cls._check_own(query)

    @classmethod
    def _check_own(cls, query: Mapping[str, Any]) -> list[str]:
        return []

    @abc.abstractmethod
    def _cache_key(self, query: Mapping[str, Any], path: Path, st: os.stat_result) -> tuple[Any, ...]:
        """What identifies one parse of a file."""

    @abc.abstractmethod
    def _read(self, query: Mapping[str, Any], path: Path, label: str) -> Table:
        """Read the file."""

    def table(self, query: Mapping[str, Any]) -> Table:
        """The file a query names, read once per file version and reading options."""
        label = str(query["path"])
        path = self.context.resolve(label)
        st = _stat(path, label)
        key = self._cache_key(query, path.resolve(), st)
        if key not in self._tables:
            self._tables[key] = self._read(query, path, label)
        return self._tables[key]

    def fetch(self, request: SourceRequest) -> Observations:
        problems = self.check_query(request.query)
        if problems:
            msg = f"metric {request.metric!r}: " + "; ".join(problems)
            raise DataSourceError(msg)
        q = TabularQuery.from_query(request.query)
        return observations(self.table(request.query), q, self.name, request.query)

    def close(self) -> None:
        self._tables.clear()


class CsvSource(_TabularSource):
    """Tidy CSV files (``name: csv``); see the module's documentation for the query."""

    name: ClassVar[str] = "csv"
    optional_keys: ClassVar[tuple[str, ...] | None] = (*_COMMON_KEYS, "encoding", "delimiter")

    @classmethod
    def _check_own(cls, query: Mapping[str, Any]) -> list[str]:
        problems = []
        encoding = query.get("encoding", "utf-8-sig")
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError, ValueError):
            problems.append(f"the csv source does not know the encoding {encoding!r}")
        delimiter = query.get("delimiter", ",")
        if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n':
            problems.append(
                f"the csv source's 'delimiter' must be one character such as \";\", not {delimiter!r}"
            )
        elif delimiter == query.get("decimal") and delimiter == ",":
            problems.append(
                "the csv source's 'delimiter' and 'decimal' are both ','; "
                'Norwegian files with decimal commas are usually separated by ";"'
            )
        return problems

    def _cache_key(self, query: Mapping[str, Any], path: Path, st: os.stat_result) -> tuple[Any, ...]:
        return (
            path,
            st.st_mtime_ns,
            st.st_size,
            query.get("encoding", "utf-8-sig"),
            query.get("delimiter", ","),
        )

    def _read(self, query: Mapping[str, Any], path: Path, label: str) -> Table:
        return read_csv(
            path,
            encoding=query.get("encoding", "utf-8-sig"),
            delimiter=query.get("delimiter", ","),
            label=label,
        )


class ExcelSource(_TabularSource):
    """Tidy sheets of Excel workbooks (``name: excel``); needs openpyxl."""

    name: ClassVar[str] = "excel"
    optional_keys: ClassVar[tuple[str, ...] | None] = (*_COMMON_KEYS, "sheet", "header_row")

    @classmethod
    def _check_own(cls, query: Mapping[str, Any]) -> list[str]:
        problems = []
        sheet = query.get("sheet")
        if "sheet" in query and not (
            _is_text(sheet) or (isinstance(sheet, int) and not isinstance(sheet, bool) and sheet > 0)
        ):
            problems.append(
                f"the excel source's 'sheet' must be a sheet name or number (1 for the first), not {sheet!r}"
            )
        row = query.get("header_row", 1)
        if not isinstance(row, int) or isinstance(row, bool) or row < 1:
            problems.append(f"the excel source's 'header_row' must be a row number (1 or more), not {row!r}")
        return problems

    def _cache_key(self, query: Mapping[str, Any], path: Path, st: os.stat_result) -> tuple[Any, ...]:
        return (path, st.st_mtime_ns, st.st_size, query.get("sheet"), query.get("header_row", 1))

    def _read(self, query: Mapping[str, Any], path: Path, label: str) -> Table:
        return read_excel(path, sheet=query.get("sheet"), header_row=query.get("header_row", 1), label=label)


@hookimpl
def regionplan_register_sources(register: Callable[..., None]) -> None:
    register(CsvSource.name, CsvSource)
    register(ExcelSource.name, ExcelSource)
