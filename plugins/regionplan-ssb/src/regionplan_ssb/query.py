"""The ``ssb`` query: what a plan may ask, read and checked without asking SSB.

A plan's query names one table and one ``ContentsCode``::

    source:
      name: ssb
      table: "07459"
      contents: Personer1
      select: {Kjonn: "2"}                       # one code per variable ...
      region: {codelist: agg_KommSummer}         # current municipality codes
      period: {from: 2015}

:class:`SsbQuery` reads and checks it; :func:`query_problems` lists everything
wrong with it. How queries become requests is in :mod:`regionplan_ssb.planning`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from regionplan.errors import DataSourceError

__all__ = [
    "QUERY_KEYS",
    "PeriodChoice",
    "RegionChoice",
    "SsbQuery",
    "query_problems",
    "strip_area_prefix",
]

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
