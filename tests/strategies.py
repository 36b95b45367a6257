"""Hypothesis strategies: goal graphs, plan documents, series and synthetic evidence.

Everything here is synthetic: made up by Hypothesis to test properties, never
figures of any real place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import strategies as st

from regionplan.plan.model import (
    Actor,
    Contribution,
    Direction,
    Element,
    ElementKind,
    Label,
    Metric,
    Municipality,
    MunicipalityCode,
    Plan,
    PlanMeta,
    PlanStatus,
    Region,
    Responsibility,
    Role,
    SourceSpec,
    Target,
    TargetKind,
)
from regionplan.plan.periods import PeriodKind, PeriodSpec

# -- goal graphs ------------------------------------------------------------------------


@st.composite
def dags(
    draw: st.DrawFn, min_nodes: int = 1, max_nodes: int = 12
) -> tuple[list[str], list[tuple[str, str, float]]]:
    """Node ids ``n0..`` and contributes-to edges (child, parent, weight), forward only.

    Edges always go from a lower index to a higher one, so the graph is acyclic.
    """
    n = draw(st.integers(min_nodes, max_nodes))
    ids = [f"n{i}" for i in range(n)]
    edges: list[tuple[str, str, float]] = []
    for child in range(n - 1):
        parents = draw(st.sets(st.integers(child + 1, n - 1), max_size=3))
        for parent in sorted(parents):
            weight = draw(st.sampled_from([0.5, 1.0, 2.0, 3.0]))
            edges.append((ids[child], ids[parent], weight))
    return ids, edges


def region_of(codes: tuple[str, ...] = ("3209",)) -> Region:
    """A region of the municipalities with these codes of 2024, each with its earlier codes and
    their days as the bundled code-change records give them (a plan valid from any year)."""
    from regionplan.plan.codes import CodeChanges

    changes = CodeChanges.bundled()

    def history(code: str) -> tuple[MunicipalityCode, ...]:
        earlier = []
        for old in changes.predecessors(code):
            valid = changes.validity(old)
            until = valid.valid_until - dt.timedelta(days=1) if valid.valid_until else None
            earlier.append(MunicipalityCode(old, valid.valid_from, until))
        return (*earlier, MunicipalityCode(code, changes.validity(code).valid_from or dt.date(2024, 1, 1)))

    return Region("r", Label.of("R"), tuple(Municipality(f"m{c}", Label.of(c), history(c)) for c in codes))


def graph_plan(ids: list[str], edges: list[tuple[str, str, float]]) -> Plan:
    """A plan whose elements and links are the given DAG."""
    parents: dict[str, list[Contribution]] = {i: [] for i in ids}
    for child, parent, weight in edges:
        parents[child].append(Contribution(parent, weight))
    elements = tuple(
        Element(i, ElementKind.SUB_GOAL, Label.of(i), contributes_to=tuple(parents[i])) for i in ids
    )
    return Plan(PlanMeta("g", Label.of("G"), 2024, 2030), region_of(), elements=elements)


# -- plan documents -------------------------------------------------------------------------

#: The six Gardermoregionen municipalities with their codes through the reforms (KLASS 131).
GARDERMOEN = {
    "ullensaker": ("0235", "3033", "3209"),
    "nes": ("0236", "3034", "3228"),
    "eidsvoll": ("0237", "3035", "3240"),
    "nannestad": ("0238", "3036", "3238"),
    "hurdal": ("0239", "3037", "3242"),
    "gjerdrum": ("0234", "3032", "3230"),
}

_TEXT = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzæøåABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ0123456789 -.,'"),
    min_size=1,
    max_size=20,
)
_LANGS = st.sampled_from(["nb", "en", "nn", "se"])
_SDG = ["8", "8.5", "8.2", "11", "11.2", "13", "13.2", "4.4"]


@st.composite
def labels(draw: st.DrawFn) -> Label:
    return Label(draw(st.dictionaries(_LANGS, _TEXT, min_size=1, max_size=3)))


def _ident(prefix: str) -> st.SearchStrategy[str]:
    return st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).map(lambda s: f"{prefix}{s}")


def municipality(mid: str) -> Municipality:
    old, mid_code, new = GARDERMOEN[mid]
    return Municipality(
        mid,
        Label.of(mid.capitalize()),
        (
            MunicipalityCode(old, None, dt.date(2019, 12, 31)),
            MunicipalityCode(mid_code, dt.date(2020, 1, 1), dt.date(2023, 12, 31)),
            MunicipalityCode(new, dt.date(2024, 1, 1), None),
        ),
    )


_UNITS = ["job", "person", "NOK", "MNOK", "percent", "job / person"]


@st.composite
def plan_models(draw: st.DrawFn) -> Plan:
    """A valid plan (no errors) as model objects; :func:`plan_document` writes it out."""
    start = draw(st.integers(2017, 2030))
    end = draw(st.integers(start, 2040))
    members = draw(st.lists(st.sampled_from(sorted(GARDERMOEN)), min_size=1, max_size=6, unique=True))
    region = Region(
        "gardermoregionen", draw(labels()), tuple(municipality(m) for m in members), county=draw(labels())
    )
    meta = PlanMeta(
        id=draw(_ident("p")),
        title=draw(labels()),
        period_start=start,
        period_end=end,
        status=draw(st.sampled_from(list(PlanStatus))),
        version=draw(st.sampled_from(["", "1.0", "2"])),
        languages=tuple(draw(st.lists(_LANGS, min_size=1, max_size=3, unique=True))),
        owner=draw(st.sampled_from(["", "Regionrådet"])),
        adopted=draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))),
        description=draw(st.just(Label(())) | labels()),
    )
    actors = tuple(
        Actor(
            f"a{i}",
            draw(labels()),
            kind=draw(st.sampled_from(["no", "NO", "municipality", "council", "other"])),
            municipality=draw(st.none() | st.sampled_from(members)),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    n_el = draw(st.integers(1, 6))
    elements = [Element("vision", ElementKind.VISION, draw(labels()))]
    kinds = [k for k in ElementKind if k is not ElementKind.VISION]
    for i in range(n_el):
        earlier = [e.id for e in elements]
        parents = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=2, unique=True))
        elements.append(
            Element(
                f"e{i}",
                draw(st.sampled_from(kinds)),
                draw(labels()),
                description=draw(st.just(Label(())) | labels()),
                contributes_to=tuple(
                    Contribution(p, draw(st.sampled_from([1.0, 0.5, 2.0]))) for p in parents
                ),
                responsible=tuple(
                    Responsibility(a.id, draw(st.sampled_from(list(Role))))
                    for a in draw(st.lists(st.sampled_from(actors), unique_by=lambda a: a.id, max_size=2))
                )
                if actors
                else (),
                sdg=tuple(draw(st.lists(st.sampled_from(_SDG), unique=True, max_size=2))),
                aligned_with=tuple(draw(st.lists(_TEXT, max_size=2))),
                timing=draw(st.sampled_from(["", "2025", "2024-2027"])),
                number=draw(st.sampled_from(["", "1.1", "3"])),
                notes=tuple(draw(st.lists(labels(), max_size=2))),
            )
        )
    metrics = []
    for i in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(list(PeriodKind)))
        metrics.append(
            Metric(
                id=f"m{i}",
                title=draw(labels()),
                unit=draw(st.sampled_from(_UNITS)),
                direction=draw(st.sampled_from(list(Direction))),
                aggregation=draw(st.sampled_from(["sum", "none"])),
                sources=(SourceSpec("inline", {"values": [{"period": "2020", "value": 1}]}),),
                period=PeriodSpec(
                    kind,
                    quarter=draw(st.integers(1, 4)),
                    month=draw(st.integers(1, 12)),
                    day=draw(st.integers(1, 28)),
                ),
                publication_lag_months=draw(st.integers(0, 24)),
                description=draw(st.just(Label(())) | labels()),
                decimals=draw(st.none() | st.integers(0, 3)),
                projection_min_points=draw(st.sampled_from([5, 3, 8])),
            )
        )
    targets = []
    for i in range(draw(st.integers(0, 4))):
        metric = draw(st.sampled_from(metrics))
        others = [m for m in metrics if m.id != metric.id]
        kinds_ok = [k for k in TargetKind if k is not TargetKind.GROWTH_VS or others]
        kind = draw(st.sampled_from(kinds_ok))
        base_year = draw(st.integers(2010, 2030))
        fields: dict[str, Any] = {
            "baseline": str(base_year) if kind not in {TargetKind.LEVEL, TargetKind.MILESTONE} else None,
            "deadline": str(draw(st.integers(base_year + 1, 2045))),
        }
        if kind in {TargetKind.LEVEL, TargetKind.MILESTONE}:
            fields["value"] = draw(st.floats(-1e9, 1e9, allow_nan=False))
            fields["value_unit"] = draw(st.none() | st.just(metric.unit))
        if kind is TargetKind.CHANGE:
            fields["change"] = draw(st.just(0.0) | st.floats(-100, 100, allow_nan=False))  # 0: no decline
            fields["relative"] = draw(st.booleans())
        if kind is TargetKind.ANNUAL_TREND:
            fields["every_year"] = True
        fields["tolerance"] = draw(st.sampled_from([0.0, 0.5]))
        if kind is TargetKind.GROWTH_VS:
            fields["other"] = draw(st.sampled_from(others)).id
        if kind is TargetKind.RECOVERY:
            fields["shock"] = str(base_year + 1)
        targets.append(
            Target(
                id=f"t{i}",
                element=draw(st.sampled_from(elements)).id,
                metric=metric.id,
                kind=kind,
                title=draw(st.just(Label(())) | labels()),
                weight=draw(st.sampled_from([1.0, 2.0, 0.25])),
                projection=draw(st.sampled_from(["linear", "compound"])),
                policy=draw(st.sampled_from(["default", "open_sdg"])),
                **fields,
            )
        )
    return Plan(
        meta=meta,
        region=region,
        actors=actors,
        elements=tuple(elements),
        metrics=tuple(metrics),
        targets=tuple(targets),
    )


def _label(label: Label) -> dict[str, str]:
    return label.as_dict()


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan as the plain data of a plan file (what YAML or JSON would hold)."""
    m = plan.meta
    meta = _drop_none(
        {
            "id": m.id,
            "title": _label(m.title),
            "period": {"start": m.period_start, "end": m.period_end},
            "status": m.status.value,
            "version": m.version,
            "languages": list(m.languages),
            "owner": m.owner,
            "adopted": _date(m.adopted),
            "description": _label(m.description) if m.description else None,
            "source_document": m.source_document,
        }
    )
    region = {
        "id": plan.region.id,
        "name": _label(plan.region.name),
        "county": _label(plan.region.county) if plan.region.county else None,
        "municipalities": [
            {
                "id": mu.id,
                "name": _label(mu.name),
                "codes": [
                    _drop_none({"code": c.code, "from": _date(c.valid_from), "until": _date(c.valid_until)})
                    for c in mu.codes
                ],
            }
            for mu in plan.region.municipalities
        ],
    }
    actors = [
        _drop_none({"id": a.id, "name": _label(a.name), "kind": a.kind, "municipality": a.municipality})
        for a in plan.actors
    ]
    elements = [
        _drop_none(
            {
                "id": e.id,
                "kind": e.kind.value,
                "title": _label(e.title),
                "description": _label(e.description) if e.description else None,
                "contributes_to": [{"id": c.parent, "weight": c.weight} for c in e.contributes_to],
                "responsible": [{"actor": r.actor, "role": r.role.value} for r in e.responsible],
                "sdg": list(e.sdg),
                "aligned_with": list(e.aligned_with),
                "timing": e.timing,
                "number": e.number,
                "notes": [_label(n) for n in e.notes],
            }
        )
        for e in plan.elements
    ]
    metrics = [
        _drop_none(
            {
                "id": x.id,
                "title": _label(x.title),
                "unit": x.unit,
                "direction": x.direction.value,
                "aggregation": x.aggregation,
                "source": [{"name": s.name, **s.query} for s in x.sources] or None,
                "derived": x.derived,
                "period": {
                    "kind": x.period.kind.value,
                    "quarter": x.period.quarter,
                    "month": x.period.month,
                    "day": x.period.day,
                },
                "publication_lag_months": x.publication_lag_months,
                "description": _label(x.description) if x.description else None,
                "decimals": x.decimals,
                "projection_min_points": x.projection_min_points,
            }
        )
        for x in plan.metrics
    ]
    targets = [
        _drop_none(
            {
                "id": t.id,
                "element": t.element,
                "metric": t.metric,
                "kind": t.kind.value,
                "title": _label(t.title) if t.title else None,
                "value": t.value,
                "unit": t.value_unit,
                "change": t.change,
                "relative": t.relative,
                "baseline": t.baseline,
                "deadline": t.deadline,
                "shock": t.shock,
                "other": t.other,
                "every_year": t.every_year,
                "tolerance": t.tolerance,
                "weight": t.weight,
                "area": t.area,
                "projection": t.projection,
                "policy": t.policy,
            }
        )
        for t in plan.targets
    ]
    return {
        "regionplan": 1,
        "plan": meta,
        "region": _drop_none(region),
        "actors": actors,
        "elements": elements,
        "metrics": metrics,
        "targets": targets,
    }


