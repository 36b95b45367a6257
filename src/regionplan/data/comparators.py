"""Comparators: the region's county, Norway and other areas, built like the region.

A plan's ``comparators`` (:class:`~regionplan.plan.model.Comparator`) name areas to put
beside its region. :func:`comparator_groups` turns them into groups of municipality codes
of the region's vintage: a county is every municipality whose code starts with its two
digits, Norway every municipality; "every municipality" is the list of the bundled
population on 1 January of the vintage's year (SSB table 07459, all municipalities).
:func:`fetch_comparators` reads the plan's metrics for those municipalities through the
plan's own sources, maps and aggregates them as the region's (:func:`fetch_data`), so a
comparator's value exists only where every one of its municipalities has one. The sources
are asked offline (their cached answers, copied files and the bundled data), so comparators
never download a table a second time. ``members`` comparators need no reading: the members'
own series are in the region's data set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from regionplan.data.dataset import DataSet, fetch_data, region_vintage
from regionplan.data.sources import SourceContext
from regionplan.data.sources.bundled import load
from regionplan.plan.codes import CodeChanges
from regionplan.plan.codes.resolution import SplitPolicy
from regionplan.plan.model import Comparator, Label, Municipality, MunicipalityCode, Plan

__all__ = ["comparator_groups", "fetch_comparators", "municipalities_on"]


def municipalities_on(day: dt.date) -> tuple[str, ...]:
    """Every municipality code of Norway on ``day`` (the bundled population's list of that
    year, or of the nearest year it holds)."""
    table = load("population")
    years = sorted({int(str(p)[:4]) for p in table.periods})
    year = min(max(day.year, years[0]), years[-1])
    return tuple(sorted({str(a) for a in table.areas[table.periods.astype(str) == str(year)]}))


def _county_of(plan: Plan, comparator: Comparator) -> str:
    """The county's two digits: given, or the members' county ("" when they lie in several)."""
    if comparator.codes:
        return comparator.codes[0]
    prefixes = sorted({m.current_code[:2] for m in plan.region.municipalities})
    return prefixes[0] if len(prefixes) == 1 else ""


def comparator_groups(plan: Plan) -> dict[str, tuple[str, ...]]:
    """Comparator id -> its municipality codes in the region's vintage (``members`` left out)."""
    everyone = municipalities_on(region_vintage(plan))
    out: dict[str, tuple[str, ...]] = {}
    for c in plan.meta.comparators:
        if c.kind == "norway":
            out[c.id] = everyone
        elif c.kind == "county":
            county = _county_of(plan, c)
            out[c.id] = tuple(code for code in everyone if county and code.startswith(county))
        elif c.kind == "region":
            out[c.id] = c.codes
    return {k: v for k, v in out.items() if v}


def fetch_comparators(
    plan: Plan,
    *,
    context: SourceContext | None = None,
    extensions: Any = None,
    changes: CodeChanges | None = None,
) -> DataSet | None:
    """The plan's metrics for its comparator areas (``None`` when it has none to read)."""
    groups = comparator_groups(plan)
    if not groups:
        return None
    records = changes or CodeChanges.bundled()
    # offline: the sources' cached answers and copies (bundled data), never a second download
    context = attrs.evolve(context or SourceContext(base_dir=plan.base_dir), offline=True)
    policy: SplitPolicy = "equal" if _splits_inside(plan, groups, records) else "flag"
    return fetch_data(
        as_comparator_plan(plan, groups, records),
        context=context,
        extensions=extensions,
        groups=groups,
        split_policy=policy,
    )


def _splits_inside(plan: Plan, groups: Mapping[str, tuple[str, ...]], records: CodeChanges) -> bool:
    """Whether a split code's value may be shared out equally: every metric is read as a sum
    and each group holds all of a split's parts or none, so the shares never show."""
    if any(m.aggregation != "sum" for m in plan.metrics if not m.derived):
        return False
    vintage = region_vintage(plan)
    for split in records.splits():
        parts = {t for p in split.parts for t in records.successors(p, vintage)}
        if any(parts & set(g) and not parts <= set(g) for g in groups.values()):
            return False
    return True


def as_comparator_plan(
    plan: Plan, groups: Mapping[str, tuple[str, ...]], changes: CodeChanges | None = None
) -> Plan:
    """``plan`` with every municipality of ``groups`` as a member, each with its earlier codes,
    so the plan's sources are asked for them and complete one another as for the region."""
    vintage = region_vintage(plan)
    records = changes or CodeChanges.bundled()
    codes = sorted({c for v in groups.values() for c in v})
    members = tuple(
        Municipality(
            code,
            Label.of(records.name(code, vintage) or code),
            (
                MunicipalityCode(code, vintage),
                *(MunicipalityCode(p) for p in _earlier(records, code, vintage)),
            ),
        )
        for code in codes
    )
    region = attrs.evolve(plan.region, municipalities=members)
    return attrs.evolve(plan, region=region)


def _earlier(records: CodeChanges, code: str, day: dt.date) -> tuple[str, ...]:
    if code not in records:
        return ()
    return tuple(p for p in records.predecessors(code, day) if p != code)
