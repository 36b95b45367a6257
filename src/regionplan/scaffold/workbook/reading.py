"""Reading an edited plan workbook: its cells checked one by one, compared with the plan.

A workbook comes from elsewhere, so it is opened with care: its size on disk and unpacked
is limited as for data files (a small ``.xlsx`` can unpack to gigabytes), its sheets may
declare at most :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns, and a formula is
never taken for a value. Every problem names its sheet, row and column (``targets!E7``).
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from regionplan.errors import RegionplanError
from regionplan.plan.model import Plan, Role
from regionplan.plan.periods import parse_period
from regionplan.plan.safefiles import RefusedFile, data_file_limit, open_regular
from regionplan.scaffold.workbook.layout import (
    ABOUT,
    ELEMENTS,
    LANGS,
    RESPONSIBILITIES,
    SHEETS,
    TARGETS,
    SheetSpec,
    exported_from,
)

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "Cell", "Changes", "Edit", "Grant", "WorkbookError", "read_changes"]

#: The most rows and columns a sheet of a plan workbook may declare.
MAX_ROWS = 20_000
MAX_COLUMNS = 64


class WorkbookError(RegionplanError):
    """The workbook cannot be read at all, or its cells have problems: nothing is written."""

    def __init__(self, message: str, problems: tuple[Cell, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@attrs.frozen
class Cell:
    """A place in the workbook and what is said about it: ``targets!E7: value 'abc' is not a number``."""

    sheet: str
    row: int
    column: str
    message: str

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.column}{self.row}"

    def __str__(self) -> str:
        return f"{self.ref}: {self.message}"


@attrs.frozen
class Edit:
    """A changed field: ``section`` (``elements``/``targets``), the item's id, the field
    (``title`` with ``lang``, ``value``, ...), the old and new value (``None``: removed)."""

    section: str
    id: str
    field: str
    old: Any
    new: Any
    cell: str
    lang: str = ""

    def describe(self) -> str:
        name = f"{self.field}.{self.lang}" if self.lang else self.field
        return f"{self.cell}: {self.section[:-1]} {self.id}: {name}: {_shown(self.old)} -> {_shown(self.new)}"


def _shown(value: Any) -> str:
    """A value as the plan file writes it: ``2``, not ``2.0``; an empty cell as ``(none)``, not ``None``."""
    if value is None:
        return "(none)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


@attrs.frozen
class Grant:
    """A responsibility added, removed or changed in role (``old_role``: the role it had)."""

    element: str
    actor: str
    role: str
    change: str  # "add", "remove" or "role"
    cell: str
    old_role: str = ""

    def describe(self) -> str:
        where = f"{self.cell}: " if self.cell else ""
        if self.change == "role":
            return f"{where}element {self.element}: {self.actor} {self.old_role} -> {self.role}"
        sign = "+" if self.change == "add" else "-"
        return f"{where}element {self.element}: {sign} {self.actor} ({self.role})"


@attrs.frozen
class Changes:
    """What a workbook changes in a plan, and the notes on columns it does not read."""

    edits: tuple[Edit, ...]
    grants: tuple[Grant, ...]
    notes: tuple[Cell, ...]

    def __bool__(self) -> bool:
        return bool(self.edits or self.grants)


def _open(path: Path, handle: Any) -> Any:
    """The workbook in ``handle``, opened after its unpacked size is checked."""
    import openpyxl

    limit = data_file_limit()
    try:
        with zipfile.ZipFile(handle) as archive:
            unpacked = sum(max(info.file_size, 0) for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WorkbookError(f"{path}: not an Excel workbook (.xlsx): not a zip archive") from None
    if unpacked > limit.bytes:
        msg = (
            f"{path}: unpacks to {unpacked / 1e6:,.1f} MB, more than the {limit.bytes / 1e6:g} MB a "
            f"data file may hold (the environment variable {limit.env} sets the limit, in MB)"
        )
        raise WorkbookError(msg)
    handle.seek(0)
    try:
        return openpyxl.load_workbook(handle, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
        raise WorkbookError(f"{path}: not an Excel workbook (.xlsx) that openpyxl can read: {exc}") from None


#: A cell that has a problem already (a formula, an error value): read no further.
_BAD: Any = object()


class _Reader:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.problems: list[Cell] = []
        self.notes: list[Cell] = []

    def problem(self, spec: SheetSpec, row: int, column: str, message: str) -> None:
        self.problems.append(Cell(spec.name, row, spec.letter(column), message))

    def rows(self, book: Any, spec: SheetSpec) -> Iterator[tuple[int, dict[str, Any]]]:
        """The sheet's rows (number, column name -> value), its header checked; blank rows skipped.

        A formula or an error value is reported here, and given as :data:`_BAD`.
        """
        if spec.name not in book.sheetnames:
            have = ", ".join(repr(n) for n in book.sheetnames)
            self.problems.append(
                Cell(spec.name, 1, "A", f"the workbook has no sheet {spec.name!r} (it has {have})")
            )
            return
        sheet = book[spec.name]
        rows, cols = sheet.max_row or 0, sheet.max_column or 0
        if rows > MAX_ROWS or cols > MAX_COLUMNS:
            msg = (
                f"the sheet declares {rows:,} rows and {cols:,} columns, more than a plan workbook "
                f"holds (at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns)"
            )
            self.problems.append(Cell(spec.name, 1, "A", msg))
            return
        width = len(spec.columns)
        for n, record in enumerate(sheet.iter_rows(max_row=MAX_ROWS, max_col=width), start=1):
            cells = dict(zip((c.name for c in spec.columns), record, strict=False))
            if n == 1:
                if not self._header(spec, cells):
                    return
                continue
            if all(_blank(c.value) for c in cells.values()):
                continue
            values = {}
            for name, cell in cells.items():
                values[name] = _BAD
                if cell.data_type == "f":
                    self.problem(spec, n, name, f"{name} is a formula ({cell.value}); type the value itself")
                elif cell.data_type == "e":
                    self.problem(spec, n, name, f"{name} is an error value ({cell.value})")
                else:
                    values[name] = cell.value
            yield n, values

    def _header(self, spec: SheetSpec, cells: dict[str, Any]) -> bool:
        for column in spec.columns:
            cell = cells.get(column.name)
            found = "" if cell is None or cell.value is None else str(cell.value).strip()
            if found != column.name:
                expected = ", ".join(c.name for c in spec.columns)
                self.problem(
                    spec,
                    1,
                    column.name,
                    f"the column is {found!r}, not {column.name!r} (the columns: {expected})",
                )
                return False
        return True


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip()


def read_changes(path: Path, plan: Plan) -> Changes:
    """What the workbook at ``path`` changes in ``plan``.

    Raises:
        WorkbookError: the file is no workbook that may be read, or any cell has a problem
            (all of them in :attr:`WorkbookError.problems`).
    """
    try:
        handle = open_regular(path, data_file_limit())
    except RefusedFile as exc:
        raise WorkbookError(f"{path}: {exc.detail}") from None
    with handle:  # a read-only workbook reads its sheets from the file as they are read
        book = _open(path, handle)
        try:
            _check_plan(path, book, plan)
            r = _Reader(plan)
            edits = [*_elements(r, book), *_targets(r, book)]
            grants = _grants(r, book)
        finally:
            book.close()
    if r.problems:
        order = [s.name for s in SHEETS]
        problems = tuple(
            sorted(r.problems, key=lambda p: (order.index(p.sheet), p.row, len(p.column), p.column))
        )
        msg = f"{len(problems)} problem(s) in {path}; nothing was written\n"
        msg += "\n".join(str(p) for p in problems)
        raise WorkbookError(msg, problems)
    return Changes(tuple(edits), tuple(grants), tuple(r.notes))


def _check_plan(path: Path, book: Any, plan: Plan) -> None:
    """Refuse a workbook exported from another plan: plans from one template share their ids."""
    if ABOUT not in book.sheetnames:
        return
    first = next(book[ABOUT].iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), (None,))
    other = exported_from(first[0] if first else None)
    if other is not None and other != plan.meta.id:
        raise WorkbookError(
            f"{path}: the workbook was exported from the plan {other!r}, not from {plan.meta.id!r}; "
            "nothing was written (export this plan's own workbook with regionplan export)"
        )


def _ids(
    r: _Reader, spec: SheetSpec, rows: list[tuple[int, dict[str, Any]]], known: set[str]
) -> list[tuple[int, str, dict[str, Any]]]:
    out, seen = [], set()
    what = spec.name[:-1]
    for n, cells in rows:
        if cells["id"] is _BAD:
            continue
        key = _text(cells["id"])
        if not key:
            r.problem(spec, n, "id", f"the row has no id: rows are found by the id of the {what}")
        elif key not in known:
            r.problem(spec, n, "id", f"no {what} {key!r} in the plan (add new {spec.name} in the plan files)")
        elif key in seen:
            r.problem(spec, n, "id", f"the {what} {key!r} has a second row")
        else:
            seen.add(key)
            out.append((n, key, cells))
    return out


def _note_shown(r: _Reader, spec: SheetSpec, n: int, cells: dict[str, Any], shown: dict[str, str]) -> None:
    """A note for each shown-only cell that differs from the plan: the change is not read."""
    for name, was in shown.items():
        if name in cells and cells[name] is not _BAD and _text(cells[name]) != was:
            r.notes.append(
                Cell(
                    spec.name,
                    n,
                    spec.letter(name),
                    f"{name} is not read from the workbook; change it in the plan files",
                )
            )


def _titles(
    r: _Reader, spec: SheetSpec, n: int, section: str, key: str, cells: dict[str, Any], label: Any
) -> list[Edit]:
    edits = []
    for lang in LANGS:
        column = f"title_{lang}"
        if cells[column] is _BAD:
            continue
        new, old = _text(cells[column]), label.get(lang, fallback=False)
        if new == old:
            continue
        if not new:
            r.problem(
                spec,
                n,
                column,
                f"{column} is empty: a title cannot be removed here (change it in the plan files)",
            )
            continue
        edits.append(Edit(section, key, "title", old, new, f"{spec.name}!{spec.letter(column)}{n}", lang))
    return edits


def _elements(r: _Reader, book: Any) -> list[Edit]:
    spec, plan = ELEMENTS, r.plan
    rows = _ids(r, spec, list(r.rows(book, spec)), {e.id for e in plan.elements})
    edits = []
    for n, key, cells in rows:
        e = plan.element(key)
        shown = {"kind": e.kind.value, "number": e.number, "contributes_to": ", ".join(e.parents)}
        _note_shown(r, spec, n, cells, shown)
        edits += _titles(r, spec, n, "elements", key, cells, e.title)
    return edits


def _targets(r: _Reader, book: Any) -> list[Edit]:
    spec, plan = TARGETS, r.plan
    targets = {t.id: t for t in plan.targets}
    rows = _ids(r, spec, list(r.rows(book, spec)), set(targets))
    edits = []
    for n, key, cells in rows:
        t = targets[key]
        _note_shown(r, spec, n, cells, {"element": t.element, "metric": t.metric, "kind": t.kind.value})
        for name, old, default in (("value", t.value, None), ("tolerance", t.tolerance, 0.0)):
            new = _number_cell(r, spec, n, name, cells[name])
            if new is _BAD:
                continue
            if (new if new is not None else default) != old:
                edits.append(Edit("targets", key, name, old, new, f"{spec.name}!{spec.letter(name)}{n}"))
        for name, old_period in (("baseline", t.baseline), ("deadline", t.deadline)):
            new_period = _period_cell(r, spec, n, name, cells[name])
            if new_period is _BAD or _same_period(new_period, old_period):
                continue
            edits.append(
                Edit("targets", key, name, old_period, new_period, f"{spec.name}!{spec.letter(name)}{n}")
            )
        edits += _titles(r, spec, n, "targets", key, cells, t.title)
    return edits


#: A number written as text with groups of three digits after a point or comma ("1.000",
#: "12,500"): a thousands separator in one language and a decimal sign in another.
_GROUPED = re.compile(r"-?[1-9]\d{0,2}([.,]\d{3})+")


def _ambiguous(name: str, value: str, text: str) -> str:
    """Why a number written as text is refused, and how to write it so it is read one way only."""
    if len(re.findall(r"[.,]", text)) > 1:
        return (
            f"{name} {value!r} has more than one point or comma: separate thousands with spaces "
            "only and write one decimal sign (1 000 000 or 1 000,5), or type the number as a number"
        )
    digits = re.sub(r"[.,]", "", text)
    small = repr(float(text.replace(",", "."))).replace(".", ",")  # 1,0 or 12,5: what it means as decimals
    grouped = f"{digits[:-3]} {digits[-3:]}"
    return (
        f"{name} {value!r} could be read two ways, as {digits} or as {small}: write {digits} or "
        f"{grouped} for the one, {small} for the other, or type the number as a number"
    )


def _number_cell(r: _Reader, spec: SheetSpec, n: int, name: str, value: Any) -> Any:
    if value is _BAD:
        return _BAD
    if _blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        r.problem(spec, n, name, f"{name} {value!r} is not a number")
        return _BAD
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
        if _GROUPED.fullmatch(text) or ("," in text and "." in text):
            r.problem(spec, n, name, _ambiguous(name, value, text))
            return _BAD
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            r.problem(spec, n, name, f"{name} {value!r} is not a number")
            return _BAD
    if not math.isfinite(value):
        r.problem(spec, n, name, f"{name} {value!r} is not a finite number")
        return _BAD
    return int(value) if float(value).is_integer() else float(value)


def _period_cell(r: _Reader, spec: SheetSpec, n: int, name: str, value: Any) -> Any:
    if value is _BAD:
        return _BAD
    if _blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        msg = f"{name} {value!r} is not a period: write it as text, such as 2030 or 2030K4"
        r.problem(spec, n, name, msg)
        return _BAD
    text = _text(value)
    try:
        parse_period(text)
    except ValueError as exc:
        r.problem(spec, n, name, f"{name} {text!r}: {exc}")
        return _BAD
    return text


def _same_period(new: str | None, old: str | None) -> bool:
    if new is None or old is None:
        return new == old
    return new == old or parse_period(new) == parse_period(old)


def _grants(r: _Reader, book: Any) -> list[Grant]:
    spec, plan = RESPONSIBILITIES, r.plan
    actors = {a.id for a in plan.actors}
    elements = {e.id for e in plan.elements}
    roles = {role.value for role in Role}
    wanted: dict[tuple[str, str], tuple[str, str]] = {}
    for n, cells in r.rows(book, spec):
        if any(v is _BAD for v in cells.values()):
            continue
        actor, element = _text(cells["actor"]), _text(cells["element"])
        role = _text(cells["role"]).lower() or Role.OWNER.value
        ok = True
        if actor not in actors:
            r.problem(spec, n, "actor", f"no actor {actor!r} in the plan (the actors sheet lists them)")
            ok = False
        if element not in elements:
            r.problem(spec, n, "element", f"no element {element!r} in the plan")
            ok = False
        if role not in roles:
            r.problem(spec, n, "role", f"role {role!r} is neither {' nor '.join(sorted(roles))}")
            ok = False
        if ok and (element, actor) in wanted:
            r.problem(spec, n, "actor", f"{actor} is responsible for {element} in another row too")
        elif ok:
            wanted[element, actor] = (role, f"{spec.name}!A{n}")
    have = {(e.id, x.actor): x.role.value for e in plan.elements for x in e.responsible}
    grants = []
    for (element, actor), role in have.items():
        if (element, actor) not in wanted:
            grants.append(Grant(element, actor, role, "remove", ""))
        elif wanted[element, actor][0] != role:
            new, cell = wanted[element, actor]
            grants.append(Grant(element, actor, new, "role", cell, old_role=role))
    for (element, actor), (role, cell) in wanted.items():
        if (element, actor) not in have:
            grants.append(Grant(element, actor, role, "add", cell))
    return grants
