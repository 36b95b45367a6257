"""HTTP for the SSB source: rate limits, retries, time limits, size limits, readable errors.

:class:`SsbClient` makes GET requests with httpx. It waits its turn with a
:class:`~regionplan_ssb.ratelimit.RateLimiter`, retries with exponential backoff on 429
(honouring ``Retry-After``), 5xx, timeouts, broken connections and bodies that are cut
short (a body that is not JSON at all, once), and turns every other failure into a
:class:`SsbHttpError`. A time budget bounds the whole run's requests and waits, and a
body larger than the size limit is refused while it streams in. Every failure is a
:class:`~regionplan.data.sources.SourceFailed` that names its kind (unreachable, server
error, not found, refused, invalid). The sleep function is injectable, so tests of backoff
and rate limits never sleep for real.
"""

from __future__ import annotations

import email.utils
import json
import socket
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from regionplan.data.sources import FailureKind, SourceFailed
from regionplan.errors import DataSourceError
from regionplan_ssb.ratelimit import RateLimiter

if TYPE_CHECKING:  # httpx is imported where a request is made: every command loads this plugin
    import httpx

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_BUDGET",
    "DEFAULT_MAX_BYTES",
    "RateLimiter",
    "SsbClient",
    "SsbHttpError",
]

#: Seconds a run may spend on SSB's requests and the waits between retries, all tables together.
DEFAULT_BUDGET = 120.0
#: The largest body accepted (bytes); SSB's largest answers (800,000 cells) are about 10 MB.
DEFAULT_MAX_BYTES = 50_000_000

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
        malformed: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait
        self.kind = kind
        self.status = status
        self.malformed = malformed


