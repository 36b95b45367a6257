"""The csv and excel sources, read on real files of Statistics Norway.

The files and their origin: ``data/tabular/PROVENANCE.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regionplan.data.sources import SourceContext, SourceRequest, tabular
from regionplan.data.sources.tabular import CsvSource, ExcelSource
from regionplan.data.sources.tabular.cells import NumberFormat
from regionplan.errors import DataSourceError

DATA = Path(__file__).parent / "data" / "tabular"
EMPLOYMENT = "employment_11618_2017_2022.csv"
POPULATION = "population_1jan_2005_2026.csv"
EDUCATION = "education_level_30_66_2019_2020.csv"

JOBS_QUERY: dict[str, Any] = {
    "path": EMPLOYMENT,
    "columns": {"area": "code_at_time", "period": "year", "value": "employed_by_workplace_jobs"},
    "filter": {"age": "15-74"},
    "unit": "job",
    "table": "11618",
    "credit": "Kilde: Statistisk sentralbyrå, tabell 11618",
    "licence": "CC BY 4.0",
}
EDUCATION_COLUMNS = {"area": "region_code_2020", "period": "period", "value": "value"}


def dict_rows(name: str, folder: Path = DATA, **kwargs: Any) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, **kwargs))


def fetch(query: Mapping[str, Any], base: Path = DATA, source: type = CsvSource) -> Any:
    return source(SourceContext(base_dir=base)).fetch(SourceRequest("m", query))


def error_of(query: Mapping[str, Any], base: Path = DATA, source: type = CsvSource) -> str:
    with pytest.raises(DataSourceError) as info:
        fetch(query, base, source)
    return str(info.value)


# -- real values ---------------------------------------------------------------------


def test_jobs_by_workplace_match_a_plain_read_of_the_file() -> None:
    obs = fetch(JOBS_QUERY)
    rows = dict_rows(EMPLOYMENT)
    assert list(obs.areas) == [r["code_at_time"] for r in rows]
    assert list(obs.periods) == [r["year"] for r in rows]
    assert obs.values.tolist() == [float(r["employed_by_workplace_jobs"]) for r in rows]
    assert obs.unit == "job"


def test_ullensaker_jobs_in_2019() -> None:
    obs = fetch(JOBS_QUERY)
    (expected,) = [
        r["employed_by_workplace_jobs"]
        for r in dict_rows(EMPLOYMENT)
        if r["code_at_time"] == "0235" and r["year"] == "2019"
    ]
    (i,) = np.flatnonzero((obs.areas == "0235") & (obs.periods == "2019"))
    assert obs.values[i] == float(expected) == 27524.0


def test_zero_padded_codes_and_labels_stay_text() -> None:
    obs = fetch(JOBS_QUERY)
    assert obs.areas.dtype == object
    assert all(isinstance(a, str) for a in obs.areas)
    assert {"0234", "0235", "0236", "0237", "0238", "0239"} <= set(obs.areas)
    population = fetch(
        {
            "path": POPULATION,
            "columns": {"area": "code_at_time", "period": "reference_date", "value": "population"},
            "filter": {"ssb_table": "07459", "code_2024": ["3209", "3228"]},
        }
    )
    assert set(population.areas) == {"0235", "0236", "3033", "3034", "3209", "3228"}
    assert "2005-01-01" in set(population.periods)
    expected = {
        (r["code_at_time"], r["reference_date"]): float(r["population"])
        for r in dict_rows(POPULATION)
        if r["code_2024"] in ("3209", "3228")
    }
    keys = zip(population.areas, population.periods, strict=True)
    got = dict(zip(keys, population.values, strict=True))
    assert got == expected
    assert population.unit is None  # no unit given: the metric's


def test_provenance_names_table_query_licence_credit_and_retrieval_date() -> None:
    obs = fetch({**JOBS_QUERY, "note": "jobs counted at the workplace", "retrieved": "2023-03-01"})
    prov = obs.provenance
    assert prov.source == "csv"
    assert prov.table == "11618"
    assert '"path": "employment_11618_2017_2022.csv"' in prov.query
    assert '"value": "employed_by_workplace_jobs"' in prov.query
    assert prov.retrieved == dt.datetime(2023, 3, 1, tzinfo=dt.UTC)
    # without 'retrieved' the date is unknown: a copied file's time says when it was copied
    assert fetch(JOBS_QUERY).provenance.retrieved is None
    assert prov.licence == "CC BY 4.0"
    assert prov.credit == "Kilde: Statistisk sentralbyrå, tabell 11618"
    assert prov.notes == "jobs counted at the workplace"
    bare = fetch({k: v for k, v in JOBS_QUERY.items() if k != "table"}).provenance
    assert bare.table == EMPLOYMENT


def test_unit_column_gives_the_batch_unit() -> None:
    obs = fetch(
        {
            "path": EDUCATION,
            "columns": EDUCATION_COLUMNS,
            "filter": {
                "education_level": "Universitet og høgskole",
                "background": "Hele befolkningen",
                "sex": "Alle",
                "unit": "percent",
            },
            "unit_column": "unit",
        }
    )
    assert obs.unit == "percent"
    assert len(obs) == 12  # six municipalities, two years
    (expected,) = [
        float(r["value"])
        for r in dict_rows(EDUCATION)
        if r["region_code_2020"] == "3033"
        and r["period"] == "2020"
        and r["education_level"] == "Universitet og høgskole"
        and r["background"] == "Hele befolkningen"
        and r["sex"] == "Alle"
        and r["unit"] == "percent"
    ]
    (i,) = np.flatnonzero((obs.areas == "3033") & (obs.periods == "2020"))
    assert obs.values[i] == expected


def test_several_units_in_the_unit_column_are_an_error() -> None:
    msg = error_of(
        {
            "path": EDUCATION,
            "columns": EDUCATION_COLUMNS,
            "filter": {"education_level": "alle", "background": "Hele befolkningen", "sex": "Alle"},
            "unit_column": "unit",
        }
    )
    assert EDUCATION in msg
    assert "'percent'" in msg and "'persons'" in msg
    assert "add a filter on that column" in msg


# -- mistakes --------------------------------------------------------------------------


def test_misspelled_value_column_gets_a_did_you_mean() -> None:
    columns = {**JOBS_QUERY["columns"], "value": "employed_by_workplace_job"}
    msg = error_of({**JOBS_QUERY, "columns": columns})
    assert EMPLOYMENT in msg
    assert "'employed_by_workplace_job'" in msg
    assert "columns.value" in msg
    assert "did you mean 'employed_by_workplace_jobs'?" in msg


def test_misspelled_filter_column_and_value() -> None:
    msg = error_of({**JOBS_QUERY, "filter": {"agee": "15-74"}})
    assert "no column 'agee' (filter.agee)" in msg and "did you mean 'age'?" in msg
    msg = error_of({**JOBS_QUERY, "filter": {"age": "15-64"}})
    assert "column 'age' (filter) never holds '15-64'" in msg and "did you mean '15-74'?" in msg


def test_an_unquoted_code_that_lost_its_zero_matches_nothing() -> None:
    msg = error_of({**JOBS_QUERY, "filter": {"code_at_time": 235}})
    assert "never holds '235'" in msg and "'0235'" in msg


def test_unknown_column_without_close_match_lists_the_header() -> None:
    columns = {**JOBS_QUERY["columns"], "area": "kommune"}
    msg = error_of({**JOBS_QUERY, "columns": columns})
    assert "'code_at_time'" in msg and "'employed_by_workplace_jobs'" in msg


def test_semicolon_file_read_as_comma_file_suggests_the_delimiter(tmp_path: Path) -> None:
    rows = dict_rows(EMPLOYMENT)
    write_csv(tmp_path / "jobs.csv", rows, delimiter=";")
    msg = error_of({**JOBS_QUERY, "path": "jobs.csv"}, tmp_path)
    assert 'delimiter: ";"' in msg
    assert len(fetch({**JOBS_QUERY, "path": "jobs.csv", "delimiter": ";"}, tmp_path)) == len(rows)


def test_non_numeric_value_names_file_line_and_column() -> None:
    columns = {**JOBS_QUERY["columns"], "value": "municipality"}
    msg = error_of({**JOBS_QUERY, "columns": columns})
    assert msg.startswith(f"{EMPLOYMENT}:2: column 'municipality': not a number: 'Ullensaker'")


def test_missing_file_names_the_path() -> None:
    msg = error_of({**JOBS_QUERY, "path": "data/no_such_file.csv"})
    assert "data/no_such_file.csv: no such file" in msg
    assert str(DATA / "data" / "no_such_file.csv") in msg


def test_empty_area_cell_is_an_error(tmp_path: Path) -> None:
    rows = dict_rows(EMPLOYMENT)
    rows[3]["code_at_time"] = ""
    write_csv(tmp_path / "jobs.csv", rows)
    msg = error_of({**JOBS_QUERY, "path": "jobs.csv"}, tmp_path)
    assert msg.startswith("jobs.csv:5: column 'code_at_time' is empty")


def test_duplicates_after_filtering_name_file_lines_and_key() -> None:
    query = {
        "path": EDUCATION,
        "columns": EDUCATION_COLUMNS,
        "filter": {"education_level": "alle", "background": "Hele befolkningen", "unit": "persons"},
    }
    msg = error_of(query)
    assert msg.startswith(f"{EDUCATION}: lines ")
    assert "the filter is incomplete: add a filter on 'sex'" in msg
    # the two lines named hold the same area and period, and differ in sex
    words = msg.split()
    first, second = int(words[2]), int(words[4])
    lines = (DATA / EDUCATION).read_text(encoding="utf-8").splitlines()
    a, b = (next(csv.DictReader([lines[0], lines[n - 1]])) for n in (first, second))
    assert (a["region_code_2020"], a["period"]) == (b["region_code_2020"], b["period"])
    assert f"area {a['region_code_2020']!r}, period {a['period']!r}" in msg
    assert a["sex"] != b["sex"]
    # with the filter complete the same file is fine
    complete = fetch({**query, "filter": {**query["filter"], "sex": "Alle"}})
    assert len(complete) == 12


def test_period_column_that_does_not_tell_years_apart_is_a_duplicate() -> None:
    columns = {**JOBS_QUERY["columns"], "period": "reference", "area": "code_2024"}
    msg = error_of({**JOBS_QUERY, "columns": columns})
    assert "lines 2 and 8 both hold area '3209', period '4th quarter'" in msg
    assert "add a filter on 'year'" in msg


def test_fetch_rejects_a_malformed_query() -> None:
    msg = error_of({**JOBS_QUERY, "colums": {}, "decimal": ";"})
    assert "does not know 'colums'" in msg and "'decimal'" in msg


def test_undecodable_file_asks_for_an_encoding(tmp_path: Path) -> None:
    text = (DATA / EMPLOYMENT).read_text(encoding="utf-8").replace("Ullensaker", "Ullensåker")
    (tmp_path / "jobs.csv").write_bytes(text.encode("latin-1"))
    msg = error_of({**JOBS_QUERY, "path": "jobs.csv"}, tmp_path)
    assert "cannot read the file as utf-8-sig" in msg and "encoding" in msg
    obs = fetch({**JOBS_QUERY, "path": "jobs.csv", "encoding": "latin-1"}, tmp_path)
    assert len(obs) == 36


# -- number formats ---------------------------------------------------------------------


def write_csv(
    path: Path, rows: list[dict[str, str]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


def test_norwegian_file_with_decimal_comma_and_ssb_missing_symbols(tmp_path: Path) -> None:
    rows = [
        r
        for r in dict_rows(EDUCATION)
        if r["unit"] == "percent" and r["background"] == "Innvandrere" and r["sex"] == "Alle"
    ]
    truth = [float(r["value"]) for r in rows]
    symbols = ["..", ":", ".", ""]
    norwegian = [{**r, "value": r["value"].replace(".", ",")} for r in rows]
    basic = [i for i, r in enumerate(rows) if r["education_level"] == "Grunnskole"]
    for symbol, i in zip(symbols, basic[1::3], strict=False):
        norwegian[i]["value"] = symbol
    write_csv(tmp_path / "utdanning.csv", norwegian, delimiter=";", encoding="cp1252")
    query = {
        "path": "utdanning.csv",
        "columns": EDUCATION_COLUMNS,
        "filter": {"education_level": ["Grunnskole"], "period": ["2019", 2020]},
        "unit_column": "unit",
        "delimiter": ";",
        "decimal": ",",
        "encoding": "cp1252",
        "missing": ["", "..", ":", "."],
    }
    obs = fetch(query, tmp_path)
    assert len(obs) == len(basic) == 12
    assert np.isnan(obs.values).sum() == len(symbols)
    for got, i in zip(obs.values, basic, strict=True):
        if norwegian[i]["value"] in symbols:
            assert math.isnan(got)
        else:
            assert got == truth[i]
    # without `missing`, SSB's '..' is an error that says what to do
    msg = error_of({k: v for k, v in query.items() if k != "missing"}, tmp_path)
    assert f"utdanning.csv:{basic[1] + 2}: column 'value': not a number: '..'" in msg
    assert "add it to missing" in msg


def test_thousands_separators(tmp_path: Path) -> None:
    rows = dict_rows(EMPLOYMENT)
    spaced = [{**r, "employed_by_workplace_jobs": f"{int(r['employed_by_workplace_jobs']):,}"} for r in rows]
    for i, r in enumerate(spaced):
        sep = ["\u00a0", " ", "\u202f"][i % 3]
        r["employed_by_workplace_jobs"] = r["employed_by_workplace_jobs"].replace(",", sep)
    write_csv(tmp_path / "jobs.csv", spaced)
    obs = fetch({**JOBS_QUERY, "path": "jobs.csv", "thousands": " "}, tmp_path)
    assert obs.values.tolist() == [float(r["employed_by_workplace_jobs"]) for r in rows]
    msg = error_of({**JOBS_QUERY, "path": "jobs.csv"}, tmp_path)
    assert "not a number: '26\\xa0934'" in msg  # the invisible space shown
    assert "thousands" in msg


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("27524", NumberFormat(), 27524.0),
        (" -3.5 ", NumberFormat(), -3.5),
        ("1e3", NumberFormat(), 1000.0),
        ("14,4", NumberFormat(decimal=","), 14.4),
        ("\u22122,5", NumberFormat(decimal=","), -2.5),
        ("1 234 567,5", NumberFormat(decimal=",", thousands=" "), 1234567.5),
        ("1.234.567,5", NumberFormat(decimal=",", thousands="."), 1234567.5),
        ("1,234,567.5", NumberFormat(thousands=","), 1234567.5),
        ("1234", NumberFormat(thousands=","), 1234.0),
        ("..", NumberFormat(missing=frozenset({".."})), math.nan),
    ],
)
def test_number_format_reads(text: str, fmt: NumberFormat, expected: float) -> None:
    got = fmt.parse(text)
    assert (math.isnan(got) and math.isnan(expected)) or got == expected


@pytest.mark.parametrize(
    ("text", "fmt", "hint"),
    [
        ("14,4", NumberFormat(), "decimal"),
        ("1.5", NumberFormat(decimal=","), ""),
        ("1,5", NumberFormat(thousands=","), ""),  # not grouped by three
        ("12 345", NumberFormat(), "thousands"),
        ("nan", NumberFormat(), ""),
        ("inf", NumberFormat(), ""),
        ("1_000", NumberFormat(), ""),
        ("..", NumberFormat(), "missing"),
        ("", NumberFormat(missing=frozenset({".."})), ""),
    ],
)
def test_number_format_refuses(text: str, fmt: NumberFormat, hint: str) -> None:
    with pytest.raises(ValueError, match="not a number") as info:
        fmt.parse(text)
    assert hint in str(info.value)


# -- reading once per run ---------------------------------------------------------------


def test_the_same_file_is_read_once_per_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(DATA / EMPLOYMENT, tmp_path / EMPLOYMENT)
    calls: list[Path] = []
    real = tabular.read_csv

    def counting(path: Path, **kwargs: Any) -> Any:
        calls.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(tabular, "read_csv", counting)
    source = CsvSource(SourceContext(base_dir=tmp_path))
    residents = {
        **JOBS_QUERY,
        "columns": {**JOBS_QUERY["columns"], "value": "employed_by_residence"},
    }
    jobs = source.fetch(SourceRequest("jobs", JOBS_QUERY))
    source.fetch(SourceRequest("residents", residents))
    source.fetch(SourceRequest("jobs_abs", {**JOBS_QUERY, "path": str(tmp_path / EMPLOYMENT)}))
    assert len(calls) == 1
    # a changed file is read again
    text = (tmp_path / EMPLOYMENT).read_text(encoding="utf-8")
    (tmp_path / EMPLOYMENT).write_text(text.replace(",26934,", ",26935,"), encoding="utf-8")
    os.utime(tmp_path / EMPLOYMENT, ns=(0, 10**18))
    again = source.fetch(SourceRequest("jobs", JOBS_QUERY))
    assert len(calls) == 2
    assert again.values[0] == jobs.values[0] + 1
    # another source instance (another run) reads it afresh
    CsvSource(SourceContext(base_dir=tmp_path)).fetch(SourceRequest("jobs", JOBS_QUERY))
    assert len(calls) == 3


def test_line_numbers_count_physical_lines(tmp_path: Path) -> None:
    text = 'area,period,value,note\r\n"0235",2019,1,"two\r\nlines"\r\n\r\n0235,2020,x,\r\n'
    (tmp_path / "t.csv").write_text(text, encoding="utf-8", newline="")
    query = {"path": "t.csv", "columns": {"area": "area", "period": "period", "value": "value"}}
    assert error_of(query, tmp_path).startswith("t.csv:5: column 'value': not a number: 'x'")


def test_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    text = (DATA / EMPLOYMENT).read_text(encoding="utf-8")
    (tmp_path / "jobs.csv").write_text(text, encoding="utf-8-sig")
    assert len(fetch({**JOBS_QUERY, "path": "jobs.csv"}, tmp_path)) == 36
    query = {**JOBS_QUERY, "path": "jobs.csv", "encoding": "utf-8"}
    assert len(fetch(query, tmp_path)) == 36


# -- round trip -------------------------------------------------------------------------

codes = st.text("0123456789", min_size=1, max_size=6) | st.text(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzæøåÆØÅ0123456789-_ ,;\"'",
    min_size=1,
    max_size=12,
).map(str.strip).filter(bool)
labels = st.one_of(
    st.integers(1900, 2100).map(str),
    st.builds(lambda y, q: f"{y}K{q}", st.integers(1900, 2100), st.integers(1, 4)),
    st.dates(dt.date(1800, 1, 1), dt.date(2200, 12, 31)).map(dt.date.isoformat),
)
numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**12), 10**12).map(float),
    st.none(),
)


@st.composite
def tidy_tables(draw: st.DrawFn) -> list[tuple[str, str, float | None]]:
    keys = draw(st.lists(st.tuples(codes, labels), min_size=1, max_size=40, unique=True))
    return [(a, p, draw(numbers)) for a, p in keys]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=tidy_tables(), delimiter=st.sampled_from([",", ";", "\t"]))
def test_tidy_tables_read_back_as_written(
    tmp_path: Path, table: list[tuple[str, str, float | None]], delimiter: str
) -> None:
    path = tmp_path / "tidy.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["kode", "periode", "verdi"])
        for area, period, value in table:
            writer.writerow([area, period, "" if value is None else repr(value)])
    query = {
        "path": "tidy.csv",
        "columns": {"area": "kode", "period": "periode", "value": "verdi"},
        "delimiter": delimiter,
    }
    obs = fetch(query, tmp_path)
    assert list(obs.areas) == [a for a, _, _ in table]
    assert list(obs.periods) == [p for _, p, _ in table]
    expected = np.array([math.nan if v is None else v for _, _, v in table])
    np.testing.assert_array_equal(obs.values, expected)


# -- check_query ------------------------------------------------------------------------


def test_a_good_query_has_no_problems() -> None:
    assert CsvSource.check_query(JOBS_QUERY) == []
    assert CsvSource.check_query({**JOBS_QUERY, "decimal": ",", "delimiter": ";"}) == []
    assert ExcelSource.check_query({**JOBS_QUERY, "sheet": "Ark1", "header_row": 3}) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"columns": JOBS_QUERY["columns"]}, "needs 'path'"),
        ({"path": EMPLOYMENT}, "needs 'columns'"),
        ({**JOBS_QUERY, "columns": "code_at_time"}, "'columns' must map area, period and value"),
        ({**JOBS_QUERY, "columns": {"area": "a", "value": "v"}}, "'columns' needs 'period'"),
        ({**JOBS_QUERY, "columns": {**JOBS_QUERY["columns"], "time": "t"}}, "does not know 'time'"),
        (
            {**JOBS_QUERY, "columns": {**JOBS_QUERY["columns"], "area": ""}},
            "'columns.area' must be",
        ),
        ({**JOBS_QUERY, "collumns": {}}, "does not know 'collumns'"),
        ({**JOBS_QUERY, "filter": ["age"]}, "'filter' must map column names"),
        ({**JOBS_QUERY, "filter": {"age": None}}, "'filter.age' must be a text"),
        ({**JOBS_QUERY, "filter": {"age": []}}, "'filter.age' must be a text"),
        ({**JOBS_QUERY, "unit_column": "unit"}, "'unit' or 'unit_column', not both"),
        ({**JOBS_QUERY, "unit": 3}, "'unit' must be a text"),
        ({**JOBS_QUERY, "decimal": ";"}, "'decimal' must be"),
        ({**JOBS_QUERY, "thousands": "_"}, "'thousands' must be one of"),
        ({**JOBS_QUERY, "decimal": ",", "thousands": ","}, "are both ','"),
        ({**JOBS_QUERY, "missing": [".", None]}, "'missing' must be a list of texts"),
        ({**JOBS_QUERY, "encoding": "utf-9"}, "does not know the encoding 'utf-9'"),
        ({**JOBS_QUERY, "delimiter": ";;"}, "'delimiter' must be one character"),
        ({**JOBS_QUERY, "delimiter": ",", "decimal": ","}, "usually separated by"),
        ({**JOBS_QUERY, "sheet": "Ark1"}, "does not know 'sheet'"),
        ("path: x.csv", "must be a mapping"),
    ],
)
def test_check_query_reports_malformed_queries(query: Any, expected: str) -> None:
    problems = CsvSource.check_query(query)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({**JOBS_QUERY, "sheet": 0}, "'sheet' must be a sheet name or number"),
        ({**JOBS_QUERY, "header_row": "2"}, "'header_row' must be a row number"),
        ({**JOBS_QUERY, "delimiter": ";"}, "does not know 'delimiter'"),
    ],
)
def test_excel_check_query_reports_malformed_queries(query: Any, expected: str) -> None:
    problems = ExcelSource.check_query(query)
    assert any(expected in p for p in problems), problems


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8) | st.sampled_from(list(JOBS_QUERY)), inner, max_size=4)
    ),
    max_leaves=12,
)
queries = st.dictionaries(
    st.sampled_from([*CsvSource.required_keys, *(CsvSource.optional_keys or ()), "sheet", "x"]),
    json_like,
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(query=queries | json_like)
def test_check_query_never_raises(query: Any) -> None:
    for source in (CsvSource, ExcelSource):
        problems = source.check_query(query)
        assert isinstance(problems, list)
        assert all(isinstance(p, str) for p in problems)


# -- excel --------------------------------------------------------------------------------


def write_workbook(path: Path, rows: list[dict[str, str]], *, numeric: bool = True) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ark1"
    notes = book.create_sheet("Notes")
    notes.append(["Kilde: Statistisk sentralbyrå, tabell 11618"])
    sheet.append(["Sysselsatte per 4. kvartal"])  # a title row above the header
    sheet.append(list(rows[0]))
    for r in rows:
        cells: list[Any] = list(r.values())
        if numeric:
            cells = [int(c) if c.isdigit() and not c.startswith("0") else c for c in cells]
        sheet.append(cells)
    book.save(path)


def test_excel_sheet_reads_like_the_csv(tmp_path: Path) -> None:
    rows = dict_rows(EMPLOYMENT)
    write_workbook(tmp_path / "jobs.xlsx", rows)
    query = {**JOBS_QUERY, "path": "jobs.xlsx", "sheet": "Ark1", "header_row": 2}
    obs = fetch(query, tmp_path, ExcelSource)
    expected = fetch(JOBS_QUERY)
    assert list(obs.areas) == list(expected.areas)
    assert all(isinstance(a, str) for a in obs.areas)
    assert list(obs.periods) == list(expected.periods)  # numbers 2019 become "2019"
    np.testing.assert_array_equal(obs.values, expected.values)
    assert obs.provenance.source == "excel"
    assert obs.provenance.table == "11618"
    by_number = fetch({**query, "sheet": 1}, tmp_path, ExcelSource)
    np.testing.assert_array_equal(by_number.values, expected.values)


def test_excel_text_cells_use_the_number_format(tmp_path: Path) -> None:
    rows = [
        {**r, "employed_by_workplace_jobs": r["employed_by_workplace_jobs"] + ",0"}
        for r in dict_rows(EMPLOYMENT)
    ]
    rows[0]["employed_by_workplace_jobs"] = ".."
    write_workbook(tmp_path / "jobs.xlsx", rows, numeric=False)
    query = {**JOBS_QUERY, "path": "jobs.xlsx", "header_row": 2, "decimal": ","}
    obs = fetch({**query, "missing": [".."]}, tmp_path, ExcelSource)
    assert math.isnan(obs.values[0])
    assert obs.values[1] == 5837.0
    msg = error_of(query, tmp_path, ExcelSource)
    assert msg.startswith("jobs.xlsx [Ark1] row 3: column 'employed_by_workplace_jobs'")


def test_excel_mistakes(tmp_path: Path) -> None:
    write_workbook(tmp_path / "jobs.xlsx", dict_rows(EMPLOYMENT))
    query = {**JOBS_QUERY, "path": "jobs.xlsx", "header_row": 2}
    assert "no sheet 'ark 1'; did you mean 'Ark1'?" in error_of(
        {**query, "sheet": "ark 1"}, tmp_path, ExcelSource
    )
    assert "no sheet number 3" in error_of({**query, "sheet": 3}, tmp_path, ExcelSource)
    msg = error_of({**query, "header_row": 1}, tmp_path, ExcelSource)
    assert "no column 'code_at_time'" in msg
    shutil.copy(DATA / EMPLOYMENT, tmp_path / "jobs_csv.xlsx")
    msg = error_of({**query, "path": "jobs_csv.xlsx"}, tmp_path, ExcelSource)
    assert "not an Excel workbook" in msg


def test_excel_without_openpyxl_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_workbook(tmp_path / "jobs.xlsx", dict_rows(EMPLOYMENT))
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    msg = error_of({**JOBS_QUERY, "path": "jobs.xlsx"}, tmp_path, ExcelSource)
    assert 'pip install "regionplan[excel]"' in msg


# -- registration ---------------------------------------------------------------------------


def test_the_module_registers_csv_and_excel() -> None:
    registered: dict[str, type] = {}
    tabular.regionplan_register_sources(register=registered.__setitem__)
    assert registered == {"csv": CsvSource, "excel": ExcelSource}
