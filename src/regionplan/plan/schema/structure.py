"""The structure sections of a plan file: ``plan`` (its meta), ``region``, ``actors``, ``elements``.

Each reader turns one section's node into a model object with the field reader of
:mod:`regionplan.plan.schema.reader`, or returns None when the section cannot be read
(the problems are recorded).
"""

from __future__ import annotations

import datetime as dt
import re

from regionplan.plan import problems as P
from regionplan.plan.model import (
    Actor,
    Contribution,
    Element,
    ElementKind,
    Municipality,
    MunicipalityCode,
    PlanMeta,
    PlanStatus,
    Region,
    Responsibility,
    Role,
)
from regionplan.plan.nodes import Node, ScalarNode, SeqNode
from regionplan.plan.periods import PLAN_YEARS
from regionplan.plan.schema.comparators import read_comparators
from regionplan.plan.schema.metrics import MAX_WEIGHT
from regionplan.plan.schema.reader import _CODE, _Reader
from regionplan.plan.schema.template import _read_template


def _read_meta(r: _Reader, node: Node) -> PlanMeta | None:
    f = r.mapping(
        node,
        "plan",
        required=("id", "title", "period"),
        optional=(
            "status",
            "version",
            "languages",
            "owner",
            "adopted",
            "reporting_day",
            "description",
            "source_document",
            "template",
            "allow_paths",
            "comparators",
        ),
    )
    if f is None:
        return None
    _read_template(r, f.get("template"), "the plan")
    period = r.mapping(f.get("period"), "plan period", required=("start", "end"))
    start = r.integer(period.get("start"), "plan period start") if period else None
    end = r.integer(period.get("end"), "plan period end") if period else None
    first, last = PLAN_YEARS
    for year, what in ((start, "start"), (end, "end")):
        if year is not None and not first <= year <= last:
            r.problem(
                P.BAD_PERIOD,
                f"the plan period {what} {year} is not a year from {first} to {last}",
                period[what].location if period and what in period else f["period"].location,
                hint="write years such as 2021 and 2030",
            )
    if start is not None and end is not None and end < start:
        r.problem(
            P.BAD_PERIOD,
            f"the plan period ends ({end}) before it starts ({start})",
            f["period"].location,
        )
    langs = tuple(r.text(n, "language") for n in r.seq(f.get("languages"), "languages")) or (
        "nb",
        "en",
    )
    return PlanMeta(
        id=r.ident(f.get("id"), "plan id"),
        title=r.label(f.get("title"), "plan title"),
        period_start=start or 0,
        period_end=end or 0,
        status=r.choice(f.get("status"), "plan status", PlanStatus, PlanStatus.DRAFT) or PlanStatus.DRAFT,
        version=r.text(f.get("version"), "plan version"),
        languages=langs,
        owner=r.text(f.get("owner"), "plan owner"),
        adopted=r.date(f.get("adopted"), "adoption date"),
        reporting_day=_reporting_day(r, f.get("reporting_day")),
        description=r.label(f.get("description"), "plan description"),
        source_document=r.text(f.get("source_document"), "source document"),
        allow_paths=tuple(
            t for n in r.seq(f.get("allow_paths"), "allow_paths") if (t := r.text(n, "allowed path"))
        ),
        comparators=read_comparators(r, f.get("comparators")),
        location=node.location,
    )


def _reporting_day(r: _Reader, node: Node | None) -> str:
    """``MM-DD``, a day some year has (29 February too); "" when not given or not a day."""
    s = r.scalar(node, "reporting day")
    if s is None:
        return ""
    text = s.text.strip()
    match = re.fullmatch(r"(\d{2})-(\d{2})", text)
    try:
        if match is None:
            raise ValueError
        dt.date(2000, int(match[1]), int(match[2]))  # a leap year: every day some year has
    except ValueError:
        r.problem(
            P.BAD_VALUE,
            f"the reporting day {text!r} is not a day of the year",
            s.location,
            hint="write month and day as MM-DD, e.g. '04-30' for 30 April (in quotes)",
        )
        return ""
    return text


