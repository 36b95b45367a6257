"""Checks of a loaded plan: references, cycles, units, targets, codes and plan quality.

:func:`check_plan` runs every built-in check and the plugins'
:func:`~regionplan.hookspecs.regionplan_validate_plan` hooks and returns all
problems at once. Codes are in :mod:`regionplan.plan.problems`.

The checks, by concern: ids and references (:mod:`~regionplan.plan.validation.references`),
metrics and derived expressions (:mod:`~regionplan.plan.validation.metrics`), targets
(:mod:`~regionplan.plan.validation.targets`), the region's municipality codes
(:mod:`~regionplan.plan.validation.region`) and plan-quality warnings
(:mod:`~regionplan.plan.validation.quality`).

:func:`check` is the public entry: every problem of a plan however it was built, the
checks of the plan-file reader included for objects built in code
(:mod:`regionplan.plan.python_checks`).
"""

from __future__ import annotations

import weakref
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from regionplan.errors import PlanError, Problem, sort_problems
from regionplan.plan import problems as P
from regionplan.plan.graph import GoalGraph
from regionplan.plan.model import Plan
from regionplan.plan.python_checks import built_problems, located
from regionplan.plan.validation.common import _err
from regionplan.plan.validation.comparators import check_comparators
from regionplan.plan.validation.metrics import _check_metrics
from regionplan.plan.validation.quality import _check_quality
from regionplan.plan.validation.references import _check_ids, _check_references, _check_sdg
from regionplan.plan.validation.region import _check_region
from regionplan.plan.validation.targets import _check_targets

__all__ = ["check", "check_plan", "refuse_unchecked"]


def check(plan: Plan, *, data: Any = None, extensions: Any = None) -> list[Problem]:
    """Every problem of ``plan``, however it was built: read from files, in code, or both.

    An object built in code is checked as the plan-file reader checks what it reads (the
    fields a target kind needs, period labels, ids, codes), and a problem in it names its
    path in the plan (``targets[2].value``) where a problem in a file names its line.

    Args:
        plan: the plan.
        data: the data the plan will be evaluated on, as :func:`regionplan.evaluate` takes
            them (series by metric id, or a data set): a metric they hold needs no source.
            Data of another form count for every metric.
        extensions: the plugins' extensions (default: the installed plugins).

    Returns:
        The problems, errors and warnings, in place order: problems are returned, not raised.

    Raises:
        TypeError: ``plan`` is not a :class:`~regionplan.plan.model.Plan`.
        PluginError: a plugin's check broke its contract.
    """
    from regionplan.defaults import resolve

    if not isinstance(plan, Plan):
        raise TypeError(f"check needs a Plan, got {plan!r:.80}")
    ext = extensions or resolve("default_extensions")()
    in_memory = _metrics_in(plan, data)
    problems = built_problems(plan)
    problems += check_plan(
        located(plan), ext, structural_errors=any(p.is_error for p in problems), in_memory=in_memory
    )
    if not any(p.is_error for p in problems):
        _remember(plan, ext, {m.id for m in plan.metrics if m.id in in_memory})
    return sort_problems(problems)


def refuse_unchecked(plan: Plan, *, data: Any = None, extensions: Any = None) -> None:
    """Raise :class:`PlanError` listing the errors of ``plan``, unless it was checked already
    (read by :func:`~regionplan.plan.files.load_plan`, or by :func:`check`, with these extensions:
    by default the installed plugins')."""
    from regionplan.defaults import resolve

    ext = extensions or resolve("default_extensions")()
    if _was_checked(plan, ext, data):
        return
    problems = check(plan, data=data, extensions=ext)
    if any(p.is_error for p in problems):
        raise PlanError(problems)


def _metrics_in(plan: Plan, data: Any) -> Collection[str]:
    """The metrics ``data`` hold: a mapping's keys, a data set's metrics, else every metric."""
    if data is None:
        return ()
    held = data if isinstance(data, Mapping) else getattr(data, "metrics", None)
    return held.keys() if isinstance(held, Mapping) else {m.id for m in plan.metrics}


#: Plans found without errors, by identity: the extensions they were checked with, and the
#: metrics whose data were given in memory (their sources were not checked). A plan read and
#: checked from files is not checked again when it is evaluated, nor one evaluated again.
_CHECKED: dict[int, tuple[weakref.ref[Plan], int, frozenset[str]]] = {}


def _remember(plan: Plan, extensions: Any, in_memory: Collection[str] = ()) -> None:
    key = id(plan)
    forget = weakref.ref(plan, lambda _: _CHECKED.pop(key, None))
    _CHECKED[key] = (forget, id(extensions), frozenset(in_memory))


def _was_checked(plan: Plan, extensions: Any, data: Any) -> bool:
    entry = _CHECKED.get(id(plan))
    if entry is None or entry[0]() is not plan or entry[1] != id(extensions):
        return False
    return not entry[2] or entry[2] <= set(_metrics_in(plan, data))


def check_plan(
    plan: Plan, extensions: Any, *, structural_errors: bool = False, in_memory: Collection[str] = ()
) -> list[Problem]:
    """Every problem of a plan as the checks after reading see it; plugin validators run only
    when the plan is sound. Most callers want :func:`check`. ``in_memory``: metrics whose data
    are given with the plan, so need no source."""
    out: list[Problem] = []
    out += _check_ids(plan)
    out += _check_references(plan)
    graph = GoalGraph.of(plan)  # kept with the plan: evaluating it uses the same graph
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
    out += _check_metrics(plan, extensions, in_memory)
    out += _check_targets(plan, extensions)
    if 1000 <= plan.meta.period_start <= plan.meta.period_end <= 9998:
        out += _check_region(plan)  # needs the plan period; a bad one is reported already
        out += check_comparators(plan)
    out += _check_sdg(plan)
    out += _check_quality(plan, graph)
    if not structural_errors and not any(p.is_error for p in out):
        out += _plugin_problems(plan, graph, extensions)
        if plan.meta.location is not None and not in_memory and not any(p.is_error for p in out):
            _remember(plan, extensions)  # read from files, its reading found no error either
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
