"""Checks of the region: each municipality's codes against the recorded code changes, over the plan period.

A code must be valid on the dates it is listed for, must be one the member's earlier code became,
and every day of the plan period needs a valid code; a gap between two codes (whenever it lies: the
data go back before the plan period) is an error whose hint names the code the records give.
"""

from __future__ import annotations

import datetime as dt

from regionplan.errors import Problem
from regionplan.plan import problems as P
from regionplan.plan.codes import CodeChanges
from regionplan.plan.model import MunicipalityCode, Plan
from regionplan.plan.validation.common import _err


def _check_region(plan: Plan) -> list[Problem]:
    out = []
    changes = CodeChanges.bundled()
    start, end = plan.meta.start_date, plan.meta.end_date
    for m in plan.region.municipalities:
        name = m.name.get()
        for c in m.codes:
            if c.valid_from and c.valid_until and c.valid_until < c.valid_from:
                out.append(_err(P.BAD_VALUE, f"{name}: the code {c.code} ends before it starts", c.location))
            validity = changes.validity(c.code)
            if validity.valid_until is not None:
                # the records give the first day a code is no longer valid
                last_day = validity.valid_until - dt.timedelta(days=1)
                if c.valid_until is None or c.valid_until > last_day:
                    successors = ", ".join(changes.successors(c.code, validity.valid_until))
                    out.append(
                        _err(
                            P.CODE_NOT_VALID,
                            f"{name}: the code {c.code} ceased to be valid after {last_day}",
                            c.location,
                            f"add 'until: {last_day}' and list its successor ({successors})",
                        )
                    )
            if validity.valid_from and (c.valid_from is None or c.valid_from < validity.valid_from):
                out.append(
                    _err(
                        P.CODE_NOT_VALID,
                        f"{name}: the code {c.code} became valid only on {validity.valid_from}",
                        c.location,
                        f"add 'from: {validity.valid_from}' and list the code used before",
                    )
                )
        out += _check_lineage(name, m.codes, changes)
        gaps = _gaps(m.codes)
        out += [
            _gap_problem(name, before, start_gap, end_gap, changes) for before, start_gap, end_gap in gaps
        ]
        # Every day of the plan period needs a valid code: check the period's ends and
        # every day a code starts or stops.
        days = {start, end}
        for c in m.codes:
            for d in (c.valid_from, c.valid_until):
                if d and start <= d <= end:
                    days.add(d)
                    if d + dt.timedelta(days=1) <= end:
                        days.add(d + dt.timedelta(days=1))
        for day in sorted(days):
            if any(a <= day <= b for _, a, b in gaps):
                continue  # reported with the code that fills it
            if m.code_on(day) is None:
                out.append(
                    _err(
                        P.CODE_GAP,
                        f"{name} has no municipality code valid on {day}, within the plan period "
                        f"{plan.meta.period_start}-{plan.meta.period_end}",
                        m.location,
                        "list every code the municipality had, with 'from' and 'until' dates",
                    )
                )
                break
    return out


def _check_lineage(name: str, codes: tuple[MunicipalityCode, ...], changes: CodeChanges) -> list[Problem]:
    """A code that starts after others ended must be one of the codes they became.

    A code valid on its own dates can still belong to another municipality (Hurdal given
    Hole's 3038 for 2020-2023); the change records tell what each ended code became.
    """
    out = []
    for later in codes:
        if later.valid_from is None:
            continue
        # Earlier: listed as ending before ``later`` starts, or over by then in the records (a
        # code listed a day too long must not hide its successor). Codes listed side by side,
        # such as the parts of a merger, are neither.
        earlier = [
            c
            for c in codes
            if (end := changes.validity(c.code).valid_until) is not None
            and c is not later
            and (end <= later.valid_from or (c.valid_until is not None and c.valid_until < later.valid_from))
        ]
        if not earlier or any(later.code in _descendants(changes, c.code) for c in earlier):
            continue
        last = max(earlier, key=lambda c: changes.validity(c.code).valid_until or dt.date.min)
        ended = changes.validity(last.code).valid_until
        became = ", ".join(
            _named(changes, c, ended) for c in changes.successors(last.code, ended or dt.date.min)
        )
        out.append(
            _err(
                P.CODE_LINEAGE,
                f"{name}: the code {_named(changes, later.code, later.valid_from)} does not follow "
                f"{_named(changes, last.code, None)}: the records say {last.code} became {became} "
                f"on {ended}",
                later.location,
                _lineage_hint(changes, last.code, later),
            )
        )
    return out


