"""The plan-file schema: from nodes to the model, recording every problem on the way.

Each section of a plan file (``plan``, ``region``, ``actors``, ``elements``,
``metrics``, ``targets``, ``include``) is read field by field from the node tree of
:mod:`regionplan.plan.nodes`. A wrong type, an unknown field (with a did-you-mean) or a
missing one becomes a :class:`~regionplan.errors.Problem` at the node's place, and
reading goes on, so one pass finds them all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import attrs

from regionplan.errors import Location, Problem, Severity
from regionplan.plan import problems as P
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
    PlanMeta,
    PlanStatus,
    Region,
    Responsibility,
    Role,
    SourceSpec,
    Target,
    TargetKind,
)
from regionplan.plan.nodes import MapNode, Node, ScalarNode, SeqNode
from regionplan.plan.periods import MAX_YEAR, PeriodKind, PeriodSpec, parse_period

FORMAT_VERSION = 1


T = TypeVar("T")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
_METRIC_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CODE = re.compile(r"^\d{4}$")


class _Reader:
    """Reads typed values from nodes, recording a problem (and returning None) on bad input."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(
        self,
        code: str,
        message: str,
        loc: Location | None,
        hint: str = "",
        *,
        warning: bool = False,
    ) -> None:
        severity = Severity.WARNING if warning else Severity.ERROR
        self.problems.append(Problem(code, message, loc, hint, severity))

    def mapping(
        self,
        node: Node | None,
        what: str,
        *,
        required: Sequence[str] = (),
        optional: Sequence[str] = (),
        open_keys: bool = False,
    ) -> dict[str, Node] | None:
        if node is None:
            return None
        if not isinstance(node, MapNode):
            self.problem(P.TYPE, f"{what} must be a mapping (key: value lines)", node.location)
            return None
        out: dict[str, Node] = {}
        allowed = [*required, *optional]
        for key, value in node.items:
            if key.text in out:
                self.problem(
                    P.DUPLICATE_KEY,
                    f"the key '{key.text}' appears twice in {what}",
                    key.location,
                    hint="a later value would silently replace the first; keep one",
                )
                continue
            if not open_keys and key.text not in allowed:
                close = difflib.get_close_matches(key.text, allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"{what} takes: {', '.join(allowed)}"
                self.problem(P.UNKNOWN_FIELD, f"{what} has no field '{key.text}'", key.location, hint)
                continue
            out[key.text] = value
        for name in required:
            if name not in out:
                self.problem(
                    P.MISSING_FIELD,
                    f"{what} needs '{name}'",
                    node.location,
                    hint=f"add '{name}: ...' to {what}",
                )
        return out

    def seq(self, node: Node | None, what: str) -> tuple[Node, ...]:
        if node is None or (isinstance(node, ScalarNode) and node.is_null):
            return ()
        if isinstance(node, SeqNode):
            return node.items
        self.problem(P.TYPE, f"{what} must be a list", node.location, hint="write one '- item' per line")
        return ()

    def scalar(self, node: Node | None, what: str) -> ScalarNode | None:
        if node is None:
            return None
        if isinstance(node, ScalarNode):
            return None if node.is_null else node
        self.problem(P.TYPE, f"{what} must be a single value, not a list or mapping", node.location)
        return None

    def text(self, node: Node | None, what: str, default: str = "") -> str:
        s = self.scalar(node, what)
        return s.text if s is not None else default

    def ident(self, node: Node | None, what: str, pattern: re.Pattern[str] = _ID) -> str:
        s = self.scalar(node, what)
        if s is None:
            return ""
        if not pattern.match(s.text):
            hint = (
                "use letters, digits and '_' (it is used in expressions)"
                if pattern is _METRIC_ID
                else "start with a letter; use letters, digits, '-', '_' and '.'"
            )
            self.problem(P.BAD_ID, f"{what} {s.text!r} is not a valid id", s.location, hint)
        return s.text

    def number(self, node: Node | None, what: str) -> float | None:
        s = self.scalar(node, what)
        if s is None:
            return None
        try:
            value = float(s.text.replace("_", ""))
        except ValueError:
            self.problem(P.TYPE, f"{what} must be a number, not {s.text!r}", s.location)
            return None
        if not math.isfinite(value):
            self.problem(P.TYPE, f"{what} must be a finite number", s.location)
            return None
        return value

    def integer(self, node: Node | None, what: str) -> int | None:
        value = self.number(node, what)
        if value is None:
            return None
        if value != int(value):
            assert node is not None
            self.problem(P.TYPE, f"{what} must be a whole number", node.location)
            return None
        return int(value)

    def boolean(self, node: Node | None, what: str, default: bool = False) -> bool:
        s = self.scalar(node, what)
        if s is None:
            return default
        low = s.text.lower()
        if low in {"true", "false"}:
            return low == "true"
        self.problem(P.TYPE, f"{what} must be true or false, not {s.text!r}", s.location)
        return default

    def choice(self, node: Node | None, what: str, enum_type: type[T], default: T | None = None) -> T | None:
        s = self.scalar(node, what)
        if s is None:
            return default
        values = _enum_values(enum_type)  # type: ignore[arg-type]
        if s.text in values:
            return enum_type(s.text)  # type: ignore[call-arg]
        close = difflib.get_close_matches(s.text, values, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(values)}"
        self.problem(P.BAD_VALUE, f"{what} cannot be {s.text!r}", s.location, hint)
        return default

    def label(self, node: Node | None, what: str) -> Label:
        if node is None:
            return Label(())
        if isinstance(node, ScalarNode):
            return Label(()) if node.is_null else Label.of(node.text)
        fields = self.mapping(node, what, open_keys=True)
        texts: dict[str, str] = {}
        for lang, value in (fields or {}).items():
            if not re.match(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$", lang):
                self.problem(
                    P.BAD_VALUE,
                    f"{what}: {lang!r} is not a language code",
                    value.location,
                    hint="use codes such as nb, nn, en, se",
                )
                continue
            texts[lang] = self.text(value, f"{what} ({lang})")
        return Label(texts)

    def date(self, node: Node | None, what: str) -> dt.date | None:
        s = self.scalar(node, what)
        if s is None:
            return None
        try:
            return dt.date.fromisoformat(s.text)
        except ValueError:
            self.problem(P.TYPE, f"{what} must be a date (YYYY-MM-DD), not {s.text!r}", s.location)
            return None

    def period(self, node: Node | None, what: str) -> str | None:
        s = self.scalar(node, what)
        if s is None:
            return None
        try:
            parse_period(s.text)
        except ValueError as exc:
            self.problem(P.BAD_PERIOD, f"{what}: {exc}", s.location)
            return None
        return s.text

    def plain(self, node: Node) -> Any:
        """Plain Python data for free-form parts (source queries). Scalars stay text."""
        if isinstance(node, ScalarNode):
            return None if node.is_null else node.text
        if isinstance(node, SeqNode):
            return [self.plain(n) for n in node.items]
        return {k.text: self.plain(v) for k, v in node.items}


@functools.cache
def _enum_values(enum_type: Any) -> list[str]:
    return [m.value for m in enum_type]


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
            "description",
            "source_document",
        ),
    )
    if f is None:
        return None
    period = r.mapping(f.get("period"), "plan period", required=("start", "end"))
    start = r.integer(period.get("start"), "plan period start") if period else None
    end = r.integer(period.get("end"), "plan period end") if period else None
    for year, what in ((start, "start"), (end, "end")):
        if year is not None and not 1000 <= year <= MAX_YEAR:
            r.problem(
                P.BAD_PERIOD,
                f"the plan period {what} {year} is not a year",
                f["period"].location,
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
        description=r.label(f.get("description"), "plan description"),
        source_document=r.text(f.get("source_document"), "source document"),
        location=node.location,
    )


