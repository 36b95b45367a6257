"""Baseline sensitivity: a verdict judged again from the base periods before the stated one.

The example's balance target is checked against numbers computed here from the raw rows of
its SSB files (Kilde: Statistisk sentralbyrå); the rules are checked on small series made up
in code (one region per municipality code, so several areas are judged at once).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import attrs
import numpy as np
import pytest

import regionplan
from regionplan.data.dataset import DataSet, fetch_data
from regionplan.data.series import Series
from regionplan.data.sources import SourceContext
from regionplan.evaluation.evaluator import Evaluation, evaluate
from regionplan.evaluation.explain import explain_sensitivity
from regionplan.evaluation.projection import Projector
from regionplan.evaluation.results import TargetResult
from regionplan.evaluation.status import Evidence, Judgement, Status
from regionplan.evaluation.status_policies import DefaultPolicy
from regionplan.plan import problems as P
from regionplan.plan.files import load_plan, validate_plan
from regionplan.plan.model import (
    Contribution,
    Direction,
    Element,
    ElementKind,
    Label,
    Metric,
    Plan,
    PlanMeta,
    SourceSpec,
    Target,
    TargetKind,
)
from regionplan.plan.periods import Period
from regionplan.plan.units import parse_unit
from regionplan.plan.writer import dump_yaml
from regionplan.testing import MINIMAL_PLAN, core_extensions, write_plan
from strategies import region_of

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gardermoregionen"
AS_OF = dt.date(2026, 11, 26)
BALANCE = "t-main-jobs-keep-pace-with-population"


# -- the example, on its real data ---------------------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    with (EXAMPLE / "data" / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _jobs(year: int, code: str | None = None) -> int:
    """Jobs by workplace in Q4 ``year``, summed from the raw rows (one municipality by its 2024 code)."""
    return sum(
        int(r["employed_by_workplace_jobs"])
        for r in _rows("employment_11618_2017_2022.csv")
        if int(r["year"]) == year and r["age"] == "15-74" and code in (None, r["code_2024"])
    )


def _population(year: int, code: str | None = None) -> int:
    """Population on 1 January ``year``, summed from the raw rows."""
    return sum(
        int(r["population"])
        for r in _rows("population_1jan_2005_2026.csv")
        if int(r["year"]) == year and code in (None, r["code_2024"])
    )


def _gap(base: int, latest: int, code: str | None = None) -> float:
    """Job growth minus population growth in pp: Q4 ``base`` jobs meet the population of 1 January after."""
    jobs = 100 * (_jobs(latest, code) / _jobs(base, code) - 1)
    population = 100 * (_population(latest + 1, code) / _population(base + 1, code) - 1)
    return jobs - population


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> SourceContext:
    return SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path_factory.mktemp("cache"), offline=True)


@pytest.fixture(scope="module")
def example(context: SourceContext) -> tuple[Plan, DataSet]:
    plan = regionplan.load_plan(EXAMPLE)
    return plan, fetch_data(plan, context=context)


def _from(plan: Plan, target_id: str, baseline: str) -> Plan:
    """The plan with one target measured from another baseline."""
    targets = tuple(attrs.evolve(t, baseline=baseline) if t.id == target_id else t for t in plan.targets)
    return attrs.evolve(plan, targets=targets)


def test_the_balance_verdict_hangs_on_the_pandemic_low_point(example: tuple[Plan, DataSet]) -> None:
    """From 2020 jobs outgrow the population; from 2017, 2018 or 2019 they do not."""
    plan, data = example
    result = evaluate(_from(plan, BALANCE, "2020"), data, as_of=AS_OF).target(BALANCE)
    s = result.sensitivity
    assert s is not None and s.quantity == "gap" and s.unit == "pp" and s.window == 3
    expected = {year: _gap(year, 2022) for year in (2020, 2019, 2018, 2017)}
    assert (
        round(expected[2017], 1) == -7.5
        and round(expected[2019], 1) == -4.4
        and round(expected[2020], 1) == 6.3
    )
    got = {o.period: o.value for o in (s.stated, *s.alternatives)}
    assert list(got) == ["2020Q4", "2019Q4", "2018Q4", "2017Q4"]  # the stated one, then nearest first
    for year, value in expected.items():
        assert got[f"{year}Q4"] == pytest.approx(value, abs=1e-9)
    assert s.stated.status in {Status.ON_TRACK, Status.ACHIEVED}
    assert [a.status for a in s.alternatives] == [Status.OFF_TRACK] * 3
    assert not s.holds and s.flips
    # 2020 is the lowest jobs figure of 2017-2022, read from the raw rows
    jobs = {y: _jobs(y) for y in range(2017, 2023)}
    assert min(jobs, key=jobs.__getitem__) == 2020
    assert (s.extreme, s.series, s.neighbourhood) == ("min", "jobs", ("2017Q4", "2022Q4"))
    en, nb = explain_sensitivity(result, "en"), explain_sensitivity(result, "nb")
    assert en.startswith(
        "The verdict depends on the baseline: from 2020Q4, the low point of jobs in 2017Q4–2022Q4, +6.3 pp"
    )
    assert "from 2019Q4, −4.4 pp (off track)" in en and "from 2017Q4, −7.5 pp (off track)" in en
    assert nb.startswith("Vurderingen avhenger av utgangspunktet: fra 2020K4, bunnpunktet for arbeidsplasser")
    assert "fra 2019K4, −4,4 prosentpoeng (ikke i rute)" in nb
    assert en in result.explain("en") and nb in result.explain("nb")


def test_the_example_measures_balance_from_2019_and_the_verdict_holds(example: tuple[Plan, DataSet]) -> None:
    """The example's own baseline (the last year before the pandemic): off track from 2017, 2018 and 2019."""
    plan, data = example
    assert plan.target(BALANCE).baseline == "2019"
    s = evaluate(plan, data, as_of=AS_OF).target(BALANCE).sensitivity
    assert s is not None and s.holds and s.extreme is None
    assert s.stated.period == "2019Q4" and s.stated.status is Status.OFF_TRACK
    assert [(a.period, round(a.value or 0, 1)) for a in s.alternatives] == [
        ("2018Q4", round(_gap(2018, 2022), 1)),
        ("2017Q4", round(_gap(2017, 2022), 1)),
    ]


