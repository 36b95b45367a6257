"""The plan workbook's sheets and columns, and writing a plan into one (``regionplan export``).

Each sheet is a table with its column names in the first row. A column is *read* back by
``regionplan import`` (the titles, a target's value, baseline, deadline and tolerance, and
every column of the responsibilities) or only *shown* (ids, kinds, links: change those in the
plan files). The key column (``id``) says which element or target a row is.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import attrs

from regionplan.errors import RegionplanError
from regionplan.plan.model import Plan, Target

__all__ = [
    "ABOUT",
    "ACTORS",
    "ELEMENTS",
    "LANGS",
    "RESPONSIBILITIES",
    "SHEETS",
    "TARGETS",
    "Column",
    "SheetSpec",
    "export_workbook",
    "period_text",
]

#: The languages of the title columns (``title_nb``, ``title_en``).
LANGS = ("nb", "en")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@attrs.frozen
class Column:
    """A column: its name, whether import reads it, and what its cells hold.

    ``kind``: ``text``, ``number`` or ``period`` (``2030``, ``2030K4``).
    """

    name: str
    read: bool = False
    kind: str = "text"
    width: int = 14


@attrs.frozen
class SheetSpec:
    name: str
    columns: tuple[Column, ...]

    def letter(self, name: str) -> str:
        from openpyxl.utils import get_column_letter

        return str(get_column_letter(self.index(name) + 1))

    def index(self, name: str) -> int:
        return [c.name for c in self.columns].index(name)


ELEMENTS = SheetSpec(
    "elements",
    (
        Column("id", width=34),
        Column("kind", width=16),
        Column("number", width=8),
        *(Column(f"title_{lang}", read=True, width=60) for lang in LANGS),
        Column("contributes_to", width=34),
    ),
)
TARGETS = SheetSpec(
    "targets",
    (
        Column("id", width=38),
        Column("element", width=30),
        Column("metric", width=24),
        Column("kind", width=14),
        Column("value", read=True, kind="number", width=10),
        Column("baseline", read=True, kind="period", width=10),
        Column("deadline", read=True, kind="period", width=10),
        Column("tolerance", read=True, kind="number", width=10),
        *(Column(f"title_{lang}", read=True, width=60) for lang in LANGS),
    ),
)
RESPONSIBILITIES = SheetSpec(
    "responsibilities",
    (Column("actor", read=True, width=26), Column("element", read=True, width=34), Column("role", read=True)),
)
ACTORS = SheetSpec("actors", (Column("id", width=26), *(Column(f"name_{lang}", width=40) for lang in LANGS)))
ABOUT = "about"
#: The sheets import reads, in order.
SHEETS = (ELEMENTS, TARGETS, RESPONSIBILITIES)

_ABOUT_TEXT = (
    "This workbook holds the action programme of the plan {plan}.",
    "Edit it and bring the edits back with: regionplan import PLAN FILE.xlsx (--dry-run shows them first).",
    "Read back: elements: title_nb, title_en; targets: value, baseline, deadline, tolerance, "
    "title_nb, title_en; responsibilities: every row (add rows, delete rows, change a role).",
    "Only shown: ids, kinds, numbers, links, elements and metrics of targets, and the actors sheet. "
    "Change those in the plan files.",
    "Rows are found by their id: do not change ids, and add new elements and targets in the plan files.",
    "Write values, not formulas. Periods as 2030, 2030K4 (or 2030Q4), 2030-05; roles: owner or contributor.",
)


_ABOUT_PLAN = re.compile(re.escape(_ABOUT_TEXT[0]).replace(re.escape("{plan}"), "(?P<plan>.+)"))


def exported_from(first_line: Any) -> str | None:
    """The id of the plan a workbook was exported from, read from its ``about`` sheet's first line."""
    found = _ABOUT_PLAN.fullmatch(first_line.strip()) if isinstance(first_line, str) else None
    return found["plan"] if found else None


def period_text(period: str | None) -> str:
    return period or ""


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _target_cells(t: Target) -> list[Any]:
    return [
        t.id,
        t.element,
        t.metric,
        t.kind.value,
        _number(t.value),
        period_text(t.baseline),
        period_text(t.deadline),
        _number(t.tolerance),
        *(t.title.get(lang, fallback=False) for lang in LANGS),
    ]


def export_workbook(plan: Plan) -> bytes:
    """The plan's elements, targets, responsibilities (and actors, for reference) as an xlsx file.

    Raises:
        RegionplanError: openpyxl is not installed.
    """
    try:
        import openpyxl
    except ImportError:
        msg = 'writing Excel workbooks needs openpyxl; install it with: pip install "regionplan[excel]"'
        raise RegionplanError(msg) from None
    book = openpyxl.Workbook()
    rows: dict[str, list[list[Any]]] = {
        ELEMENTS.name: [
            [
                e.id,
                e.kind.value,
                e.number,
                *(e.title.get(lang, fallback=False) for lang in LANGS),
                ", ".join(e.parents),
            ]
            for e in plan.elements
        ],
        TARGETS.name: [_target_cells(t) for t in plan.targets],
        RESPONSIBILITIES.name: [[r.actor, e.id, r.role.value] for e in plan.elements for r in e.responsible],
        ACTORS.name: [[a.id, *(a.name.get(lang, fallback=False) for lang in LANGS)] for a in plan.actors],
    }
    first = True
    for spec in (*SHEETS, ACTORS):
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = spec.name
        _fill(sheet, spec, rows[spec.name])
    about = book.create_sheet(ABOUT)
    for n, line in enumerate(_ABOUT_TEXT, start=1):
        _put(about.cell(row=n, column=1), line.format(plan=plan.meta.id))
    about.column_dimensions["A"].width = 110
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet: Any, spec: SheetSpec, rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for col, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=col)
        _put(cell, column.name)
        cell.font = Font(bold=True, italic=not column.read)
        sheet.column_dimensions[get_column_letter(col)].width = column.width
    for r, values in enumerate(rows, start=2):
        for col, (column, value) in enumerate(zip(spec.columns, values, strict=True), start=1):
            cell = sheet.cell(row=r, column=col)
            if column.kind == "number" and value is not None:
                cell.value = value
            elif value not in (None, ""):
                _put(cell, str(value))
    sheet.freeze_panes = "A2"


def _put(cell: Any, text: str) -> None:
    """Text as text: never a formula, whatever it starts with; periods stay ``2030``, not numbers."""
    cell.value = _ILLEGAL.sub("", text)
    cell.data_type = "s"
