"""Text diagrams of a goal graph: an indented tree, Mermaid and Graphviz DOT.

They draw a plan before any evaluation (``regionplan graph``), optionally with a
status per node. Labels are escaped by the same rules as the ``md`` and ``dot``
report formats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from regionplan.evaluation.status import Status
from regionplan.plan.graph import GoalGraph, NodeKind
from regionplan.plan.model import Plan
from regionplan.report.renderers.dot import dot_string
from regionplan.report.renderers.markdown import mermaid_label

__all__ = ["STATUS_COLOURS", "graph_dot", "graph_mermaid", "graph_tree"]

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


def graph_tree(
    plan: Plan, g: GoalGraph, *, lang: str = "nb", status: Mapping[str, Status] | None = None
) -> str:
    """An indented tree from the roots down; an element with several parents appears under each."""
    lines: list[str] = []

    def walk(node: str, depth: int, seen: frozenset[str]) -> None:
        mark = f"[{status[node].symbol} {status[node].label.get(lang)}] " if status and node in status else ""
        kind = g.obj(node).kind.label.get(lang)
        lines.append(f"{'  ' * depth}- {mark}{_label(plan, g, node, lang)} ({kind}, {node})")
        for child in sorted(g.children(node), key=_order(plan)):
            if g.kind(child) == NodeKind.ELEMENT and child not in seen:
                walk(child, depth + 1, seen | {child})

    for root in sorted(g.roots(), key=_order(plan)):
        walk(root, 0, frozenset({root}))
    return "\n".join(lines)


def _order(plan: Plan) -> Callable[[str], int]:
    index = {e.id: i for i, e in enumerate(plan.elements)}
    return lambda node: index.get(node, len(index))


def _mermaid_id(node: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", node)


def graph_mermaid(
    plan: Plan, g: GoalGraph, *, lang: str = "nb", status: Mapping[str, Status] | None = None
) -> str:
    """A Mermaid flowchart, parents above children, coloured by status when given."""
    lines = ["graph BT"]
    nodes = _top_down(g)
    for node in nodes:
        label = _label(plan, g, node, lang)
        if status and node in status:
            label = f"{status[node].symbol} {label}"
        lines.append(f'    {_mermaid_id(node)}["{mermaid_label(label)}"]')
    for node in nodes:
        for parent in g.parents(node):
            w = g.weight(node, parent)
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
    plan: Plan, g: GoalGraph, *, lang: str = "nb", status: Mapping[str, Status] | None = None
) -> str:
    """A Graphviz digraph, coloured by status when given."""
    lines = [
        "digraph goals {",
        "  rankdir=BT;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff"];',
    ]
    for node in _top_down(g):
        label = _label(plan, g, node, lang)
        attrs = f"label={dot_string(label)}"
        if status and node in status:
            s = status[node]
            attrs = f'label={dot_string(s.symbol + " " + label)}, fillcolor="{STATUS_COLOURS[s]}", fontcolor="#ffffff"'
        lines.append(f"  {dot_string(node)} [{attrs}];")
    for node in _top_down(g):
        for parent in g.parents(node):
            w = g.weight(node, parent)
            extra = f' [label="{w:g}"]' if w != 1 else ""
            lines.append(f"  {dot_string(node)} -> {dot_string(parent)}{extra};")
    lines.append("}")
    return "\n".join(lines)
