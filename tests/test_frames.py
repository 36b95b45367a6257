"""Data frames in and out: a tidy DataFrame as data, ``to_frame``/``goals_frame``, the status
arrays, the notebook display and a short ``repr``.

Everything runs on the reference example's real figures (``examples/gardermoregionen``) with
the SSB source offline, so the metrics that need a live fetch have no data.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import regionplan
from regionplan.data.dataset import fetch_observations
from regionplan.data.frames import member_series, series_from_frame
from regionplan.data.sources import SourceContext
from regionplan.errors import DataSourceError
from regionplan.evaluation.evaluator import Evaluation
from regionplan.evaluation.explain_data import explain_origin
from regionplan.evaluation.status import Status
from regionplan.plan.model import Plan
from regionplan.plan.periods import Period
from regionplan.report import notebook

pd = pytest.importorskip("pandas")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gardermoregionen"
AS_OF = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return regionplan.load_plan(EXAMPLE)


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> SourceContext:
    return SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path_factory.mktemp("cache"), offline=True)


@pytest.fixture(scope="module")
def by_csv(plan: Plan, context: SourceContext) -> Evaluation:
    return regionplan.evaluate(plan, as_of=AS_OF, context=context)


@pytest.fixture(scope="module")
def tidy(plan: Plan, context: SourceContext) -> Any:
    """The observations the sources read, as one tidy frame (what an analyst holds)."""
    observations, _ = fetch_observations(plan, context=context)
    units = {m.id: m.unit for m in plan.metrics}
    parts = [
        pd.DataFrame(
            {
                "metric": mid,
                "area": b.areas.astype(str),
                "period": b.periods.astype(str),
                "value": b.values,
                "unit": b.unit or units[mid],
            }
        )
        for mid, batches in observations.items()
        for b in batches
    ]
    return pd.concat(parts, ignore_index=True)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


# -- a DataFrame in -------------------------------------------------------------------------


def test_a_tidy_frame_gives_what_the_csv_route_gives(plan: Plan, by_csv: Evaluation, tidy: Any) -> None:
    assert len(tidy) > 100 and {"population", "jobs"} <= set(tidy["metric"])
    by_frame = regionplan.evaluate(plan, data=tidy, as_of=AS_OF)
    assert [t.target.id for t in by_frame.targets] == [t.target.id for t in by_csv.targets]
    measured = 0
    for a, b in zip(by_frame.targets, by_csv.targets, strict=True):
        assert a.status is b.status, a.target.id
        assert a.reason == b.reason and a.baseline == b.baseline and a.latest == b.latest
        assert a.progress == b.progress and a.projection == b.projection and a.coverage == b.coverage
        if b.status is not Status.INSUFFICIENT_DATA:
            measured += 1
            # the same words, less the CSV route's sentences on where its data came from
            # (SSB did not answer; the local copy was used): a frame has no sources
            for lang in ("en", "nb"):
                expected = b.explain(lang)
                for sentence in explain_origin(b, lang):
                    expected = expected.replace(" " + sentence, "")
                assert explain_origin(a, lang) == []
                assert a.explain(lang) == expected
    assert measured >= 2
    assert [g.status for g in by_frame.goals] == [g.status for g in by_csv.goals]


def test_a_mapping_of_observations_or_per_metric_frames_is_taken_alike(
    plan: Plan, context: SourceContext, tidy: Any
) -> None:
    observations, _ = fetch_observations(plan, context=context)
    from_frame = member_series(plan, tidy)
    from_observations = member_series(plan, observations)
    per_metric = {m: part.drop(columns="metric") for m, part in tidy.groupby("metric")}
    from_parts = member_series(plan, per_metric)
    assert isinstance(from_frame, dict) and isinstance(from_observations, dict)
    assert isinstance(from_parts, dict)
    indexed = {m: part.set_index(["area", "period"])["value"] for m, part in tidy.groupby("metric")}
    from_indexed = member_series(plan, indexed)
    assert isinstance(from_indexed, dict)
    assert set(from_frame) == set(from_observations) == set(from_parts) == set(from_indexed)
    for mid, series in from_frame.items():
        assert series == from_observations[mid] == from_parts[mid] == from_indexed[mid], mid


def _one(plan: Plan, **columns: Any) -> Any:
    frame = pd.DataFrame({"metric": "jobs", "area": ["3209", "3209"], **columns})
    return series_from_frame(plan, frame)["jobs"]


def test_periods_as_labels_ssb_months_numbers_or_pandas_periods(plan: Plan) -> None:
    by_label = _one(plan, period=["2019", "2020"], value=[1.0, 2.0])
    assert [p.label for p in by_label.periods] == ["2019Q4", "2020Q4"]  # jobs are counted in Q4
    quarters = pd.PeriodIndex(["2019Q4", "2020Q4"], freq="Q")
    assert _one(plan, period=quarters, value=[1.0, 2.0]) == by_label
    assert _one(plan, period=[2019, 2020], value=[1.0, 2.0]) == by_label
    months = _one(plan, period=["2020M03", "2020M04"], value=[1.0, 2.0])
    assert months.periods == (Period.month(2020, 3), Period.month(2020, 4))
    monthly = pd.PeriodIndex(["2020-03", "2020-04"], freq="M")
    assert _one(plan, period=monthly, value=[1.0, 2.0]) == months


def test_units_are_converted_and_member_ids_read_as_codes(plan: Plan) -> None:
    member = plan.region.municipalities[0]
    frame = pd.DataFrame(
        {
            "Metric": ["population", "population"],
            "AREA": [member.id, "3238"],
            "period": ["2024", "2024"],
            "value": [1.5, 2.0],
            "unit": ["kiloperson", ""],
        }
    )
    series = series_from_frame(plan, frame)["population"]
    current = max(member.codes, key=lambda c: c.valid_from or dt.date.min).code
    assert series.value(current, series.periods[0]) == pytest.approx(1500.0)
    assert series.value("3238", series.periods[0]) == 2.0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"metric": "jobz"}, ["row 1", "column 'metric'", "no metric 'jobz'"]),
        ({"metric": "jobs_per_resident_15_74"}, ["row 1", "derived"]),
        ({"value": "12 000"}, ["row 1", "column 'value'", "'12 000' is not a number"]),
        ({"unit": "NOK"}, ["row 1", "column 'unit'", "'NOK' cannot be converted"]),
        ({"unit": "furlong per fortnight per glork"}, ["column 'unit'", "cannot be converted"]),
        ({"period": "2020H1"}, ["row 1", "column 'period'", "no period"]),
        ({"period": "2017"}, ["rows 0 and 1", "metric 'jobs', area '3209', period '2017'"]),
        ({"value": -5.0}, ["row 1", "below zero"]),
        ({"area": ""}, ["row 1", "column 'area' is empty"]),
    ],
)
def test_bad_rows_are_named(plan: Plan, change: dict[str, Any], words: list[str]) -> None:
    frame = pd.DataFrame(
        {"metric": "jobs", "area": "3209", "period": ["2017", "2018"], "value": [10.0, 11.0], "unit": "job"}
    )
    for column, value in change.items():
        frame[column] = frame[column].astype(object)
        frame.loc[1, column] = value
    with pytest.raises(DataSourceError) as caught:
        regionplan.evaluate(plan, data=frame, as_of=AS_OF)
    for w in words:
        assert w in str(caught.value), str(caught.value)


def test_a_missing_column_or_numeric_codes_are_refused(plan: Plan) -> None:
    with pytest.raises(DataSourceError, match=r"no column 'period'.*it has 'metric', 'area', 'value'"):
        series_from_frame(plan, pd.DataFrame({"metric": ["jobs"], "area": ["3209"], "value": [1.0]}))
    numbers = pd.DataFrame({"metric": ["jobs"], "area": [301], "period": ["2020"], "value": [1.0]})
    with pytest.raises(DataSourceError, match="area codes are text"):
        series_from_frame(plan, numbers)
    with pytest.raises(DataSourceError, match="not list"):
        member_series(plan, [1, 2])
    with pytest.raises(DataSourceError, match=r"data\['jobs'\]: give a regionplan Series"):
        member_series(plan, {"jobs": [1.0, 2.0]})


# -- frames out -------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Period):
        return value.label
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def test_to_frame_agrees_with_every_result(by_csv: Evaluation) -> None:
    frame = by_csv.to_frame(lang="nb")
    records = by_csv.to_records()
    assert len(frame) == len(records) == len(by_csv.targets)
    for row, record, result in zip(frame.to_dict("records"), records, by_csv.targets, strict=True):
        for key, expected in record.items():
            if key == "deadline":  # the period the metric reads the deadline as
                assert (row[key] is None) == (expected is None)
                continue
            got = row[key]
            assert _same(_plain(got), _plain(expected)), (key, got, expected)
        assert row["explanation"] == result.explain("nb")
        assert row["as_of"] == AS_OF
        if result.latest is not None:
            assert isinstance(row["latest_period"], Period)
            assert row["latest_period"].time == pytest.approx(result.latest.time)
        if result.coverage is not None:
            assert (row["members_with_data"], row["members"]) == result.coverage
    assert "explanation" not in by_csv.to_frame(explain=False).columns


def test_goals_frame_agrees_with_every_goal(by_csv: Evaluation) -> None:
    frame = by_csv.goals_frame()
    assert len(frame) == len(by_csv.goals)
    for row, g in zip(frame.to_dict("records"), by_csv.goals, strict=True):
        assert (row["area"], row["element"], row["status"]) == (g.area, g.element.id, g.status.value)
        assert _same(_plain(row["score"]), g.score) and row["coverage"] == pytest.approx(g.coverage)
        assert [row[s.value] for s in (Status.ACHIEVED, Status.ON_TRACK, Status.OFF_TRACK)] == [
            g.mix.get(s, 0) for s in (Status.ACHIEVED, Status.ON_TRACK, Status.OFF_TRACK)
        ]
        assert row["caveats"] == ",".join(g.caveats)
        assert row["explanation"] == g.explain("en")


# -- status arrays ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def per_member(plan: Plan, tidy: Any) -> Evaluation:
    codes = sorted({c for c in tidy["area"] if c.startswith("32")})
    return regionplan.evaluate(plan, data=tidy, as_of=AS_OF, groups={c: [c] for c in codes})


def test_status_arrays_agree_with_the_results_in_every_area(per_member: Evaluation) -> None:
    arrays = per_member.arrays
    assert list(arrays) == [b.target.id for b in per_member.batches]
    assert len(per_member.areas) == 6
    checked_path = 0
    for tid, a in arrays.items():
        assert a.status.dtype == np.int8 and list(a.areas) == list(per_member.areas)
        for i, area in enumerate(per_member.areas):
            r = per_member.target(tid, area)
            assert Status.from_code(int(a.status[i])) is r.status and a.reason[i] == r.reason
            if r.latest is None:
                assert np.isnan(a.latest_value[i]) and a.latest_period[i] is None
            else:
                assert a.latest_value[i] == r.latest.value and a.latest_period[i].label == r.latest.period
            # the required path the result draws, one point a year, at the latest period
            path = {round(p.time, 6): p.value for p in r.trajectory}
            if r.latest is not None and round(r.latest.time, 6) in path:
                assert a.path_value[i] == pytest.approx(path[round(r.latest.time, 6)])
                assert a.gap_to_path[i] == pytest.approx(r.latest.value - a.path_value[i])
                checked_path += 1
            elif not r.trajectory:
                assert np.isnan(a.path_value[i]) and np.isnan(a.gap_to_path[i])
            counted = None if np.isnan(a.members[i]) else (int(a.members_with_data[i]), int(a.members[i]))
            assert counted == r.coverage
    assert any((a.status > 0).any() for a in arrays.values())
    frame = per_member.to_frame(explain=False)
    assert len(frame) == 6 * len(arrays)
    assert checked_path >= 6  # the recovery of jobs is judged against its path in every area


# -- notebook and repr ------------------------------------------------------------------------


@pytest.fixture
def default_language() -> Iterator[None]:
    yield
    notebook.set_display_language(None)


def test_repr_is_a_few_lines(by_csv: Evaluation) -> None:
    text = repr(by_csv)
    assert len(text) < 1000
    assert "gardermoregionen" in text and "2026-11-26" in text
    counts = by_csv.counts()
    for status, n in counts.items():
        assert f"{n} {status.value}" in text


def test_the_display_is_in_the_language_asked_for(by_csv: Evaluation, default_language: None) -> None:
    first = by_csv.target(by_csv.batches[0].target.id)
    en = by_csv.display(lang="en")._repr_html_()
    nb = by_csv.display(lang="nb")._repr_html_()
    assert 'lang="en"' in en and 'lang="nb"' in nb
    assert _escaped(first.explain("en")) in en and _escaped(first.explain("nb")) in nb
    assert '<th scope="col">Reason</th>' in en and "Begrunnelse" in nb
    notebook.set_display_language("en")
    assert 'lang="en"' in by_csv._repr_html_() and 'lang="en"' in by_csv.plan._repr_html_()
    notebook.set_display_language(None)
    assert 'lang="nb"' in by_csv._repr_html_()  # the plan's first language
    with pytest.raises(ValueError, match="choose one of nb, en"):
        by_csv.display(lang="de")
    assert "characters of HTML" in repr(by_csv.display(lang="en"))


def _escaped(text: str) -> str:
    import markupsafe

    return str(markupsafe.escape(text))


# -- the how-to runs --------------------------------------------------------------------------


def test_the_pandas_how_to_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (ROOT / "docs" / "howto" / "use-with-pandas.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.S)
    assert len(blocks) >= 3
    monkeypatch.chdir(ROOT)
    scope: dict[str, Any] = {}
    exec("\n".join(blocks), scope)  # the page's own code, run as a reader would
    assert scope["frame"]["status"].notna().all()
