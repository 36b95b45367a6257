"""JSON-stat 2.0 datasets: a decoder and the ``jsonstat`` file source.

JSON-stat (https://json-stat.org/format/) is what Statistics Norway's PxWebApi v2
returns, and what Eurostat and many other statisticians publish. A dataset is one
flat ``value`` array over the cross product of its dimensions, in the order of
``id``: the last dimension varies fastest (row-major, like a C or numpy array).

:func:`parse_jsonstat` checks a document and reads it into a
:class:`JsonStatDataset` whose values are one numpy array of the dataset's shape.
:func:`decode_jsonstat` turns it into :class:`~regionplan.data.series.Observations`,
one batch per category of the metric dimension, without a Python loop over cells.

A plan reads a saved file like this::

    source:
      name: jsonstat
      path: data/07459.json
      contents: Personer1           # the metric dimension's category
      select: {Kjonn: "2"}           # one category of every other dimension
      unit: person                   # when the file's own unit is not enough
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs
import numpy as np

from regionplan.data.series import Observations, Provenance
from regionplan.data.sources import DataSource, SourceRequest, parse_retrieved
from regionplan.errors import DataSourceError
from regionplan.markers import hookimpl

__all__ = [
    "Dimension",
    "JsonStatDataset",
    "JsonStatFileSource",
    "JsonStatStructure",
    "decode_jsonstat",
    "parse_jsonstat",
    "parse_jsonstat_structure",
    "resolve_unit",
]

#: Unit words Statistics Norway writes in ``category.unit`` that the unit registry
#: does not know by that name, mapped to the registry's unit. Counts with no
#: countable noun ("antall") map to ``None``: the metric's own unit applies.
_UNIT_WORDS: dict[str, str | None] = {
    "personer": "person",
    "prosent": "percent",
    "kroner": "NOK",
    "1000 kr": "kNOK",
    "1 000 kr": "kNOK",
    "1000 kroner": "kNOK",
    "mill. kr": "MNOK",
    "millioner kroner": "MNOK",
    "mrd. kr": "BNOK",
    "tonn": "tonne",
    "foretak": "enterprise",
    "bedrifter": "establishment",
    "prosentpoeng": "percentage_point",
    "antall": None,
    "number": None,
}


# -- reading a document ---------------------------------------------------------


@attrs.frozen
class Dimension:
    """One dimension of a dataset.

    Attributes:
        id: the dimension's id (``"Region"``).
        label: its label, or the id when it has none.
        codes: category codes in index order.
        labels: category labels, parallel to ``codes`` (the code when unlabelled).
        units: unit text by category code, for categories that carry a unit.
        extension: the dimension's ``extension`` object (SSB: ``elimination``, ``codelists``).
    """

    id: str
    label: str
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    units: Mapping[str, str] = attrs.field(factory=dict)
    extension: Mapping[str, Any] = attrs.field(factory=dict)

    def position(self, code: str) -> int:
        """The index of a category code.

        Raises:
            DataSourceError: the dimension has no such category.
        """
        try:
            return self.codes.index(code)
        except ValueError:
            msg = f"dimension {self.id!r} has no category {code!r} (it has: {_preview(self.codes)})"
            raise DataSourceError(msg) from None


@attrs.frozen
class JsonStatStructure:
    """A dataset's dimensions without its values (what a metadata response holds).

    Attributes:
        ids: dimension ids in storage order.
        dimensions: the dimensions by id.
        roles: role name to dimension ids.
        label, source, updated: the dataset's own fields ("" when absent).
        extension: the dataset's ``extension`` object.
    """

    ids: tuple[str, ...]
    dimensions: Mapping[str, Dimension]
    roles: Mapping[str, tuple[str, ...]]
    label: str = ""
    source: str = ""
    updated: str = ""
    extension: Mapping[str, Any] = attrs.field(factory=dict)

    def role(self, name: str) -> str | None:
        """The one dimension with a role, or ``None`` when no dimension has it.

        Raises:
            DataSourceError: several dimensions share the role.
        """
        dims = self.roles.get(name, ())
        if len(dims) > 1:
            msg = f"several dimensions have the role {name!r} ({', '.join(dims)}); name one"
            raise DataSourceError(msg)
        return dims[0] if dims else None


@attrs.frozen(eq=False)
class JsonStatDataset(JsonStatStructure):
    """A checked JSON-stat 2.0 dataset: its structure and its values.

    Attributes:
        values: float array of shape ``sizes``; ``NaN`` where the value is null or absent.
        status: object array of the same shape with each value's status (``None`` when it has none).
    """

    values: np.ndarray = attrs.field(kw_only=True)
    status: np.ndarray = attrs.field(kw_only=True)

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(self.dimensions[d].codes) for d in self.ids)

    def value_at(self, **codes: str) -> float:
        """One value by the category code of every dimension (tests, debugging)."""
        index = tuple(self.dimensions[d].position(codes[d]) for d in self.ids)
        return float(self.values[index])


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


def _unit_text(unit: Any) -> str | None:
    """The unit's name: JSON-stat's ``symbol`` or ``label``, else SSB's ``base``."""
    if isinstance(unit, str):
        return unit.strip() or None
    if isinstance(unit, Mapping):
        for key in ("symbol", "label", "base"):
            text = unit.get(key)
            if isinstance(text, str) and text.strip():
                return text.strip()
    return None


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


