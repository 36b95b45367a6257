"""The measurement sections of a plan file: ``metrics`` (with their sources and periods) and ``targets``.

Each reader turns one list item into a model object with the field reader of
:mod:`regionplan.plan.schema.reader`, or returns None when it cannot be read (the problems
are recorded).
"""

from __future__ import annotations

from regionplan.plan import problems as P
from regionplan.plan.model import Direction, MergeRule, Metric, SourceSpec, Target, TargetKind
from regionplan.plan.nodes import Node, ScalarNode, SeqNode
from regionplan.plan.periods import PeriodKind, PeriodSpec, spec_problem
from regionplan.plan.schema.reader import _METRIC_ID, _Reader
from regionplan.plan.schema.template import _read_template

#: Bounds of a metric's numbers: each far beyond any real use, and small enough that every
#: later step (dates, formatting, projections) stays bounded.
MAX_LAG_MONTHS = 120
MAX_DECIMALS = 10
MAX_MIN_POINTS = 1000
#: Bounds of a target's numbers.
MAX_TARGET_MAGNITUDE = 1e15
MAX_WEIGHT = 1e6
MAX_BASELINE_WINDOW = 50


def _read_source(r: _Reader, node: Node) -> SourceSpec | None:
    f = r.mapping(node, "source", required=("name",), open_keys=True)
    if f is None:
        return None
    name = r.text(f.get("name"), "source name")
    query = {k: r.plain(v) for k, v in f.items() if k != "name"}
    places = {k: v.location for k, v in f.items()}
    return SourceSpec(name, query, location=node.location, key_locations=places)


def _read_period_spec(r: _Reader, node: Node | None) -> PeriodSpec:
    if node is None:
        return PeriodSpec()
    s = r.scalar(node, "metric period") if isinstance(node, ScalarNode) else None
    if s is not None:
        text = s.text.lower().replace(" ", "")
        named = {
            "year": PeriodSpec(PeriodKind.YEAR),
            "1january": PeriodSpec(PeriodKind.INSTANT, month=1, day=1),
            "january1": PeriodSpec(PeriodKind.INSTANT, month=1, day=1),
            **{f"q{q}": PeriodSpec(PeriodKind.QUARTER, quarter=q) for q in range(1, 5)},
        }
        if text in named:
            return named[text]
        r.problem(
            P.BAD_VALUE,
            f"metric period cannot be {s.text!r}",
            s.location,
            hint="write 'year', '1 January', 'Q1'..'Q4', or a mapping {kind, month, day, quarter}",
        )
        return PeriodSpec()
    f = r.mapping(node, "metric period", required=("kind",), optional=("quarter", "month", "day"))
    if not f:
        return PeriodSpec()
    kind = r.choice(f.get("kind"), "period kind", PeriodKind, PeriodKind.YEAR) or PeriodKind.YEAR
    # A field left out takes its default; 0 is a value, and is checked like any other.
    given = {name: r.integer(f.get(name), name) for name in ("quarter", "month", "day")}
    parts = {"quarter": 4, "month": 1, "day": 1} | {k: v for k, v in given.items() if v is not None}
    if (problem := spec_problem(kind, **parts)) is not None:
        name, why = problem
        r.problem(
            P.BAD_VALUE,
            f"metric period: {why}",
            f[name].location if name in f else node.location,
            hint="a quarter is 1-4, a month 1-12, a day one that every year has (not 29 February)",
        )
        return PeriodSpec(kind)
    return PeriodSpec(kind, **parts)


def _read_metric(r: _Reader, node: Node) -> Metric | None:
    f = r.mapping(
        node,
        "metric",
        required=("id", "title", "unit"),
        optional=(
            "direction",
            "aggregation",
            "weight",
            "source",
            "derived",
            "period",
            "publication_lag_months",
            "description",
            "decimals",
            "projection_min_points",
            "merge",
            "template",
        ),
    )
    if f is None:
        return None
    _read_template(r, f.get("template"), "a metric")
    metric_id = r.ident(f.get("id"), "metric id", _METRIC_ID)
    direction = r.choice(f.get("direction"), "direction", Direction)
    if "direction" not in f:
        r.problem(
            P.NO_DIRECTION,
            f"the metric '{metric_id}' has no direction",
            node.location,
            hint="add 'direction: increase', 'decrease' or 'maintain': no status can be judged without it",
        )
    sources: list[SourceSpec] = []
    src = f.get("source")
    if isinstance(src, SeqNode):
        sources = [s for n in src.items if (s := _read_source(r, n)) is not None]
    elif src is not None:
        s = _read_source(r, src)
        sources = [s] if s else []
    derived = r.text(f.get("derived"), "derived expression") or None
    if sources and derived:
        r.problem(
            P.SOURCE_AND_DERIVED,
            f"the metric '{metric_id}' has both a source and 'derived'",
            node.location,
            hint="a metric is either read from a source or derived from others",
        )
    aggregation = r.text(f.get("aggregation"), "aggregation", "sum")
    if aggregation not in {"sum", "weighted_mean", "none"}:
        r.problem(
            P.BAD_VALUE,
            f"aggregation cannot be {aggregation!r}",
            f["aggregation"].location,
            hint="sum (counts), weighted_mean (shares and rates, with 'weight'), or none",
        )
    lag = r.integer(f.get("publication_lag_months"), "publication_lag_months")
    lag = r.bounded(
        lag,
        f.get("publication_lag_months"),
        "publication_lag_months",
        0,
        MAX_LAG_MONTHS,
        "months from a period's end to its publication: SSB publishes most tables within 12",
    )
    decimals = r.integer(f.get("decimals"), "decimals")
    decimals = r.bounded(
        decimals, f.get("decimals"), "decimals", 0, MAX_DECIMALS, "the digits shown after the decimal mark"
    )
    min_points = r.integer(f.get("projection_min_points"), "projection_min_points")
    min_points = r.bounded(
        min_points,
        f.get("projection_min_points"),
        "projection_min_points",
        None,
        MAX_MIN_POINTS,
        "the observations a projection needs; the default is 5",
    )
    return Metric(
        id=metric_id,
        title=r.label(f.get("title"), "metric title"),
        unit=r.text(f.get("unit"), "unit"),
        direction=direction or Direction.INCREASE,
        aggregation=aggregation,
        weight=r.text(f.get("weight"), "weight metric") or None,
        sources=tuple(sources),
        derived=derived,
        period=_read_period_spec(r, f.get("period")),
        publication_lag_months=lag if lag is not None else 12,
        description=r.label(f.get("description"), "metric description"),
        decimals=decimals,
        projection_min_points=min_points if min_points is not None else 5,
        merge=r.choice(f.get("merge"), "merge", MergeRule, MergeRule.FALLBACK) or MergeRule.FALLBACK,
        location=node.location,
    )


