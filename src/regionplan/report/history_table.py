"""A status history as a table, one column per date: text for the terminal, Markdown, CSV, JSON.

Each goal and target gets its status per date; a target also its latest value with the
period (as the reader's statistics office writes it) and the members with data; a goal
the share of its children's weight that has a status. Why a status could not be given is
a numbered note under the table, each sentence once.
"""

from __future__ import annotations

import csv
import io
import json
import math

from regionplan.evaluation.explain import format_number
from regionplan.evaluation.history import History, HistoryCell, HistoryRow
from regionplan.plan.model import Label
from regionplan.plan.units import localized_unit
from regionplan.report.basis import period_text
from regionplan.report.renderers.markdown import md_escape

__all__ = ["CSV_DIALECTS", "FORMATS", "render_history"]

FORMATS = ("text", "markdown", "csv", "json")
#: ``plain``: comma-separated, decimal point (for programs); ``excel-nb``: what Excel in a
#: Norwegian locale opens as columns: semicolons, decimal comma, and a byte-order mark so
#: that æ, ø and å are read as UTF-8.
CSV_DIALECTS = ("plain", "excel-nb")

_WORDS: dict[str, dict[str, str]] = {
    "nb": {
        "title": "Statushistorikk",
        "rule": (
            "Hver kolonne er en vurdering på datoen med bare de tallene som var publisert da "
            "(periodens slutt pluss indikatorens publiseringsetterslep)."
        ),
        "row": "Mål og måltall",
        "status": "status",
        "latest": "siste verdi",
        "period": "siste periode",
        "coverage": "dekning",
        "members": "kommuner med data",
        "notes": "Merknader",
        "target": "Måltall",
        "csv": (
            "id,type,tittel,dato,status,statustekst,grunn,merknad,siste_periode,siste_verdi,"
            "enhet,publisert,dekning,kommuner_med_data,kommuner,neste_ventet,nyere_tall_mangler"
        ),
    },
    "en": {
        "title": "Status history",
        "rule": (
            "Each column is an evaluation on its date with only the figures published by then "
            "(the period's end plus the metric's publication lag)."
        ),
        "row": "Goals and targets",
        "status": "status",
        "latest": "latest value",
        "period": "latest period",
        "coverage": "coverage",
        "members": "members with data",
        "notes": "Notes",
        "target": "Target",
        "csv": (
            "id,kind,title,as_of,status,status_text,reason,note,latest_period,latest_value,"
            "unit,published,coverage,members_with_data,members,next_expected,newer_figures_missing"
        ),
    },
}

_KINDS = {
    "vision": Label({"nb": "Visjon", "en": "Vision"}),
    "main_goal": Label({"nb": "Hovedmål", "en": "Main goal"}),
    "sub_goal": Label({"nb": "Delmål", "en": "Sub-goal"}),
}


def _w(key: str, lang: str) -> str:
    return _WORDS.get(lang, _WORDS["en"])[key]


def render_history(h: History, fmt: str = "text", lang: str = "nb", csv_dialect: str = "plain") -> str:
    """The history in ``fmt`` (one of :data:`FORMATS`) with words in ``lang`` (nb or en);
    a CSV in ``csv_dialect`` (one of :data:`CSV_DIALECTS`)."""
    if csv_dialect not in CSV_DIALECTS:
        raise ValueError(f"unknown CSV dialect {csv_dialect!r}: choose one of {', '.join(CSV_DIALECTS)}")
    if fmt == "json":
        return json.dumps(h.to_dict(lang), indent=2, ensure_ascii=False)
    if fmt == "csv":
        return _csv(h, lang, excel_nb=csv_dialect == "excel-nb")
    if fmt == "markdown":
        return _markdown(h, lang)
    return _text(h, lang)


# -- the words of one cell ----------------------------------------------------------------


def _status(cell: HistoryCell, lang: str) -> str:
    return f"{cell.status.symbol} {cell.status.label.get(lang)}"


def _latest(row: HistoryRow, cell: HistoryCell, lang: str) -> str:
    if cell.latest_value is None or not math.isfinite(cell.latest_value) or cell.latest_period is None:
        return "–"
    unit = localized_unit(row.unit, lang)
    value = format_number(cell.latest_value, lang, row.decimals)
    return f"{value} {unit} ({period_text(cell.latest_period, lang)})".replace("  ", " ")


def _coverage(row: HistoryRow, cell: HistoryCell, lang: str) -> str:
    if row.kind == "target":
        return f"{cell.members[0]}/{cell.members[1]}" if cell.members else "–"
    if cell.coverage is None:
        return "–"
    return f"{format_number(cell.coverage * 100, lang, 0)} %"


def _row_title(row: HistoryRow, lang: str) -> str:
    kind = _KINDS.get(row.element_kind)
    lead = kind.get(lang) if kind else (_w("target", lang) if row.kind == "target" else "")
    title = " ".join(row.title.get(lang).split())
    return f"{lead}: {title}" if lead else title