def _read_region(r: _Reader, node: Node) -> Region | None:
    f = r.mapping(
        node,
        "region",
        required=("id", "name", "municipalities"),
        optional=("county", "description", "template"),
    )
    if f is None:
        return None
    _read_template(r, f.get("template"), "the region", names=True)
    members = []
    listed = r.seq(f.get("municipalities"), "municipalities")
    given = f.get("municipalities")
    if not listed and (isinstance(given, SeqNode) or (isinstance(given, ScalarNode) and given.is_null)):
        r.problem(
            P.NO_MEMBERS,
            "the region has no municipalities",
            given.location,
            hint="list the member municipalities, each with its id, name and codes",
        )
    for item in listed:
        m = r.mapping(item, "municipality", required=("id", "name", "codes"))
        if m is None:
            continue
        codes = []
        for c in r.seq(m.get("codes"), "municipality codes"):
            if isinstance(c, ScalarNode):
                cf: dict[str, Node] | None = {"code": c}
            else:
                cf = r.mapping(c, "municipality code", required=("code",), optional=("from", "until"))
            if cf is None:
                continue
            code = r.text(cf.get("code"), "municipality code")
            if code and not _CODE.match(code):
                r.problem(
                    P.BAD_CODE,
                    f"{code!r} is not a municipality code",
                    cf["code"].location,
                    hint="municipality codes have four digits, e.g. '3209'; quote them",
                )
            codes.append(
                MunicipalityCode(
                    code,
                    r.date(cf.get("from"), "code valid from"),
                    r.date(cf.get("until"), "code valid until"),
                    location=cf["code"].location if "code" in cf else c.location,
                )
            )
        members.append(
            Municipality(
                r.ident(m.get("id"), "municipality id"),
                r.label(m.get("name"), "municipality name"),
                tuple(codes),
                location=item.location,
            )
        )
    return Region(
        r.ident(f.get("id"), "region id"),
        r.label(f.get("name"), "region name"),
        tuple(members),
        county=r.label(f.get("county"), "county"),
        description=r.label(f.get("description"), "region description"),
        location=node.location,
    )


def _read_actor(r: _Reader, node: Node) -> Actor | None:
    f = r.mapping(
        node, "actor", required=("id", "name"), optional=("kind", "municipality", "description", "template")
    )
    if f is None:
        return None
    _read_template(r, f.get("template"), "an actor")
    return Actor(
        r.ident(f.get("id"), "actor id"),
        r.label(f.get("name"), "actor name"),
        kind=r.text(f.get("kind"), "actor kind", "other"),
        municipality=r.text(f.get("municipality"), "actor municipality") or None,
        description=r.label(f.get("description"), "actor description"),
        location=node.location,
    )


def _read_element(r: _Reader, node: Node) -> Element | None:
    f = r.mapping(
        node,
        "element",
        required=("id", "kind", "title"),
        optional=(
            "description",
            "contributes_to",
            "responsible",
            "sdg",
            "aligned_with",
            "timing",
            "number",
            "notes",
            "template",
        ),
    )
    if f is None:
        return None
    _read_template(r, f.get("template"), "an element")
    contributions = []
    for c in r.seq(f.get("contributes_to"), "contributes_to"):
        if isinstance(c, ScalarNode):
            contributions.append(Contribution(r.text(c, "parent"), 1.0, location=c.location))
            continue
        cf = r.mapping(c, "contribution", required=("id",), optional=("weight",))
        if cf is None:
            continue
        weight = r.number(cf.get("weight"), "contribution weight")
        if weight is not None and weight <= 0:
            r.problem(P.BAD_VALUE, "a contribution weight must be above 0", cf["weight"].location)
        else:
            weight = r.bounded(
                weight,
                cf.get("weight"),
                "a contribution weight",
                None,
                MAX_WEIGHT,
                "weights are relative: 1, 2, 0.5",
            )
        contributions.append(
            Contribution(
                r.text(cf.get("id"), "parent"),
                weight if weight is not None else 1.0,
                location=cf["id"].location if "id" in cf else c.location,
            )
        )
    responsible = []
    for c in r.seq(f.get("responsible"), "responsible"):
        if isinstance(c, ScalarNode):
            responsible.append(Responsibility(r.text(c, "actor"), Role.OWNER, location=c.location))
            continue
        cf = r.mapping(c, "responsibility", required=("actor",), optional=("role",))
        if cf is None:
            continue
        role = r.choice(cf.get("role"), "role", Role, Role.OWNER) or Role.OWNER
        responsible.append(
            Responsibility(
                r.text(cf.get("actor"), "actor"),
                role,
                location=cf["actor"].location if "actor" in cf else c.location,
            )
        )
    kind = r.choice(f.get("kind"), "element kind", ElementKind)
    if kind is None:
        # A misspelt, empty or missing kind is reported once, above. The element stays, under
        # a stand-in kind that draws no warning of its own, so what refers to it finds it; the
        # error keeps the plan from loading, so the stand-in is never evaluated.
        kind = ElementKind.FRAMEWORK_CONDITION if contributions else ElementKind.VISION
    return Element(
        id=r.ident(f.get("id"), "element id"),
        kind=kind,
        title=r.label(f.get("title"), "element title"),
        description=r.label(f.get("description"), "element description"),
        contributes_to=tuple(contributions),
        responsible=tuple(responsible),
        sdg=tuple(r.text(n, "SDG target") for n in r.seq(f.get("sdg"), "sdg")),
        aligned_with=tuple(r.text(n, "framework") for n in r.seq(f.get("aligned_with"), "aligned_with")),
        timing=r.text(f.get("timing"), "timing"),
        number=r.text(f.get("number"), "number"),
        notes=tuple(r.label(n, "note") for n in r.seq(f.get("notes"), "notes")),
        location=node.location,
    )
