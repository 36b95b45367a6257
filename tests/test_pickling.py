"""Plans, data and evaluations pickle and copy: to a process pool, a cache, a notebook's store."""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from regionplan.data.series import Series
from regionplan.evaluation.evaluator import Evaluation
from regionplan.plan.fields import ReadOnlyMapping
from regionplan.plan.model import Plan
from regionplan.plan.periods import Period


def test_a_plan_pickles_and_copies_equal(example_plan: Plan) -> None:
    assert pickle.loads(pickle.dumps(example_plan)) == example_plan
    assert copy.deepcopy(example_plan) == example_plan
    with_query = [s for m in example_plan.metrics for s in m.sources if s.query]
    assert with_query, "the example reads some metric with a query"
    again = pickle.loads(pickle.dumps(with_query[0]))
    assert dict(again.query) == dict(with_query[0].query)


def test_a_series_in_a_unit_of_its_own_pickles() -> None:
    series = Series(("3209", "3238"), (Period.year(2020),), np.array([[1.5], [2.0]]), "job / person")
    again = pickle.loads(pickle.dumps(series))
    assert again == series and f"{again.unit}" == f"{series.unit}"
    assert not again.values.flags.writeable


def test_an_evaluation_comes_back_equal_in_a_fresh_process(
    example_evaluation: Evaluation, tmp_path: Path
) -> None:
    example_evaluation.arrays  # noqa: B018 - cached on the evaluation: it must pickle too
    stored = tmp_path / "evaluation.pickle"
    stored.write_bytes(pickle.dumps(example_evaluation))
    # a fresh interpreter, as a process pool started by "spawn" or a later session reads it
    script = (
        "import json, pickle, sys; "
        "ev = pickle.loads(open(sys.argv[1], 'rb').read()); "
        "print(json.dumps(ev.to_dict(), default=str, sort_keys=True))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(stored)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    expected = json.loads(json.dumps(example_evaluation.to_dict(), default=str, sort_keys=True))
    assert json.loads(proc.stdout) == expected
    assert copy.deepcopy(example_evaluation).to_frame().equals(example_evaluation.to_frame())


def test_a_read_only_mapping_cannot_be_changed() -> None:
    m = ReadOnlyMapping({"a": 1, "b": [2]})
    assert dict(m) == {"a": 1, "b": [2]} and m == {"a": 1, "b": [2]} and len(m) == 2
    with pytest.raises(TypeError):
        m["c"] = 3  # type: ignore[index]
    with pytest.raises(AttributeError):
        m._data = {}  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(m)) == m
    assert repr(m) == "ReadOnlyMapping({'a': 1, 'b': [2]})"
    source = {"a": 1}
    kept = ReadOnlyMapping(source)
    source["a"] = 2
    assert kept["a"] == 1  # a copy of what it was given


def _arrays_of(value: object, seen: set[int] | None = None) -> list[np.ndarray]:
    """Every numpy array an object holds (attrs fields, mappings, tuples, lists)."""
    import attrs

    seen = set() if seen is None else seen
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (tuple, list)):
        return [a for v in value for a in _arrays_of(v, seen)]
    if isinstance(value, Mapping):
        return [a for v in value.values() for a in _arrays_of(v, seen)]
    if attrs.has(type(value)):
        return [a for f in attrs.fields(type(value)) for a in _arrays_of(getattr(value, f.name), seen)]
    return []


def _held(evaluation: Evaluation) -> list[np.ndarray]:
    held = [evaluation.rolled, dict(evaluation.arrays), dict(evaluation.sensitivity)]
    held += [(b.rows, b.judgement) for b in evaluation.batches]
    found = _arrays_of(held)
    assert len(found) > 100  # the walk found what an evaluation holds
    return found


def test_what_an_evaluation_holds_is_read_only_also_after_pickling(example_evaluation: Evaluation) -> None:
    assert not any(a.flags.writeable for a in _held(example_evaluation))
    again = pickle.loads(pickle.dumps(example_evaluation))
    assert not any(a.flags.writeable for a in _held(again))
    with pytest.raises(ValueError, match="read-only"):
        again.batches[0].judgement.measure[:] = 99.0
    assert copy.deepcopy(example_evaluation).batches[0].judgement.status.flags.writeable is False
