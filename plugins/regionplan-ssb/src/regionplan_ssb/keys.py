"""The ``ssb`` query's keys described, for the reference (``docs/reference/sources.md``)."""

from __future__ import annotations

from regionplan.data.sources import QueryKey

__all__ = ["QUERY_KEY_DOCS"]

QUERY_KEY_DOCS: tuple[QueryKey, ...] = (
    QueryKey("table", "text", 'the five-digit table id, quoted (``"07459"``)', required=True),
    QueryKey("contents", "text", "one value of the table's ``ContentsCode`` (``Personer1``)", required=True),
    QueryKey(
        "select",
        "mapping",
        "``{variable: code}`` or ``{variable: [codes]}`` for the table's other variables; several "
        "codes need ``aggregate: sum``; variables SSB can eliminate may be left out (SSB sums them)",
    ),
    QueryKey(
        "aggregate", "text", "``sum``: add up the values of every variable given several codes in ``select``"
    ),
    QueryKey(
        "region",
        "text, list or mapping",
        '``"*"``, a list of codes, or ``{codelist: ID, output: aggregated|single, codes: ...}``; '
        "aggregated code lists' ``K-``/``F-`` prefixes are removed",
        default="the plan's areas",
    ),
    QueryKey(
        "region_variable",
        "text",
        "the region variable, when the table's geo role does not say",
        default="``Region``",
    ),
    QueryKey("area", "text", 'the area code of a table without a region variable (``"0"`` for Norway)'),
    QueryKey(
        "period",
        "text, list or mapping",
        '``"*"``, ``"top(5)"``, ``"from(2015)"``, ``"to(2020)"``, a list of codes, or ``{from: 2015, to: 2024}``',
        default="the plan's years",
    ),
    QueryKey("unit", "text", "the values' unit, when SSB's (``personer``, ``1000 kr``) is not enough"),
    QueryKey("lang", "text", "the language of SSB's labels: ``no`` or ``en``", default="``no``"),
)
