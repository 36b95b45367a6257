"""Checks of the region: each municipality's codes against the recorded code changes, over the plan period.

A code must be valid on the dates it is listed for, and every day of the plan period needs a valid code.
"""

from __future__ import annotations

import datetime as dt

from regionplan.errors import Problem
from regionplan.plan import problems as P
from regionplan.plan.codes import CodeChanges
from regionplan.plan.model import Plan
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