def test_every_municipality_gets_its_own_sensitivity_in_one_pass(context: SourceContext) -> None:
    """Each municipality as its own region: values and low points match its own raw rows."""
    plan = _from(regionplan.load_plan(EXAMPLE), BALANCE, "2020")
    codes = sorted({r["code_2024"] for r in _rows("employment_11618_2017_2022.csv")})
    ev = evaluate(plan, as_of=AS_OF, context=context, groups={c: [c] for c in codes})
    off_from_2020 = 0
    for code in codes:
        s = ev.target(BALANCE, code).sensitivity
        assert s is not None
        for o in (s.stated, *s.alternatives):
            assert o.value == pytest.approx(_gap(int(o.period[:4]), 2022, code), abs=1e-9)
        jobs = [_jobs(y, code) for y in range(2017, 2023)]
        low = jobs[3] == min(jobs) and jobs[3] < max(jobs)
        high = jobs[3] == max(jobs) and jobs[3] > min(jobs)
        assert s.extreme == ("min" if low else "max" if high else None), code
        off_from_2020 += s.stated.status is Status.OFF_TRACK
    assert off_from_2020 == sum(_gap(2020, 2022, c) < 0 for c in codes) == 4  # as SOURCE.md says


# -- the rules, on small series made up here -------------------------------------------------------

CODES = ("3209", "3238")


def _plan(target: Target, codes: tuple[str, ...] = CODES) -> Plan:
    return Plan(
        PlanMeta("p", Label.of("P"), 2021, 2030),
        region_of(codes),
        elements=(
            Element("vision", ElementKind.VISION, Label.of("V")),
            Element("goal", ElementKind.MAIN_GOAL, Label.of("G"), contributes_to=(Contribution("vision"),)),
        ),
        metrics=(
            Metric(
                "x",
                Label({"en": "Firms (registered)", "nb": "Foretak (registrerte)"}),
                "enterprise",
                Direction.INCREASE,
                sources=(SourceSpec("inline"),),
            ),
        ),
        targets=(target,),
    )


