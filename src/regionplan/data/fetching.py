"""Asking a plan's sources for its metrics' observations, and keeping what happened.

:func:`fetch_sources` asks each metric's sources in the order the plan lists them (all
requests of a source first go to :meth:`~regionplan.data.sources.DataSource.prepare`, so a
source can answer them with one download per table); the first that delivers values is
used. A delivery with no values for some of the region's municipalities is partial: it is
kept as a failure of kind ``missing_areas``, and the later sources complete the municipalities
it lacks, each with the rows of those municipalities only. Each source that failed is kept as
a :class:`~regionplan.data.attempts.SourceFailure` with its kind, and each that delivered as a
:class:`~regionplan.data.attempts.SourceAttempt` (with the municipalities it delivered for, when
it delivered for some only).

A metric with a ``merge`` rule (``first_wins``, ``newest_period_wins``) asks every source and
merges the values by municipality and period instead: a period the first source lacks is
filled from a later one, and each source used keeps the municipalities and periods it gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from regionplan.data.attempts import DataOrigin, FailureKind, SourceAttempt, SourceFailure
from regionplan.data.completion import (
    describe_missing,
    members_without_values,
    merge_batches,
    precedence,
    rows_for,
)
from regionplan.data.series import Observations, Provenance
from regionplan.data.sources import SourceContext, SourceRequest, failure_kind
from regionplan.errors import DataSourceError, PluginError
from regionplan.plan.model import MergeRule, Metric, Municipality, Plan

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
    # The folders the plan allows (its allow_paths, --allow-path) hold for its sources too.
    ctx = attrs.evolve(ctx, allowed_paths=(*ctx.allowed_paths, *plan.allowed_paths))
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
            factory = ext.sources.get(name)
            # a fault of the source's code (not its documented DataSourceError) names the plugin
            with ext.guard(ext.sources.plugin_of(name), f"the data source {name!r}", passes=DataSourceError):
                source = factory(ctx)
                source.prepare([r for _, _, r in reqs])
            instances[name] = source
        except (DataSourceError, PluginError) as exc:
            if isinstance(exc, PluginError) and exc.plugin is not None:
                raise
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
            if metric.merge is not MergeRule.FALLBACK:
                origins[metric.id] = _merge(plan, metric, instances, requests, ext, ctx, failed, out)
                continue
            delivered: list[SourceAttempt] = []
            lacking: tuple[Municipality, ...] = ()  # members a partial delivery has no values for
            recovered: list[SourceFailure] = []
            for i, spec in enumerate(metric.sources):
                asked = _ask(metric, i, spec.name, instances, requests, ext, ctx, failed, recovered)
                if asked is None:
                    continue
                req, batch, attempt = asked
                used = _attempt(metric.id, spec.name, req.query, batch.provenance, ctx)
                members = plan.region.municipalities
                if delivered:  # a later source completes a partial delivery, member by member
                    batch, covered = rows_for(batch, lacking)
                    if not covered:
                        text = describe_missing(lacking)
                        failure = SourceFailure(
                            FailureKind.MISSING_AREAS, text, metric.id, attempt, members=_named(lacking)
                        )
                        failed[metric.id].append(failure)
                        continue
                    out[metric.id].append(batch)
                    used = attrs.evolve(used, areas=tuple(m.current_code for m in covered))
                    lacking = tuple(m for m in lacking if m not in covered)
                else:
                    out[metric.id] = [batch]
                    lacking = members_without_values(members, batch) or ()
                    if lacking:  # a partial delivery: reported, and completed by later sources
                        text = describe_missing(lacking, len(members))
                        failure = SourceFailure(
                            FailureKind.MISSING_AREAS, text, metric.id, attempt, members=_named(lacking)
                        )
                        failed.setdefault(metric.id, []).append(failure)
                        kept = tuple(m.current_code for m in members if m not in lacking)
                        used = attrs.evolve(used, areas=kept)
                delivered.append(used)
                if not lacking:
                    break
            origins[metric.id] = DataOrigin(
                tuple(delivered), tuple(failed.get(metric.id, ())), tuple(recovered)
            )
    finally:
        for name, source in instances.items():
            with ext.guard(ext.sources.plugin_of(name), f"the data source {name!r} (close)"):
                source.close()
    return Fetched(out, origins)


def _ask(
    metric: Metric,
    i: int,
    name: str,
    instances: Mapping[str, Any],
    requests: Mapping[str, list[tuple[Metric, int, SourceRequest]]],
    ext: Any,
    ctx: SourceContext,
    failed: dict[str, list[SourceFailure]],
    recovered: list[SourceFailure],
) -> tuple[SourceRequest, Observations, SourceAttempt] | None:
    """Ask the metric's ``i``-th source; its batch with values, or ``None`` (its failure kept)."""
    source = instances.get(name)
    if source is None:
        return None
    req = next(r for m, j, r in requests[name] if m.id == metric.id and j == i)
    attempt = _attempt(metric.id, name, req.query)
    plugin = ext.sources.plugin_of(name)
    what = f"the data source {name!r} (fetch for the metric {metric.id!r})"
    try:
        with ext.guard(plugin, what, passes=DataSourceError):
            batch = source.fetch(req)
    except DataSourceError as exc:
        recovered += _recovered(source, req, attempt, ext)
        failed.setdefault(metric.id, []).append(_failure(failure_kind(exc), exc, metric.id, attempt, ctx))
        return None
    if problem := _batch_problem(batch):
        raise ext.fault(plugin, f"{what} returned {problem}")
    recovered += _recovered(source, req, attempt, ext)
    if len(batch) == 0:
        failure = SourceFailure(FailureKind.NO_ROWS, "the source returned no values", metric.id, attempt)
        failed.setdefault(metric.id, []).append(failure)
        return None
    return req, batch, attempt