_TARGET_FIELDS = {
    TargetKind.LEVEL: ("value",),
    TargetKind.CHANGE: ("change", "baseline"),
    TargetKind.ANNUAL_TREND: ("baseline",),
    TargetKind.GROWTH_VS: ("other", "baseline"),
    TargetKind.RECOVERY: ("baseline",),
    TargetKind.MILESTONE: ("value",),
}


def _read_target(r: _Reader, node: Node) -> Target | None:
    f = r.mapping(
        node,
        "target",
        required=("id", "element", "metric", "kind"),
        optional=(
            "title",
            "value",
            "unit",
            "change",
            "relative",
            "baseline",
            "deadline",
            "shock",
            "other",
            "every_year",
            "tolerance",
            "weight",
            "area",
            "projection",
            "policy",
            "baseline_window",
            "template",
        ),
    )
    if f is None:
        return None
    _read_template(r, f.get("template"), "a target")
    kind = r.choice(f.get("kind"), "target kind", TargetKind)
    target_id = r.ident(f.get("id"), "target id")
    if kind is not None:
        for name in _TARGET_FIELDS[kind]:
            if name not in f:
                r.problem(
                    P.MISSING_FIELD,
                    f"a {kind.value} target needs '{name}'",
                    node.location,
                    hint=f"add '{name}: ...' to the target '{target_id}'",
                )
        if kind is TargetKind.ANNUAL_TREND and "every_year" not in f and "change" not in f:
            r.problem(
                P.MISSING_FIELD,
                "an annual_trend target needs 'every_year: true' or 'change'",
                node.location,
            )
    weight = r.bounded(
        r.number(f.get("weight"), "target weight"),
        f.get("weight"),
        "a target weight",
        None,  # one above 0: checked with the plan
        MAX_WEIGHT,
        "weights are relative: 1, 2, 0.5",
    )
    window = r.integer(f.get("baseline_window"), "baseline window")
    window = r.bounded(
        window,
        f.get("baseline_window"),
        "baseline_window",
        None,
        MAX_BASELINE_WINDOW,
        "the years on either side of the baseline to test it against; the default is 3",
    )
    size = "a target's numbers are at most 1e15 in size"
    value = r.number(f.get("value"), "target value")
    value = r.bounded(
        value, f.get("value"), "a target value", -MAX_TARGET_MAGNITUDE, MAX_TARGET_MAGNITUDE, size
    )
    change = r.number(f.get("change"), "target change")
    change = r.bounded(
        change, f.get("change"), "a target change", -MAX_TARGET_MAGNITUDE, MAX_TARGET_MAGNITUDE, size
    )
    tolerance = r.bounded(
        r.number(f.get("tolerance"), "tolerance"),
        f.get("tolerance"),
        "a tolerance",
        0,
        MAX_TARGET_MAGNITUDE,
        "how far from the target still counts as reaching it, in the target's unit",
    )
    return Target(
        id=target_id,
        element=r.text(f.get("element"), "element"),
        metric=r.text(f.get("metric"), "metric"),
        kind=kind or TargetKind.LEVEL,
        title=r.label(f.get("title"), "target title"),
        value=value,
        value_unit=r.text(f.get("unit"), "target unit") or None,
        change=change,
        relative=r.boolean(f.get("relative"), "relative"),
        baseline=r.period(f.get("baseline"), "baseline"),
        deadline=r.period(f.get("deadline"), "deadline"),
        shock=r.period(f.get("shock"), "shock"),
        other=r.text(f.get("other"), "other metric") or None,
        every_year=r.boolean(f.get("every_year"), "every_year"),
        tolerance=tolerance or 0.0,
        weight=weight if weight is not None else 1.0,
        area=r.text(f.get("area"), "area") or None,
        projection=r.text(f.get("projection"), "projection", "linear"),
        policy=r.text(f.get("policy"), "policy", "default"),
        location=node.location,
        baseline_window=window if window is not None else 3,
    )
