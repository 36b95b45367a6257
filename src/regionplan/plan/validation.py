"""Checks of a loaded plan: references, cycles, units, targets, codes and plan quality.

:func:`check_plan` runs every built-in check and the plugins'
:func:`~regionplan.hookspecs.regionplan_validate_plan` hooks and returns all
problems at once. Codes are in :mod:`regionplan.plan.problems`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from typing import Any

from regionplan.errors import Location, PluginError, Problem, Severity
from regionplan.plan import problems as P
from regionplan.plan.graph import GoalGraph
from regionplan.plan.model import ElementKind, Metric, Plan, TargetKind
from regionplan.plan.periods import parse_period

__all__ = ["check_plan"]


def _err(code: str, message: str, loc: Location | None, hint: str = "") -> Problem:
    return Problem(code, message, loc, hint, Severity.ERROR)


def _warn(code: str, message: str, loc: Location | None, hint: str = "") -> Problem:
    return Problem(code, message, loc, hint, Severity.WARNING)


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


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
    out += _check_sdg(plan)
    out += _check_quality(plan, graph)
    if not structural_errors and not any(p.is_error for p in out):
        out += _plugin_problems(plan, graph, extensions)
    return out


def _check_ids(plan: Plan) -> list[Problem]:
    out = []
    seen: dict[str, tuple[str, Location | None]] = {}
    groups: list[tuple[str, Iterable[Any]]] = [
        ("actor", plan.actors),
        ("element", plan.elements),
        ("metric", plan.metrics),
        ("target", plan.targets),
        ("municipality", plan.region.municipalities),
    ]
    for what, items in groups:
        for item in items:
            if not item.id:
                continue
            if item.id in seen:
                other_what, other_loc = seen[item.id]
                where = f" at {other_loc}" if other_loc else ""
                out.append(
                    _err(
                        P.DUPLICATE_ID,
                        f"the id '{item.id}' is used twice (this {what}, and a {other_what}{where})",
                        item.location,
                        hint="ids are unique across the whole plan; rename one",
                    )
                )
            else:
                seen[item.id] = (what, item.location)
    return out


def _check_references(plan: Plan) -> list[Problem]:
    out = []
    elements = {e.id for e in plan.elements}
    actors = {a.id for a in plan.actors}
    metrics = {m.id for m in plan.metrics}
    municipalities = {m.id for m in plan.region.municipalities}

    def ref(name: str, known: set[str], what: str, loc: Location | None, others: Iterable[str] = ()) -> None:
        if name in known:
            return
        kind_hint = ""
        if name in set(others):
            kind_hint = f"'{name}' exists, but it is not a {what}"
        out.append(
            _err(
                P.UNKNOWN_REFERENCE,
                f"unknown {what} '{name}'",
                loc,
                kind_hint or _did_you_mean(name, known) or f"define a {what} with id '{name}'",
            )
        )

    all_ids = set(plan.iter_ids())
    for e in plan.elements:
        for c in e.contributes_to:
            ref(c.parent, elements, "element", c.location or e.location, all_ids)
        for r in e.responsible:
            ref(r.actor, actors, "actor", r.location or e.location, all_ids)
    for a in plan.actors:
        if a.municipality:
            ref(a.municipality, municipalities, "municipality", a.location)
    for t in plan.targets:
        ref(t.element, elements, "element", t.location, all_ids)
        ref(t.metric, metrics, "metric", t.location, all_ids)
        if t.other:
            ref(t.other, metrics, "metric", t.location, all_ids)
    for m in plan.metrics:
        if m.weight:
            ref(m.weight, metrics, "metric", m.location, all_ids)
    return out


def _check_metrics(plan: Plan, extensions: Any) -> list[Problem]:
    from regionplan.data import expressions
    from regionplan.plan.units import parse_unit

    out: list[Problem] = []
    units: dict[str, Any] = {}
    for m in plan.metrics:
        if not m.unit:
            continue
        try:
            units[m.id] = parse_unit(m.unit)
        except Exception:
            out.append(
                _err(
                    P.UNKNOWN_UNIT,
                    f"the metric '{m.id}' has an unknown unit '{m.unit}'",
                    m.location,
                    _unit_hint(m.unit),
                )
            )
    known_metrics = {m.id for m in plan.metrics}
    parsed: dict[str, expressions.Expression] = {}
    for m in plan.metrics:
        if m.derived:
            try:
                expr = expressions.parse(m.derived)
            except expressions.ExpressionError as exc:
                col = f" (column {exc.column} of the expression)" if exc.column else ""
                out.append(
                    _err(
                        P.EXPRESSION,
                        f"the metric '{m.id}': {exc}{col}",
                        m.location,
                        "see the list of functions in the reference on derived metrics",
                    )
                )
                continue
            unknown = sorted(expr.references - known_metrics)
            for name in unknown:
                out.append(
                    _err(
                        P.UNKNOWN_REFERENCE,
                        f"the metric '{m.id}' refers to an unknown metric '{name}'",
                        m.location,
                        _did_you_mean(name, known_metrics),
                    )
                )
            if not unknown:
                parsed[m.id] = expr
        elif not m.sources:
            out.append(
                _err(
                    P.NO_DATA_DEFINITION,
                    f"the metric '{m.id}' has neither a source nor 'derived'",
                    m.location,
                    "add 'source: {name: ..., ...}' or 'derived: <expression>'",
                )
            )
        for spec in m.sources:
            if spec.name not in extensions.sources:
                out.append(
                    _err(
                        P.SOURCE,
                        extensions.sources.unknown_message(spec.name),
                        spec.location or m.location,
                        "install the plugin that provides it, or correct the name",
                    )
                )
                continue
            try:
                messages = extensions.sources.get(spec.name).check_query(spec.query)
            except Exception as exc:  # a plugin's checker must not crash validation
                messages = [f"the {spec.name} source could not check its query: {exc}"]
            for message in messages:
                out.append(_err(P.SOURCE, f"the metric '{m.id}': {message}", spec.location or m.location))
        if m.aggregation == "weighted_mean" and not m.weight:
            out.append(
                _err(
                    P.MISSING_FIELD,
                    f"the metric '{m.id}' aggregates by weighted_mean but has no 'weight'",
                    m.location,
                    "name the metric to weight by, e.g. 'weight: population'",
                )
            )
    # derived metrics in dependency order, so units of derived operands are known
    out += _check_derived_cycles_and_units(plan, parsed, units)
    return out


def _check_derived_cycles_and_units(
    plan: Plan, parsed: dict[str, Any], units: dict[str, Any]
) -> list[Problem]:
    import networkx as nx

    from regionplan.data import expressions

    out: list[Problem] = []
    deps = nx.DiGraph()
    for mid, expr in parsed.items():
        deps.add_node(mid)
        for ref in expr.references:
            deps.add_edge(ref, mid)
    try:
        order = list(nx.topological_sort(deps))
    except nx.NetworkXUnfeasible:
        cycle = [u for u, _ in nx.find_cycle(deps)]
        m = plan.metric(cycle[0])
        out.append(
            _err(
                P.CYCLE,
                "derived metrics refer to each other in a cycle: " + " -> ".join([*cycle, cycle[0]]),
                m.location,
            )
        )
        return out
    for mid in order:
        if mid not in parsed:
            continue
        expr = parsed[mid]
        m = plan.metric(mid)
        if not all(r in units for r in expr.references) or mid not in units:
            continue
        try:
            got = expressions.result_unit(expr, units)
        except expressions.ExpressionError as exc:
            out.append(_err(P.EXPRESSION_UNITS, f"the metric '{mid}': {exc}", m.location))
            continue
        if not _same_dimension(got, units[mid]):
            out.append(
                _err(
                    P.EXPRESSION_UNITS,
                    f"the metric '{mid}' is declared in '{m.unit}' but its expression gives '{got:~}'",
                    m.location,
                    "change the unit, or the expression (share() gives percent)",
                )
            )
    return out


def _same_dimension(a: Any, b: Any) -> bool:
    from regionplan.plan.units import registry

    q = registry().Quantity
    return bool(q(1, a).dimensionality == q(1, b).dimensionality)


def _unit_hint(text: str) -> str:
    from regionplan.plan.units import BASE_DEFINITIONS

    names = [d.split("=")[0].strip() for d in BASE_DEFINITIONS] + ["percent", "dimensionless"]
    close = _did_you_mean(text, names)
    return close or "domain units: " + ", ".join(names) + "; a plugin can add more"


def _year_of(label: str) -> float:
    return parse_period(label).time


def _check_targets(plan: Plan, extensions: Any) -> list[Problem]:
    from regionplan.plan.units import parse_unit

    out = []
    metrics = {m.id: m for m in plan.metrics}
    for t in plan.targets:
        metric: Metric | None = metrics.get(t.metric)
        if t.value_unit and metric is not None:
            try:
                tu = parse_unit(t.value_unit)
            except Exception:
                out.append(
                    _err(
                        P.UNKNOWN_UNIT,
                        f"the target '{t.id}' has an unknown unit '{t.value_unit}'",
                        t.location,
                        _unit_hint(t.value_unit),
                    )
                )
            else:
                try:
                    mu = parse_unit(metric.unit)
                except Exception:
                    mu = None
                if mu is not None and not _same_dimension(tu, mu):
                    out.append(
                        _err(
                            P.UNIT_MISMATCH,
                            f"the target '{t.id}' is in '{t.value_unit}', which does not fit "
                            f"the metric '{metric.id}' in '{metric.unit}'",
                            t.location,
                            f"write the target in a unit of the same dimension as '{metric.unit}'",
                        )
                    )
        if t.baseline and t.deadline and _year_of(t.deadline) <= _year_of(t.baseline):  # both parsed at load
            out.append(
                _err(
                    P.DEADLINE_BEFORE_BASELINE,
                    f"the target '{t.id}' has its deadline ({t.deadline}) before or at its "
                    f"baseline ({t.baseline})",
                    t.location,
                    "the deadline comes after the baseline",
                )
            )
        if t.kind is TargetKind.GROWTH_VS and t.other == t.metric:
            out.append(
                _err(
                    P.BAD_TARGET,
                    f"the target '{t.id}' compares '{t.metric}' with itself",
                    t.location,
                )
            )
        if t.projection not in extensions.projections:
            out.append(
                _err(
                    P.UNKNOWN_POLICY,
                    extensions.projections.unknown_message(t.projection),
                    t.location,
                )
            )
        if t.policy not in extensions.status_policies:
            out.append(
                _err(
                    P.UNKNOWN_POLICY,
                    extensions.status_policies.unknown_message(t.policy),
                    t.location,
                )
            )
        if t.weight <= 0:
            out.append(_err(P.BAD_VALUE, f"the target '{t.id}' needs a weight above 0", t.location))
    return out


def _check_region(plan: Plan) -> list[Problem]:
    from regionplan.data.areas import CodeChanges

    out = []
    changes = CodeChanges.bundled()
    start, end = plan.meta.start_date, plan.meta.end_date
    for m in plan.region.municipalities:
        name = m.name.get()
        for c in m.codes:
            if c.valid_from and c.valid_until and c.valid_until < c.valid_from:
                out.append(_err(P.BAD_VALUE, f"{name}: the code {c.code} ends before it starts", c.location))
            validity = changes.validity(c.code)
            if validity.valid_until is not None:
                # the records give the first day a code is no longer valid
                last_day = validity.valid_until - dt.timedelta(days=1)
                if c.valid_until is None or c.valid_until > last_day:
                    successors = ", ".join(changes.successors(c.code, validity.valid_until))
                    out.append(
                        _err(
                            P.CODE_NOT_VALID,
                            f"{name}: the code {c.code} ceased to be valid after {last_day}",
                            c.location,
                            f"add 'until: {last_day}' and list its successor ({successors})",
                        )
                    )
            if validity.valid_from and (c.valid_from is None or c.valid_from < validity.valid_from):
                out.append(
                    _err(
                        P.CODE_NOT_VALID,
                        f"{name}: the code {c.code} became valid only on {validity.valid_from}",
                        c.location,
                        f"add 'from: {validity.valid_from}' and list the code used before",
                    )
                )
        # Every day of the plan period needs a valid code: check the period's ends and
        # every day a code starts or stops.
        days = {start, end}
        for c in m.codes:
            for d in (c.valid_from, c.valid_until):
                if d and start <= d <= end:
                    days.add(d)
                    if d + dt.timedelta(days=1) <= end:
                        days.add(d + dt.timedelta(days=1))
        for day in sorted(days):
            if m.code_on(day) is None:
                out.append(
                    _err(
                        P.CODE_GAP,
                        f"{name} has no municipality code valid on {day}, within the plan period "
                        f"{plan.meta.period_start}-{plan.meta.period_end}",
                        m.location,
                        "list every code the municipality had, with 'from' and 'until' dates",
                    )
                )
                break
    return out


def _check_sdg(plan: Plan) -> list[Problem]:
    from regionplan.plan.sdg import catalogue

    known = catalogue()
    out = []
    for e in plan.elements:
        for code in e.sdg:
            if code not in known:
                out.append(
                    _err(
                        P.UNKNOWN_SDG,
                        f"the element '{e.id}' refers to SDG '{code}', which does not exist",
                        e.location,
                        _did_you_mean(code, known) or "use a goal number (8) or a target (8.5, 8.a)",
                    )
                )
    return out


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
                from regionplan.data.expressions import parse

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


def _plugin_problems(plan: Plan, graph: GoalGraph, extensions: Any) -> list[Problem]:
    out: list[Problem] = []
    hook = extensions.pm.hook.regionplan_validate_plan
    for impl in hook.get_hookimpls():
        try:
            found = impl.function(plan=plan, graph=graph)
        except Exception as exc:
            raise PluginError(f"plugin {impl.plugin_name!r} failed while validating: {exc}") from exc
        for p in found or ():
            if not isinstance(p, Problem):
                raise PluginError(f"plugin {impl.plugin_name!r} returned {p!r}, not a Problem")
            out.append(p)
    return out
