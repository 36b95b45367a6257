"""Stage 4 — the report: an evaluation turned into one report model, written by renderers.

:func:`build_report` makes the renderer-neutral :class:`Report`; the renderers
(:mod:`~regionplan.report.renderers`) write it as HTML, Markdown, JSON, DOT or terminal text,
and :mod:`~regionplan.report.notebook` shows plans and evaluations in notebooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regionplan.defaults import lazy_attributes as _lazy_attributes

if TYPE_CHECKING:
    from regionplan.report.build import build_report
    from regionplan.report.model import Report
    from regionplan.report.renderers import Renderer, RenderOptions, render

__all__ = ["RenderOptions", "Renderer", "Report", "build_report", "render"]

# Imported on first use: the built-in renderers in this package are loaded by every
# command, `regionplan validate` too, which builds no report.
_LAZY = {
    "build_report": "regionplan.report.build",
    "Report": "regionplan.report.model",
    "Renderer": "regionplan.report.renderers",
    "RenderOptions": "regionplan.report.renderers",
    "render": "regionplan.report.renderers",
}


__getattr__, __dir__ = _lazy_attributes(globals(), _LAZY)
