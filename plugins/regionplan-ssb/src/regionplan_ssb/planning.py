"""Request planning: how the queries of one table become few data requests.

:func:`direct_call` builds one data request for the queries of one table from
the queries alone (value codes and PxWebApi selection expressions such as ``*``,
``top(5)``, ``from(2015)``), with the number of cells it selects where every size
is known. :func:`plan_calls` does the same with the table's metadata at hand: it
checks every code, keeps only the areas the plan needs, and splits the selection
when it would pass SSB's cell limit or the URL length limit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from regionplan.data.sources import FailureKind, SourceFailed, SourceRequest
from regionplan.data.sources.jsonstat import JsonStatStructure
from regionplan.errors import DataSourceError
from regionplan_ssb.calls import (
    MAX_CELLS,
    MAX_URL_LENGTH,
    Call,
    DirectCall,
    GroupKey,
    Selection,
    data_url,
)
from regionplan_ssb.periods import period_expressions, resolve_periods
from regionplan_ssb.query import RegionChoice, SsbQuery, strip_area_prefix

__all__ = ["CONTENTS_VARIABLE", "TIME_VARIABLE", "direct_call", "expanded_cells", "plan_calls"]


#: The variables every SSB table has (PxWebApi v2 cannot eliminate them).
CONTENTS_VARIABLE = "ContentsCode"
TIME_VARIABLE = "Tid"
_SIZED = re.compile(r"^(?:top\((\d+)\)|\[range\((\d{4}),(\d{4})\)\])$")
_BOUNDED = re.compile(r"^(from|to)\((.+)\)$|^\[?range\(([^,]+),([^,]+)\)\]?$")


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


def expanded_cells(selection: Selection, meta: JsonStatStructure) -> int:
    """The cells a selection asks for, its expressions (``*``, ``top(5)``, ``from(2015)``,
    ``x*``...) counted against the table's codes in its metadata, as SSB counts them."""
    total = 1
    for var, codes in selection.codes:
        dim = meta.dimensions.get(var)
        if dim is None:
            total *= len(codes)
        elif var in selection.everything:
            total *= len(dim.codes)
        else:
            total *= _selected(dim.codes, codes)
    return total