def _series(rows: dict[str, dict[int, float]]) -> Series:
    """One row per code; years missing from every row are left out of the series altogether."""
    years = sorted({y for by_year in rows.values() for y in by_year})
    values = np.array([[by_year.get(y, np.nan) for y in years] for by_year in rows.values()])
    return Series(tuple(rows), [Period.year(y) for y in years], values, parse_unit("enterprise"))


def _change(baseline: str = "2020", window: int = 3, deadline: str = "2022", **kw: Any) -> Target:
    """+10 from the baseline by the deadline: met (achieved) or missed with the deadline passed (off track)."""
    return Target(
        "t",
        "goal",
        "x",
        TargetKind.CHANGE,
        change=10.0,
        baseline=baseline,
        deadline=deadline,
        baseline_window=window,
        **kw,
    )


def _judge(target: Target, rows: dict[str, dict[int, float]], **kw: Any) -> dict[str, TargetResult]:
    codes = tuple(rows)
    ev = evaluate(
        _plan(target, codes), {"x": _series(rows)}, as_of="2024-06-01", groups={c: [c] for c in codes}, **kw
    )
    return {c: ev.target(target.id, c) for c in codes}


YEARS = range(2017, 2023)
RISING = dict(zip(YEARS, (70.0, 80.0, 90.0, 100.0, 110.0, 120.0), strict=True))
DIP = dict(zip(YEARS, (100.0, 100.0, 100.0, 80.0, 95.0, 95.0), strict=True))
PEAK = dict(zip(YEARS, (100.0, 100.0, 100.0, 130.0, 110.0, 112.0), strict=True))


def test_a_verdict_that_holds_from_every_base_period() -> None:
    r = _judge(_change(), {"3209": RISING})["3209"]
    s = r.sensitivity
    assert s is not None and s.holds and not s.flips and s.extreme is None and s.neighbourhood is None
    assert (s.quantity, s.unit) == ("change", "enterprises")
    assert [(o.period, o.value, o.status) for o in (s.stated, *s.alternatives)] == [
        ("2020", 20.0, Status.ACHIEVED),
        ("2019", 30.0, Status.ACHIEVED),
        ("2018", 40.0, Status.ACHIEVED),
        ("2017", 50.0, Status.ACHIEVED),
    ]
    assert explain_sensitivity(r, "en") == (
        "The verdict is the same from each base period in the 3 years before: "
        "from 2020, +20 enterprises; from 2019, +30 enterprises; from 2018, +40 enterprises; from 2017, +50 enterprises."
    )
    assert explain_sensitivity(r, "nb") == (
        "Vurderingen er den samme fra hvert utgangspunkt i de 3 årene før: "
        "fra 2020, +20 foretak; fra 2019, +30 foretak; fra 2018, +40 foretak; fra 2017, +50 foretak."
    )


def test_a_verdict_that_flips_from_a_low_point() -> None:
    r = _judge(_change(), {"3209": DIP})["3209"]
    s = r.sensitivity
    assert s is not None and s.flips
    assert (s.stated.value, s.stated.status) == (15.0, Status.ACHIEVED)
    assert [(a.value, a.status) for a in s.alternatives] == [(-5.0, Status.OFF_TRACK)] * 3
    assert (s.extreme, s.neighbourhood, s.series) == ("min", ("2017", "2022"), "x")
    assert explain_sensitivity(r, "en").startswith(
        "The verdict depends on the baseline: from 2020, the low point of firms in 2017–2022, +15 enterprises (achieved); "
        "from 2019, −5 enterprises (off track)"
    )
    assert "fra 2020, bunnpunktet for foretak i 2017–2022, +15 foretak (nådd)" in explain_sensitivity(r, "nb")


def test_a_high_point_is_flagged_and_areas_are_judged_apart() -> None:
    """Two areas in one evaluation: each gets its own verdicts and its own flag."""
    results = _judge(_change(), {"3209": PEAK, "3238": RISING})
    peak, rising = results["3209"].sensitivity, results["3238"].sensitivity
    assert peak is not None and rising is not None
    assert (peak.extreme, peak.stated.status, peak.flips) == ("max", Status.OFF_TRACK, True)
    assert [a.status for a in peak.alternatives] == [Status.ACHIEVED] * 3
    assert (rising.extreme, rising.holds) == (None, True)
    assert "the high point of firms in 2017–2022" in explain_sensitivity(results["3209"], "en")
    assert "toppunktet for foretak i 2017–2022" in explain_sensitivity(results["3209"], "nb")


