"""The ``ssb`` query: what a plan may ask, and how requests become few URLs.

A plan's query names one table and one ``ContentsCode``::

    source:
      name: ssb
      table: "07459"
      contents: Personer1
      select: {Kjonn: "2"}                       # one code per variable ...
      region: {codelist: agg_KommSummer}         # current municipality codes
      period: {from: 2015}

:class:`SsbQuery` reads and checks it. :func:`direct_call` builds one data
request for the queries of one table from the queries alone (value codes and
PxWebApi selection expressions such as ``*``, ``top(5)``, ``from(2015)``), with
the number of cells it selects where every size is known. :func:`plan_calls`
does the same with the table's metadata at hand: it checks every code, keeps
only the areas the plan needs, and splits the selection when it would pass SSB's
cell limit or the URL length limit.
"""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from regionplan.data.sources import SourceRequest
from regionplan.data.sources.jsonstat import JsonStatStructure
from regionplan.errors import DataSourceError

__all__ = [
    "Call",
    "DirectCall",
    "GroupKey",
    "PeriodChoice",
    "RegionChoice",
    "Selection",
    "SsbQuery",
    "direct_call",
    "plan_calls",
    "query_problems",
    "strip_area_prefix",
]

#: SSB's limit on cells in one extraction (empty cells count).
MAX_CELLS = 800_000
#: SSB answers 404 to GET URLs longer than about 2,100 characters.
MAX_URL_LENGTH = 2_000

QUERY_KEYS = (
    "table",
    "contents",
    "select",
    "aggregate",
    "region",
    "region_variable",
    "area",
    "period",
    "unit",
    "lang",
)
_TABLE = re.compile(r"^\d{5}$")
_CODE = re.compile(r"^[^\s,\[\]&=#?]+$")  # one value code: no separators or wildcards
_EXPRESSION = re.compile(r"^(\*|top\(\d+\)|from\([^()]+\)|to\([^()]+\))$")
_AREA_PREFIX = re.compile(r"^[KF]-")


def strip_area_prefix(code: str) -> str:
    """``"K-3209"`` -> ``"3209"``: aggregated code lists prefix the plain codes."""
    return _AREA_PREFIX.sub("", code)


@attrs.frozen
class RegionChoice:
    """Which region codes to ask for.

    Attributes:
        codelist: an SSB code list (``agg_KommSummer``) whose codes to use, or ``None``
            for the table's own codes.
        output: ``"aggregated"`` or ``"single"`` (SSB's ``outputValues``), or ``None``.
        codes: explicit codes (``("*",)`` for all), or ``None`` for the request's areas.
    """

    codelist: str | None = None
    output: str | None = None
    codes: tuple[str, ...] | None = None


@attrs.frozen
class PeriodChoice:
    """Which periods to ask for: all, explicit codes, the last ``top``, or a span of years/codes."""

    codes: tuple[str, ...] | None = None
    top: int | None = None
    first: str | None = None
    last: str | None = None
    everything: bool = False


@attrs.frozen
class SsbQuery:
    """A checked ``ssb`` query. Build it with :meth:`from_mapping`."""

    table: str
    contents: str
    select: tuple[tuple[str, tuple[str, ...]], ...] = ()
    aggregate: bool = False
    region: RegionChoice = RegionChoice()
    region_variable: str | None = None
    area: str | None = None
    period: PeriodChoice = PeriodChoice()
    unit: str | None = None
    lang: str = "no"

    @classmethod
    def from_mapping(cls, query: Mapping[str, Any]) -> SsbQuery:
        """Read a plan's query.

        Raises:
            DataSourceError: the query has problems (all of them, one per line).
        """
        problems = query_problems(query)
        if problems:
            raise DataSourceError("; ".join(problems))
        select = tuple(sorted((str(k), _codes(v)) for k, v in (query.get("select") or {}).items()))
        return cls(
            table=str(query["table"]),
            contents=str(query["contents"]),
            select=select,
            aggregate=query.get("aggregate") == "sum",
            region=_region(query.get("region")),
            region_variable=query.get("region_variable"),
            area=query.get("area"),
            period=_period(query.get("period")),
            unit=query.get("unit"),
            lang=str(query.get("lang", "no")),
        )


