"""Targets' arrays held as rows of shared arrays (regionplan.evaluation.packing)."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regionplan.evaluation.packing import Packer


@attrs.frozen(eq=False)
class Inner:
    value: np.ndarray
    method: str


@attrs.frozen(eq=False)
class Outer:
    status: np.ndarray
    reason: np.ndarray
    inner: Inner | None
    facts: dict[str, np.ndarray]
    shared: np.ndarray
    deadline: float


class OuterSubclass(Outer):
    pass


def _outer(k: int, n: int = 3, facts: tuple[str, ...] = ("path",), inner: bool = True) -> Outer:
    return Outer(
        status=np.full(n, k % 4, dtype=np.int8),
        reason=np.array([f"r{k}-{i}" for i in range(n)], dtype=object),
        inner=Inner(np.arange(n, dtype=float) + k, f"m{k}") if inner else None,
        facts={name: np.full(n, float(k + j)) for j, name in enumerate(facts)},
        shared=np.arange(4.0),
        deadline=2030.0 + k,
    )


def _same(a: Any, b: Any) -> None:
    """``a`` and ``b`` hold equal values field by field (arrays: equal values and dtype)."""
    assert type(a) is type(b)
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            _same(a[key], b[key])
    elif attrs.has(type(a)):
        for f in attrs.fields(type(a)):
            _same(getattr(a, f.name), getattr(b, f.name))
    else:
        assert a == b


def test_objects_come_back_equal_with_read_only_rows_of_shared_arrays() -> None:
    packer = Packer((Outer, Inner))
    given_ = [(_outer(k), _outer(k + 100)) for k in range(5)]
    handles = [packer.add(a, b) for a, b in given_]
    packer.close()
    for (a, b), handle in zip(given_, handles, strict=True):
        _same(handle.get(0), a)
        _same(handle.get(1), b)
    first, second = handles[0].get(0), handles[1].get(0)
    assert first is not given_[0][0]  # made again from the rows
    assert not first.status.flags.writeable and not first.facts["path"].flags.writeable
    assert first.status.base is second.status.base  # one array for the field, a row per target
    assert first.inner.method == "m0" and second.inner.method == "m1"


def test_before_the_pack_is_closed_the_objects_are_the_ones_given() -> None:
    packer = Packer((Outer, Inner))
    a = _outer(1)
    handle = packer.add(a)
    assert handle.get(0) is a
    packer.close()
    assert handle.get(0) is not a
    _same(handle.get(0), a)


def test_a_full_pack_closes_itself() -> None:
    packer = Packer((Outer, Inner), rows=2)
    objects = [_outer(k) for k in range(3)]
    handles = [packer.add(o) for o in objects]
    assert handles[0].get(0) is not objects[0] and handles[1].get(0) is not objects[1]
    assert handles[2].get(0) is objects[2]  # the next pack is still open
    _same(handles[0].get(0), objects[0])


def test_shared_read_only_and_kept_arrays_are_held_by_reference() -> None:
    shared = np.arange(3.0)
    shared.setflags(write=False)
    mine = np.arange(3.0)  # writable, but named in keep
    packer = Packer((Outer, Inner), keep=frozenset({"shared"}))
    a = attrs.evolve(_outer(1), shared=mine, status=np.zeros(3, dtype=np.int8))
    b = attrs.evolve(_outer(2), reason=shared.astype(object))
    b_reason = b.reason
    b_reason.setflags(write=False)
    ha, hb = packer.add(a), packer.add(b)
    packer.close()
    assert ha.get(0).shared is mine
    assert hb.get(0).reason is b_reason  # read-only: shared with others, never copied


def test_different_shapes_pack_apart_and_each_comes_back() -> None:
    packer = Packer((Outer, Inner))
    objects = [
        _outer(0),
        _outer(1, n=5),  # another number of areas
        _outer(2, facts=("pre_shock", "shock")),  # other facts
        _outer(3, inner=False),  # no projection
        attrs.evolve(_outer(4), status=np.zeros(3, dtype=np.int64)),  # another dtype
        _outer(5, facts=()),  # no facts at all
        _outer(6),
    ]
    handles = [packer.add(o) for o in objects]
    packer.close()
    for o, h in zip(objects, handles, strict=True):
        _same(h.get(0), o)
    assert handles[0].get(0).status.base is handles[6].get(0).status.base


def test_a_subclass_is_held_as_given() -> None:
    packer = Packer((Outer, Inner))
    sub = OuterSubclass(**attrs.asdict(_outer(1), recurse=False))
    handle = packer.add(sub)
    packer.close()
    assert handle.get(0) is sub


def test_what_was_packed_is_let_go() -> None:
    packer = Packer((Outer, Inner))
    a = _outer(1)
    status = weakref.ref(a.status)
    inner_value = weakref.ref(a.inner.value)  # type: ignore[union-attr]
    handle = packer.add(a)
    packer.close()
    del a
    gc.collect()
    assert status() is None and inner_value() is None
    assert handle.get(0).status.tolist() == [1, 1, 1]


@pytest.mark.parametrize("n_areas", [0, 1, 357])
def test_any_number_of_areas(n_areas: int) -> None:
    packer = Packer((Outer, Inner))
    objects = [_outer(k, n=n_areas) for k in range(3)]
    handles = [packer.add(o) for o in objects]
    packer.close()
    for o, h in zip(objects, handles, strict=True):
        _same(h.get(0), o)


_dtypes = st.sampled_from([np.int8, np.int64, np.float64, bool, object])


@st.composite
def _objects(draw: st.DrawFn) -> Outer:
    n = draw(st.integers(0, 4))
    dtype = draw(_dtypes)
    values = draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n))
    facts = draw(st.lists(st.sampled_from(["path", "shock", "fall"]), unique=True, max_size=3))
    return Outer(
        status=np.array(values, dtype=dtype),
        reason=np.array([str(v) for v in values], dtype=object),
        inner=Inner(np.array(values, dtype=float), "linear") if draw(st.booleans()) else None,
        facts={f: np.array(values, dtype=float) * 2 for f in facts},
        shared=np.zeros(2),
        deadline=draw(st.floats(allow_nan=False)),
    )


@settings(max_examples=60, deadline=None)
@given(objects=st.lists(_objects(), max_size=12), rows=st.integers(1, 5))
def test_property_every_object_comes_back_equal(objects: list[Outer], rows: int) -> None:
    packer = Packer((Outer, Inner), rows=rows)
    handles = [packer.add(o, o.inner) for o in objects]
    packer.close()
    for o, h in zip(objects, handles, strict=True):
        _same(h.get(0), o)
        _same(h.get(1), o.inner)


def test_the_last_objects_read_are_kept_and_others_made_again() -> None:
    packer = Packer((Outer, Inner))
    first, second = packer.add(_outer(1)), packer.add(_outer(2))
    packer.close()
    a = first.get(0)
    assert first.get(0) is a  # asked again at once: the same object
    b = second.get(0)
    assert second.get(0) is b and b is not a
    again = first.get(0)
    assert again is not a  # another target was read since: made again, equal
    _same(again, a)


def test_one_row_per_pack_closes_each_pack_at_once() -> None:
    packer = Packer((Outer, Inner), rows=0)  # at least one
    given = _outer(1)
    handle = packer.add(given)
    assert handle.get(0) is not given
    _same(handle.get(0), given)


def test_a_dict_with_a_shared_array_is_held_by_reference() -> None:
    shared = np.ones(3)
    shared.setflags(write=False)
    packer = Packer((Outer, Inner))
    facts = {"path": np.zeros(3), "shock": shared}
    handle = packer.add(attrs.evolve(_outer(1), facts=facts))
    packer.close()
    assert handle.get(0).facts is facts and handle.get(0).facts["shock"] is shared


def test_arrays_dicts_and_none_given_alone_come_back() -> None:
    packer = Packer((Outer, Inner))
    objects = [(np.arange(3.0), {"a": np.zeros(2)}, None, _outer(k)) for k in range(3)]
    handles = [packer.add(*o) for o in objects]
    packer.close()
    for o, h in zip(objects, handles, strict=True):
        for i, value in enumerate(o):
            _same(h.get(i), value)
    assert not handles[0].get(0).flags.writeable


def test_what_is_given_is_read_only_at_once_packed_or_not() -> None:
    for pack in (True, False):
        packer = Packer((Outer, Inner), keep=frozenset({"shared"}), pack=pack)
        given, sub = _outer(1), OuterSubclass(**attrs.asdict(_outer(2), recurse=False))
        first, second = packer.add(given), packer.add(sub)
        assert first.get(0) is given and second.get(0) is sub  # not packed yet, or never
        for o in (given, sub):
            arrays = [o.status, o.reason, o.facts["path"], o.shared, o.inner.value]  # type: ignore[union-attr]
            assert not any(a.flags.writeable for a in arrays)
        packer.close()
        assert (second.get(0) is sub) and ((first.get(0) is given) is not pack)


def test_freeze_walks_containers_and_the_classes_named_only() -> None:
    from regionplan.evaluation.packing import freeze
    from regionplan.plan.fields import ReadOnlyMapping

    outer = _outer(1)
    in_a_mapping = Inner(np.zeros(2), "linear")
    freeze([outer, {"x": in_a_mapping}], (Outer,))
    assert not outer.status.flags.writeable and not outer.facts["path"].flags.writeable
    assert outer.inner is not None and outer.inner.value.flags.writeable  # not an Outer
    assert in_a_mapping.value.flags.writeable
    held = (np.zeros(2), [np.zeros(2)], ReadOnlyMapping({"a": np.zeros(2)}), _outer(2))
    freeze(held)  # no classes named: every attrs instance
    assert not any(a.flags.writeable for a in (held[0], held[1][0], held[2]["a"], held[3].inner.value))  # type: ignore[union-attr]


def test_a_dict_of_a_targets_own_arrays_is_packed_into_rows() -> None:
    packer = Packer((Outer, Inner))
    first, second = packer.add(_outer(1)), packer.add(_outer(2))
    packer.close()
    a, b = first.get(0).facts["path"], second.get(0).facts["path"]
    assert a.base is not None and a.base is b.base
    assert (a.tolist(), b.tolist()) == ([1.0] * 3, [2.0] * 3)


def test_objects_of_classes_not_named_are_left_as_they_are() -> None:
    for pack in (True, False):
        packer = Packer((Outer,), pack=pack)  # Inner is not taken apart, nor frozen
        given = _outer(1)
        handle = packer.add(given)
        packer.close()
        assert not handle.get(0).status.flags.writeable
        assert handle.get(0).inner is given.inner and given.inner.value.flags.writeable  # type: ignore[union-attr]