def plan_documents() -> st.SearchStrategy[dict[str, Any]]:
    """Valid plan documents (plain data)."""
    return plan_models().map(plan_document)


#: Random plain data of the kinds YAML holds (scalars stay short).
yaml_data = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    *("id", "kind", "title", "plan", "period", "start", "end", "region", "municipalities"),
                    *("codes", "code", "from", "until", "metrics", "targets", "elements", "unit", "derived"),
                    *("value", "baseline", "deadline", "contributes_to", "source", "name", "include", "x"),
                ]
            )
            | st.text(max_size=6),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


# -- series ----------------------------------------------------------------------------------


@st.composite
def long_observations(draw: st.DrawFn) -> tuple[list[str], list[str], list[float]]:
    """Unique (area, period label) pairs with finite values, in random order."""
    areas = draw(st.lists(st.sampled_from(["0235", "3209", "0301", "3033", "5001"]), min_size=1, unique=True))
    years = draw(st.lists(st.integers(2000, 2030), min_size=1, max_size=6, unique=True))
    cells = draw(
        st.lists(
            st.tuples(st.sampled_from(areas), st.sampled_from(years)), min_size=1, max_size=20, unique=True
        )
    )
    values = draw(
        st.lists(
            st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
            min_size=len(cells),
            max_size=len(cells),
        )
    )
    return [a for a, _ in cells], [str(y) for _, y in cells], values


