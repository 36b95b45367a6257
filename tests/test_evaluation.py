"""Evaluation, golden test on real figures of Statistics Norway (Kilde: Statistisk sentralbyrå).

The plan ``data/plans/gardermoen`` reads ``data/tabular/employment_11618_2017_2022.csv``
(SSB table 11618, see data/tabular/PROVENANCE.md) through the ``csv`` source: one
row per municipality and year, under the code valid at the time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest

from regionplan.errors import EvaluationError
from regionplan.evaluation.evaluator import Evaluation, evaluate
from regionplan.evaluation.status import Status
from regionplan.plan.files import load_plan
from regionplan.plan.periods import Period

PLAN = Path(__file__).parent / "data" / "plans" / "gardermoen"


@pytest.fixture(scope="module")
def plan(extensions: Any) -> Any:
    return load_plan(PLAN, extensions=extensions)


@pytest.fixture(scope="module")
def ev(plan: Any, extensions: Any) -> Evaluation:
    return evaluate(plan, as_of="2026-11-26", extensions=extensions)


def test_region_jobs_summed_from_raw_municipality_rows(ev: Evaluation) -> None:
    jobs = ev.data["jobs"]
    region = jobs.regions
    assert region.areas == ("gardermoregionen",)
    assert region.value("gardermoregionen", Period.quarter(2019, 4)) == 46_461
    assert region.value("gardermoregionen", Period.quarter(2020, 4)) == 42_928
    assert region.value("gardermoregionen", Period.quarter(2022, 4)) == 47_815
    # the raw rows are under the codes of their time (0235 in 2019, 3033 in 2020); the
    # members are in the current vintage
    assert set(jobs.members.areas) == {"3209", "3228", "3240", "3238", "3242", "3230"}
    assert jobs.present[0].tolist() == [6] * len(region.periods)


def test_recovery_target_is_achieved_with_its_explanation(ev: Evaluation) -> None:
    r = ev.target("recovery")
    assert r.status is Status.ACHIEVED
    assert r.reason == "met"
    assert r.goal == 46_461
    # the target's own baseline is the level before the shock; the low point is the shock
    assert r.baseline.period == "2019Q4" and r.baseline.value == 46_461
    assert r.shock is not None and r.shock.period == "2020Q4" and r.shock.value == 42_928
    assert r.latest.period == "2022Q4" and r.latest.value == 47_815
    assert r.facts["fall"] == -3_533 and r.facts["lost"] == 3_533
    assert r.facts["regained"] == 47_815 - 42_928
    # more than the loss came back: the share is shown as all of it, and flagged
    assert r.progress == 1.0 and r.progress_flag == "beyond"
    assert r.facts["change_since_base"] == 47_815 - 46_461
    text = r.explain("en")
    assert "fell by 3,533" in text
    assert "1,354 above" in text
    assert "achieved" in text
    assert "3\u00a0533" in r.explain("nb")


def test_publication_lag_changes_what_is_visible(plan: Any, extensions: Any) -> None:
    # Q4 2022 ends 2023-01-01; with the default 12 months' lag it is published 2024-01-01
    before = evaluate(plan, as_of="2023-12-31", extensions=extensions).target("recovery")
    after = evaluate(plan, as_of="2024-01-01", extensions=extensions).target("recovery")
    assert before.latest.period == "2021Q4" and before.latest.value == 45_330
    assert before.status is not Status.ACHIEVED  # 45,330 < 46,461
    assert after.latest.period == "2022Q4"
    assert after.status is Status.ACHIEVED
    assert [p.period for p in before.history][-1] == "2021Q4"
    # population is published two months after 1 January
    pop_early = evaluate(plan, as_of="2026-02-28", extensions=extensions).target("pop-level")
    pop_late = evaluate(plan, as_of="2026-03-02", extensions=extensions).target("pop-level")
    assert pop_early.latest.period == "2025-01-01"
    assert pop_late.latest.period == "2026-01-01"


def test_to_frame_has_one_row_per_target(ev: Evaluation, plan: Any) -> None:
    frame = ev.to_frame()
    assert len(frame) == len(plan.targets) == 2
    assert list(frame["target"]) == ["recovery", "pop-level"]
    assert frame.set_index("target").loc["recovery", "status"] == "achieved"
    assert frame.set_index("target").loc["recovery", "latest_value"] == 47_815


def test_the_result_is_immutable(ev: Evaluation) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ev.as_of = ev.as_of  # type: ignore[misc]
    r = ev.target("recovery")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        r.status = Status.OFF_TRACK  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ev.goal("vision").status = Status.OFF_TRACK  # type: ignore[misc]
    assert isinstance(ev.targets, tuple) and isinstance(ev.goals, tuple)
    with pytest.raises(ValueError):
        ev.data["jobs"].regions.values[0, 0] = 0.0


def test_goals_roll_up(ev: Evaluation) -> None:
    assert ev.status_of("jobs-goal") is Status.ACHIEVED
    assert ev.status_of("main") is Status.ACHIEVED
    assert ev.counts()[Status.ACHIEVED] == 2


def test_bad_dates_and_policies(plan: Any, extensions: Any) -> None:
    with pytest.raises(EvaluationError):
        evaluate(plan, as_of="26.11.2026", extensions=extensions)
    with pytest.raises(EvaluationError):
        evaluate(plan, as_of="2026-11-26", extensions=extensions, rollup="best_child")


def test_every_municipality_as_its_own_region_keeps_rows_in_any_vintage(plan: Any) -> None:
    """Group ids that are member codes are members: rows under 0235, 3033 and 3209 all count."""
    import csv

    from regionplan.data.dataset import build_dataset
    from regionplan.data.series import Observations, Provenance, Series

    with (Path(__file__).parent / "data" / "tabular" / "population_1jan_2005_2026.csv").open() as f:
        rows = [r for r in csv.DictReader(f) if r["municipality"] == "Ullensaker"]
    assert {r["code_at_time"] for r in rows} == {"0235", "3033", "3209"}  # all three vintages
    obs = Observations(
        [r["code_at_time"] for r in rows],
        [r["year"] for r in rows],
        [float(r["population"]) for r in rows],
        "person",
        Provenance("test"),
    )
    population = Series.from_observations([obs], unit="person", period_spec=plan.metric("population").period)
    data = build_dataset(plan, {"population": population}, groups={"3209": ["3209"]})
    region = data["population"].regions
    assert region.areas == ("3209",)
    by_year = {p.start.year: v for p, v in zip(region.periods, region.values[0], strict=True)}
    assert by_year == {int(r["year"]): float(r["population"]) for r in rows}


def _with_targets(tmp_path: Path, targets: str) -> Path:
    """The gardermoen test plan with other targets (its data paths still resolve)."""
    folder = tmp_path / "plans" / "variant"
    folder.mkdir(parents=True)
    text = (PLAN / "plan.yaml").read_text(encoding="utf-8")
    text = text.replace("../../tabular", str(PLAN.parent.parent / "tabular"))  # paths and allow_paths
    head = text.split("targets:", 1)[0]
    (folder / "plan.yaml").write_text(head + "targets:\n" + targets, encoding="utf-8")
    (folder / "region.yaml").write_text((PLAN / "region.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_annual_trend_with_an_average_change_and_recovery_without_a_shock(
    tmp_path: Path, extensions: Any
) -> None:
    """Goals from the real population and jobs figures, computed here by the rules the docs give."""
    folder = _with_targets(
        tmp_path,
        """\
  - {id: plus-2000, element: main, metric: population, kind: annual_trend, change: 2000, baseline: "2021", deadline: "2030"}
  - {id: plus-2pct, element: main, metric: population, kind: annual_trend, change: 2, relative: true, baseline: "2021", deadline: "2030"}
  - {id: back, element: jobs-goal, metric: jobs, kind: recovery, baseline: "2019", deadline: "2025"}
