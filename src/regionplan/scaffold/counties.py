"""Which county a municipality was in, from the first two digits of its code.

The first two digits of a municipality code are its county's number. The counties, their
numbers and when each existed follow Statistics Norway's county classification (KLASS 104):
the Trøndelag merger of 2018, the regional reform of 2020 (Viken, Innlandet, Vestfold og
Telemark, Agder, Vestland, Troms og Finnmark) and the division of 2024 (Viken into Østfold,
Akershus and Buskerud; Vestfold og Telemark and Troms og Finnmark into their parts). A region's
counties through time are then read off its members' code histories: Ullensaker was ``0235``
(Akershus) until 2019, ``3033`` (Viken) in 2020–2023 and ``3209`` (Akershus) from 2024.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from regionplan.scaffold.members import Member, joined

__all__ = ["COUNTIES", "county", "county_label", "current_counties"]

_2018, _2020, _2024 = dt.date(2018, 1, 1), dt.date(2020, 1, 1), dt.date(2024, 1, 1)

#: county number -> (name, first day, first day no longer valid); None is open
COUNTIES: dict[str, tuple[str, dt.date | None, dt.date | None]] = {
    "01": ("Østfold", None, _2020),
    "02": ("Akershus", None, _2020),
    "03": ("Oslo", None, None),
    "04": ("Hedmark", None, _2020),
    "05": ("Oppland", None, _2020),
    "06": ("Buskerud", None, _2020),
    "07": ("Vestfold", None, _2020),
    "08": ("Telemark", None, _2020),
    "09": ("Aust-Agder", None, _2020),
    "10": ("Vest-Agder", None, _2020),
    "11": ("Rogaland", None, None),
    "12": ("Hordaland", None, _2020),
    "14": ("Sogn og Fjordane", None, _2020),
    "15": ("Møre og Romsdal", None, None),
    "16": ("Sør-Trøndelag", None, _2018),
    "17": ("Nord-Trøndelag", None, _2018),
    "18": ("Nordland", None, None),
    "19": ("Troms", None, _2020),
    "20": ("Finnmark", None, _2020),
    "30": ("Viken", _2020, _2024),
    "31": ("Østfold", _2024, None),
    "32": ("Akershus", _2024, None),
    "33": ("Buskerud", _2024, None),
    "34": ("Innlandet", _2020, None),
    "38": ("Vestfold og Telemark", _2020, _2024),
    "39": ("Vestfold", _2024, None),
    "40": ("Telemark", _2024, None),
    "42": ("Agder", _2020, None),
    "46": ("Vestland", _2020, None),
    "50": ("Trøndelag", _2018, None),
    "54": ("Troms og Finnmark", _2020, _2024),
    "55": ("Troms", _2024, None),
    "56": ("Finnmark", _2024, None),
}
_SINCE = {"nb": "fra", "en": "from"}
_UNTIL = {"nb": "til", "en": "until"}


def county(code: str) -> str | None:
    """The county of a municipality code (``"3053"`` -> ``"Viken"``); None if unknown."""
    entry = COUNTIES.get(code[:2])
    return entry[0] if entry else None


def _eras(members: Sequence[Member]) -> list[tuple[dt.date | None, dt.date | None, tuple[str, ...]]]:
    """The region's counties through time: ``(first day, first day after, counties)``, oldest first."""
    spans = [
        (since, until + dt.timedelta(days=1) if until else None, name)
        for m in members
        for code, since, until in m.codes
        if (name := county(code)) is not None
    ]
    cuts = sorted({s for s, _, _ in spans if s is not None} | {u for _, u, _ in spans if u is not None})
    bounds: list[dt.date | None] = [None, *cuts, None]
    eras: list[tuple[dt.date | None, dt.date | None, tuple[str, ...]]] = []
    for start, end in itertools.pairwise(bounds):
        names = tuple(
            dict.fromkeys(
                name
                for since, until, name in spans
                if (since is None or end is None or since < end)
                and (until is None or start is None or until > start)
            )
        )
        if eras and eras[-1][2] == names:
            eras[-1] = (eras[-1][0], end, names)
        elif names:
            eras.append((start, end, names))
    return eras


def current_counties(members: Sequence[Member]) -> tuple[str, ...]:
    """The counties the members are in now, in the members' order."""
    eras = _eras(members)
    return eras[-1][2] if eras else ()


def county_label(members: Sequence[Member], lang: str) -> str:
    """The region's county, with earlier ones: ``"Akershus (2020–2023: Viken)"``."""
    eras = _eras(members)
    if not eras:
        return ""
    now = eras[-1][2]
    earlier = []
    for start, end, names in eras[:-1]:
        if names == now:
            continue
        last = end.year - 1 if end else None
        if start is None:
            when = f"{_UNTIL[lang]} {last}"
        elif last is None or last == start.year:
            when = str(start.year) if last else f"{_SINCE[lang]} {start.year}"
        else:
            when = f"{start.year}–{last}"
        earlier.append(f"{when}: {joined(names, lang)}")
    text = joined(now, lang)
    return f"{text} ({'; '.join(earlier)})" if earlier else text
