"""The goal graph: a plan's elements and how they hang together.

:class:`GoalGraph` wraps a :class:`networkx.DiGraph` keyed by string ids (it does
not subclass it). Nodes are elements, targets, metrics, actors and UN SDG
targets (``sdg:8.5``); each node has a ``kind`` and the domain object under
``obj``. Edges have a ``kind``:

* ``contributes_to`` — child to parent, with a ``weight`` (an element may have
  several parents; a target contributes to the element it measures);
* ``measured_by`` — element to metric, with ``targets``: the ids of every target that
  measures the element with the metric (each target is a node of its own);
* ``responsible_for`` — actor to element, with a ``role`` (owner or contributor);
* ``aligned_with`` — element to an SDG target or another framework.

Only ``contributes_to`` edges must be acyclic; roll-up walks them bottom-up.
Callers get frozen views or copies, never the internal graph. Edges with equal attributes
share one attribute dictionary, so read a view's attributes, never change them; :meth:`GoalGraph.copy`
gives a graph of your own.

Edges point from a child to what it contributes to, so in networkx's words the things a node
contributes to are its *descendants* (``nx.descendants``), and what contributes to it its
*ancestors*: the opposite of a family tree. To say which is meant, :meth:`GoalGraph.all_parents`
(everything a node contributes to) and :meth:`GoalGraph.all_children` (everything that
contributes to it) are named after :meth:`~GoalGraph.parents` and :meth:`~GoalGraph.children`;
the older ``ancestors`` and ``descendants`` are deprecated.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from regionplan.plan.model import Element, ElementKind, Plan, Role

__all__ = ["EdgeKind", "GoalGraph", "NodeKind"]


class NodeKind:
    ELEMENT = "element"
    TARGET = "target"
    METRIC = "metric"
    ACTOR = "actor"
    SDG = "sdg"
    FRAMEWORK = "framework"


class EdgeKind:
    CONTRIBUTES_TO = "contributes_to"
    MEASURED_BY = "measured_by"
    RESPONSIBLE_FOR = "responsible_for"
    ALIGNED_WITH = "aligned_with"


def sdg_node(code: str) -> str:
    return f"sdg:{code}"


def _contributions_of(neighbours: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The contributes-to edges among a node's neighbours: the very dictionary when all are."""
    kept = {n: d for n, d in neighbours.items() if d["kind"] == EdgeKind.CONTRIBUTES_TO}
    return neighbours if len(kept) == len(neighbours) else kept


