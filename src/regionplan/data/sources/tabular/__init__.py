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
    the file, relative to the plan's folder; or a list of files (``[a.csv, b.csv]``) or a
    pattern (``data/population_*.csv``, the files it matches in sorted order), read as one
    table: every file is read on its own (same columns and options), must lie inside the
    plan's folder like a single file, and two files holding the same area and period are an
    error naming both lines (a "no value" cell gives way to another file's value).
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
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from regionplan.data.attempts import FailureKind
from regionplan.data.sources import DataSource, QueryKey, SourceContext, SourceFailed, SourceRequest
from regionplan.data.sources.tabular.query import (
    _COMMON_KEYS,
    TabularQuery,
    _check_common,
    _is_text,
    paths_of,
    query_text,
)
from regionplan.data.sources.tabular.table import Table, _stat, read_csv, read_excel
from regionplan.errors import DataSourceError
from regionplan.markers import hookimpl

if TYPE_CHECKING:
    from regionplan.data.series import Observations

__all__ = ["CsvSource", "ExcelSource", "Table", "TabularQuery", "query_text", "read_csv", "read_excel"]


#: The query keys both sources take, for the reference.
_QUERY_KEYS: tuple[QueryKey, ...] = (
    QueryKey(
        "path",
        "text or list of texts",
        "the file, relative to the plan's folder; or several files (``[a.csv, b.csv]``) or a "
        "pattern (``data/population_*.csv``, files matched in sorted order) read as one table, "
        "where two files may not hold the same area and period",
        required=True,
    ),
    QueryKey(
        "columns",
        "mapping",
        "``{area: COLUMN, period: COLUMN, value: COLUMN}``: the columns of the area code, "
        "the period label and the value",
        required=True,
    ),
    QueryKey(
        "filter",
        "mapping",
        "``{COLUMN: VALUE}`` or ``{COLUMN: [VALUE, ...]}``: the rows to keep; cells are compared as text",
        default="every row",
    ),
    QueryKey("unit", "text", "the unit of the values", default="the metric's unit"),
    QueryKey("unit_column", "text", "a column holding each row's unit; the rows kept must share one unit"),
    QueryKey("decimal", "text", '``"."`` or ``","`` (Norwegian files)', default='``"."``'),
    QueryKey(
        "thousands",
        "text",
        'a thousands separator to accept: ``" "`` (any space, no-break spaces included), '
        '``"."``, ``","`` or ``"\'"``; digits must then be grouped by three',
        default="none",
    ),
    QueryKey(
        "missing",
        "list of texts",
        'the cell texts that mean "no value" and become NaN; Statistics Norway writes '
        '``".."``, ``":"`` and ``"."``',
        default='``[""]``',
    ),
    QueryKey("table", "text", "the table's name or number, for the provenance", default="the file's name"),
    QueryKey("credit", "text", "the credit line to print with the figures"),
    QueryKey("licence", "text", "the data's licence (``CC BY 4.0``)"),
    QueryKey("note", "text", "a note for readers"),
    QueryKey("retrieved", "date", "the day the file's figures were fetched (``2024-03-01``)"),
)


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

    def table(self, query: Mapping[str, Any], label: str | None = None) -> Table:
        """The file a query names (or ``label``, one of its files), read once per file version
        and reading options."""
        label = str(query["path"]) if label is None else label
        path = self.context.resolve(label)
        st = _stat(path, label)
        key = self._cache_key(query, path.resolve(), st)
        if key not in self._tables:
            self._tables[key] = self._read(query, path, label)
        return self._tables[key]

    def files(self, query: Mapping[str, Any]) -> list[str]:
        """The files a query's ``path`` names, as the plan's folder sees them: each name
        given, and the files each pattern (``*``, ``?``, ``[...]``) matches, sorted.

        Raises:
            SourceFailed: a pattern matches no file (kind ``file_missing``).
        """
        found: list[str] = []
        for given in paths_of(query):
            if not any(c in given for c in "*?["):
                found.append(given)
                continue
            pattern = Path(given)
            root = Path(pattern.anchor) if pattern.is_absolute() else self.context.base_dir
            relative = pattern.relative_to(root) if pattern.is_absolute() else pattern
            matches = sorted(p for p in root.glob(str(relative)) if p.is_file() or p.is_symlink())
            if not matches:
                msg = f"no file matches {given}"
                raise SourceFailed(msg, FailureKind.FILE_MISSING)
            for m in matches:
                found.append(str(m) if pattern.is_absolute() else m.relative_to(root).as_posix())
        return list(dict.fromkeys(found))

    def fetch(self, request: SourceRequest) -> Observations:
        # Reading rows needs numpy; checking a query does not, so a plan checks without it.
        from regionplan.data.sources.tabular.combine import combine
        from regionplan.data.sources.tabular.rows import observations

        problems = self.check_query(request.query)
        if problems:
            msg = f"metric {request.metric!r}: " + "; ".join(problems)
            raise DataSourceError(msg)
        q = TabularQuery.from_query(request.query)
        labels = self.files(request.query)
        tables = [self.table(request.query, label) for label in labels]
        batches = [
            observations(t, q, self.name, request.query, unit=request.unit, members=request.areas)
            for t in tables
        ]
        if len(batches) == 1:
            return batches[0]
        return combine(tables, batches, q)

    def close(self) -> None:
        self._tables.clear()


class CsvSource(_TabularSource):
    """Tidy CSV files (``name: csv``): one observation per row, its columns mapped by the query."""

    name: ClassVar[str] = "csv"
    optional_keys: ClassVar[tuple[str, ...] | None] = (*_COMMON_KEYS, "encoding", "delimiter")
    query_keys: ClassVar[tuple[QueryKey, ...]] = (
        *_QUERY_KEYS,
        QueryKey(
            "encoding", "text", "the file's encoding", default="``utf-8-sig`` (UTF-8, with or without a BOM)"
        ),
        QueryKey("delimiter", "text", 'the character between cells (``";"``)', default='``","``'),
    )

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
    query_keys: ClassVar[tuple[QueryKey, ...]] = (
        *_QUERY_KEYS,
        QueryKey(
            "sheet", "text or number", "the sheet, by name or number (1 for the first)", default="the first"
        ),
        QueryKey("header_row", "number", "the row of the column names", default="1"),
    )

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