def _codes(value: str | Sequence[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(dict.fromkeys(str(v) for v in value))


def _region(raw: Any) -> RegionChoice:
    if raw is None:
        return RegionChoice()
    if isinstance(raw, str | list):
        return RegionChoice(codes=_codes(raw))
    codes = raw.get("codes")
    return RegionChoice(
        codelist=raw.get("codelist"),
        output=raw.get("output"),
        codes=_codes(codes) if codes is not None else None,
    )


def _period(raw: Any) -> PeriodChoice:
    if raw is None:
        return PeriodChoice()
    if isinstance(raw, list):
        return PeriodChoice(codes=_codes(raw))
    if isinstance(raw, int):
        return PeriodChoice(codes=(str(raw),))
    if isinstance(raw, str):
        if raw == "*":
            return PeriodChoice(everything=True)
        if m := re.fullmatch(r"top\((\d+)\)", raw):
            return PeriodChoice(top=int(m.group(1)))
        if m := re.fullmatch(r"from\((.+)\)", raw):
            return PeriodChoice(first=m.group(1))
        if m := re.fullmatch(r"to\((.+)\)", raw):
            return PeriodChoice(last=m.group(1))
        return PeriodChoice(codes=(raw,))
    first, last = raw.get("from"), raw.get("to")
    return PeriodChoice(
        first=str(first) if first is not None else None,
        last=str(last) if last is not None else None,
    )


def query_problems(query: Mapping[str, Any]) -> list[str]:
    """Everything wrong with a query, found without asking SSB."""
    p: list[str] = []
    for key in query:
        if key not in QUERY_KEYS:
            p.append(f"the ssb source does not know '{key}' (it takes: {', '.join(QUERY_KEYS)})")
    table = query.get("table")
    if table is None:
        p.append("the ssb source needs 'table' (a five-digit table id such as \"07459\")")
    elif isinstance(table, int) and not isinstance(table, bool):
        p.append(f'the ssb table {table} must be quoted text ("{table:05d}" keeps its zero)')
    elif not (isinstance(table, str) and _TABLE.match(table)):
        p.append(f'the ssb table must be five digits such as "07459", not {table!r}')
    contents = query.get("contents")
    if contents is None:
        p.append("the ssb source needs 'contents' (one ContentsCode value, such as Personer1)")
    elif not (isinstance(contents, str) and _CODE.match(contents)):
        p.append(f"the ssb source's 'contents' must be one ContentsCode value, not {contents!r}")
    select = query.get("select")
    aggregate = query.get("aggregate")
    if aggregate is not None and aggregate != "sum":
        p.append(f"the ssb source's 'aggregate' can only be 'sum', not {aggregate!r}")
    if select is not None:
        if not isinstance(select, Mapping):
            p.append("the ssb source's 'select' maps variable codes to value codes")
        else:
            for var, value in select.items():
                codes = _plain_codes(value)
                if not isinstance(var, str) or var in {"ContentsCode", "Tid"}:
                    p.append(f"'select' cannot name {var!r}: use 'contents' and 'period' for those")
                elif codes is None:
                    p.append(
                        f"'select' of {var} must be a value code or a list of them "
                        f'(quoted, e.g. "01"; no wildcards), not {value!r}'
                    )
                elif len(codes) > 1 and aggregate != "sum":
                    p.append(
                        f"'select' picks {len(codes)} values of {var}; pick one, leave {var} "
                        "out for SSB to sum it (if it may be eliminated), or add 'aggregate: sum'"
                    )
    p += _region_problems(query.get("region"))
    for key in ("region_variable", "area", "unit"):
        if key in query and not (isinstance(query[key], str) and query[key]):
            p.append(f"the ssb source's '{key}' must be text")
    if query.get("lang", "no") not in ("no", "en"):
        p.append(f"the ssb source's 'lang' is 'no' or 'en', not {query.get('lang')!r}")
    p += _period_problems(query.get("period"))
    if isinstance(query.get("unit"), str):
        from regionplan.data.sources.jsonstat import resolve_unit

        try:
            resolve_unit(query["unit"])
        except DataSourceError:
            p.append(f"the ssb source's unit {query['unit']!r} is not a known unit")
    return p


def _plain_codes(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(v, str) and _CODE.match(v) and "*" not in v for v in value):
        return None
    return tuple(value)


def _region_problems(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str | list):
        codes = [raw] if isinstance(raw, str) else raw
        if raw == "*" or (codes and all(isinstance(c, str) and _CODE.match(c) for c in codes)):
            return []
        return [f"the ssb 'region' must be '*', a list of codes or a mapping, not {raw!r}"]
    if not isinstance(raw, Mapping):
        return [f"the ssb 'region' must be '*', a list of codes or a mapping, not {raw!r}"]
    p = [
        f"the ssb 'region' does not know '{k}' (it takes: codelist, output, codes)"
        for k in raw
        if k not in ("codelist", "output", "codes")
    ]
    codelist = raw.get("codelist")
    if codelist is not None and not (isinstance(codelist, str) and _CODE.match(codelist)):
        p.append(f"the ssb region 'codelist' must be a code list id, not {codelist!r}")
    if raw.get("output") not in (None, "aggregated", "single"):
        p.append(f"the ssb region 'output' is 'aggregated' or 'single', not {raw['output']!r}")
    if raw.get("output") is not None and codelist is None:
        p.append("the ssb region 'output' needs a 'codelist'")
    listed = raw.get("codes")
    if listed is not None and _region_problems(listed):
        p.append(f"the ssb region 'codes' must be '*' or a list of codes, not {listed!r}")
    return p


def _period_problems(raw: Any) -> list[str]:
    if raw is None or (isinstance(raw, int) and not isinstance(raw, bool)):
        return []
    if isinstance(raw, str):
        return [] if _EXPRESSION.match(raw) or _CODE.match(raw) else [_PERIOD_HELP]
    if isinstance(raw, list):
        ok = raw and all(isinstance(c, str | int) and _CODE.match(str(c)) for c in raw)
        return [] if ok else [_PERIOD_HELP]
    if isinstance(raw, Mapping) and raw and set(raw) <= {"from", "to"}:
        ok = all(isinstance(v, str | int) and _CODE.match(str(v)) for v in raw.values())
        return [] if ok else [_PERIOD_HELP]
    return [_PERIOD_HELP]


_PERIOD_HELP = (
    "the ssb 'period' is '*', 'top(N)', 'from(X)', 'to(X)', a list of period codes, or {from: YEAR, to: YEAR}"
)


# -- planning -------------------------------------------------------------------------


@attrs.frozen
class GroupKey:
    """Queries with the same key can share one download."""

    table: str
    lang: str
    region_variable: str | None
    codelist: str | None
    output: str | None
    select_variables: tuple[str, ...]

    @classmethod
    def of(cls, q: SsbQuery) -> GroupKey:
        return cls(
            table=q.table,
            lang=q.lang,
            region_variable=q.region_variable,
            codelist=q.region.codelist,
            output=q.region.output,
            select_variables=tuple(v for v, _ in q.select),
        )


@attrs.frozen
class Selection:
    """Value codes per variable for one data request; ``everything`` marks variables
    whose every code is asked (written ``*``)."""

    codes: tuple[tuple[str, tuple[str, ...]], ...]
    everything: frozenset[str] = frozenset()

    @property
    def cells(self) -> int:
        return math.prod(len(c) for _, c in self.codes)


@attrs.frozen
class Call:
    """One planned GET request."""

    url: str
    selection: Selection


@attrs.frozen
class DirectCall:
    """The one data request that answers a group's queries, built without metadata.

    Attributes:
        call: the request; its selection holds value codes and selection
            expressions (``*``, ``top(5)``, ``from(2015)``, ``[range(2015,2024)]``).
        cells: the cells it selects, when every size is known (no ``*``, ``from``
            or ``to``), else ``None``.
        least_cells: the cells it selects at the least (an unknown size counts 1).
        region_variable: the region variable asked, or ``None`` when every query
            gives ``area`` for a table without one.
    """

    call: Call
    cells: int | None
    least_cells: int
    region_variable: str | None


#: The variables every SSB table has (PxWebApi v2 cannot eliminate them).
CONTENTS_VARIABLE = "ContentsCode"
TIME_VARIABLE = "Tid"
_SIZED = re.compile(r"^(?:top\((\d+)\)|\[range\((\d{4}),(\d{4})\)\])$")


def direct_call(
    base_url: str, key: GroupKey, requests: Sequence[tuple[SourceRequest, SsbQuery]]
) -> DirectCall:
    """One data request for the queries of one table, from the queries alone.

    Contents and selected codes are asked as given (a variable only some queries
    select, in full); the region as the query's codes,
    or ``*`` when the query leaves it to the plan (the plan's areas span several code
    vintages, and SSB refuses a whole request for one code its table lacks, so the
    areas are picked from the answer instead); periods as the query's codes or
    expressions, the plan's years as a range, else ``*``. Several queries ask for
    the union. SSB checks the codes; :func:`plan_calls` explains what it refuses.
    """
    contents: dict[str, None] = {}
    selected: dict[str, dict[str, None]] = {}
    askers: dict[str, int] = {}
    region: dict[str, None] | None = None
    for _, q in requests:
        contents[q.contents] = None
        for var, codes in q.select:
            selected.setdefault(var, {}).update(dict.fromkeys(codes))
            askers[var] = askers.get(var, 0) + 1
        if q.area is None or q.region != RegionChoice() or key.region_variable is not None:
            region = region if region is not None else {}
            region.update(dict.fromkeys(q.region.codes if q.region.codes is not None else ("*",)))
    region_var = None if region is None else key.region_variable or "Region"
    per_var: list[tuple[str, tuple[str, ...]]] = []
    if region_var is not None and region is not None:
        per_var.append((region_var, ("*",) if "*" in region else tuple(region)))
    # A variable some queries leave out (for SSB to eliminate) is asked in full: the
    # source leaves it out of their answers as SSB would (see SsbSource).
    per_var += [
        (var, tuple(codes) if askers[var] == len(requests) else ("*",))
        for var, codes in sorted(selected.items())
    ]
    per_var.append((CONTENTS_VARIABLE, tuple(contents)))
    per_var.append((TIME_VARIABLE, period_expressions(requests)))
    everything = frozenset(var for var, codes in per_var if codes == ("*",))
    selection = Selection(tuple(per_var), everything)
    extra: list[tuple[str, str]] = []
    if key.codelist is not None and region_var is not None:
        extra.append((f"codelist[{region_var}]", key.codelist))
        if key.output is not None:
            extra.append((f"outputValues[{region_var}]", key.output))
    sizes = [_size(codes) for _, codes in per_var]
    cells = None if None in sizes else math.prod(s for s in sizes if s is not None)
    least = math.prod(
        s if s is not None else max(1, _least(codes)) for s, (_, codes) in zip(sizes, per_var, strict=True)
    )
    call = Call(data_url(base_url, key.table, key.lang, selection, extra), selection)
    return DirectCall(call, cells, least, region_var)


def period_expressions(requests: Sequence[tuple[SourceRequest, SsbQuery]]) -> tuple[str, ...]:
    """The ``Tid`` value codes and expressions that cover every request's periods.

    Spans (``{from: 2015, to: 2024}``, ``from(X)``, ``to(X)``, the plan's years) are
    joined into one covering span and several ``top(n)`` into the largest, so no
    two expressions overlap; SSB answers HTTP 500 to a code asked twice.
    """
    codes: dict[str, None] = {}
    top = 0
    firsts: list[str | None] = []
    lasts: list[str | None] = []
    for request, q in requests:
        choice = q.period
        if choice.everything:
            return ("*",)
        if choice.codes is not None:
            codes.update(dict.fromkeys(choice.codes))
        elif choice.top is not None:
            top = max(top, choice.top)
        else:
            first, last = choice.first, choice.last
            if choice == PeriodChoice():
                first = None if request.first_year is None else str(request.first_year)
                last = None if request.last_year is None else str(request.last_year)
            if first is None and last is None:
                return ("*",)
            firsts.append(first)
            lasts.append(last)
    out = list(codes)
    if top:
        out.append(f"top({top})")
    if firsts:
        low = None if None in firsts else min(f for f in firsts if f is not None)
        high = None if None in lasts else max(h for h in lasts if h is not None)
        if low is not None and high is not None:
            out.append(f"[range({low},{high})]" if low != high else low)
        elif low is not None:
            out.append(f"from({low})")
        elif high is not None:
            out.append(f"to({high})")
        else:
            return ("*",)
    return tuple(dict.fromkeys(out)) or ("*",)


def _size(codes: Sequence[str]) -> int | None:
    """The number of values a list of codes and expressions selects, if known."""
    n = 0
    for code in codes:
        m = _SIZED.match(code)
        if m and m.group(1) is not None:
            n += int(m.group(1))
        elif m:
            n += abs(int(m.group(3)) - int(m.group(2))) + 1  # years, if the table is annual
        elif "*" in code or "(" in code:
            return None
        else:
            n += 1
    return n


def _least(codes: Sequence[str]) -> int:
    """The values a list selects at the least: its plain codes."""
    return sum(1 for c in codes if "*" not in c and "(" not in c)


def resolve_periods(
    codes: Sequence[str], choice: PeriodChoice, first_year: int | None, last_year: int | None
) -> list[str]:
    """The table's period codes a query wants, in the table's order."""
    chosen = list(codes)
    if choice.codes is not None:
        missing = [c for c in choice.codes if c not in codes]
        if missing:
            raise DataSourceError(f"period {missing[0]!r} is not in the table")
        chosen = [c for c in codes if c in choice.codes]
    if choice.top is not None:
        chosen = chosen[-choice.top :] if choice.top else []
    if choice.first is not None:
        chosen = [c for c in chosen if _after(c, choice.first, codes)]
    if choice.last is not None:
        chosen = [c for c in chosen if _after(choice.last, c, codes)]
    if choice == PeriodChoice():  # no choice in the query: the plan's years, if known
        low = first_year if first_year is not None else -1
        high = last_year if last_year is not None else 10_000
        chosen = [c for c in chosen if (y := _year(c)) is None or low <= y <= high]
    return chosen


def _year(code: str) -> int | None:
    return int(code[:4]) if code[:4].isdigit() else None


def _after(code: str, bound: str, codes: Sequence[str]) -> bool:
    """``code`` is at or after ``bound`` (a year, or a code of the table)."""
    if bound in codes:
        return codes.index(code) >= codes.index(bound)
    if bound.isdigit() and len(bound) == 4 and (year := _year(code)) is not None:
        return year >= int(bound)
    raise DataSourceError(f"period bound {bound!r} is neither a year nor a period of the table")


def plan_calls(
    base_url: str,
    key: GroupKey,
    meta: JsonStatStructure,
    requests: Sequence[tuple[SourceRequest, SsbQuery]],
    *,
    max_cells: int = MAX_CELLS,
    max_url_length: int = MAX_URL_LENGTH,
) -> tuple[list[Call], str | None, str]:
    """The fewest GET requests that answer every request of one group.

    Returns:
        the calls, the region variable (``None`` for a table without one) and the
        time variable.

    Raises:
        DataSourceError: a request names a variable or code the table lacks, or
            leaves out a variable SSB cannot eliminate; the message names the table
            and the variable.
    """
    table = key.table
    contents_var = meta.role("metric") or "ContentsCode"
    time_var = meta.role("time") or "Tid"
    for var in (contents_var, time_var):
        if var not in meta.dimensions:
            raise DataSourceError(f"table {table} has no variable {var!r}")
    region_var = key.region_variable or meta.role("geo")
    if region_var is None and "Region" in meta.dimensions:
        region_var = "Region"
    if region_var is not None and region_var not in meta.dimensions:
        msg = f"table {table} has no region variable {region_var!r} (it has: {', '.join(meta.ids)})"
        raise DataSourceError(msg)
    if key.codelist is not None:
        _check_codelist(table, meta, region_var, key.codelist)

    wanted: dict[str, dict[str, None]] = {v: {} for v in meta.ids}
    everything: set[str] = set()
    contents_codes = meta.dimensions[contents_var].codes
    for request, q in requests:
        if q.contents not in contents_codes:
            msg = (
                f"table {table} has no {contents_var} {q.contents!r} "
                f"(it has: {', '.join(contents_codes[:12])})"
            )
            raise DataSourceError(msg)
        wanted[contents_var][q.contents] = None
        for var, codes in q.select:
            if var not in meta.dimensions or var in (region_var, time_var, contents_var):
                have = ", ".join(meta.ids)
                msg = f"table {table} has no variable {var!r} to select (it has: {have})"
                raise DataSourceError(msg)
            for code in codes:
                if code not in meta.dimensions[var].codes:
                    have = ", ".join(meta.dimensions[var].codes[:12])
                    msg = f"table {table}: variable {var} has no value {code!r} (it has: {have})"
                    raise DataSourceError(msg)
                wanted[var][code] = None
        times = meta.dimensions[time_var].codes
        try:
            periods = resolve_periods(times, q.period, request.first_year, request.last_year)
        except DataSourceError as exc:
            raise DataSourceError(f"table {table}, variable {time_var}: {exc}") from None
        wanted[time_var].update(dict.fromkeys(periods))
        if region_var is None:
            if q.area is None:
                msg = (
                    f"table {table} has no region variable; give 'area' (the code its "
                    'values stand for, such as "0" for Norway)'
                )
                raise DataSourceError(msg)
            continue
        region_codes = meta.dimensions[region_var].codes
        if q.region.codes == ("*",) or (q.region.codes is None and not request.areas):
            everything.add(region_var)
            wanted[region_var].update(dict.fromkeys(region_codes))
        elif q.region.codes is not None:
            missing = [c for c in q.region.codes if c not in region_codes]
            if missing:
                msg = f"table {table}: variable {region_var} has no value {missing[0]!r}"
                raise DataSourceError(msg)
            wanted[region_var].update(dict.fromkeys(q.region.codes))
        else:
            areas = set(request.areas)
            wanted[region_var].update(
                dict.fromkeys(c for c in region_codes if _area_of(c, key.codelist) in areas)
            )

    used = {contents_var, time_var, *key.select_variables}
    if region_var is not None:
        used.add(region_var)
    for var in meta.ids:
        if var not in used and meta.dimensions[var].extension.get("elimination") is False:
            msg = (
                f"table {table}: variable {var} cannot be left out (SSB does not eliminate it); "
                f"add it under 'select'"
            )
            raise DataSourceError(msg)
    per_var: list[tuple[str, tuple[str, ...]]] = []
    for var in meta.ids:
        if var not in used:
            continue
        order = meta.dimensions[var].codes
        chosen = tuple(c for c in order if c in wanted[var])
        if not chosen:
            return [], region_var, time_var  # nothing to ask: no period or area in the table
        if len(chosen) == len(order) and var != contents_var:
            everything.add(var)
        per_var.append((var, chosen))
    asked = {v for v, _ in per_var}
    selection = Selection(tuple(per_var), frozenset(v for v in everything if v in asked))
    extra: list[tuple[str, str]] = []
    if key.codelist is not None and region_var is not None:
        extra.append((f"codelist[{region_var}]", key.codelist))
        if key.output is not None:
            extra.append((f"outputValues[{region_var}]", key.output))
    calls = _split(base_url, table, key.lang, selection, extra, max_cells, max_url_length)
    return calls, region_var, time_var


def _area_of(code: str, codelist: str | None) -> str:
    return strip_area_prefix(code) if codelist else code


def _check_codelist(table: str, meta: JsonStatStructure, var: str | None, codelist: str) -> None:
    if var is None:
        raise DataSourceError(f"table {table} has no region variable for code list {codelist!r}")
    offered = meta.dimensions[var].extension.get("codelists")
    if isinstance(offered, list):
        ids = [c.get("id") for c in offered if isinstance(c, Mapping)]
        if codelist not in ids:
            msg = (
                f"table {table}: variable {var} offers no code list {codelist!r} "
                f"(it offers: {', '.join(str(i) for i in ids) or 'none'})"
            )
            raise DataSourceError(msg)


def data_url(
    base_url: str,
    table: str,
    lang: str,
    selection: Selection,
    extra: Iterable[tuple[str, str]] = (),
) -> str:
    """The GET URL of a selection (``*`` for variables asked in full)."""
    params = [("lang", lang), ("outputFormat", "json-stat2")]
    for var, codes in selection.codes:
        value = "*" if var in selection.everything else ",".join(codes)
        params.append((f"valueCodes[{var}]", value))
    params.extend(extra)
    query = "&".join(
        f"{urllib.parse.quote(k, safe='[]')}={urllib.parse.quote(v, safe='*,()-_.[]')}" for k, v in params
    )
    return f"{base_url.rstrip('/')}/tables/{table}/data?{query}"


def metadata_url(base_url: str, table: str, lang: str, key: GroupKey) -> str:
    url = f"{base_url.rstrip('/')}/tables/{table}/metadata?lang={lang}"
    if key.codelist is not None:
        url += f"&codelist[{key.region_variable or 'Region'}]={urllib.parse.quote(key.codelist)}"
    return url


def _split(
    base_url: str,
    table: str,
    lang: str,
    selection: Selection,
    extra: list[tuple[str, str]],
    max_cells: int,
    max_url_length: int,
) -> list[Call]:
    url = data_url(base_url, table, lang, selection, extra)
    too_many = selection.cells > max_cells
    if not too_many and len(url) <= max_url_length:
        return [Call(url, selection)]
    # Split the variable with the most codes into as few parts as needed.
    var, codes = max(selection.codes, key=lambda vc: len(vc[1]))
    if len(codes) < 2:
        why = f"{selection.cells} cells" if too_many else f"a URL of {len(url)} characters"
        msg = f"table {table}: one request of the smallest possible size still needs {why}"
        raise DataSourceError(msg)
    parts = max(2, math.ceil(selection.cells / max_cells)) if too_many else 2
    parts = min(parts, len(codes))
    size = math.ceil(len(codes) / parts)
    calls: list[Call] = []
    for start in range(0, len(codes), size):
        chunk = codes[start : start + size]
        part = Selection(
            tuple((v, chunk if v == var else c) for v, c in selection.codes),
            selection.everything - {var},
        )
        calls += _split(base_url, table, lang, part, extra, max_cells, max_url_length)
    return calls