# -- decoding into observations ---------------------------------------------------


def decode_jsonstat(
    doc: Mapping[str, Any] | JsonStatDataset,
    *,
    area_dimension: str | None = None,
    time_dimension: str | None = None,
    metric_dimension: str | None = None,
    filters: Mapping[str, str | Sequence[str]] | None = None,
    sum_dimensions: Iterable[str] = (),
    area: str | None = None,
    provenance: Provenance | None = None,
    keep_missing: bool = False,
) -> dict[str, Observations]:
    """Observations of a dataset, one batch per category of the metric dimension.

    The area dimension is ``area_dimension``, else the one with role ``geo``; a
    dataset without one needs ``area`` (a fixed code for every value, such as
    ``"0"`` for the whole country). The time dimension is ``time_dimension``, else
    the one with role ``time``. The metric dimension is ``metric_dimension``, else
    the one with role ``metric``, else none (then the result has one batch, keyed ``""``).

    Every other dimension must come down to one category: it has one, ``filters``
    picks one, or it is listed in ``sum_dimensions`` (its categories, after
    filtering, are added up; a sum with a missing term is missing).

    Args:
        doc: a JSON-stat document or a parsed dataset.
        filters: dimension id to the category code (or codes) to keep. On the
            area, time and metric dimensions several codes may be kept.
        provenance: put on every batch (default: ``Provenance("jsonstat")``).
        keep_missing: keep null values as ``NaN`` (default: drop them).

    Returns:
        Batches by metric category code, in the dataset's order. Each batch's
        unit is the category's unit text as the dataset gives it (``None`` if none).

    Raises:
        DataSourceError: the document is malformed, a named dimension or category
            does not exist, or a dimension has several categories and no choice.
    """
    ds = doc if isinstance(doc, JsonStatDataset) else parse_jsonstat(doc)
    filters = dict(filters or {})
    summed = set(sum_dimensions)
    for name in [*filters, *summed]:
        _need_dimension(ds, name)
    area_dim = area_dimension or (None if area is not None else ds.role("geo"))
    time_dim = time_dimension or ds.role("time")
    metric_dim = metric_dimension or ds.role("metric")
    for what, named in (("area", area_dim), ("time", time_dim), ("metric", metric_dim)):
        if named is not None:
            _need_dimension(ds, named, what)
    if time_dim is None:
        msg = f"the dataset has no time dimension (role 'time'); name one of {list(ds.ids)}"
        raise DataSourceError(msg)
    if area_dim is None and area is None:
        msg = (
            "the dataset has no area dimension (role 'geo'); name one, or give a fixed "
            f"area code for its values (dimensions: {list(ds.ids)})"
        )
        raise DataSourceError(msg)
    if len({d for d in (area_dim, time_dim, metric_dim) if d is not None}) != sum(
        d is not None for d in (area_dim, time_dim, metric_dim)
    ):
        raise DataSourceError("the area, time and metric dimensions must be different dimensions")

    keep = {area_dim, time_dim, metric_dim}
    values = ds.values
    kept_codes: dict[str, tuple[str, ...]] = {}
    # Select categories dimension by dimension, on the full-shaped array.
    for axis, dim_id in enumerate(ds.ids):
        dim = ds.dimensions[dim_id]
        chosen = filters.get(dim_id)
        codes = [chosen] if isinstance(chosen, str) else list(chosen or dim.codes)
        if chosen is not None and not codes:
            raise DataSourceError(f"the filter on dimension {dim_id!r} keeps no category")
        positions = [dim.position(c) for c in codes]
        if dim_id not in keep and dim_id not in summed and len(positions) != 1:
            msg = f"dimension {dim_id!r} has {len(positions)} categories ({_preview(codes)}); choose one"
            raise DataSourceError(msg)
        values = np.take(values, positions, axis=axis)
        kept_codes[dim_id] = tuple(codes)
    # Add up summed dimensions and drop the (now single) others.
    order = [d for d in (metric_dim, area_dim, time_dim) if d is not None]
    for axis in reversed(range(len(ds.ids))):
        dim_id = ds.ids[axis]
        if dim_id in keep:
            continue
        values = values.sum(axis=axis) if dim_id in summed else np.take(values, 0, axis=axis)
    remaining = [d for d in ds.ids if d in keep]
    values = np.transpose(values, [remaining.index(d) for d in order])
    if metric_dim is None:
        values = values[np.newaxis, ...]
    if area_dim is None:
        values = values[:, np.newaxis, :]

    area_codes = np.array(kept_codes[area_dim] if area_dim else (area,), dtype=object)
    time_codes = np.array(kept_codes[time_dim], dtype=object)
    metric_codes = kept_codes[metric_dim] if metric_dim else ("",)
    n_area, n_time = len(area_codes), len(time_codes)
    areas_long = np.repeat(area_codes, n_time)
    periods_long = np.tile(time_codes, n_area)
    prov = provenance or Provenance("jsonstat")
    units = ds.dimensions[metric_dim].units if metric_dim else {}
    batches: dict[str, Observations] = {}
    for m, code in enumerate(metric_codes):
        flat = values[m].reshape(-1)
        mask = slice(None) if keep_missing else ~np.isnan(flat)
        batches[code] = Observations(
            areas=areas_long[mask],
            periods=periods_long[mask],
            values=flat[mask],
            unit=units.get(code) or _dataset_unit(ds),
            provenance=prov,
        )
    return batches


