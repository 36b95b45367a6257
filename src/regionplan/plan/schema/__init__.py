"""The plan-file schema: from nodes to the model, recording every problem on the way.

Each section of a plan file (``plan``, ``region``, ``actors``, ``elements``,
``metrics``, ``targets``, ``include``) is read field by field from the node tree of
:mod:`regionplan.plan.nodes`. A wrong type, an unknown field (with a did-you-mean) or a
missing one becomes a :class:`~regionplan.errors.Problem` at the node's place, and
reading goes on, so one pass finds them all.

This module reads a whole document and hands each section to its reader:
:mod:`~regionplan.plan.schema.reader` holds the field reader,
:mod:`~regionplan.plan.schema.structure` the ``plan``, ``region``, ``actors`` and
``elements`` sections, and :mod:`~regionplan.plan.schema.metrics` the ``metrics`` and
``targets`` sections.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from regionplan.errors import Location
from regionplan.plan import problems as P
from regionplan.plan.model import Actor, Element, Metric, PlanMeta, Region, Target
from regionplan.plan.nodes import MapNode, Node
from regionplan.plan.schema.metrics import _read_metric, _read_target
from regionplan.plan.schema.reader import _Reader
from regionplan.plan.schema.structure import _read_actor, _read_element, _read_meta, _read_region

FORMAT_VERSION = 1


# -- interpreting documents -------------------------------------------------------------


@attrs.define
class _Parts:
    meta: list[tuple[Node, PlanMeta]] = attrs.field(factory=list)
    regions: list[Region] = attrs.field(factory=list)
    actors: list[Actor] = attrs.field(factory=list)
    elements: list[Element] = attrs.field(factory=list)
    metrics: list[Metric] = attrs.field(factory=list)
    targets: list[Target] = attrs.field(factory=list)
    files: list[str] = attrs.field(factory=list)
    #: metrics whose file states a period (the others take their inputs')
    stated_periods: set[str] = attrs.field(factory=set)


_TOP = ("regionplan", "plan", "include", "region", "actors", "elements", "metrics", "targets")


def _read_document(r: _Reader, root: Node, parts: _Parts) -> list[tuple[str, Location]]:
    """Read one file's sections into ``parts``; return its includes."""
    f = r.mapping(root, "a plan file", optional=_TOP)
    if f is None:
        return []
    if "regionplan" in f:
        version = r.integer(f["regionplan"], "format version")
        if version is not None and version != FORMAT_VERSION:
            r.problem(
                P.BAD_VALUE,
                f"this version of regionplan reads format {FORMAT_VERSION}, not {version}",
                f["regionplan"].location,
            )
    if "plan" in f and (meta := _read_meta(r, f["plan"])) is not None:
        parts.meta.append((f["plan"], meta))
    if "region" in f and (region := _read_region(r, f["region"])) is not None:
        parts.regions.append(region)
    readers: list[tuple[str, Callable[[_Reader, Node], Any], list[Any]]] = [
        ("actors", _read_actor, parts.actors),
        ("elements", _read_element, parts.elements),
        ("metrics", _read_metric, parts.metrics),
        ("targets", _read_target, parts.targets),
    ]
    for section, read, into in readers:
        for item in r.seq(f.get(section), section):
            if (value := read(r, item)) is not None:
                into.append(value)
                if section == "metrics" and isinstance(item, MapNode) and "period" in item.keys():  # noqa: SIM118
                    parts.stated_periods.add(value.id)
    includes = []
    for item in r.seq(f.get("include"), "include"):
        if (s := r.scalar(item, "include")) is not None:
            includes.append((s.text, s.location))
    return includes
