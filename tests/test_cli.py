"""The command line: every command, its exit codes, and no traceback for a user's mistake."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from regionplan.cli import EXIT_PLAN, EXIT_USER, cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gardermoregionen"
FOUR_ERRORS = Path(__file__).parent / "data" / "plans" / "four_errors"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a fresh process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-c", "from regionplan.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_validate_the_example() -> None:
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_four_errors_at_once_with_positions_and_no_traceback() -> None:
    proc = run("validate", str(FOUR_ERRORS))
    assert proc.returncode == EXIT_PLAN
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out
    for code in ("RP101", "RP102", "RP103", "RP202"):
        assert f"error {code}" in out, code
    # every error line starts with file:line:column
    error_lines = [line for line in proc.stdout.splitlines() if " error RP" in line]
    assert len(error_lines) >= 4
    for line in error_lines:
        where = line.split(": error", 1)[0]
        file, line_no, column = where.rsplit(":", 2)
        assert file.endswith(".yaml") and line_no.isdigit() and column.isdigit(), line


def test_validate_as_json() -> None:
    result = CliRunner().invoke(cli, ["validate", str(FOUR_ERRORS), "--format", "json"])
    assert result.exit_code == EXIT_PLAN
    problems = json.loads(result.output)
    assert {p["code"] for p in problems if p["severity"] == "error"} >= {"RP101", "RP102", "RP103", "RP202"}
    assert all(p["line"] and p["column"] for p in problems if p["code"] in {"RP101", "RP202"})


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("validate", "no/such/folder"), EXIT_PLAN, "no file or folder"),
        (("report", str(EXAMPLE), "--format", "htlm", "--offline"), EXIT_USER, "did you mean 'html'"),
        (("evaluate", str(EXAMPLE), "--as-of", "26.11.2026"), 2, "not a date"),
        (
            ("new", "x", "--from", str(EXAMPLE), "--name", "X", "-m", "12"),
            EXIT_USER,
            "not a municipality code",
        ),
        (("new", "x", "--from", str(EXAMPLE), "--name", "X", "-m", "0235"), EXIT_USER, "ceased"),
    ],
)
def test_a_users_mistake_gives_a_message_not_a_traceback(
    args: tuple[str, ...], code: int, message: str
) -> None:
    proc = run(*args)
    out = proc.stdout + proc.stderr
    assert proc.returncode == code, out
    assert "Traceback" not in out
    assert message in out


def test_debug_shows_the_traceback() -> None:
    proc = run("--debug", "validate", "no/such/folder")
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr


def test_graph_formats() -> None:
    runner = CliRunner()
    mermaid = runner.invoke(cli, ["graph", str(EXAMPLE), "--format", "mermaid"])
    assert mermaid.exit_code == 0 and mermaid.output.startswith("graph BT")
    assert "n_sub_goal_replace_lost_jobs --> n_main_goal" in mermaid.output
    dot = runner.invoke(cli, ["graph", str(EXAMPLE), "--format", "dot"])
    assert dot.exit_code == 0 and dot.output.startswith("digraph")
    assert '"sub-goal-replace-lost-jobs" -> "main-goal"' in dot.output
    tree = runner.invoke(cli, ["graph", str(EXAMPLE), "--lang", "en"])
    assert tree.exit_code == 0
    assert tree.output.splitlines()[0].startswith("- “The place where people land")


def test_plugins_lists_builtins_and_installed() -> None:
    result = CliRunner().invoke(cli, ["plugins", "--format", "json"])
    assert result.exit_code == 0
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert "regionplan_register_sources" in rows["regionplan.data.sources.tabular"]["hooks"]
    assert rows["regionplan.report.renderers.builtin"]["builtin"] is True


def test_evaluate_and_report(tmp_path: Path) -> None:
    runner = CliRunner()
    cache = str(tmp_path / "cache")
    table = runner.invoke(
        cli,
        [
            "evaluate",
            str(EXAMPLE),
            "--as-of",
            "2026-11-26",
            "--offline",
            "--cache-dir",
            cache,
            "--lang",
            "en",
        ],
    )
    assert table.exit_code == 0, table.output
    assert "Achieved" in table.output
    as_json = runner.invoke(
        cli,
        [
            "evaluate",
            str(EXAMPLE),
            "--as-of",
            "2026-11-26",
            "--offline",
            "--cache-dir",
            cache,
            "--format",
            "json",
        ],
    )
    assert json.loads(as_json.output)["schema_version"] == 1
    out = tmp_path / "report.html"
    html = runner.invoke(
        cli,
        [
            "report",
            str(EXAMPLE),
            "--format",
            "html",
            "-o",
            str(out),
            "--offline",
            "--cache-dir",
            cache,
            "--as-of",
            "2026-11-26",
        ],
    )
    assert html.exit_code == 0, html.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_problems_lists_the_codes() -> None:
    result = CliRunner().invoke(cli, ["problems", "RP103"])
    assert result.exit_code == 0 and "cycle" in result.output


def _jobs(codes: set[str], year: int) -> int:
    with (EXAMPLE / "data" / "employment_11618_2017_2022.csv").open(encoding="utf-8") as f:
        return sum(
            int(r["employed_by_workplace_jobs"])
            for r in csv.DictReader(f)
            if int(r["year"]) == year and r["code_2024"] in codes
        )


def test_new_plan_for_other_municipalities_reports_on_their_data(tmp_path: Path) -> None:
    """``regionplan new`` then ``regionplan report``, with no editing in between."""
    runner = CliRunner()
    target = tmp_path / "ullensaker-nannestad"
    made = runner.invoke(
        cli,
        [
            "new",
            str(target),
            "--from",
            str(EXAMPLE),
            "--name",
            "Ullensaker og Nannestad",
            "-m",
            "3209",
            "-m",
            "3238",
        ],
    )
    assert made.exit_code == 0, made.output
    assert runner.invoke(cli, ["validate", str(target)]).exit_code == 0
    report = runner.invoke(
        cli,
        [
            "report",
            str(target),
            "--format",
            "json",
            "--offline",
            "--as-of",
            "2026-11-26",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
    )
    assert report.exit_code == 0, report.output
    doc = json.loads(report.output)
    assert doc["area_name"] == "Ullensaker og Nannestad"
    assert [m["code"] for m in doc["region"]["members"]] == ["3209", "3238"]

    import regionplan

    result = regionplan.evaluate(
        regionplan.load_plan(target),
        as_of="2026-11-26",
        context=regionplan.data.sources.SourceContext(
            base_dir=target, offline=True, cache_dir=tmp_path / "cache"
        ),
    )
    jobs = result.data["jobs"].regions
    values = {p.label: jobs.values[0, j] for j, p in enumerate(jobs.periods)}
    assert values["2019Q4"] == _jobs({"3209", "3238"}, 2019)
    assert values["2022Q4"] == _jobs({"3209", "3238"}, 2022)


def test_new_plan_for_nedre_romerike(tmp_path: Path) -> None:
    """A region whose members the example's data do not cover: it runs, and says what is missing."""
    runner = CliRunner()
    target = tmp_path / "nedre-romerike"
    codes = ["3205", "3222", "3224", "3232", "3226", "3220"]
    args = ["new", str(target), "--from", str(EXAMPLE), "--name", "Nedre Romerike"]
    for code in codes:
        args += ["-m", code]
    assert runner.invoke(cli, args).exit_code == 0
    region = (target / "region.yaml").read_text(encoding="utf-8")
    assert "Lillestrøm" in region and '"0231"' in region  # Skedsmo, merged into Lillestrøm in 2020
    assert "Gardermoregionen" not in (target / "goals.yaml").read_text(encoding="utf-8")
    md = runner.invoke(
        cli,
        [
            "report",
            str(target),
            "--format",
            "md",
            "--offline",
            "--lang",
            "en",
            "--as-of",
            "2026-11-26",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
    )
    assert md.exit_code == 0, md.output
    assert "Nedre Romerike" in md.output
    assert "Insufficient data" in md.output


def test_graph_escapes_hostile_titles(tmp_path: Path) -> None:
    hostile = 'x"]; click n_vision call alert(1) <script>alert(1)</script> "} digraph { a -> b'
    (tmp_path / "plan.yaml").write_text(
        f"""\
plan: {{id: p, title: P, period: {{start: 2024, end: 2030}}}}
region:
  id: r
  name: R
  municipalities: [{{id: ullensaker, name: Ullensaker, codes: [{{code: "3209", from: 2024-01-01}}]}}]
elements:
  - {{id: vision, kind: vision, title: {json.dumps(hostile)}}}
  - {{id: goal, kind: main_goal, title: {json.dumps(hostile)}, contributes_to: [vision]}}
""",
        encoding="utf-8",
    )
    runner = CliRunner()
    mermaid = runner.invoke(cli, ["graph", str(tmp_path), "--format", "mermaid"]).output
    assert "<script>" not in mermaid and '"]' not in mermaid.replace('"]\n', "\n")
    assert mermaid.count("\n") == 4  # the header, two nodes and one edge: nothing injected
    dot = runner.invoke(cli, ["graph", str(tmp_path), "--format", "dot"]).output
    # With every quoted string taken out, only DOT's own syntax is left: one edge, no plan text.
    skeleton = re.sub(r'"(?:[^"\\]|\\.)*"', "S", dot)
    assert skeleton.count(" -> ") == 1
    assert "script" not in skeleton and "digraph {" not in skeleton.split("\n", 1)[1]


def test_one_member_municipality_on_its_own(tmp_path: Path) -> None:
    runner = CliRunner()
    args = [
        "report",
        str(EXAMPLE),
        "--format",
        "json",
        "--offline",
        "--as-of",
        "2026-11-26",
        "--cache-dir",
        str(tmp_path),
        "--municipality",
        "hurdal",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["area"] == "3242" and doc["area_name"] == "Hurdal"
    recovery = next(t for t in _targets(doc) if t["id"] == "t-jobs-recover-pandemic-losses")
    assert recovery["latest"]["value"] == _jobs({"3242"}, 2022)
    unknown = runner.invoke(cli, [*args[:-1], "0616"])  # Nes in Buskerud is not Nes in Akershus
    assert unknown.exit_code == EXIT_USER and "not a member" in unknown.output


def _targets(doc: dict[str, object]) -> list[dict[str, object]]:
    return [t for section in doc["sections"] for row in section["elements"] for t in row["targets"]]  # type: ignore[index,union-attr]


def test_new_takes_municipality_names(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "two"
    made = runner.invoke(
        cli,
        ["new", str(target), "--from", str(EXAMPLE), "--name", "To", "-m", "Lillestrøm", "-m", "lørenskog"],
    )
    assert made.exit_code == 0, made.output
    region = (target / "region.yaml").read_text(encoding="utf-8")
    assert '"3205"' in region and '"3222"' in region
    ambiguous = runner.invoke(
        cli, ["new", str(tmp_path / "x"), "--from", str(EXAMPLE), "--name", "X", "-m", "Våler"]
    )
    assert ambiguous.exit_code == EXIT_USER
    assert "3114 Våler (Østfold)" in ambiguous.output and "3419 Våler (Innlandet)" in ambiguous.output


def test_plugins_as_text_and_problem_codes() -> None:
    runner = CliRunner()
    text = runner.invoke(cli, ["plugins"]).output
    assert "regionplan.report.renderers.builtin" in text and "(built-in)" in text
    assert "sources: bundled [regionplan.data.sources.bundled], csv [regionplan.data.sources.tabular]" in text
    listing = runner.invoke(cli, ["problems"]).output
    assert listing.count("\n") >= 30 and "RP101" in listing
    unknown = runner.invoke(cli, ["problems", "RP999"])
    assert unknown.exit_code == EXIT_USER


def test_a_file_system_error_is_a_message(tmp_path: Path) -> None:
    proc = run("report", str(EXAMPLE), "--offline", "--format", "md", "-o", str(tmp_path))  # a folder
    assert proc.returncode == EXIT_USER
    assert "Traceback" not in proc.stderr and "error:" in proc.stderr


def test_an_unexpected_error_says_it_is_internal(monkeypatch: pytest.MonkeyPatch) -> None:
    import regionplan.plan.files

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(regionplan.plan.files, "validate_plan", broken)
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLE)])
    assert result.exit_code == 4
    assert "internal error (RuntimeError: boom)" in result.output and "--debug" in result.output


@pytest.mark.parametrize("command", ["evaluate", "report", "history"])
def test_a_language_without_words_is_refused_not_replaced_by_english(command: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, [command, str(EXAMPLE), "--offline", "--cache-dir", str(tmp_path), "--lang", "se"]
    )
    assert result.exit_code == 2  # usage: before any data is read
    assert "'se' is not one of 'nb', 'en'" in result.output and "Traceback" not in result.output
