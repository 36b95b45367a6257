"""SSB's rate limit, kept by every process that uses the same cache folder.

:class:`RateLimiter` allows at most ``limit`` requests in any ``window`` seconds. Given a
file (the SSB cache folder's ``ratelimit.json``), it keeps the times of recent requests
there, read and written under an exclusive :func:`fcntl.flock`, so two runs sharing a
cache folder share the limit: SSB counts requests per address, not per process. Without
such a file (or when it cannot be opened: a read-only cache) it counts in memory.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the limit holds per process
    fcntl = None  # type: ignore[assignment]

__all__ = ["RateLimiter"]


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
        clock: time in seconds (injectable for tests); with a ``path`` it must be the
            same clock in every process, so the default is the time of day.
        sleep: waits a number of seconds (injectable for tests).
        path: a file to keep the request times in, shared with other processes.
    """

    def __init__(
        self,
        limit: int = 30,
        window: float = 60.0,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        path: Path | None = None,
    ) -> None:
        if limit < 1 or window <= 0:
            msg = f"a rate limit needs limit >= 1 and window > 0, not {limit}/{window}"
            raise ValueError(msg)
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._sent: list[float] = []
        self._blocked_until = 0.0
        self.path = path if fcntl is not None else None
        #: Why the shared file could not be used (the limit then holds per process), or "".
        self.problem = ""

    def acquire(self) -> float:
        """Wait until one more request is allowed, and count it; the time it is counted at."""
        while True:
            with self._state() as state:
                # A limit SSB announced to another process holds here too.
                self.limit, self.window = state.get("limit") or self.limit, state.get("window") or self.window
                now = self._clock()
                # Times ahead of the clock are not to be trusted (a clock set back): dropped.
                sent = sorted(t for t in state["sent"] if now - self.window < t <= now + 1.0)
                wait = state["blocked_until"] - now
                if wait > self.window:  # a block longer than a window is stale
                    wait = 0.0
                if len(sent) >= self.limit:
                    wait = max(wait, sent[-self.limit] + self.window - now)
                if wait <= 0:
                    sent.append(now)
                state["sent"] = sent
                if wait <= 0:
                    return now
            self._sleep(wait)

    def update(self, headers: Mapping[str, str]) -> None:
        """Adopt the limit a response announces."""
        policy = headers.get("x-ratelimit-policy")
        limit, window = self.limit, self.window
        if policy and (m := re.match(r"\s*(\d+)\s*;\s*w\s*=\s*(\d+(?:\.\d+)?)", policy)):
            if int(m.group(1)) >= 1 and 0 < float(m.group(2)) <= 86_400:
                limit, window = int(m.group(1)), float(m.group(2))
        elif (limit_text := headers.get("x-ratelimit-limit", "")).strip().isdigit():
            limit = max(1, int(limit_text))
        remaining = headers.get("x-ratelimit-remaining", "").strip()
        blocked = remaining.isdigit() and int(remaining) == 0
        if (limit, window) == (self.limit, self.window) and not blocked:
            return
        with self._state() as state:
            self.limit, self.window = limit, window
            state["limit"], state["window"] = limit, window
            if blocked:
                state["blocked_until"] = self._clock() + window

    @contextlib.contextmanager
    def _state(self) -> Iterator[dict[str, Any]]:
        """The request times and the block, from the shared file (locked) or from memory."""
        fd = None
        if self.path is not None:
            try:
                fd = _open_locked(self.path)
            except OSError as exc:
                # A read-only cache: the limit still holds within this process.
                self.problem = f"{self.path}: {exc.strerror or exc}"
                self.path = None
        if fd is None:
            state: dict[str, Any] = {"sent": list(self._sent), "blocked_until": self._blocked_until}
            yield state
            self._sent, self._blocked_until = list(state["sent"]), float(state["blocked_until"])
            return
        try:
            state = _load(fd)
            yield state
            _store(fd, state)
        finally:
            os.close(fd)  # releases the lock


def _open_locked(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0), 0o666)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _load(fd: int) -> dict[str, Any]:
    """The shared state; a damaged or foreign file counts as empty (it is rewritten)."""
    raw = os.pread(fd, 1 << 20, 0)
    sent: list[float] = []
    blocked = 0.0
    try:
        doc = json.loads(raw) if raw else {}
    except (ValueError, UnicodeDecodeError):
        doc = {}
    policy: dict[str, Any] = {}
    if isinstance(doc, dict):
        limit, window = doc.get("limit"), doc.get("window")
        if isinstance(limit, int) and not isinstance(limit, bool) and limit >= 1:
            policy["limit"] = limit
        if isinstance(window, int | float) and 0 < window <= 86_400:
            policy["window"] = float(window)
        times = doc.get("sent")
        if isinstance(times, list):
            sent = [float(t) for t in times[-10_000:] if isinstance(t, int | float) and math.isfinite(t)]
        value = doc.get("blocked_until")
        if isinstance(value, int | float) and math.isfinite(value):
            blocked = float(value)
    return {"sent": sent, "blocked_until": blocked, **policy}


def _store(fd: int, state: Mapping[str, Any]) -> None:
    kept = {k: state[k] for k in ("limit", "window") if k in state}
    data = json.dumps({"sent": list(state["sent"]), "blocked_until": state["blocked_until"], **kept}).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)
