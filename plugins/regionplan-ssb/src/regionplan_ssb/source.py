"""The ``ssb`` data source: Statistics Norway's StatBank through PxWebApi v2."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import attrs
import httpx
import numpy as np

from regionplan.data.series import Observations, Provenance
from regionplan.data.sources import DataSource, SourceContext, SourceRequest, now_utc
from regionplan.data.sources.jsonstat import (
    JsonStatDataset,
    JsonStatStructure,
    decode_jsonstat,
    parse_jsonstat,
    parse_jsonstat_structure,
    resolve_unit,
)
from regionplan.errors import DataSourceError
from regionplan_ssb.cache import CacheCorrupt, ResponseCache, normalise_url
from regionplan_ssb.client import DEFAULT_BASE_URL, RateLimiter, SsbClient, SsbHttpError
from regionplan_ssb.query import (
    MAX_CELLS,
    MAX_URL_LENGTH,
    QUERY_KEYS,
    Call,
    GroupKey,
    SsbQuery,
    direct_call,
    metadata_url,
    plan_calls,
    query_problems,
    strip_area_prefix,
)

__all__ = ["URL_ENV", "SsbSource"]

URL_ENV = "REGIONPLAN_SSB_URL"
LICENCE = "CC BY 4.0"
PUBLISHER = "Statistics Norway (SSB)"
#: Cached responses younger than this are used without asking SSB (seconds).
DEFAULT_MAX_AGE = 24 * 3600.0


@attrs.frozen(eq=False)
class _Download:
    url: str
    dataset: JsonStatDataset
    fetched: dt.datetime


@attrs.define
class _Group:
    """The requests that share one table download, and what came of it."""

    key: GroupKey
    requests: list[tuple[SourceRequest, SsbQuery]] = attrs.field(factory=list)
    downloads: list[_Download] = attrs.field(factory=list)
    region_var: str | None = None
    time_var: str = "Tid"
    error: DataSourceError | None = None
    done: bool = False
    #: Variables the shared download holds but this group's queries leave out: the
    #: code of their total, or ``None`` to add up their values.
    eliminate: dict[str, str | None] = attrs.field(factory=dict)


@attrs.frozen(eq=False)
class _Plan:
    """One request built without metadata for some groups of a table, or a group's
    calls planned with the table's metadata."""

    groups: list[_Group]
    direct: Call | None
    calls: list[Call] = attrs.field(factory=list)


