"""The plan checks, the command and the plugin's registration, on a synthetic register (conftest.py)."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from collections.abc import Callable
from pathlib import Path

import click
import pytest
import regionplan_milestones
from click.testing import CliRunner
from regionplan_milestones.checks import check_plan

import regionplan
from regionplan.errors import Location, Severity
from regionplan.plugins import Extensions, make_plugin_manager

BF = "ap3-project-business-friendly"
IP = "ap3-project-innovative-procurement"
FILE = "data/synthetic_milestones.csv"

#: A register with one problem of each kind; lines count the header as line 1.
MESSY_ROWS = (
    (BF, "Kartlegging av næringslivets behov", "2021-06-30", "2021-05-20", "grip", ""),  # line 2
    ("Innovative offentlige anskaffelser", "Leverandørdialog", "2022-09-30", "2022-09-15", "grip", ""),  # 3
    (IP, "Første innovative anskaffelse", "2023-06-30", "", "nanestad-kommune", ""),  # 4: actor, overdue
    (BF, "Evaluering", "31.02.2024", "", "grip", ""),  # 5: no such date
    ("focus-attractive", "Attraktivitetsbarometer", "2030-01-01", "", "grip", ""),  # 6: not a project
)


def codes_at(problems: list[regionplan.Problem]) -> list[tuple[str, Location | None]]:
    return sorted(((p.code, p.location) for p in problems), key=lambda x: (x[1].line if x[1] else 0, x[0]))


def test_the_checks_name_file_line_and_column(make_plan: Callable[..., Path], extensions: Extensions) -> None:
    plan = regionplan.load_plan(make_plan(MESSY_ROWS), extensions=extensions)
    problems = check_plan(plan, today=dt.date(2024, 6, 1))
    assert all(p.severity is Severity.WARNING for p in problems)
    # columns: project 1, milestone 2, due 3, done 4, responsible 5
    assert codes_at(problems) == [
        ("MS001", Location(FILE, 3, 1)),
        ("MS002", Location(FILE, 4, 5)),
        ("MS003", Location(FILE, 4, 3)),
        ("MS004", Location(FILE, 5, 3)),
        ("MS006", Location(FILE, 6, 1)),
    ]
    by_code = {p.code: p for p in problems}
    assert "did you mean 'ap3-project-innovative-procurement'?" in by_code["MS001"].message
    assert "not its title" in by_code["MS001"].hint
    assert "did you mean 'nannestad-kommune'?" in by_code["MS002"].message
    assert "was due 2023-06-30 and is not done (337 days overdue on 2024-06-01)" in by_code["MS003"].message
    assert by_code["MS003"].hint
    assert "'31.02.2024' is no date" in by_code["MS004"].message
    assert "a focus area, not a project" in by_code["MS006"].message


def test_the_clean_register_only_has_its_overdue_milestone(
    make_plan: Callable[..., Path], extensions: Extensions
) -> None:
    plan = regionplan.load_plan(make_plan(), extensions=extensions)
    # Both metrics read the same register: it is checked once.
    problems = check_plan(plan, today=dt.date(2024, 6, 1))
    assert codes_at(problems) == [("MS003", Location(FILE, 4, 3))]


def test_validate_plan_runs_the_hook(make_plan: Callable[..., Path], extensions: Extensions) -> None:
    result = regionplan.validate_plan(make_plan(MESSY_ROWS), extensions=extensions)
    codes = {p.code for p in result.warnings}
    assert {"MS001", "MS002", "MS003", "MS004", "MS006"} <= codes
    assert not result.errors


def test_a_query_naming_an_unknown_project(make_plan: Callable[..., Path], extensions: Extensions) -> None:
    extra = """\
      - id: procurement_done
        title: Anskaffelser
        unit: count
        direction: increase
        source: {name: milestones, path: data/synthetic_milestones.csv, measure: done_count, project: Innovative offentlige anskaffelser}
    """
    folder = make_plan()
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    text = text.replace("targets:\n", extra.replace("    ", "", 1).replace("\n    ", "\n") + "targets:\n")
    (folder / "plan.yaml").write_text(text, encoding="utf-8")
    plan = regionplan.load_plan(folder, extensions=extensions)
    (p,) = [p for p in check_plan(plan, today=dt.date(2021, 1, 1)) if p.code == "MS001"]
    assert p.location is not None and p.location.file == "plan.yaml"
    assert "did you mean 'ap3-project-innovative-procurement'?" in p.message


def test_an_unreadable_register_is_one_warning_at_the_source(
    make_plan: Callable[..., Path], extensions: Extensions
) -> None:
    folder = make_plan()
    (folder / FILE).unlink()
    plan = regionplan.load_plan(folder, extensions=extensions)
    problems = check_plan(plan, today=dt.date(2024, 6, 1))
    assert [p.code for p in problems] == ["MS005"]
    assert problems[0].location is not None and problems[0].location.file == "plan.yaml"
    assert "no such file" in problems[0].message


def command_group() -> click.Group:
    group = click.Group()
    regionplan_milestones.regionplan_register_commands(cli=group)
    return group


def test_the_command_lists_by_project_and_actor(make_plan: Callable[..., Path]) -> None:
    folder = make_plan()
    result = CliRunner().invoke(command_group(), ["milestones", str(folder / FILE), "--as-of", "2024-06-01"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("5 milestone(s) on 2024-06-01")
    assert lines[2] == BF
    assert lines[3] == "  [x] 2021-06-30  Kartlegging av næringslivets behov  (grip)  done 2021-05-20"
    assert lines[5] == "  [!] 2023-12-31  Næringsvennlig-merke for kommunene  (ullensaker-kommune)"
    assert "  grip                3 milestone(s), 3 done, 0 overdue" in lines
    assert "  ullensaker-kommune  2 milestone(s), 1 done, 1 overdue" in lines
    assert lines[-1] == "1 overdue"


def test_the_command_with_a_plan_shows_titles_and_warnings(make_plan: Callable[..., Path]) -> None:
    folder = make_plan(MESSY_ROWS)
    args = ["milestones", str(folder / FILE), "--as-of", "2024-06-01", "--plan", str(folder)]
    result = CliRunner().invoke(command_group(), args)
    assert result.exit_code == 0, result.output
    assert f"{BF}  Prosjekt: Den næringsvennlige kommunen/regionen" in result.output
    assert "  grip              4 milestone(s), 2 done, 0 overdue  GRIP" in result.output
    warnings = [line for line in result.output.splitlines() if ": warning MS" in line]
    assert [w.split(": warning ")[1][:5] for w in warnings] == ["MS001", "MS003", "MS002", "MS004", "MS006"]
    assert warnings[0].startswith(f"{folder / FILE}:3:1: warning MS001:")


def test_the_command_fails_cleanly_on_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(command_group(), ["milestones", str(tmp_path / "nothing.csv")])
    assert result.exit_code == 3
    assert "no such file" in result.output


def test_found_through_its_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REGIONPLAN_LOAD_PLUGINS", raising=False)
    (ep,) = [e for e in importlib.metadata.entry_points(group="regionplan") if e.name == "milestones"]
    assert ep.value == "regionplan_milestones"
    assert ep.load() is regionplan_milestones
    pm = make_plugin_manager()
    assert pm.get_plugin("milestones") is regionplan_milestones
    ext = Extensions.collect(pm)
    assert ext.sources.get("milestones") is regionplan_milestones.MilestoneSource
    assert ext.sources.plugin_of("milestones") == "milestones"
    hooks = {h.name for h in pm.get_hookcallers(regionplan_milestones) or []}
    assert hooks == {
        "regionplan_register_sources",
        "regionplan_validate_plan",
        "regionplan_register_commands",
    }