class _TooLarge(Exception):
    """The body passed the size limit; ``announced`` is its Content-Length, if it gave one."""

    def __init__(self, announced: int | None) -> None:
        super().__init__(announced)
        self.announced = announced


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
    """GET requests to SSB with rate limiting, retries, a time limit per attempt and per run,
    and a size limit.

    Args:
        timeout: seconds one attempt may take, body included. httpx enforces it
            on connecting and on each read; the client also stops reading a body
            that trickles past it, so an attempt ends within the timeout (plus at
            most one read that was already under way).
        max_retries: further attempts after the first.
        backoff: the first retry's wait in seconds; it doubles with each retry.
        max_wait: the longest the client waits before a retry; a ``Retry-After``
            asking for more fails the request instead.
        budget: seconds all requests of the client together may take, attempts and the
            waits between them (not the waits for the rate limit, which protect SSB);
            ``None`` for no limit. An attempt gets at most what is left of it.
        max_bytes: the largest body accepted; a larger one fails (not retried) as soon
            as its ``Content-Length`` or the bytes read pass it. ``None`` for no limit.
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
        budget: float | None = DEFAULT_BUDGET,
        max_bytes: int | None = DEFAULT_MAX_BYTES,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.timeout = float(timeout)
        self.max_retries = max(0, int(max_retries))
        self.backoff = float(backoff)
        self.max_wait = float(max_wait)
        self.budget = None if budget is None else float(budget)
        self.max_bytes = None if max_bytes is None else int(max_bytes)
        self.limiter = limiter or RateLimiter(sleep=sleep)
        self._sleep = sleep
        self._wall_clock = wall_clock
        import httpx

        self._http = httpx.Client(
            timeout=httpx.Timeout(self.timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
            transport=transport,
        )
        #: Requests sent, for reporting.
        self.requests_sent = 0
        #: Seconds of the budget spent: attempts as measured, waits between retries as asked.
        self.spent = 0.0

    def close(self) -> None:
        self._http.close()

    def _left(self) -> float:
        return float("inf") if self.budget is None else self.budget - self.spent

    def _out_of_time(self, url: str, reason: str, last: _Retry | None) -> SourceFailed:
        allowed = f"the {self.budget:g} s allowed for SSB's requests in this run"
        if reason:
            msg = f"no time left to ask again within {allowed} (last: {reason})"
        else:
            msg = f"{allowed} are spent; {url} was not asked"
        msg += " (set REGIONPLAN_SSB_BUDGET to allow more)"
        kind = last.kind if last is not None else FailureKind.UNREACHABLE
        return SourceFailed(msg, kind, status=last.status if last is not None else None)

    def get(self, url: str, parse: Callable[[bytes], T]) -> tuple[bytes, T]:
        """Fetch ``url`` and ``parse`` its body, retrying what may pass.

        ``parse`` raising :class:`ValueError` (invalid or cut-off JSON) counts as a
        broken body and is retried once; raising :class:`DataSourceError` (well-formed
        JSON with wrong content, such as an error document) is not.

        Raises:
            SsbHttpError: SSB refused the request (400, 403, 404 and the like).
            SourceFailed: every attempt failed, or the time budget ran out (the message gives
                the last reason, the kind says whether SSB could not be reached or answered
                with errors), or the body was too large, or whole but not what ``parse``
                reads (kind ``invalid``).
        """
        reason = ""
        wait: float | None = None
        last: _Retry | None = None
        malformed = 0
        for attempt in range(self.max_retries + 1):
            if attempt:
                delay = self.backoff * 2 ** (attempt - 1)
                if wait is not None:
                    if wait > self.max_wait:
                        msg = (
                            f"SSB asks to wait {wait:.0f} s before retrying {url} "
                            f"(more than the {self.max_wait:.0f} s allowed): {reason}"
                        )
                        raise SourceFailed(
                            msg,
                            last.kind if last else FailureKind.SERVER_ERROR,
                            status=last.status if last else None,
                        )
                    delay = max(delay, wait)
                delay = min(delay, self.max_wait)
                if delay >= self._left():  # waiting would leave no time to ask again
                    raise self._out_of_time(url, reason, last)
                self._sleep(delay)
                self.spent += delay
            if self._left() <= 0:
                raise self._out_of_time(url, reason, last)
            try:
                return self._attempt(url, parse)
            except _Retry as retry:
                reason, wait, last = retry.reason, retry.wait, retry
                malformed += retry.malformed
                if malformed > 1:  # a server that sends broken JSON twice will do it again
                    msg = f"SSB sent a body that is not JSON twice for {url}: {reason}"
                    raise SourceFailed(msg, FailureKind.INVALID) from None
        attempts = self.max_retries + 1
        msg = f"SSB did not deliver {url} in {attempts} attempt{'s' * (attempts > 1)}: {reason}"
        kind = last.kind if last is not None else FailureKind.UNREACHABLE
        raise SourceFailed(msg, kind, status=last.status if last is not None else None)

    def _attempt(self, url: str, parse: Callable[[bytes], T]) -> tuple[bytes, T]:
        import httpx

        self.limiter.acquire()
        self.requests_sent += 1
        timeout = min(self.timeout, self._left())
        started = time.monotonic()
        try:
            status, headers, body = self._send(url, timeout)
        except httpx.TimeoutException:
            raise _Retry(f"no answer within {timeout:.3g} s") from None
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
        except _TooLarge as exc:
            size = f" ({exc.announced:,} bytes announced)" if exc.announced is not None else ""
            msg = (
                f"SSB's answer to {url} is larger than the {_megabytes(self.max_bytes)} allowed{size}; "
                "ask for fewer values, or raise the limit (REGIONPLAN_SSB_MAX_MB)"
            )
            raise SourceFailed(msg, FailureKind.INVALID) from None
        finally:
            self.spent += time.monotonic() - started
        self.limiter.update(headers)
        if status == 200:
            try:
                return body, parse(body)
            except SourceFailed:
                raise
            except DataSourceError as exc:  # whole JSON, not what it should be
                title = _error_document(body)
                if title:  # an error document sent with 200: asking again gets the same
                    msg = f"SSB answered with an error instead of data: {title} ({url})"
                    raise SourceFailed(msg, FailureKind.REFUSED) from None
                raise SourceFailed(str(exc), FailureKind.INVALID) from None
            except (ValueError, UnicodeDecodeError) as exc:
                reason = f"the body is not complete JSON ({exc})"
                raise _Retry(reason, kind=FailureKind.INVALID, malformed=True) from None
        if status == 429:
            wait = _retry_after(headers, self._wall_clock)
            raise _Retry("too many requests (HTTP 429)", wait, kind=FailureKind.SERVER_ERROR, status=status)
        if status >= 500:
            wait = _retry_after(headers, self._wall_clock)
            raise _Retry(f"server error (HTTP {status})", wait, kind=FailureKind.SERVER_ERROR, status=status)
        title = _error_title(body)
        msg = f"SSB answered HTTP {status}" + (f": {title}" if title else "") + f" for {url}"
        raise SsbHttpError(msg, status=status, title=title, url=url)

    def _send(self, url: str, timeout: float) -> tuple[int, Mapping[str, str], bytes]:
        import httpx

        deadline = time.monotonic() + timeout
        limit = self.max_bytes
        with self._http.stream("GET", url, timeout=httpx.Timeout(timeout)) as response:
            announced = response.headers.get("content-length", "").strip()
            if limit is not None and announced.isdigit() and int(announced) > limit:
                raise _TooLarge(int(announced))
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if limit is not None and len(body) > limit:
                    raise _TooLarge(None)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the body took too long", request=response.request)
            return response.status_code, response.headers, bytes(body)


def _megabytes(n: int | None) -> str:
    return "unlimited" if n is None else f"{n / 1_000_000:g} MB"


def _error_document(body: bytes) -> str:
    """The title of an error document (a JSON object with ``title`` or ``error`` and no
    dataset in it), or "" for any other body."""
    try:
        doc: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return ""
    if not isinstance(doc, dict) or "value" in doc or "dimension" in doc:
        return ""
    if not (doc.get("title") or doc.get("error")):
        return ""
    return _error_title(body)


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