def _dataset_unit(ds: JsonStatDataset) -> str | None:
    """A unit given for the whole dataset in ``extension.unit``, if any."""
    return _unit_text(ds.extension.get("unit"))


def _need_dimension(ds: JsonStatDataset, name: str, what: str = "") -> None:
    if name not in ds.dimensions:
        kind = f"{what} dimension" if what else "dimension"
        msg = f"the dataset has no {kind} {name!r} (it has: {', '.join(ds.ids)})"
        raise DataSourceError(msg)


def _preview(codes: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f", … ({len(codes)} in all)" if len(codes) > limit else "")


def resolve_unit(text: str | None) -> str | None:
    """The regionplan unit for a unit text found in data, ``None`` for a bare count.

    Tries the text as a unit expression first (``"NOK"``, ``"person"``), then the
    Norwegian words Statistics Norway uses (``"personer"``, ``"1000 kr"``, ``"tonn"``).

    Raises:
        DataSourceError: the text names no unit regionplan knows; the plan should
            say the unit with ``unit:`` in its query.
    """
    if text is None or not text.strip():
        return None
    from regionplan.plan.units import parse_unit

    clean = " ".join(text.split())
    try:
        parse_unit(clean)
    except Exception:  # pint raises several error types for unknown text
        key = clean.lower()
        if key in _UNIT_WORDS:
            return _UNIT_WORDS[key]
        msg = f"the data's unit {text!r} is not one regionplan knows; give 'unit:' in the query"
        raise DataSourceError(msg) from None
    return clean


# -- the file source ------------------------------------------------------------------