def test_a_window_longer_than_the_data_uses_what_there_is() -> None:
    s = _judge(_change(window=10), {"3209": DIP})["3209"].sensitivity
    assert s is not None and s.window == 10
    assert [a.period for a in s.alternatives] == ["2019", "2018", "2017"]
    assert s.neighbourhood == ("2017", "2022")


def test_a_window_of_one_year() -> None:
    r = _judge(_change(window=1), {"3209": RISING})["3209"]
    assert r.sensitivity is not None and [a.period for a in r.sensitivity.alternatives] == ["2019"]
    assert "in the year before:" in explain_sensitivity(r, "en")
    assert "i året før:" in explain_sensitivity(r, "nb")


def test_missing_base_periods_are_left_out_per_area() -> None:
    """2018 is missing in one area only; 2017 is in no area's data at all."""
    one = {y: v for y, v in DIP.items() if y != 2017}
    other = {y: v for y, v in one.items() if y != 2018}
    results = _judge(_change(), {"3209": one, "3238": other})
    full, gap = results["3209"].sensitivity, results["3238"].sensitivity
    assert full is not None and gap is not None
    assert [a.period for a in full.alternatives] == ["2019", "2018"]
    assert [a.period for a in gap.alternatives] == ["2019"]
    assert full.neighbourhood == ("2018", "2022") and gap.neighbourhood == ("2019", "2022")


def test_no_sensitivity_without_an_earlier_base_period_or_a_window() -> None:
    starts_at_base = {y: v for y, v in RISING.items() if y >= 2020}
    assert _judge(_change(), {"3209": starts_at_base})["3209"].sensitivity is None
    assert _judge(_change(window=0), {"3209": DIP})["3209"].sensitivity is None
    level = Target("t", "goal", "x", TargetKind.LEVEL, value=200.0, deadline="2022")
    assert _judge(level, {"3209": DIP})["3209"].sensitivity is None  # nothing is measured from a base


def test_a_level_target_with_a_stated_baseline_is_judged_from_earlier_ones() -> None:
    level = Target("t", "goal", "x", TargetKind.LEVEL, value=90.0, baseline="2020", deadline="2022")
    s = _judge(level, {"3209": DIP})["3209"].sensitivity
    assert s is not None and s.holds and s.stated.status is Status.ACHIEVED
    assert [a.value for a in s.alternatives] == [-5.0, -5.0, -5.0]  # change since each base period


def test_a_baseline_at_the_edge_of_the_data_is_not_flagged() -> None:
    """The lowest value with nothing observed after it could be the start of a fall, not a shock."""
    falling = dict(zip(YEARS, (120.0, 110.0, 100.0, 90.0, 80.0, 70.0), strict=True))
    s = _judge(_change(baseline="2022", deadline="2025"), {"3209": falling})["3209"].sensitivity
    assert s is not None and s.extreme is None and s.neighbourhood is None


def test_annual_trend_and_recovery_values() -> None:
    trend = Target(
        "t", "goal", "x", TargetKind.ANNUAL_TREND, change=2.0, relative=True, baseline="2020", deadline="2030"
    )
    s = _judge(trend, {"3209": RISING})["3209"].sensitivity
    assert s is not None and (s.quantity, s.unit) == ("annual_growth", "%")
    assert s.stated.value == pytest.approx(100 * ((120 / 100) ** (1 / 2) - 1))
    assert s.alternatives[0].value == pytest.approx(100 * ((120 / 90) ** (1 / 3) - 1))
    back = Target("t", "goal", "x", TargetKind.RECOVERY, baseline="2019", shock="2020")
    r = _judge(back, {"3209": DIP})["3209"]
    s = r.sensitivity
    assert s is not None and s.quantity == "above_base"
    assert [o.value for o in (s.stated, *s.alternatives)] == [-5.0, -5.0, -5.0]
    assert "from 2018, 5 enterprises below that level" in explain_sensitivity(r, "en")


