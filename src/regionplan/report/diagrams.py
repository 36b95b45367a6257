"""Text diagrams of a goal graph: an indented tree, Mermaid and Graphviz DOT.

They draw a plan before any evaluation (``regionplan graph``), optionally with a
status per node. Labels are escaped by the same rules as the ``md`` and ``dot``
report formats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping

from regionplan.evaluation.status import Status
from regionplan.plan.graph import GoalGraph, NodeKind
from regionplan.plan.model import Plan
from regionplan.report.depth import depths, lifted_edges, measured, select
from regionplan.report.renderers.dot import dot_string
from regionplan.report.renderers.markdown import mermaid_label

__all__ = ["STATUS_COLOURS", "graph_dot", "graph_mermaid", "graph_tree", "shown_elements"]

#: Fill colours by status (colour-blind-safe pairs with the text symbols).
STATUS_COLOURS: dict[Status, str] = {
    Status.ACHIEVED: "#1a7f37",
    Status.ON_TRACK: "#4c9be8",
    Status.OFF_TRACK: "#d1242f",
    Status.INSUFFICIENT_DATA: "#9a9a9a",
}


def _label(plan: Plan, g: GoalGraph, node: str, lang: str) -> str:
    obj = g.obj(node)
    title = obj.title.get(lang) if getattr(obj, "title", None) else ""
    number = getattr(obj, "number", "")
    text = f"{number} {title}".strip() if number else title
    return text or node


def _top_down(g: GoalGraph) -> list[str]:
    return [n for n in reversed(g.rollup_order()) if g.kind(n) == NodeKind.ELEMENT]


def _element_children(g: GoalGraph) -> Callable[[str], list[str]]:
    return lambda n: [c for c in g.children(n) if g.kind(c) == NodeKind.ELEMENT]


def shown_elements(
    g: GoalGraph,
    *,
    depth: int | None = None,
    kinds: Collection[str] = (),
    measured_only: bool = False,
    actors: Collection[str] = (),
    focus: Collection[str] = (),
) -> list[str]:
    """The elements a filtered diagram draws, parents first.

    ``depth``: the deepest level (the vision is 0, a main goal 1, a sub-goal 2); ``kinds``:
    element kinds (``ElementKind`` values, empty for all); ``measured_only``: only elements
    with a target at or below them; ``actors``: only elements any of these actors is
    responsible for, at or below them; ``focus``: only these focus areas, what lies in them
    and what they lead to (as the HTML report's tree filters).
    """
    nodes = _top_down(g)
    level = depths(g.roots(), _element_children(g))
    ticked = measured(nodes, g.children, lambda n: g.kind(n) == NodeKind.TARGET) if measured_only else None
    chosen = select(
        nodes,
        depth_of=level,
        kind_of=lambda n: g.obj(n).kind.value,
        measured_nodes=ticked,
        depth=depth,
        kinds=kinds,
    )
    if actors:
        theirs = [n for n in nodes if any(r.actor in actors for r in g.obj(n).responsible)]
        of_actors = set(theirs).union(*(g.all_parents(n) for n in theirs))
        chosen = [n for n in chosen if n in of_actors]
    if focus:
        in_focus = set().union(*({f} | g.all_children(f) | g.all_parents(f) for f in focus))
        chosen = [n for n in chosen if n in in_focus]
    return chosen


def graph_tree(
    plan: Plan,
    g: GoalGraph,
    *,
    lang: str = "nb",
    status: Mapping[str, Status] | None = None,
    shown: Collection[str] | None = None,
) -> str:
    """An indented tree from the roots down; an element with several parents appears under each.

    ``shown``: the elements to draw (:func:`shown_elements`); a hidden element's shown
    descendants move up to its place.
    """
    lines: list[str] = []
    keep = set(_top_down(g) if shown is None else shown)
    through = _through(g, keep)

    def visible_children(node: str, seen: frozenset[str]) -> list[str]:
        out: list[str] = []
        for child in sorted(_element_children(g)(node), key=_order(plan)):
            if child in seen:
                continue
            if child in keep:
                out.append(child)
            elif through(child):
                out += [c for c in visible_children(child, seen | {child}) if c not in out]
        return out

    def walk(node: str, depth: int, seen: frozenset[str]) -> None:
        mark = f"[{status[node].symbol} {status[node].label.get(lang)}] " if status and node in status else ""
        kind = g.obj(node).kind.label.get(lang)
        lines.append(f"{'  ' * depth}- {mark}{_label(plan, g, node, lang)} ({kind}, {node})")
        for child in visible_children(node, seen):
            walk(child, depth + 1, seen | {child})

    tops = [r for r in sorted(g.roots(), key=_order(plan))]
    starts = [r for r in tops if r in keep]
    starts += [c for r in tops if r not in keep for c in visible_children(r, frozenset({r}))]
    for root in dict.fromkeys(starts):
        walk(root, 0, frozenset({root}))
    return "\n".join(lines)


def _order(plan: Plan) -> Callable[[str], int]:
    index = {e.id: i for i, e in enumerate(plan.elements)}
    return lambda node: index.get(node, len(index))


def _mermaid_id(node: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", node)


def _through(g: GoalGraph, keep: Collection[str]) -> Callable[[str], bool]:
    """Hidden elements that shown ones may be lifted through: those no deeper than the
    deepest shown (deeper ones were cut by ``--depth``, with all below them)."""
    level = depths(g.roots(), _element_children(g))
    limit = max((level.get(n, 0) for n in keep), default=0)
    return lambda n: level.get(n, 0) <= limit


def _edges(g: GoalGraph, nodes: list[str]) -> list[tuple[str, str, float]]:
    return lifted_edges(nodes, g.parents, g.weight, _through(g, nodes))


def graph_mermaid(
    plan: Plan,
    g: GoalGraph,
    *,
    lang: str = "nb",
    status: Mapping[str, Status] | None = None,
    shown: Collection[str] | None = None,
) -> str:
    """A Mermaid flowchart, parents above children, coloured by status when given."""
    lines = ["graph BT"]
    nodes = [n for n in _top_down(g) if shown is None or n in shown]
    for node in nodes:
        label = _label(plan, g, node, lang)
        if status and node in status:
            label = f"{status[node].symbol} {label}"
        lines.append(f'    {_mermaid_id(node)}["{mermaid_label(label)}"]')
    for node, parent, w in _edges(g, nodes):
        arrow = f" -- {w:g} --> " if w != 1 else " --> "
        lines.append(f"    {_mermaid_id(node)}{arrow}{_mermaid_id(parent)}")
    if status:
        for s, colour in STATUS_COLOURS.items():
            lines.append(f"    classDef {s.value} fill:{colour},color:#fff,stroke:#333")
        for node in nodes:
            if node in status:
                lines.append(f"    class {_mermaid_id(node)} {status[node].value}")
    return "\n".join(lines)


def graph_dot(
    plan: Plan,
    g: GoalGraph,
    *,
    lang: str = "nb",
    status: Mapping[str, Status] | None = None,
    shown: Collection[str] | None = None,
) -> str:
    """A Graphviz digraph, coloured by status when given."""
    lines = [
        "digraph goals {",
        "  rankdir=BT;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff"];',
    ]
    nodes = [n for n in _top_down(g) if shown is None or n in shown]
    for node in nodes:
        label = _label(plan, g, node, lang)
        attrs = f"label={dot_string(label)}"
        if status and node in status:
            s = status[node]
            attrs = f'label={dot_string(s.symbol + " " + label)}, fillcolor="{STATUS_COLOURS[s]}", fontcolor="#ffffff"'
        lines.append(f"  {dot_string(node)} [{attrs}];")
    for node, parent, w in _edges(g, nodes):
        extra = f' [label="{w:g}"]' if w != 1 else ""
        lines.append(f"  {dot_string(node)} -> {dot_string(parent)}{extra};")
    lines.append("}")
    return "\n".join(lines)
