"""The built-in projections, status policies and roll-up policies, registered through the
same hooks as any plugin's.

Each is a :class:`~regionplan.deferred.Deferred`: its module (and numpy) is imported when a
plan is first evaluated, not when one is only checked.
"""

from __future__ import annotations

from collections.abc import Callable

from regionplan.deferred import Deferred
from regionplan.markers import hookimpl

__all__: list[str] = []


def _each(register: Callable[..., None], module: str, classes: dict[str, str]) -> None:
    for name, cls in classes.items():
        register(name, Deferred(f"regionplan.evaluation.{module}:{cls}", call=True))


@hookimpl
def regionplan_register_projections(register: Callable[..., None]) -> None:
    _each(register, "projection", {"linear": "LinearTrend", "compound": "CompoundGrowth"})


@hookimpl
def regionplan_register_status_policies(register: Callable[..., None]) -> None:
    _each(register, "status_policies", {"default": "DefaultPolicy", "open_sdg": "OpenSdgPolicy"})


@hookimpl
def regionplan_register_rollup_policies(register: Callable[..., None]) -> None:
    _each(register, "rollup", {"weighted_score": "WeightedScore", "worst_child": "WorstChild"})
