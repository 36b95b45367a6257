"""Checks of metrics: units, derived expressions (syntax, references, cycles, units), sources, weights.

Expressions are read with :mod:`regionplan.plan.expressions`; derived metrics are checked in
dependency order, so the units of derived operands are known.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from regionplan.errors import Problem
from regionplan.plan import problems as P
from regionplan.plan.model import Plan
from regionplan.plan.validation.common import _did_you_mean, _err, _unit_hint


def _check_metrics(plan: Plan, extensions: Any, in_memory: Collection[str] = ()) -> list[Problem]:
    """``in_memory``: metrics whose data are given with the plan (their sources are not read)."""
    from regionplan.plan import expressions, unitcache
    from regionplan.plan.unitcache import unit_dimensions

    out: list[Problem] = []
    units: dict[str, str] = {}  # metric -> its unit, when pint can read it
    for m in plan.metrics:
        if not m.unit:
            continue
        if unit_dimensions(m.unit) is not None:
            units[m.id] = m.unit
        else:
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
        elif not m.sources and m.id not in in_memory:
            out.append(
                _err(
                    P.NO_DATA_DEFINITION,
                    f"the metric '{m.id}' has neither a source nor 'derived'",
                    m.location,
                    "add 'source: {name: ..., ...}' or 'derived: <expression>'",
                )
            )
        for spec in m.sources if m.id not in in_memory else ():  # given data: the source is not read
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
            # a checker that raises, or answers other than a list of messages, is a broken plugin
            plugin = extensions.sources.plugin_of(spec.name)
            what = f"the data source {spec.name!r} (check_query)"
            with extensions.guard(plugin, what):
                messages = extensions.sources.get(spec.name).check_query(spec.query)
            if not isinstance(messages, list | tuple) or not all(isinstance(x, str) for x in messages):
                raise extensions.fault(plugin, f"{what} returned {messages!r:.80}, not a list of messages")
            for message in messages:
                out.append(_err(P.SOURCE, f"the metric '{m.id}': {message}", spec.location or m.location))
        if m.projection_min_points < 3:
            out.append(
                _err(
                    P.BAD_VALUE,
                    f"the metric '{m.id}' has projection_min_points {m.projection_min_points}: at least 3",
                    m.location,
                    "a projection needs three observations for an interval; the default is 5",
                )
            )
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
    unitcache.save()
    return out


def _check_derived_cycles_and_units(
    plan: Plan, parsed: dict[str, Any], units: dict[str, str]
) -> list[Problem]:
    import networkx as nx

    from regionplan.plan import unitcache

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
        # the answers of pint, from the cross-run cache when it has them (no pint import)
        kind, dimensions, said = unitcache.derived_unit(expr.text, {r: units[r] for r in expr.references})
        if kind == "error":
            out.append(_err(P.EXPRESSION_UNITS, f"the metric '{mid}': {said}", m.location))
            continue
        if dimensions != unitcache.unit_dimensions(units[mid]):
            out.append(
                _err(
                    P.EXPRESSION_UNITS,
                    f"the metric '{mid}' is declared in '{m.unit}' but its expression gives '{said}'",
                    m.location,
                    "change the unit, or the expression (share() gives percent)",
                )
            )
    return out
