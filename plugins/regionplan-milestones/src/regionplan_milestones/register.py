"""Reading a region's milestone register: one milestone a row, in CSV or Excel.

The first row names the columns; their order does not matter, case does not
matter, and other columns are ignored. Each column has an English and a
Norwegian name:

``project`` (or ``prosjekt``)
    the id of a plan element (required).
``milestone`` (or ``milepæl``)
    what is to be done (required).
``due`` (or ``frist``)
    the date it is due (required).
``done`` (or ``ferdig``)
    the date it was done; empty while it is open.
``responsible`` (or ``ansvarlig``)
    actor ids, separated by ``,`` or ``;``.
``note`` (or ``merknad``)
    a remark for readers.

Dates are written ``2024-06-30`` or ``30.06.2024``; Excel date cells are read as
dates. CSV files are read by :func:`regionplan.data.sources.tabular.read_csv` (so a
byte-order mark, quoting and line numbers behave as in the ``csv`` source) and
workbooks by :func:`regionplan.data.sources.tabular.read_excel`.

Reading never stops at a bad cell: :func:`read_register` returns every
milestone it could read and a :class:`CellIssue` for every cell it could not,
each with its line (or sheet row) and column. The data source refuses a
register with issues; the plan check reports each as a warning.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from regionplan.data.sources.tabular import Table, read_csv, read_excel
from regionplan.errors import DataSourceError, Location

__all__ = [
    "COLUMN_NAMES",
    "REQUIRED_COLUMNS",
    "CellIssue",
    "Milestone",
    "Register",
    "closest",
    "is_workbook",
    "parse_date",
    "read_register",
]

#: Each column of the register and the header texts accepted for it (lower case).
COLUMN_NAMES: Mapping[str, tuple[str, ...]] = {
    "project": ("project", "prosjekt"),
    "milestone": ("milestone", "milepæl", "milepel"),
    "due": ("due", "frist"),
    "done": ("done", "ferdig"),
    "responsible": ("responsible", "ansvarlig"),
    "note": ("note", "merknad"),
}
#: The columns a register must have.
REQUIRED_COLUMNS: tuple[str, ...] = ("project", "milestone", "due")

_NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SEPARATORS = re.compile(r"[,;]")


@attrs.frozen
class Milestone:
    """One row of the register.

    Attributes:
        project: the plan element the milestone belongs to (an id).
        name: what is to be done.
        due: the date it is due (``None`` when the cell could not be read).
        done: the date it was done, ``None`` while it is open.
        responsible: the actors responsible (ids), in the order written.
        note: a remark.
        line: the row's line in a CSV file, or its row number in a sheet.
    """

    project: str
    name: str
    due: dt.date | None
    done: dt.date | None
    responsible: tuple[str, ...] = ()
    note: str = ""
    line: int = 0

    def done_by(self, day: dt.date) -> bool:
        """Done on or before ``day``."""
        return self.done is not None and self.done <= day

    def overdue_on(self, day: dt.date) -> bool:
        """Due before ``day`` and not done by then (a milestone is due by the end of its day)."""
        return self.due is not None and self.due < day and not self.done_by(day)


@attrs.frozen
class CellIssue:
    """A cell the reader could not use."""

    line: int
    column: str
    message: str


@attrs.frozen(eq=False)
class Register:
    """A milestone register as read.

    Attributes:
        label: the file as messages name it (with the sheet for workbooks).
        path: the file read.
        where: ``"line"`` for CSV files, ``"row"`` for sheets.
        modified: the file's modification time (UTC): the register's date.
        columns: each column found (by its role) and its 1-based position.
        milestones: the rows read.
        issues: the cells that could not be read.
    """

    label: str
    path: Path
    where: str
    modified: dt.datetime
    columns: Mapping[str, int]
    milestones: tuple[Milestone, ...]
    issues: tuple[CellIssue, ...] = ()

    def location(self, line: int, column: str | None = None) -> Location:
        """Where a row (and one of its columns) stands: ``file:line:column``."""
        return Location(self.label, line, self.columns.get(column) if column else None)

    def at(self, line: int, column: str) -> str:
        """A cell as messages name it: ``file:12, column 'due'``."""
        return f"{self.label}:{line}, column {column!r}"

    def raise_for_issues(self) -> None:
        """Raise a :class:`DataSourceError` naming the first unreadable cell, if any."""
        if not self.issues:
            return
        first = self.issues[0]
        msg = f"{self.at(first.line, first.column)}: {first.message}"
        if len(self.issues) > 1:
            msg += f" ({len(self.issues) - 1} more such cells; `regionplan validate` lists them)"
        raise DataSourceError(msg)


def parse_date(cell: Any) -> dt.date | None:
    """A cell as a date: an Excel date, ``2024-06-30`` or ``30.06.2024``; ``None`` if empty.

    Raises:
        ValueError: the cell holds something that is no date.
    """
    if cell is None:
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = str(cell).strip()
    if not text:
        return None
    if m := _NORWEGIAN_DATE.fullmatch(text):
        day, month, year = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            msg = f"{text!r} is no date ({exc})"
            raise ValueError(msg) from None
    try:
        return dt.date.fromisoformat(text[:10] if "T" in text else text)
    except ValueError:
        msg = f"{text!r} is no date (write 2024-06-30 or 30.06.2024)"
        raise ValueError(msg) from None


def _text(cell: Any) -> str:
    """A cell as text (spreadsheet whole numbers without ``.0``)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _find_columns(table: Table) -> dict[str, int]:
    """Each role's column index (0-based) in the header.

    Raises:
        DataSourceError: a required column is missing (with a did-you-mean).
    """
    header = [h.strip().lower() for h in table.header]
    found: dict[str, int] = {}
    for role, names in COLUMN_NAMES.items():
        for i, h in enumerate(header):
            if h in names:
                found[role] = i
                break
    missing = [r for r in REQUIRED_COLUMNS if r not in found]
    if missing:
        role = missing[0]
        msg = f"{table.label}: no column {role!r} in the header"
        unused = [table.header[i] for i in range(len(header)) if i not in found.values()]
        accepted = [n for names in COLUMN_NAMES.values() for n in names]
        close = [h for h in unused if difflib.get_close_matches(h.strip().lower(), accepted, n=1, cutoff=0.7)]
        if close:
            msg += f" (is {close[0]!r} meant to be one of {', '.join(COLUMN_NAMES[role])}?)"
        else:
            msg += f"; the header is {', '.join(repr(h) for h in table.header)}"
        if len(table.header) == 1 and ";" in table.header[0]:
            msg += ' (is the file separated by ";"? add delimiter: ";")'
        msg += f"; a register needs the columns {', '.join(REQUIRED_COLUMNS)}"
        raise DataSourceError(msg)
    return found