class _Counting(DefaultPolicy):
    """The default policy, counting its judgements."""

    name = "counting"
    calls: ClassVar[list[int]] = []

    def judge(self, evidence: Evidence, projector: Projector) -> Judgement:
        self.calls.append(evidence.n)
        return super().judge(evidence, projector)


class _Plugin:
    @regionplan.hookimpl  # type: ignore[misc]
    def regionplan_register_status_policies(self, register: Callable[..., None]) -> None:
        register("counting", _Counting())


def test_one_judgement_per_base_period_for_all_areas() -> None:
    """Cost grows with the base periods, not with the areas: every judgement covers all of them."""
    _Counting.calls.clear()
    rows = {c: RISING for c in ("3209", "3238", "3240", "3242")}
    results = _judge(_change(policy="counting"), rows, extensions=core_extensions(_Plugin()))
    assert _Counting.calls == [4, 4, 4, 4]  # the stated baseline and three earlier ones
    assert all(r.sensitivity is not None and r.sensitivity.holds for r in results.values())


def test_the_same_result_however_many_areas_are_judged_together() -> None:
    together = _judge(_change(), {"3209": DIP, "3238": PEAK})
    alone = _judge(_change(), {"3238": PEAK})
    assert together["3238"].sensitivity == alone["3238"].sensitivity


# -- the plan-file option ----------------------------------------------------------------------------

TARGETS = """\
metrics:
  - {id: x, title: X, unit: enterprise, direction: increase, source: {name: inline, unit: enterprise, values: []}}
targets:
  - {id: t, element: main-goal, metric: x, kind: change, change: 10, baseline: "2020", baseline_window: %s}
"""


def test_baseline_window_is_read_checked_and_written(tmp_path: Path) -> None:
    default = load_plan(
        write_plan(tmp_path / "a", MINIMAL_PLAN + TARGETS.replace(", baseline_window: %s", ""))
    )
    assert default.target("t").baseline_window == 3
    five = load_plan(write_plan(tmp_path / "b", MINIMAL_PLAN + TARGETS % "5"))
    assert five.target("t").baseline_window == 5
    again = load_plan(write_plan(tmp_path / "c", dump_yaml(five)))
    assert again.target("t").baseline_window == 5
    negative = validate_plan(write_plan(tmp_path / "d", MINIMAL_PLAN + TARGETS % "-1"))
    assert any(p.code == P.BAD_VALUE and "baseline_window" in p.message for p in negative.errors)
    fraction = validate_plan(write_plan(tmp_path / "e", MINIMAL_PLAN + TARGETS % "1.5"))
    assert any("whole number" in p.message for p in fraction.errors)


def test_evaluation_is_unchanged_by_the_sensitivity(example: tuple[Plan, DataSet]) -> None:
    """Judging from earlier base periods leaves the stated verdicts as they were (window 0 vs 3)."""
    plan, data = example
    no_window = attrs.evolve(plan, targets=tuple(attrs.evolve(t, baseline_window=0) for t in plan.targets))
    with_window: Evaluation = evaluate(plan, data, as_of=AS_OF)
    without: Evaluation = evaluate(no_window, data, as_of=AS_OF)
    assert not without.sensitivity and with_window.sensitivity
    for a, b in zip(with_window.targets, without.targets, strict=True):
        assert attrs.evolve(a, sensitivity=None, target=b.target) == b


def test_a_baseline_without_a_verdict_says_what_earlier_ones_give() -> None:
    """No figure for the stated baseline: no verdict from it, and the earlier base periods still speak."""
    r = _judge(_change(), {"3209": {y: v for y, v in RISING.items() if y != 2020}, "3238": RISING})["3209"]
    s = r.sensitivity
    assert s is not None and s.flips and s.stated.status is Status.INSUFFICIENT_DATA
    assert explain_sensitivity(r, "en") == (
        "From the baseline there is no verdict (insufficient data); from earlier base periods: "
        "from 2019, +30 enterprises (achieved); from 2018, +40 enterprises (achieved); "
        "from 2017, +50 enterprises (achieved)."
    )
    assert explain_sensitivity(r, "nb").startswith(
        "Fra utgangspunktet er det ingen vurdering (for lite data); fra tidligere utgangspunkt: fra 2019, +30 foretak (nådd)"
    )
