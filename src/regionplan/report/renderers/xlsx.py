"""The ``xlsx`` format: the report as an Excel workbook, for readers who go on in a spreadsheet.

One overview sheet (every target with its goal, status and the sentence that explains it),
with ``--since`` a sheet of what changed since the earlier report, one sheet per target (its figures per period, what its verdict rests on, and the region
beside its comparators where the report has them) and a sheet of the sources with their
credit lines. Numbers are written as numbers with a number format showing the decimals the
report shows; periods as the reader's statistics office writes them (``2022K4`` in nb).

Plan text is always written as text: a title starting with ``=`` is never a formula.
Sheet names follow Excel's rules (at most 31 characters, none of ``[]:*?/\\``, unique
whatever the case). Needs openpyxl (``pip install "regionplan[excel]"``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from regionplan.errors import RenderError
from regionplan.report.model import (
    AreaFigure,
    ChartData,
    Report,
    SinceView,
    SourceUse,
    StatusView,
    TargetRow,
)
from regionplan.report.renderers import Renderer, RenderOptions

__all__ = ["XlsxRenderer", "sheet_names"]

#: Words this format needs beyond the report's own (nb, en).
_WORDS: dict[str, tuple[str, str]] = {
    "overview": ("Oversikt", "Overview"),
    "period_col": ("Periode", "Period"),
    "explanation": ("Forklaring", "Explanation"),
    "comparison": ("Sammenligning", "Comparison"),
    "change_col": ("Endring siste år", "Change over a year"),
    "fact": ("Opplysning", "Item"),
    "delivered": ("Levert", "Delivered"),
    "no_history": ("Ingen observasjoner", "No observations"),
    "goal_of": ("Del av planen", "Part of the plan"),
    "change_kind": ("Type endring", "Kind of change"),
    "over_the_years": ("Over tid", "Over the years"),
    "what_changed": ("Hva som endret seg", "What changed"),
}

#: The characters Excel does not allow in a sheet name, and its longest name.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31
#: Characters a worksheet cell cannot hold (XML 1.0 control characters).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CELL_MAX = 32767
_WIDTH_MAX = 80
_HEADER = {"bold": True}


def _w(key: str, lang: str) -> str:
    nb, en = _WORDS[key]
    return nb if lang == "nb" else en


def sheet_names(wanted: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Excel sheet names for ``wanted``: forbidden characters replaced, cut to 31, unique.

    Excel compares sheet names without regard to case, and refuses a name that starts or ends
    with an apostrophe, and the name ``History``.
    """
    used = {t.casefold() for t in taken}
    out = []
    for name in wanted:
        base = _SHEET_FORBIDDEN.sub("_", _ILLEGAL.sub("", name)).strip("'").strip() or "_"
        if base.casefold() == "history":
            base = f"{base}_"
        candidate, n = base[:_SHEET_MAX], 1
        while candidate.casefold() in used:
            n += 1
            suffix = f"~{n}"
            candidate = base[: _SHEET_MAX - len(suffix)].rstrip("'") + suffix
        used.add(candidate.casefold())
        out.append(candidate)
    return out


def _decimals(text: str, lang: str) -> int:
    """How many decimals ``text`` (a number as the report writes it) shows."""
    mark = "," if lang == "nb" else "."
    m = re.search(rf"\{mark}(\d+)", text)
    return len(m.group(1)) if m else 0


def _number_format(text: str, lang: str) -> str:
    decimals = _decimals(text, lang)
    return "#,##0" + ("." + "0" * decimals if decimals else "")


