"""Checks of a loaded plan: references, cycles, units, targets, codes and plan quality.

:func:`check_plan` runs every built-in check and the plugins'
:func:`~regionplan.hookspecs.regionplan_validate_plan` hooks and returns all
problems at once. Codes are in :mod:`regionplan.plan.problems`.

The checks, by concern: ids and references (:mod:`~regionplan.plan.validation.references`),
metrics and derived expressions (:mod:`~regionplan.plan.validation.metrics`), targets
(:mod:`~regionplan.plan.validation.targets`), the region's municipality codes
(:mod:`~regionplan.plan.validation.region`) and plan-quality warnings
(:mod:`~regionplan.plan.validation.quality`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from regionplan.errors import Problem
from regionplan.plan import problems as P
from regionplan.plan.graph import GoalGraph
from regionplan.plan.model import Plan
from regionplan.plan.validation.common import _err
from regionplan.plan.validation.comparators import check_comparators
from regionplan.plan.validation.metrics import _check_metrics
from regionplan.plan.validation.quality import _check_quality
from regionplan.plan.validation.references import _check_ids, _check_references, _check_sdg
from regionplan.plan.validation.region import _check_region
from regionplan.plan.validation.targets import _check_targets

__all__ = ["check_plan"]


def check_plan(plan: Plan, extensions: Any, *, structural_errors: bool = False) -> list[Problem]:
    """Every problem of a built plan. Plugin validators run only when the plan is sound."""
    out: list[Problem] = []
    out += _check_ids(plan)
    out += _check_references(plan)
    graph = GoalGraph.from_plan(plan)
    cycle = graph.find_cycle()
    if cycle:
        first = plan.element(cycle[0]) if cycle[0] in {e.id for e in plan.elements} else None
        out.append(
            _err(
                P.CYCLE,
                "contributes_to links form a cycle: " + " -> ".join(cycle),
                first.location if first else None,
                hint="an element cannot contribute, through others, to itself; remove one link",
            )
        )
    out += _check_metrics(plan, extensions)
    out += _check_targets(plan, extensions)
    if 1000 <= plan.meta.period_start <= plan.meta.period_end <= 9998:
        out += _check_region(plan)  # needs the plan period; a bad one is reported already
        out += check_comparators(plan)
    out += _check_sdg(plan)
    out += _check_quality(plan, graph)
    if not structural_errors and not any(p.is_error for p in out):
        out += _plugin_problems(plan, graph, extensions)
    return out


def _plugin_problems(plan: Plan, graph: GoalGraph, extensions: Any) -> list[Problem]:
    out: list[Problem] = []
    hook = extensions.pm.hook.regionplan_validate_plan
    for impl in hook.get_hookimpls():
        # a plugin that raises, or returns other than problems, is named with its package
        plugin, what = impl.plugin_name, "regionplan_validate_plan"
        with extensions.guard(plugin, what):
            found = impl.function(plan=plan, graph=graph)
            if isinstance(found, Iterable) and not isinstance(found, str | bytes):
                found = list(found)  # a generator runs as it is read
        if found is not None and not isinstance(found, list):
            raise extensions.fault(plugin, f"{what} returned {found!r:.80}, not a list of problems")
        for p in found or ():
            if not isinstance(p, Problem):
                raise extensions.fault(plugin, f"{what} returned {p!r:.80}, not a Problem")
            out.append(p)
    return out