class GoalGraph:
    """A plan as a graph. Build it with :meth:`from_plan`."""

    def __init__(self, graph: nx.DiGraph) -> None:
        self._g = graph
        # The contributes-to edges as a graph of their own: cycle checks, ancestry and
        # roll-up order walk it often, and a filtered view of the whole graph is slow.
        contributions = nx.DiGraph()
        # Every node with its attributes: the whole graph's node table itself, not a table and
        # an empty attribute dictionary per node again (a third of this graph on a large plan).
        contributions._node = graph._node
        # A node's neighbours here are its neighbours in the whole graph whenever all of them
        # are contributes-to edges (a target's parent; no neighbours at all): the whole graph's
        # dictionary is shared then, not copied; neither graph changes once built. The edges'
        # attributes are the whole graph's too, not copies as networkx's add_edge makes.
        contributions._succ.update((n, _contributions_of(nbrs)) for n, nbrs in graph._succ.items())
        contributions._pred.update((n, _contributions_of(nbrs)) for n, nbrs in graph._pred.items())
        self._contributions = nx.freeze(contributions)

    # -- construction -----------------------------------------------------------------

    @classmethod
    def from_plan(cls, plan: Plan) -> GoalGraph:
        """Build the graph of a plan. Unknown references are skipped (validation reports them)."""
        g = nx.DiGraph()
        for actor in plan.actors:
            g.add_node(actor.id, kind=NodeKind.ACTOR, obj=actor)
        for metric in plan.metrics:
            g.add_node(metric.id, kind=NodeKind.METRIC, obj=metric)
        for element in plan.elements:
            g.add_node(element.id, kind=NodeKind.ELEMENT, obj=element)
        for target in plan.targets:
            g.add_node(target.id, kind=NodeKind.TARGET, obj=target)
        shared: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}

        def link(child: str, parent: str, **data: Any) -> None:
            # Edges with equal attributes share one dictionary (networkx makes one per edge):
            # the graph is never changed once built, and on a large plan most edges are alike.
            key = tuple((name, repr(value)) for name, value in data.items())
            g._succ[child][parent] = g._pred[parent][child] = shared.setdefault(key, data)

        for element in plan.elements:
            for c in element.contributes_to:
                if _is(g, c.parent, NodeKind.ELEMENT):
                    link(element.id, c.parent, kind=EdgeKind.CONTRIBUTES_TO, weight=c.weight)
            for r in element.responsible:
                if _is(g, r.actor, NodeKind.ACTOR):
                    link(r.actor, element.id, kind=EdgeKind.RESPONSIBLE_FOR, role=r.role.value)
            for code in element.sdg:
                node = sdg_node(code)
                g.add_node(node, kind=NodeKind.SDG, code=code)
                link(element.id, node, kind=EdgeKind.ALIGNED_WITH)
            for name in element.aligned_with:
                node = f"framework:{name}"
                g.add_node(node, kind=NodeKind.FRAMEWORK, code=name)
                link(element.id, node, kind=EdgeKind.ALIGNED_WITH)
        for target in plan.targets:
            if _is(g, target.element, NodeKind.ELEMENT):
                link(target.id, target.element, kind=EdgeKind.CONTRIBUTES_TO, weight=target.weight)
                if _is(g, target.metric, NodeKind.METRIC):
                    # one edge per element and metric, however many targets measure it with the
                    # metric (its own attributes: they grow with each target)
                    before = g.get_edge_data(target.element, target.metric, {}).get("targets", ())
                    g.add_edge(
                        target.element, target.metric, kind=EdgeKind.MEASURED_BY, targets=(*before, target.id)
                    )
        return cls(g)

    @classmethod
    def of(cls, plan: Plan) -> GoalGraph:
        """The graph of ``plan``, built once per plan object and kept while the plan lives.

        A plan is immutable and the graph hands out only frozen views and copies, so every
        evaluation of the same plan can share one graph instead of building it again.
        """
        key = id(plan)
        found = _BUILT.get(key)
        if found is not None and found[0]() is plan:
            return found[1]
        graph = cls.from_plan(plan)
        _BUILT[key] = (weakref.ref(plan, lambda _: _BUILT.pop(key, None)), graph)  # key: this call's
        return graph

    # -- views --------------------------------------------------------------------------

    def view(self) -> nx.DiGraph:
        """A frozen view of the whole graph (read-only)."""
        return nx.freeze(self._g.copy(as_view=True))

    def contribution_graph(self) -> nx.DiGraph:
        """A frozen view of the contributes-to edges only (child -> parent), on every node with its attributes."""
        return self._contributions

    def copy(self) -> nx.DiGraph:
        """A mutable copy of the whole graph, yours to change."""
        return self._g.copy()

    def __contains__(self, node: object) -> bool:
        return node in self._g

    def __len__(self) -> int:
        return int(self._g.number_of_nodes())

    def node(self, node_id: str) -> dict[str, Any]:
        """The attributes of a node (a copy)."""
        return dict(self._g.nodes[node_id])

    def kind(self, node_id: str) -> str:
        return str(self._g.nodes[node_id]["kind"])

    def obj(self, node_id: str) -> Any:
        return self._g.nodes[node_id].get("obj")

    def nodes(self, kind: str | None = None) -> list[str]:
        return [n for n, k in self._g.nodes(data="kind") if kind is None or k == kind]

    # -- structure ------------------------------------------------------------------------

    def parents(self, node_id: str) -> list[str]:
        """What ``node_id`` contributes to directly."""
        return [v for _, v, k in self._g.out_edges(node_id, data="kind") if k == EdgeKind.CONTRIBUTES_TO]

    def children(self, node_id: str) -> list[str]:
        """What contributes to ``node_id`` directly (elements and targets)."""
        return [u for u, _, k in self._g.in_edges(node_id, data="kind") if k == EdgeKind.CONTRIBUTES_TO]

    def weight(self, child: str, parent: str) -> float:
        return float(self._g.edges[child, parent].get("weight", 1.0))

    def all_parents(self, node_id: str) -> set[str]:
        """Everything ``node_id`` contributes to, directly or through others.

        ``nx.descendants(graph.contribution_graph(), node_id)``: edges point child to parent.
        """
        return set(nx.descendants(self.contribution_graph(), node_id))

    def all_children(self, node_id: str) -> set[str]:
        """Everything that contributes to ``node_id``, directly or through others.

        ``nx.ancestors(graph.contribution_graph(), node_id)``: edges point child to parent.
        """
        return set(nx.ancestors(self.contribution_graph(), node_id))

    def ancestors(self, node_id: str) -> set[str]:
        """Deprecated: :meth:`all_parents` (the opposite of ``nx.ancestors`` on this graph)."""
        _renamed("ancestors", "all_parents")
        return self.all_parents(node_id)

    def descendants(self, node_id: str) -> set[str]:
        """Deprecated: :meth:`all_children` (the opposite of ``nx.descendants`` on this graph)."""
        _renamed("descendants", "all_children")
        return self.all_children(node_id)

    def roots(self) -> list[str]:
        """Elements that contribute to nothing (normally the vision)."""
        return [n for n in self.nodes(NodeKind.ELEMENT) if not self.parents(n)]

    def paths_to_vision(self, node_id: str) -> list[list[str]]:
        """Every contributes-to path from ``node_id`` up to a vision element."""
        cg = self.contribution_graph()
        visions = [n for n in self.nodes(NodeKind.ELEMENT) if self.obj(n).kind is ElementKind.VISION]
        paths: list[list[str]] = []
        for v in visions:
            if v == node_id:
                paths.append([node_id])
            elif v in cg and node_id in cg:
                paths.extend(nx.all_simple_paths(cg, node_id, v))
        return sorted(paths, key=len)

    def path_to_vision(self, node_id: str) -> list[str]:
        """The shortest path from ``node_id`` up to the vision, or ``[]``."""
        paths = self.paths_to_vision(node_id)
        return paths[0] if paths else []

    def find_cycle(self) -> list[str] | None:
        """A cycle of contributes-to edges as a list of ids, or ``None`` if there is none."""
        cg = self.contribution_graph()
        if nx.is_directed_acyclic_graph(cg):  # much faster than searching for a cycle
            return None
        try:
            edges = nx.find_cycle(cg)
        except nx.NetworkXNoCycle:
            return None
        return [u for u, _ in edges] + [edges[0][0]]

    def is_acyclic(self) -> bool:
        return bool(nx.is_directed_acyclic_graph(self.contribution_graph()))

    def rollup_order(self) -> list[str]:
        """Element and target ids, every child before its parents (for bottom-up roll-up).

        Raises:
            networkx.NetworkXUnfeasible: the contributes-to edges have a cycle.
        """
        cg = self.contribution_graph()
        keep = {n for n in cg if self.kind(n) in {NodeKind.ELEMENT, NodeKind.TARGET}}
        return [n for n in nx.topological_sort(cg) if n in keep]

    # -- domain queries ----------------------------------------------------------------------

    def elements_by_actor(self, actor_id: str, role: Role | None = None) -> list[str]:
        """Elements an actor is responsible for (optionally in one role)."""
        return [
            v
            for _, v, data in self._g.out_edges(actor_id, data=True)
            if data["kind"] == EdgeKind.RESPONSIBLE_FOR and (role is None or data["role"] == role.value)
        ]

    def actors_of(self, element_id: str) -> list[tuple[str, str]]:
        """(actor id, role) pairs responsible for an element."""
        return [
            (u, str(data["role"]))
            for u, _, data in self._g.in_edges(element_id, data=True)
            if data["kind"] == EdgeKind.RESPONSIBLE_FOR
        ]

    def elements_by_sdg(self, code: str) -> list[str]:
        """Elements aligned with an SDG goal (``"8"``) or target (``"8.5"``)."""
        out: list[str] = []
        for n, data in self._g.nodes(data=True):
            if data.get("kind") != NodeKind.SDG:
                continue
            node_code = str(data["code"])
            if node_code == code or node_code.split(".")[0] == code:
                out.extend(u for u, _ in self._g.in_edges(n))
        return sorted(set(out))

    def sdgs(self) -> list[str]:
        """The SDG codes the plan is aligned with."""
        return sorted(
            (str(d["code"]) for _, d in self._g.nodes(data=True) if d.get("kind") == NodeKind.SDG),
            key=_sdg_key,
        )

    def metrics_of(self, element_id: str) -> list[str]:
        """Metrics that measure an element."""
        return [v for _, v, k in self._g.out_edges(element_id, data="kind") if k == EdgeKind.MEASURED_BY]

    def targets_of(self, element_id: str) -> list[str]:
        return [c for c in self.children(element_id) if self.kind(c) == NodeKind.TARGET]

    def elements(self, kind: ElementKind | None = None) -> Iterator[Element]:
        for n in self.nodes(NodeKind.ELEMENT):
            element = self.obj(n)
            if kind is None or element.kind is kind:
                yield element

    def subgraph(self, nodes: Iterable[str]) -> GoalGraph:
        """A new goal graph of ``nodes`` and the edges among them."""
        return GoalGraph(self._g.subgraph(list(nodes)).copy())

    def around(self, node_id: str) -> GoalGraph:
        """The node with everything it contributes to and everything contributing to it."""
        keep = {node_id} | self.all_parents(node_id) | self.all_children(node_id)
        return self.subgraph(keep)


#: Graphs built by :meth:`GoalGraph.of`, by the id of their plan (with a weak reference to
#: it, so an id reused by a later plan is not mistaken for it, and the entry goes with the plan).
_BUILT: dict[int, tuple[weakref.ReferenceType[Plan], GoalGraph]] = {}


def _renamed(old: str, new: str) -> None:
    warnings.warn(
        f"GoalGraph.{old} is deprecated: its direction is the opposite of networkx's {old} on the "
        f"same graph; use GoalGraph.{new}",
        DeprecationWarning,
        stacklevel=3,
    )


def _is(g: nx.DiGraph, node: str, kind: str) -> bool:
    return node in g and g.nodes[node].get("kind") == kind


def _sdg_key(code: str) -> tuple[int, str]:
    head, _, tail = code.partition(".")
    return (int(head) if head.isdigit() else 99, tail.zfill(3))