def _descendants(changes: CodeChanges, code: str) -> set[str]:
    """Every code that holds part of ``code``'s area after it ended, through later reforms too."""
    end = changes.validity(code).valid_until
    if end is None:
        return set()
    out: set[str] = set()
    for day in changes.change_dates:
        if day >= end:
            out.update(changes.successors(code, day))
    return out


def _named(changes: CodeChanges, code: str, on: dt.date | None) -> str:
    name = changes.name(code, on)
    return f"{code} ({name})" if name else code


def _lineage_hint(changes: CodeChanges, ended: str, later: MunicipalityCode) -> str:
    """Name the code the records give in place of ``later``: what ``ended`` became on its first day."""
    on = later.valid_from or dt.date.min
    if changes.is_valid(ended, on):  # listed as ending early: it had not ended yet
        became_on = changes.validity(ended).valid_until or on  # its successor's first day
        last = became_on - dt.timedelta(days=1)
        return (
            f"the records say {ended} was valid until {last}: extend its 'until' to {last} and list "
            f"the code it became after it, or check that {later.code} is this municipality's"
        )
    right = [c for c in changes.successors(ended, on) if c != later.code]
    if not right:
        return f"list the code {ended} became, or check that {later.code} is this municipality's"
    named = " or ".join(_named(changes, c, on) for c in right)
    return f"write {named} here (the code {ended} became), or check that {later.code} is this municipality's"


def _gaps(codes: tuple[MunicipalityCode, ...]) -> list[tuple[MunicipalityCode, dt.date, dt.date]]:
    """The days between two of a member's codes that no code covers: (the code before, first, last day)."""
    dated = sorted(codes, key=lambda c: c.valid_from or dt.date.min)
    out = []
    covered: dt.date | None = None  # the last day covered so far (None: open-ended)
    before: MunicipalityCode | None = None
    for c in dated:
        if before is not None and covered is not None and c.valid_from is not None:
            first = covered + dt.timedelta(days=1)
            if c.valid_from > first:
                out.append((before, first, c.valid_from - dt.timedelta(days=1)))
        if before is None or (covered is not None and (c.valid_until is None or c.valid_until > covered)):
            before, covered = c, c.valid_until
        if covered is None:
            break
    return out


def _gap_problem(
    name: str, before: MunicipalityCode, first: dt.date, last: dt.date, changes: CodeChanges
) -> Problem:
    right = changes.successors(before.code, first)
    hint = "list every code the municipality had, with 'from' and 'until' dates"
    if before.code not in changes:
        hint = f"the records do not know the code {before.code}: {hint}"
    elif len(right) > 1:  # a split: one of the parts is this municipality
        listed = " or ".join(f'{{code: "{c}", from: {first}, until: {last}}}' for c in right)
        named = " or ".join(_named(changes, c, first) for c in right)
        hint = (
            f"the records give {named} for those days, the codes {before.code} was split into: "
            f"add the one that is this municipality's, {listed}"
        )
    elif right and right != (before.code,):
        listed = f'{{code: "{right[0]}", from: {first}, until: {last}}}'
        hint = (
            f"the records give {_named(changes, right[0], first)} for those days, the code {before.code} "
            f"became: add {listed}"
        )
    elif right:
        hint = f"the records say {before.code} was still valid on {first}: extend its 'until'"
    return _err(
        P.CODE_GAP,
        f"{name} has no municipality code from {first} to {last}, between {before.code} and the next code",
        before.location,
        hint,
    )
