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

from regionplan.errors import DataSourceError
from regionplan.series import Observations, Provenance
from regionplan.sources import DataSource, SourceContext, SourceRequest, now_utc
from regionplan.sources.jsonstat import (
    JsonStatDataset,
    JsonStatStructure,
    decode_jsonstat,
    parse_jsonstat,
    parse_jsonstat_structure,
    resolve_unit,
)
from regionplan_ssb.cache import CacheCorrupt, ResponseCache
from regionplan_ssb.client import DEFAULT_BASE_URL, RateLimiter, SsbClient, SsbHttpError
from regionplan_ssb.query import (
    MAX_CELLS,
    MAX_URL_LENGTH,
    QUERY_KEYS,
    Call,
    GroupKey,
    SsbQuery,
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
            raise DataSourceError(f"offline, and no cached response for {url}")
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
        plans: list[tuple[_Group, list[Call]]] = []
        for group in new:
            try:
                meta = self._table_metadata(group.key)
                calls, group.region_var, group.time_var = plan_calls(
                    self.base_url,
                    group.key,
                    meta,
                    group.requests,
                    max_cells=self.max_cells,
                    max_url_length=self.max_url_length,
                )
            except DataSourceError as exc:
                group.error, group.done = exc, True
                continue
            plans.append((group, calls))
        total = sum(len(calls) for _, calls in plans)
        done = 0
        for group, calls in plans:
            for call in calls:
                try:
                    dataset, fetched = self._get(call.url, parse_jsonstat)
                except SsbHttpError as exc:
                    group.error = DataSourceError(_explain(exc, group.key.table, call))
                    break
                except DataSourceError as exc:
                    group.error = DataSourceError(f"SSB table {group.key.table}: {exc}")
                    break
                finally:
                    done += 1
                    if self.context.progress is not None:
                        self.context.progress(done, total, f"SSB table {group.key.table}")
                group.downloads.append(_Download(call.url, dataset, fetched))
            group.done = True

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
        areas: list[np.ndarray] = []
        periods: list[np.ndarray] = []
        values: list[np.ndarray] = []
        unit_text: str | None = None
        for download in group.downloads:
            filters: dict[str, str | Sequence[str]] = dict(selected)
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
        if summed:
            notes.append("summed over " + "; ".join(f"{v} ({', '.join(selected[v])})" for v in summed))
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
