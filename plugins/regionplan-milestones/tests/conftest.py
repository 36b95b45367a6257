"""Fixtures: a synthetic milestone register and a small plan folder that reads it.

The register is a region's own list of project milestones, invented for these
tests (it is no real region's list); its file is named ``synthetic_milestones``.
The project ids and titles follow the Gardermoregionen example plan
(``examples/gardermoregionen/actions.yaml``).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import regionplan_milestones

from regionplan.plugins import Extensions, make_plugin_manager

HEADER = ("project", "milestone", "due", "done", "responsible", "note")

BF = "ap3-project-business-friendly"
IP = "ap3-project-innovative-procurement"

#: A clean synthetic register: every project and actor is in the plan.
CLEAN_ROWS: tuple[tuple[str, ...], ...] = (
    (BF, "Kartlegging av næringslivets behov", "2021-06-30", "2021-05-20", "grip", ""),
    (BF, "Felles servicerutiner vedtatt", "2022-03-31", "2022-04-10", "ullensaker-kommune; grip", ""),
    (BF, "Næringsvennlig-merke for kommunene", "2023-12-31", "", "ullensaker-kommune", "utsatt"),
    (IP, "Leverandørdialog", "2022-09-30", "15.09.2022", "grip", ""),
    (IP, "Første innovative anskaffelse", "2023-06-30", "2024-02-01", "nannestad-kommune", ""),
)

#: The register's date (its file's modification time): 1 February 2025, so 2024 is the last full year.
SAVED = dt.datetime(2025, 2, 1, 12, 0, tzinfo=dt.UTC)


def write_register(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> Path:
    """Write a register as CSV and date it :data:`SAVED`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    os.utime(path, (SAVED.timestamp(), SAVED.timestamp()))
    return path


PLAN = """\
regionplan: 1
plan:
  id: milestones-test
  title: {nb: Testplan med milepæler, en: Test plan with milestones}
  period: {start: 2021, end: 2030}
region:
  id: gardermoregionen
  name: Gardermoregionen
  municipalities:
    - id: ullensaker
      name: Ullensaker
      codes: [{code: "0235", until: 2019-12-31}, {code: "3033", from: 2020-01-01, until: 2023-12-31}, {code: "3209", from: 2024-01-01}]
    - id: nannestad
      name: Nannestad
      codes: [{code: "0238", until: 2019-12-31}, {code: "3036", from: 2020-01-01, until: 2023-12-31}, {code: "3238", from: 2024-01-01}]
actors:
  - {id: grip, name: GRIP, kind: council}
  - {id: ullensaker-kommune, name: Ullensaker kommune, kind: municipality, municipality: ullensaker}
  - {id: nannestad-kommune, name: Nannestad kommune, kind: municipality, municipality: nannestad}
elements:
  - {id: vision, kind: vision, title: Visjon}
  - {id: focus-attractive, kind: focus_area, title: Attraktiv region, contributes_to: [vision]}
  - id: ap3-project-business-friendly
    kind: project
    title: {nb: "Prosjekt: Den næringsvennlige kommunen/regionen", en: "Project: The business-friendly municipality/region"}
    contributes_to: [focus-attractive]
    responsible: [grip]
  - id: ap3-project-innovative-procurement
    kind: project
    title: {nb: "Prosjekt: Innovative offentlige anskaffelser", en: "Project: Innovative public procurement"}
    contributes_to: [focus-attractive]
    responsible: [grip]
metrics:
  - id: bf_milestones_done
    title: {nb: Milepæler nådd, en: Milestones reached}
    unit: count
    direction: increase
    publication_lag_months: 0
    source:
      name: milestones
      path: data/synthetic_milestones.csv
      project: ap3-project-business-friendly
      measure: done_count
      licence: CC BY 4.0
  - id: milestones_overdue
    title: {nb: Milepæler på etterskudd, en: Overdue milestones}
    unit: count
    direction: decrease
    publication_lag_months: 0
    source:
      name: milestones
      path: data/synthetic_milestones.csv
      measure: overdue_count
targets:
  - {id: bf-two-by-2022, element: ap3-project-business-friendly, metric: bf_milestones_done, kind: milestone, value: 2, deadline: "2022"}
  - {id: bf-three-by-2023, element: ap3-project-business-friendly, metric: bf_milestones_done, kind: milestone, value: 3, deadline: "2023"}
  - {id: none-overdue-2024, element: focus-attractive, metric: milestones_overdue, kind: level, value: 0, baseline: "2023", deadline: "2024"}
"""


@pytest.fixture
def make_plan(tmp_path: Path) -> Callable[..., Path]:
    """Write the plan folder with a register of the given rows; return the folder."""

    def make(rows: Sequence[Sequence[str]] = CLEAN_ROWS, extra: str = "") -> Path:
        folder = tmp_path / "plan"
        folder.mkdir(exist_ok=True)
        (folder / "plan.yaml").write_text(PLAN + textwrap.dedent(extra), encoding="utf-8")
        write_register(folder / "data" / "synthetic_milestones.csv", rows)
        return folder

    return make


@pytest.fixture
def extensions() -> Extensions:
    """The built-in plugins and this one, without other installed plugins."""
    return Extensions.collect(make_plugin_manager(load_entrypoints=False, plugins=[regionplan_milestones]))


@pytest.fixture
def write_csv() -> Callable[..., Path]:
    """:func:`write_register`, for tests that write registers of their own."""
    return write_register


@pytest.fixture
def clean_rows() -> tuple[tuple[str, ...], ...]:
    return CLEAN_ROWS
