"""``regionplan graph --actor ID --focus ID``: the goal graph of one actor or focus area."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

import regionplan
from regionplan.cli import cli
from regionplan.plan.graph import GoalGraph

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen"


def _shown(output: str) -> list[str]:
    """The element ids a tree shows (each line ends "(kind, id)")."""
    return re.findall(r", ([^,()]+)\)$", output, re.M)


def test_an_actor_gets_its_own_elements_and_what_they_lead_to() -> None:
    result = CliRunner().invoke(cli, ["graph", str(EXAMPLE), "--actor", "nannestad-kommune"])
    assert result.exit_code == 0, result.output
    plan = regionplan.load_plan(EXAMPLE)
    g = GoalGraph.from_plan(plan)
    theirs = {e.id for e in plan.elements if any(r.actor == "nannestad-kommune" for r in e.responsible)}
    shown = set(_shown(result.output))
    assert theirs and theirs <= shown
    assert all(n in theirs or g.all_children(n) & theirs for n in shown)
    everything = set(_shown(CliRunner().invoke(cli, ["graph", str(EXAMPLE)]).output))
    assert shown < everything


def test_a_focus_area_gets_what_lies_in_it_and_leads_to_it() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["graph", str(EXAMPLE), "--focus", "focus-attractive"])
    assert result.exit_code == 0, result.output
    shown = set(_shown(result.output))
    assert {"vision", "main-goal", "strategy", "focus-attractive", "ap1-business-friendly"} <= shown
    assert "focus-united-visible" not in shown
    both = runner.invoke(
        cli, ["graph", str(EXAMPLE), "--focus", "focus-attractive", "--actor", "nannestad-kommune"]
    )
    assert both.exit_code == 0 and set(_shown(both.output)) <= shown


def test_an_unknown_actor_or_focus_area_is_a_usage_error_with_the_known_ids() -> None:
    for option, known in (("--actor", "nannestad-kommune"), ("--focus", "focus-attractive")):
        result = CliRunner().invoke(cli, ["graph", str(EXAMPLE), option, "nobody"])
        assert result.exit_code == 2
        assert "no such id: nobody" in result.output and known in result.output
        assert "Traceback" not in result.output