def _register_from_table(table: Table) -> Register:
    columns = _find_columns(table)
    milestones: list[Milestone] = []
    issues: list[CellIssue] = []

    def cell(i: int, role: str) -> Any:
        col = columns.get(role)
        return None if col is None else table.cell(i, col)

    for i, line in enumerate(table.lines):
        texts = {role: _text(cell(i, role)) for role in ("project", "milestone")}
        for role, text in texts.items():
            if not text:
                issues.append(CellIssue(line, role, f"the {role} is empty"))
        dates: dict[str, dt.date | None] = {}
        for role in ("due", "done"):
            try:
                dates[role] = parse_date(cell(i, role))
            except ValueError as exc:
                issues.append(CellIssue(line, role, str(exc)))
                dates[role] = None
            else:
                if role == "due" and dates[role] is None:
                    issues.append(CellIssue(line, role, "the due date is empty"))
        actors = tuple(a.strip() for a in _SEPARATORS.split(_text(cell(i, "responsible"))) if a.strip())
        milestones.append(
            Milestone(
                project=texts["project"],
                name=texts["milestone"],
                due=dates["due"],
                done=dates["done"],
                responsible=actors,
                note=_text(cell(i, "note")),
                line=line,
            )
        )
    return Register(
        label=table.label,
        path=table.path,
        where=table.where,
        modified=table.modified,
        columns={role: col + 1 for role, col in columns.items()},
        milestones=tuple(milestones),
        issues=tuple(issues),
    )


def is_workbook(path: Path) -> bool:
    """Whether a file is read as an Excel workbook (by its suffix)."""
    return path.suffix.lower() in {".xlsx", ".xlsm"}


def read_register(
    path: Path,
    *,
    label: str | None = None,
    sheet: str | int | None = None,
    encoding: str = "utf-8-sig",
    delimiter: str | None = None,
) -> Register:
    """Read a milestone register from a CSV file or an Excel workbook (``.xlsx``).

    Args:
        path: the file.
        label: the file as messages name it (default: the path as given).
        sheet: the sheet of a workbook, by name or number (1 for the first; default the first).
        encoding: a CSV file's encoding.
        delimiter: a CSV file's separator; by default ``","``, or ``";"`` when the
            header holds semicolons and no commas (as spreadsheets export in Norway).

    Raises:
        DataSourceError: the file is missing or unreadable, or lacks a required column.
    """
    shown = label if label is not None else str(path)
    if is_workbook(path):
        table = read_excel(path, sheet=sheet, header_row=1, label=shown)
    else:
        table = read_csv(path, encoding=encoding, delimiter=delimiter or ",", label=shown)
        if delimiter is None and len(table.header) == 1 and ";" in table.header[0]:
            table = read_csv(path, encoding=encoding, delimiter=";", label=shown)
    return _register_from_table(table)


def closest(name: str, options: Sequence[str]) -> str | None:
    """The option a misspelled name most likely meant, if any is close."""
    lower = {o.lower(): o for o in options}
    if name.lower() in lower:
        return lower[name.lower()]
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return close[0] if close else None
