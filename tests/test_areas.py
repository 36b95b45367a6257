"""Tests of regionplan.data.areas on real SSB data (the package's bundled municipality figures,
``regionplan/_resources/norway``, and tests/data/norway) and on generated tables.

The expected values are computed in the tests from the raw rows with plain pandas,
never through the library, except for the three published regional job totals.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regionplan.data.areas import (
    Aggregation,
    AreaError,
    ChangeRecord,
    CodeChanges,
    CodeMapping,
    CodeValidity,
    aggregate,
    vintage_date,
)
from regionplan.data.series import Observations, Provenance, Series
from regionplan.plan.periods import Period, PeriodSpec
from regionplan.plan.units import parse_unit

if TYPE_CHECKING:
    import pint

DATA = Path(__file__).parent / "data" / "norway"
KLASS = Path(__file__).parents[1] / "src" / "regionplan" / "_resources" / "klass131_changes.csv"
#: Population (07459) and jobs (11618) of every municipality, as the package ships them.
NATIONAL = KLASS.parent / "norway"
D = dt.date
V2024 = D(2024, 1, 1)
SSB = Provenance("csv", table="07459", licence="CC BY 4.0", credit="Kilde: Statistisk sentralbyrå")


# -- real data ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def population_rows() -> pd.DataFrame:
    return pd.read_csv(NATIONAL / "population_07459_2005_2024.csv.gz", dtype={"code": str})


@pytest.fixture(scope="module")
def population(population_rows: pd.DataFrame) -> Series:
    rows = population_rows
    obs = Observations(rows.code, rows.year.astype(str), rows.population, "person", SSB)
    return Series.from_observations([obs], unit="person", period_spec=PeriodSpec("instant", month=1, day=1))


@pytest.fixture(scope="module")
def klass_rows() -> pd.DataFrame:
    return pd.read_csv(KLASS, dtype={"old_code": str, "new_code": str})


@pytest.fixture(scope="module")
def garder_codes() -> pd.DataFrame:
    return pd.read_csv(DATA / "gardermoregionen_municipality_codes.csv", dtype=str)


def jan1(year: int) -> Period:
    return Period.instant(D(year, 1, 1))


def test_bundled_records_are_the_klass_table(klass_rows: pd.DataFrame) -> None:
    changes = CodeChanges.bundled()
    assert CodeChanges.bundled() is changes  # read once
    assert len(changes.records) == len(klass_rows) == 516
    assert changes.change_dates[0] == D(2011, 1, 1)
    assert changes.change_dates[-1] == V2024
    splits = {(s.code, s.change_date.year): s.parts for s in changes.splits()}
    assert splits == {
        ("0720", 2017): ("0704", "0710"),
        ("1850", 2020): ("1806", "1875"),
        ("5012", 2020): ("5055", "5056", "5059"),
        ("1507", 2024): ("1508", "1580"),
    }


def test_validity_follows_ullensaker_through_two_reforms() -> None:
    changes = CodeChanges.bundled()
    assert changes.validity("0235") == CodeValidity(None, D(2020, 1, 1))
    assert changes.validity("3033") == CodeValidity(D(2020, 1, 1), V2024)
    assert changes.validity("3209") == CodeValidity(V2024, None)
    assert changes.is_valid("0235", D(2019, 12, 31))
    assert not changes.is_valid("0235", D(2020, 1, 1))
    assert changes.is_valid("3033", D(2023, 12, 31))
    assert not changes.is_valid("3033", V2024)
    # Oslo never appears in the records: assumed valid, not bounded.
    assert "0301" not in changes
    assert changes.validity("0301") == CodeValidity(None, None)
    assert changes.is_valid("0301", D(1990, 1, 1))


def test_gardermoregionen_codes_map_as_published(garder_codes: pd.DataFrame) -> None:
    changes = CodeChanges.bundled()
    for row in garder_codes.itertuples():
        old, mid, new = row.code_until_2019, row.code_2020_2023, row.code_from_2024
        assert changes.successors(old, V2024) == (new,), row.name
        assert changes.successors(old, D(2021, 6, 1)) == (mid,), row.name
        assert changes.successors(mid, V2024) == (new,), row.name
        assert changes.successors(new, V2024) == (new,)
        assert changes.successors(new, D(2019, 1, 1)) == ()  # not yet valid
        assert changes.predecessors(new) == tuple(sorted((old, mid)))
        assert changes.name(new) == row.name
    # Nes in Akershus is not Nes in Buskerud.
    assert changes.successors("0236", V2024) == ("3228",)
    assert changes.successors("0616", V2024) != ("3228",)
    assert changes.name("0236", D(2019, 1, 1)) == "Nes (Akershus)"
    assert changes.name("0616", D(2019, 1, 1)) == "Nes (Buskerud)"


def _code_in_2024(klass_rows: pd.DataFrame) -> dict[tuple[str, int], str | None]:
    """(code, year) -> the code valid in 2024, following renumberings and mergers in
    plain pandas; ``None`` when the way passes a split."""
    changes = klass_rows[klass_rows.old_code != klass_rows.new_code]
    news = changes.groupby(["old_code", "change_year"]).new_code.apply(list).to_dict()
    years = changes.groupby("old_code").change_year.apply(sorted).to_dict()

    def follow(code: str, year: int) -> str | None:
        later = [y for y in years.get(code, []) if y > year]
        if not later:
            return code
        new = news[code, later[0]]
        return follow(new[0], later[0]) if len(new) == 1 else None

    codes = set(klass_rows.old_code) | set(klass_rows.new_code)
    return {(c, y): follow(c, y) for c in codes for y in range(2005, 2025)}


def test_every_2024_municipality_is_the_sum_of_its_parts(
    population: Series, population_rows: pd.DataFrame, klass_rows: pd.DataFrame
) -> None:
    """2017-2024, where the files are complete: the mapped value of each 2024 code
    equals the sum of the raw rows of the codes that became it (grouped by pandas)."""
    mapped = CodeMapping(CodeChanges.bundled(), V2024).map_series(population).series
    to_2024 = _code_in_2024(klass_rows)
    rows = population_rows[population_rows.year >= 2017].copy()
    rows["target"] = [to_2024.get((c, y), c) for c, y in zip(rows.code, rows.year, strict=True)]
    split_parts = klass_rows[klass_rows.record_kind == "split_part"]
    touched_by_splits = {
        to_2024[code, year] for code, year in zip(split_parts.new_code, split_parts.change_year, strict=True)
    }
    rows = rows[rows.target.notna() & ~rows.target.isin(touched_by_splits)]
    sums = rows.groupby(["year", "target"]).population.agg(["sum", "count"])
    for (year, target), (total, _) in sums.iterrows():
        assert mapped.value(target, jan1(int(year))) == total, (year, target)
    # Many of them are real mergers: 2018 (Trøndelag, Vestfold), 2020 (the big reform).
    merged = sums[sums["count"] > 1].reset_index()
    counts = merged.groupby("year").size()
    assert counts[2017] >= 35
    assert counts[2019] >= 35
    # Where parts were split without weights, the targets are NaN before the split.
    for code, year in zip(split_parts.new_code, split_parts.change_year, strict=True):
        assert np.isnan(mapped.value(to_2024[code, year], jan1(year - 1))), code
        assert not np.isnan(mapped.value(to_2024[code, year], jan1(year))), code


def test_drammen_asker_lillestrom_by_hand(population_rows: pd.DataFrame, population: Series) -> None:
    mapped = CodeMapping(CodeChanges.bundled(), V2024).map_series(population)
    rows2019 = population_rows[population_rows.year == 2019].set_index("code").population
    for target, parts in {
        "3301": ["0602", "0625", "0711"],  # Drammen, Nedre Eiker, Svelvik
        "3203": ["0220", "0627", "0628"],  # Asker, Røyken, Hurum
        "3205": ["0226", "0227", "0231"],  # Sørum, Fet, Skedsmo -> Lillestrøm
    }.items():
        assert mapped.series.value(target, jan1(2019)) == rows2019[parts].sum()
        assert mapped.sources_of(target)[: len(parts)] == tuple(sorted(parts))


def test_national_total_is_conserved_2017_to_2024(population: Series) -> None:
    check = pd.read_csv(DATA / "checks" / "population_national_sum_check.csv")
    national = check.set_index("year").national_total_07459_via_csdata
    mapped = CodeMapping(CodeChanges.bundled(), V2024, split_policy="equal").map_series(population)
    for year in range(2017, 2025):
        column = mapped.series.values[:, mapped.series.periods.index(jan1(year))]
        assert not np.isnan(column).any(), year
        assert column.sum() == pytest.approx(national[year], abs=1e-6), year
    assert mapped.series.areas == tuple(sorted(mapped.series.areas))
    assert len(mapped.series.areas) == 357  # the 2024 municipalities
    assert mapped.assumed == ("1507", "1850", "5012")
    assert "equal split weights assumed" in mapped.series.provenance[-1].notes


def test_splits_are_flagged_without_weights(population: Series, population_rows: pd.DataFrame) -> None:
    mapping = CodeMapping(CodeChanges.bundled(), V2024)
    mapped = mapping.map_series(population)
    assert {"1850", "5012", "1507"} <= set(mapped.flagged)
    assert mapped.targets_of("5012") == ()
    incomplete = set(mapped.incomplete_cells())
    for target in ("5055", "5056", "5059", "1806", "1875"):
        assert np.isnan(mapped.series.value(target, jan1(2019)))
        assert (target, jan1(2019)) in incomplete
        assert not np.isnan(mapped.series.value(target, jan1(2020)))
    # With allow_partial the parts that are not split are summed: Heim = Hemne + Halsa.
    partial = mapping.map_series(population, allow_partial=True)
    rows2019 = population_rows[population_rows.year == 2019].set_index("code").population
    assert partial.series.value("5055", jan1(2019)) == rows2019[["5011", "1571"]].sum()
    assert (("5055", jan1(2019))) in set(partial.incomplete_cells())


def test_split_weights_share_the_value(population: Series, population_rows: pd.DataFrame) -> None:
    weights = {("5012", "5055"): 0.5, ("5012", "5056"): 0.3, ("5012", "5059"): 0.2}
    mapped = CodeMapping(CodeChanges.bundled(), V2024, split_weights=weights).map_series(population)
    rows2019 = population_rows[population_rows.year == 2019].set_index("code").population
    snillfjord = rows2019["5012"]
    assert mapped.series.value("5055", jan1(2019)) == pytest.approx(
        rows2019[["5011", "1571"]].sum() + 0.5 * snillfjord
    )
    shares = {k.target: k.weight for k in mapped.links if k.source == "5012"}
    assert shares == pytest.approx({"5055": 0.5, "5056": 0.3, "5059": 0.2})
    assert "5012" not in mapped.flagged
    assert "1850" in mapped.flagged  # still no weights for Tysfjord


@pytest.mark.parametrize(
    "weights",
    [
        {("0235", "3033"): 1.0},  # not a split
        {("5012", "5055"): 0.5, ("5012", "5056"): 0.5},  # a part without weight
        {("5012", "5055"): 0.5, ("5012", "5056"): 0.3, ("5012", "5059"): 0.3},  # sum 1.1
        {("1850", "1806"): -0.5, ("1850", "1875"): 1.5},
    ],
)
def test_bad_split_weights_are_refused(weights: dict[tuple[str, str], float]) -> None:
    with pytest.raises(AreaError):
        CodeMapping(CodeChanges.bundled(), V2024, split_weights=weights)


def test_unknown_split_policy_is_refused() -> None:
    with pytest.raises(AreaError, match="split_policy"):
        CodeMapping(CodeChanges.bundled(), V2024, split_policy="guess")  # type: ignore[arg-type]


def test_years_with_missing_parts_are_nan_not_partial_sums(
    population: Series, population_rows: pd.DataFrame
) -> None:
    """Before 2017 the files lack Stokke (0720), which later went partly to Tønsberg."""
    mapping = CodeMapping(CodeChanges.bundled(), V2024, split_policy="equal")
    mapped = mapping.map_series(population)
    assert np.isnan(mapped.series.value("3905", jan1(2016)))
    assert ("3905", jan1(2016)) in set(mapped.incomplete_cells())
    partial = mapping.map_series(population, allow_partial=True)
    rows2016 = population_rows[population_rows.year == 2016].set_index("code").population
    assert partial.series.value("3905", jan1(2016)) == rows2016[["0704", "0716"]].sum()
    # Inderøy 1723/1729 are absent up to 2011; nothing present is NaN, not incomplete.
    assert np.isnan(mapped.series.value("5053", jan1(2011)))
    assert not np.isnan(mapped.series.value("5053", jan1(2012)))


def test_a_code_absent_in_a_year_it_did_not_exist_is_not_missing(population: Series) -> None:
    mapped = CodeMapping(CodeChanges.bundled(), V2024).map_series(population)
    # 0235 has no value in 2020 (it had become 3033): 3209 is complete in every year.
    assert not np.isnan(mapped.series.row("3209")).any()
    assert not any(area == "3209" for area, _ in mapped.incomplete_cells())
    assert mapped.off_vintage == ()
    assert mapped.unmappable == {}
    assert "0301" in mapped.unrecorded


def test_a_series_already_in_the_target_codes_is_kept(population: Series) -> None:
    """Values published in 2024 codes for earlier years are mapped and reported."""
    rows = ["3209", "3228"]
    values = np.array([[100.0, 110.0, 120.0], [50.0, 55.0, 60.0]])
    periods = [jan1(2019), jan1(2022), jan1(2024)]
    series = Series(rows, periods, values, population.unit)
    mapped = CodeMapping(CodeChanges.bundled(), V2024).map_series(series)
    np.testing.assert_array_equal(mapped.series.values, values)
    assert ("3209", jan1(2019)) in mapped.off_vintage
    assert ("3209", jan1(2024)) not in mapped.off_vintage


def test_mapping_back_to_an_earlier_vintage_is_refused_per_code(population: Series) -> None:
    mapping = CodeMapping(CodeChanges.bundled(), D(2019, 1, 1))
    mapped = mapping.map_series(population)
    assert "3209" in mapped.unmappable
    assert mapped.series.value("0301", jan1(2024)) == population.value("0301", jan1(2024))
    with pytest.raises(AreaError, match="cannot be mapped back"):
        mapping.resolve("3209", V2024)


def test_vintage_date_is_the_last_day_covered() -> None:
    assert vintage_date(Period.quarter(2019, 4)) == D(2019, 12, 31)
    assert vintage_date(jan1(2020)) == D(2020, 1, 1)
    assert vintage_date(Period.year(2019)) == D(2019, 12, 31)


# -- jobs in Gardermoregionen ---------------------------------------------------------


@pytest.fixture(scope="module")
def jobs_rows() -> pd.DataFrame:
    rows = pd.read_csv(NATIONAL / "jobs_11618_2017_2022.csv.gz", dtype={"code": str})
    return rows.assign(reference_period=rows.year.astype(str) + "K4")


def _series(rows: pd.DataFrame, column: str, unit: str) -> Series:
    obs = Observations(rows.code, rows.reference_period, rows[column], unit, SSB)
    return Series.from_observations([obs], unit=unit)


def test_gardermoregionen_jobs(jobs_rows: pd.DataFrame, garder_codes: pd.DataFrame) -> None:
    jobs = _series(jobs_rows, "employed_by_workplace", "job")
    mapped = CodeMapping(CodeChanges.bundled(), V2024).map_series(jobs)
    region = {"Gardermoregionen": list(garder_codes.code_from_2024)}
    result = aggregate(mapped.series, region, Aggregation.SUM)
    q4 = {year: Period.quarter(year, 4) for year in range(2017, 2023)}
    assert result.series.value("Gardermoregionen", q4[2019]) == 46_461
    assert result.series.value("Gardermoregionen", q4[2020]) == 42_928
    assert result.series.value("Gardermoregionen", q4[2022]) == 47_815
    assert result.coverage("Gardermoregionen", q4[2019]) == (6, 6)
    # The same from the raw rows with pandas, every year, in the codes of each year.
    own = set(garder_codes.code_until_2019) | set(garder_codes.code_2020_2023)
    raw = jobs_rows[jobs_rows.code.isin(own)].groupby("year").employed_by_workplace.sum()
    for year, total in raw.items():
        assert result.series.value("Gardermoregionen", q4[int(year)]) == total


def test_employment_rate_is_a_ratio_of_sums(jobs_rows: pd.DataFrame, garder_codes: pd.DataFrame) -> None:
    changes = CodeMapping(CodeChanges.bundled(), V2024)
    rate_rows = jobs_rows.assign(
        rate=jobs_rows.employed_by_residence / jobs_rows.population_15_74_residence * 100
    )
    rate = changes.map_series(_series(rate_rows, "rate", "percent")).series
    base = changes.map_series(_series(jobs_rows, "population_15_74_residence", "person")).series
    members = list(garder_codes.code_from_2024)
    result = aggregate(rate, {"G": members}, "weighted_mean", weights=base)
    own_codes = set(garder_codes.code_until_2019) | set(garder_codes.code_2020_2023)
    own = rate_rows[rate_rows.code.isin(own_codes)]
    sums = own.groupby("year")[["employed_by_residence", "population_15_74_residence"]].sum()
    plain = own.groupby("year").rate.mean()
    for year, row in sums.iterrows():
        expected = row.employed_by_residence / row.population_15_74_residence * 100
        value = result.series.value("G", Period.quarter(int(year), 4))
        assert value == pytest.approx(expected, rel=1e-12)
        assert value != pytest.approx(plain[year], rel=1e-6)  # not a mean of ratios


def test_aggregation_none_and_bad_groups_raise(population: Series) -> None:
    with pytest.raises(AreaError, match="NONE"):
        aggregate(population, {"x": ["0301"]}, Aggregation.NONE)
    with pytest.raises(AreaError, match="unknown aggregation"):
        aggregate(population, {"x": ["0301"]}, "median")
    with pytest.raises(AreaError, match="weight series"):
        aggregate(population, {"x": ["0301"]}, "weighted_mean")
    with pytest.raises(AreaError, match="not among"):
        aggregate(population, {"x": ["0301", "9999"]}, "sum")
    with pytest.raises(AreaError, match="twice"):
        aggregate(population, {"x": ["0301", "0301"]}, "sum")
    with pytest.raises(AreaError, match="no members"):
        aggregate(population, {"x": []}, "sum")


def test_partial_regions_are_nan_unless_allowed(population: Series) -> None:
    # 0235 (until 2019) and 3209 (from 2024): never both present.
    group = {"G": ["0235", "0301"]}
    strict = aggregate(population, group, "sum")
    partial = aggregate(population, group, "sum", allow_partial=True)
    p2024 = jan1(2024)
    assert np.isnan(strict.series.value("G", p2024))
    assert partial.series.value("G", p2024) == population.value("0301", p2024)
    assert partial.coverage("G", p2024) == (1, 2)
    assert strict.coverage("G", jan1(2019)) == (2, 2)
    assert strict.complete[0, strict.series.periods.index(jan1(2019))]


# -- custom tables -------------------------------------------------------------------


def test_a_region_can_supply_its_own_table() -> None:
    text = "old_code,new_code,change_date,old_name,new_name\nA,C,2020-01-01,Aa,Cc\nB,C,2020-01-01,Bb,Cc\n"
    changes = CodeChanges.from_csv(io.StringIO(text), source="own table")
    assert changes.successors("A", D(2021, 1, 1)) == ("C",)
    assert changes.predecessors("C") == ("A", "B")
    assert changes.name("A") == "Aa"
    assert changes.name("C", D(2019, 1, 1)) is None
    assert changes.is_valid("A", D(2019, 12, 31)) and not changes.is_valid("A", D(2020, 1, 1))
    same = CodeChanges.from_records(
        [
            {"old_code": "A", "new_code": "C", "change_date": "2020-01-01"},
            ChangeRecord("B", "C", D(2020, 1, 1)),
        ]
    )
    assert same.successors("B", D(2020, 1, 1)) == ("C",)


@pytest.mark.parametrize(
    "rows",
    [
        [("A", "B", "2020-01-01"), ("A", "B", "2020-01-01")],  # duplicate
        [("A", "B", "2020-01-01"), ("A", "C", "2021-01-01")],  # ends twice
        [("X", "B", "2020-01-01"), ("Y", "B", "2021-01-01")],  # starts twice
        [("A", "", "2020-01-01")],
        [("A", "B", "1.1.2020")],
    ],
)
def test_contradictory_tables_are_refused(rows: list[tuple[str, str, str]]) -> None:
    records = [{"old_code": o, "new_code": n, "change_date": d} for o, n, d in rows]
    with pytest.raises(AreaError):
        CodeChanges.from_records(records)


def test_codes_are_strings() -> None:
    with pytest.raises(TypeError, match="leading zeros"):
        ChangeRecord(235, "3033", D(2020, 1, 1))  # type: ignore[arg-type]


def test_same_code_records_stay() -> None:
    changes = CodeChanges.from_records(
        [
            ChangeRecord("K", "K", D(2020, 1, 1)),  # K keeps its code and receives L
            ChangeRecord("L", "K", D(2020, 1, 1)),
            ChangeRecord("M", "M", D(2021, 1, 1), "Old name", "New name"),
        ]
    )
    assert changes.validity("K") == CodeValidity(None, None)
    assert changes.successors("K", D(2022, 1, 1)) == ("K",)
    assert changes.successors("L", D(2022, 1, 1)) == ("K",)
    assert changes.name("M", D(2020, 6, 1)) == "Old name"
    assert changes.name("M") == "New name"
    unit = _unit()
    series = Series(
        ["K", "L", "M"],
        [jan1(2019), jan1(2020)],
        np.array([[1.0, 5.0], [2.0, np.nan], [7.0, 7.0]]),
        unit,
    )
    mapped = CodeMapping(changes, D(2022, 1, 1)).map_series(series)
    assert mapped.series.areas == ("K", "M")
    np.testing.assert_array_equal(mapped.series.values, [[3.0, 5.0], [7.0, 7.0]])
    assert not mapped.incomplete.any()


def _unit() -> pint.Unit:
    return parse_unit("person")


# -- properties --------------------------------------------------------------------


@st.composite
def reform_histories(
    draw: st.DrawFn,
) -> tuple[list[ChangeRecord], list[dt.date], list[list[str]]]:
    """Random renumberings and mergers; new codes are always fresh, so the
    change graph is acyclic by construction. Returns the records, the date of
    each vintage and the codes valid in it."""
    n = draw(st.integers(1, 8))
    current = [f"c{i}" for i in range(n)]
    fresh = n
    records: list[ChangeRecord] = []
    days = [D(2010, 1, 1)]
    vintages = [list(current)]
    for r in range(draw(st.integers(1, 4))):
        day = D(2011 + 2 * r, 1, 1)
        order = draw(st.permutations(current))
        cuts = draw(st.lists(st.booleans(), min_size=len(order) - 1, max_size=len(order) - 1))
        groups: list[list[str]] = [[order[0]]]
        for code, cut in zip(order[1:], cuts, strict=True):
            if cut:
                groups.append([code])
            else:
                groups[-1].append(code)
        nxt = []
        for group in groups:
            action = draw(st.sampled_from(["keep", "new", "receive"]))
            if action == "keep" and len(group) == 1:
                nxt.append(group[0])
            elif action == "receive":
                keeper = group[0]
                records.append(ChangeRecord(keeper, keeper, day))
                records.extend(ChangeRecord(c, keeper, day) for c in group[1:])
                nxt.append(keeper)
            else:
                new = f"c{fresh}"
                fresh += 1
                records.extend(ChangeRecord(c, new, day) for c in group)
                nxt.append(new)
        current = nxt
        days.append(day)
        vintages.append(list(current))
    return records, days, vintages


@settings(max_examples=150, deadline=None)
@given(reform_histories(), st.data())
def test_random_renumberings_and_mergers_conserve_every_period(
    history: tuple[list[ChangeRecord], list[dt.date], list[list[str]]], data: st.DataObject
) -> None:
    records, days, vintages = history
    changes = CodeChanges.from_records(records)
    codes = sorted({c for v in vintages for c in v})
    values = np.full((len(codes), len(days)), np.nan)
    for j, valid in enumerate(vintages):
        for code in valid:
            values[codes.index(code), j] = data.draw(st.integers(0, 10**6))
    series = Series(codes, [Period.instant(d) for d in days], values, _unit())
    mapped = CodeMapping(changes, days[-1]).map_series(series)
    assert mapped.series.areas == tuple(sorted(vintages[-1]))
    assert not np.isnan(mapped.series.values).any()
    np.testing.assert_array_equal(mapped.series.values.sum(axis=0), np.nansum(values, axis=0))
    assert not mapped.incomplete.any()
    for code in codes:
        assert (
            changes.successors(code, days[-1]) == mapped.targets_of(code)
            or np.isnan(values[codes.index(code)]).all()
        )


@settings(max_examples=100, deadline=None)
@given(reform_histories(), st.data())
def test_dropping_a_part_makes_its_target_nan(
    history: tuple[list[ChangeRecord], list[dt.date], list[list[str]]], data: st.DataObject
) -> None:
    records, days, vintages = history
    changes = CodeChanges.from_records(records)
    codes = sorted({c for v in vintages for c in v})
    values = np.full((len(codes), len(days)), np.nan)
    for j, valid in enumerate(vintages):
        for code in valid:
            values[codes.index(code), j] = 1.0
    j = data.draw(st.integers(0, len(days) - 1))
    lost = data.draw(st.sampled_from(vintages[j]))
    values[codes.index(lost), j] = np.nan
    series = Series(codes, [Period.instant(d) for d in days], values, _unit())
    mapped = CodeMapping(changes, days[-1]).map_series(series)
    (target,) = changes.successors(lost, days[-1])
    assert np.isnan(mapped.series.value(target, series.periods[j]))
    others = [t for t in mapped.series.areas if t != target]
    assert not np.isnan(mapped.series.select_areas(others).values).any()


@st.composite
def member_data(draw: st.DrawFn) -> tuple[Series, Series, dict[str, list[str]]]:
    n_areas = draw(st.integers(1, 8))
    n_periods = draw(st.integers(1, 4))
    areas = [f"a{i}" for i in range(n_areas)]
    finite = st.floats(-1e6, 1e6, allow_nan=False)
    cells = st.one_of(finite, st.just(np.nan))
    x = np.array(draw(st.lists(cells, min_size=n_areas * n_periods, max_size=n_areas * n_periods)))
    w = np.array(
        draw(st.lists(st.floats(0.01, 1e6), min_size=n_areas * n_periods, max_size=n_areas * n_periods))
    )
    periods = [Period.year(2000 + j) for j in range(n_periods)]
    unit = _unit()
    values = Series(areas, periods, x.reshape(n_areas, n_periods), unit)
    weights = Series(areas, periods, w.reshape(n_areas, n_periods), unit)
    groups = {
        f"g{k}": draw(st.lists(st.sampled_from(areas), min_size=1, unique=True))
        for k in range(draw(st.integers(1, 4)))
    }
    return values, weights, groups


@settings(max_examples=150, deadline=None)
@given(member_data(), st.booleans())
def test_sum_over_members_equals_the_region(
    case: tuple[Series, Series, dict[str, list[str]]], allow_partial: bool
) -> None:
    values, _, groups = case
    result = aggregate(values, groups, "sum", allow_partial=allow_partial)
    for g, members in groups.items():
        rows = values.select_areas(members).values
        for j, period in enumerate(values.periods):
            col = rows[:, j]
            got = result.series.value(g, period)
            n_present = int((~np.isnan(col)).sum())
            assert result.coverage(g, period) == (n_present, len(members))
            if n_present == len(members) or (allow_partial and n_present):
                assert got == pytest.approx(np.nansum(col))
            else:
                assert np.isnan(got)


@settings(max_examples=150, deadline=None)
@given(member_data())
def test_weighted_mean_lies_within_the_members(
    case: tuple[Series, Series, dict[str, list[str]]],
) -> None:
    values, weights, groups = case
    result = aggregate(values, groups, "weighted_mean", weights=weights, allow_partial=True)
    for g, members in groups.items():
        rows = values.select_areas(members).values
        for j, period in enumerate(values.periods):
            col = rows[:, j][~np.isnan(rows[:, j])]
            got = result.series.value(g, period)
            if col.size == 0:
                assert np.isnan(got)
            else:
                slack = 1e-9 * max(1.0, float(np.abs(col).max()))
                assert col.min() - slack <= got <= col.max() + slack
