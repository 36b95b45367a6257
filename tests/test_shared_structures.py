"""Structures shared to save memory on large plans stay what they were: read-only where shared,
ordinary where copied, and equal to what building them one by one gives."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from regionplan.evaluation import frames
from regionplan.evaluation.evaluator import Evaluation
from regionplan.plan.graph import EdgeKind, GoalGraph
from regionplan.plan.model import Plan

pd = pytest.importorskip("pandas")


def test_the_contribution_graph_has_every_contributes_to_edge_and_no_other(example_plan: Plan) -> None:
    graph = GoalGraph.from_plan(example_plan)
    whole, cg = graph.view(), graph.contribution_graph()
    expected = {(u, v): d for u, v, d in whole.edges(data=True) if d["kind"] == EdgeKind.CONTRIBUTES_TO}
    # every node, with the whole graph's attributes (one node table serves both graphs)
    assert dict(cg.nodes(data=True)) == dict(whole.nodes(data=True))
    assert cg.nodes["vision"]["obj"] is example_plan.element("vision")
    assert {(u, v): d for u, v, d in cg.edges(data=True)} == expected
    for node in whole:
        assert sorted(cg.successors(node)) == sorted(v for u, v in expected if u == node)
        assert sorted(cg.predecessors(node)) == sorted(u for u, v in expected if v == node)
    assert any(whole.out_degree(n) > cg.out_degree(n) for n in whole)  # other edges were left out


def test_target_columns_joined_in_chunks_are_those_joined_at_once(
    example_evaluation: Evaluation, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(example_evaluation.batches) > 2
    whole = example_evaluation.to_frame()
    monkeypatch.setattr(frames, "_CHUNK", 2)
    chunked = example_evaluation.to_frame()
    pd.testing.assert_frame_equal(chunked, whole)
    assert list(whole["target"].drop_duplicates()) == [b.target.id for b in example_evaluation.batches]


def test_explanations_in_the_frames_are_those_of_the_results(example_evaluation: Evaluation) -> None:
    targets, goals = example_evaluation.to_frame(lang="nb"), example_evaluation.goals_frame(lang="nb")
    assert list(targets["explanation"]) == [t.explain("nb") for t in example_evaluation.targets]
    assert list(goals["explanation"]) == [g.explain("nb") for g in example_evaluation.goals]


def test_targets_arrays_are_rows_of_shared_arrays_and_read_only(example_evaluation: Evaluation) -> None:
    assert len(example_evaluation.areas) == 1  # few areas: packed
    first = example_evaluation.batches[0]
    statuses = [b.judgement.status for b in example_evaluation.batches]
    assert not any(s.flags.writeable for s in statuses)
    assert all(s.base is not None and s.base.shape == (len(s.base), 1) for s in statuses)
    # targets judged alike (the same fields, facts and projection) share one array per field
    packs = {id(s.base) for s in statuses}
    assert len(packs) < len(statuses)
    goals = {id(b.rows.goal.base) for b in example_evaluation.batches}
    assert len(goals) == len(packs)
    # a metric's published values and their times stay shared, not copied per target
    same_metric = [b for b in example_evaluation.batches if b.metric.id == first.metric.id]
    if len(same_metric) > 1 and first.target.area == same_metric[1].target.area:
        assert first.rows.times is same_metric[1].rows.times


def test_packed_and_unpacked_evaluations_are_the_same(
    evaluate_example: Callable[..., Evaluation],
    example_evaluation: Evaluation,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from regionplan.evaluation import evaluator

    monkeypatch.setattr(evaluator, "_PACK_BELOW_AREAS", 0)  # as for many areas: held as judged
    unpacked = evaluate_example()
    batch = unpacked.batches[0]
    assert batch.judgement is batch.judgement and not batch.judgement.status.flags.writeable
    pd.testing.assert_frame_equal(unpacked.to_frame(), example_evaluation.to_frame())
    pd.testing.assert_frame_equal(unpacked.goals_frame(), example_evaluation.goals_frame())
    assert unpacked.to_dict() == example_evaluation.to_dict()
    assert set(unpacked.sensitivity) == set(example_evaluation.sensitivity) != set()
    for tid in example_evaluation.sensitivity:
        a, b = unpacked.sensitivity[tid], example_evaluation.sensitivity[tid]
        assert a.periods == b.periods and (a.status == b.status).all() and (a.reason == b.reason).all()


def test_with_many_areas_what_an_evaluation_holds_is_read_only_too(
    evaluate_example: Callable[..., Evaluation], monkeypatch: pytest.MonkeyPatch
) -> None:
    from regionplan.evaluation import evaluator

    monkeypatch.setattr(evaluator, "_PACK_BELOW_AREAS", 0)  # as for 64 areas or more
    unpacked = evaluate_example()
    for b in unpacked.batches:
        j, rows = b.judgement, b.rows
        for array in (j.status, j.reason, j.measure, j.progress, rows.goal, rows.base_value, rows.values):
            assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            j.status[:] = 3
    for tid in unpacked.sensitivity:
        assert not unpacked.sensitivity[tid].status.flags.writeable
    assert not any(a.status.flags.writeable for a in unpacked.arrays.values())
    assert not any(c.flags.writeable for c in unpacked.rolled.codes.values())
