"""The new region's members: codes from names, each member's code history, words for counts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import attrs

from regionplan.errors import RegionplanError
from regionplan.plan.codes import CodeChanges

__all__ = ["Member", "code_for", "count_words", "joined", "member", "slug"]

_ONE_DAY = dt.timedelta(days=1)
_WORDS = {
    "nb": "én to tre fire fem seks sju åtte ni ti elleve tolv tretten fjorten femten seksten sytten atten nitten tjue",
    "en": "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty",
}
_AND = {"nb": "og", "en": "and"}


def slug(text: str) -> str:
    """An id made from a name: ``"Nedre Romerike"`` -> ``"nedre-romerike"``."""
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
    s = re.sub(r"[^a-z0-9]+", "-", text.translate(table).lower()).strip("-")
    return s if s and s[0].isalpha() else f"r-{s}"


def count_words(n: int, lang: str) -> str:
    """``n`` in words (``3`` -> ``"tre"`` in nb, ``"three"`` in en); digits above twenty."""
    words = _WORDS.get(lang, _WORDS["en"]).split()
    return words[n - 1] if 1 <= n <= len(words) else str(n)


def joined(names: Sequence[str], lang: str) -> str:
    """``["A", "B", "C"]`` -> ``"A, B og C"`` (nb) or ``"A, B and C"`` (en)."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {_AND.get(lang, 'and')} {names[-1]}"


@attrs.frozen
class Member:
    """A member of the new region: its current code, name and every code it has had.

    Attributes:
        id: the member's id in the plan (from its name).
        name: the name the change records give (``Nes (Akershus)``).
        codes: ``(code, first day, last day)`` for each code, oldest first; None is open.
    """

    id: str
    name: str
    codes: tuple[tuple[str, dt.date | None, dt.date | None], ...]

    @property
    def code(self) -> str:
        """The current code."""
        return self.codes[-1][0]

    @property
    def short_name(self) -> str:
        """The name without a county in brackets (``Nes``)."""
        return re.sub(r"\s*\(.*\)$", "", self.name)


def code_for(name_or_code: str, changes: CodeChanges, on: dt.date | None = None) -> str:
    """The current code of a municipality given by code (``3205``) or by name (``Lillestrøm``).

    Names are matched among the codes the change records know to be valid on ``on``
    (default: today), ignoring case and a county in brackets (``Nes (Akershus)``).

    Raises:
        RegionplanError: not a code, no such name, or a name several municipalities share.
    """
    text = name_or_code.strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    if text.isdigit():
        raise RegionplanError(f"{text!r} is not a municipality code (four digits, e.g. 3201)")
    day = on or dt.date.today()
    wanted = text.casefold()
    found = []
    for code in sorted(changes.valid_codes(day)):
        name = changes.name(code, day) or ""
        forms = {name, re.sub(r"\s*\(.*\)$", "", name), *name.split(" - ")}
        if wanted in {f.strip().casefold() for f in forms}:
            found.append(f"{code} {name}")
    if len(found) == 1:
        return found[0].split(" ", 1)[0]
    if found:
        raise RegionplanError(
            f"several municipalities are called {text!r}: {', '.join(found)}; give the code"
        )
    raise RegionplanError(
        f"no municipality named {text!r} in the code records valid on {day}; give its four-digit code"
    )


def member(name_or_code: str, changes: CodeChanges, today: dt.date | None = None) -> Member:
    """The member given by current code or name, with its code history from ``changes``.

    Raises:
        RegionplanError: an unknown name, or a code that has ceased.
    """
    today = today or dt.date.today()
    code = code_for(name_or_code, changes, today)
    name = changes.name(code) or code
    validity = changes.validity(code)
    if validity.valid_until is not None and validity.valid_until <= today:
        now = ", ".join(
            f"{c} {changes.name(c, today) or ''}".strip() for c in changes.successors(code, today)
        )
        msg = (
            f"the code {code} ({name}) ceased after {validity.valid_until - _ONE_DAY}; give the current code"
        )
        raise RegionplanError(f"{msg}: {now}" if now else msg)
    codes = []
    for old in (*changes.predecessors(code), code):
        v = changes.validity(old)
        # the records give the first day a code is no longer valid; plan files the last day it is
        until = v.valid_until - _ONE_DAY if v.valid_until else None
        codes.append((old, v.valid_from, until))
    codes.sort(key=lambda c: c[1] or dt.date.min)
    return Member(slug(re.sub(r"\s*\(.*\)$", "", name)), name, tuple(codes))