class JsonStatFileSource(DataSource):
    """Reads a JSON-stat 2.0 dataset saved as a file.

    Query keys:
        path: the file, relative to the plan's folder (required).
        contents: the category of the metric dimension to read (needed when it has several).
        select: ``{dimension: code}`` for every other dimension with several categories.
        area_dimension, time_dimension: dimension ids, when the roles do not say.
        area: a fixed area code for a dataset without an area dimension.
        unit: the unit of the values; overrides the unit the file gives.
        table, credit, licence: what the provenance says (default: the file name,
            ``"Kilde: <source>"`` from the file, no licence).
    """

    name: ClassVar[str] = "jsonstat"
    required_keys: ClassVar[tuple[str, ...]] = ("path",)
    optional_keys: ClassVar[tuple[str, ...] | None] = (
        "contents",
        "select",
        "area_dimension",
        "time_dimension",
        "area",
        "unit",
        "table",
        "credit",
        "licence",
        "retrieved",
    )

    @classmethod
    def check_query(cls, query: Mapping[str, Any]) -> list[str]:
        problems = super().check_query(query)
        for key in ("path", "contents", "area_dimension", "time_dimension", "area", "unit"):
            if key in query and not isinstance(query[key], str):
                problems.append(f"the jsonstat source's '{key}' must be text")
        for key in ("table", "credit", "licence"):
            if key in query and not isinstance(query[key], str):
                problems.append(f"the jsonstat source's '{key}' must be text")
        select = query.get("select")
        if select is not None and not (
            isinstance(select, Mapping)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in select.items())
        ):
            problems.append(
                "the jsonstat source's 'select' maps dimension ids to one category code each "
                '(quote codes such as "01")'
            )
        if isinstance(query.get("unit"), str):
            try:
                resolve_unit(query["unit"])
            except DataSourceError:
                problems.append(f"the jsonstat source's unit {query['unit']!r} is not a known unit")
        return problems

    def fetch(self, request: SourceRequest) -> Observations:
        query = request.query
        path = self.context.resolve(str(query["path"]))
        doc = _read_json(path)
        # The file is a copy; when its figures were fetched is what the query says, if anything.
        retrieved = parse_retrieved(query.get("retrieved"))
        try:
            dataset = parse_jsonstat(doc)
            filters: dict[str, str | Sequence[str]] = dict(query.get("select") or {})
            metric_dim = dataset.role("metric")
            contents = query.get("contents")
            if contents is not None:
                if metric_dim is None:
                    raise DataSourceError("'contents' was given but the dataset has no metric role")
                filters[metric_dim] = str(contents)
            prov = Provenance(
                source=self.name,
                table=str(query.get("table") or path.name),
                query=_describe(query),
                retrieved=retrieved,
                licence=str(query.get("licence") or ""),
                credit=str(query.get("credit") or (f"Kilde: {dataset.source}" if dataset.source else "")),
                publisher=dataset.source,
                url=str(path),
            )
            batches = decode_jsonstat(
                dataset,
                area_dimension=query.get("area_dimension"),
                time_dimension=query.get("time_dimension"),
                filters=filters,
                area=query.get("area"),
                provenance=prov,
            )
        except DataSourceError as exc:
            raise DataSourceError(f"{path}: {exc}") from None
        if len(batches) != 1:
            assert metric_dim is not None
            msg = (
                f"{path}: the dataset has {len(batches)} contents in {metric_dim!r} "
                f"({_preview(list(batches))}); choose one with 'contents'"
            )
            raise DataSourceError(msg)
        batch = next(iter(batches.values()))
        try:
            unit = resolve_unit(query["unit"]) if query.get("unit") else resolve_unit(batch.unit)
        except DataSourceError as exc:
            raise DataSourceError(f"{path}: {exc}") from None
        return attrs.evolve(batch, unit=unit)


def _read_json(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise DataSourceError(f"no file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataSourceError(f"cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise DataSourceError(f"{path} is not valid JSON: {exc}") from None


def _describe(query: Mapping[str, Any]) -> str:
    return json.dumps(dict(query), sort_keys=True, ensure_ascii=False, default=os.fspath)


@hookimpl
def regionplan_register_sources(register: Any) -> None:
    register("jsonstat", JsonStatFileSource)
