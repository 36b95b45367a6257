"""The HTTP-and-cache half of the ``ssb`` source: parsed responses from the cache or SSB.

:class:`CachedSsbSource` reads each response from the on-disk cache while it is
fresh, else from SSB through :class:`~regionplan_ssb.client.SsbClient` (rate
limited, with retries), and caches it; offline it reads the cache only, at any age.
A damaged cache entry is fetched again when online (and kept as a recovered problem of
its table, :meth:`CachedSsbSource.recovered`), and fails with kind ``corrupt_cache`` offline.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from typing import Any

import httpx

from regionplan.data.sources import (
    DataSource,
    FailureKind,
    SourceContext,
    SourceFailed,
    SourceFailure,
    SourceRequest,
    now_utc,
)
from regionplan.data.sources.jsonstat import JsonStatStructure, parse_jsonstat_structure
from regionplan.errors import DataSourceError
from regionplan_ssb.cache import CacheCorrupt, ResponseCache
from regionplan_ssb.calls import GroupKey, metadata_url
from regionplan_ssb.client import DEFAULT_BASE_URL, RateLimiter, SsbClient, SsbHttpError
from regionplan_ssb.refusals import explain_refusal

__all__ = ["DEFAULT_MAX_AGE", "URL_ENV", "CachedSsbSource"]

URL_ENV = "REGIONPLAN_SSB_URL"
#: Cached responses younger than this are used without asking SSB (seconds).
DEFAULT_MAX_AGE = 24 * 3600.0


class CachedSsbSource(DataSource):
    """The base of :class:`~regionplan_ssb.source.SsbSource`: SSB's responses through the cache.

    Options (``context.options["ssb"]``) read here: ``base_url``, ``cache_max_age``,
    ``refresh``, and those of the client (``timeout``, ``max_retries``, ``backoff``,
    ``max_wait``, ``rate_limit``, ``rate_window``, ``clock``, ``sleep``, ``transport``).
    """

    def __init__(self, context: SourceContext) -> None:
        super().__init__(context)
        opts = context.options_for("ssb")
        self.base_url = str(opts.get("base_url") or os.environ.get(URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        self.max_age = float(opts.get("cache_max_age", DEFAULT_MAX_AGE))
        self.refresh = bool(opts.get("refresh", False))
        self.cache = ResponseCache(context.cache_dir / "ssb")
        self._opts = opts
        self._client: SsbClient | None = None
        self._metadata: dict[str, JsonStatStructure] = {}
        #: Damaged cache entries fetched again, by table (the requests of a table share them).
        self._repaired: dict[str, dict[str, SourceFailure]] = {}

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

    def recovered(self, request: SourceRequest) -> tuple[SourceFailure, ...]:
        """Damaged cache entries of the request's table that were fetched again."""
        table = str(request.query.get("table", ""))
        return tuple(self._repaired.get(table, {}).values())

    def _repair(self, url: str, table: str, detail: str) -> None:
        """Drop a damaged cache entry (it is fetched again) and remember it for the report."""
        self.cache.discard(url)
        if table:
            self._repaired.setdefault(table, {})[url] = SourceFailure(
                FailureKind.CORRUPT_CACHE, f"{detail}; fetched again", recovered=True
            )

    def _get(self, url: str, parse: Callable[[Any], Any], table: str = "") -> tuple[Any, dt.datetime]:
        """A parsed response from the cache or from SSB (then cached); ``table`` names it."""

        def read(body: bytes) -> Any:
            return parse(json.loads(body))

        try:
            entry = self.cache.read(url)
        except CacheCorrupt as exc:
            if self.context.offline:
                msg = f"offline, and {exc}; run online to fetch it again"
                raise SourceFailed(msg, FailureKind.CORRUPT_CACHE) from None
            self._repair(url, table, str(exc))
            entry = None
        if entry is not None:
            fresh = entry.age(now_utc()) <= self.max_age and not self.refresh
            if self.context.offline or fresh:
                try:
                    return read(entry.body), entry.fetched
                except (ValueError, DataSourceError):
                    msg = f"the cached response for {url} cannot be read"
                    if self.context.offline:
                        raise SourceFailed(f"offline, and {msg}", FailureKind.CORRUPT_CACHE) from None
                    self._repair(url, table, msg)
        if self.context.offline:
            # The URL stays out of the message: it is long, and the table is named by the caller.
            raise SourceFailed(
                "offline, and no cached response; run `regionplan fetch` online to fill the cache",
                FailureKind.OFFLINE,
            )
        body, parsed = self.client.get(url, read)
        fetched = now_utc()
        self.cache.write(url, body, fetched)
        return parsed, fetched

    def _table_metadata(self, key: GroupKey) -> JsonStatStructure:
        url = metadata_url(self.base_url, key.table, key.lang, key)
        if url not in self._metadata:
            try:
                meta, _ = self._get(url, parse_jsonstat_structure, key.table)
            except SsbHttpError as exc:
                msg = explain_refusal(exc, key.table, None)
                if key.codelist is not None:
                    msg += f"; asked: codelist[{key.region_variable or 'Region'}]={key.codelist}"
                raise SourceFailed.wrap(exc, msg) from None
            except DataSourceError as exc:
                raise SourceFailed.wrap(exc, f"SSB table {key.table} (metadata): {exc}") from None
            self._metadata[url] = meta
        return self._metadata[url]

    def _usable(self, url: str) -> bool:
        """A response for ``url`` is in the cache and may be used without asking SSB."""
        if self.refresh and not self.context.offline:
            return False
        try:
            entry = self.cache.read(url)
        except CacheCorrupt:
            return False
        return entry is not None and (self.context.offline or entry.age(now_utc()) <= self.max_age)


def _real_sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)


def _monotonic() -> float:
    import time

    return time.monotonic()
