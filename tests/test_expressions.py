"""Derived metrics: the safe parser, functions on real SSB figures, time alignment and units.

Figures: ``tests/data/tabular`` (see its PROVENANCE.md). Kilde: Statistisk sentralbyrå.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from regionplan.data.derived import evaluate
from regionplan.data.series import Series
from regionplan.data.sources import SourceContext, SourceRequest
from regionplan.data.sources.tabular import CsvSource
from regionplan.plan.expressions import ExpressionError, parse, result_unit
from regionplan.plan.periods import Period, PeriodKind, PeriodSpec
from regionplan.plan.units import parse_unit

DATA = Path(__file__).parent / "data" / "tabular"


def read(path: str, value: str, spec: PeriodSpec, unit: str) -> Series:
    query = {"path": path, "columns": {"area": "code_2024", "period": "year", "value": value}}
    obs = CsvSource(SourceContext(base_dir=DATA)).fetch(SourceRequest("m", query, unit=unit))
    return Series.from_observations([obs], unit=unit, period_spec=spec)


@pytest.fixture(scope="module")
def jobs() -> Series:
    return read(
        "employment_11618_2017_2022.csv",
        "employed_by_workplace_jobs",
        PeriodSpec("quarter", quarter=4),
        "job",
    )


@pytest.fixture(scope="module")
def population() -> Series:
    return read(
        "population_1jan_2005_2026.csv", "population", PeriodSpec("instant", month=1, day=1), "person"
    )


def raw(path: str, value: str) -> dict[tuple[str, int], float]:
    with (DATA / path).open(encoding="utf-8", newline="") as f:
        return {(r["code_2024"], int(r["year"])): float(r[value]) for r in csv.DictReader(f)}


JOBS = raw("employment_11618_2017_2022.csv", "employed_by_workplace_jobs")
POP = raw("population_1jan_2005_2026.csv", "population")
ULLENSAKER = "3209"


# -- the safe parser --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "__import__('os').system('true')",
        "jobs.real",
        "jobs.__class__",
        "(lambda: 1)()",
        "lambda x: x",
        "jobs[0]",
        "[x for x in jobs]",
        "{x for x in jobs}",
        "'text'",
        "growth('jobs')",
        "jobs ** 2",
        "jobs // 2",
        "jobs % 2",
        "jobs if jobs else population",
        "jobs < population",
        "not jobs",
        "True + jobs",
        "growth(jobs, n=2)",
        "growth(jobs, 0)",
        "growth(jobs, 1.5)",
        "growth(jobs + population)",
        "cagr(jobs)",
        "eval('1')",
        "open('x')",
        "(jobs := 1)",
        "f'{jobs}'",
        "...",
    ],
)
def test_parser_refuses_everything_else(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse(text)


def test_parser_reports_column_and_references() -> None:
    e = parse("growth(jobs, 2) - growth(population, 2) + share(a, b) * 2")
    assert e.references == frozenset({"jobs", "population", "a", "b"})
    with pytest.raises(ExpressionError) as info:
        parse("jobs + foo(population)")
    assert info.value.column == 8
    with pytest.raises(ExpressionError) as info:
        parse("jobs +")
    assert "cannot read" in str(info.value)


# -- functions on real data -----------------------------------------------------------------


def ev(text: str, series: dict[str, Series], unit: str = "percent") -> Series:
    return evaluate(parse(text), series, unit)


def at(s: Series, area: str, period: Period) -> float:
    return s.value(area, period)


Q4 = Period.quarter


def test_growth_cagr_change_lag_index_on_real_jobs(jobs: Series) -> None:
    j = {"jobs": jobs}
    u = ULLENSAKER
    x = {y: JOBS[(u, y)] for y in range(2017, 2023)}
    assert at(ev("growth(jobs)", j), u, Q4(2019, 4)) == pytest.approx(100 * (x[2019] / x[2018] - 1))
    assert at(ev("growth(jobs, 3)", j), u, Q4(2022, 4)) == pytest.approx(100 * (x[2022] / x[2019] - 1))
    assert at(ev("cagr(jobs, 5)", j), u, Q4(2022, 4)) == pytest.approx(
        100 * ((x[2022] / x[2017]) ** (1 / 5) - 1)
    )
    assert at(ev("change(jobs)", j, "job"), u, Q4(2020, 4)) == x[2020] - x[2019]
    assert at(ev("lag(jobs, 2)", j, "job"), u, Q4(2021, 4)) == x[2019]
    assert at(ev("index(jobs, 2017)", j), u, Q4(2022, 4)) == pytest.approx(100 * x[2022] / x[2017])
    assert at(ev("index(jobs, 2017)", j), u, Q4(2017, 4)) == pytest.approx(100.0)
    # the first year has no earlier value
    assert np.isnan(at(ev("growth(jobs)", j), u, Q4(2017, 4)))
    # whole arrays, every area at once
    growth = ev("growth(jobs)", j)
    codes = sorted({c for c, _ in JOBS})
    expected = np.array(
        [[100 * (JOBS[(c, y)] / JOBS[(c, y - 1)] - 1) for y in range(2018, 2023)] for c in codes]
    )
    got = np.array([[growth.value(c, Q4(y, 4)) for y in range(2018, 2023)] for c in codes])
    assert Q4(2017, 4) not in growth.periods  # a time point with no value at all is left out
    np.testing.assert_allclose(got, expected)


def test_share_on_real_data(jobs: Series) -> None:
    all_jobs = read(
        "employment_11618_2017_2022.csv", "employed_by_residence", PeriodSpec("quarter", quarter=4), "job"
    )
    s = ev("share(jobs, all_jobs)", {"jobs": jobs, "all_jobs": all_jobs})
    assert s.unit == parse_unit("percent")
    u = ULLENSAKER
    resident = raw("employment_11618_2017_2022.csv", "employed_by_residence")
    assert at(s, u, Q4(2020, 4)) == pytest.approx(100 * JOBS[(u, 2020)] / resident[(u, 2020)])


def test_q4_jobs_meet_1_january_population_of_the_next_year(jobs: Series, population: Series) -> None:
    s = ev("jobs / population", {"jobs": jobs, "population": population}, "job / person")
    assert s.unit == parse_unit("job / person")
    u = ULLENSAKER
    # jobs counted in Q4 2019 (time 2020.0) meet the population on 1 January 2020 (time 2020.0)
    p2020 = Period.instant(__import__("datetime").date(2020, 1, 1))
    q4_2019 = Period.quarter(2019, 4)
    assert q4_2019.time == p2020.time == 2020.0
    value = s.value(u, p2020) if p2020 in s.periods else s.value(u, q4_2019)
    assert value == pytest.approx(JOBS[(u, 2019)] / POP[(u, 2020)])
    assert not np.isclose(value, JOBS[(u, 2019)] / POP[(u, 2019)])
    # growth difference over the same intervals
    d = ev("growth(jobs) - growth(population)", {"jobs": jobs, "population": population})
    t = next(p for p in d.periods if abs(p.time - 2021.0) < 1e-9)
    expected = 100 * (JOBS[(u, 2020)] / JOBS[(u, 2019)] - 1) - 100 * (POP[(u, 2021)] / POP[(u, 2020)] - 1)
    assert d.value(u, t) == pytest.approx(expected)


def test_division_by_zero_gives_nan() -> None:
    unit = parse_unit("job")
    a = Series(("x",), (Period.year(2020), Period.year(2021)), np.array([[1.0, 2.0]]), unit)
    b = Series(("x",), (Period.year(2020), Period.year(2021)), np.array([[0.0, 4.0]]), unit)
    s = ev("a / b", {"a": a, "b": b}, "dimensionless")
    assert np.isnan(s.value("x", Period.year(2020)))
    assert s.value("x", Period.year(2021)) == 0.5
    g = ev("growth(b)", {"b": b})
    assert np.all(np.isnan(g.values)) or g.values.size == 0


# -- units -----------------------------------------------------------------------------------


def units(**kw: str) -> dict[str, object]:
    return {k: parse_unit(v) for k, v in kw.items()}


def test_result_units() -> None:
    u = units(jobs="job", population="person", money="MNOK", cash="NOK")
    assert result_unit(parse("growth(jobs)"), u) == parse_unit("percent")
    assert result_unit(parse("cagr(jobs, 3)"), u) == parse_unit("percent")
    assert result_unit(parse("index(jobs, 2020)"), u) == parse_unit("percent")
    assert result_unit(parse("jobs / population"), u) == parse_unit("job / person")
    assert result_unit(parse("change(jobs)"), u) == parse_unit("job")
    assert result_unit(parse("lag(population, 2)"), u) == parse_unit("person")
    assert result_unit(parse("money + cash"), u) == parse_unit("MNOK")
    assert result_unit(parse("-jobs * 2"), u) == parse_unit("job")


@pytest.mark.parametrize(
    "text", ["jobs + population", "jobs - population", "share(jobs, population)", "jobs + 1"]
)
def test_dimension_errors(text: str) -> None:
    with pytest.raises(ExpressionError) as info:
        result_unit(parse(text), units(jobs="job", population="person"))
    assert "dimension" in str(info.value)


def test_money_in_different_units_is_converted() -> None:
    a = Series(("x",), (Period.year(2020),), np.array([[2.0]]), parse_unit("MNOK"))
    b = Series(("x",), (Period.year(2020),), np.array([[500_000.0]]), parse_unit("NOK"))
    s = ev("a + b", {"a": a, "b": b}, "MNOK")
    assert s.values[0, 0] == pytest.approx(2.5)
    s = ev("a + b", {"a": a, "b": b}, "NOK")
    assert s.values[0, 0] == pytest.approx(2_500_000.0)
    assert PeriodKind.YEAR is s.periods[0].kind


# -- what each refusal says, and where (the plan's checks show both) ------------------------------


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("1 + 'a'", "only numbers may stand in an expression, not 'a'", 5),
        ("1 + jobs % 2", "only + - * / are allowed", 5),
        ("1 + ~jobs", "only unary minus is allowed", 5),
        ("1 + foo(jobs)", "unknown function; known functions: growth, cagr, change, lag, index, share", 5),
        ("1 + growth(jobs, n=2)", "write function arguments by position", 5),
        ("1 + cagr(jobs)", "cagr() takes 2 to 2 arguments", 5),
        ("1 + growth(2)", "the first argument of growth() is a metric id", 5),
        ("1 + growth(jobs, 0)", "growth() takes a whole number of years from 1 ", 18),
        ("1 + index(jobs, 2020.5)", "index() takes a year from ", 17),
        ("1 + jobs[0]", "'jobs[0]' is not allowed in an expression", 5),
    ],
)
def test_each_refusal_says_what_and_where(text: str, message: str, column: int) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    # the start of the message: bounds in it (years, sizes) are the plan checks' to state
    assert str(info.value).startswith(message), str(info.value)
    assert info.value.column == column


def test_a_syntax_error_has_its_column() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("jobs + (population")
    assert str(info.value).startswith("cannot read the expression: ")
    assert info.value.column == 8


def test_one_year_is_the_shortest_span() -> None:
    assert parse("growth(jobs, 1)").references == frozenset({"jobs"})
    assert parse("change(jobs, 1) + lag(jobs, 1)").text == "change(jobs, 1) + lag(jobs, 1)"


def test_units_of_products_shares_and_sums() -> None:
    u = units(jobs="job", population="person", all_jobs="job")
    assert result_unit(parse("jobs * population"), u) == parse_unit("job * person")
    assert result_unit(parse("share(jobs, all_jobs)"), u) == parse_unit("percent")
    job, person = (f"{u[m]:~}" for m in ("jobs", "population"))
    for text, message, column in [
        ("1 + (jobs + population)", f"cannot compute {job} + {person}: the dimensions differ", 6),
        ("1 + (jobs - population)", f"cannot compute {job} - {person}: the dimensions differ", 6),
        (
            "1 + share(jobs, population)",
            f"share() needs a part and a whole of the same dimension, not {job} and {person}",
            5,
        ),
    ]:
        with pytest.raises(ExpressionError) as info:
            result_unit(parse(text), u)
        assert (str(info.value), info.value.column) == (message, column)


# -- the bounds of an expression, exactly at their edges ------------------------------------------


def _balanced(leaves: list[str]) -> str:
    """``leaves`` summed as a balanced tree, so its depth stays small."""
    if len(leaves) == 1:
        return leaves[0]
    half = len(leaves) // 2
    return f"({_balanced(leaves[:half])}+{_balanced(leaves[half:])})"


def test_an_expression_of_at_most_max_length_characters_is_read() -> None:
    from regionplan.plan.expressions import MAX_LENGTH

    text = "jobs" + " " * (MAX_LENGTH - 7) + "+ 1"
    assert len(text) == MAX_LENGTH and parse(text).references == frozenset({"jobs"})
    with pytest.raises(ExpressionError) as info:
        parse(text + "0")
    assert (
        str(info.value)
        == f"the expression has {MAX_LENGTH + 1:,} characters; at most {MAX_LENGTH:,} are read"
    )
    assert info.value.column == MAX_LENGTH + 1


def test_an_expression_of_at_most_max_depth_levels_is_read() -> None:
    from regionplan.plan.expressions import MAX_DEPTH

    # each minus is a level; the name and its load context are two more
    parse("-" * (MAX_DEPTH - 2) + "jobs")
    with pytest.raises(ExpressionError) as info:
        parse("-" * (MAX_DEPTH - 1) + "jobs")
    assert str(info.value) == f"the expression nests more than {MAX_DEPTH} levels deep"
    assert info.value.column == MAX_DEPTH  # the name's column: its context has none of its own


def test_an_expression_of_at_most_max_nodes_parts_is_read() -> None:
    import ast

    from regionplan.plan.expressions import MAX_NODES

    def parts(text: str) -> int:
        return sum(1 for _ in ast.walk(ast.parse(text, mode="eval").body))

    # n ones summed are 3n - 2 parts (a number, and a sum and its operator per '+'); a minus adds two
    at_most = _balanced(["-1", "-1"] + ["1"] * 164)
    beyond = _balanced(["-1"] + ["1"] * 166)
    assert (parts(at_most), parts(beyond)) == (MAX_NODES, MAX_NODES + 1)
    parse(at_most)
    with pytest.raises(ExpressionError, match=f"^the expression has more than {MAX_NODES} parts$") as info:
        parse(beyond)
    assert info.value.column is not None


def test_bounds_of_numbers_and_years_are_inclusive() -> None:
    from regionplan.plan.expressions import MAX_LITERAL, MAX_YEARS
    from regionplan.plan.periods import PLAN_YEARS

    parse(f"jobs * {MAX_LITERAL:.0f}")
    with pytest.raises(ExpressionError) as info:
        parse(f"jobs * {MAX_LITERAL * 10:.0f}")
    assert (str(info.value), info.value.column) == ("a number in an expression is at most 1e15 in size", 8)
    first, last = PLAN_YEARS
    assert parse(f"index(jobs, {first}) + index(jobs, {last})").references == frozenset({"jobs"})
    assert parse(f"growth(jobs, {MAX_YEARS})").references == frozenset({"jobs"})
