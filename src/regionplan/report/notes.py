"""The library's own notes on where figures come from, in the report's language.

The data stage writes its provenance notes in English ("area codes mapped to those
valid on 2024-01-01; by SSB KLASS 131 ..."). :func:`source_notes` writes the ones the
library itself makes in Norwegian for an ``nb`` report; any other note (a plan's own)
is kept as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["source_notes"]

_BUNDLED_CHANGES = "SSB KLASS 131 municipality changes 2011-2024 (bundled)"


def _day(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(day)}.{int(month)}.{year}"


_NB: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"area codes mapped to those valid on (\d{4}-\d{2}-\d{2})"),
        lambda m: f"kommunenumre omregnet til dem som gjaldt {_day(m.group(1))}",
    ),
    (
        re.compile(re.escape(f"by {_BUNDLED_CHANGES}")),
        lambda m: "etter SSBs kommuneendringer 2011–2024 (KLASS 131)",
    ),
    (re.compile(r"by (.+)"), lambda m: f"etter {m.group(1)}"),
    (re.compile(r"equal split weights assumed for (.+)"), lambda m: f"lik fordeling antatt for {m.group(1)}"),
    (re.compile(r"split weights given for (.+)"), lambda m: f"oppgitte fordelingsnøkler for {m.group(1)}"),
)


def source_notes(notes: str, source: str, lang: str) -> str:
    """``notes`` of a source in ``lang``: the code mapping's notes (``source`` is
    ``regionplan.data.areas``) in Norwegian for ``nb``; anything else unchanged."""
    if lang != "nb" or source != "regionplan.data.areas" or not notes:
        return notes
    out: list[str] = []
    for part in notes.split("; "):
        for pattern, write in _NB:
            m = pattern.fullmatch(part)
            if m:
                out.append(write(m))
                break
        else:
            out.append(part)
    return "; ".join(out)