# -- synthetic evidence for status policies -------------------------------------------------


@st.composite
def synthetic_evidence(
    draw: st.DrawFn,
    *,
    directions: tuple[int, ...] = (-1, 1),
    allow_nan: bool = False,
    positive: bool = False,
    kinds: bool = True,
) -> dict[str, Any]:
    """Keyword arguments of :class:`~regionplan.evaluation.status.Evidence`: a synthetic batch of targets.

    One time axis of yearly points; the baseline is the first point. Each target is a
    move to a goal, or (with ``kinds``) also one of the other kinds a policy meets: a
    condition to hold, a level to hold (goal = baseline), improvement every year without
    a goal value; with a tolerance of zero or not, and a deadline before, on or after
    the latest observation.
    """
    n = draw(st.integers(1, 5))
    t = draw(st.integers(1, 7))
    times = 2015.0 + np.arange(t, dtype=float)
    low = 1.0 if positive else -1e4
    value = st.floats(low, 1e4, allow_nan=False).map(lambda x: round(x, 3))
    cell = value | st.just(float("nan")) if allow_nan else value
    values = np.array([[draw(cell) for _ in range(t)] for _ in range(n)], dtype=float)
    if not allow_nan:
        values[:, 0] = [draw(value) for _ in range(n)]
    direction = np.array([draw(st.sampled_from(directions)) for _ in range(n)])
    goal = np.array([draw(value | st.just(float("nan"))) for _ in range(n)], dtype=float)
    deadline = times[0] + np.array([draw(st.integers(1, t + 8)) for _ in range(n)], dtype=float)
    kind = [
        draw(st.sampled_from(["move", "condition", "hold", "every_year"] if kinds else ["move"]))
        for _ in range(n)
    ]
    hold = np.array([k == "hold" for k in kind])
    goal[hold] = values[hold, 0]
    every_year = np.array([k == "every_year" or (k == "move" and draw(st.booleans())) for k in kind])
    goal[np.array([k == "every_year" for k in kind])] = np.nan
    tolerance = np.array([draw(st.sampled_from([0.0, 0.5, 25.0])) if kinds else 0.0 for _ in range(n)])
    return {
        "times": times,
        "values": values,
        "direction": direction,
        "base_time": np.full(n, times[0]),
        "base_value": values[:, 0].copy(),
        "goal": goal,
        "deadline": deadline,
        "tolerance": tolerance,
        "every_year": every_year,
        "condition": np.array([k == "condition" for k in kind]),
        "as_of": float(times[-1]) + 0.5,
        "hold": hold,
        "min_points": np.array([draw(st.integers(3, 6)) for _ in range(n)]),
    }
