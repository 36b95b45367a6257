"""regionplan: regional strategic plans as validated goal graphs, evaluated on real data.

Data flows one way::

    plan files -> model and goal graph -> sources -> series -> evaluation -> report -> renderers
    (planfile)    (model, graph)          (sources)  (series)  (evaluation)  (report) (renderers)

The names below are imported lazily so that ``import regionplan`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from regionplan.hookspecs import hookimpl

__version__ = "0.1.0"

__all__ = [
    "Evaluation",
    "GoalGraph",
    "Plan",
    "Problem",
    "__version__",
    "evaluate",
    "hookimpl",
    "load_plan",
    "make_plugin_manager",
    "validate_plan",
]

_LAZY = {
    "Plan": "regionplan.model",
    "GoalGraph": "regionplan.graph",
    "Problem": "regionplan.errors",
    "PlanError": "regionplan.errors",
    "RegionplanError": "regionplan.errors",
    "load_plan": "regionplan.planfile",
    "validate_plan": "regionplan.planfile",
    "make_plugin_manager": "regionplan.plugins",
    "evaluate": "regionplan.evaluation",
    "Evaluation": "regionplan.evaluation",
}

if TYPE_CHECKING:
    from regionplan.errors import PlanError, Problem, RegionplanError  # noqa: F401
    from regionplan.evaluation import Evaluation, evaluate
    from regionplan.graph import GoalGraph
    from regionplan.model import Plan
    from regionplan.planfile import load_plan, validate_plan
    from regionplan.plugins import make_plugin_manager


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
