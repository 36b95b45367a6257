"""The ``ssb`` data source: Statistics Norway's StatBank through PxWebApi v2.

:class:`SsbSource` gathers a run's requests into groups that share one table
download, plans the downloads (:mod:`regionplan_ssb.planning`), fetches them
through the cache (:mod:`regionplan_ssb.responses`) and decodes each request's
observations (:mod:`regionplan_ssb.decode`). Every failure keeps its kind
(:class:`~regionplan.data.sources.SourceFailed`) through the messages that name the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from regionplan.data.sources import (
    FailureKind,
    QueryKey,
    SourceContext,
    SourceFailed,
    SourceRequest,
    jsonstat,
)
from regionplan.errors import DataSourceError
from regionplan_ssb.cache import normalise_url
from regionplan_ssb.calls import MAX_CELLS, MAX_URL_LENGTH, Call, GroupKey, metadata_url
from regionplan_ssb.client import SsbHttpError
from regionplan_ssb.groups import Download, FetchPlan, Group
from regionplan_ssb.keys import QUERY_KEY_DOCS
from regionplan_ssb.planning import direct_call, expanded_cells, plan_calls
from regionplan_ssb.query import QUERY_KEYS, SsbQuery, query_problems
from regionplan_ssb.refusals import explain_refusal
from regionplan_ssb.responses import CachedSsbSource

if TYPE_CHECKING:
    from regionplan.data.series import Observations
    from regionplan.data.sources.jsonstat import JsonStatDataset

__all__ = ["SsbSource"]


class SsbSource(CachedSsbSource):
    """Reads SSB tables, one download per table for all the metrics a plan takes from it.

    Options (``context.options["ssb"]``): ``base_url`` (else ``$REGIONPLAN_SSB_URL``,
    else SSB's), ``timeout`` (s, 30), ``max_retries`` (4), ``budget`` (s for all of a run's
    requests, 120), ``max_mb`` (per answer, 50) - these four else from
    ``$REGIONPLAN_SSB_TIMEOUT``, ``_RETRIES``, ``_BUDGET``, ``_MAX_MB`` -, ``backoff`` (s, 1),
    ``max_wait`` (s, 90), ``rate_limit`` (requests per ``rate_window`` s: 30 per 60),
    ``cache_max_age`` (s, one day), ``refresh`` (ignore the cache), ``max_cells``,
    ``max_url_length``; for tests and embedding: ``clock``, ``sleep``, ``transport``.
    """

    name: ClassVar[str] = "ssb"
    required_keys: ClassVar[tuple[str, ...]] = ("table", "contents")
    optional_keys: ClassVar[tuple[str, ...] | None] = tuple(
        k for k in QUERY_KEYS if k not in ("table", "contents")
    )
    query_keys: ClassVar[tuple[QueryKey, ...]] = QUERY_KEY_DOCS

    def __init__(self, context: SourceContext) -> None:
        super().__init__(context)
        opts = self._opts
        self.max_cells = int(opts.get("max_cells", MAX_CELLS))
        self.max_url_length = int(opts.get("max_url_length", MAX_URL_LENGTH))
        self._groups: dict[GroupKey, Group] = {}
        self._total = 0
        self._done = 0

    @classmethod
    def check_query(cls, query: Mapping[str, Any]) -> list[str]:
        return query_problems(query)

    # -- the source contract -------------------------------------------------------------

    def _plans(self, key: GroupKey, groups: list[Group]) -> list[FetchPlan]:
        """How to fetch a table's groups: one request built from the queries alone, or
        the calls planned with the table's metadata.

        The request built from the queries comes first when it is cached, or when it
        is within the limits as far as the queries tell and the metadata is not at hand.
        Cached metadata (from an earlier run that split the table or had SSB refuse a
        query) is used when the calls it plans are cached too, or the request built from
        the queries is not within the limits, counting what its ``*`` and other expressions
        select in the metadata; queries it finds wrong fail without a request.
        """
        direct = direct_call(self.base_url, key, [r for g in groups for r in g.requests])
        if self._usable(direct.call.url):
            return [FetchPlan(groups, direct.call)]
        fits = direct.least_cells <= self.max_cells and len(direct.call.url) <= self.max_url_length
        if fits and not self._usable(metadata_url(self.base_url, key.table, key.lang, key)):
            return [FetchPlan(groups, direct.call)]
        planned: list[FetchPlan] = []
        for group in groups:
            try:
                planned.append(FetchPlan([group], None, self._planned(group)))
            except DataSourceError as exc:
                group.error, group.done = exc, True
        cached = all(self._usable(c.url) for p in planned for c in p.calls)
        if fits and planned:  # the metadata is at hand: count what `*` and the like select
            meta = self._table_metadata(key)
            fits = expanded_cells(direct.call.selection, meta) <= self.max_cells
        if not planned or cached or not fits or len(planned) < len(groups):
            return planned
        return [FetchPlan(groups, direct.call)]

    def _planned(self, group: Group) -> list[Call]:
        """The calls :func:`plan_calls` makes of the table's metadata."""
        meta = self._table_metadata(group.key)
        calls, group.region_var, group.time_var = plan_calls(
            self.base_url,
            group.key,
            meta,
            group.requests,
            max_cells=self.max_cells,
            max_url_length=self.max_url_length,
        )
        return calls

    def _replan(self, group: Group, direct: Call, refusal: SsbHttpError) -> list[Call]:
        """The calls to make after SSB refused the request built without metadata.

        "Too many cells selected" and the other 400 answers (a code, a variable or a
        period bound the table lacks) are looked up in the table's metadata: the
        metadata plan picks the plan's areas and splits the selection, or explains
        which variable is wrong. Anything else, or a plan that would only repeat
        the refused request, is SSB's refusal in words.
        """
        table = group.key.table
        if refusal.status != 400:
            raise SourceFailed.wrap(refusal, explain_refusal(refusal, table, direct))
        try:
            calls = self._planned(group)
        except DataSourceError as exc:
            said = refusal.title or f"HTTP {refusal.status}"
            raise SourceFailed.wrap(exc, f"{exc} (SSB answered: {said})") from None
        if [normalise_url(c.url) for c in calls] == [normalise_url(direct.url)]:
            raise SourceFailed.wrap(refusal, explain_refusal(refusal, table, direct))
        return calls

    def prepare(self, requests: Sequence[SourceRequest]) -> None:
        """Download every table the requests need: one request per table where possible."""
        new: list[Group] = []
        for request in requests:
            try:
                q = SsbQuery.from_mapping(request.query)
            except DataSourceError:
                continue  # fetch() reports it for this request alone
            key = GroupKey.of(q)
            group = self._groups.get(key)
            if group is None or group.done:
                group = self._groups[key] = Group(key)
                new.append(group)
            group.requests.append((request, q))
        # Groups of one table that differ only in the variables they select share a request.
        tables: dict[GroupKey, list[Group]] = {}
        for group in new:
            tables.setdefault(attrs.evolve(group.key, select_variables=()), []).append(group)
        plans: list[FetchPlan] = []
        for key, groups in tables.items():
            try:
                plans += self._plans(key, groups)
            except DataSourceError as exc:
                for group in groups:
                    group.error, group.done = exc, True
        self._total = sum(len(plan.calls) or 1 for plan in plans)
        self._done = 0
        for plan in plans:
            if plan.direct is not None:
                self._try_direct(plan.groups, plan.direct)
                continue
            for group in plan.groups:
                try:
                    self._download(group, plan.calls)
                except DataSourceError as exc:
                    group.error = exc
                group.done = True

    def _tick(self, table: str) -> None:
        self._done += 1
        if self.context.progress is not None:
            self.context.progress(self._done, self._total, f"SSB table {table}")

    def _try_direct(self, groups: Sequence[Group], direct: Call) -> None:
        """Fetch the request built without metadata; if SSB refuses it, plan with metadata."""
        key = attrs.evolve(groups[0].key, select_variables=())
        table = key.table
        try:
            dataset, fetched = self._get(direct.url, jsonstat.parse_jsonstat, table)
        except SsbHttpError as exc:
            self._tick(table)
            for group in groups:
                try:
                    calls = self._replan(group, direct, exc)
                    self._total += len(calls)
                    self._download(group, calls)
                except DataSourceError as err:
                    group.error = err
                group.done = True
            return
        except DataSourceError as exc:
            self._tick(table)
            for group in groups:
                group.error = SourceFailed.wrap(exc, f"SSB table {table}: {exc}")
                group.done = True
            return
        self._tick(table)
        asked = {v for g in groups for v in g.key.select_variables}
        for group in groups:
            try:
                group.region_var, group.time_var = _roles(dataset, group)
                group.eliminate = self._eliminate(
                    key, dataset, sorted(asked - set(group.key.select_variables))
                )
                group.downloads.append(Download(direct.url, dataset, fetched))
            except DataSourceError as exc:
                group.error = exc
            group.done = True

    def _eliminate(
        self, key: GroupKey, dataset: JsonStatDataset, variables: Sequence[str]
    ) -> dict[str, str | None]:
        """How to leave out variables another query of the table asked for, as SSB would.

        SSB leaves a variable out with its total (``eliminationValueCode``, given in data
        responses) or, for a variable without one, by adding up its values. Whether a
        variable may be left out at all is in the table's metadata only, so that is asked
        for (once) when a variable has no total in the answer.
        """
        out: dict[str, str | None] = {}
        for var in variables:
            total = dataset.dimensions[var].extension.get("eliminationValueCode")
            if isinstance(total, str) and total in dataset.dimensions[var].codes:
                out[var] = total
                continue
            meta = self._table_metadata(key)
            if var in meta.dimensions and meta.dimensions[var].extension.get("elimination") is False:
                msg = (
                    f"table {key.table}: variable {var} cannot be left out (SSB does not eliminate it); "
                    "add it under 'select'"
                )
                raise SourceFailed(msg, FailureKind.QUERY_MISMATCH)
            out[var] = None
        return out

    def _download(self, group: Group, calls: Sequence[Call]) -> None:
        table = group.key.table
        for call in calls:
            try:
                dataset, fetched = self._get(call.url, jsonstat.parse_jsonstat, table)
            except SsbHttpError as exc:
                raise SourceFailed.wrap(exc, explain_refusal(exc, table, call)) from None
            except DataSourceError as exc:
                raise SourceFailed.wrap(exc, f"SSB table {table}: {exc}") from None
            finally:
                self._tick(table)
            group.downloads.append(Download(call.url, dataset, fetched))

    def fetch(self, request: SourceRequest) -> Observations:
        from regionplan_ssb.decode import decode_observations  # with numpy, when data are read

        q = SsbQuery.from_mapping(request.query)
        key = GroupKey.of(q)
        group = self._groups.get(key)
        if group is None or not any(r == request for r, _ in group.requests):
            self.prepare([request])
            group = self._groups[key]
        if group.error is not None:
            raise group.error
        return decode_observations(group, request, q)


def _roles(dataset: JsonStatDataset, group: Group) -> tuple[str | None, str]:
    """The region and time variables of a response to a request built without metadata."""
    table = group.key.table
    region_var = group.key.region_variable or dataset.role("geo")
    if region_var is None and "Region" in dataset.dimensions:
        region_var = "Region"
    if region_var is not None and region_var not in dataset.dimensions:
        region_var = None
    if region_var is None and any(q.area is None for _, q in group.requests):
        msg = (
            f"table {table} has no region variable; give 'area' (the code its "
            'values stand for, such as "0" for Norway)'
        )
        raise SourceFailed(msg, FailureKind.QUERY_MISMATCH)
    return region_var, dataset.role("time") or "Tid"