def _read_region(r: _Reader, node: Node) -> Region | None:
    f = r.mapping(
        node,
        "region",
        required=("id", "name", "municipalities"),
        optional=("county", "description"),
    )
    if f is None:
        return None
    members = []
    for item in r.seq(f.get("municipalities"), "municipalities"):
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
    f = r.mapping(node, "actor", required=("id", "name"), optional=("kind", "municipality", "description"))
    if f is None:
        return None
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
        ),
    )
    if f is None:
        return None
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
        return None
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


def _read_source(r: _Reader, node: Node) -> SourceSpec | None:
    f = r.mapping(node, "source", required=("name",), open_keys=True)
    if f is None:
        return None
    name = r.text(f.get("name"), "source name")
    query = {k: r.plain(v) for k, v in f.items() if k != "name"}
    return SourceSpec(name, query, location=node.location)


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
    return PeriodSpec(
        kind,
        quarter=r.integer(f.get("quarter"), "quarter") or 4,
        month=r.integer(f.get("month"), "month") or 1,
        day=r.integer(f.get("day"), "day") or 1,
    )


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
        ),
    )
    if f is None:
        return None
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
    lag = r.integer(f.get("publication_lag_months"), "publication lag")
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
        decimals=r.integer(f.get("decimals"), "decimals"),
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
        ),
    )
    if f is None:
        return None
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
    weight = r.number(f.get("weight"), "target weight")
    return Target(
        id=target_id,
        element=r.text(f.get("element"), "element"),
        metric=r.text(f.get("metric"), "metric"),
        kind=kind or TargetKind.LEVEL,
        title=r.label(f.get("title"), "target title"),
        value=r.number(f.get("value"), "target value"),
        value_unit=r.text(f.get("unit"), "target unit") or None,
        change=r.number(f.get("change"), "target change"),
        relative=r.boolean(f.get("relative"), "relative"),
        baseline=r.period(f.get("baseline"), "baseline"),
        deadline=r.period(f.get("deadline"), "deadline"),
        shock=r.period(f.get("shock"), "shock"),
        other=r.text(f.get("other"), "other metric") or None,
        every_year=r.boolean(f.get("every_year"), "every_year"),
        tolerance=r.number(f.get("tolerance"), "tolerance") or 0.0,
        weight=weight if weight is not None else 1.0,
        area=r.text(f.get("area"), "area") or None,
        projection=r.text(f.get("projection"), "projection", "linear"),
        policy=r.text(f.get("policy"), "policy", "default"),
        location=node.location,
    )


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
