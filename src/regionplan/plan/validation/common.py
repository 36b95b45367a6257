"""Shared helpers of the plan checks: problem constructors and did-you-mean hints."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from regionplan.errors import Location, Problem, Severity


def _err(code: str, message: str, loc: Location | None, hint: str = "") -> Problem:
    return Problem(code, message, loc, hint, Severity.ERROR)


def _warn(code: str, message: str, loc: Location | None, hint: str = "") -> Problem:
    return Problem(code, message, loc, hint, Severity.WARNING)


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _unit_hint(text: str) -> str:
    from regionplan.plan.units import BASE_DEFINITIONS

    names = [d.split("=")[0].strip() for d in BASE_DEFINITIONS] + ["percent", "dimensionless"]
    close = _did_you_mean(text, names)
    return close or "domain units: " + ", ".join(names) + "; a plugin can add more"
