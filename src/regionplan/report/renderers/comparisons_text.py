"""The comparisons and the indicators to watch as Markdown and as terminal lines."""

from __future__ import annotations

from collections.abc import Callable

from regionplan.report.comparison_views import MetricComparison
from regionplan.report.model import Report

__all__ = ["markdown_lines", "terminal_lines"]


def _cells(m: MetricComparison) -> list[list[str]]:
    return [[a.name, a.text, a.period_text, a.change_text] for a in m.areas]


def markdown_lines(r: Report, escape: Callable[[str], str]) -> list[str]:
    """``## Sammenligning`` and ``## Indikatorer å følge med på``, a table per metric."""
    c = r.comparisons
    if c is None:
        return []
    out: list[str] = []
    for heading, intro, metrics in (
        (c.heading, c.intro, c.compared),
        (c.watch_heading, c.watch_intro, c.watch),
    ):
        if not metrics:
            continue
        out += [f"## {escape(heading)}", "", escape(intro), ""]
        for m in metrics:
            unit = f" ({escape(m.unit)})" if m.unit else ""
            out += [f"### {escape(m.title)}{unit}", ""]
            out.append("| " + " | ".join(escape(h) for h in c.columns) + " |")
            out.append("|" + "---|" * len(c.columns))
            # names are plan text; the figures are our own (an escape would show as a backslash)
            out += ["| " + " | ".join([escape(row[0]), *row[1:]]) + " |" for row in _cells(m)]
            out.append("")
    return out


def terminal_lines(r: Report) -> list[str]:
    """The same as plain lines: a heading, then per metric its areas in aligned columns."""
    c = r.comparisons
    if c is None:
        return []
    out: list[str] = []
    for heading, metrics in ((c.heading, c.compared), (c.watch_heading, c.watch)):
        if not metrics:
            continue
        out += ["", heading, "=" * len(heading)]
        for m in metrics:
            out += ["", f"{m.title}" + (f" ({m.unit})" if m.unit else "")]
            rows = [list(c.columns), *_cells(m)]
            widths = [max(len(row[k]) for row in rows) for k in range(len(c.columns))]
            for row in rows:
                cells = [
                    row[0].ljust(widths[0]),
                    *(x.rjust(w) for x, w in zip(row[1:], widths[1:], strict=True)),
                ]
                out.append("  " + "  ".join(cells).rstrip())
    return out
