"""regionplan: regional strategic plans as validated goal graphs, evaluated on real data.

Data flows one way, and the subpackages are its stages::

    plan files -> model, goal graph -> sources -> series -> evaluation -> report -> renderers
    regionplan.plan                    regionplan.data      regionplan.evaluation  regionplan.report

The plugin machinery (:mod:`regionplan.hookspecs`, :mod:`regionplan.plugins`) and the
command line sit on top. The names below are imported lazily so that ``import regionplan``
stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regionplan import defaults as _defaults
from regionplan.defaults import lazy_attributes as _lazy_attributes
from regionplan.markers import hookimpl

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "Change",
    "Contribution",
    "DataSource",
    "DataSourceError",
    "Direction",
    "Element",
    "ElementKind",
    "Evaluation",
    "GoalGraph",
    "History",
    "Label",
    "Location",
    "Metric",
    "Municipality",
    "MunicipalityCode",
    "Observations",
    "Period",
    "Plan",
    "PlanDiff",
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
    "ReportChanges",
    "Responsibility",
    "Role",
    "Series",
    "Severity",
    "SourceContext",
    "SourceRequest",
    "SourceSpec",
    "Status",
    "StatusPolicy",
    "Target",
    "TargetKind",
    "Validation",
    "__version__",
    "build_report",
    "check",
    "compare_reports",
    "diff",
    "evaluate",
    "explain_target",
    "history",
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
_defaults.provide("evaluation_display", "regionplan.report.notebook:evaluation_display")

_LAZY = {
    "Actor": "regionplan.plan.model",
    "Change": "regionplan.plan.revisions",
    "Contribution": "regionplan.plan.model",
    "DataSource": "regionplan.data.sources",
    "DataSourceError": "regionplan.errors",
    "Direction": "regionplan.plan.model",
    "Element": "regionplan.plan.model",
    "ElementKind": "regionplan.plan.model",
    "Evaluation": "regionplan.evaluation.evaluator",
    "GoalGraph": "regionplan.plan.graph",
    "History": "regionplan.evaluation.history",
    "Label": "regionplan.plan.model",
    "Location": "regionplan.errors",
    "Metric": "regionplan.plan.model",
    "Municipality": "regionplan.plan.model",
    "MunicipalityCode": "regionplan.plan.model",
    "Observations": "regionplan.data.series",
    "Period": "regionplan.plan.periods",
    "Plan": "regionplan.plan.model",
    "PlanDiff": "regionplan.plan.revisions",
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
    "ReportChanges": "regionplan.report.since",
    "Responsibility": "regionplan.plan.model",
    "Role": "regionplan.plan.model",
    "Series": "regionplan.data.series",
    "Severity": "regionplan.errors",
    "SourceContext": "regionplan.data.sources",
    "SourceRequest": "regionplan.data.sources",
    "SourceSpec": "regionplan.plan.model",
    "Status": "regionplan.evaluation.status",
    "StatusPolicy": "regionplan.evaluation.status",
    "Target": "regionplan.plan.model",
    "TargetKind": "regionplan.plan.model",
    "Validation": "regionplan.plan.files",
    "build_report": "regionplan.report.build",
    "check": "regionplan.plan.validation",
    "compare_reports": "regionplan.report.since",
    "diff": "regionplan.plan.revisions",
    "evaluate": "regionplan.evaluation.evaluator",
    "explain_target": "regionplan.evaluation.explain",
    "history": "regionplan.evaluation.history",
    "load_plan": "regionplan.plan.files",
    "make_plugin_manager": "regionplan.plugins",
    "render": "regionplan.report.renderers",
    "validate_plan": "regionplan.plan.files",
}

if TYPE_CHECKING:
    from regionplan.data.series import Observations, Provenance, Series
    from regionplan.data.sources import DataSource, SourceContext, SourceRequest
    from regionplan.errors import (
        DataSourceError,
        Location,
        PlanError,
        PluginError,
        Problem,
        RegionplanError,
        Severity,
    )
    from regionplan.evaluation.evaluator import Evaluation, evaluate
    from regionplan.evaluation.explain import explain_target
    from regionplan.evaluation.history import History, history
    from regionplan.evaluation.status import Status, StatusPolicy
    from regionplan.plan.files import Validation, load_plan, validate_plan
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
    from regionplan.plan.revisions import Change, PlanDiff, diff
    from regionplan.plan.validation import check
    from regionplan.plugins import make_plugin_manager
    from regionplan.report.build import build_report
    from regionplan.report.model import Report
    from regionplan.report.renderers import Renderer, RenderOptions, render
    from regionplan.report.since import ReportChanges, compare_reports


__getattr__, __dir__ = _lazy_attributes(globals(), _LAZY)
