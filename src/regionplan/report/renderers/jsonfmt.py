"""The ``json`` format: :meth:`Report.to_dict` as deterministic JSON.

Keys of objects are sorted; lists keep the report's order (plan order). Dates are
ISO 8601 and non-finite numbers ``null``. ``<``, ``>`` and ``&`` are written as
``\\u003c``, ``\\u003e`` and ``\\u0026`` so the text can be embedded in an HTML
``<script>`` element unchanged; any JSON reader gets the original characters back.
The data follow the JSON schema :data:`regionplan.report.model.SCHEMA_ID`.
"""

from __future__ import annotations

import json
from typing import ClassVar

from regionplan.report.model import Report
from regionplan.report.renderers import Renderer, RenderOptions

__all__ = ["JsonRenderer", "dumps"]

_HTML_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def dumps(data: object) -> str:
    """Deterministic, HTML-safe JSON text ending with a newline."""
    text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return text.translate(_HTML_SAFE) + "\n"


class JsonRenderer(Renderer):
    """The report's data as JSON (schema ``report-v1``)."""

    format: ClassVar[str] = "json"
    media_type: ClassVar[str] = "application/json"
    suffix: ClassVar[str] = ".json"
    description: ClassVar[str] = "The report's data as JSON (schema report-v1)"

    def render(self, report: Report, options: RenderOptions) -> str:
        return dumps(report.to_dict())
