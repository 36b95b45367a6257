"""The milestones source: a synthetic register (see conftest.py) read as yearly observations."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from regionplan_milestones.register import parse_date, read_register
from regionplan_milestones.source import MilestoneSource

import regionplan
from regionplan.data.sources import SourceContext, SourceRequest
from regionplan.errors import DataSourceError
from regionplan.evaluation.status import Status
from regionplan.plugins import Extensions

BF = "ap3-project-business-friendly"
IP = "ap3-project-innovative-procurement"


def fetch(folder: Path, **query: Any) -> Any:
    source = MilestoneSource(SourceContext(base_dir=folder))
    q = {"path": "data/synthetic_milestones.csv", **query}
    return source.fetch(SourceRequest(metric="m", query=q))


def test_done_count_is_a_running_total_per_full_year(make_plan: Callable[..., Path]) -> None:
    obs = fetch(make_plan(), project=BF, measure="done_count")
    # done 2021-05-20 and 2022-04-10; the third is open. Saved 2025-02-01: 2024 is the last full year.
    assert list(obs.periods) == ["2021", "2022", "2023", "2024"]
    np.testing.assert_array_equal(obs.values, [1, 2, 2, 2])
    assert set(obs.areas) == {"region"}
    assert obs.unit is None  # counts are in the metric's unit


def test_overdue_count_counts_what_is_due_and_not_done_at_each_year_end(
    make_plan: Callable[..., Path],
) -> None:
    obs = fetch(make_plan(), measure="overdue_count")
    # 2022: "Felles servicerutiner" due 2022-03-31, done 2022-04-10: late, but done by the year's end.
    # 2023: two open at the end of 2023 (due 2023-06-30 done 2024-02-01; due 2023-12-31 never done).
    np.testing.assert_array_equal(obs.values, [0, 0, 2, 1])


def test_done_share_is_percent_of_the_selected_milestones(make_plan: Callable[..., Path]) -> None:
    obs = fetch(make_plan(), project=[BF, IP], measure="done_share")
    assert obs.unit == "percent"
    np.testing.assert_allclose(obs.values, [20, 60, 60, 80])


def test_responsible_filter_and_area(make_plan: Callable[..., Path]) -> None:
    obs = fetch(make_plan(), responsible="grip", measure="done_count", area="3209")
    np.testing.assert_array_equal(obs.values, [1, 3, 3, 3])
    assert set(obs.areas) == {"3209"}


def test_provenance_names_the_file_its_date_and_the_register(make_plan: Callable[..., Path]) -> None:
    obs = fetch(make_plan(), measure="done_count", licence="CC BY 4.0")
    p = obs.provenance
    assert p.source == "milestones"
    assert p.table == "synthetic_milestones.csv"
    assert p.retrieved == dt.datetime(2025, 2, 1, 12, 0, tzinfo=dt.UTC)
    assert p.credit == "the region's own milestone register"
    assert p.licence == "CC BY 4.0"
    assert '"measure": "done_count"' in p.query


def test_an_unknown_project_is_an_error_with_a_suggestion(make_plan: Callable[..., Path]) -> None:
    with pytest.raises(
        DataSourceError, match=r"no milestone names project .*did you mean 'ap3-project-business-friendly'"
    ):
        fetch(make_plan(), project="ap3-project-business-friendly-x", measure="done_count")


def test_a_bad_cell_stops_the_source_with_its_position(
    make_plan: Callable[..., Path], clean_rows: tuple[tuple[str, ...], ...]
) -> None:
    rows = [*clean_rows, (BF, "Evaluering", "31.02.2024", "", "grip", "")]
    with pytest.raises(
        DataSourceError, match=r"synthetic_milestones.csv:7, column 'due': '31.02.2024' is no date"
    ):
        fetch(make_plan(rows), measure="done_count")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"path": "x.csv"}, "the milestones source needs 'measure'"),
        ({"path": "x.csv", "measure": "done_counts"}, "did you mean 'done_count'"),
        ({"path": "x.csv", "measure": "done_count", "project": []}, "'project' must be an element id"),
        ({"path": "x.csv", "measure": "done_count", "sheet": 0}, "'sheet' must be a sheet name"),
        ({"path": "x.csv", "measure": "done_count", "colour": "red"}, "does not know 'colour'"),
    ],
)
def test_check_query(query: dict[str, Any], expected: str) -> None:
    problems = MilestoneSource.check_query(query)
    assert any(expected in p for p in problems), problems


def test_a_semicolon_register_with_norwegian_headers(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    path = tmp_path / "milepæler.csv"
    path.write_text(
        f"Prosjekt;Milepæl;Frist;Ferdig;Ansvarlig\n{BF};Kartlegging;30.06.2021;20.05.2021;grip\n",
        encoding="utf-8",
    )
    register = read_register(path)
    assert register.columns == {"project": 1, "milestone": 2, "due": 3, "done": 4, "responsible": 5}
    (m,) = register.milestones
    assert (m.due, m.done, m.responsible, m.line) == (
        dt.date(2021, 6, 30),
        dt.date(2021, 5, 20),
        ("grip",),
        2,
    )


def test_a_missing_column_is_named(tmp_path: Path, write_csv: Callable[..., Path]) -> None:
    path = write_csv(tmp_path / "r.csv", [(BF, "x", "2021")], header=("project", "milestone", "deadline"))
    with pytest.raises(DataSourceError, match=r"no column 'due'.*'deadline'"):
        read_register(path)


def test_parse_date() -> None:
    assert parse_date("2024-06-30") == dt.date(2024, 6, 30)
    assert parse_date("1.7.2024") == dt.date(2024, 7, 1)
    assert parse_date(dt.datetime(2024, 6, 30, 0, 0)) == dt.date(2024, 6, 30)
    assert parse_date("  ") is None
    with pytest.raises(ValueError, match="is no date"):
        parse_date("snart")


def test_an_excel_register(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Milepæler"
    sheet.append(["project", "milestone", "due", "done", "responsible"])
    sheet.append([BF, "Kartlegging", dt.datetime(2021, 6, 30), dt.datetime(2021, 5, 20), "grip"])
    sheet.append([BF, "Servicerutiner", dt.datetime(2022, 3, 31), None, "grip"])
    path = tmp_path / "synthetic_milestones.xlsx"
    book.save(path)
    ts = dt.datetime(2023, 3, 1, tzinfo=dt.UTC).timestamp()
    os.utime(path, (ts, ts))
    source = MilestoneSource(SourceContext(base_dir=tmp_path))
    q = {"path": "synthetic_milestones.xlsx", "sheet": "Milepæler", "measure": "overdue_count"}
    obs = source.fetch(SourceRequest(metric="m", query=q))
    assert list(obs.periods) == ["2021", "2022"]
    np.testing.assert_array_equal(obs.values, [0, 1])
    register = source.register(q)
    assert register.label == "synthetic_milestones.xlsx [Milepæler]"
    assert [m.line for m in register.milestones] == [2, 3]


def test_evaluation_of_milestone_targets(make_plan: Callable[..., Path], extensions: Extensions) -> None:
    plan = regionplan.load_plan(make_plan(), extensions=extensions)
    ev = regionplan.evaluate(plan, as_of="2025-01-15", extensions=extensions)
    by_id = {r.target.id: r for r in ev.targets}
    # Two milestones done by the end of 2022: the target of two by 2022 is achieved.
    assert by_id["bf-two-by-2022"].status is Status.ACHIEVED
    # Still two at the end of 2023 and after: three by 2023 was missed.
    assert by_id["bf-three-by-2023"].status is Status.OFF_TRACK
    history = [(p.period, p.value) for p in by_id["bf-three-by-2023"].history]
    assert history == [("2021", 1.0), ("2022", 2.0), ("2023", 2.0), ("2024", 2.0)]
    # Two overdue at the end of 2023, one still at the end of 2024: "none overdue by 2024" is missed.
    assert by_id["none-overdue-2024"].status is Status.OFF_TRACK
    assert by_id["none-overdue-2024"].latest is not None and by_id["none-overdue-2024"].latest.value == 1.0
    (prov,) = ev.data["bf_milestones_done"].provenance
    assert prov.source == "milestones"


def test_evaluation_before_the_deadline_uses_only_years_ended(
    make_plan: Callable[..., Path], extensions: Extensions
) -> None:
    plan = regionplan.load_plan(make_plan(), extensions=extensions)
    ev = regionplan.evaluate(plan, as_of="2022-06-01", extensions=extensions)
    result = {r.target.id: r for r in ev.targets}["bf-two-by-2022"]
    assert [p.period for p in result.history] == ["2021"]
    assert result.status is not Status.ACHIEVED


def test_a_register_of_this_year_only_has_nothing_to_count_yet(make_plan: Callable[..., Path]) -> None:
    rows = [(BF, "Oppstart", "2025-01-15", "2025-01-20", "grip", "")]  # saved 2025-02-01
    with pytest.raises(DataSourceError, match="nothing to count yet"):
        fetch(make_plan(rows), measure="done_count")
