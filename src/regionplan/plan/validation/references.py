"""Checks of ids and references: ids unique across the plan, references to known ids, SDG codes.

A reference to an element, actor, municipality or metric that does not exist, or to an SDG
goal or target that does not exist, is an error with a did-you-mean hint where one is close.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from regionplan.errors import Location, Problem
from regionplan.plan import problems as P
from regionplan.plan.model import Plan
from regionplan.plan.validation.common import _did_you_mean, _err


def _check_ids(plan: Plan) -> list[Problem]:
    """One problem at every repeated use of an id, each pointing at the first use."""
    groups: list[tuple[str, Iterable[Any]]] = [
        ("region", (plan.region,)),
        ("actor", plan.actors),
        ("element", plan.elements),
        ("metric", plan.metrics),
        ("target", plan.targets),
        ("municipality", plan.region.municipalities),
    ]
    uses: dict[str, list[tuple[str, Location | None]]] = {}
    for what, items in groups:
        for item in items:
            if item.id:
                uses.setdefault(item.id, []).append((what, item.location))
    out = []
    for id_, found in uses.items():
        first_what, first_loc = found[0]
        times = "twice" if len(found) == 2 else f"{len(found)} times"
        where = f" at {first_loc}" if first_loc else ""
        for n, (what, loc) in enumerate(found[1:], start=2):
            nth = "" if len(found) == 2 else f" (use {n} of {len(found)})"
            out.append(
                _err(
                    P.DUPLICATE_ID,
                    f"the id '{id_}' is used {times}: here by {_article(what)} {what}{nth}, "
                    f"first by {_article(first_what)} {first_what}{where}",
                    loc,
                    hint="ids are unique across the whole plan; rename all but one",
                )
            )
    return out


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _check_references(plan: Plan) -> list[Problem]:
    out = []
    elements = {e.id for e in plan.elements}
    actors = {a.id for a in plan.actors}
    metrics = {m.id for m in plan.metrics}
    municipalities = {m.id for m in plan.region.municipalities}

    def ref(name: str, known: set[str], what: str, loc: Location | None, others: Iterable[str] = ()) -> None:
        if name in known:
            return
        kind_hint = ""
        if name in set(others):
            kind_hint = f"'{name}' exists, but it is not {_article(what)} {what}"
        out.append(
            _err(
                P.UNKNOWN_REFERENCE,
                f"unknown {what} '{name}'",
                loc,
                kind_hint or _did_you_mean(name, known) or f"define {_article(what)} {what} with id '{name}'",
            )
        )

    all_ids = set(plan.iter_ids())
    for e in plan.elements:
        for c in e.contributes_to:
            ref(c.parent, elements, "element", c.location or e.location, all_ids)
        for r in e.responsible:
            ref(r.actor, actors, "actor", r.location or e.location, all_ids)
    for a in plan.actors:
        if a.municipality:
            ref(a.municipality, municipalities, "municipality", a.location)
    for t in plan.targets:
        ref(t.element, elements, "element", t.location, all_ids)
        ref(t.metric, metrics, "metric", t.location, all_ids)
        if t.other:
            ref(t.other, metrics, "metric", t.location, all_ids)
    for m in plan.metrics:
        if m.weight:
            ref(m.weight, metrics, "metric", m.location, all_ids)
    return out


def _check_sdg(plan: Plan) -> list[Problem]:
    from regionplan.plan.sdg import catalogue

    known = catalogue()
    out = []
    for e in plan.elements:
        for code in e.sdg:
            if code not in known:
                out.append(
                    _err(
                        P.UNKNOWN_SDG,
                        f"the element '{e.id}' refers to SDG '{code}', which does not exist",
                        e.location,
                        _did_you_mean(code, known) or "use a goal number (8) or a target (8.5, 8.a)",
                    )
                )
    return out
