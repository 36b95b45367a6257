"""The data requests the ``ssb`` source makes: their selections, URLs and SSB's limits.

A :class:`GroupKey` says which queries can share one download; a :class:`Selection`
holds the value codes one data request asks for, and a :class:`Call` is that
request with its GET URL (:func:`data_url`; :func:`metadata_url` for a table's
metadata).
"""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Iterable

import attrs

from regionplan_ssb.query import SsbQuery

__all__ = [
    "MAX_CELLS",
    "MAX_URL_LENGTH",
    "Call",
    "DirectCall",
    "GroupKey",
    "Selection",
    "data_url",
    "metadata_url",
]

#: SSB's limit on cells in one extraction (empty cells count).
MAX_CELLS = 800_000
#: SSB answers 404 to GET URLs longer than about 2,100 characters.
MAX_URL_LENGTH = 2_000


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
