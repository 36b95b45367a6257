"""Since the last report: two evaluations compared as their JSON, and the section it gives a report.

The example plan is evaluated offline on its copied SSB figures as of 2022-04-30 (jobs known
to 2020Q4) and as of 2026-11-26 (jobs known to 2022Q4). What changed is checked against the
two evaluations themselves; edits of the earlier report's JSON stand for a plan changed in
between.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import regionplan
from regionplan.cli import cli
from regionplan.data.sources import SourceContext
from regionplan.evaluation.evaluator import Evaluation
from regionplan.report.build import build_report
from regionplan.report.model import Report
from regionplan.report.renderers import RenderOptions, render
from regionplan.report.renderers.html import HtmlRenderer
from regionplan.report.renderers.markdown import MarkdownRenderer
from regionplan.report.renderers.terminal import TerminalRenderer
from regionplan.report.schema import report_schema
from regionplan.report.since import ReportComparisonError, compare_reports
from regionplan.report.since_section import since_view

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gardermoregionen"
EARLIER = dt.date(2022, 4, 30)
LATER = dt.date(2026, 11, 26)
RECOVERY = "t-jobs-recover-pandemic-losses"
BALANCE = "t-main-jobs-keep-pace-with-population"


def _evaluate(plan_dir: Path, as_of: dt.date, cache: Path) -> Evaluation:
    plan = regionplan.load_plan(plan_dir)
    context = SourceContext(base_dir=plan_dir, cache_dir=cache, offline=True)
    return regionplan.evaluate(plan, as_of=as_of, context=context)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def earlier(cache: Path) -> Evaluation:
    return _evaluate(EXAMPLE, EARLIER, cache)


@pytest.fixture(scope="module")
def later(cache: Path) -> Evaluation:
    return _evaluate(EXAMPLE, LATER, cache)


@pytest.fixture(scope="module")
def earlier_json(earlier: Evaluation) -> dict[str, Any]:
    """The earlier report as saved: the json format's text, read back."""
    data: dict[str, Any] = json.loads(render(earlier, "json", lang="nb"))
    return data


def _target_rows(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for s in doc["sections"] for e in s["elements"] for t in e["targets"]}


# -- the comparison ------------------------------------------------------------------------


def test_statuses_that_changed_are_those_of_the_two_evaluations(
    earlier: Evaluation, later: Evaluation, earlier_json: dict[str, Any]
) -> None:
    changes = compare_reports(earlier_json, build_report(later))
    before = {r.target.id: r.status.value for r in earlier.targets_in(earlier.areas[0])}
    after = {r.target.id: r.status.value for r in later.targets_in(later.areas[0])}
    expected = {t: (before[t], after[t]) for t in after if before[t] != after[t]}
    assert {c.target: (c.before, c.after) for c in changes.status_changes} == expected
    # the pandemic losses were replaced by 2022Q4, a figure published after April 2022
    assert expected[RECOVERY] == ("insufficient_data", "achieved")
    assert (changes.previous_as_of, changes.current_as_of) == (EARLIER, LATER)
    assert changes.redefined == changes.added_targets == changes.removed_targets == ()
    assert not changes.empty


def test_new_data_is_the_latest_period_that_moved(earlier_json: dict[str, Any], later: Evaluation) -> None:
    changes = compare_reports(earlier_json, build_report(later))
    moved = {(c.target, c.metric): (c.before, c.after) for c in changes.new_data}
    assert moved[(RECOVERY, "jobs")] == ("2020Q4", "2022Q4")
    assert moved[(BALANCE, "jobs")] == ("2020Q4", "2022Q4")
    latest = {r.target.id: r.latest for r in later.targets_in(later.areas[0])}
    for target, _ in moved:
        assert latest[target] is not None and latest[target].period == moved[(target, "jobs")][1]


