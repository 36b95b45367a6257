"""regionplan: regional strategic plans as validated goal graphs, evaluated on real data.

Data flows one way, and the subpackages are its stages::

    plan files -> model, goal graph -> sources -> series -> evaluation -> report -> renderers
    regionplan.plan                    regionplan.data      regionplan.evaluation  regionplan.report

The plugin machinery (:mod:`regionplan.hookspecs`, :mod:`regionplan.plugins`) and the
command line sit on top. The names below are imported lazily so that ``import regionplan``
stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from regionplan import defaults as _defaults
from regionplan.markers import hookimpl

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "Contribution",
    "DataSource",
    "DataSourceError",
    "Direction",
    "Element",
    "ElementKind",
    "Evaluation",
    "GoalGraph",
    "Label",
    "Metric",
    "Municipality",
    "MunicipalityCode",
    "Observations",
    "Period",
    "Plan",
    "PlanError",
    "PlanMeta",
    "PlanStatus",
    "PluginError",
    "Problem",
    "Provenance",
    "Region",
    "RegionplanError",
    "RenderOptions",
    "Renderer",
    "Report",
    "Responsibility",
    "Role",
    "Series",
    "SourceContext",
    "SourceRequest",
    "SourceSpec",
    "Status",
    "StatusPolicy",
    "Target",
    "TargetKind",
    "__version__",
    "build_report",
    "evaluate",
    "hookimpl",
    "load_plan",
    "make_plugin_manager",
    "render",
    "validate_plan",
]

# The stages below never import upward; where one needs what only an upper layer has
# (the default plugins, a report for a notebook, a result's explanation), it asks
# regionplan.defaults, told here.
_defaults.provide("default_extensions", "regionplan.plugins:default_extensions")
_defaults.provide("explain_target", "regionplan.evaluation.explain:explain_target")
_defaults.provide("build_report", "regionplan.report.build:build_report")
_defaults.provide("plan_html", "regionplan.report.notebook:plan_html")
_defaults.provide("evaluation_html", "regionplan.report.notebook:evaluation_html")

_LAZY = {
    "Actor": "regionplan.plan.model",
    "Contribution": "regionplan.plan.model",
    "DataSource": "regionplan.data.sources",
    "DataSourceError": "regionplan.errors",
    "Direction": "regionplan.plan.model",
    "Element": "regionplan.plan.model",
    "ElementKind": "regionplan.plan.model",
    "Evaluation": "regionplan.evaluation.evaluator",
    "GoalGraph": "regionplan.plan.graph",
    "Label": "regionplan.plan.model",
    "Metric": "regionplan.plan.model",
    "Municipality": "regionplan.plan.model",
    "MunicipalityCode": "regionplan.plan.model",
    "Observations": "regionplan.data.series",
    "Period": "regionplan.plan.periods",
    "Plan": "regionplan.plan.model",
    "PlanError": "regionplan.errors",
    "PlanMeta": "regionplan.plan.model",
    "PlanStatus": "regionplan.plan.model",
    "PluginError": "regionplan.errors",
    "Problem": "regionplan.errors",
    "Provenance": "regionplan.data.series",
    "Region": "regionplan.plan.model",
    "RegionplanError": "regionplan.errors",
    "RenderOptions": "regionplan.report.renderers",
    "Renderer": "regionplan.report.renderers",
    "Report": "regionplan.report.model",
    "Responsibility": "regionplan.plan.model",
    "Role": "regionplan.plan.model",
    "Series": "regionplan.data.series",
    "SourceContext": "regionplan.data.sources",
    "SourceRequest": "regionplan.data.sources",
    "SourceSpec": "regionplan.plan.model",
    "Status": "regionplan.evaluation.status",
    "StatusPolicy": "regionplan.evaluation.status",
    "Target": "regionplan.plan.model",
    "TargetKind": "regionplan.plan.model",
    "build_report": "regionplan.report.build",
    "evaluate": "regionplan.evaluation.evaluator",
    "load_plan": "regionplan.plan.files",
    "make_plugin_manager": "regionplan.plugins",
    "render": "regionplan.report.renderers",
    "validate_plan": "regionplan.plan.files",
}

if TYPE_CHECKING:
    from regionplan.data.series import Observations, Provenance, Series
    from regionplan.data.sources import DataSource, SourceContext, SourceRequest
    from regionplan.errors import DataSourceError, PlanError, PluginError, Problem, RegionplanError
    from regionplan.evaluation.evaluator import Evaluation, evaluate
    from regionplan.evaluation.status import Status, StatusPolicy
    from regionplan.plan.files import load_plan, validate_plan
    from regionplan.plan.graph import GoalGraph
    from regionplan.plan.model import (
        Actor,
        Contribution,
        Direction,
        Element,
        ElementKind,
        Label,
        Metric,
        Municipality,
        MunicipalityCode,
        Plan,
        PlanMeta,
        PlanStatus,
        Region,
        Responsibility,
        Role,
        SourceSpec,
        Target,
        TargetKind,
    )
    from regionplan.plan.periods import Period
    from regionplan.plugins import make_plugin_manager
    from regionplan.report.build import build_report
    from regionplan.report.model import Report
    from regionplan.report.renderers import Renderer, RenderOptions, render


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'regionplan' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
