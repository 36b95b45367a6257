"""Many targets' arrays held as rows of shared arrays, and read back as objects.

A target's evidence (:class:`~regionplan.evaluation.evidence.Rows`) and verdicts
(:class:`~regionplan.evaluation.status.Judgement` with its projection) are two dozen small
arrays, one value per area. Kept as objects of their own, they cost many times their numbers
where there are few areas: a region evaluated on its own is one area, so 20,000 targets
would hold half a million array objects. An evaluation therefore packs them: every array a
target owns becomes row ``k`` of one array per field, shared by the targets of the same
shape packed together, and the objects are made again, with read-only views, when read.

What is packed is decided by structure alone: an attrs instance of a class named to the
:class:`Packer` is taken apart field by field; a writable array becomes a row; a ``dict``
whose values are all arrays is taken apart too (its keys are part of the shape); anything
else (numbers, strings, tuples, read-only arrays that targets share, the fields named in
``keep``) is held by reference. Objects of the same shape (the same classes, fields, dtypes
and array shapes) are packed together; the rest stay as they were given.

Packed or not, every array a target holds is read-only once given (:func:`freeze`), and
again after unpickling: an evaluation is immutable whatever the number of areas.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

__all__ = ["Packed", "Packer", "freeze"]

# A shape: ("obj", class, ((field, shape), ...)), ("dict", ((key, shape), ...)),
# ("array", dtype, array shape) or ("ref",).
_REF: tuple[str] = ("ref",)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = tuple(f.name for f in attrs.fields(cls))
    return found


class _Pack:
    """Targets of one shape: first the objects as given, then (once full) their rows."""

    __slots__ = ("arrays", "last", "pending", "programs", "refs", "shapes")

    def __init__(self, shapes: tuple[Hashable, ...]) -> None:
        self.shapes = shapes
        self.pending: list[tuple[Any, ...]] | None = []
        self.arrays: list[np.ndarray] = []
        self.refs: list[tuple[Any, ...]] = []
        self.programs: tuple[_Program, ...] = ()
        self.last: list[tuple[int, Any] | None] = [None] * len(shapes)

    def __setstate__(self, state: tuple[Any, dict[str, Any]]) -> None:
        # pickle keeps no array read-only: make them so again
        for name, value in state[1].items():
            setattr(self, name, value)
        freeze((self.pending, self.arrays, self.refs))
        self.last = [None] * len(self.shapes)

    def close(self, parts: list[tuple[list[np.ndarray], tuple[Any, ...]]]) -> None:
        """Hold ``parts`` (each target's arrays and references, in order) as rows."""
        n_arrays = len(parts[0][0])  # a pack is closed with one target at least
        columns = []
        for j in range(n_arrays):
            column = np.stack([arrays[j] for arrays, _ in parts])
            column.setflags(write=False)  # shared by every target of the pack
            columns.append(column)
        self.arrays = columns
        self.refs = [refs for _, refs in parts]
        self.programs = _programs(self.shapes)
        self.pending = None


class Packed:
    """One target's objects, packed or as given: :meth:`get` makes one of them again."""

    __slots__ = ("_k", "_pack")

    def __init__(self, pack: _Pack, k: int) -> None:
        self._pack = pack
        self._k = k

    def get(self, i: int) -> Any:
        """The ``i``-th object given to :meth:`Packer.add` for this target."""
        pack, k = self._pack, self._k
        if pack.pending is not None:
            return pack.pending[k][i]
        # readers ask for one target's objects several times in a row: the last are kept
        last = pack.last[i]
        if last is not None and last[0] == k:
            return last[1]
        out = _make(pack.programs[i], pack.arrays, pack.refs[k], k)
        pack.last[i] = (k, out)
        return out


class Packer:
    """Packs the objects of many targets (see the module docstring).

    Args:
        classes: the attrs classes taken apart (exactly these; a subclass is held as given).
        keep: fields held by reference even when they are writable arrays (arrays that
            targets share, such as a metric's published values).
        rows: targets per pack; the objects of a pack are held as given until it is full
            (or :meth:`close`), so this bounds what is held twice while packing.
        pack: ``False`` holds every object as given (its arrays made read-only all the same).
    """

    def __init__(
        self,
        classes: Sequence[type],
        keep: frozenset[str] = frozenset(),
        rows: int = 1024,
        *,
        pack: bool = True,
    ) -> None:
        self._classes = tuple(classes)
        self._keep = keep
        self._rows = max(1, rows)
        self._pack = pack
        self._open: dict[tuple[Hashable, ...], _Pack] = {}
        self._as_given = _Pack(())

    def add(self, *objects: Any) -> Packed:
        """Hold ``objects`` (one target's) for packing; read them back through the handle."""
        if not self._pack:
            freeze(objects, self._classes)
            assert self._as_given.pending is not None
            self._as_given.pending.append(objects)
            return Packed(self._as_given, len(self._as_given.pending) - 1)
        shapes = tuple(self._shape(o) for o in objects)
        freeze(objects, self._classes)  # after the shapes: what was writable is a target's own
        pack = self._open.get(shapes)
        if pack is None:
            pack = self._open[shapes] = _Pack(shapes)
        assert pack.pending is not None
        pack.pending.append(objects)
        handle = Packed(pack, len(pack.pending) - 1)
        if len(pack.pending) >= self._rows:
            self._close(pack)
            del self._open[shapes]
        return handle

    def close(self) -> None:
        """Pack every target still held as given."""
        for pack in self._open.values():
            self._close(pack)
        self._open.clear()

    def _close(self, pack: _Pack) -> None:
        assert pack.pending is not None
        parts = []
        for objects in pack.pending:
            arrays: list[np.ndarray] = []
            refs: list[Any] = []
            for o, shape in zip(objects, pack.shapes, strict=True):
                _take_apart(o, shape, arrays, refs)
            parts.append((arrays, tuple(refs)))
        pack.close(parts)

    def _shape(self, value: Any) -> Hashable:
        cls = type(value)
        if cls in self._classes:  # exactly: a subclass may hold more than its fields
            return (
                "obj",
                cls,
                tuple(
                    (name, _REF if name in self._keep else self._shape(getattr(value, name)))
                    for name in _field_names(cls)
                ),
            )
        if cls is np.ndarray and value.flags.writeable:
            return ("array", value.dtype.str, value.shape)
        if cls is dict and value and all(type(v) is np.ndarray and v.flags.writeable for v in value.values()):
            return ("dict", tuple((k, ("array", v.dtype.str, v.shape)) for k, v in value.items()))
        return _REF


def _take_apart(value: Any, shape: Any, arrays: list[np.ndarray], refs: list[Any]) -> None:
    kind = shape[0]
    if kind == "obj":
        for name, sub in shape[2]:
            _take_apart(getattr(value, name), sub, arrays, refs)
    elif kind == "dict":  # of arrays only
        arrays.extend(value[key] for key, _ in shape[1])
    elif kind == "array":
        arrays.append(value)
    else:
        refs.append(value)


# How a value is made again: ("array", column), ("ref", index), ("dict", ((key, column), ...))
# or ("obj", class, ((field, program), ...)); columns and indices count from the first of
# the target's arrays and references.
_Program = tuple[Any, ...]


@functools.lru_cache(maxsize=256)
def _programs(shapes: tuple[Hashable, ...]) -> tuple[_Program, ...]:
    """How each of a target's objects of ``shapes`` is made from its rows and references."""
    counter = [0, 0]  # the next column, the next reference

    def compile_(shape: Any) -> _Program:
        kind = shape[0]
        if kind == "array":
            counter[0] += 1
            return ("array", counter[0] - 1)
        if kind == "ref":
            counter[1] += 1
            return ("ref", counter[1] - 1)
        if kind == "dict":
            keys = tuple((key, compile_(sub)[1]) for key, sub in shape[1])
            return ("dict", keys)
        return ("obj", shape[1], tuple((name, compile_(sub)) for name, sub in shape[2]))

    return tuple(compile_(shape) for shape in shapes)


def _make(program: _Program, arrays: list[np.ndarray], refs: tuple[Any, ...], k: int) -> Any:
    kind = program[0]
    if kind == "array":
        return arrays[program[1]][k]
    if kind == "ref":
        return refs[program[1]]
    if kind == "dict":
        return {key: arrays[column][k] for key, column in program[1]}
    obj = object.__new__(program[1])
    for name, field in program[2]:
        what = field[0]
        if what == "array":
            value = arrays[field[1]][k]
        elif what == "ref":
            value = refs[field[1]]
        else:
            value = _make(field, arrays, refs, k)
        object.__setattr__(obj, name, value)  # frozen attrs classes: set as attrs' __init__ does
    return obj


def freeze(value: Any, classes: tuple[type, ...] = ()) -> None:
    """Make every array in ``value`` read-only: in tuples, lists and dicts, and in the
    fields of attrs instances (of ``classes`` and their subclasses only, when given)."""
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, (tuple, list)):
        for item in value:
            freeze(item, classes)
    elif isinstance(value, Mapping):
        for item in value.values():
            freeze(item, classes)
    elif attrs.has(type(value)) and (not classes or isinstance(value, classes)):
        for name in _field_names(type(value)):
            freeze(getattr(value, name), classes)