def test_goals_whose_roll_up_or_coverage_changed(earlier_json: dict[str, Any], later: Evaluation) -> None:
    changes = compare_reports(earlier_json, build_report(later))
    goals = {g.element: g for g in changes.goal_changes}
    sub_goal = goals["sub-goal-replace-lost-jobs"]
    assert (sub_goal.before, sub_goal.after) == ("insufficient_data", "achieved")
    main = goals["main-goal"]
    assert main.before == main.after  # still off track, but measured on more of its weight
    assert main.coverage_before is not None and main.coverage_after is not None
    assert main.coverage_after > main.coverage_before
    # an element that changed in neither is not listed
    unchanged = {g.element.id for g in later.goals_in(later.areas[0])} - set(goals)
    assert unchanged


def test_a_report_object_and_its_saved_json_compare_alike(earlier: Evaluation, later: Evaluation) -> None:
    current = build_report(later, lang="en")
    as_object = compare_reports(build_report(earlier, lang="en"), current)
    as_json = compare_reports(json.loads(render(earlier, "json", lang="en")), current)
    assert as_object == as_json


def test_a_report_compared_with_itself_has_no_changes(later: Evaluation) -> None:
    report = build_report(later)
    changes = compare_reports(report, report)
    assert changes.empty
    view = since_view(changes, "nb")
    assert view.groups == () and view.none_text == "Ingen endringer siden forrige rapport."
    assert since_view(changes, "en").none_text == "No changes since the last report."


def test_a_target_redefined_in_the_json_is_shown_as_such_not_as_a_status_change(
    earlier_json: dict[str, Any], later: Evaluation
) -> None:
    previous = copy.deepcopy(earlier_json)
    row = _target_rows(previous)[RECOVERY]
    row["definition"]["baseline"] = "2018"
    row["definition"]["deadline"] = "2028"
    changes = compare_reports(previous, build_report(later))
    assert RECOVERY not in {c.target for c in changes.status_changes}
    (redefined,) = changes.redefined
    assert redefined.target == RECOVERY
    assert {(f.field, f.before, f.after) for f in redefined.fields} == {
        ("baseline", "2018", "2019"),
        ("deadline", "2028", None),
    }
    assert (redefined.before, redefined.after) == ("insufficient_data", "achieved")
    text = since_view(changes, "nb").groups
    lines = {g.kind: [i.text for i in g.items] for g in text}
    assert lines["redefined"] == [
        "Antall arbeidsplasser tilbake på nivået før pandemien (4. kvartal 2019): "
        "basisperiode 2018 → 2019; frist 2028 → – (status For lite data → Nådd)"
    ]
    assert "status" not in lines  # the only status change was the redefined target's


def test_a_target_value_changed_in_the_json_is_redefined(
    earlier_json: dict[str, Any], later: Evaluation
) -> None:
    previous = copy.deepcopy(earlier_json)
    _target_rows(previous)["t-higher-education-offering-by-2030"]["definition"]["value"] = 2.0
    (redefined,) = compare_reports(previous, build_report(later)).redefined
    assert [(f.field, f.before, f.after) for f in redefined.fields] == [("value", 2.0, 1.0)]
    view = since_view(compare_reports(previous, build_report(later, lang="en")), "en")
    (group,) = [g for g in view.groups if g.kind == "redefined"]
    assert "target value 2 → 1" in group.items[0].text


def test_a_report_without_definitions_is_compared_on_kind_metric_and_deadline(
    earlier_json: dict[str, Any], later: Evaluation
) -> None:
    previous = copy.deepcopy(earlier_json)
    for row in _target_rows(previous).values():
        del row["definition"]
    assert compare_reports(previous, build_report(later)).redefined == ()
    _target_rows(previous)[RECOVERY]["kind"] = "level"
    (redefined,) = compare_reports(previous, build_report(later)).redefined
    assert [(f.field, f.before, f.after) for f in redefined.fields] == [("kind", "level", "recovery")]
    (line,) = [i.text for g in since_view(compare_reports(previous, build_report(later)), "nb").groups
               for i in g.items if g.kind == "redefined"]  # fmt: skip
    assert "type nivå → tilbake til nivået før et fall" in line  # the reader's words, not the codes


