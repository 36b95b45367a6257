"""The built-in renderers, registered through the same hook as any plugin's.

Each is a :class:`~regionplan.deferred.Deferred`: its module (and the report model it
writes) is imported when a report is first written in its format, not when regionplan starts.
"""

from __future__ import annotations

from collections.abc import Callable

from regionplan.deferred import Deferred
from regionplan.markers import hookimpl

__all__: list[str] = []

_RENDERERS = (
    ("html", "html:HtmlRenderer"),
    ("md", "markdown:MarkdownRenderer"),
    ("json", "jsonfmt:JsonRenderer"),
    ("dot", "dot:DotRenderer"),
    ("terminal", "terminal:TerminalRenderer"),
    ("xlsx", "xlsx:XlsxRenderer"),
)


@hookimpl
def regionplan_register_renderers(register: Callable[..., None]) -> None:
    for fmt, where in _RENDERERS:
        register(Deferred(f"regionplan.report.renderers.{where}", call=True, format=fmt))
