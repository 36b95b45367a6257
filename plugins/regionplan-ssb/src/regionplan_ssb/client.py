"""HTTP for the SSB source: rate limits, retries, time limits, readable errors.

:class:`SsbClient` makes GET requests with httpx. It waits its turn with a
:class:`RateLimiter`, retries with exponential backoff on 429 (honouring
``Retry-After``), 5xx, timeouts, broken connections and bodies that are cut
short, and turns every other failure into a :class:`SsbHttpError`. Every failure is a
:class:`~regionplan.data.sources.SourceFailed` that names its kind (unreachable, server
error, not found, refused, invalid). The clock and the sleep function are injectable, so
tests of backoff and rate limits never sleep for real.
"""

from __future__ import annotations

import collections
import email.utils
import json
import re
import socket
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from regionplan.data.sources import FailureKind, SourceFailed
from regionplan.errors import DataSourceError

__all__ = ["DEFAULT_BASE_URL", "RateLimiter", "SsbClient", "SsbHttpError"]

DEFAULT_BASE_URL = "https://data.ssb.no/api/pxwebapi/v2"
USER_AGENT = "regionplan-ssb/0.1 (+https://github.com/regionplan/regionplan)"

T = TypeVar("T")


class SsbHttpError(SourceFailed):
    """SSB answered with an error the client will not retry (400, 403, 404, …): its kind is
    ``not_found`` for 404, else ``refused``.

    Attributes:
        status: the HTTP status.
        title: the ``title`` of SSB's error body ("Non-existent value"), or "".
        url: the request.
    """

    def __init__(self, message: str, *, status: int, title: str, url: str) -> None:
        kind = FailureKind.NOT_FOUND if status == 404 else FailureKind.REFUSED
        super().__init__(message, kind, status=status)
        self.title = title
        self.url = url