def test_targets_and_goals_added_and_removed(earlier_json: dict[str, Any], later: Evaluation) -> None:
    previous = copy.deepcopy(earlier_json)
    sections = previous["sections"]
    elements = [e for s in sections for e in s["elements"]]
    holder = next(e for e in elements if any(t["id"] == RECOVERY for t in e["targets"]))
    old_row = next(t for t in holder["targets"] if t["id"] == RECOVERY)
    holder["targets"] = [t for t in holder["targets"] if t["id"] != RECOVERY]
    gone = copy.deepcopy(old_row) | {"id": "t-gone", "title": "Et mål som er tatt ut"}
    holder["targets"].append(gone)
    sections[0]["elements"].append(copy.deepcopy(holder) | {"id": "old-goal", "title": "Et gammelt delmål"})
    changes = compare_reports(previous, build_report(later))
    assert [(c.target, c.status) for c in changes.added_targets] == [(RECOVERY, "achieved")]
    assert [c.target for c in changes.removed_targets] == ["t-gone"]
    assert [e.element for e in changes.removed_goals] == ["old-goal"]
    assert changes.added_goals == ()


def test_a_plan_changed_between_the_reports(
    tmp_path: Path, cache: Path, earlier_json: dict[str, Any]
) -> None:
    """The plan itself revised after the earlier report: a new base year is a redefinition."""
    plan_dir = tmp_path / "plan"
    shutil.copytree(EXAMPLE, plan_dir)
    targets = plan_dir / "targets.yaml"
    text = targets.read_text("utf-8")
    assert text.count('baseline: "2019"\n    tolerance: 0') == 1
    targets.write_text(
        text.replace('baseline: "2019"\n    tolerance: 0', 'baseline: "2017"\n    tolerance: 0')
    )
    changes = compare_reports(earlier_json, build_report(_evaluate(plan_dir, LATER, cache)))
    redefined = {c.target: c for c in changes.redefined}
    assert [(f.field, f.before, f.after) for f in redefined[BALANCE].fields] == [("baseline", "2019", "2017")]
    assert BALANCE not in {c.target for c in changes.status_changes}


# -- what cannot be compared ---------------------------------------------------------------


def test_another_schema_version_is_refused_with_a_clear_message(
    earlier_json: dict[str, Any], later: Evaluation
) -> None:
    current = build_report(later)
    with pytest.raises(
        ReportComparisonError, match=r"version 2; this regionplan compares reports of .* version 1"
    ):
        compare_reports(earlier_json | {"schema_version": 2}, current)
    with pytest.raises(ReportComparisonError, match=re.escape("follows schema 'https://example.org/other'")):
        compare_reports(earlier_json | {"schema": "https://example.org/other"}, current)
    with pytest.raises(ReportComparisonError, match="not a regionplan report"):
        compare_reports({"title": "x"}, current)
    with pytest.raises(ReportComparisonError, match="not a whole report"):
        compare_reports({k: v for k, v in earlier_json.items() if k != "sections"}, current)
    with pytest.raises(ReportComparisonError, match="about area 'elsewhere'"):
        compare_reports(earlier_json | {"area": "elsewhere"}, current)
    without_version = {k: v for k, v in earlier_json.items() if k != "schema_version"}
    with pytest.raises(ReportComparisonError, match=re.escape("report-v1.json' no version; this regionplan")):
        compare_reports(without_version, current)


def test_a_report_later_than_this_one_is_refused(earlier: Evaluation, later: Evaluation) -> None:
    """Compared the wrong way round, newer periods would be listed as new data going back."""
    with pytest.raises(
        ReportComparisonError,
        match=f"the previous report is as of {LATER.isoformat()}, after this one \\({EARLIER.isoformat()}\\)",
    ):
        compare_reports(build_report(later), build_report(earlier))


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ("title", 7, "7 where a text belongs"),
        ("status", {"value": {"x": 1}}, "where a text belongs"),
        ("status", None, "a target without a status"),
        ("latest", "2020Q4", "'2020Q4' where a latest figure belongs"),
    ],
)
def test_a_damaged_target_is_refused_with_what_is_wrong(
    earlier_json: dict[str, Any], later: Evaluation, where: str, value: Any, message: str
) -> None:
    previous = copy.deepcopy(earlier_json)
    _target_rows(previous)[RECOVERY][where] = value
    with pytest.raises(ReportComparisonError, match=re.escape(message)):
        compare_reports(previous, build_report(later))


