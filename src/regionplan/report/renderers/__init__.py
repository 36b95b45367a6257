"""Renderers: a :class:`~regionplan.report.model.Report` written in one output format.

The report is built once (:func:`regionplan.report.build.build_report`); a renderer only
writes it out. Built-in formats are ``html``, ``md``, ``json``, ``dot``, ``terminal``
and ``xlsx`` (binary: :meth:`Renderer.render` returns bytes); each is a plugin registered through
:func:`~regionplan.hookspecs.regionplan_register_renderers`, exactly as a
third-party format is::

    from regionplan import hookimpl
    from regionplan.report.renderers import Renderer

    class CsvRenderer(Renderer):
        format = "csv"
        media_type = "text/csv"
        suffix = ".csv"
        description = "Targets as comma-separated values"

        def render(self, report, options):
            ...

    @hookimpl
    def regionplan_register_renderers(register):
        register(CsvRenderer())
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from regionplan.errors import RenderError

if TYPE_CHECKING:
    from regionplan.evaluation.evaluator import Evaluation
    from regionplan.report.model import Report

__all__ = ["RenderOptions", "Renderer", "render"]


@attrs.frozen
class RenderOptions:
    """How to render a report.

    Attributes:
        lang: the language of interface words (``"nb"`` or ``"en"``); plan text falls
            back to the other language where it has none in this one.
        area: the region or area to report on (default: the plan's region).
        color: use ANSI colours (terminal format). Off by default: the caller decides
            whether its output is a terminal.
        charts: draw charts (HTML format); without them the data tables remain.
        width: line width of plain-text output.
    """

    lang: str = "nb"
    area: str | None = None
    color: bool = False
    charts: bool = True
    width: int = 100


class Renderer(abc.ABC):
    """Base class of output formats.

    Subclasses set the class attributes and implement :meth:`render`.

    Attributes:
        format: the format's name (``regionplan report --format NAME``).
        media_type: its MIME type.
        suffix: the file name suffix, with its dot.
        description: one line for listings.
        binary: :meth:`render` returns bytes rather than text.
    """

    format: ClassVar[str] = ""
    media_type: ClassVar[str] = "text/plain"
    suffix: ClassVar[str] = ".txt"
    description: ClassVar[str] = ""
    binary: ClassVar[bool] = False

    @abc.abstractmethod
    def render(self, report: Report, options: RenderOptions) -> str | bytes:
        """Write ``report`` in this format."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} format={self.format!r}>"


def render(
    evaluation: Evaluation,
    format: str,
    *,
    lang: str | None = None,
    area: str | None = None,
    extensions: Any = None,
    options: RenderOptions | None = None,
    warnings: Any = (),
    since: Any = None,
    map_target: str | None = None,
    map_by: str = "status",
) -> str | bytes:
    """Render an evaluation in a registered format.

    Args:
        evaluation: the result of :func:`regionplan.evaluate`.
        format: a renderer's name (``"html"``, ``"md"``, ``"json"``, ``"dot"``, ``"terminal"``,
            ``"xlsx"`` or one a plugin adds).
        lang: ``"nb"`` or ``"en"`` (default: the options' language, else ``"nb"``).
        area: the region or area to report on (default: the options' area, else the plan's region).
        extensions: the :class:`~regionplan.plugins.Extensions` to look the format up in
            (default: the default plugin manager's).
        options: further options; ``lang`` and ``area``, when given, win over theirs.
        warnings: plan-quality problems to list in the report.
        since: an earlier report (a :class:`~regionplan.report.model.Report` or its JSON data)
            to say what changed since, in a section of its own.
        map_target, map_by: the target the map of the members shows, coloured by its
            ``"status"`` or latest ``"value"`` (:func:`~regionplan.report.build.build_report`).

    Raises:
        RenderError: the format is unknown (with a did-you-mean) or the renderer failed.
        EvaluationError: an unknown map target or ``map_by``.
    """
    from regionplan.defaults import default_extensions
    from regionplan.report.build import build_report

    ext = extensions if extensions is not None else default_extensions()
    registry = ext.renderers
    if format not in registry:
        raise RenderError(registry.unknown_message(format).replace("no renderer", "no output format"))
    opts = options or RenderOptions()
    opts = attrs.evolve(opts, lang=lang or opts.lang, area=area or opts.area)
    report = build_report(
        evaluation,
        lang=opts.lang,
        area=opts.area,
        warnings=warnings,
        since=since,
        map_target=map_target,
        map_by=map_by,
    )
    out: str | bytes = ext.run_renderer(format, report, opts)  # a plugin's fault named, its result checked
    return out
