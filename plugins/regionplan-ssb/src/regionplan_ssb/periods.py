"""Periods: the ``Tid`` codes and expressions a request asks for, and the codes a query wants.

:func:`period_expressions` covers several queries' period choices with value
codes and selection expressions, without the table's metadata;
:func:`resolve_periods` picks the wanted codes from the table's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from regionplan.data.sources import FailureKind, SourceFailed, SourceRequest
from regionplan_ssb.query import PeriodChoice, SsbQuery

__all__ = ["period_expressions", "resolve_periods"]


def period_expressions(requests: Sequence[tuple[SourceRequest, SsbQuery]]) -> tuple[str, ...]:
    """The ``Tid`` value codes and expressions that cover every request's periods.

    Spans (``{from: 2015, to: 2024}``, ``from(X)``, ``to(X)``, the plan's years) are
    joined into one covering span and several ``top(n)`` into the largest, so no
    two expressions overlap; SSB answers HTTP 500 to a code asked twice.
    """
    codes: dict[str, None] = {}
    top = 0
    firsts: list[str | None] = []
    lasts: list[str | None] = []
    for request, q in requests:
        choice = q.period
        if choice.everything:
            return ("*",)
        if choice.codes is not None:
            codes.update(dict.fromkeys(choice.codes))
        elif choice.top is not None:
            top = max(top, choice.top)
        else:
            first, last = choice.first, choice.last
            if choice == PeriodChoice():
                first = None if request.first_year is None else str(request.first_year)
                last = None if request.last_year is None else str(request.last_year)
            if first is None and last is None:
                return ("*",)
            firsts.append(first)
            lasts.append(last)
    out = list(codes)
    if top:
        out.append(f"top({top})")
    if firsts:
        low = None if None in firsts else min(f for f in firsts if f is not None)
        high = None if None in lasts else max(h for h in lasts if h is not None)
        if low is not None and high is not None:
            out.append(f"[range({low},{high})]" if low != high else low)
        elif low is not None:
            out.append(f"from({low})")
        elif high is not None:
            out.append(f"to({high})")
        else:
            return ("*",)
    return tuple(dict.fromkeys(out)) or ("*",)


def resolve_periods(
    codes: Sequence[str], choice: PeriodChoice, first_year: int | None, last_year: int | None
) -> list[str]:
    """The table's period codes a query wants, in the table's order."""
    # Positions by code: membership and order by lookup, linear in the table's periods.
    position = {c: i for i, c in enumerate(codes)}
    chosen = list(codes)
    if choice.codes is not None:
        missing = [c for c in choice.codes if c not in position]
        if missing:
            raise SourceFailed(f"period {missing[0]!r} is not in the table", FailureKind.QUERY_MISMATCH)
        wanted = set(choice.codes)
        chosen = [c for c in codes if c in wanted]
    if choice.top is not None:
        chosen = chosen[-choice.top :] if choice.top else []
    if choice.first is not None:
        chosen = [c for c in chosen if _relative(c, choice.first, position) >= 0]
    if choice.last is not None:
        chosen = [c for c in chosen if _relative(c, choice.last, position) <= 0]
    if choice == PeriodChoice():  # no choice in the query: the plan's years, if known
        low = first_year if first_year is not None else -1
        high = last_year if last_year is not None else 10_000
        chosen = [c for c in chosen if (y := _year(c)) is None or low <= y <= high]
    return chosen


def _year(code: str) -> int | None:
    return int(code[:4]) if code[:4].isdigit() else None


def _relative(code: str, bound: str, position: Mapping[str, int]) -> int:
    """Below, at or above zero: the table's ``code`` is before, at or after ``bound`` (a code
    of the table, or a year: then at means in that year)."""
    if bound in position:
        return position[code] - position[bound]
    if bound.isdigit() and len(bound) == 4 and (year := _year(code)) is not None:
        return year - int(bound)
    msg = f"period bound {bound!r} is neither a year nor a period of the table"
    raise SourceFailed(msg, FailureKind.QUERY_MISMATCH)