class _Sheet:
    """A worksheet being filled: text always as text, numbers with their format, widths tracked."""

    def __init__(self, sheet: Any, lang: str) -> None:
        self.sheet = sheet
        self.lang = lang
        self.widths: dict[int, int] = {}

    def text(self, row: int, col: int, value: str, *, bold: bool = False) -> None:
        value = _ILLEGAL.sub("", value)[:_CELL_MAX]
        cell = self.sheet.cell(row=row, column=col)
        cell.value = value
        cell.data_type = "s"  # never a formula, whatever it starts with
        if bold:
            from openpyxl.styles import Font

            cell.font = Font(**_HEADER)
        self._fit(col, max((len(line) for line in value.splitlines()), default=0))

    def number(self, row: int, col: int, value: float | None, shown: str) -> None:
        """A number with the report's decimals; the report's "–" (as text) where there is none."""
        if value is None or value != value or value in (float("inf"), float("-inf")):
            self.text(row, col, shown or "–")
            return
        cell = self.sheet.cell(row=row, column=col, value=float(value))
        cell.number_format = _number_format(shown, self.lang)
        self._fit(col, len(shown) + 2)

    def header(self, row: int, col: int, heads: Sequence[str]) -> None:
        for i, head in enumerate(heads):
            self.text(row, col + i, head, bold=True)

    def facts(
        self, col: int, rows: Iterable[tuple[str, str | tuple[float | None, str]]], start: int = 2
    ) -> int:
        """Key-value rows from ``start``; a value is text or (number, its text). The next free row."""
        row = start
        for key, value in rows:
            if not value:
                continue
            self.text(row, col, key)
            if isinstance(value, tuple):
                self.number(row, col + 1, *value)
            else:
                self.text(row, col + 1, value)
            row += 1
        return row

    def _fit(self, col: int, length: int) -> None:
        self.widths[col] = max(self.widths.get(col, 8), min(length + 2, _WIDTH_MAX))

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        for col, width in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(col)].width = width
        self.sheet.freeze_panes = "A2"


def _status(status: StatusView | None, r: Report) -> str:
    return f"{status.symbol} {status.label}" if status else r.t("not_measured")


