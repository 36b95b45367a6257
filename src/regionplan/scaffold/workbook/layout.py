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
    "workbook_language",
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

#: The ``about`` sheet, in the workbook's language; the sheet and column names are the same in
#: both, since import reads them.
_ABOUT_TEXT: dict[str, tuple[str, ...]] = {
    "nb": (
        "Denne arbeidsboken inneholder handlingsprogrammet til planen {plan}.",
        "Rediger den, og før endringene tilbake med: regionplan import PLAN FIL.xlsx "
        "(--dry-run viser dem først).",
        "Leses tilbake: elements: title_nb, title_en; targets: value, baseline, deadline, tolerance, "
        "title_nb, title_en; responsibilities: alle rader (legg til rader, slett rader, endre en rolle).",
        "Bare vist: id-er, typer, numre, koblinger, delene og indikatorene til måltallene, og arket "
        "actors. Endre dem i planfilene.",
        "Radene finnes etter id: ikke endre id-er, og legg til nye deler og måltall i planfilene.",
        "Skriv verdier, ikke formler. Perioder som 2030, 2030K4 (eller 2030Q4), 2030-05; roller: owner "
        "(eier) eller contributor (bidragsyter).",
        "Tall som tall, eller som tekst med desimalkomma (1,5) og mellomrom mellom tusener (1 000); "
        "1.000 avvises, for det kan leses på to måter.",
    ),
    "en": (
        "This workbook holds the action programme of the plan {plan}.",
        "Edit it and bring the edits back with: regionplan import PLAN FILE.xlsx (--dry-run shows them first).",
        "Read back: elements: title_nb, title_en; targets: value, baseline, deadline, tolerance, "
        "title_nb, title_en; responsibilities: every row (add rows, delete rows, change a role).",
        "Only shown: ids, kinds, numbers, links, elements and metrics of targets, and the actors sheet. "
        "Change those in the plan files.",
        "Rows are found by their id: do not change ids, and add new elements and targets in the plan files.",
        "Write values, not formulas. Periods as 2030, 2030K4 (or 2030Q4), 2030-05; roles: owner or contributor.",
        "Numbers as numbers, or as text with a decimal comma (1,5) and spaces between thousands (1 000); "
        "1.000 is refused, as it reads two ways.",
    ),
}

_ABOUT_PLAN = tuple(
    re.compile(re.escape(lines[0]).replace(re.escape("{plan}"), "(?P<plan>.+)"))
    for lines in _ABOUT_TEXT.values()
)


def exported_from(first_line: Any) -> str | None:
    """The id of the plan a workbook was exported from, read from its ``about`` sheet's first line
    (in either language)."""
    if not isinstance(first_line, str):
        return None
    found = next((m for pattern in _ABOUT_PLAN if (m := pattern.fullmatch(first_line.strip()))), None)
    return found["plan"] if found else None


def workbook_language(plan: Plan, lang: str | None = None) -> str:
    """The language of the ``about`` sheet: ``lang``, else the plan's first language we have words
    for, else nb."""
    if lang is not None:
        if lang not in _ABOUT_TEXT:
            raise RegionplanError(f"no words for the language {lang!r}: choose {' or '.join(_ABOUT_TEXT)}")
        return lang
    return next((x for x in plan.meta.languages if x in _ABOUT_TEXT), "nb")


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


def export_workbook(plan: Plan, lang: str | None = None) -> bytes:
    """The plan's elements, targets, responsibilities (and actors, for reference) as an xlsx file.

    ``lang`` (nb or en) is the language of the ``about`` sheet that says how to edit it;
    by default the plan's first language.

    Raises:
        RegionplanError: openpyxl is not installed, or ``lang`` is neither nb nor en.
    """
    about_lang = workbook_language(plan, lang)
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
    for n, line in enumerate(_ABOUT_TEXT[about_lang], start=1):
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
