"""The reference plan and the real SSB data of every municipality in Norway.

The plan has the reference plan's metrics and one target of each kind:
population on 1 January (SSB 07459), jobs in the 4th quarter (SSB 11618), jobs per
person derived from them; targets recovery, growth_vs, change, annual_trend, and
level judged by the open_sdg policy. Its region is Gardermoregionen; the data are
the municipality files the package bundles (``regionplan/_resources/norway``, see
PROVENANCE.md there), read once and mapped once to the 2024 municipality codes. Every municipality is then
evaluated as its own region.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["AS_OF", "DATA", "PLAN_YAML", "REGION_YAML", "load_series", "replicate", "write_plan"]

DATA = Path(__file__).resolve().parents[1] / "src" / "regionplan" / "_resources" / "norway"
AS_OF = dt.date(2025, 6, 30)
VINTAGE = dt.date(2024, 1, 1)

PLAN_YAML = """\
regionplan: 1
plan:
  id: reference
  title: {nb: Referanseplan, en: Reference plan}
  period: {start: 2021, end: 2030}
include: [region.yaml]
elements:
  - {id: vision, kind: vision, title: Visjon}
  - {id: main, kind: main_goal, title: Hovedmål, contributes_to: [vision]}
  - {id: sub1, kind: sub_goal, title: Delmål 1, contributes_to: [main], sdg: ["8.5"]}
metrics:
  - id: jobs
    title: {nb: Arbeidsplasser, en: Jobs}
    unit: job
    direction: increase
    period: Q4
    source: {name: csv, path: jobs.csv, columns: {area: code, period: year, value: employed_by_workplace}}
  - id: population
    title: Befolkning
    unit: person
    direction: increase
    period: 1 January
    publication_lag_months: 2
    source: {name: csv, path: population.csv, columns: {area: code, period: year, value: population}}
  - id: jobs_per_person
    title: Arbeidsplasser per innbygger
    unit: job / person
    direction: increase
    derived: jobs / population
targets:
  - {id: t1, element: sub1, metric: jobs, kind: recovery, baseline: "2019", shock: "2020"}
  - {id: t2, element: main, metric: jobs, kind: growth_vs, other: population, baseline: "2019"}
  - {id: t3, element: main, metric: population, kind: change, change: 10, relative: true, baseline: "2021", deadline: "2030"}
  - {id: t4, element: main, metric: jobs_per_person, kind: annual_trend, every_year: true, baseline: "2017", policy: default}
  - {id: t5, element: sub1, metric: population, kind: level, value: 150000, deadline: "2030", policy: open_sdg, baseline: "2015"}
"""

REGION_YAML = """\
region:
  id: gardermoregionen
  name: Gardermoregionen
  municipalities:
"""
for _name, _codes in (
    ("ullensaker", ("0235", "3033", "3209")),
    ("nes", ("0236", "3034", "3228")),
    ("eidsvoll", ("0237", "3035", "3240")),
    ("nannestad", ("0238", "3036", "3238")),
    ("hurdal", ("0239", "3037", "3242")),
    ("gjerdrum", ("0234", "3032", "3230")),
):
    REGION_YAML += (
        f"    - id: {_name}\n      name: {_name.capitalize()}\n      codes:\n"
        f'        - {{code: "{_codes[0]}", until: 2019-12-31}}\n'
        f'        - {{code: "{_codes[1]}", from: 2020-01-01, until: 2023-12-31}}\n'
        f'        - {{code: "{_codes[2]}", from: 2024-01-01}}\n'
    )


def write_plan(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.yaml").write_text(PLAN_YAML, encoding="utf-8")
    (folder / "region.yaml").write_text(REGION_YAML, encoding="utf-8")
    return folder


def _rows(name: str) -> list[dict[str, str]]:
    text = gzip.decompress((DATA / name).read_bytes()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def load_series() -> tuple[dict[str, Any], tuple[str, ...]]:
    """Population and jobs for every municipality, mapped to the 2024 codes; the codes.

    Read once from the CSV files; mapped once with the bundled KLASS 131 records
    (a split without weights leaves its parts without values, as the library does).
    """
    from regionplan.data.areas import CodeMapping
    from regionplan.data.series import Observations, Provenance, Series
    from regionplan.plan.codes import CodeChanges
    from regionplan.plan.periods import PeriodSpec

    ssb = Provenance("csv", licence="CC BY 4.0", credit="Kilde: Statistisk sentralbyrå")
    population = _rows("population_07459_2005_2024.csv.gz")
    jobs = _rows("jobs_11618_2017_2022.csv.gz")
    codes = tuple(sorted({r["code"] for r in population if r["year"] == "2024"}))
    pop = Series.from_observations(
        [
            Observations(
                [r["code"] for r in population],
                [r["year"] for r in population],
                [float(r["population"]) for r in population],
                "person",
                ssb,
            )
        ],
        unit="person",
        period_spec=PeriodSpec("instant", month=1, day=1),
    )
    job = Series.from_observations(
        [
            Observations(
                [r["code"] for r in jobs],
                [r["year"] for r in jobs],
                [float(r["employed_by_workplace"]) for r in jobs],
                "job",
                ssb,
            )
        ],
        unit="job",
        period_spec=PeriodSpec("quarter", quarter=4),
    )
    mapping = CodeMapping(CodeChanges.bundled(), VINTAGE)
    raw = {
        "population": mapping.map_series(pop).series.select_areas(codes),
        "jobs": mapping.map_series(job).series.select_areas(codes),
    }
    return raw, codes


def replicate(dataset: Any, n_areas: int) -> Any:
    """A synthetic data set of ``n_areas`` regions, each a copy of a real municipality's
    arrays in turn (ids ``S000000``...), for scaling runs."""
    from regionplan.data.dataset import DataSet, MetricData
    from regionplan.data.series import Series

    areas = tuple(f"S{i:06d}" for i in range(n_areas))
    metrics = {}
    for mid, md in dataset.metrics.items():
        k = len(md.regions.areas)
        idx = np.arange(n_areas) % k

        def tile(s: Series, idx: np.ndarray = idx) -> Series:
            return Series(areas, s.periods, np.array(s.values[idx]), s.unit, s.provenance)

        members = md.members if md.members.values.shape[0] != k else tile(md.members)
        metrics[mid] = MetricData(
            mid,
            members,
            tile(md.regions),
            md.present[idx],
            md.n_members[idx],
            md.reasons,
            md.notes,
        )
    return DataSet({a: (a,) for a in areas}, dataset.vintage, metrics)


_PREPARED: dict[str, Any] = {}


def prepared() -> dict[str, Any]:
    """The plan, the data set of every municipality, and what loading them cost (once per run)."""
    if not _PREPARED:
        import tempfile

        from _util import core_extensions, timed

        from regionplan.data.dataset import build_dataset
        from regionplan.plan.files import load_plan

        ext = core_extensions()
        with tempfile.TemporaryDirectory(prefix="regionplan-bench-") as tmp:
            plan = load_plan(write_plan(Path(tmp)), extensions=ext)
        read = timed(load_series)
        raw, codes = read.result
        groups = {code: [code] for code in codes}
        build = timed(lambda: build_dataset(plan, raw, groups=groups))
        _PREPARED.update(
            plan=plan,
            dataset=build.result,
            codes=codes,
            ext=ext,
            read_and_map_s=read.wall,
            build_dataset_s=build.wall,
        )
    return _PREPARED