class XlsxRenderer(Renderer):
    """An Excel workbook: overview, one sheet per target, sources with their credit lines."""

    format: ClassVar[str] = "xlsx"
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    suffix: ClassVar[str] = ".xlsx"
    description: ClassVar[str] = "Excel workbook: overview, one sheet per target, sources"
    binary: ClassVar[bool] = True

    def render(self, report: Report, options: RenderOptions) -> bytes:
        try:
            import openpyxl
        except ImportError:
            msg = 'writing Excel workbooks needs openpyxl; install it with: pip install "regionplan[excel]"'
            raise RenderError(msg) from None
        r = report
        book = openpyxl.Workbook()
        # the since sheet, when the report has the section, goes right after the overview
        lead = [_w("overview", r.lang), *([r.since.heading] if r.since else [])]
        names = sheet_names([*lead, *(t.id for t in r.targets), r.t("sources")])
        overview, sources, targets = names[0], names[-1], names[len(lead) : -1]
        first = book.active
        first.title = overview
        self._overview(_Sheet(first, r.lang), r, dict(zip((t.id for t in r.targets), targets, strict=True)))
        if r.since is not None:
            self._since(_Sheet(book.create_sheet(names[1]), r.lang), r.since, r.lang)
        charts = {c.target: c for c in r.charts}
        for target, name in zip(r.targets, targets, strict=True):
            self._target(_Sheet(book.create_sheet(name), r.lang), r, target, charts.get(target.id))
        self._sources(_Sheet(book.create_sheet(sources), r.lang), r)
        when = dt.datetime.combine(r.as_of, dt.time())
        book.properties.created = book.properties.modified = when
        book.properties.title = _ILLEGAL.sub("", r.title)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    @staticmethod
    def _overview(s: _Sheet, r: Report, sheets: dict[str, str]) -> None:
        from openpyxl.worksheet.hyperlink import Hyperlink

        heads = [
            _w("goal_of", r.lang),
            r.t("target"),
            r.t("status"),
            r.t("latest"),
            _w("period_col", r.lang),
            r.t("goal"),
            r.t("deadline"),
            r.t("unit"),
            _w("explanation", r.lang),
        ]
        s.header(1, 1, heads)
        for row, t in enumerate(r.targets, start=2):
            element = r.element(t.element)
            s.text(row, 1, f"{element.kind_label}: {element.title}")
            s.text(row, 2, t.title)
            quoted = sheets[t.id].replace("'", "''")
            cell = s.sheet.cell(row=row, column=2)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1")
            s.text(row, 3, _status(t.status, r))
            s.number(row, 4, t.latest.value if t.latest else None, t.latest.text if t.latest else "–")
            s.text(row, 5, t.latest.period_text if t.latest else "–")
            s.number(row, 6, t.goal, t.goal_text)
            s.text(row, 7, t.deadline_text or "–")
            s.text(row, 8, t.unit)
            s.text(row, 9, t.explanation)
        row = len(r.targets) + 3
        for line in (r.title, r.area_name, r.rests_on, r.stale_note):
            if line:
                s.text(row, 1, line)
                row += 1
        s.finish()

    @staticmethod
    def _since(s: _Sheet, since: SinceView, lang: str) -> None:
        """What changed since the earlier report: one row per change, under the kind of change."""
        s.header(1, 1, [_w("change_kind", lang), "Id", _w("what_changed", lang)])
        row = 2
        for group in since.groups:
            for item in group.items:
                s.text(row, 1, group.heading)
                s.text(row, 2, item.id)
                s.text(row, 3, item.text)
                row += 1
        if since.none_text:
            s.text(row, 1, since.none_text)
            row += 1
        s.text(row + 1, 1, since.intro)
        s.finish()

    @staticmethod
    def _target(s: _Sheet, r: Report, t: TargetRow, chart: ChartData | None) -> None:
        lang = r.lang
        unit = f" ({t.unit})" if t.unit else ""
        # the figures per period: the region's observations, and the target path where drawn
        s.header(1, 1, [_w("period_col", lang), f"{r.area_name}{unit}", r.t("trajectory")])
        observed = {p.period: p for p in chart.history} if chart else {}
        path = {p.period: p for p in chart.trajectory} if chart else {}
        points = sorted({**path, **observed}.values(), key=lambda p: p.time)
        for row, point in enumerate(points, start=2):
            s.text(row, 1, point.period_text or point.period)
            for col, line in ((2, observed), (3, path)):
                if point.period in line:
                    s.number(row, col, line[point.period].value, line[point.period].text)
        if not observed:
            s.text(len(points) + 2, 1, _w("no_history", lang))
        # what the verdict is and what it rests on
        s.header(1, 5, [_w("fact", lang), t.title])
        facts: list[tuple[str, str | tuple[float | None, str]]] = [
            (r.t("metric"), t.metric_title),
            (r.t("status"), _status(t.status, r)),
            (r.t("reason"), t.explanation),
        ]
        if t.baseline is not None:
            facts += [(r.t("baseline"), (t.baseline.value, t.baseline.text))]
            facts += [(f"{r.t('baseline')}: {_w('period_col', lang).lower()}", t.baseline.period_text)]
        facts += [(r.t("goal"), (t.goal, t.goal_text)), (r.t("deadline"), t.deadline_text or "–")]
        if t.latest is not None:
            facts += [(r.t("latest"), (t.latest.value, t.latest.text))]
            facts += [(f"{r.t('latest')}: {_w('period_col', lang).lower()}", t.latest.period_text)]
        facts += [
            (r.t("unit"), t.unit),
            (r.t("coverage"), t.coverage_text),
            (r.t("progress"), t.progress_text),
        ]
        if t.projection is not None:
            facts += [(r.t("projection"), (t.projection.value, t.projection.text))]
        elif t.projection_note:
            facts += [(r.t("projection"), t.projection_note)]
        if t.age is not None:
            facts += [(r.t("data_age"), t.age.text)]
        if t.origin is not None and t.origin.text:
            facts += [(r.t("data_origin"), t.origin.text)]
        if t.sensitivity is not None:
            facts += [(r.t("sensitivity"), t.sensitivity.verdict_text)]
        if t.missing:
            facts += [(r.t("missing"), "; ".join(t.missing))]
        s.facts(5, facts)
        XlsxRenderer._compared(s, r, t)
        s.finish()

    @staticmethod
    def _compared(s: _Sheet, r: Report, t: TargetRow) -> None:
        """The region beside its comparators on the target's metric, or the members' latest
        figures; then the members' figures of every period, where the report has them."""
        col = 8
        heads = [r.t("area"), r.t("value"), _w("period_col", r.lang)]
        comparisons = r.comparisons
        metric = (
            next((m for m in comparisons.compared if m.metric == t.metric), None) if comparisons else None
        )
        figures: tuple[AreaFigure, ...] = ()
        if r.member is not None:
            figures = next((m.figures for m in r.member.targets if m.target == t.id), ())
        if not figures and r.map is not None and r.map.target == t.id:
            figures = r.map.members
        if metric is not None:
            value = f"{metric.title} ({metric.unit})" if metric.unit else metric.title
            s.header(1, col, [heads[0], value, heads[2], _w("change_col", r.lang)])
            for row, area in enumerate(metric.areas, start=2):
                s.text(row, col, area.name)
                s.number(row, col + 1, area.value, area.text)
                s.text(row, col + 2, area.period_text)
                s.text(row, col + 3, area.change_text)
            below = len(metric.areas) + 3
        elif figures:
            value = f"{r.t('value')} ({t.unit})" if t.unit else heads[1]
            s.header(1, col, [heads[0], value, heads[2], r.t("status")])
            for row, f in enumerate(figures, start=2):
                s.text(row, col, f.name)
                s.number(row, col + 1, f.value, f.text)
                s.text(row, col + 2, f.period_text)
                s.text(row, col + 3, _status(f.status, r) if f.status else r.t("not_evaluated"))
            below = len(figures) + 3
        if figures:
            XlsxRenderer._over_the_years(s, r, figures, below, col, t.unit)

    @staticmethod
    def _over_the_years(
        s: _Sheet, r: Report, figures: Sequence[AreaFigure], top: int, col: int, unit: str
    ) -> None:
        """Every area's figure of every period, one row per area, a column per period."""
        periods: dict[str, str] = {}  # label -> as the reader reads it
        for f in figures:
            for p in f.history:
                periods.setdefault(p.period, p.period_text)
        if not periods:
            return
        order = sorted(periods)  # one metric's labels, all of one kind: their order is time's
        heading = _w("over_the_years", r.lang)
        s.text(top, col, f"{heading} ({unit})" if unit else heading, bold=True)
        s.header(top + 1, col, [r.t("area"), *(periods[label] for label in order)])
        for row, f in enumerate(figures, start=top + 2):
            s.text(row, col, f.name)
            by_period = {p.period: p for p in f.history}
            for j, label in enumerate(order, start=1):
                point = by_period.get(label)
                s.number(row, col + j, point.value if point else None, point.text if point else "–")

    @staticmethod
    def _sources(s: _Sheet, r: Report) -> None:
        heads = [r.t("source"), r.t("table"), r.t("credit"), r.t("licence"), r.t("used_for")]
        heads += [r.t("retrieved"), r.t("url")]
        s.header(1, 1, heads)
        row = 2
        for src in r.sources:
            cells = [
                src.source,
                src.table,
                src.label,
                src.licence,
                ", ".join(src.metric_titles or src.metrics),
            ]
            cells += [src.retrieved, src.url or ""]
            for col, value in enumerate(cells, start=1):
                s.text(row, col, value)
            row += 1
        # what each source delivered, per metric, as the targets' data origins say
        delivered: dict[tuple[str, str], SourceUse] = {}
        for t in r.targets:
            for use in t.origin.delivered if t.origin else ():
                delivered.setdefault((use.metric, use.text), use)
        if delivered:
            row += 1
            s.header(row, 1, [r.t("metric"), _w("delivered", r.lang)])
            for use in delivered.values():
                row += 1
                s.text(row, 1, use.metric)
                s.text(row, 2, use.text)
        s.finish()
