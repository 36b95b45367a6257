"""The ``comparators`` of a plan's ``plan`` section: areas its region is compared with.

Each is a mapping with an ``id`` and a ``kind``: ``county`` (the members' county, or the
one its two-digit ``code`` names), ``norway``, ``region`` (an area of ``municipalities``,
current four-digit codes) or ``members`` (each member on its own); ``name`` is optional.
"""

from __future__ import annotations

import re

from regionplan.plan import problems as P
from regionplan.plan.model import Comparator
from regionplan.plan.nodes import Node
from regionplan.plan.schema.reader import _CODE, _Reader

KINDS = ("county", "norway", "region", "members")
_COUNTY = re.compile(r"^\d{2}$")


def read_comparators(r: _Reader, node: Node | None) -> tuple[Comparator, ...]:
    """Every comparator listed under ``node`` (problems recorded on ``r``)."""
    out: list[Comparator] = []
    seen: set[str] = set()
    for item in r.seq(node, "comparators"):
        f = r.mapping(
            item, "comparator", required=("id", "kind"), optional=("name", "code", "municipalities")
        )
        if f is None:
            continue
        cid = r.ident(f.get("id"), "comparator id")
        if cid in seen:
            r.problem(P.DUPLICATE_ID, f"the comparator {cid!r} is listed twice", f["id"].location)
        seen.add(cid)
        kind = r.text(f.get("kind"), "comparator kind")
        if kind and kind not in KINDS:
            r.problem(
                P.BAD_VALUE,
                f"comparator kind cannot be {kind!r}",
                f["kind"].location,
                hint=f"one of: {', '.join(KINDS)}",
            )
            continue
        codes: tuple[str, ...] = ()
        if kind == "county" and "code" in f:
            code = r.text(f["code"], "county code")
            if not _COUNTY.match(code):
                r.problem(
                    P.BAD_CODE,
                    f"{code!r} is not a county code",
                    f["code"].location,
                    hint="county codes have two digits, e.g. '32'; quote them",
                )
            codes = (code,)
        elif kind == "region":
            codes = tuple(
                r.text(n, "municipality code") for n in r.seq(f.get("municipalities"), "municipalities")
            )
            bad = [c for c in codes if not _CODE.match(c)]
            if bad or not codes:
                where = f["municipalities"].location if "municipalities" in f else item.location
                what = (
                    f"{bad[0]!r} is not a municipality code"
                    if bad
                    else "a region comparator has no municipalities"
                )
                r.problem(
                    P.BAD_CODE, what, where, hint="list current four-digit codes, e.g. '3205'; quote them"
                )
        out.append(
            Comparator(cid, kind, r.label(f.get("name"), "comparator name"), codes, location=item.location)
        )
    return tuple(out)
