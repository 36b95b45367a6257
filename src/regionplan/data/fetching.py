"""Asking a plan's sources for its metrics' observations, and keeping what happened.

:func:`fetch_sources` asks each metric's sources in the order the plan lists them (all
requests of a source first go to :meth:`~regionplan.data.sources.DataSource.prepare`, so a
source can answer them with one download per table); the first that delivers values is
used. Each source that failed is kept as a :class:`~regionplan.data.attempts.SourceFailure`
with its kind, and the one that delivered as a :class:`~regionplan.data.attempts.SourceAttempt`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from regionplan.data.attempts import DataOrigin, FailureKind, SourceAttempt, SourceFailure
from regionplan.data.series import Observations, Provenance
from regionplan.data.sources import SourceContext, SourceRequest, failure_kind
from regionplan.errors import DataSourceError, PluginError
from regionplan.plan.model import Metric, Plan

__all__ = ["NO_SOURCE", "Fetched", "fetch_sources"]

#: Why a metric with sources has no data when no source said why.
NO_SOURCE = "no source could deliver data"


@attrs.frozen(eq=False)
class Fetched:
    """What the sources gave for the metrics with sources.

    Attributes:
        observations: metric id -> the batch of the source that delivered.
        origins: metric id -> the source that delivered (if one did), the sources that failed
            before it or instead of it, and what the delivering source overcame.
    """

    observations: dict[str, list[Observations]]
    origins: dict[str, DataOrigin]


def fetch_sources(plan: Plan, *, context: SourceContext | None = None, extensions: Any = None) -> Fetched:
    """Ask the sources for every metric with a source, and keep what happened.

    A metric's sources are tried in the order the plan lists them; the first that
    delivers values is used (for example SSB's API when online, else a copied file).
    Each source that failed before it is kept with the kind of its failure.
    """
    from regionplan.defaults import default_extensions

    ext = extensions or default_extensions()
    ctx = context or SourceContext(base_dir=plan.base_dir)
    areas = tuple(dict.fromkeys(plan.region.all_codes))
    requests: dict[str, list[tuple[Metric, int, SourceRequest]]] = {}
    for metric in plan.metrics:
        for i, spec in enumerate(metric.sources):
            req = SourceRequest(
                metric=metric.id,
                query=spec.query,
                areas=areas,
                unit=metric.unit,
                first_year=None,
                last_year=None,
            )
            requests.setdefault(spec.name, []).append((metric, i, req))
    instances: dict[str, Any] = {}
    failed: dict[str, list[SourceFailure]] = {}
    for name, reqs in requests.items():
        try:
            source = ext.sources.get(name)(ctx)
            source.prepare([r for _, _, r in reqs])
            instances[name] = source
        except (DataSourceError, PluginError) as exc:
            kind = FailureKind.UNKNOWN_SOURCE if isinstance(exc, PluginError) else failure_kind(exc)
            for metric, _, req in reqs:
                attempt = _attempt(metric.id, name, req.query)
                failed.setdefault(metric.id, []).append(_failure(kind, exc, metric.id, attempt, ctx))
    out: dict[str, list[Observations]] = {}
    origins: dict[str, DataOrigin] = {}
    try:
        for metric in plan.metrics:
            if not metric.sources:
                continue
            delivered: SourceAttempt | None = None
            recovered: list[SourceFailure] = []
            for i, spec in enumerate(metric.sources):
                source = instances.get(spec.name)
                if source is None:
                    continue
                req = next(r for m, j, r in requests[spec.name] if m.id == metric.id and j == i)
                attempt = _attempt(metric.id, spec.name, req.query)
                try:
                    batch = source.fetch(req)
                except DataSourceError as exc:
                    recovered += _recovered(source, req, attempt)
                    kind = failure_kind(exc)
                    failed.setdefault(metric.id, []).append(_failure(kind, exc, metric.id, attempt, ctx))
                    continue
                recovered += _recovered(source, req, attempt)
                if len(batch) == 0:
                    failed.setdefault(metric.id, []).append(
                        SourceFailure(
                            FailureKind.NO_ROWS, "the source returned no values", metric.id, attempt
                        )
                    )
                    continue
                out[metric.id] = [batch]
                delivered = _attempt(metric.id, spec.name, req.query, batch.provenance)
                break
            origins[metric.id] = DataOrigin(
                (delivered,) if delivered else (), tuple(failed.get(metric.id, ())), tuple(recovered)
            )
    finally:
        for source in instances.values():
            source.close()
    return Fetched(out, origins)


def _attempt(
    metric: str, source: str, query: Mapping[str, Any], provenance: Provenance | None = None
) -> SourceAttempt:
    """One source asked for a metric: the table and the file (or the table's URL) its query names."""
    table = provenance.table if provenance and provenance.table else str(query.get("table") or "")
    location = str(query.get("path") or (provenance.url if provenance else "") or "")
    return SourceAttempt(metric, source, table, location, provenance)


def _failure(
    kind: FailureKind, exc: BaseException, metric: str, attempt: SourceAttempt, ctx: SourceContext
) -> SourceFailure:
    # A source that gave no kind, asked for a file (a failed attempt's location is the
    # query's path): whether that file exists is a fact the plan's folder shows.
    if kind is FailureKind.FAILED and attempt.location and not ctx.resolve(attempt.location).exists():
        kind = FailureKind.FILE_MISSING
    status = getattr(exc, "status", None)
    return SourceFailure(kind, str(exc), metric, attempt, status if isinstance(status, int) else None)


def _recovered(source: Any, req: SourceRequest, attempt: SourceAttempt) -> list[SourceFailure]:
    """What the source overcame for this request, as records of this attempt."""
    overcome = getattr(source, "recovered", None)
    if overcome is None:
        return []
    return [attrs.evolve(f, metric=req.metric, attempt=attempt, recovered=True) for f in overcome(req)]
