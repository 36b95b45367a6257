"""Reading a tidy table: a CSV file or an Excel sheet as a :class:`Table` of cells.

:func:`read_csv` and :func:`read_excel` read the header and the rows, remembering the
line (or sheet row) each row starts on, so every later error can point at it.
``_did_you_mean`` suggests the column, sheet or value a misspelled name meant.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from regionplan.data.sources import refused_file
from regionplan.data.sources.tabular.cells import _label
from regionplan.errors import DataSourceError
from regionplan.plan.safefiles import (
    FileRefusal,
    RefusedFile,
    SizeLimit,
    bad_text,
    check_regular,
    data_file_limit,
    open_regular,
    read_bytes,
)

__all__ = ["Table", "read_csv", "read_excel"]


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
    """The file's status; refused (a :class:`~regionplan.data.sources.SourceFailed`) unless it
    is a regular file within the size limit of data files."""
    try:
        return check_regular(path, data_file_limit())
    except RefusedFile as exc:
        raise refused_file(exc, shown) from None


_ENCODING_NAMES = {"UTF-16": "utf-16", "UTF-32": "utf-32"}


def _undecodable(path: Path, label: str, encoding: str, limit: SizeLimit) -> str:
    """Where a file stops being text in ``encoding`` (file:line:column), and what it looks like."""
    try:
        bad = bad_text(read_bytes(path, limit), encoding, nul=False)
    except RefusedFile:
        bad = None
    if bad is None or bad.byte is None:
        return f"{label}: cannot read the file as {encoding}; name its encoding, e.g. encoding: cp1252"
    name = _ENCODING_NAMES.get(bad.looks_like, "cp1252")
    looks = f"; it looks like {bad.looks_like}" if bad.looks_like else ""
    return (
        f"{label}:{bad.line}:{bad.column}: cannot read the file as {encoding} "
        f"(the byte 0x{bad.byte:02X}){looks}; name its encoding (encoding: {name}) or save it as UTF-8"
    )


def _mtime(st: os.stat_result) -> dt.datetime:
    return dt.datetime.fromtimestamp(st.st_mtime, dt.UTC).replace(microsecond=0)


def read_csv(path: Path, *, encoding: str, delimiter: str, label: str) -> Table:
    """Read a CSV file's header and rows as text, remembering where each row starts.

    Raises:
        DataSourceError: the file is missing, cannot be decoded, or is no CSV.
    """
    st = _stat(path, label)
    limit = data_file_limit()
    rows: list[Sequence[Any]] = []
    lines: list[int] = []
    header: tuple[str, ...] | None = None
    try:
        with open_regular(path, limit) as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as handle:
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
    except RefusedFile as exc:
        raise refused_file(exc, label) from None
    except UnicodeDecodeError:
        raise DataSourceError(_undecodable(path, label, encoding, limit)) from None
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
        handle = open_regular(path, data_file_limit())
    except RefusedFile as exc:
        raise refused_file(exc, label) from None
    with handle:
        try:
            return _read_sheet(openpyxl, handle, st, path, sheet=sheet, header_row=header_row, label=label)
        except RefusedFile as exc:  # the file grew past the limit while it was read
            raise refused_file(exc, label) from None


def _check_unpacked(handle: Any, path: Path, label: str) -> None:
    """Refuse a workbook whose parts unpack to more than a data file may hold.

    An ``.xlsx`` file is a zip archive: a small file can unpack to gigabytes (a zip bomb),
    so the size its directory declares is checked before openpyxl unpacks anything.
    """
    limit = data_file_limit()
    try:
        with zipfile.ZipFile(handle) as archive:
            unpacked = sum(max(info.file_size, 0) for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip archive: openpyxl says so in its own words
    finally:
        handle.seek(0)
    if unpacked > limit.bytes:
        exc = RefusedFile(
            path,
            FileRefusal.TOO_LARGE,
            f"unpacks to {unpacked / 1e6:,.1f} MB, more than the {limit.bytes / 1e6:g} MB "
            f"a data file may hold (the environment variable {limit.env} sets the limit, in MB)",
        )
        raise refused_file(exc, label)


def _read_sheet(
    openpyxl: Any,
    handle: Any,
    st: os.stat_result,
    path: Path,
    *,
    sheet: str | int | None,
    header_row: int,
    label: str,
) -> Table:
    _check_unpacked(handle, path, label)
    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except RefusedFile as exc:
        raise refused_file(exc, label) from None
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
