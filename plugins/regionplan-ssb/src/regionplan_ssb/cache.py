"""A disk cache of SSB responses that notices damage.

Each response is one file named by the SHA-256 of its normalised URL. The file
holds a one-line JSON header (format version, URL, time fetched, body length and
the body's SHA-256), a newline, then the body exactly as SSB sent it. Files are
written to a temporary name and moved into place with :func:`os.replace`, so a
reader sees a whole entry or none; they are created with the permissions the user's
umask allows, as any other file the user makes. On reading, the file must be a regular
file of a sensible size, and the header, URL, length and hash are checked; any mismatch
raises :class:`CacheCorrupt` rather than returning bytes that could be read as wrong numbers.

A writer holds a lock on its temporary file (:func:`fcntl.flock`) until the file is in
place, so :meth:`ResponseCache.clean_temporary` can tell the leftovers of a killed
write (no lock) from a write under way in another process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import stat
import time
import urllib.parse
from pathlib import Path
from typing import Any

import attrs

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: leftovers are cleaned by age only
    fcntl = None  # type: ignore[assignment]

#: Whether temporary files can be locked (not on Windows).
LOCKS = fcntl is not None

__all__ = ["CacheCorrupt", "CacheEntry", "ResponseCache", "normalise_url"]

FORMAT = "regionplan-ssb-cache/1"
#: Temporary files are named ``.tmp-<random>.json`` in the entry's folder.
TEMP_PREFIX = ".tmp-"
#: Without file locks, a temporary file this old (seconds) is taken for a killed write's.
STALE_TEMP_AGE = 3600.0


class CacheCorrupt(Exception):
    """A cache file is damaged or does not belong to its URL."""


@attrs.frozen
class CacheEntry:
    """One cached response."""

    url: str
    body: bytes
    fetched: dt.datetime

    def age(self, now: dt.datetime) -> float:
        """Seconds since the response was fetched."""
        return (now - self.fetched).total_seconds()


def normalise_url(url: str) -> str:
    """The URL with a lower-case scheme and host and its parameters in sorted order."""
    parts = urllib.parse.urlsplit(url)
    params = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = urllib.parse.urlencode(sorted(params), safe="[]*(),:")
    return urllib.parse.urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), query, "")
    )


class ResponseCache:
    """Responses by URL under ``root``.

    Args:
        root: the cache folder.
        max_bytes: a cache file larger than this (plus its header) is not read, but
            reported as damaged; ``None`` for no limit.
    """

    def __init__(self, root: Path, *, max_bytes: int | None = None) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path_for(self, url: str) -> Path:
        key = hashlib.sha256(normalise_url(url).encode("utf-8")).hexdigest()
        return self.root / key[:2] / f"{key}.json"

    def read(self, url: str) -> CacheEntry | None:
        """The cached response for ``url``, or ``None`` if there is none.

        Raises:
            CacheCorrupt: the file exists but fails a check (or cannot be read).
        """
        path = self.path_for(url)
        try:
            data = self._read_bytes(path)
        except (FileNotFoundError, NotADirectoryError):  # no entry (or no cache folder)
            return None
        except OSError as exc:
            raise CacheCorrupt(f"cannot read the cache file {path}: {exc.strerror or exc}") from None
        head, sep, body = data.partition(b"\n")
        try:
            header: Any = json.loads(head)
            ok = (
                sep == b"\n"
                and isinstance(header, dict)
                and header.get("format") == FORMAT
                and header.get("url") == normalise_url(url)
                and header.get("length") == len(body)
                and header.get("sha256") == hashlib.sha256(body).hexdigest()
            )
            fetched = dt.datetime.fromisoformat(str(header["fetched"])) if ok else None
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            ok, fetched = False, None
        if not ok or fetched is None:
            raise CacheCorrupt(f"the cache file {path} for {url} is damaged (checksum or header)")
        return CacheEntry(url=url, body=body, fetched=fetched)

    def _read_bytes(self, path: Path) -> bytes:
        # O_NONBLOCK: a FIFO put in the cache must not hang the run; it is refused below.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise CacheCorrupt(f"the cache file {path} is not a regular file")
            if self.max_bytes is not None and info.st_size > self.max_bytes + 4096:
                msg = f"the cache file {path} is larger ({info.st_size:,} bytes) than an answer may be"
                raise CacheCorrupt(msg)
            return fh.read()

    def write(self, url: str, body: bytes, fetched: dt.datetime) -> CacheEntry:
        """Store a response atomically (a temporary file, then :func:`os.replace`).

        Raises:
            OSError: the cache folder cannot be written (read-only, full, not a folder).
        """
        path = self.path_for(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {
            "format": FORMAT,
            "url": normalise_url(url),
            "fetched": fetched.isoformat(),
            "length": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        head = json.dumps(header, sort_keys=True).encode("utf-8") + b"\n"
        fd, tmp = _create_locked_temp(path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(head)
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
                # Moved into place while still locked: a cleaner never sees it unlocked.
                os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return CacheEntry(url=url, body=body, fetched=fetched)

    def discard(self, url: str) -> None:
        """Remove a cached response, if it can be (a read-only cache keeps it)."""
        with contextlib.suppress(OSError):
            self.path_for(url).unlink()

    def clean_temporary(self) -> list[Path]:
        """Remove the temporary files of writes that were killed before they finished.

        A temporary file whose lock can be taken has no writer any more (a writer holds
        its lock until the file is in place). Returns the files removed; files that
        cannot be removed (a read-only cache) are left.
        """
        removed: list[Path] = []
        try:
            candidates = list(self.root.glob(f"*/{TEMP_PREFIX}*"))
        except OSError:
            return removed
        for tmp in candidates:
            with contextlib.suppress(OSError):
                if _remove_if_abandoned(tmp):
                    removed.append(tmp)
        return removed


def _create_locked_temp(folder: Path) -> tuple[int, str]:
    """A new temporary file in ``folder``, open for writing and locked.

    Created with mode 0o666 so the user's umask decides who may read it (``mkstemp``
    would make it 0600 whatever the umask says).
    """
    while True:
        tmp = str(folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}.json")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        if not LOCKS:
            return fd, tmp
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink > 0:
            return fd, tmp
        # A cleaner took the lock between creation and locking, and removed the file.
        os.close(fd)


def _remove_if_abandoned(tmp: Path) -> bool:
    """Remove a killed write's temporary file: one whose lock can be taken (or, without
    locks, an old one). The file is removed while locked, so a writer that created it
    but had not yet locked it sees it gone and starts again."""
    if not LOCKS:  # pragma: no cover - Windows
        if time.time() - tmp.stat().st_mtime <= STALE_TEMP_AGE:
            return False
        tmp.unlink()
        return True
    fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a writer holds it
        tmp.unlink()
        return True
    finally:
        os.close(fd)