class _Retry(Exception):
    """One attempt failed in a way worth another try; ``kind`` says how, if it is the last."""

    def __init__(
        self,
        reason: str,
        wait: float | None = None,
        *,
        kind: FailureKind = FailureKind.UNREACHABLE,
        status: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait
        self.kind = kind
        self.status = status


class RateLimiter:
    """At most ``limit`` requests in any ``window`` seconds.

    A sliding window of the times of recent requests: unlike a token bucket of
    the same size, it never lets ``2 * limit`` requests through in one window
    (a full bucket and its refill). SSB states its limit in the
    ``x-ratelimit-policy`` header (``"40;w=60s"``); :meth:`update` adopts it, and a
    ``x-ratelimit-remaining`` of 0 holds further requests for one window.

    Args:
        limit: requests per window (SSB's guide says 30 a minute).
        window: the window in seconds.
        clock: monotonic time in seconds (injectable for tests).
        sleep: waits a number of seconds (injectable for tests).
    """

    def __init__(
        self,
        limit: int = 30,
        window: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1 or window <= 0:
            msg = f"a rate limit needs limit >= 1 and window > 0, not {limit}/{window}"
            raise ValueError(msg)
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._sent: collections.deque[float] = collections.deque()
        self._blocked_until = 0.0

    def acquire(self) -> None:
        """Wait until one more request is allowed, and count it."""
        while True:
            now = self._clock()
            while self._sent and self._sent[0] <= now - self.window:
                self._sent.popleft()
            wait = self._blocked_until - now
            if len(self._sent) >= self.limit:
                wait = max(wait, self._sent[0] + self.window - now)
            if wait <= 0:
                self._sent.append(now)
                return
            self._sleep(wait)

    def update(self, headers: Mapping[str, str]) -> None:
        """Adopt the limit a response announces."""
        policy = headers.get("x-ratelimit-policy")
        if policy and (m := re.match(r"\s*(\d+)\s*;\s*w\s*=\s*(\d+(?:\.\d+)?)", policy)):
            limit, window = int(m.group(1)), float(m.group(2))
            if limit >= 1 and window > 0:
                self.limit, self.window = limit, window
        elif (limit_text := headers.get("x-ratelimit-limit", "")).strip().isdigit():
            self.limit = max(1, int(limit_text))
        remaining = headers.get("x-ratelimit-remaining", "").strip()
        if remaining.isdigit() and int(remaining) == 0:
            self._blocked_until = self._clock() + self.window


def _retry_after(headers: Mapping[str, str], now: Callable[[], float]) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date)."""
    text = headers.get("retry-after")
    if not text:
        return None
    text = text.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


class SsbClient:
    """GET requests to SSB with rate limiting, retries and a time limit per attempt.

    Args:
        timeout: seconds one attempt may take, body included. httpx enforces it
            on connecting and on each read; the client also stops reading a body
            that trickles past it, so an attempt ends within the timeout (plus at
            most one read that was already under way).
        max_retries: further attempts after the first.
        backoff: the first retry's wait in seconds; it doubles with each retry.
        max_wait: the longest the client waits before a retry; a ``Retry-After``
            asking for more fails the request instead.
        limiter: the rate limiter (default: 30 requests a minute).
        sleep: waits a number of seconds (injectable for tests).
        wall_clock: the time of day in seconds since the epoch (for HTTP dates).
        transport: an httpx transport (tests).
    """

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        max_retries: int = 4,
        backoff: float = 1.0,
        max_wait: float = 90.0,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.timeout = float(timeout)
        self.max_retries = max(0, int(max_retries))
        self.backoff = float(backoff)
        self.max_wait = float(max_wait)
        self.limiter = limiter or RateLimiter(sleep=sleep)
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._http = httpx.Client(
            timeout=httpx.Timeout(self.timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
            transport=transport,
        )
        #: Requests sent, for reporting.
        self.requests_sent = 0

    def close(self) -> None:
        self._http.close()

    def get(self, url: str, parse: Callable[[bytes], T]) -> tuple[bytes, T]:
        """Fetch ``url`` and ``parse`` its body, retrying what may pass.

        ``parse`` raising :class:`ValueError` (invalid or cut-off JSON) counts as a
        broken body and is retried; raising :class:`DataSourceError` (well-formed
        JSON with wrong content) is not.

        Raises:
            SsbHttpError: SSB refused the request (400, 403, 404 and the like).
            SourceFailed: every attempt failed (the message gives the last reason, the kind
                says whether SSB could not be reached or answered with errors), or the body
                was whole but not what ``parse`` reads (kind ``invalid``).
        """
        reason = ""
        wait: float | None = None
        last = _Retry("")
        for attempt in range(self.max_retries + 1):
            if attempt:
                delay = self.backoff * 2 ** (attempt - 1)
                if wait is not None:
                    if wait > self.max_wait:
                        msg = (
                            f"SSB asks to wait {wait:.0f} s before retrying {url} "
                            f"(more than the {self.max_wait:.0f} s allowed): {reason}"
                        )
                        raise SourceFailed(msg, last.kind, status=last.status)
                    delay = max(delay, wait)
                self._sleep(min(delay, self.max_wait))
            try:
                return self._attempt(url, parse)
            except _Retry as retry:
                reason, wait, last = retry.reason, retry.wait, retry
        attempts = self.max_retries + 1
        msg = f"SSB did not deliver {url} in {attempts} attempt{'s' * (attempts > 1)}: {reason}"
        raise SourceFailed(msg, last.kind, status=last.status)

    def _attempt(self, url: str, parse: Callable[[bytes], T]) -> tuple[bytes, T]:
        self.limiter.acquire()
        self.requests_sent += 1
        try:
            status, headers, body = self._send(url)
        except httpx.TimeoutException:
            raise _Retry(f"no answer within {self.timeout:g} s") from None
        except httpx.ConnectError as exc:
            if _name_not_resolved(exc):
                # No DNS answer means no network here: retrying only makes the user wait.
                msg = (
                    f"cannot reach SSB ({urlsplit(url).hostname} could not be resolved): "
                    "no network? Use the offline mode to read the cache only"
                )
                raise SourceFailed(msg, FailureKind.UNREACHABLE) from None
            raise _Retry(f"connection failed: {exc or type(exc).__name__}") from None
        except httpx.TransportError as exc:  # refused, reset, body cut short
            raise _Retry(f"connection failed: {exc or type(exc).__name__}") from None
        self.limiter.update(headers)
        if status == 200:
            try:
                return body, parse(body)
            except SourceFailed:
                raise
            except DataSourceError as exc:  # whole JSON, not what it should be
                raise SourceFailed(str(exc), FailureKind.INVALID) from None
            except (ValueError, UnicodeDecodeError) as exc:
                raise _Retry(f"the body is not complete JSON ({exc})", kind=FailureKind.INVALID) from None
        if status == 429:
            wait = _retry_after(headers, self._wall_clock)
            raise _Retry("too many requests (HTTP 429)", wait, kind=FailureKind.SERVER_ERROR, status=status)
        if status >= 500:
            wait = _retry_after(headers, self._wall_clock)
            raise _Retry(f"server error (HTTP {status})", wait, kind=FailureKind.SERVER_ERROR, status=status)
        title = _error_title(body)
        msg = f"SSB answered HTTP {status}" + (f": {title}" if title else "") + f" for {url}"
        raise SsbHttpError(msg, status=status, title=title, url=url)

    def _send(self, url: str) -> tuple[int, Mapping[str, str], bytes]:
        deadline = time.monotonic() + self.timeout
        with self._http.stream("GET", url) as response:
            chunks = []
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the body took too long", request=response.request)
            return response.status_code, response.headers, b"".join(chunks)


def _name_not_resolved(exc: BaseException) -> bool:
    """Whether a connection failed because the host name has no address (``socket.gaierror``)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, socket.gaierror):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _error_title(body: bytes) -> str:
    """The ``title`` (and ``detail``) of an SSB error body, or its text."""
    try:
        doc: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        text = body.decode("utf-8", "replace").strip()
        return text[:200]
    if isinstance(doc, dict):
        title = str(doc.get("title") or doc.get("error") or "")
        detail = doc.get("detail")
        if detail and str(detail) != title:
            title = f"{title} ({detail})" if title else str(detail)
        return title
    return ""