class SsbSource(DataSource):
    """Reads SSB tables, one download per table for all the metrics a plan takes from it.

    Options (``context.options["ssb"]``): ``base_url`` (else ``$REGIONPLAN_SSB_URL``,
    else SSB's), ``timeout`` (s, 30), ``max_retries`` (4), ``backoff`` (s, 1),
    ``max_wait`` (s, 90), ``rate_limit`` (requests per ``rate_window`` s: 30 per 60),
    ``cache_max_age`` (s, one day), ``refresh`` (ignore the cache), ``max_cells``,
    ``max_url_length``; for tests and embedding: ``clock``, ``sleep``, ``transport``.
    """

    name: ClassVar[str] = "ssb"
    required_keys: ClassVar[tuple[str, ...]] = ("table", "contents")
    optional_keys: ClassVar[tuple[str, ...] | None] = tuple(
        k for k in QUERY_KEYS if k not in ("table", "contents")
    )

    def __init__(self, context: SourceContext) -> None:
        super().__init__(context)
        opts = context.options_for("ssb")
        self.base_url = str(opts.get("base_url") or os.environ.get(URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        self.max_age = float(opts.get("cache_max_age", DEFAULT_MAX_AGE))
        self.refresh = bool(opts.get("refresh", False))
        self.max_cells = int(opts.get("max_cells", MAX_CELLS))
        self.max_url_length = int(opts.get("max_url_length", MAX_URL_LENGTH))
        self.cache = ResponseCache(context.cache_dir / "ssb")
        self._opts = opts
        self._client: SsbClient | None = None
        self._groups: dict[GroupKey, _Group] = {}
        self._metadata: dict[str, JsonStatStructure] = {}
        self._total = 0
        self._done = 0

    @classmethod
    def check_query(cls, query: Mapping[str, Any]) -> list[str]:
        return query_problems(query)

    # -- HTTP and cache ---------------------------------------------------------------

    @property
    def client(self) -> SsbClient:
        if self._client is None:
            opts = self._opts
            sleep: Callable[[float], None] = opts.get("sleep") or _real_sleep
            limiter = RateLimiter(
                int(opts.get("rate_limit", 30)),
                float(opts.get("rate_window", 60.0)),
                clock=opts.get("clock") or _monotonic,
                sleep=sleep,
            )
            transport: httpx.BaseTransport | None = opts.get("transport")
            self._client = SsbClient(
                timeout=float(opts.get("timeout", 30.0)),
                max_retries=int(opts.get("max_retries", 4)),
                backoff=float(opts.get("backoff", 1.0)),
                max_wait=float(opts.get("max_wait", 90.0)),
                limiter=limiter,
                sleep=sleep,
                transport=transport,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _get(self, url: str, parse: Callable[[Any], Any]) -> tuple[Any, dt.datetime]:
        """A parsed response from the cache or from SSB (then cached)."""

        def read(body: bytes) -> Any:
            return parse(json.loads(body))

        try:
            entry = self.cache.read(url)
        except CacheCorrupt as exc:
            if self.context.offline:
                raise DataSourceError(f"offline, and {exc}; run online to fetch it again") from None
            self.cache.discard(url)
            entry = None
        if entry is not None:
            fresh = entry.age(now_utc()) <= self.max_age and not self.refresh
            if self.context.offline or fresh:
                try:
                    return read(entry.body), entry.fetched
                except (ValueError, DataSourceError):
                    if self.context.offline:
                        msg = f"offline, and the cached response for {url} cannot be read"
                        raise DataSourceError(msg) from None
                    self.cache.discard(url)
        if self.context.offline:
            # The URL stays out of the message: it is long, and the table is named by the caller.
            raise DataSourceError(
                "offline, and no cached response; run `regionplan fetch` online to fill the cache"
            )
        body, parsed = self.client.get(url, read)
        fetched = now_utc()
        self.cache.write(url, body, fetched)
        return parsed, fetched

    def _table_metadata(self, key: GroupKey) -> JsonStatStructure:
        url = metadata_url(self.base_url, key.table, key.lang, key)
        if url not in self._metadata:
            try:
                meta, _ = self._get(url, parse_jsonstat_structure)
            except SsbHttpError as exc:
                msg = _explain(exc, key.table, None)
                if key.codelist is not None:
                    msg += f"; asked: codelist[{key.region_variable or 'Region'}]={key.codelist}"
                raise DataSourceError(msg) from None
            except DataSourceError as exc:
                raise DataSourceError(f"SSB table {key.table} (metadata): {exc}") from None
            self._metadata[url] = meta
        return self._metadata[url]

    # -- the source contract -------------------------------------------------------------

    def _usable(self, url: str) -> bool:
        """A response for ``url`` is in the cache and may be used without asking SSB."""
        if self.refresh and not self.context.offline:
            return False
        try:
            entry = self.cache.read(url)
        except CacheCorrupt:
            return False
        return entry is not None and (self.context.offline or entry.age(now_utc()) <= self.max_age)

    def _plans(self, key: GroupKey, groups: list[_Group]) -> list[_Plan]:
        """How to fetch a table's groups: one request built from the queries alone, or
        the calls planned with the table's metadata.

        The request built from the queries comes first when it is cached, or when it
        is within the limits as far as the queries tell and the metadata is not at hand.
        Cached metadata (from an earlier run that split the table or had SSB refuse a
        query) is used when the calls it plans are cached too, or the request built from
        the queries is not within the limits; queries it finds wrong fail without a request.
        """
        direct = direct_call(self.base_url, key, [r for g in groups for r in g.requests])
        if self._usable(direct.call.url):
            return [_Plan(groups, direct.call)]
        fits = direct.least_cells <= self.max_cells and len(direct.call.url) <= self.max_url_length
        if fits and not self._usable(metadata_url(self.base_url, key.table, key.lang, key)):
            return [_Plan(groups, direct.call)]
        planned: list[_Plan] = []
        for group in groups:
            try:
                planned.append(_Plan([group], None, self._planned(group)))
            except DataSourceError as exc:
                group.error, group.done = exc, True
        cached = all(self._usable(c.url) for p in planned for c in p.calls)
        if not planned or cached or not fits or len(planned) < len(groups):
            return planned
        return [_Plan(groups, direct.call)]

    def _planned(self, group: _Group) -> list[Call]:
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

    def _replan(self, group: _Group, direct: Call, refusal: SsbHttpError) -> list[Call]:
        """The calls to make after SSB refused the request built without metadata.

        "Too many cells selected" and the other 400 answers (a code, a variable or a
        period bound the table lacks) are looked up in the table's metadata: the
        metadata plan picks the plan's areas and splits the selection, or explains
        which variable is wrong. Anything else, or a plan that would only repeat
        the refused request, is SSB's refusal in words.
        """
        table = group.key.table
        if refusal.status != 400:
            raise DataSourceError(_explain(refusal, table, direct))
        try:
            calls = self._planned(group)
        except DataSourceError as exc:
            said = refusal.title or f"HTTP {refusal.status}"
            raise DataSourceError(f"{exc} (SSB answered: {said})") from None
        if [normalise_url(c.url) for c in calls] == [normalise_url(direct.url)]:
            raise DataSourceError(_explain(refusal, table, direct))
        return calls

    def prepare(self, requests: Sequence[SourceRequest]) -> None:
        """Download every table the requests need: one request per table where possible."""
        new: list[_Group] = []
        for request in requests:
            try:
                q = SsbQuery.from_mapping(request.query)
            except DataSourceError:
                continue  # fetch() reports it for this request alone
            key = GroupKey.of(q)
            group = self._groups.get(key)
            if group is None or group.done:
                group = self._groups[key] = _Group(key)
                new.append(group)
            group.requests.append((request, q))
        # Groups of one table that differ only in the variables they select share a request.
        tables: dict[GroupKey, list[_Group]] = {}
        for group in new:
            tables.setdefault(attrs.evolve(group.key, select_variables=()), []).append(group)
        plans: list[_Plan] = []
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

    def _try_direct(self, groups: Sequence[_Group], direct: Call) -> None:
        """Fetch the request built without metadata; if SSB refuses it, plan with metadata."""
        key = attrs.evolve(groups[0].key, select_variables=())
        table = key.table
        try:
            dataset, fetched = self._get(direct.url, parse_jsonstat)
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
                group.error = DataSourceError(f"SSB table {table}: {exc}")
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
                group.downloads.append(_Download(direct.url, dataset, fetched))
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
                raise DataSourceError(msg)
            out[var] = None
        return out

    def _download(self, group: _Group, calls: Sequence[Call]) -> None:
        table = group.key.table
        for call in calls:
            try:
                dataset, fetched = self._get(call.url, parse_jsonstat)
            except SsbHttpError as exc:
                raise DataSourceError(_explain(exc, table, call)) from None
            except DataSourceError as exc:
                raise DataSourceError(f"SSB table {table}: {exc}") from None
            finally:
                self._tick(table)
            group.downloads.append(_Download(call.url, dataset, fetched))

    def fetch(self, request: SourceRequest) -> Observations:
        q = SsbQuery.from_mapping(request.query)
        key = GroupKey.of(q)
        group = self._groups.get(key)
        if group is None or not any(r == request for r, _ in group.requests):
            self.prepare([request])
            group = self._groups[key]
        if group.error is not None:
            raise group.error
        return self._decode(group, request, q)

    def _decode(self, group: _Group, request: SourceRequest, q: SsbQuery) -> Observations:
        table = q.table
        selected = dict(q.select)
        summed = [v for v, codes in q.select if len(codes) > 1]
        summed += [v for v, total in group.eliminate.items() if total is None]
        areas: list[np.ndarray] = []
        periods: list[np.ndarray] = []
        values: list[np.ndarray] = []
        unit_text: str | None = None
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
                raise DataSourceError(f"SSB table {table}: {exc} ({download.url})") from None
            batch = batches[q.contents]
            unit_text = batch.unit
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
        if len(value_arr):
            keep &= _period_mask(period_arr, request, q)
        chosen = [v for v, codes in q.select if len(codes) > 1]
        if chosen:
            notes.append("summed over " + "; ".join(f"{v} ({', '.join(selected[v])})" for v in chosen))
        left_out = [f"{v} ({total or 'sum of its values'})" for v, total in group.eliminate.items()]
        if left_out:
            notes.append("left out as SSB does: " + "; ".join(left_out))
        try:
            unit = resolve_unit(q.unit) if q.unit else resolve_unit(unit_text)
        except DataSourceError as exc:
            raise DataSourceError(f"SSB table {table}, {q.contents}: {exc}") from None
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


def _roles(dataset: JsonStatDataset, group: _Group) -> tuple[str | None, str]:
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
        raise DataSourceError(msg)
    return region_var, dataset.role("time") or "Tid"


def _period_mask(periods: np.ndarray, request: SourceRequest, q: SsbQuery) -> np.ndarray:
    """Only this request's periods (the download may hold other requests' too)."""
    from regionplan_ssb.query import resolve_periods

    uniq, inverse = np.unique(periods.astype(str), return_inverse=True)
    ordered = sorted(uniq.tolist())
    wanted = set(resolve_periods(ordered, q.period, request.first_year, request.last_year))
    return np.array([c in wanted for c in uniq], dtype=bool)[inverse]


def _explain(exc: SsbHttpError, table: str, call: Call | None) -> str:
    """SSB's error in words that name the table and the variables asked."""
    asked = ""
    if call is not None:
        parts = []
        for var, codes in call.selection.codes:
            if var in call.selection.everything:
                parts.append(f"{var}=*")
            else:
                more = f" (+{len(codes) - 6})" if len(codes) > 6 else ""
                parts.append(f"{var}={','.join(codes[:6])}{more}")
        asked = "; asked: " + ", ".join(parts)
    title = exc.title or f"HTTP {exc.status}"
    if exc.status == 404:
        return (
            f"SSB table {table} was not found (HTTP 404): the table id or a code list is "
            f"wrong, or the URL is too long ({len(exc.url)} characters){asked}"
        )
    hints = {
        "Non-existent variable": "a variable of the query is not in the table",
        "Non-existent value": "a value code of the query is not in the table",
        "Missing selection for mandantory variable": (
            "a variable that cannot be left out is missing; add it under 'select'"
        ),
        "Too many cells selected": "the selection is larger than SSB allows",
        "Non-existent codelist": "the region code list is not offered for this table",
        "Illegal selection expression": "a value expression is malformed",
    }
    hint = next((h for t, h in hints.items() if title.startswith(t)), "")
    return f"SSB refused table {table}: {title} (HTTP {exc.status})" + (f" - {hint}" if hint else "") + asked


def _real_sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)


def _monotonic() -> float:
    import time

    return time.monotonic()
