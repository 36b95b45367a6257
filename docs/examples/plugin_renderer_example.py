"""A regionplan renderer plugin: the targets of a report as CSV.

Once registered, ``regionplan report PLAN --format csv`` writes one row per
target: its element, status, reason, baseline, latest value, goal, deadline and
projection, with the credit lines of the data at the end.

This file is the example of the how-to guide "Write a renderer"; the
documentation's tests import it and run it through ``make_plugin_manager``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import ClassVar

from regionplan import hookimpl
from regionplan.report.model import Report
from regionplan.report.renderers import Renderer, RenderOptions

__all__ = ["CsvRenderer", "regionplan_register_renderers"]

COLUMNS = (
    "target",
    "element",
    "status",
    "reason",
    "baseline_period",
    "baseline",
    "latest_period",
    "latest",
    "goal",
    "deadline",
    "projected",
    "unit",
)


class CsvRenderer(Renderer):
    """Targets as comma-separated values, one row per target."""

    format: ClassVar[str] = "csv"
    media_type: ClassVar[str] = "text/csv"
    suffix: ClassVar[str] = ".csv"
    description: ClassVar[str] = "Targets as comma-separated values"

    def render(self, report: Report, options: RenderOptions) -> str:
        # The report is already laid out in one language (options.lang):
        # a renderer only writes it out, so every format says the same thing.
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for t in report.targets:
            writer.writerow(
                (
                    t.id,
                    t.element,
                    t.status.value,
                    t.reason,
                    t.baseline.period if t.baseline else "",
                    _number(t.baseline.value if t.baseline else None),
                    t.latest.period if t.latest else "",
                    _number(t.latest.value if t.latest else None),
                    _number(t.goal),
                    t.deadline,
                    _number(t.projection.value if t.projection else None),
                    t.unit,
                )
            )
        # Figures need their credit lines, e.g. "Kilde: Statistisk sentralbyrå, tabell 07459".
        for credit in sorted({s.credit for s in report.sources if s.credit}):
            writer.writerow((f"# {credit}",))
        return out.getvalue()


def _number(value: float | None) -> str:
    """Machine-readable numbers: a dot for decimals, no thousands separator."""
    return "" if value is None else repr(float(value))


@hookimpl
def regionplan_register_renderers(register: Callable[..., None]) -> None:
    register(CsvRenderer())
