"""Checking a JSON-stat 2.0 document and reading it into a dataset.

:func:`parse_jsonstat_structure` reads the dimensions and roles only (what a metadata
response holds); :func:`parse_jsonstat` reads the values too. Each refuses a
malformed document with a message that says what is wrong.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from regionplan.data.sources.jsonstat.dataset import Dimension, JsonStatDataset, JsonStatStructure
from regionplan.data.sources.jsonstat.units import _unit_text
from regionplan.errors import DataSourceError

__all__ = ["parse_jsonstat", "parse_jsonstat_structure"]


def parse_jsonstat_structure(doc: Any) -> JsonStatStructure:
    """Check and read a dataset's dimensions and roles, ignoring any values.

    Statistics Norway's ``/tables/{id}/metadata`` answers with such a dataset.

    Raises:
        DataSourceError: the document is not a well-formed JSON-stat 2.0 dataset.
    """
    if not isinstance(doc, Mapping):
        raise DataSourceError(f"a JSON-stat document is an object, not {type(doc).__name__}")
    klass = doc.get("class", "dataset")
    if klass != "dataset":
        msg = f"the JSON-stat document is a {klass!r}; only datasets can be read"
        raise DataSourceError(msg)
    version = doc.get("version")
    if version is not None and not str(version).startswith("2"):
        msg = f"JSON-stat version {version!r} is not supported (2.0 is)"
        raise DataSourceError(msg)
    ids = doc.get("id")
    sizes = doc.get("size")
    dims = doc.get("dimension")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise DataSourceError("the JSON-stat dataset needs 'id', a list of dimension ids")
    if not isinstance(sizes, list) or not all(_is_count(s) for s in sizes):
        raise DataSourceError("the JSON-stat dataset needs 'size', a list of whole numbers")
    if len(ids) != len(sizes):
        msg = f"'id' names {len(ids)} dimensions but 'size' gives {len(sizes)} sizes"
        raise DataSourceError(msg)
    if len(set(ids)) != len(ids):
        raise DataSourceError(f"'id' repeats a dimension: {ids}")
    if not isinstance(dims, Mapping):
        raise DataSourceError("the JSON-stat dataset needs a 'dimension' object")
    dimensions: dict[str, Dimension] = {}
    for dim_id, size in zip(ids, sizes, strict=True):
        if dim_id not in dims:
            raise DataSourceError(f"dimension {dim_id!r} is in 'id' but not in 'dimension'")
        dimensions[dim_id] = _read_dimension(dim_id, dims[dim_id], int(size))
    extension = doc.get("extension")
    return JsonStatStructure(
        ids=tuple(ids),
        dimensions=dimensions,
        roles=_read_roles(doc.get("role"), ids),
        label=str(doc.get("label") or ""),
        source=str(doc.get("source") or ""),
        updated=str(doc.get("updated") or ""),
        extension=extension if isinstance(extension, Mapping) else {},
    )


def parse_jsonstat(doc: Any) -> JsonStatDataset:
    """Check a JSON-stat 2.0 dataset and read it.

    Accepts ``value`` as an array or as a sparse object keyed by position,
    ``status`` as a string, an array or an object, and ``category.index`` as an
    array or an object (or absent for a one-category dimension with a label).

    Raises:
        DataSourceError: the document is not a well-formed JSON-stat 2.0 dataset;
            the message says what is wrong.
    """
    structure = parse_jsonstat_structure(doc)
    shape = tuple(len(structure.dimensions[d].codes) for d in structure.ids)
    n = math.prod(shape)
    values = _read_values(doc.get("value"), n).reshape(shape)
    status = _read_status(doc.get("status"), n).reshape(shape)
    return JsonStatDataset(
        ids=structure.ids,
        dimensions=structure.dimensions,
        values=values,
        status=status,
        roles=structure.roles,
        label=structure.label,
        source=structure.source,
        updated=structure.updated,
        extension=structure.extension,
    )


def _is_count(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _read_dimension(dim_id: str, raw: Any, size: int) -> Dimension:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("category"), Mapping):
        raise DataSourceError(f"dimension {dim_id!r} needs a 'category' object")
    category = raw["category"]
    index = category.get("index")
    labels = category.get("label")
    if labels is not None and not isinstance(labels, Mapping):
        raise DataSourceError(f"dimension {dim_id!r}: 'category.label' must be an object")
    codes: list[str]
    if index is None:
        if labels is None or len(labels) != 1:
            msg = f"dimension {dim_id!r} has no 'category.index' and not exactly one label"
            raise DataSourceError(msg)
        codes = [str(next(iter(labels)))]
    elif isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, Mapping):
        positions = list(index.values())
        if not all(_is_count(p) for p in positions) or sorted(positions) != list(range(len(index))):
            msg = f"dimension {dim_id!r}: 'category.index' positions must be 0..{len(index) - 1}"
            raise DataSourceError(msg)
        codes = [""] * len(index)
        for code, pos in index.items():
            codes[pos] = str(code)
    else:
        raise DataSourceError(f"dimension {dim_id!r}: 'category.index' must be a list or object")
    if len(set(codes)) != len(codes):
        raise DataSourceError(f"dimension {dim_id!r} repeats a category code")
    if len(codes) != size:
        msg = f"dimension {dim_id!r} has {len(codes)} categories but 'size' says {size}"
        raise DataSourceError(msg)
    label_map = labels or {}
    units: dict[str, str] = {}
    raw_units = category.get("unit")
    if isinstance(raw_units, Mapping):
        for code, unit in raw_units.items():
            text = _unit_text(unit)
            if text is not None:
                units[str(code)] = text
    extension = raw.get("extension")
    return Dimension(
        id=dim_id,
        label=str(raw.get("label") or dim_id),
        codes=tuple(codes),
        labels=tuple(str(label_map.get(c, c)) for c in codes),
        units=units,
        extension=extension if isinstance(extension, Mapping) else {},
    )


def _read_values(raw: Any, n: int) -> np.ndarray:
    if isinstance(raw, list):
        if len(raw) != n:
            msg = f"the dataset has {len(raw)} values but its sizes multiply to {n}"
            raise DataSourceError(msg)
        return _to_floats(raw, positions=None)
    if isinstance(raw, Mapping):
        out = np.full(n, np.nan)
        if not raw:
            return out
        try:
            positions = np.fromiter((int(k) for k in raw), dtype=np.int64, count=len(raw))
        except ValueError:
            raise DataSourceError("sparse 'value' keys must be whole-number positions") from None
        bad = (positions < 0) | (positions >= n)
        if bad.any():
            msg = (
                f"sparse 'value' has position {int(positions[bad][0])}, "
                f"outside 0..{n - 1} (the sizes multiply to {n})"
            )
            raise DataSourceError(msg)
        out[positions] = _to_floats(list(raw.values()), positions=positions)
        return out
    raise DataSourceError("the JSON-stat dataset needs 'value', a list or an object")


def _to_floats(items: list[Any], positions: np.ndarray | None) -> np.ndarray:
    """Numbers and nulls to floats (null -> NaN); anything else is an error."""
    for i, v in enumerate(items):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            where = int(positions[i]) if positions is not None else i
            msg = f"value {where} is {v!r}, not a number or null"
            raise DataSourceError(msg)
    return np.array(items, dtype=float)


def _read_status(raw: Any, n: int) -> np.ndarray:
    out = np.full(n, None, dtype=object)
    if raw is None:
        return out
    if isinstance(raw, str):
        out[:] = raw
    elif isinstance(raw, list):
        if len(raw) == 1:
            out[:] = raw[0]
        elif len(raw) == n:
            out[:] = raw
        else:
            msg = f"'status' has {len(raw)} entries; it needs 1 or one per value ({n})"
            raise DataSourceError(msg)
    elif isinstance(raw, Mapping):
        for key, text in raw.items():
            try:
                pos = int(key)
            except ValueError:
                raise DataSourceError(f"'status' key {key!r} is not a position") from None
            if not 0 <= pos < n:
                raise DataSourceError(f"'status' position {pos} is outside 0..{n - 1}")
            out[pos] = text
    else:
        raise DataSourceError("'status' must be a string, a list or an object")
    return out


def _read_roles(raw: Any, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise DataSourceError("'role' must be an object")
    roles: dict[str, tuple[str, ...]] = {}
    for role, dims in raw.items():
        if not isinstance(dims, list) or not all(isinstance(d, str) for d in dims):
            raise DataSourceError(f"role {role!r} must list dimension ids")
        unknown = [d for d in dims if d not in ids]
        if unknown:
            msg = f"role {role!r} names {unknown[0]!r}, which is not a dimension of the dataset"
            raise DataSourceError(msg)
        roles[str(role)] = tuple(dims)
    return roles
