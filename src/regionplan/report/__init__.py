"""Stage 4 — the report: an evaluation turned into one report model, written by renderers.

:func:`build_report` makes the renderer-neutral :class:`Report`; the renderers
(:mod:`~regionplan.report.renderers`) write it as HTML, Markdown, JSON, DOT or terminal text,
and :mod:`~regionplan.report.notebook` shows plans and evaluations in notebooks.
"""

from regionplan.report.build import build_report
from regionplan.report.model import Report
from regionplan.report.renderers import Renderer, RenderOptions, render

__all__ = ["RenderOptions", "Renderer", "Report", "build_report", "render"]