""",
    )
    plan = load_plan(folder, extensions=extensions)
    result = evaluate(plan, as_of="2026-11-26", extensions=extensions)
    pop = result.data["population"].regions
    base = pop.value(plan.region.id, Period.instant(dt.date(2021, 1, 1)))
    absolute, relative = result.target("plus-2000"), result.target("plus-2pct")
    assert absolute.goal == pytest.approx(base + 2000 * 9)  # nine years from 1 January 2021 to 1 January 2030
    assert relative.goal == pytest.approx(base * 1.02**9)
    for t in (absolute, relative):
        assert t.status in set(Status) and t.reason
    # without 'shock', the worst point after the baseline is where the recovery starts: Q4 2020
    back = result.target("back")
    assert back.baseline is not None and back.baseline.period == "2019Q4"
    assert back.shock is not None and back.shock.period == "2020Q4"
    assert back.facts["fall"] == -3_533 and back.status is Status.ACHIEVED


def test_projections_only_from_as_many_observations_as_the_metric_asks(ev: Evaluation) -> None:
    for r in ev.targets:
        if r.projection is not None:
            assert r.projection.n_points >= r.metric.projection_min_points == 5
    # jobs 2020Q4 (the shock) to 2022Q4: three points, so no line is drawn through them
    recovery = ev.target("recovery")
    assert recovery.projection is None and recovery.projection_points == 3
    # population on 1 January 2021 to 2026: six points spanning five years, four years ahead
    pop = ev.target("pop-level")
    assert pop.projection is not None and pop.projection.n_points == 6
    assert (pop.projection.span_years, pop.projection.horizon_years) == (5.0, 4.0)
    assert not pop.projection.indicative
