"""Cells of a tidy table: value cells as numbers, area and period cells as labels.

:class:`NumberFormat` reads a value cell written with a decimal point or comma, an
optional thousands separator and the symbols that mean "no value" (Statistics Norway
writes ``".."``, ``":"`` and ``"."``). ``_label`` keeps area codes and period
labels as text, so ``0235`` keeps its zero.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any

import attrs

__all__ = ["NotFinite", "NumberFormat"]


class NotFinite(ValueError):
    """A cell written as a number that no statistic can be: ``1e400`` is infinite as a float."""


_DECIMALS = (".", ",")
_SPACES = " \u00a0\u202f\u2009"
_THOUSANDS = (" ", ".", ",", "'", "\u00a0", "\u202f", "\u2009")
_MINUS = "\u2212"


@functools.lru_cache(maxsize=32)
def _number_pattern(decimal: str, thousands: str | None) -> re.Pattern[str]:
    """A number in a cell: optional sign, digits (grouped by three when a separator
    is given), optional fraction, optional exponent."""
    dec = re.escape(decimal)
    if thousands is None:
        integer = r"\d+"
    else:
        sep = f"[{re.escape(_SPACES)}]" if thousands in _SPACES else re.escape(thousands)
        integer = rf"(?:\d{{1,3}}(?:{sep}\d{{3}})+|\d+)"
    return re.compile(rf"[+\-{_MINUS}]?(?:{integer}(?:{dec}\d*)?|{dec}\d+)(?:[eE][+-]?\d+)?")


@attrs.frozen
class NumberFormat:
    """How the value cells of a table are written."""

    decimal: str = "."
    thousands: str | None = None
    missing: frozenset[str] = frozenset({""})

    def parse(self, text: str) -> float:
        """A cell's text as a float; ``NaN`` for a missing-value symbol.

        Raises:
            ValueError: the text is no number in this format (the message says why).
        """
        t = text.strip()
        if t in self.missing:
            return math.nan
        if not _number_pattern(self.decimal, self.thousands).fullmatch(t):
            msg = f"not a number: {text!r}"
            if self.decimal == "." and re.fullmatch(r"[+\-]?\d*,\d+", t):
                msg += ' (if the file writes decimal commas, add decimal: ",")'
            elif t in {"..", ":", ".", "-", "x"}:
                msg += f" (if {t!r} marks a missing value, add it to missing)"
            elif t.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
                msg += f" (a value is a finite number; if {t!r} marks a missing value, add it to missing)"
            elif self.thousands is None and re.fullmatch(r"[+\-]?\d{1,3}(?:[ \u00a0.,']\d{3})+", t):
                msg += " (if the file groups thousands, say how with thousands)"
            raise ValueError(msg)
        if self.thousands is not None:
            seps = _SPACES if self.thousands in _SPACES else self.thousands
            t = t.translate({ord(c): None for c in seps})
        t = t.replace(_MINUS, "-")
        if self.decimal != ".":
            t = t.replace(self.decimal, ".")
        return _finite(float(t), text)

    def value(self, cell: Any) -> float:
        """A cell (text, number or empty) as a float."""
        if cell is None:
            return self.parse("")
        if isinstance(cell, bool):
            msg = f"not a number: {cell!r}"
            raise ValueError(msg)
        if isinstance(cell, int | float):
            try:
                return _finite(float(cell), cell)
            except OverflowError:  # an integer beyond any float (its digits may be too many to show)
                raise NotFinite("not a finite number: an integer too large for any float") from None
        return self.parse(str(cell))


def _finite(value: float, cell: Any) -> float:
    """``value``, unless it is infinite (a missing value stays ``NaN``)."""
    if math.isinf(value):
        msg = f"not a finite number: {cell!r}"
        raise NotFinite(msg)
    return value


def _label(cell: Any) -> str:
    """A cell as an area code or period label: text, never a number.

    Spreadsheet numbers become their digits (``2019.0`` becomes ``"2019"``); a date
    becomes ``YYYY-MM-DD``.
    """
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()
