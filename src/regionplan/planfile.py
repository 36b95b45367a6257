"""Plan files: reading them into the model, with every problem found in one pass.

A plan is one or more YAML (or JSON) files. The main file (``plan.yaml`` in a
plan folder) may ``include`` others, for example a metric catalogue and the
region. Top-level sections, in any file::

    regionplan: 1          # format version
    plan: {...}            # id, title, period, status, version, languages
    include: [...]         # more files, relative to this one
    region: {...}          # the region and its municipalities with their codes
    actors: [...]
    elements: [...]        # vision, goals, focus areas, actions, projects, ...
    metrics: [...]
    targets: [...]

Reading never executes code: files are *composed* into a tree of nodes (text,
line and column) and only then interpreted, field by field, by the schema below.
Codes such as ``0235`` and words such as ``NO`` or ``on`` stay text, whatever
their spelling. Problems are :class:`~regionplan.errors.Problem` values; their
codes are listed in :mod:`regionplan.problems`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import gc
import math
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from regionplan import problems as P
from regionplan.errors import Location, PlanError, Problem, Severity, sort_problems
from regionplan.hookspecs import hookimpl
from regionplan.model import (
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
from regionplan.periods import MAX_YEAR, PeriodKind, PeriodSpec, parse_period

__all__ = [
    "MapNode",
    "Node",
    "ScalarNode",
    "SeqNode",
    "SyntaxProblem",
    "Validation",
    "dump_yaml",
    "find_plan_file",
    "load_plan",
    "load_yaml",
    "to_document",
    "validate_plan",
]

FORMAT_VERSION = 1
PLAN_FILE_NAMES = ("plan.yaml", "plan.yml", "regionplan.yaml", "plan.json")
MAX_ALIAS_NODES = 100_000  # values aliases may add beyond the file's own (guards against alias bombs)


# -- the node tree ----------------------------------------------------------------


class _Placed:
    """A node's place, kept as plain numbers until a :class:`Location` is asked for."""

    __slots__ = ("_column", "_file", "_line")

    _file: str
    _line: int | None
    _column: int | None

    def _place(self, location: Location) -> None:
        self._file, self._line, self._column = location

    @property
    def location(self) -> Location:
        return Location(self._file, self._line, self._column)


class ScalarNode(_Placed):
    """A scalar as written: its text, whether it was quoted, and where it stands."""

    __slots__ = ("quoted", "tag", "text")

    def __init__(self, text: str, location: Location, quoted: bool = False, tag: str = "") -> None:
        self.text = text
        self._place(location)
        self.quoted = quoted
        self.tag = tag

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.text in {"", "~", "null", "Null", "NULL"}

    def __repr__(self) -> str:
        return f"ScalarNode({self.text!r}, {self.location})"


class SeqNode(_Placed):
    """A list of nodes."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Node, ...], location: Location) -> None:
        self.items = items
        self._place(location)

    def __repr__(self) -> str:
        return f"SeqNode({len(self.items)} items, {self.location})"


class MapNode(_Placed):
    """A mapping: (key, value) pairs in the order written."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[tuple[ScalarNode, Node], ...], location: Location) -> None:
        self.items = items
        self._place(location)

    def keys(self) -> list[str]:
        return [k.text for k, _ in self.items]

    def __repr__(self) -> str:
        return f"MapNode({self.keys()}, {self.location})"


def _at(cls: Any, first: Any, file: str, mark: Any, *rest: Any) -> Any:
    """Make a node without building a Location (the hot path of reading a file)."""
    node = cls.__new__(cls)
    if cls is ScalarNode:
        node.text, node.quoted, node.tag = first, rest[0], rest[1]
    else:
        node.items = first
    node._file, node._line, node._column = file, mark.line + 1, mark.column + 1
    return node


Node = ScalarNode | SeqNode | MapNode


