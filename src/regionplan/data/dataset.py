"""From sources to series: everything a plan's metrics need, for members and region.

:func:`fetch_data` asks each metric's sources for observations (all requests of a
source first go to :meth:`~regionplan.data.sources.DataSource.prepare`, so a source
can answer them with one download per table), turns them into
:class:`~regionplan.data.series.Series`, maps municipality codes to the members'
current vintage (:mod:`regionplan.data.areas`), aggregates members to the region by
each metric's rule, and computes derived metrics. A metric whose data cannot be
had keeps the reasons, so the evaluation can say "insufficient data" and why. Every
metric keeps its :class:`~regionplan.data.attempts.DataOrigin`: the source that delivered
and the sources that failed before it, each failure with a
:class:`~regionplan.data.attempts.FailureKind` (:mod:`regionplan.data.attempts`).

:func:`build_dataset` does the same from series you already hold (tests,
notebooks, benchmarks), skipping the sources.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import networkx as nx
import numpy as np

from regionplan.data import derived
from regionplan.data.areas import CodeMapping, aggregate
from regionplan.data.attempts import DataOrigin, FailureKind, SourceFailure, merge_origins
from regionplan.data.fetching import NO_SOURCE, Fetched, fetch_sources
from regionplan.data.series import Observations, Provenance, Series
from regionplan.data.sources import SourceContext, failure_kind
from regionplan.errors import DataSourceError, RegionplanError
from regionplan.plan import expressions
from regionplan.plan.codes import CodeChanges
from regionplan.plan.codes.resolution import SplitPolicy
from regionplan.plan.model import Metric, Plan
from regionplan.plan.units import parse_unit

__all__ = [
    "DataSet",
    "Fetched",
    "MetricData",
    "build_dataset",
    "fetch_data",
    "fetch_observations",
    "fetch_sources",
]


@attrs.frozen(eq=False)
class MetricData:
    """A metric's values for the members and for each region (group).

    Attributes:
        metric: the metric's id.
        members: one row per member code (current vintage).
        regions: one row per group (the plan's region, or each area evaluated as its own region).
        present: members with data, per group and period (same shape as ``regions.values``).
        n_members: members per group.
        reasons: why data is missing or partial (source errors, unmapped codes), one
            sentence each (English; the text of :attr:`failures`).
        notes: what was done to the data on the way (code mapping, assumptions).
        failures: the same reasons as records, each with its kind code.
        origin: the source that delivered, and those that failed before it.
    """

    metric: str
    members: Series
    regions: Series
    present: np.ndarray
    n_members: np.ndarray
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    failures: tuple[SourceFailure, ...] = ()
    origin: DataOrigin = attrs.field(factory=DataOrigin)

    @property
    def provenance(self) -> tuple[Provenance, ...]:
        seen: dict[tuple[str, str, str], Provenance] = {}
        for p in self.members.provenance + self.regions.provenance:
            seen.setdefault((p.source, p.table, p.query), p)
        return tuple(seen.values())


@attrs.frozen(eq=False)
class DataSet:
    """The data of every metric of a plan.

    Attributes:
        groups: group id -> member codes (by default the region and its current members).
        vintage: the day whose municipality codes every series is in.
        metrics: metric id -> its data.
    """

    groups: Mapping[str, tuple[str, ...]]
    vintage: dt.date
    metrics: Mapping[str, MetricData]

    def __getitem__(self, metric: str) -> MetricData:
        return self.metrics[metric]

    def __contains__(self, metric: object) -> bool:
        return metric in self.metrics

    def region_series(self, metric: str) -> Series:
        return self.metrics[metric].regions

    def provenance(self) -> tuple[Provenance, ...]:
        seen: dict[tuple[str, str, str], Provenance] = {}
        for data in self.metrics.values():
            for p in data.provenance:
                seen.setdefault((p.source, p.table, p.query), p)
        return tuple(seen.values())


def region_vintage(plan: Plan) -> dt.date:
    """The day the members' current codes are valid from (or the plan's start)."""
    starts = []
    for m in plan.region.municipalities:
        current = max(m.codes, key=lambda c: c.valid_from or dt.date.min)
        if current.valid_from:
            starts.append(current.valid_from)
    return max(starts, default=plan.meta.start_date)


def default_groups(plan: Plan) -> dict[str, tuple[str, ...]]:
    return {plan.region.id: plan.region.current_codes}


def fetch_observations(
    plan: Plan, *, context: SourceContext | None = None, extensions: Any = None
) -> tuple[dict[str, list[Observations]], dict[str, list[str]]]:
    """Ask the sources for every metric with a source (see :func:`fetch_sources`).

    Returns:
        observations by metric id, and the failures by metric id, one sentence each:
        for a metric without observations they say why it has none; for one with
        observations, which earlier sources failed before one delivered.
    """
    fetched = fetch_sources(plan, context=context, extensions=extensions)
    reasons: dict[str, list[str]] = {}
    for mid, origin in fetched.origins.items():
        if origin.failed:
            reasons[mid] = [str(f) for f in origin.failed]
        elif mid not in fetched.observations:
            reasons[mid] = [NO_SOURCE]
    return fetched.observations, reasons


def fetch_data(
    plan: Plan,
    *,
    context: SourceContext | None = None,
    extensions: Any = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    split_policy: SplitPolicy = "flag",
) -> DataSet:
    """Read every metric of ``plan`` through its sources and build the data set."""
    fetched = fetch_sources(plan, context=context, extensions=extensions)
    observations = fetched.observations
    reasons: dict[str, list[str | SourceFailure]] = {}
    notes: dict[str, list[str]] = {}
    for mid, origin in fetched.origins.items():
        if mid not in observations:
            reasons[mid] = list(origin.failed) or [SourceFailure(FailureKind.NO_SOURCE, NO_SOURCE, mid)]
        elif any(a.areas for a in origin.delivered):  # a partial delivery, completed or not
            used = "; ".join(f"{a.source} for {', '.join(a.areas)}" for a in origin.delivered)
            notes[mid] = [f"values by municipality from {used}, after: {'; '.join(map(str, origin.failed))}"]
        elif origin.failed:
            notes[mid] = [f"used a later source after: {'; '.join(str(f) for f in origin.failed)}"]
    raw: dict[str, Series] = {}
    for metric in plan.metrics:
        if metric.id in observations:
            try:
                raw[metric.id] = Series.from_observations(
                    observations[metric.id], unit=metric.unit, period_spec=metric.period
                )
            except DataSourceError as exc:  # a value or period label no statistic can have
                failure = SourceFailure(failure_kind(exc), str(exc), metric.id)
                reasons.setdefault(metric.id, []).append(failure)
            except Exception as exc:  # pint's DimensionalityError and friends
                text = f"the source's values do not fit '{metric.unit}': {exc}"
                reasons.setdefault(metric.id, []).append(
                    SourceFailure(FailureKind.UNIT_MISMATCH, text, metric.id)
                )
    return build_dataset(
        plan,
        raw,
        groups=groups,
        reasons=reasons,
        notes=notes,
        origins=fetched.origins,
        split_policy=split_policy,
    )


def build_dataset(
    plan: Plan,
    raw: Mapping[str, Series],
    *,
    groups: Mapping[str, Sequence[str]] | None = None,
    reasons: Mapping[str, Sequence[str | SourceFailure]] | None = None,
    changes: CodeChanges | None = None,
    allow_partial: bool = False,
    notes: Mapping[str, Sequence[str]] | None = None,
    origins: Mapping[str, DataOrigin] | None = None,
    split_policy: SplitPolicy = "flag",
) -> DataSet:
    """Build a data set from raw member series (any code vintage) by metric id.

    Args:
        raw: series of metrics with sources, by metric id; derived metrics are computed.
        groups: group id -> member codes in the current vintage; default: the plan's region.
        reasons: known reasons why metrics have no data, as records with a kind or as
            sentences (kept with the kind ``failed``).
        changes: municipality code changes (default: the bundled KLASS 131 records).
        allow_partial: give a region a value when only some members have data.
        notes: what happened on the way, by metric id (sources that failed before another delivered).
        origins: where each metric with sources got its data (:func:`fetch_sources`); derived
            metrics get their inputs' origins.
        split_policy: ``"equal"`` shares a split code's value equally among its parts (for
            sums over areas that hold all the parts, where the shares do not matter).
    """
    grp = {k: tuple(v) for k, v in (groups or default_groups(plan)).items()}
    members = tuple(dict.fromkeys(c for codes in grp.values() for c in codes))
    vintage = region_vintage(plan)
    mapping = CodeMapping(changes or CodeChanges.bundled(), vintage, split_policy=split_policy)
    why: dict[str, list[SourceFailure]] = {
        k: [r if isinstance(r, SourceFailure) else SourceFailure(FailureKind.FAILED, r, k) for r in v]
        for k, v in (reasons or {}).items()
    }
    origin_of = dict(origins or {})
    member_series: dict[str, Series] = {}
    direct: dict[str, Series] = {}
    notes_by_metric: dict[str, list[str]] = {k: list(v) for k, v in (notes or {}).items()}
    for metric in plan.metrics:
        if metric.derived or metric.id not in raw:
            continue
        series, region_rows = _split_region_rows(raw[metric.id].to(metric.unit), grp, plan.region.id)
        if region_rows is not None:
            direct[metric.id] = region_rows
        if series.values.size:
            try:
                mapped = mapping.map_series(series, allow_partial=allow_partial)
            except RegionplanError as exc:
                why.setdefault(metric.id, []).append(
                    SourceFailure(
                        FailureKind.UNMAPPED_CODES, f"its area codes could not be mapped: {exc}", metric.id
                    )
                )
                continue
            series = mapped.series
            flagged = getattr(mapped, "flagged", ())
            if flagged:
                notes_by_metric.setdefault(metric.id, []).append(
                    f"split codes without weights left out: {', '.join(sorted(map(str, flagged)))}"
                )
        member_series[metric.id] = series.select_areas(members)

    out: dict[str, MetricData] = {}
    region_series: dict[str, Series] = {}
    for metric in _base_first(plan):
        mid = metric.id
        unit = parse_unit(metric.unit)
        if metric.derived:
            continue
        if mid in direct and (mid not in member_series or member_series[mid].is_empty):
            rows = direct[mid].select_areas(tuple(grp))
            present = np.where(np.isnan(rows.values), 0, np.array([len(v) for v in grp.values()])[:, None])
            out[mid] = _metric_data(
                mid,
                member_series.get(mid, Series.empty(unit)),
                rows,
                present,
                np.array([len(v) for v in grp.values()], dtype=np.int64),
                why.get(mid, ()),
                ("values given for the region as a whole",),
                origin_of.get(mid),
            )
            region_series[mid] = rows
            continue
        if mid not in member_series:
            empty = Series.empty(unit)
            out[mid] = _empty_data(
                mid,
                grp,
                unit,
                why.get(mid) or [SourceFailure(FailureKind.NO_SOURCE, "no data was read for it", mid)],
                origin=origin_of.get(mid),
            )
            region_series[mid] = empty
            continue
        ms = member_series[mid]
        if metric.aggregation == "none":
            if all(len(v) == 1 for v in grp.values()):
                agg = aggregate(ms, grp, "sum", allow_partial=allow_partial)
            else:
                text = (
                    "this metric does not aggregate from members to a region; ask its source for the region"
                )
                out[mid] = _empty_data(
                    mid,
                    grp,
                    unit,
                    [SourceFailure(FailureKind.NOT_AGGREGATED, text, mid)],
                    members=ms,
                    origin=origin_of.get(mid),
                )
                region_series[mid] = out[mid].regions
                continue
        elif metric.aggregation == "weighted_mean":
            weight = member_series.get(metric.weight or "")
            if weight is None:
                text = f"its weight '{metric.weight}' has no data"
                out[mid] = _empty_data(
                    mid,
                    grp,
                    unit,
                    [SourceFailure(FailureKind.NO_WEIGHT, text, mid)],
                    members=ms,
                    origin=origin_of.get(mid),
                )
                region_series[mid] = out[mid].regions
                continue
            agg = aggregate(ms, grp, "weighted_mean", weights=weight, allow_partial=allow_partial)
        else:
            agg = aggregate(ms, grp, "sum", allow_partial=allow_partial)
        out[mid] = _metric_data(
            mid,
            ms,
            agg.series,
            agg.present,
            agg.members,
            why.get(mid, ()),
            tuple(notes_by_metric.get(mid, ())),
            origin_of.get(mid),
        )
        region_series[mid] = agg.series

    for metric in _derived_in_order(plan):
        mid = metric.id
        expr = expressions.parse(metric.derived or "")
        unit = parse_unit(metric.unit)
        origin = merge_origins(out[r].origin for r in sorted(expr.references) if r in out)
        missing = [r for r in sorted(expr.references) if out.get(r) is None or out[r].regions.is_empty]
        if missing:
            failures = [
                SourceFailure(
                    FailureKind.INPUT_MISSING,
                    f"'{r}' has no data"
                    + (f" ({'; '.join(out[r].reasons)})" if r in out and out[r].reasons else ""),
                    r,
                    causes=out[r].failures if r in out else (),
                )
                for r in missing
            ]
            out[mid] = _empty_data(mid, grp, unit, failures, origin=origin)
            continue
        ms = derived.evaluate(expr, {r: out[r].members for r in expr.references}, unit)
        rs = derived.evaluate(expr, {r: out[r].regions for r in expr.references}, unit)
        present, n = _derived_presence(rs, [out[r] for r in expr.references])
        out[mid] = MetricData(
            mid, ms.select_areas(members), rs.select_areas(tuple(grp)), present, n, origin=origin
        )
    return DataSet(grp, vintage, out)


def _split_region_rows(
    series: Series, groups: Mapping[str, Sequence[str]], region_id: str
) -> tuple[Series, Series | None]:
    """Separate rows given for a whole region (area ``region`` or a group id) from member rows.

    A group id that is also a member's code (each municipality as its own region) names
    the member: its rows go through code mapping and aggregation like any member's.
    """
    members = {c for codes in groups.values() for c in codes}
    whole = [a for a in series.areas if a == "region" or (a in groups and a not in members)]
    if not whole:
        return series, None
    rest = [a for a in series.areas if a not in whole]
    rows = series.select_areas(whole)
    renamed = tuple(region_id if a == "region" else a for a in rows.areas)
    return series.select_areas(rest), attrs.evolve(rows, areas=renamed)


def _derived_presence(rs: Series, inputs: Sequence[MetricData]) -> tuple[np.ndarray, np.ndarray]:
    """Members behind a derived region value: the least coverage among its inputs."""
    n = inputs[0].n_members
    present = np.full(rs.values.shape, -1, dtype=np.int64)
    for data in inputs:
        times = {round(p.time, 6): j for j, p in enumerate(data.regions.periods)}
        cols = [times.get(round(p.time, 6)) for p in rs.periods]
        for k, j in enumerate(cols):
            col = data.present[:, j] if j is not None else np.zeros(len(n), dtype=np.int64)
            present[:, k] = np.where(present[:, k] < 0, col, np.minimum(present[:, k], col))
    return np.maximum(present, 0), n


def _metric_data(
    mid: str,
    members: Series,
    regions: Series,
    present: np.ndarray,
    n_members: np.ndarray,
    failures: Sequence[SourceFailure],
    notes: tuple[str, ...] = (),
    origin: DataOrigin | None = None,
) -> MetricData:
    """A metric's data with its failures both as records and as sentences."""
    return MetricData(
        mid,
        members,
        regions,
        present,
        n_members,
        tuple(str(f) for f in failures),
        notes,
        tuple(failures),
        origin or DataOrigin(),
    )


def _empty_data(
    mid: str,
    grp: Mapping[str, Sequence[str]],
    unit: Any,
    failures: Sequence[SourceFailure],
    members: Series | None = None,
    origin: DataOrigin | None = None,
) -> MetricData:
    empty = Series.empty(unit)
    return _metric_data(
        mid,
        members if members is not None else empty,
        Series(list(grp), (), np.empty((len(grp), 0)), unit),
        np.zeros((len(grp), 0), dtype=np.int64),
        np.array([len(v) for v in grp.values()], dtype=np.int64),
        failures,
        origin=origin,
    )


def _base_first(plan: Plan) -> list[Metric]:
    return [m for m in plan.metrics if not m.derived]


def _derived_in_order(plan: Plan) -> list[Metric]:
    deps = nx.DiGraph()
    derived = {m.id: m for m in plan.metrics if m.derived}
    for m in derived.values():
        deps.add_node(m.id)
        for ref in expressions.parse(m.derived or "").references:
            if ref in derived:
                deps.add_edge(ref, m.id)
    return [derived[i] for i in nx.topological_sort(deps)]
