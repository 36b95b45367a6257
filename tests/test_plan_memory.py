"""What keeps a large plan small in memory: one goal graph per plan, shared texts and edge
attributes. Each test states the sharing and that the values are what they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionplan.plan.files import validate_plan
from regionplan.plan.graph import EdgeKind, GoalGraph
from regionplan.plan.model import (
    Actor,
    Contribution,
    Element,
    ElementKind,
    Label,
    Plan,
    PlanMeta,
    Responsibility,
    Role,
)
from regionplan.plan.nodes import MapNode, ScalarNode, SeqNode, load_yaml
from strategies import region_of

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen"


def test_validation_builds_the_graph_that_evaluation_then_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Plan] = []
    build = GoalGraph.from_plan.__func__  # type: ignore[attr-defined]

    def counting(cls: type[GoalGraph], plan: Plan) -> GoalGraph:
        built.append(plan)
        return build(cls, plan)  # type: ignore[no-any-return]

    monkeypatch.setattr(GoalGraph, "from_plan", classmethod(counting))
    validation = validate_plan(EXAMPLE)
    assert validation.ok and validation.plan is not None
    graph = GoalGraph.of(validation.plan)
    assert built == [validation.plan]  # built once, while checking; not again for evaluation
    assert GoalGraph.of(validation.plan) is graph


def test_short_texts_repeated_in_a_file_are_one_string() -> None:
    long = "x" * 100
    root = load_yaml("f.yaml", f"a: [goal-1, 'goal-1']\nb: goal-1\nc: [{long}, {long}]\n")
    assert isinstance(root, MapNode)
    (_, a), (_, b), (_, c) = root.items
    assert isinstance(a, SeqNode) and isinstance(b, ScalarNode) and isinstance(c, SeqNode)
    first, quoted = a.items
    assert isinstance(first, ScalarNode) and isinstance(quoted, ScalarNode)
    assert first.text is quoted.text is b.text == "goal-1"
    assert (first.quoted, quoted.quoted) == (False, True)  # how each was written is kept
    assert (first.location.line, first.location.column, b.location.line) == (1, 5, 2)
    one, two = c.items
    assert isinstance(one, ScalarNode) and isinstance(two, ScalarNode)
    assert one.text == two.text == long and one.text is not two.text  # long texts seldom repeat


def _plan() -> Plan:
    def element(id: str, kind: ElementKind, *parents: Contribution, **kw: object) -> Element:
        return Element(id, kind, Label.of(id), contributes_to=parents, **kw)  # type: ignore[arg-type]

    return Plan(
        PlanMeta("p", Label.of("P"), 2024, 2030),
        region_of(),
        actors=(Actor("council", Label.of("C")),),
        elements=(
            element("vision", ElementKind.VISION),
            element("m1", ElementKind.MAIN_GOAL, Contribution("vision")),
            element("m2", ElementKind.MAIN_GOAL, Contribution("vision", 2.0)),
            element("s1", ElementKind.SUB_GOAL, Contribution("m1"), responsible=(Responsibility("council"),)),
            element(
                "s2",
                ElementKind.SUB_GOAL,
                Contribution("m1", 3.0),
                Contribution("m1", 0.5),  # the same parent twice: the last weight counts, as before
                responsible=(Responsibility("council", Role.CONTRIBUTOR),),
            ),
        ),
    )


def test_edges_with_equal_attributes_share_one_dictionary() -> None:
    graph = GoalGraph.from_plan(_plan())
    edges = graph.view().edges
    assert edges["m1", "vision"] is edges["s1", "m1"]
    assert edges["m1", "vision"] == {"kind": EdgeKind.CONTRIBUTES_TO, "weight": 1.0}
    assert edges["m2", "vision"]["weight"] == 2.0
    assert edges["s2", "m1"] == {"kind": EdgeKind.CONTRIBUTES_TO, "weight": 0.5}
    assert graph.weight("s2", "m1") == 0.5
    assert edges["council", "s1"]["role"] == "owner"
    assert edges["council", "s2"]["role"] == "contributor"
    assert graph.actors_of("s2") == [("council", "contributor")]
    # the contributes-to graph holds the very same attributes, not copies
    assert graph.contribution_graph().edges["s2", "m1"] is edges["s2", "m1"]
    assert sorted(graph.all_children("vision")) == ["m1", "m2", "s1", "s2"]


def test_absent_labels_read_from_files_are_one_empty_label() -> None:
    plan = validate_plan(EXAMPLE).plan
    assert plan is not None
    absent = [e.description for e in plan.elements if not e.description.texts]
    assert len(absent) >= 2
    assert all(label is absent[0] for label in absent)
    assert absent[0] == Label(()) and str(absent[0]) == str(Label(()))