def test_a_damaged_element_is_refused(earlier_json: dict[str, Any], later: Evaluation) -> None:
    previous = copy.deepcopy(earlier_json)
    previous["sections"][0]["elements"][0]["coverage"] = "10 %"
    with pytest.raises(ReportComparisonError, match="'10 %' where a number belongs"):
        compare_reports(previous, build_report(later))
    del previous["sections"][0]["elements"][0]["title"]
    with pytest.raises(ReportComparisonError, match="is not a whole report \\(no 'title'\\)"):
        compare_reports(previous, build_report(later))


# -- the section in every format -----------------------------------------------------------


def test_the_report_carries_the_definition_and_follows_the_schema(
    earlier_json: dict[str, Any], later: Evaluation
) -> None:
    from test_report import validate

    doc = json.loads(render(later, "json", lang="en", since=earlier_json))
    validate(doc, report_schema())
    assert doc["since"]["previous_as_of"] == "2022-04-30"
    row = _target_rows(doc)[BALANCE]
    assert row["definition"] == {
        "kind": "growth_vs",
        "metric": "jobs",
        "value": None,
        "value_unit": None,
        "change": None,
        "relative": False,
        "baseline": "2019",
        "deadline": None,
        "shock": None,
        "other": "population",
        "every_year": False,
        "tolerance": 0.0,
        "area": None,
    }
    plain = json.loads(render(later, "json", lang="en"))
    validate(plain, report_schema())
    assert plain["since"] is None


@pytest.fixture(scope="module")
def with_since(later: Evaluation, earlier_json: dict[str, Any]) -> Report:
    return build_report(later, lang="nb", since=earlier_json)


def test_html_has_the_section_with_since_and_not_without(with_since: Report, later: Evaluation) -> None:
    options = RenderOptions(charts=False)
    page = HtmlRenderer().render(with_since, options)
    assert '<section id="since"' in page and '<a href="#since">Siden forrige rapport</a>' in page
    assert "Sammenlignet med rapporten per 2022-04-30." in page
    assert "2020K4 → 2022K4" in page
    plain = HtmlRenderer().render(build_report(later, lang="nb"), options)
    assert 'id="since"' not in plain and "Siden forrige rapport" not in plain


def test_html_escapes_the_earlier_reports_text(earlier_json: dict[str, Any], later: Evaluation) -> None:
    previous = copy.deepcopy(earlier_json)
    row = copy.deepcopy(_target_rows(earlier_json)[RECOVERY]) | {
        "id": "t-old",
        "title": "<script>alert(1)</script>",
    }
    previous["sections"][0]["elements"][0]["targets"].append(row)  # a target removed since
    page = HtmlRenderer().render(build_report(later, since=previous), RenderOptions(charts=False))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markdown_and_terminal_have_the_section(with_since: Report) -> None:
    md = MarkdownRenderer().render(with_since, RenderOptions())
    assert "## Siden forrige rapport\n\nSammenlignet med rapporten per 2022-04-30.\n" in md
    assert "### Mål som har endret status\n\n- Antall arbeidsplasser tilbake" in md
    text = TerminalRenderer().render(with_since, RenderOptions(width=200))
    assert "Siden forrige rapport\n---------------------" in text
    assert (
        "Nye tall:\n  - Arbeidsplasser (sysselsatte etter arbeidssted, 15–74 år, 4. kvartal): 2020K4 → 2022K4"
        in text
    )


def test_no_changes_is_said_in_every_format(later: Evaluation) -> None:
    report = build_report(later, lang="en")
    same = build_report(later, lang="en", since=report)
    assert same.since is not None and same.since.groups == ()
    md = MarkdownRenderer().render(same, RenderOptions(lang="en"))
    page = HtmlRenderer().render(same, RenderOptions(lang="en", charts=False))
    text = TerminalRenderer().render(same, RenderOptions(lang="en"))
    for out in (md, page, text):
        assert "Since the last report" in out and "No changes since the last report." in out


