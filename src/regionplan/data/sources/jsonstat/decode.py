"""Decoding a JSON-stat 2.0 dataset into observations, without a Python loop over cells.

:func:`decode_jsonstat` selects the categories a query asks for, adds up the
dimensions to be summed and returns one batch of observations per category of the
metric dimension.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from regionplan.data.series import Observations, Provenance
from regionplan.data.sources.jsonstat.dataset import JsonStatDataset, _preview
from regionplan.data.sources.jsonstat.parse import parse_jsonstat
from regionplan.data.sources.jsonstat.units import _unit_text
from regionplan.errors import DataSourceError

__all__ = ["decode_jsonstat"]


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
        if dim_id not in keep and dim_id not in summed and len(codes) != 1:
            msg = f"dimension {dim_id!r} has {len(codes)} categories ({_preview(codes)}); choose one"
            raise DataSourceError(msg)
        if chosen is not None:  # every category kept needs no copy
            values = np.take(values, [dim.position(c) for c in codes], axis=axis)
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