def _merge(
    plan: Plan,
    metric: Metric,
    instances: Mapping[str, Any],
    requests: Mapping[str, list[tuple[Metric, int, SourceRequest]]],
    ext: Any,
    ctx: SourceContext,
    failed: dict[str, list[SourceFailure]],
    out: dict[str, list[Observations]],
) -> DataOrigin:
    """Ask every source of a metric with a ``merge`` rule and merge their values by municipality
    and period (:func:`~regionplan.data.completion.merge_batches`); each source used keeps the
    municipalities and periods it gave."""
    recovered: list[SourceFailure] = []
    answers: list[tuple[SourceRequest, Observations, SourceAttempt]] = []
    for i, spec in enumerate(metric.sources):
        if (
            asked := _ask(metric, i, spec.name, instances, requests, ext, ctx, failed, recovered)
        ) is not None:
            answers.append(asked)
    order = precedence([b for _, b, _ in answers], metric.merge)
    members = plan.region.municipalities
    merged = merge_batches([answers[k][1] for k in order], members)
    delivered: list[SourceAttempt] = []
    for k, part in zip(order, merged, strict=True):
        req, batch, attempt = answers[k]
        if len(part.rows) == 0:
            continue
        out.setdefault(metric.id, []).append(part.rows)
        used = _attempt(metric.id, attempt.source, req.query, batch.provenance, ctx)
        codes = {m.current_code for m in members}
        partial = codes.intersection(part.areas) != codes and codes.intersection(part.areas)
        used = attrs.evolve(used, areas=part.areas if partial else (), periods=part.periods)
        delivered.append(used)
    covered = {a for part in merged for a in part.areas}
    if delivered and covered.intersection(m.current_code for m in members):
        lacking = tuple(m for m in members if m.current_code not in covered)
        if lacking:
            text = describe_missing(lacking, len(members))
            failure = SourceFailure(
                FailureKind.MISSING_AREAS, text, metric.id, delivered[0], members=_named(lacking)
            )
            failed.setdefault(metric.id, []).append(failure)
    return DataOrigin(tuple(delivered), tuple(failed.get(metric.id, ())), tuple(recovered))


def _attempt(
    metric: str,
    source: str,
    query: Mapping[str, Any],
    provenance: Provenance | None = None,
    ctx: SourceContext | None = None,
) -> SourceAttempt:
    """One source asked for a metric: the table and the file (or the table's URL) its query
    names, and (given ``ctx``) the file read when it lies outside the plan's folder."""
    table = provenance.table if provenance and provenance.table else str(query.get("table") or "")
    path = query.get("path")
    if isinstance(path, list | tuple):  # several files: named together
        path = ", ".join(str(p) for p in path)
    location = str(path or (provenance.url if provenance else "") or "")
    outside = ""
    if ctx is not None and isinstance(query.get("path"), str) and query["path"]:
        where = ctx.place(query["path"])
        outside = "" if where.inside else str(where.path)
    return SourceAttempt(metric, source, table, location, provenance, outside)


def _failure(
    kind: FailureKind, exc: BaseException, metric: str, attempt: SourceAttempt, ctx: SourceContext
) -> SourceFailure:
    # A source that gave no kind, asked for a file (a failed attempt's location is the
    # query's path): whether that file exists is a fact the plan's folder shows.
    single = isinstance(attempt.location, str) and not any(c in attempt.location for c in "*?[,")
    if (
        kind is FailureKind.FAILED
        and single
        and attempt.location
        and not ctx.place(attempt.location).path.exists()
    ):
        kind = FailureKind.FILE_MISSING
    status = getattr(exc, "status", None)
    return SourceFailure(kind, str(exc), metric, attempt, status if isinstance(status, int) else None)


def _recovered(source: Any, req: SourceRequest, attempt: SourceAttempt, ext: Any) -> list[SourceFailure]:
    """What the source overcame for this request, as records of this attempt."""
    overcome = getattr(source, "recovered", None)
    if overcome is None:
        return []
    plugin = ext.sources.plugin_of(attempt.source)
    what = f"the data source {attempt.source!r} (recovered for the metric {req.metric!r})"
    with ext.guard(plugin, what):
        found = overcome(req)
    if not isinstance(found, tuple | list) or not all(isinstance(f, SourceFailure) for f in found):
        raise ext.fault(plugin, f"{what} returned {_kind(found)}, not a tuple of SourceFailure")
    return [attrs.evolve(f, metric=req.metric, attempt=attempt, recovered=True) for f in found]


def _batch_problem(batch: object) -> str | None:
    """What is wrong with a source's answer, or ``None``: Observations of equal 1-d columns."""
    if not isinstance(batch, Observations):
        return f"{_kind(batch)}, not Observations"
    shapes = {name: getattr(batch, name).shape for name in ("areas", "periods", "values")}
    if any(len(shape) != 1 for shape in shapes.values()) or len(set(shapes.values())) != 1:
        said = ", ".join(f"{name} {shape}" for name, shape in shapes.items())
        return f"Observations of shapes {said}, not one value per area and period"
    provenance: object = batch.provenance  # typed, yet a plugin's code may put anything there
    if not isinstance(provenance, Provenance) or not isinstance(batch.unit, str | None):
        return "Observations without a Provenance or with a unit that is not text"
    return None


def _named(members: tuple[Municipality, ...]) -> tuple[str, ...]:
    """Members as a report names them: ``Hurdal (3242)``."""
    return tuple(f"{m.name.get()} ({m.current_code})" for m in members)


def _kind(value: object) -> str:
    return "None" if value is None else f"a {type(value).__qualname__}"
