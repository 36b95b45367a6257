"""Safe links: which URLs the report may link to (absolute http(s) only).

The report builder passes the plan document's and data sources' links through :func:`safe_url`,
so renderers only ever see links that are safe to write out.
"""

from __future__ import annotations

__all__ = ["safe_url"]


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL, else ``None`` (never link ``javascript:``)."""
    if not url:
        return None
    text = url.strip()
    scheme, sep, rest = text.partition(":")
    if not sep or scheme.lower() not in {"http", "https"} or not rest.startswith("//"):
        return None
    if any(ord(ch) < 0x20 or ch in ' "<>`' for ch in text):
        return None
    return text
