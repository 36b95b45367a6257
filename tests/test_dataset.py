"""From sources to region series: aggregation rules on real figures.

The plans here read the example's copy of SSB's education statistics (persons aged
30–66 by education level, and the published percentages, per municipality).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import regionplan
from regionplan.data.dataset import fetch_data
from regionplan.data.sources import SourceContext
from regionplan.testing import write_plan

EDUCATION = (
    Path(__file__).resolve().parent.parent
    / "examples"
    / "gardermoregionen"
    / "data"
    / "education_level_30_66_2011_2020_whole_population.csv"
)

PLAN = """\
plan: {{id: p, title: P, period: {{start: 2021, end: 2030}}}}
region:
  id: two
  name: To kommuner
  municipalities:
    - id: ullensaker
      name: Ullensaker
      codes: [{{code: "0235", until: 2019-12-31}}, {{code: "3033", from: 2020-01-01, until: 2023-12-31}}, {{code: "3209", from: 2024-01-01}}]
    - id: nannestad
      name: Nannestad
      codes: [{{code: "0238", until: 2019-12-31}}, {{code: "3036", from: 2020-01-01, until: 2023-12-31}}, {{code: "3238", from: 2024-01-01}}]
elements:
  - {{id: vision, kind: vision, title: Visjon}}
metrics:
  - id: residents
    title: Bosatte 30–66
    unit: person
    direction: increase
    period: {{kind: instant, month: 10, day: 1}}
    source: {{name: csv, path: "{path}", columns: {{area: region_code_2020, period: period, value: value}},
              filter: {{education_level: alle, sex: Alle, background: Hele befolkningen, unit: persons}}}}
  - id: higher_share_published
    title: Andel med universitets- og høgskoleutdanning (publisert)
    unit: percent
    direction: increase
    aggregation: {aggregation}
    weight: residents
    period: {{kind: instant, month: 10, day: 1}}
    source: {{name: csv, path: "{path}", columns: {{area: region_code_2020, period: period, value: value}},
              filter: {{education_level: Universitet og høgskole, sex: Alle, background: Hele befolkningen,
                        unit: percent}}}}
"""


def rows(level: str, unit: str, codes: set[str]) -> dict[tuple[str, str], float]:
    with EDUCATION.open(encoding="utf-8") as f:
        return {
            (r["region_code_2024"], r["period"]): float(r["value"])
            for r in csv.DictReader(f)
            if r["education_level"] == level
            and r["unit"] == unit
            and r["region_code_2024"] in codes
            and r["sex"] == "Alle"
            and r["background"] == "Hele befolkningen"
        }


def test_a_share_aggregates_as_a_weighted_mean_not_a_mean_of_shares(tmp_path: Path) -> None:
    folder = write_plan(tmp_path / "plan", PLAN.format(path=EDUCATION, aggregation="weighted_mean"))
    plan = regionplan.load_plan(folder, allow_paths=[EDUCATION.parent])  # the data lie outside the plan
    data = fetch_data(plan, context=SourceContext(base_dir=folder, offline=True))
    region = data["higher_share_published"].regions
    codes = {"3209", "3238"}
    share, people = rows("Universitet og høgskole", "percent", codes), rows("alle", "persons", codes)
    for j, period in enumerate(region.periods):
        year = str(period.start.year)
        expected = sum(share[c, year] * people[c, year] for c in codes) / sum(people[c, year] for c in codes)
        plain_mean = sum(share[c, year] for c in codes) / 2
        assert region.values[0, j] == pytest.approx(expected)
        assert region.values[0, j] != pytest.approx(
            plain_mean, abs=1e-9
        )  # the two municipalities differ in size


def test_a_metric_that_does_not_aggregate_has_no_region_value_and_says_why(tmp_path: Path) -> None:
    folder = write_plan(tmp_path / "plan", PLAN.format(path=EDUCATION, aggregation="none"))
    plan = regionplan.load_plan(folder, allow_paths=[EDUCATION.parent])  # the data lie outside the plan
    context = SourceContext(base_dir=folder, offline=True)
    data = fetch_data(plan, context=context)
    metric = data["higher_share_published"]
    assert metric.regions.values.size == 0 or np.isnan(metric.regions.values).all()
    assert any("does not aggregate" in r for r in metric.reasons)
    # each municipality as its own region: its own value passes through
    alone = fetch_data(plan, context=context, groups={"3209": ["3209"]})
    own = alone["higher_share_published"].regions
    published = rows("Universitet og høgskole", "percent", {"3209"})
    assert own.values[0, -1] == published["3209", "2020"] == 34.0
