"""A disk cache of SSB responses that notices damage.

Each response is one file named by the SHA-256 of its normalised URL. The file
holds a one-line JSON header (format version, URL, time fetched, body length and
the body's SHA-256), a newline, then the body exactly as SSB sent it. Files are
written to a temporary name and moved into place with :func:`os.replace`, so a
reader sees a whole entry or none. On reading, the header, URL, length and hash
are checked; any mismatch raises :class:`CacheCorrupt` rather than returning
bytes that could be read as wrong numbers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

import attrs

__all__ = ["CacheCorrupt", "CacheEntry", "ResponseCache", "normalise_url"]

FORMAT = "regionplan-ssb-cache/1"


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
    """Responses by URL under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, url: str) -> Path:
        key = hashlib.sha256(normalise_url(url).encode("utf-8")).hexdigest()
        return self.root / key[:2] / f"{key}.json"

    def read(self, url: str) -> CacheEntry | None:
        """The cached response for ``url``, or ``None`` if there is none.

        Raises:
            CacheCorrupt: the file exists but fails a check.
        """
        path = self.path_for(url)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CacheCorrupt(f"cannot read the cache file {path}: {exc}") from None
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

    def write(self, url: str, body: bytes, fetched: dt.datetime) -> CacheEntry:
        """Store a response atomically (a temporary file, then :func:`os.replace`)."""
        path = self.path_for(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {
            "format": FORMAT,
            "url": normalise_url(url),
            "fetched": fetched.isoformat(),
            "length": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        data = json.dumps(header, sort_keys=True).encode("utf-8") + b"\n" + body
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return CacheEntry(url=url, body=body, fetched=fetched)

    def discard(self, url: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_for(url).unlink()
