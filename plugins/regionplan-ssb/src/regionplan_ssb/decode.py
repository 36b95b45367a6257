"""Decoding: one request's observations from the JSON-stat downloads of its group.

Every cell a request asks for is a value or accounted for: the cells SSB leaves empty are
counted by the status symbol SSB gives them (``..``, ``:``, ...), those without one
apart, and codes the query names that are not in the answer are listed; all of it goes
into the provenance's notes. Which municipalities have no values at all is judged with the
plan's municipalities, by :func:`~regionplan.data.fetching.fetch_sources`.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence

import numpy as np

from regionplan.data.series import Observations, Provenance
from regionplan.data.sources import FailureKind, SourceFailed, SourceRequest
from regionplan.data.sources.jsonstat import JsonStatDataset, decode_jsonstat, resolve_unit
from regionplan.errors import DataSourceError
from regionplan_ssb.groups import Group
from regionplan_ssb.periods import resolve_periods
from regionplan_ssb.query import SsbQuery, strip_area_prefix

__all__ = ["LICENCE", "PUBLISHER", "decode_observations"]

LICENCE = "CC BY 4.0"
PUBLISHER = "Statistics Norway (SSB)"


def decode_observations(group: Group, request: SourceRequest, q: SsbQuery) -> Observations:
    """One request's observations from its group's downloads, with their provenance."""
    table = q.table
    selected = dict(q.select)
    summed = [v for v, codes in q.select if len(codes) > 1]
    summed += [v for v, total in group.eliminate.items() if total is None]
    areas: list[np.ndarray] = []
    periods: list[np.ndarray] = []
    values: list[np.ndarray] = []
    unit_text: str | None = None
    gaps: list[tuple[collections.Counter[str], int, list[str]]] = []
    for download in group.downloads:
        filters: dict[str, str | Sequence[str]] = dict(selected)
        filters.update({v: total for v, total in group.eliminate.items() if total is not None})
        metric = download.dataset.role("metric") or "ContentsCode"
        filters[metric] = q.contents
        try:
            batches = decode_jsonstat(
                download.dataset,
                area_dimension=group.region_var,
                time_dimension=group.time_var,
                metric_dimension=metric,
                filters=filters,
                sum_dimensions=summed,
                area=q.area if group.region_var is None else None,
            )
        except DataSourceError as exc:
            raise SourceFailed.wrap(exc, f"SSB table {table}: {exc} ({download.url})") from None
        batch = batches[q.contents]
        unit_text = batch.unit
        gaps.append(_gaps(download.dataset, group, request, q, metric))
        areas.append(batch.areas)
        periods.append(batch.periods)
        values.append(batch.values)
    area_arr = np.concatenate(areas) if areas else np.empty(0, dtype=object)
    period_arr = np.concatenate(periods) if periods else np.empty(0, dtype=object)
    value_arr = np.concatenate(values) if values else np.empty(0)
    notes = []
    if group.key.codelist is not None and len(area_arr):
        uniq, inverse = np.unique(area_arr.astype(str), return_inverse=True)
        stripped = np.array([strip_area_prefix(c) for c in uniq], dtype=object)
        area_arr = stripped[inverse]
        notes.append(f"region codes from SSB code list {group.key.codelist}, prefix removed")
    keep = np.ones(len(value_arr), dtype=bool)
    if request.areas and q.region.codes is None and group.region_var is not None:
        keep &= np.isin(area_arr.astype(str), np.array(request.areas, dtype=str))
        if len(value_arr) and not keep.any():
            shown = ", ".join(sorted(request.areas)[:6]) + ("…" if len(request.areas) > 6 else "")
            msg = f"SSB table {table}: none of the plan's areas ({shown}) is in the table"
            raise SourceFailed(msg, FailureKind.MISSING_AREAS)
    if len(value_arr):
        keep &= _period_mask(period_arr, request, q)
    notes += _gap_notes(gaps)
    chosen = [v for v, codes in q.select if len(codes) > 1]
    if chosen:
        notes.append("summed over " + "; ".join(f"{v} ({', '.join(selected[v])})" for v in chosen))
    left_out = [f"{v} ({total or 'sum of its values'})" for v, total in group.eliminate.items()]
    if left_out:
        notes.append("left out as SSB does: " + "; ".join(left_out))
    try:
        unit = resolve_unit(q.unit) if q.unit else resolve_unit(unit_text)
    except DataSourceError as exc:
        raise SourceFailed.wrap(exc, f"SSB table {table}, {q.contents}: {exc}") from None
    fetched = [d.fetched for d in group.downloads]
    provenance = Provenance(
        source="ssb",
        table=table,
        query=" ".join(d.url for d in group.downloads),
        retrieved=min(fetched) if fetched else None,
        licence=LICENCE,
        credit=f"Kilde: Statistisk sentralbyrå, tabell {table}",
        publisher=PUBLISHER,
        url=f"https://www.ssb.no/statbank/table/{table}",
        notes="; ".join(notes),
    )
    return Observations(
        areas=area_arr[keep],
        periods=period_arr[keep],
        values=value_arr[keep],
        unit=unit,
        provenance=provenance,
    )


def _period_mask(periods: np.ndarray, request: SourceRequest, q: SsbQuery) -> np.ndarray:
    """Only this request's periods (the download may hold other requests' too)."""
    uniq, inverse = np.unique(periods.astype(str), return_inverse=True)
    ordered = sorted(uniq.tolist())
    wanted = set(resolve_periods(ordered, q.period, request.first_year, request.last_year))
    return np.array([c in wanted for c in uniq], dtype=bool)[inverse]


def _gaps(
    dataset: JsonStatDataset, group: Group, request: SourceRequest, q: SsbQuery, metric: str
) -> tuple[collections.Counter[str], int, list[str]]:
    """The request's empty cells in one answer: how many by SSB's status symbol, how many
    with none, and the codes the query names that the answer lacks."""
    absent: list[str] = []
    index: list[list[int]] = []
    totals = {v: t for v, t in group.eliminate.items() if t is not None}
    wanted = {**dict(q.select), **{v: (t,) for v, t in totals.items()}, metric: (q.contents,)}
    for dim_id in dataset.ids:
        dim = dataset.dimensions[dim_id]
        codes: Sequence[str] = wanted.get(dim_id, dim.codes)
        if dim_id == group.region_var and q.region.codes not in (None, ("*",)):
            absent += [f"{dim_id} {c}" for c in q.region.codes or () if c not in dim]
        elif dim_id == group.region_var and request.areas and q.region.codes is None:
            areas = set(request.areas)
            codes = [c for c in dim.codes if strip_area_prefix(c) in areas]
        elif dim_id == group.time_var:
            absent += [f"{dim_id} {c}" for c in q.period.codes or () if c not in dim]
            try:
                codes = resolve_periods(dim.codes, q.period, request.first_year, request.last_year)
            except DataSourceError:
                codes = []  # no periods of the query in this answer: nothing asked of it
        index.append([dim.position(c) for c in codes if c in dim])
    cells = np.ix_(*[np.asarray(i, dtype=np.intp) for i in index])
    empty = np.isnan(dataset.values[cells])
    symbols = collections.Counter(str(s) for s in dataset.status[cells][empty] if s not in (None, ""))
    return symbols, int(empty.sum()) - sum(symbols.values()), absent


def _gap_notes(gaps: Sequence[tuple[collections.Counter[str], int, list[str]]]) -> list[str]:
    symbols: collections.Counter[str] = collections.Counter()
    unexplained = 0
    absent: dict[str, None] = {}
    for counted, without, lacking in gaps:
        symbols.update(counted)
        unexplained += without
        absent.update(dict.fromkeys(lacking))
    notes = []
    if symbols:
        said = ", ".join(f"{n} '{symbol}'" for symbol, n in sorted(symbols.items()))
        notes.append(f"SSB marks {sum(symbols.values())} cells as empty: {said}")
    if unexplained:
        notes.append(f"{unexplained} cells empty without a symbol from SSB")
    if absent:
        notes.append(f"not in SSB's answer though asked: {', '.join(absent)}")
    return notes
