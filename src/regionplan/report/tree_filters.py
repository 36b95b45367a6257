"""The goal tree's filters by actor and by focus area, for the HTML report (no script).

Each actor and each focus area gets a short token (``a1``, ``f1``, ... in report order, so no
plan text reaches the stylesheet). A row of the tree carries the tokens it answers to:
``data-actors``, the actors of it or of any part below it; ``data-focus``, the focus areas it
lies in, is, or leads to. A ``<select>`` per filter and one CSS rule per token hide the other
rows (``:has(option:checked)``): with nothing chosen, or without CSS, the whole tree shows.
"""

from __future__ import annotations

import attrs

from regionplan.report.figures import TreeNode
from regionplan.report.model import Report

__all__ = ["TreeFilters", "tree_filters"]


@attrs.frozen
class TreeFilters:
    """The choices (token, name) and each tree row's tokens, and the CSS that filters."""

    actors: tuple[tuple[str, str], ...]
    focus_areas: tuple[tuple[str, str], ...]
    actor_tokens: dict[str, str]
    focus_tokens: dict[str, str]
    css: str


def tree_filters(report: Report, tree: tuple[TreeNode, ...]) -> TreeFilters:
    """The filters of ``tree`` (the tree as the page shows it) from the report's actors and
    the focus areas in the tree."""
    actors = [
        (f"a{i}", a.name, {e.id for e in a.elements}) for i, a in enumerate(report.actors, 1) if a.elements
    ]
    kinds = {n.id: n.kind for n in report.diagram.nodes}
    labels = {n.id: n.label for n in report.diagram.nodes}
    focus_ids: list[str] = []
    actor_tokens: dict[str, set[str]] = {}
    focus_tokens: dict[str, set[str]] = {}

    def walk(node: TreeNode, above: frozenset[str]) -> tuple[set[str], set[str]]:
        """The actor and focus-area tokens at or below ``node``."""
        own_focus: set[str] = set()
        if kinds.get(node.id) == "focus_area":
            if node.id not in focus_ids:
                focus_ids.append(node.id)
            own_focus = {f"f{focus_ids.index(node.id) + 1}"}
        found_actors = {token for token, _, ids in actors if node.id in ids}
        found_focus = set(own_focus)
        for child in node.children:
            a, f = walk(child, above | own_focus)
            found_actors |= a
            found_focus |= f
        actor_tokens.setdefault(node.id, set()).update(found_actors)
        focus_tokens.setdefault(node.id, set()).update(found_focus | above)
        return found_actors, found_focus

    for root in tree:
        walk(root, frozenset())
    rules = [
        f'#goal-graph:has(#tf-actor option[value="{token}"]:checked) .tree li:not([data-actors~="{token}"])'
        for token, _, _ in actors
    ] + [
        f'#goal-graph:has(#tf-focus option[value="f{i}"]:checked) .tree li:not([data-focus~="f{i}"])'
        for i in range(1, len(focus_ids) + 1)
    ]
    return TreeFilters(
        actors=tuple((token, name) for token, name, _ in actors),
        focus_areas=tuple((f"f{i}", labels[fid]) for i, fid in enumerate(focus_ids, 1)),
        actor_tokens={k: " ".join(sorted(v)) for k, v in actor_tokens.items()},
        focus_tokens={k: " ".join(sorted(v)) for k, v in focus_tokens.items()},
        css=(",\n".join(rules) + " { display: none; }\n") if rules else "",
    )
