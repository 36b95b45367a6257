"""Last touches to a whole HTML page: unique ids inside inline SVG, no control characters.

matplotlib names the parts of every figure alike (``figure_1``, ``patch_1``, ...), so a
page with several inline charts repeats ids. :func:`scope_svg_ids` prefixes every id
inside each ``<svg id="...">`` with that id and rewrites the references to them
(``url(#…)``, ``href="#…"``), so each id occurs once. :func:`without_controls` drops
C0 control characters (but tab and line breaks) that plan text or data may carry: HTML
does not allow them.
"""

from __future__ import annotations

import re

__all__ = ["scope_svg_ids", "without_controls"]

_SVG = re.compile(r'(<svg\b[^>]*\bid="([^"]+)"[^>]*>)(.*?)(</svg>)', re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(page: str) -> str:
    """``page`` without C0 control characters (tab, line feed and carriage return stay)."""
    return _CONTROL.sub("", page)


def scope_svg_ids(page: str) -> str:
    """``page`` with the ids inside each identified inline SVG prefixed by the SVG's id."""

    def scope(m: re.Match[str]) -> str:
        opening, root, body, closing = m.groups()
        prefix = f"{root}-"
        inner = {i for i in _ID.findall(body) if not i.startswith(prefix)}
        if not inner:
            return m.group(0)
        body = _ID.sub(lambda i: f'id="{prefix}{i.group(1)}"' if i.group(1) in inner else i.group(0), body)
        body = _REF.sub(
            lambda r: f"{r.group(1)}{prefix}{r.group(2)}" if r.group(2) in inner else r.group(0), body
        )
        return opening + body + closing

    return _SVG.sub(scope, page)
