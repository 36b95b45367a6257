"""A renderer plugin written outside the core: the ``csv`` format.

It uses only the public API: :class:`regionplan.renderers.Renderer`, the report
model and the ``regionplan_register_renderers`` hook. Registered with
``make_plugin_manager(plugins=[regionplan_csv])``, or from a package's
``[project.entry-points.regionplan]`` table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import ClassVar

from regionplan import hookimpl
from regionplan.renderers import Renderer, RenderOptions
from regionplan.report import Report

COLUMNS = (
    "target",
    "element",
    "metric",
    "status",
    "reason",
    "baseline",
    "latest",
    "goal",
    "deadline",
    "unit",
)


def _cell(text: str) -> str:
    """Stop a spreadsheet from reading plan text as a formula (CSV injection)."""
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


class CsvRenderer(Renderer):
    """One row per target."""

    format: ClassVar[str] = "csv"
    media_type: ClassVar[str] = "text/csv"
    suffix: ClassVar[str] = ".csv"
    description: ClassVar[str] = "Targets as comma-separated values"

    def render(self, report: Report, options: RenderOptions) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(COLUMNS)
        for t in report.targets:
            writer.writerow(
                [
                    t.id,
                    t.element,
                    t.metric,
                    t.status.value,
                    _cell(t.explanation),
                    "" if t.baseline is None else repr(t.baseline.value),
                    "" if t.latest is None else repr(t.latest.value),
                    "" if t.goal is None else repr(t.goal),
                    t.deadline,
                    t.unit,
                ]
            )
        return buf.getvalue()


@hookimpl
def regionplan_register_renderers(register: Callable[..., None]) -> None:
    register(CsvRenderer())
