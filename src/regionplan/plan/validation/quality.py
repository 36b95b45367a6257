"""Plan-quality warnings: gaps in a plan that is otherwise sound.

Goals nothing measures, actions no actor is responsible for, action-programme items with
nothing under them, elements that contribute to nothing, targets without a deadline and
metrics nothing uses. These do not stop a plan from loading; they point at gaps in following it up.
"""

from __future__ import annotations

from regionplan.errors import Problem
from regionplan.plan import problems as P
from regionplan.plan.graph import GoalGraph
from regionplan.plan.model import ElementKind, Plan, TargetKind
from regionplan.plan.validation.common import _warn


def _check_quality(plan: Plan, graph: GoalGraph) -> list[Problem]:
    out = []
    inherits = _inheriting_responsibility(plan, graph)
    targeted = {t.element for t in plan.targets}
    used_metrics = {t.metric for t in plan.targets} | {t.other for t in plan.targets if t.other}
    for m in plan.metrics:
        if m.weight:
            used_metrics.add(m.weight)
        if m.derived:
            try:
                from regionplan.plan.expressions import parse

                used_metrics |= parse(m.derived).references
            except Exception:  # reported by the metric checks
                pass
    for e in plan.elements:
        if e.kind in {ElementKind.MAIN_GOAL, ElementKind.SUB_GOAL} and e.id not in targeted:
            out.append(
                _warn(
                    P.UNMEASURED_GOAL,
                    f"nothing measures the {e.kind.value.replace('_', '-')} '{e.id}'",
                    e.location,
                    "add a target with a metric, or record why it cannot be measured yet",
                )
            )
        if e.kind.is_action and not e.responsible and e.id not in inherits:
            out.append(
                _warn(
                    P.NO_RESPONSIBLE,
                    f"no actor is responsible for '{e.id}'",
                    e.location,
                    "add 'responsible: [actor-id]': who does what in following up the plan?",
                )
            )
        doers = [
            c for c in graph.children(e.id) if graph.kind(c) == "element" and graph.obj(c).kind.is_action
        ]
        if e.kind is ElementKind.ACTION and not doers:
            out.append(
                _warn(
                    P.EMPTY_ACTION,
                    f"the action programme item '{e.id}' has no projects or measures under it",
                    e.location,
                    "add the projects that carry it out, or mark why they are pending",
                )
            )
        if e.kind is not ElementKind.VISION and not e.contributes_to:
            out.append(
                _warn(
                    P.ORPHAN,
                    f"the element '{e.id}' contributes to nothing",
                    e.location,
                    "link it with 'contributes_to' to the goal or area it serves",
                )
            )
    for t in plan.targets:
        if not t.deadline and t.kind is not TargetKind.GROWTH_VS:
            out.append(
                _warn(
                    P.NO_DEADLINE,
                    f"the target '{t.id}' has no deadline; the plan period's end "
                    f"({plan.meta.period_end}) is used",
                    t.location,
                    "add 'deadline: YEAR' so progress can be judged against it",
                )
            )
    for m in plan.metrics:
        if m.id not in used_metrics:
            out.append(
                _warn(P.UNUSED_METRIC, f"no target or expression uses the metric '{m.id}'", m.location)
            )
    return out


def _inheriting_responsibility(plan: Plan, graph: GoalGraph) -> set[str]:
    """Elements under an action-programme item with actors: they inherit those actors.

    One pass, parents before children, so large plans stay linear.
    """
    import networkx as nx

    try:
        order = list(reversed(graph.rollup_order()))
    except nx.NetworkXUnfeasible:  # a cycle, reported elsewhere
        return set()
    covered: set[str] = set()
    for node in order:
        element = graph.obj(node)
        if graph.kind(node) != "element":
            continue
        for parent_id in element.parents:
            if parent_id not in graph or graph.kind(parent_id) != "element":
                continue
            parent = graph.obj(parent_id)
            if parent_id in covered or (parent.kind is ElementKind.ACTION and parent.responsible):
                covered.add(node)
                break
    return covered
