"""How much of a goal hierarchy to draw: depth, element kinds, measured parts only.

The same rules serve ``regionplan graph`` (on a plan's goal graph) and the reports
(on a report's diagram): a node's depth is its shortest distance from a root (the
vision is 0, a main goal 1, a sub-goal 2); a node is *measured* when a target lies
at or below it. Where a filter hides a node, its visible descendants attach to the
nearest visible ancestors, so a filtered diagram stays connected.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping

import attrs

from regionplan.report.model import Diagram, DiagramEdge, TreeNode

__all__ = [
    "GOAL_KINDS",
    "KINDS_APART",
    "depths",
    "lifted_edges",
    "measured",
    "overview",
    "select",
    "subtree_statuses",
    "tree_without",
]

#: Element kinds reports list in sections of their own rather than in the goal tree.
KINDS_APART: tuple[str, ...] = ("open_question", "framework_condition")


def depths(roots: Iterable[str], children: Callable[[str], Iterable[str]]) -> dict[str, int]:
    """Every node reachable from ``roots`` with its shortest distance from one."""
    out: dict[str, int] = {}
    queue: deque[str] = deque()
    for r in roots:
        if r not in out:
            out[r] = 0
            queue.append(r)
    while queue:
        node = queue.popleft()
        for child in children(node):
            if child not in out:
                out[child] = out[node] + 1
                queue.append(child)
    return out


def measured(
    nodes: Iterable[str], children: Callable[[str], Iterable[str]], is_target: Callable[[str], bool]
) -> set[str]:
    """The nodes with a target at or below them."""
    memo: dict[str, bool] = {}

    def has(node: str, path: frozenset[str]) -> bool:
        if node in memo:
            return memo[node]
        found = is_target(node) or any(has(c, path | {node}) for c in children(node) if c not in path)
        memo[node] = found
        return found

    return {n for n in nodes if has(n, frozenset())}


def select(
    nodes: Iterable[str],
    *,
    depth_of: Mapping[str, int],
    kind_of: Callable[[str], str],
    measured_nodes: Collection[str] | None = None,
    depth: int | None = None,
    kinds: Collection[str] = (),
    keep: Callable[[str], bool] = lambda _n: False,
) -> list[str]:
    """The nodes to draw, in the given order.

    Args:
        depth: the deepest level drawn (``None``: all).
        kinds: the element kinds drawn (empty: all).
        measured_nodes: draw only these (``None``: all).
        keep: nodes drawn whatever their depth and kind (targets under a drawn element).
    """
    out: list[str] = []
    for n in nodes:
        if measured_nodes is not None and n not in measured_nodes:
            continue
        if keep(n) or ((depth is None or depth_of.get(n, 0) <= depth) and (not kinds or kind_of(n) in kinds)):
            out.append(n)
    return out


def lifted_edges(
    shown: Collection[str],
    parents: Callable[[str], Iterable[str]],
    weight: Callable[[str, str], float],
    through: Callable[[str], bool] = lambda _n: True,
) -> list[tuple[str, str, float]]:
    """Edges (child, parent, weight) among ``shown``; a hidden parent for which ``through`` holds
    is passed through to the nearest shown ancestors (weight 1 for such a lifted edge)."""
    out: list[tuple[str, str, float]] = []
    members = set(shown)
    for node in shown:  # in the caller's order: the output is deterministic
        seen: set[str] = set()
        for parent in parents(node):
            if parent in members:
                if parent not in seen:
                    out.append((node, parent, weight(node, parent)))
                    seen.add(parent)
                continue
            if not through(parent):
                continue
            stack, visited = [parent], {parent}
            while stack:
                up = stack.pop()
                for p in parents(up):
                    if p in visited:
                        continue
                    visited.add(p)
                    if p in members:
                        if p not in seen:
                            out.append((node, p, 1.0))
                            seen.add(p)
                    elif through(p):
                        stack.append(p)
    return out


def tree_without(tree: tuple[TreeNode, ...], drop: Callable[[str], bool]) -> tuple[TreeNode, ...]:
    """The tree without the nodes ``drop`` names; their children move up to their place."""
    out: list[TreeNode] = []
    for node in tree:
        kids = tree_without(node.children, drop)
        if drop(node.id):
            out.extend(kids)
        else:
            out.append(attrs.evolve(node, children=kids))
    return tuple(out)


def subtree_statuses(tree: tuple[TreeNode, ...], status_of: Callable[[str], str]) -> dict[str, set[str]]:
    """Per node, the statuses at or below it (``status_of`` gives ``""`` for not measured)."""
    out: dict[str, set[str]] = {}

    def walk(node: TreeNode) -> set[str]:
        found = {status_of(node.id)}
        for child in node.children:
            found |= walk(child)
        out.setdefault(node.id, set()).update(found)
        return found

    for root in tree:
        walk(root)
    return out


#: The element kinds of a report's overview diagram.
GOAL_KINDS: tuple[str, ...] = ("vision", "main_goal", "sub_goal")


def overview(diagram: Diagram, *, depth: int = 2, kinds: Collection[str] = GOAL_KINDS) -> Diagram:
    """A report's goal diagram cut to ``depth`` and ``kinds``, with every target kept and
    attached to its nearest shown goal (the whole hierarchy stays in the report's tables)."""
    parents: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    weights: dict[tuple[str, str], float] = {}
    for e in diagram.edges:
        parents.setdefault(e.source, []).append(e.target)
        children.setdefault(e.target, []).append(e.source)
        weights[e.source, e.target] = e.weight
    kind = {n.id: n.kind for n in diagram.nodes}
    level = depths((t.id for t in diagram.tree), lambda n: children.get(n, []))
    shown = select(
        [n.id for n in diagram.nodes],
        depth_of=level,
        kind_of=lambda n: kind[n],
        depth=depth,
        kinds=kinds,
        keep=lambda n: kind[n] == "target",
    )
    keep = set(shown)
    edges = lifted_edges(shown, lambda n: parents.get(n, []), lambda c, p: weights[c, p])
    return Diagram(
        tuple(n for n in diagram.nodes if n.id in keep),
        tuple(DiagramEdge(c, p, w) for c, p, w in edges),
        tree_without(diagram.tree, lambda n: n not in keep),
    )