def _selected(table: Sequence[str], asked: Sequence[str]) -> int:
    """How many of a variable's codes the value codes and expressions select (SSB matches
    codes without regard to case; a code or bound the table lacks selects nothing)."""
    lower = [c.lower() for c in table]
    at = {c: i for i, c in reversed(list(enumerate(lower)))}
    chosen: set[int] = set()
    for token in asked:
        low = token.lower()
        if low == "*":
            return len(table)
        if (m := _SIZED.match(low)) and m.group(1) is not None:
            chosen.update(range(max(0, len(table) - int(m.group(1))), len(table)))
        elif m := _BOUNDED.match(low):
            if m.group(1):
                i = at.get(m.group(2))
                if i is not None:
                    chosen.update(range(i, len(table)) if m.group(1) == "from" else range(i + 1))
            else:
                i, j = at.get(m.group(3)), at.get(m.group(4))
                if i is not None and j is not None:
                    chosen.update(range(min(i, j), max(i, j) + 1))
        elif low.startswith("*"):
            chosen.update(i for i, c in enumerate(lower) if c.endswith(low[1:]))
        elif low.endswith("*"):
            chosen.update(i for i, c in enumerate(lower) if c.startswith(low[:-1]))
        elif low in at:
            chosen.add(at[low])
    return len(chosen)


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
        SourceFailed: a request names a variable or code the table lacks, or
            leaves out a variable SSB cannot eliminate (kind ``query_mismatch``), or the
            table has none of the plan's areas (``missing_areas``); the message names the
            table and the variable.
    """
    table = key.table
    contents_var = meta.role("metric") or "ContentsCode"
    time_var = meta.role("time") or "Tid"
    for var in (contents_var, time_var):
        if var not in meta.dimensions:
            raise SourceFailed(f"table {table} has no variable {var!r}", FailureKind.QUERY_MISMATCH)
    region_var = key.region_variable or meta.role("geo")
    if region_var is None and "Region" in meta.dimensions:
        region_var = "Region"
    if region_var is not None and region_var not in meta.dimensions:
        msg = f"table {table} has no region variable {region_var!r} (it has: {', '.join(meta.ids)})"
        raise SourceFailed(msg, FailureKind.QUERY_MISMATCH)
    if key.codelist is not None:
        _check_codelist(table, meta, region_var, key.codelist)

    wanted: dict[str, dict[str, None]] = {v: {} for v in meta.ids}
    everything: set[str] = set()
    contents_codes = meta.dimensions[contents_var].codes
    for request, q in requests:
        if q.contents not in meta.dimensions[contents_var]:
            msg = (
                f"table {table} has no {contents_var} {q.contents!r} "
                f"(it has: {', '.join(contents_codes[:12])})"
            )
            raise SourceFailed(msg, FailureKind.QUERY_MISMATCH)
        wanted[contents_var][q.contents] = None
        for var, codes in q.select:
            if var not in meta.dimensions or var in (region_var, time_var, contents_var):
                have = ", ".join(meta.ids)
                msg = f"table {table} has no variable {var!r} to select (it has: {have})"
                raise SourceFailed(msg, FailureKind.QUERY_MISMATCH)
            for code in codes:
                if code not in meta.dimensions[var]:
                    have = ", ".join(meta.dimensions[var].codes[:12])
                    msg = f"table {table}: variable {var} has no value {code!r} (it has: {have})"
                    raise SourceFailed(msg, FailureKind.QUERY_MISMATCH)
                wanted[var][code] = None
        times = meta.dimensions[time_var].codes
        try:
            periods = resolve_periods(times, q.period, request.first_year, request.last_year)
        except DataSourceError as exc:
            msg = f"table {table}, variable {time_var}: {exc}"
            raise SourceFailed(msg, FailureKind.QUERY_MISMATCH) from None
        wanted[time_var].update(dict.fromkeys(periods))
        if region_var is None:
            if q.area is None:
                msg = (
                    f"table {table} has no region variable; give 'area' (the code its "
                    'values stand for, such as "0" for Norway)'
                )
                raise SourceFailed(msg, FailureKind.QUERY_MISMATCH)
            continue
        region_codes = meta.dimensions[region_var].codes
        if q.region.codes == ("*",) or (q.region.codes is None and not request.areas):
            everything.add(region_var)
            wanted[region_var].update(dict.fromkeys(region_codes))
        elif q.region.codes is not None:
            missing = [c for c in q.region.codes if c not in meta.dimensions[region_var]]
            if missing:
                msg = f"table {table}: variable {region_var} has no value {missing[0]!r}"
                raise SourceFailed(msg, FailureKind.QUERY_MISMATCH)
            wanted[region_var].update(dict.fromkeys(q.region.codes))
        else:
            areas = set(request.areas)
            found = [c for c in region_codes if _area_of(c, key.codelist) in areas]
            if not found:
                shown = ", ".join(sorted(areas)[:6]) + (f" (+{len(areas) - 6})" if len(areas) > 6 else "")
                msg = f"table {table}: variable {region_var} has none of the plan's areas ({shown})"
                raise SourceFailed(msg, FailureKind.MISSING_AREAS)
            wanted[region_var].update(dict.fromkeys(found))

    used = {contents_var, time_var, *key.select_variables}
    if region_var is not None:
        used.add(region_var)
    for var in meta.ids:
        if var not in used and meta.dimensions[var].extension.get("elimination") is False:
            msg = (
                f"table {table}: variable {var} cannot be left out (SSB does not eliminate it); "
                f"add it under 'select'"
            )
            raise SourceFailed(msg, FailureKind.QUERY_MISMATCH)
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
        msg = f"table {table} has no region variable for code list {codelist!r}"
        raise SourceFailed(msg, FailureKind.QUERY_MISMATCH)
    offered = meta.dimensions[var].extension.get("codelists")
    if isinstance(offered, list):
        ids = [c.get("id") for c in offered if isinstance(c, Mapping)]
        if codelist not in ids:
            msg = (
                f"table {table}: variable {var} offers no code list {codelist!r} "
                f"(it offers: {', '.join(str(i) for i in ids) or 'none'})"
            )
            raise SourceFailed(msg, FailureKind.QUERY_MISMATCH)


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
