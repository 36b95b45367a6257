"""A chart's figures as CSV, to take away from the page itself (a ``data:`` link, offline).

The first lines say what the figures are and where they come from: the chart's title
and unit with the region, what the statuses rest on, and the credit of each source the
metrics were read from (``# `` lines, which spreadsheet programs show as text). Then one
row per period: the period as the statistics office writes it, the observed value and
the target path, numbers with a full stop and no grouping, as machines read them.
"""

from __future__ import annotations

import csv
import io
import urllib.parse

from regionplan.report.model import ChartData, Report

__all__ = ["chart_csv", "csv_data_url"]

_HEADERS = {
    "nb": ("periode", "observert", "målbane"),
    "en": ("period", "observed", "target_path"),
}


def _number(value: float) -> str:
    return f"{value:.12g}"


def chart_csv(report: Report, chart: ChartData) -> str:
    """The figures of one chart as CSV text with its provenance and credit first."""
    lines = [f"# {chart.title} ({chart.unit}) · {report.area_name}"]
    if report.rests_on:
        lines.append(f"# {report.rests_on}")
    metrics = {chart.metric}
    for row in report.targets:  # a comparison (jobs against population) reads two metrics
        if row.id == chart.target and row.origin is not None:
            metrics |= {use.metric for use in row.origin.delivered}
    for s in report.sources:
        if metrics & set(s.metrics):
            credit = s.label + (f" · {s.licence}" if s.licence else "")
            lines.append(f"# {credit}")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(_HEADERS.get(report.lang, _HEADERS["en"]))
    rows: dict[float, list[str]] = {}
    for p in chart.history:
        rows.setdefault(p.time, [p.period_text or p.period, "", ""])[1] = _number(p.value)
    for p in chart.trajectory:
        rows.setdefault(p.time, [p.period_text or p.period, "", ""])[2] = _number(p.value)
    for t in sorted(rows):
        writer.writerow(rows[t])
    return "\n".join(" ".join(line.split()) for line in lines) + "\n" + buf.getvalue()


def csv_data_url(text: str) -> str:
    """``text`` as a ``data:text/csv`` URL (UTF-8 with a byte-order mark, for spreadsheets)."""
    return "data:text/csv;charset=utf-8," + urllib.parse.quote("\ufeff" + text, safe="")
