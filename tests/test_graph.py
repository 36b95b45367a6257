"""The goal graph: roll-up order, cycles, weights, frozen views and domain queries."""

from __future__ import annotations

import datetime as dt
import itertools

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from regionplan.plan.graph import EdgeKind, GoalGraph, NodeKind
from regionplan.plan.model import (
    Actor,
    Contribution,
    Direction,
    Element,
    ElementKind,
    Label,
    Metric,
    Plan,
    PlanMeta,
    Responsibility,
    Role,
    Target,
    TargetKind,
)
from strategies import dags, graph_plan, region_of


def el(id: str, kind: ElementKind, *parents: str | tuple[str, float], **kw: object) -> Element:
    contributions = tuple(Contribution(*p) if isinstance(p, tuple) else Contribution(p) for p in parents)
    return Element(id, kind, Label.of(id), contributes_to=contributions, **kw)  # type: ignore[arg-type]


V, MAIN, SUB, ACT, PROJ = (
    ElementKind.VISION,
    ElementKind.MAIN_GOAL,
    ElementKind.SUB_GOAL,
    ElementKind.ACTION,
    ElementKind.PROJECT,
)


@pytest.fixture
def plan() -> Plan:
    return Plan(
        PlanMeta("p", Label.of("P"), 2024, 2030),
        region_of(),
        actors=(Actor("council", Label.of("C")), Actor("nes", Label.of("Nes"))),
        elements=(
            el("vision", V),
            el("m1", MAIN, "vision"),
            el("m2", MAIN, "vision"),
            el("s1", SUB, ("m1", 2.0), ("m2", 0.5), sdg=("8.5",)),
            el("s2", SUB, "m2", sdg=("8",)),
            el("s3", SUB, "m1", sdg=("11.2",)),
            el(
                "a1",
                ACT,
                "s1",
                responsible=(Responsibility("council"), Responsibility("nes", Role.CONTRIBUTOR)),
            ),
            el("p1", PROJ, "a1", responsible=(Responsibility("nes"),)),
        ),
        metrics=(Metric("jobs", Label.of("Jobs"), "job", Direction.INCREASE),),
        targets=(Target("t1", "s1", "jobs", TargetKind.LEVEL, value=1.0, weight=3.0),),
    )


@given(dags())
def test_rollup_order_puts_children_before_parents(
    dag: tuple[list[str], list[tuple[str, str, float]]],
) -> None:
    ids, edges = dag
    graph = GoalGraph.from_plan(graph_plan(ids, edges))
    order = graph.rollup_order()
    assert sorted(order) == sorted(ids)
    position = {n: i for i, n in enumerate(order)}
    for child, parent, _ in edges:
        assert position[child] < position[parent]
    assert graph.find_cycle() is None
    assert graph.is_acyclic()


@given(dags(min_nodes=2), st.data())
def test_a_back_edge_makes_a_real_cycle(
    dag: tuple[list[str], list[tuple[str, str, float]]], data: st.DataObject
) -> None:
    ids, edges = dag
    # pick a path child -> ... -> ancestor and add a link back from the ancestor to the child
    with_edges = [e for e in edges]
    if not with_edges:
        with_edges = [(ids[0], ids[1], 1.0)]
    child, parent, _ = data.draw(st.sampled_from(with_edges))
    g = nx.DiGraph([(c, p) for c, p, _ in with_edges])
    ancestor = data.draw(st.sampled_from(sorted(nx.descendants(g, child))))
    assert ancestor != child
    back = [*with_edges, (ancestor, child, 1.0)]
    graph = GoalGraph.from_plan(graph_plan(ids, back))
    cycle = graph.find_cycle()
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    links = {(c, p) for c, p, _ in back}
    for u, v in itertools.pairwise(cycle):
        assert (u, v) in links
    assert not graph.is_acyclic()
    with pytest.raises(nx.NetworkXUnfeasible):
        graph.rollup_order()
    del parent


