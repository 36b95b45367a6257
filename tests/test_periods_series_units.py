"""Units, periods and series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pint
import pytest
from hypothesis import given

from regionplan.data.series import ImpossibleValues, Observations, Provenance, Series
from regionplan.plan.periods import Period, PeriodKind, PeriodSpec, parse_period
from regionplan.plan.units import parse_unit, registry, unit_label
from strategies import long_observations

PROV = Provenance("test", table="synthetic")

# -- units -----------------------------------------------------------------------------


def test_jobs_plus_persons_raises() -> None:
    q = registry().Quantity
    with pytest.raises(pint.DimensionalityError):
        q(3, "jobs") + q(2, "persons")
    with pytest.raises(pint.DimensionalityError):
        q(1, "job").to("person")
    assert (q(10, "job") / q(5, "person")).to("job / person").magnitude == 2


def test_nok_and_mnok_convert_as_whole_series() -> None:
    s = Series(
        ("3209", "3228"),
        (Period.year(2020), Period.year(2021)),
        np.array([[1.5e6, 2e6], [3e5, np.nan]]),
        parse_unit("NOK"),
    )
    m = s.to("MNOK")
    assert m.unit == parse_unit("MNOK")
    np.testing.assert_allclose(m.values, [[1.5, 2.0], [0.3, np.nan]])
    back = m.to("NOK")
    np.testing.assert_allclose(back.values, s.values)
    assert s.to("NOK") is s
    assert s.to("kr") == s  # an alias
    with pytest.raises(pint.DimensionalityError):
        s.to("job")


def test_unit_labels_and_parsing() -> None:
    assert parse_unit("") == parse_unit("dimensionless")
    assert unit_label(parse_unit("percent")) == "%"
    assert unit_label(parse_unit("MNOK")) == "MNOK"
    with pytest.raises(pint.UndefinedUnitError):
        parse_unit("jbo")


# -- periods -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "start", "kind", "time"),
    [
        ("2020", dt.date(2020, 1, 1), PeriodKind.YEAR, 2021.0),
        ("2020Q4", dt.date(2020, 10, 1), PeriodKind.QUARTER, 2021.0),
        ("2020K2", dt.date(2020, 4, 1), PeriodKind.QUARTER, 2020.0 + 182 / 366),
        ("2020-05", dt.date(2020, 5, 1), PeriodKind.MONTH, 2020.0 + 152 / 366),
        ("2020-01-01", dt.date(2020, 1, 1), PeriodKind.INSTANT, 2020.0),
        (" 2019k4 ", dt.date(2019, 10, 1), PeriodKind.QUARTER, 2020.0),
    ],
)
def test_parse_period(label: str, start: dt.date, kind: PeriodKind, time: float) -> None:
    p = parse_period(label)
    assert (p.start, p.kind) == (start, kind)
    assert p.time == pytest.approx(time)


@pytest.mark.parametrize(
    "label", ["", "20", "2020Q5", "2020Q0", "2020-13", "2020-02-30", "Q4 2020", "2020/21"]
)
def test_bad_periods(label: str) -> None:
    with pytest.raises(ValueError):
        parse_period(label)


def test_time_axis_rule() -> None:
    # a span stands at its end, an instant at its day
    assert (
        Period.quarter(2019, 4).time
        == Period.instant(dt.date(2020, 1, 1)).time
        == Period.year(2019).time
        == 2020.0
    )
    assert Period.quarter(2019, 4).reference_date == dt.date(2020, 1, 1)
    assert Period.instant(dt.date(2020, 1, 1)).reference_date == dt.date(2020, 1, 1)
    assert Period.month(2020, 12).end == dt.date(2021, 1, 1)
    assert Period.instant(dt.date(2020, 7, 2)).time == pytest.approx(2020 + 183 / 366)
    assert Period.quarter(2019, 4).label == "2019Q4" and str(Period.month(2020, 3)) == "2020-03"
    assert sorted([Period.year(2021), Period.quarter(2020, 2), Period.year(2020)]) == [
        Period.year(2020),
        Period.quarter(2020, 2),
        Period.year(2021),
    ]


def test_period_spec_reads_year_labels() -> None:
    assert PeriodSpec().read("2019") == Period.year(2019)
    assert PeriodSpec("quarter", quarter=4).read("2019") == Period.quarter(2019, 4)
    assert PeriodSpec("instant", month=1, day=1).read("2020") == Period.instant(dt.date(2020, 1, 1))
    assert PeriodSpec("month", month=6).read("2020") == Period.month(2020, 6)
    # labels that carry their own kind are read as they are
    assert PeriodSpec("quarter", quarter=4).read("2019Q2") == Period.quarter(2019, 2)
    assert PeriodSpec("instant").read("2020-01-01") == Period.instant(dt.date(2020, 1, 1))
    assert PeriodSpec(PeriodKind.INSTANT).describe() == "counted on 1 January"
    assert PeriodSpec("quarter", quarter=4).describe() == "counted in quarter 4"


# -- series ----------------------------------------------------------------------------------


def test_from_observations_pivots_and_converts() -> None:
    obs_nok = Observations(["3209", "3228", "3209"], ["2021", "2020", "2020"], [2e6, 5e5, 1e6], "NOK", PROV)
    obs_mnok = Observations(["3228"], ["2021"], [0.75], "MNOK", PROV)
    s = Series.from_observations([obs_nok, obs_mnok], unit="MNOK")
    assert s.areas == ("3209", "3228")
    assert s.periods == (Period.year(2020), Period.year(2021))
    np.testing.assert_allclose(s.values, [[1.0, 2.0], [0.5, 0.75]])
    assert len(s.provenance) == 2
    with pytest.raises(ValueError):
        s.values[0, 0] = 3.0  # read-only
    with pytest.raises(pint.DimensionalityError):
        Series.from_observations([Observations(["x"], ["2020"], [1.0], "job", PROV)], unit="person")


def test_from_observations_reads_labels_with_the_spec_and_sorts_by_time() -> None:
    obs = Observations(["0235"] * 3, ["2020", "2018", "2019"], [3.0, 1.0, 2.0], None, PROV)
    s = Series.from_observations([obs], unit="job", period_spec=PeriodSpec("quarter", quarter=4))
    assert [p.label for p in s.periods] == ["2018Q4", "2019Q4", "2020Q4"]
    assert s.areas == ("0235",)  # the zero stays
    np.testing.assert_array_equal(s.values, [[1.0, 2.0, 3.0]])
    assert s.until(dt.date(2020, 1, 1)).periods == (Period.quarter(2018, 4), Period.quarter(2019, 4))


def test_a_later_batch_wins() -> None:
    a = Observations(["x"], ["2020"], [1.0], None, PROV)
    b = Observations(["x"], ["2020"], [2.0], None, PROV)
    assert Series.from_observations([a, b], unit="job").values[0, 0] == 2.0


def test_empty_series() -> None:
    s = Series.from_observations([Observations([], [], [], None, PROV)], unit="job")
    assert s.is_empty and s.values.shape == (0, 0)
    with pytest.raises(ValueError):
        Observations(["x"], [], [1.0], None, PROV)


@given(long_observations())
def test_random_long_observations_round_trip_through_to_frame(
    cells: tuple[list[str], list[str], list[float]],
) -> None:
    areas, labels, values = cells  # a share may be negative where a count may not
    s = Series.from_observations([Observations(areas, labels, values, None, PROV)], unit="percent")
    frame = s.to_frame()
    assert list(frame.columns) == ["area", "period", "time", "value", "unit"]
    assert len(frame) == len(s.areas) * len(s.periods)
    observed = frame.dropna(subset=["value"])
    got = {(a, p): v for a, p, v in zip(observed["area"], observed["period"], observed["value"], strict=True)}
    assert got == {(a, p): v for a, p, v in zip(areas, labels, values, strict=True)}
    assert set(frame["unit"]) == {unit_label(parse_unit("percent"))}
    assert list(s.periods) == sorted(s.periods)
    assert s.times.tolist() == [p.time for p in s.periods]
    # and back: the long frame pivots to the same series
    again = Series.from_observations(
        [Observations(observed["area"], observed["period"], observed["value"], "percent", PROV)],
        unit="percent",
    )
    assert again == s


def test_unit_labels_in_norwegian() -> None:
    from regionplan.plan.units import localized_unit, parse_unit, unit_label

    assert localized_unit(unit_label(parse_unit("job / person")), "nb") == "arbeidsplasser / personer"
    assert localized_unit(unit_label(parse_unit("MNOK")), "nb") == "mill. kr"
    assert localized_unit(unit_label(parse_unit("percent")), "nb") == "%"
    assert localized_unit("jobs", "en") == "jobs"


# -- boundaries the mutation run found untested ---------------------------------------------------


def test_time_axis_is_exact_in_common_and_leap_years() -> None:
    # a year of 365 days is not one of 366: exact to far below a day
    assert Period.instant(dt.date(2021, 7, 2)).time == pytest.approx(2021 + 182 / 365, abs=1e-12)
    assert Period.instant(dt.date(2020, 7, 2)).time == pytest.approx(2020 + 183 / 366, abs=1e-12)


def test_an_instant_ends_the_next_day() -> None:
    assert Period.instant(dt.date(2020, 2, 28)).end == dt.date(2020, 2, 29)


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_every_quarter_reads_and_labels(quarter: int) -> None:
    p = parse_period(f"2021Q{quarter}")
    assert p == Period.quarter(2021, quarter)
    assert p.start == dt.date(2021, 3 * quarter - 2, 1) and p.label == f"2021Q{quarter}"


@pytest.mark.parametrize("quarter", [0, 5])
def test_a_quarter_outside_one_to_four_says_so(quarter: int) -> None:
    with pytest.raises(ValueError, match=f"quarter must be 1 to 4, not {quarter}"):
        Period.quarter(2021, quarter)


def test_years_run_from_1_to_the_last_with_a_date_after_it() -> None:
    assert parse_period("0001") == Period.year(1)
    assert parse_period("9998Q4").end == dt.date(9999, 1, 1)
    for label in ("0000", "9999", "9999Q4", "9999-01"):
        with pytest.raises(ValueError, match=r"years run from 1 to 9998"):
            parse_period(label)


def test_a_date_reads_month_and_day_in_order() -> None:
    assert parse_period("2020-07-02").start == dt.date(2020, 7, 2)


def test_an_unreadable_label_says_what_is_expected() -> None:
    with pytest.raises(ValueError, match=r"not a period: 'Q4 2020' \(expected 2020, 2020Q4"):
        parse_period("Q4 2020")


def test_a_period_spec_keeps_the_fields_its_kind_uses_and_resets_the_others() -> None:
    assert PeriodSpec("quarter", quarter=2).read("2019") == Period.quarter(2019, 2)
    assert PeriodSpec("instant", month=3, day=15).read("2020") == Period.instant(dt.date(2020, 3, 15))
    # fields the kind does not use do not make two equal rules differ
    assert PeriodSpec("year", quarter=2, month=5, day=9) == PeriodSpec("year")
    assert PeriodSpec("quarter", quarter=2, month=5, day=9) == PeriodSpec("quarter", quarter=2)
    assert PeriodSpec("month", month=6, day=9) == PeriodSpec("month", month=6)
    assert (PeriodSpec("year").quarter, PeriodSpec("year").month, PeriodSpec("year").day) == (4, 1, 1)


def test_a_period_spec_describes_each_kind() -> None:
    assert PeriodSpec().describe() == "over the whole year"
    assert PeriodSpec("month", month=6).describe() == "counted in month 6"
    assert PeriodSpec("instant", month=3, day=15).describe() == "counted on 15 March"


def test_a_negative_count_from_any_source_is_refused() -> None:
    """A plugin source's batch passes here too: a negative count never becomes a value."""
    batch = Observations(["0235"], ["2020"], [-1.0], None, PROV)
    with pytest.raises(ImpossibleValues, match="below zero"):
        Series.from_observations([batch], unit="job")
    # the same number is a possible change in percentage points
    assert Series.from_observations([batch], unit="percent").values[0, 0] == -1.0
