"""Checks of a plan's comparators: a region's codes valid in the members' vintage, a county
that can be told from the members."""

from __future__ import annotations

import datetime as dt

from regionplan.errors import Problem
from regionplan.plan import problems as P
from regionplan.plan.codes import CodeChanges
from regionplan.plan.model import Plan
from regionplan.plan.validation.common import _err, _warn

__all__ = ["check_comparators"]


def _vintage(plan: Plan) -> dt.date:
    starts = [
        c.valid_from
        for m in plan.region.municipalities
        if (c := max(m.codes, key=lambda c: c.valid_from or dt.date.min)) and c.valid_from
    ]
    return max(starts, default=plan.meta.start_date)


def check_comparators(plan: Plan) -> list[Problem]:
    """Problems of the comparators (the reader has checked their form already)."""
    out: list[Problem] = []
    if not plan.meta.comparators:
        return out
    changes = CodeChanges.bundled()
    day = _vintage(plan)
    counties = sorted({m.current_code[:2] for m in plan.region.municipalities})
    for c in plan.meta.comparators:
        if c.kind == "county" and not c.codes and len(counties) > 1:
            out.append(
                _warn(
                    P.BAD_VALUE,
                    f"the comparator {c.id!r} is left out: the members lie in several counties "
                    f"({', '.join(counties)})",
                    c.location,
                    f"give the county's two-digit code, e.g. 'code: \"{counties[0]}\"', one comparator each",
                )
            )
        if c.kind != "region":
            continue
        for code in c.codes:
            if code in changes and not changes.is_valid(code, day):
                now = ", ".join(changes.successors(code, day)) or "none"
                out.append(
                    _err(
                        P.CODE_NOT_VALID,
                        f"the comparator {c.id!r}: the code {code} is not valid on {day}, "
                        "the day the members' codes are from",
                        c.location,
                        f"use the code valid then ({now})",
                    )
                )
    return out
