"""JSON schemas of regionplan's outputs.

``report-v1.schema.json`` describes :meth:`regionplan.report.model.Report.to_dict` (and the
``json`` output format); its ``$id`` is :data:`regionplan.report.model.SCHEMA_ID`.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["report_schema"]


@functools.cache
def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("regionplan._resources").joinpath(name).read_text("utf-8")
    )
    return data


def report_schema() -> dict[str, Any]:
    """The JSON schema of the report (version 1), as a fresh dict."""
    return json.loads(json.dumps(_load("report-v1.schema.json")))  # type: ignore[no-any-return]