def _lines(row: HistoryRow, lang: str) -> list[tuple[str, str]]:
    """The lines shown for a row in the terminal: (label, which part of the cell)."""
    if row.kind != "target":
        return [(_w("status", lang), "status"), (_w("coverage", lang), "coverage")]
    unit = localized_unit(row.unit, lang)
    return [
        (_w("status", lang), "status"),
        (_w("period", lang), "period"),
        (f"{_w('latest', lang)} ({unit})" if unit else _w("latest", lang), "value"),
        (_w("members", lang), "coverage"),
    ]


class _Notes:
    """Numbered notes, each sentence once."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def mark(self, note: Label, lang: str) -> str:
        text = " ".join(note.get(lang).split())
        if not text:
            return ""
        if text not in self.texts:
            self.texts.append(text)
        return f" [{self.texts.index(text) + 1}]"


def _cell_text(row: HistoryRow, cell: HistoryCell, which: str, lang: str, notes: _Notes) -> str:
    if which == "status":
        return _status(cell, lang) + notes.mark(cell.note, lang)
    if which == "latest":  # the data-age note goes with the latest figures it is about
        return _latest(row, cell, lang) + notes.mark(cell.stale_note, lang)
    if which == "period":
        shown = period_text(cell.latest_period, lang) if cell.latest_period else "–"
        return shown + notes.mark(cell.stale_note, lang)
    if which == "value":
        value = cell.latest_value
        return "–" if value is None or not math.isfinite(value) else format_number(value, lang, row.decimals)
    return _coverage(row, cell, lang)


# -- the formats --------------------------------------------------------------------------


def _heading(h: History, lang: str) -> str:
    title = " ".join(h.plan.meta.title.get(lang).split())
    return f"{_w('title', lang)}: {title} ({h.plan.region.name.get(lang)})"


def _text(h: History, lang: str) -> str:
    notes = _Notes()
    body: list[tuple[str, list[str]]] = []
    for row in h.rows:
        body.append((_row_title(row, lang), []))
        for label, which in _lines(row, lang):
            body.append((f"  {label}", [_cell_text(row, c, which, lang, notes) for c in row.cells]))
    dates = [d.isoformat() for d in h.dates]
    label_width = max(len(label) for label, cells in body if cells)
    widths = [max([len(dates[i])] + [len(cells[i]) for _, cells in body if cells]) for i in range(len(dates))]
    lines = [_heading(h, lang), _w("rule", lang), ""]
    header = "  ".join(d.ljust(w) for d, w in zip(dates, widths, strict=True))
    lines.append((" " * label_width + "  " + header).rstrip())
    for label, cells in body:
        if not cells:
            lines.append(label)
            continue
        parts = "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
        lines.append(f"{label.ljust(label_width)}  {parts}".rstrip())
    if notes.texts:
        lines += ["", f"{_w('notes', lang)}:"]
        lines += [f"[{i}] {text}" for i, text in enumerate(notes.texts, 1)]
    return "\n".join(lines)


def _markdown(h: History, lang: str) -> str:
    notes = _Notes()
    lines = [f"# {md_escape(_heading(h, lang))}", "", md_escape(_w("rule", lang)), ""]
    lines.append("| " + " | ".join([_w("row", lang), *(d.isoformat() for d in h.dates)]) + " |")
    lines.append("|" + "---|" * (len(h.dates) + 1))
    for row in h.rows:
        cells = []
        for cell in row.cells:
            shown = ("status", "latest", "coverage") if row.kind == "target" else ("status", "coverage")
            parts = [_cell_text(row, cell, which, lang, notes) for which in shown]
            cells.append("<br>".join(md_escape(p) for p in parts))
        lines.append("| " + " | ".join([md_escape(_row_title(row, lang)), *cells]) + " |")
    if notes.texts:
        lines += ["", f"**{_w('notes', lang)}**", ""]
        lines += [f"{i}. {md_escape(text)}" for i, text in enumerate(notes.texts, 1)]
    return "\n".join(lines) + "\n"


def _safe(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(h: History, lang: str, *, excel_nb: bool = False) -> str:
    def number(value: float | None) -> str:
        if value is None:
            return ""
        text = f"{value:.12g}"
        return text.replace(".", ",") if excel_nb else text

    buf = io.StringIO()
    if excel_nb:
        buf.write("\ufeff")
    writer = csv.writer(buf, delimiter=";" if excel_nb else ",", lineterminator="\n")
    writer.writerow(_w("csv", lang).split(","))
    for row in h.rows:
        title = _safe(" ".join(row.title.get(lang).split()))
        for c in row.cells:
            writer.writerow(
                [
                    row.id,
                    row.kind,
                    title,
                    c.as_of.isoformat(),
                    c.status.value,
                    c.status.label.get(lang),
                    c.reason,
                    _safe(" ".join(c.note.get(lang).split())),
                    c.latest_period or "",
                    number(c.latest_value),
                    row.unit,
                    c.latest_published.isoformat() if c.latest_published else "",
                    number(c.coverage),
                    c.members[0] if c.members else "",
                    c.members[1] if c.members else "",
                    c.next_expected.isoformat() if c.next_expected else "",
                    _safe(" ".join(c.stale_note.get(lang).split())),
                ]
            )
    return buf.getvalue()
