"""The inline source: values written in the plan."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regionplan.data.series import Series
from regionplan.data.sources import SourceContext, SourceRequest, inline
from regionplan.data.sources.inline import InlineSource
from regionplan.errors import DataSourceError
from regionplan.plan.periods import parse_period

QUERY: dict[str, Any] = {
    "unit": "percent",
    "values": [
        {"area": "3209", "period": "2024", "value": 1},
        {"period": "2025", "value": 2.5},
        {"period": "2025K4", "value": "3"},
    ],
    "note": "Counted by the regional council from the institutions' own announcements",
    "credit": "GRIP",
    "licence": "CC BY 4.0",
}


def fetch(query: dict[str, Any]) -> Any:
    return InlineSource(SourceContext()).fetch(SourceRequest("offerings", query))


def test_values_areas_periods_and_unit() -> None:
    obs = fetch(QUERY)
    assert list(obs.areas) == ["3209", "region", "region"]
    assert list(obs.periods) == ["2024", "2025", "2025K4"]
    assert obs.values.tolist() == [1.0, 2.5, 3.0]
    assert obs.unit == "percent"


def test_provenance() -> None:
    prov = fetch(QUERY).provenance
    assert prov.source == "inline"
    assert prov.notes == QUERY["note"]
    assert prov.credit == "GRIP"
    assert prov.licence == "CC BY 4.0"
    assert '"period": "2025K4"' in prov.query
    assert prov.retrieved is None


def test_default_area_from_the_query_and_no_unit() -> None:
    query = {"area": "0235", "values": [{"period": 2019, "value": 10}]}
    obs = fetch(query)
    assert list(obs.areas) == ["0235"]
    assert list(obs.periods) == ["2019"]
    assert obs.unit is None


def test_dates_become_instant_labels() -> None:
    obs = fetch({"values": [{"period": dt.date(2024, 1, 1), "value": 5}]})
    assert list(obs.periods) == ["2024-01-01"]


def test_the_batch_pivots_into_a_series() -> None:
    series = Series.from_observations([fetch(QUERY)], unit="percent")
    assert series.areas == ("3209", "region")
    assert series.value("region", parse_period("2025")) == 2.5
    assert math.isnan(series.value("3209", parse_period("2025")))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, "needs 'values'"),
        ({"values": {"period": 2025, "value": 1}}, "'values' must be a list of entries"),
        ({"values": ["2025: 1"]}, "values[0] must be a mapping"),
        ({"values": [{"value": 1}]}, "values[0] needs 'period'"),
        ({"values": [{"period": "2025"}]}, "values[0] needs 'value'"),
        ({"values": [{"period": "2025", "value": 1, "year": 1}]}, "values[0] does not know 'year'"),
        ({"values": [{"period": "2025", "value": 1}, {"period": "25", "value": 1}]}, "values[1]"),
        (
            {"values": [{"period": "2025", "value": 1}, {"period": "in 2025", "value": 1}]},
            "no period",
        ),
        ({"values": [{"period": 2025.0, "value": 1}]}, "no period"),
        ({"values": [{"period": True, "value": 1}]}, "no period"),
        ({"values": [{"period": "2025", "value": "many"}]}, "values[0]: 'value' must be a finite"),
        ({"values": [{"period": "2025", "value": "1,5"}]}, "'value' must be a finite number"),
        ({"values": [{"period": "2025", "value": None}]}, "'value' must be a finite number"),
        ({"values": [{"period": "2025", "value": True}]}, "'value' must be a finite number"),
        ({"values": [{"period": "2025", "value": math.inf}]}, "'value' must be a finite number"),
        ({"values": [{"period": "2025", "value": math.nan}]}, "'value' must be a finite number"),
        ({"values": [{"area": 235, "period": "2025", "value": 1}]}, "write area codes in quotes"),
        ({"values": [{"area": "", "period": "2025", "value": 1}]}, "'area' must be an area code"),
        ({"area": 3209, "values": [{"period": "2025", "value": 1}]}, "'area' must be an area code"),
        ({"unit": 5, "values": [{"period": "2025", "value": 1}]}, "'unit' must be a text"),
        ({"values": [{"period": "2025", "value": 1}], "notes": "x"}, "does not know 'notes'"),
        (
            {"values": [{"period": "2025", "value": 1}, {"period": " 2025", "value": 2}]},
            "values[0] and values[1] both give area 'region', period '2025'",
        ),
        (
            {
                "area": "3209",
                "values": [
                    {"period": "2025", "value": 1},
                    {"area": "3209", "period": "2025", "value": 1},
                ],
            },
            "values[0] and values[1] both give area '3209'",
        ),
        ("values: []", "must be a mapping"),
    ],
)
def test_check_query_reports_each_problem(query: Any, expected: str) -> None:
    problems = InlineSource.check_query(query)
    assert any(expected in p for p in problems), problems
    if isinstance(query, dict):
        with pytest.raises(DataSourceError, match="metric 'offerings'"):
            fetch(query)


def test_a_good_query_has_no_problems() -> None:
    assert InlineSource.check_query(QUERY) == []


def test_every_bad_entry_is_reported_at_once() -> None:
    query = {"values": [{"period": "x", "value": 1}, {"period": "2025"}, {"period": 2024, "value": "y"}]}
    problems = InlineSource.check_query(query)
    assert len(problems) == 3
    assert problems[0].startswith("the inline source's values[0]: 'period' 'x' is no period")
    assert problems[1] == "the inline source's values[1] needs 'value'"
    assert problems[2].startswith("the inline source's values[2]: 'value' must be")


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6) | st.dates(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["area", "period", "value", "x"]) | st.text(max_size=4),
            inner,
            max_size=4,
        )
    ),
    max_leaves=15,
)


@settings(max_examples=200, deadline=None)
@given(
    query=st.dictionaries(
        st.sampled_from(["values", "area", "unit", "note", "credit", "licence", "name"]),
        json_like,
        max_size=5,
    )
    | json_like
)
def test_check_query_never_raises(query: Any) -> None:
    problems = InlineSource.check_query(query)
    assert isinstance(problems, list) and all(isinstance(p, str) for p in problems)


entries = st.lists(
    st.tuples(
        st.text("0123456789", min_size=4, max_size=4),
        st.integers(1990, 2040).map(str)
        | st.dates(dt.date(1800, 1, 1), dt.date(2200, 12, 31)).map(dt.date.isoformat),  # the years data name
        st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**9), 10**9),
    ),
    min_size=1,
    max_size=20,
    unique_by=lambda e: (e[0], e[1]),
)


@settings(max_examples=100, deadline=None)
@given(entries=entries)
def test_valid_entries_read_back_as_written(entries: list[tuple[str, str, float]]) -> None:
    query = {"values": [{"area": a, "period": p, "value": v} for a, p, v in entries]}
    assert InlineSource.check_query(query) == []
    obs = fetch(query)
    assert list(obs.areas) == [a for a, _, _ in entries]
    assert list(obs.periods) == [p for _, p, _ in entries]
    np.testing.assert_array_equal(obs.values, [float(v) for _, _, v in entries])


def test_the_module_registers_inline() -> None:
    registered: dict[str, type] = {}
    inline.regionplan_register_sources(register=registered.__setitem__)
    assert registered == {"inline": InlineSource}


def test_an_empty_list_means_nothing_recorded_yet(tmp_path: Path) -> None:
    """A plan may define a count before anything is counted: no values, and the reason why."""
    query = {"values": [], "unit": "offering", "note": "recorded by the council as they come"}
    assert InlineSource.check_query(query) == []
    source = InlineSource(SourceContext(base_dir=tmp_path))
    with pytest.raises(DataSourceError, match="records no values for it yet"):
        source.fetch(SourceRequest(metric="offerings", query=query))
