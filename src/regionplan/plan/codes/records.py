"""The change records of area codes and what they are made of.

:class:`ChangeRecord` (one old code to one new code on one date), :class:`CodeValidity`
(when a code was valid), :class:`Split` (a code divided among several), the error they
raise (:class:`AreaError`), and :func:`vintage_date`: which codes a period's values are in.
"""

from __future__ import annotations

import datetime as dt

import attrs

from regionplan.errors import RegionplanError
from regionplan.plan.periods import Period

__all__ = ["AreaError", "ChangeRecord", "CodeValidity", "Split", "vintage_date"]

_ONE_DAY = dt.timedelta(days=1)


class AreaError(RegionplanError, ValueError):
    """Bad change records, split weights, groups or aggregation requests."""


def vintage_date(period: Period) -> dt.date:
    """The day whose codes a period's values are in: the last day the period covers."""
    return period.end - _ONE_DAY


def _code(value: object) -> str:
    if not isinstance(value, str):
        msg = f"area codes are strings (leading zeros matter), not {value!r}"
        raise TypeError(msg)
    code = value.strip()
    if not code:
        msg = "an area code cannot be empty"
        raise AreaError(msg)
    return code


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        msg = f"not a date (expected YYYY-MM-DD): {value!r}"
        raise AreaError(msg) from None


@attrs.frozen
class ChangeRecord:
    """One change record: the area of ``old_code`` went (wholly or partly) to ``new_code``.

    Several records with one ``old_code`` and date are a split; several ``old_code``
    values with one ``new_code`` and date are a merger. ``old_code == new_code`` is a
    name change or a code that keeps its number while receiving another area.
    """

    old_code: str = attrs.field(converter=_code)
    new_code: str = attrs.field(converter=_code)
    change_date: dt.date = attrs.field(converter=_date)
    old_name: str = ""
    new_name: str = ""

    @property
    def keeps_code(self) -> bool:
        return self.old_code == self.new_code


@attrs.frozen
class CodeValidity:
    """When a code was valid, as far as the change records tell.

    Attributes:
        valid_from: the first day the code was valid; ``None`` when the records
            do not say (the code is older than the records, or never started in them).
        valid_until: the first day the code was **no longer** valid (the date of the
            change that ended it); ``None`` when the records do not end it.
    """

    valid_from: dt.date | None
    valid_until: dt.date | None

    def contains(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day < self.valid_until
        )


_ALWAYS = CodeValidity(None, None)


@attrs.frozen
class Split:
    """A code whose area was divided among several codes on one date."""

    code: str
    change_date: dt.date
    parts: tuple[str, ...]