def test_multi_parent_weights(plan: Plan) -> None:
    g = GoalGraph.from_plan(plan)
    assert sorted(g.parents("s1")) == ["m1", "m2"]
    assert g.weight("s1", "m1") == 2.0
    assert g.weight("s1", "m2") == 0.5
    assert g.weight("t1", "s1") == 3.0
    assert sorted(g.children("s1")) == ["a1", "t1"]
    assert g.targets_of("s1") == ["t1"]
    assert g.metrics_of("s1") == ["jobs"]
    assert g.all_parents("p1") == {"a1", "s1", "m1", "m2", "vision"}
    assert g.all_children("m2") == {"s1", "s2", "a1", "p1", "t1"}
    assert g.roots() == ["vision"]


def test_view_is_frozen_and_copy_is_not(plan: Plan) -> None:
    g = GoalGraph.from_plan(plan)
    view = g.view()
    with pytest.raises(nx.NetworkXError):
        view.add_node("intruder")
    with pytest.raises(nx.NetworkXError):
        view.remove_edge("s1", "m1")
    cg = g.contribution_graph()
    with pytest.raises(nx.NetworkXError):
        cg.add_edge("vision", "p1")
    copy = g.copy()
    copy.add_edge("vision", "p1", kind=EdgeKind.CONTRIBUTES_TO)
    assert g.find_cycle() is None
    assert "intruder" not in g
    assert all(k == EdgeKind.CONTRIBUTES_TO for _, _, k in cg.edges(data="kind"))


def test_elements_by_actor(plan: Plan) -> None:
    g = GoalGraph.from_plan(plan)
    assert g.elements_by_actor("council") == ["a1"]
    assert sorted(g.elements_by_actor("nes")) == ["a1", "p1"]
    assert g.elements_by_actor("nes", Role.OWNER) == ["p1"]
    assert g.elements_by_actor("nes", Role.CONTRIBUTOR) == ["a1"]
    assert sorted(g.actors_of("a1")) == [("council", "owner"), ("nes", "contributor")]


def test_elements_by_sdg(plan: Plan) -> None:
    g = GoalGraph.from_plan(plan)
    assert g.elements_by_sdg("8") == ["s1", "s2"]  # "8" matches "8.5" and "8"
    assert g.elements_by_sdg("8.5") == ["s1"]
    assert g.elements_by_sdg("11") == ["s3"]
    assert g.elements_by_sdg("1") == []  # not "11.2"
    assert g.sdgs() == ["8", "8.5", "11.2"]


def test_path_to_vision(plan: Plan) -> None:
    g = GoalGraph.from_plan(plan)
    assert g.path_to_vision("p1") in (["p1", "a1", "s1", "m1", "vision"], ["p1", "a1", "s1", "m2", "vision"])
    assert len(g.paths_to_vision("p1")) == 2
    assert g.path_to_vision("vision") == ["vision"]
    assert g.path_to_vision("t1")[0] == "t1" and g.path_to_vision("t1")[-1] == "vision"


def test_subgraph_and_around(plan: Plan) -> None:
    g = GoalGraph.from_plan(plan)
    sub = g.subgraph(["s1", "m1", "vision"])
    assert len(sub) == 3
    assert sub.parents("s1") == ["m1"]
    assert sub.kind("s1") == NodeKind.ELEMENT
    assert len(g) > len(sub)  # the original is untouched
    around = g.around("s2")
    assert set(around.nodes()) == {"s2", "m2", "vision"}


def test_unknown_references_are_skipped() -> None:
    plan = Plan(
        PlanMeta("p", Label.of("P"), 2024, 2030),
        region_of(),
        elements=(el("vision", V), el("g", MAIN, "visoin")),
        targets=(Target("t", "nowhere", "jobs", TargetKind.LEVEL, value=1.0),),
    )
    g = GoalGraph.from_plan(plan)
    assert g.parents("g") == []
    assert g.children("vision") == []
    assert sorted(g.roots()) == ["g", "vision"]
    assert dt.date(2024, 1, 1) == plan.meta.start_date