def test_an_nb_section_has_no_english_words(with_since: Report) -> None:
    assert with_since.since is not None
    words = " ".join(
        [with_since.since.heading, with_since.since.intro]
        + [g.heading for g in with_since.since.groups]
        + [i.text for g in with_since.since.groups for i in g.items]
    )
    for english in (
        "Since",
        "report ",
        "changed",
        "New data",
        "Insufficient",
        "chieved",
        "measured",
        "deadline",
    ):
        assert english not in words


# -- the command line ----------------------------------------------------------------------


def test_cli_since_a_saved_report_and_since_a_date_say_the_same(tmp_path: Path, cache: Path) -> None:
    runner = CliRunner()
    common = [str(EXAMPLE), "--offline", "--cache-dir", str(cache)]
    saved = tmp_path / "2022.json"
    first = runner.invoke(
        cli, ["report", *common, "--as-of", "2022-04-30", "--format", "json", "-o", str(saved)]
    )
    assert first.exit_code == 0, first.output
    by_file = runner.invoke(
        cli, ["report", *common, "--as-of", "2026-11-26", "--format", "md", "--since", str(saved)]
    )
    by_date = runner.invoke(
        cli, ["report", *common, "--as-of", "2026-11-26", "--format", "md", "--since", "2022-04-30"]
    )
    assert by_file.exit_code == by_date.exit_code == 0, by_file.output + by_date.output
    assert "## Siden forrige rapport" in by_file.output
    assert by_file.output == by_date.output
    plain = runner.invoke(cli, ["report", *common, "--as-of", "2026-11-26", "--format", "md"])
    assert "Siden forrige rapport" not in plain.output


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("2027-01-01", "--since 2027-01-01 is not before the evaluation date 2026-11-26"),
        ("2022-02-30", "--since '2022-02-30' is not a date"),
        ("missing.json", "missing.json does not exist"),
        ("", "--since is empty: name an earlier report's JSON (--format json) or a date YYYY-MM-DD"),
        (
            "1999-01-01",
            "--since 1999-01-01 is before the plan's start (2021-01-01): give a date from 2021-01-01 on",
        ),
        (".", ". is a folder, not a file"),
        ("2022-4-30", "--since '2022-4-30' is neither a file nor a date (write YYYY-MM-DD)"),
        ("30.04.2022", "--since '30.04.2022' is neither a file nor a date"),
    ],
)
def test_cli_refuses_a_bad_since_without_a_traceback(since: str, message: str, cache: Path) -> None:
    args = ["report", str(EXAMPLE), "--offline", "--cache-dir", str(cache), "--as-of", "2026-11-26"]
    result = CliRunner().invoke(cli, [*args, "--format", "md", "--since", since])
    assert result.exit_code == 3
    assert message in result.output and "Traceback" not in result.output


def test_cli_refuses_a_report_of_another_version(
    tmp_path: Path, cache: Path, earlier_json: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps(earlier_json | {"schema_version": 0}), "utf-8")
    not_json = tmp_path / "notes.json"
    not_json.write_text("Status 2022: fine", "utf-8")
    args = ["report", str(EXAMPLE), "--offline", "--cache-dir", str(cache), "--format", "md", "--since"]
    result = CliRunner().invoke(cli, [*args, str(old)])
    assert result.exit_code == 3 and "version 0" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(cli, [*args, str(not_json)])
    assert result.exit_code == 3 and "is not a report's JSON" in result.output
    monkeypatch.setenv("REGIONPLAN_MAX_DATA_FILE_MB", "0.001")  # 1,000 bytes
    large = tmp_path / "large.json"
    large.write_text(json.dumps(earlier_json), "utf-8")
    result = CliRunner().invoke(cli, [*args, str(large)])
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert f"{large} is {large.stat().st_size / 1e6:,.1f} MB, more than the 0.001 MB" in result.output
    monkeypatch.delenv("REGIONPLAN_MAX_DATA_FILE_MB")
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    result = CliRunner().invoke(cli, [*args, str(nested)])
    assert result.exit_code == 3 and "is not a report's JSON" in result.output