class SyntaxProblem(Exception):
    """A loader could not read a file; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge", "value")
)
_QUOTED_STYLES = frozenset({"'", '"', "|", ">"})
_DEFAULT_TAGS = {
    "scalar": "tag:yaml.org,2002:str",
    "sequence": "tag:yaml.org,2002:seq",
    "mapping": "tag:yaml.org,2002:map",
}


@functools.cache
def _loader() -> Any:
    """PyYAML's safe loader class, with libyaml (C) when PyYAML was built with it.

    Only the composer is used: the tree of nodes with their text and positions. The
    resolver's implicit types (YAML 1.1 booleans such as ``NO``, octal-looking numbers
    such as ``0235``) are never applied: every value is read as the text it is, and the
    plan-file schema says what each field means. That is stricter than any YAML version's
    own typing, and libyaml composes a 10,000-element plan about eight times faster than a
    pure-Python parser.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class PlainTextLoader(base):  # type: ignore[misc,valid-type]
        """Resolves no implicit types: a plain scalar is text, whatever it looks like."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            return _DEFAULT_TAGS[kind.id]

    return PlainTextLoader


def load_yaml(path: str, text: str) -> Node:
    """Compose YAML (or JSON) text into a node tree, constructing no objects.

    Raises:
        SyntaxProblem: the text is not valid YAML, has several documents, uses a
            non-standard tag, or expands to far more values than it has characters.
    """
    import yaml

    loader = _loader()(text)
    try:
        root = loader.get_single_node()
    except yaml.composer.ComposerError as exc:
        if "expected a single document" in str(exc):
            raise SyntaxProblem(
                Problem(
                    P.SYNTAX,
                    "a plan file holds one YAML document, this one has several",
                    Location(path),
                    hint="remove the '---' separators or split the file and use 'include'",
                )
            ) from None
        raise SyntaxProblem(_syntax_problem(path, exc)) from None
    except yaml.MarkedYAMLError as exc:
        raise SyntaxProblem(_syntax_problem(path, exc)) from None
    except yaml.YAMLError as exc:
        raise SyntaxProblem(Problem(P.SYNTAX, f"not valid YAML: {exc}", Location(path))) from None
    finally:
        loader.dispose()
    if root is None:
        return MapNode((), Location(path, 1, 1))
    return _convert(root, path, len(text) + MAX_ALIAS_NODES)


def _syntax_problem(path: str, exc: Any) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    loc = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
    return Problem(
        P.SYNTAX,
        f"not valid YAML: {exc.problem or exc.context}",
        loc,
        hint="check indentation, colons and quotes here",
    )


def _convert(root: Any, path: str, budget: int) -> Node:
    """The composed tree as :data:`Node` s, iteratively (deep nesting cannot overflow the stack).

    ``budget`` bounds the values made: without aliases a file cannot hold more values than
    characters, so far more means aliases are being expanded ("billion laughs").
    """
    made = 0

    def place(node: Any) -> Location:
        mark = node.start_mark
        return Location(path, mark.line + 1, mark.column + 1)

    def check_tag(node: Any) -> str:
        tag = node.tag or ""
        if tag not in _STANDARD_TAGS:
            raise SyntaxProblem(
                Problem(
                    P.SYNTAX,
                    f"the tag {tag!r} is not allowed in a plan file",
                    place(node),
                    hint="plan files are plain data; remove the '!' tag",
                )
            )
        return tag

    def scalar(node: Any) -> ScalarNode:
        tag = node.tag if node.tag in _STANDARD_TAGS else check_tag(node)
        return _at(ScalarNode, node.value, path, node.start_mark, node.style in _QUOTED_STYLES, tag)  # type: ignore[no-any-return]

    def children_of(node: Any) -> list[Any]:
        return node.value if node.id == "sequence" else [v for pair in node.value for v in pair]

    if root.id == "scalar":
        return scalar(root)
    # Post-order walk with an explicit stack: (node, its children, converted children so far).
    stack: list[tuple[Any, list[Any], list[Node]]] = [(root, children_of(root), [])]
    while True:
        node, children, done = stack[-1]
        if len(done) < len(children):
            made += 1
            if made > budget:
                raise SyntaxProblem(
                    Problem(
                        P.SYNTAX,
                        "the file expands to far more values than it has characters (YAML aliases)",
                        Location(path),
                        hint="plan files do not need YAML aliases; write values out",
                    )
                )
            child = children[len(done)]
            if child.id == "scalar":
                done.append(scalar(child))
            else:
                stack.append((child, children_of(child), []))
            continue
        stack.pop()
        check_tag(node)
        converted: Node
        if node.id == "sequence":
            converted = _at(SeqNode, tuple(done), path, node.start_mark)
        else:
            keys = done[0::2]
            for key in keys:
                if not isinstance(key, ScalarNode):
                    raise SyntaxProblem(Problem(P.TYPE, "a key must be a plain word", key.location))
            converted = _at(MapNode, tuple(zip(keys, done[1::2], strict=True)), path, node.start_mark)
        if not stack:
            return converted
        stack[-1][2].append(converted)


@hookimpl
def regionplan_register_loaders(register: Callable[..., None]) -> None:
    # JSON is (all but) a subset of YAML, so one composer reads both with positions.
    register((".yaml", ".yml", ".json"), load_yaml)


# -- reading typed values from nodes ------------------------------------------------

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


# -- loading ------------------------------------------------------------------------------


def find_plan_file(path: str | Path) -> Path:
    """The main plan file for ``path``: the file itself, or ``plan.yaml`` in a folder.

    Raises:
        PlanError: nothing to read there.
    """
    p = Path(path)
    if p.is_dir():
        for name in PLAN_FILE_NAMES:
            if (p / name).is_file():
                return p / name
        raise PlanError(
            [
                Problem(
                    P.NO_FILE,
                    f"no plan file in the folder {p}",
                    Location(str(p)),
                    hint=f"a plan folder holds one of: {', '.join(PLAN_FILE_NAMES)}",
                )
            ]
        )
    if not p.exists():
        raise PlanError([Problem(P.NO_FILE, f"there is no file or folder {p}", Location(str(p)))])
    return p


@attrs.frozen
class Validation:
    """The outcome of reading and checking a plan: the plan (when it could be built) and
    every problem found."""

    plan: Plan | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> Plan:
        """The plan, or :class:`PlanError` with every problem when there are errors."""
        if self.errors or self.plan is None:
            raise PlanError(self.problems)
        return self.plan


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def validate_plan(path: str | Path, *, extensions: Any = None) -> Validation:
    """Read a plan (a file or a plan folder) and check it, collecting every problem.

    Never raises for problems in the plan; see :attr:`Validation.problems`.
    """
    from regionplan.plugins import default_extensions

    ext = extensions or default_extensions()
    main = find_plan_file(path)
    with _no_cyclic_gc():
        return _validate(main, ext)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a plan is read.

    Reading makes hundreds of thousands of small objects and no reference cycles; the
    collector's passes over them took about half the time on a 10,000-element plan.
    Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _validate(main: Path, ext: Any) -> Validation:
    from regionplan.validation import check_plan

    root = main.parent
    r = _Reader()
    parts = _Parts()
    seen: set[Path] = set()
    queue: list[tuple[Path, Location | None]] = [(main, None)]
    while queue:
        file, included_at = queue.pop(0)
        resolved = file.resolve()
        if resolved in seen:
            r.problem(
                P.INCLUDE,
                f"{_display(file, root)} is included more than once",
                included_at,
                hint="each file is read once; remove the repeated include",
            )
            continue
        seen.add(resolved)
        shown = _display(file, root)
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            r.problem(P.NO_FILE, f"the included file {shown} does not exist", included_at)
            continue
        except (OSError, UnicodeDecodeError) as exc:
            r.problem(
                P.NO_FILE,
                f"cannot read {shown}: {exc}",
                included_at,
                hint="plan files are UTF-8 text",
            )
            continue
        suffix = file.suffix.lower()
        if suffix not in ext.loaders:
            r.problem(
                P.NO_FILE,
                ext.loaders.unknown_message(suffix) + f" (for {shown})",
                included_at,
                hint="plan files end in .yaml, .yml or .json, or a loader plugin adds more",
            )
            continue
        try:
            root_node = ext.loaders.get(suffix)(shown, text)
        except SyntaxProblem as exc:
            r.problems.append(exc.problem)
            continue
        parts.files.append(shown)
        for include, loc in _read_document(r, root_node, parts):
            queue.append((file.parent / include, loc))

    plan = _assemble(r, parts, root, main)
    problems = list(r.problems)
    if plan is not None:
        problems += check_plan(plan, ext, structural_errors=any(p.is_error for p in problems))
    return Validation(plan, tuple(sort_problems(problems)))


def _assemble(r: _Reader, parts: _Parts, root: Path, main: Path) -> Plan | None:
    if not parts.meta:
        if _display(main, root) not in parts.files:
            return None  # the main file could not be read; that problem is reported already
        r.problem(
            P.MISSING_FIELD,
            "the plan has no 'plan:' section",
            Location(_display(main, root), 1, 1),
            hint="the main file starts with 'plan: {id: ..., title: ..., period: ...}'",
        )
        return None
    if len(parts.meta) > 1:
        for node, _ in parts.meta[1:]:
            r.problem(
                P.DUPLICATE_ID,
                "a second 'plan:' section",
                node.location,
                hint="a plan has one 'plan:' section, in its main file",
            )
    if not parts.regions:
        r.problem(
            P.MISSING_FIELD,
            "the plan has no 'region:' section",
            parts.meta[0][1].location,
            hint="add a region with its municipalities (often in region.yaml, included)",
        )
        return None
    if len(parts.regions) > 1:
        for extra in parts.regions[1:]:
            r.problem(P.DUPLICATE_ID, "a second 'region:' section", extra.location)
    return Plan(
        meta=parts.meta[0][1],
        region=parts.regions[0],
        actors=tuple(parts.actors),
        elements=tuple(parts.elements),
        metrics=_inherit_periods(parts.metrics, parts.stated_periods),
        targets=tuple(parts.targets),
        files=tuple(parts.files),
        base_dir=str(root),
    )


def _inherit_periods(metrics: list[Metric], stated: set[str]) -> tuple[Metric, ...]:
    """A derived metric that states no period counts at the same point as its first input."""
    from regionplan.expressions import ExpressionError, parse

    by_id = {m.id: m for m in metrics}
    resolved: dict[str, PeriodSpec] = {}

    def spec(mid: str, seen: frozenset[str]) -> PeriodSpec:
        if mid in resolved:
            return resolved[mid]
        m = by_id[mid]
        result = m.period
        if m.derived and mid not in stated and mid not in seen:
            try:
                refs = sorted(parse(m.derived).references & set(by_id))
            except ExpressionError:
                refs = []
            if refs:
                first = _first_reference(m.derived, refs)
                result = spec(first, seen | {mid})
        resolved[mid] = result
        return result

    return tuple(attrs.evolve(m, period=spec(m.id, frozenset())) for m in metrics)


def _first_reference(text: str, refs: list[str]) -> str:
    return min(refs, key=lambda r: m.start() if (m := re.search(rf"\b{re.escape(r)}\b", text)) else 1 << 30)


def load_plan(path: str | Path, *, extensions: Any = None) -> Plan:
    """Read and check a plan; return it, or raise :class:`PlanError` listing every problem.

    Warnings do not stop loading; use :func:`validate_plan` to see them.
    """
    return validate_plan(path, extensions=extensions).raise_for_errors()


# -- writing -------------------------------------------------------------------------------


def _label_data(label: Label) -> Any:
    texts = label.as_dict()
    return texts


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", (), [], {})}


def to_document(plan: Plan) -> dict[str, Any]:
    """The plan as plain data in the plan-file schema (one document holding every section).

    ``load_plan`` of this document, written as YAML, gives back an equal plan.
    """
    meta = plan.meta
    doc: dict[str, Any] = {"regionplan": FORMAT_VERSION}
    doc["plan"] = _drop_empty(
        {
            "id": meta.id,
            "title": _label_data(meta.title),
            "period": {"start": meta.period_start, "end": meta.period_end},
            "status": meta.status.value,
            "version": meta.version,
            "languages": list(meta.languages),
            "owner": meta.owner,
            "adopted": meta.adopted.isoformat() if meta.adopted else None,
            "description": _label_data(meta.description),
            "source_document": meta.source_document,
        }
    )
    region = plan.region
    doc["region"] = _drop_empty(
        {
            "id": region.id,
            "name": _label_data(region.name),
            "county": _label_data(region.county),
            "description": _label_data(region.description),
            "municipalities": [
                {
                    "id": m.id,
                    "name": _label_data(m.name),
                    "codes": [
                        _drop_empty(
                            {
                                "code": c.code,
                                "from": c.valid_from.isoformat() if c.valid_from else None,
                                "until": c.valid_until.isoformat() if c.valid_until else None,
                            }
                        )
                        for c in m.codes
                    ],
                }
                for m in region.municipalities
            ],
        }
    )
    doc["actors"] = [
        _drop_empty(
            {
                "id": a.id,
                "name": _label_data(a.name),
                "kind": a.kind,
                "municipality": a.municipality,
                "description": _label_data(a.description),
            }
        )
        for a in plan.actors
    ]
    doc["elements"] = [
        _drop_empty(
            {
                "id": e.id,
                "kind": e.kind.value,
                "title": _label_data(e.title),
                "description": _label_data(e.description),
                "contributes_to": [{"id": c.parent, "weight": c.weight} for c in e.contributes_to],
                "responsible": [{"actor": r.actor, "role": r.role.value} for r in e.responsible],
                "sdg": list(e.sdg),
                "aligned_with": list(e.aligned_with),
                "timing": e.timing,
                "number": e.number,
                "notes": [_label_data(n) for n in e.notes],
            }
        )
        for e in plan.elements
    ]
    doc["metrics"] = [_metric_data(m) for m in plan.metrics]
    doc["targets"] = [_target_data(t) for t in plan.targets]
    return _drop_empty(doc)


def _metric_data(m: Metric) -> dict[str, Any]:
    spec = m.period
    period: dict[str, Any] = {"kind": spec.kind.value}
    if spec.kind is PeriodKind.QUARTER:
        period["quarter"] = spec.quarter
    elif spec.kind is PeriodKind.MONTH:
        period["month"] = spec.month
    elif spec.kind is PeriodKind.INSTANT:
        period.update(month=spec.month, day=spec.day)
    return _drop_empty(
        {
            "id": m.id,
            "title": _label_data(m.title),
            "unit": m.unit,
            "direction": m.direction.value,
            "aggregation": m.aggregation,
            "weight": m.weight,
            "source": [{"name": s.name, **s.query} for s in m.sources],
            "derived": m.derived,
            "period": period,
            "publication_lag_months": m.publication_lag_months,
            "description": _label_data(m.description),
            "decimals": m.decimals,
        }
    )


def _target_data(t: Target) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": t.id,
        "element": t.element,
        "metric": t.metric,
        "kind": t.kind.value,
        "title": _label_data(t.title),
        "value": t.value,
        "unit": t.value_unit,
        "change": t.change,
        "baseline": t.baseline,
        "deadline": t.deadline,
        "shock": t.shock,
        "other": t.other,
        "area": t.area,
    }
    if t.relative:
        data["relative"] = True
    if t.every_year:
        data["every_year"] = True
    if t.tolerance:
        data["tolerance"] = t.tolerance
    if t.weight != 1.0:
        data["weight"] = t.weight
    if t.projection != "linear":
        data["projection"] = t.projection
    if t.policy != "default":
        data["policy"] = t.policy
    return _drop_empty(data)


def dump_yaml(plan: Plan) -> str:
    """The plan as one YAML plan file (every value that must stay text is quoted)."""
    import yaml

    # The safe writer quotes every text a YAML reader could take for something else
    # ('0235', 'NO', 'on'), so the file reads back the same in any YAML tool.
    text: str = yaml.safe_dump(to_document(plan), allow_unicode=True, sort_keys=False, width=110)
    return text
