"""The HTTP-and-cache half of the ``ssb`` source: parsed responses from the cache or SSB.

:class:`CachedSsbSource` reads each response from the on-disk cache while it is
fresh, else from SSB through :class:`~regionplan_ssb.client.SsbClient` (rate
limited, with retries), and caches it; offline it reads the cache only, at any age.
A damaged cache entry is fetched again when online (and kept as a recovered problem of
its table, :meth:`CachedSsbSource.recovered`), and fails with kind ``corrupt_cache`` offline.
A cache that cannot be written (a read-only folder, a full disk) costs a warning
(:class:`SsbCacheWarning`), never the data just downloaded.

The limits of a run come from the source's options, else from environment variables,
else from defaults (:data:`SETTINGS`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import time
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from regionplan.data.sources import (
    DataSource,
    FailureKind,
    SourceContext,
    SourceFailed,
    SourceFailure,
    SourceRequest,
    jsonstat,
    now_utc,
)
from regionplan.data.sources.jsonstat import JsonStatStructure
from regionplan.errors import DataSourceError
from regionplan_ssb.cache import CacheCorrupt, ResponseCache
from regionplan_ssb.calls import GroupKey, metadata_url
from regionplan_ssb.client import (
    DEFAULT_BASE_URL,
    DEFAULT_BUDGET,
    DEFAULT_MAX_BYTES,
    RateLimiter,
    SsbClient,
    SsbHttpError,
)
from regionplan_ssb.refusals import explain_refusal

if TYPE_CHECKING:  # httpx is imported where a request is made (client.py)
    import httpx

__all__ = ["DEFAULT_MAX_AGE", "SETTINGS", "URL_ENV", "CachedSsbSource", "SsbCacheWarning", "settings"]

URL_ENV = "REGIONPLAN_SSB_URL"
#: Cached responses younger than this are used without asking SSB (seconds).
DEFAULT_MAX_AGE = 24 * 3600.0
#: The file of the rate limit shared by every run using the cache folder (in its ``ssb/``).
RATE_LIMIT_FILE = "ratelimit.json"

#: The limits of a run: option name -> (environment variable, default, whole number, what it is).
SETTINGS: dict[str, tuple[str, float | None, bool, str]] = {
    "timeout": ("REGIONPLAN_SSB_TIMEOUT", 30.0, False, "seconds one attempt may take"),
    "max_retries": ("REGIONPLAN_SSB_RETRIES", 4, True, "further attempts after the first"),
    "budget": ("REGIONPLAN_SSB_BUDGET", DEFAULT_BUDGET, False, "seconds for all of a run's requests"),
    "max_mb": ("REGIONPLAN_SSB_MAX_MB", DEFAULT_MAX_BYTES / 1e6, False, "megabytes one answer may have"),
}


class SsbCacheWarning(UserWarning):
    """The cache could not be used as it should (not written, or the shared rate limit
    not kept); the run goes on with the data it has."""


def settings(options: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, float]:
    """The limits of a run (:data:`SETTINGS`): each from ``options``, else its environment
    variable, else its default.

    Raises:
        DataSourceError: a value is not a number, or out of range (``max_retries`` may be 0;
            the others must be above 0); the message names the option or the variable.
    """
    env = os.environ if environ is None else environ
    out: dict[str, float] = {}
    for name, (var, default, whole, what) in SETTINGS.items():
        raw: Any = options.get(name)
        where = f"the ssb option {name!r}"
        if raw is None and env.get(var, "").strip():
            raw, where = env[var].strip(), f"${var}"
        if raw is None:
            raw = default
        try:
            if isinstance(raw, bool):
                raise ValueError(raw)
            value = float(raw)
        except (TypeError, ValueError):
            value = math.nan
        bad = not math.isfinite(value) or (value < 0 if name == "max_retries" else value <= 0)
        if whole and not bad and value != int(value):
            bad = True
        if bad or value > 1e9:
            low = "0 or more" if name == "max_retries" else "above 0"
            kind = "a whole number" if whole else "a number"
            raise DataSourceError(f"{where} ({what}) must be {kind} {low}, not {raw!r}")
        out[name] = value
    return out


class CachedSsbSource(DataSource):
    """The base of :class:`~regionplan_ssb.source.SsbSource`: SSB's responses through the cache.

    Options (``context.options["ssb"]``) read here: ``base_url``, ``cache_max_age``,
    ``refresh``, the limits of :func:`settings` (``timeout``, ``max_retries``, ``budget``,
    ``max_mb``), and those of the client (``backoff``, ``max_wait``, ``rate_limit``,
    ``rate_window``, ``clock``, ``sleep``, ``transport``).
    """

    def __init__(self, context: SourceContext) -> None:
        super().__init__(context)
        opts = context.options_for("ssb")
        self.base_url = str(opts.get("base_url") or os.environ.get(URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        self.max_age = float(opts.get("cache_max_age", DEFAULT_MAX_AGE))
        self.refresh = bool(opts.get("refresh", False))
        self.limits = settings(opts)
        self.cache = ResponseCache(context.cache_dir / "ssb", max_bytes=self._max_bytes)
        self._opts = opts
        self._cleaned = False
        self._warned: set[str] = set()
        self._client: SsbClient | None = None
        self._metadata: dict[str, JsonStatStructure] = {}
        #: Damaged cache entries fetched again, by table (the requests of a table share them).
        self._repaired: dict[str, dict[str, SourceFailure]] = {}

    @property
    def _max_bytes(self) -> int:
        return int(self.limits["max_mb"] * 1_000_000)

    @property
    def client(self) -> SsbClient:
        if self._client is None:
            opts = self._opts
            sleep: Callable[[float], None] = opts.get("sleep") or time.sleep
            limiter = RateLimiter(
                int(opts.get("rate_limit", 30)),
                float(opts.get("rate_window", 60.0)),
                clock=opts.get("clock") or time.time,
                sleep=sleep,
                path=self.cache.root / RATE_LIMIT_FILE,
            )
            transport: httpx.BaseTransport | None = opts.get("transport")
            self._client = SsbClient(
                timeout=self.limits["timeout"],
                max_retries=int(self.limits["max_retries"]),
                backoff=float(opts.get("backoff", 1.0)),
                max_wait=float(opts.get("max_wait", 90.0)),
                budget=self.limits["budget"],
                max_bytes=self._max_bytes,
                limiter=limiter,
                sleep=sleep,
                transport=transport,
            )
        return self._client

    def _warn(self, text: str) -> None:
        """Warn once per run about a problem with the cache folder."""
        if text not in self._warned:
            self._warned.add(text)
            warnings.warn(text, SsbCacheWarning, stacklevel=2)

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

        if not self._cleaned:
            self._cleaned = True
            self.cache.clean_temporary()
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
        if self.client.limiter.problem:
            self._warn(f"the SSB rate limit holds for this run only: {self.client.limiter.problem}")
        fetched = now_utc()
        try:
            self.cache.write(url, body, fetched)
        except OSError as exc:  # the data are here: a cache that cannot keep them costs a warning
            self._warn(
                f"SSB's answers are used but not cached: cannot write in {self.cache.root} "
                f"({exc.strerror or exc}); the next run asks SSB again"
            )
        return parsed, fetched

    def _table_metadata(self, key: GroupKey) -> JsonStatStructure:
        url = metadata_url(self.base_url, key.table, key.lang, key)
        if url not in self._metadata:
            try:
                meta, _ = self._get(
                    url, jsonstat.parse_jsonstat_structure, key.table
                )  # the parser, with numpy, on first use
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
