"""The xlsx report: the report model as a workbook, read back with openpyxl and checked against it.

The reference example runs offline on its real SSB figures, with the members evaluated (as
``regionplan report`` does), so the comparators and the members' figures are there.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

import regionplan
from regionplan.cli import EXIT_USER, cli
from regionplan.data.sources import SourceContext
from regionplan.evaluation.evaluator import Evaluation
from regionplan.plan.model import Label
from regionplan.report.build import build_report
from regionplan.report.member import member_groups
from regionplan.report.model import Report
from regionplan.report.renderers import render
from regionplan.report.renderers.xlsx import sheet_names

openpyxl = pytest.importorskip("openpyxl")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen"
AS_OF = dt.date(2026, 11, 30)
RECOVERY = "t-jobs-recover-pandemic-losses"
FIRST_WORDS = {"nb": ("Oversikt", "Kilder", "Periode"), "en": ("Overview", "Sources", "Period")}


def _evaluate(plan: Any, cache: Path) -> Evaluation:
    context = SourceContext(base_dir=EXAMPLE, cache_dir=cache, offline=True)
    return regionplan.evaluate(plan, as_of=AS_OF, context=context, groups=member_groups(plan))


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    return _evaluate(regionplan.load_plan(EXAMPLE), tmp_path_factory.mktemp("cache"))


def _book(evaluation: Evaluation, lang: str) -> tuple[Any, Report]:
    data = render(evaluation, "xlsx", lang=lang)
    assert isinstance(data, bytes) and data[:2] == b"PK"
    return openpyxl.load_workbook(io.BytesIO(data)), build_report(evaluation, lang=lang)


def _rows(sheet: Any, col: int = 1, width: int = 2) -> dict[Any, tuple[Any, ...]]:
    """The rows of a sheet's table at ``col`` keyed by its first cell (the header row left out)."""
    out = {}
    for row in sheet.iter_rows(min_row=2, min_col=col, max_col=col + width - 1):
        if row[0].value is not None:
            out[row[0].value] = tuple(c for c in row[1:])
    return out


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_workbook_holds_the_reports_figures_as_numbers(evaluation: Evaluation, lang: str) -> None:
    book, report = _book(evaluation, lang)
    overview_name, sources_name, period = FIRST_WORDS[lang]
    assert book.sheetnames[0] == overview_name and book.sheetnames[-1] == sources_name
    assert len(book.sheetnames) == len(report.targets) + 2
    assert all(len(n) <= 31 for n in book.sheetnames)
    assert len({n.casefold() for n in book.sheetnames}) == len(book.sheetnames)

    overview = book[overview_name]
    for row, target in enumerate(report.targets, start=2):
        assert overview.cell(row, 2).value == target.title
        assert overview.cell(row, 3).value == f"{target.status.symbol} {target.status.label}"
        assert overview.cell(row, 9).value == target.explanation
        assert overview.cell(row, 2).hyperlink.location == f"'{book.sheetnames[row - 1]}'!A1"
        latest = overview.cell(row, 4)
        if target.latest is None:
            assert latest.value == "–"
        else:
            assert latest.data_type == "n" and latest.value == pytest.approx(target.latest.value)
            assert overview.cell(row, 5).value == target.latest.period_text

    charts = {c.target: c for c in report.charts}
    for name, target in zip(book.sheetnames[1:-1], report.targets, strict=True):
        sheet = book[name]
        assert sheet.cell(1, 1).value == period and sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["A"].customWidth and sheet.column_dimensions["F"].width > 20
        observed = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2, max_col=2)}
        for point in charts[target.id].history:
            cell = observed[point.period_text]
            assert cell.data_type == "n" and cell.value == pytest.approx(point.value)
        facts = {k: v[0].value for k, v in _rows(sheet, col=5).items()}
        assert facts[report.t("status")] == f"{target.status.symbol} {target.status.label}"
        assert facts[report.t("reason")] == target.explanation
        if target.baseline is not None:
            assert facts[report.t("baseline")] == pytest.approx(target.baseline.value)

    recovery = book[book.sheetnames[1 + [t.id for t in report.targets].index(RECOVERY)]]
    periods = [c.value for c in recovery["A"][1:] if c.value]
    assert ("2022K4" if lang == "nb" else "2022Q4") in periods
    # the recovery's latest figure: a whole number of jobs, shown without decimals
    row = next(r for r in recovery.iter_rows(min_row=2, max_col=2) if r[0].value in ("2022K4", "2022Q4"))
    assert row[1].value == 47815 and row[1].number_format == "#,##0"


def test_the_region_stands_beside_its_comparators_and_members(evaluation: Evaluation) -> None:
    book, report = _book(evaluation, "nb")
    assert report.comparisons is not None
    compared = next(m for m in report.comparisons.compared if m.metric == "jobs")
    sheet = book[book.sheetnames[1 + [t.id for t in report.targets].index(RECOVERY)]]
    assert sheet.cell(1, 9).value == f"{compared.title} ({compared.unit})"
    table = _rows(sheet, col=8, width=4)
    assert [a.name for a in compared.areas] == list(table)
    for area in compared.areas:
        value, period, change = (c.value for c in table[area.name])
        assert (
            value == pytest.approx(area.value) and period == area.period_text and change == area.change_text
        )
    assert "Hurdal" in table and "Akershus" in table and "Norge" in table


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_sources_sheet_credits_each_source(evaluation: Evaluation, lang: str) -> None:
    book, report = _book(evaluation, lang)
    sheet = book[book.sheetnames[-1]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=len(report.sources) + 1)]
    assert [r[2] for r in rows] == [s.label for s in report.sources]
    assert all(r[3] == "CC BY 4.0" for r in rows)
    # SSB's credit line, as the plan's sources give it (in Norwegian, as SSB words it)
    assert any(str(r[2]).startswith("Kilde: Statistisk sentralbyrå") for r in rows)
    delivered = [c.value for c in sheet["B"][len(report.sources) + 2 :] if c.value]
    assert any("employment_11618_2017_2022.csv" in str(v) for v in delivered)


def test_plan_text_starting_with_an_equals_sign_is_text_not_a_formula(tmp_path: Path) -> None:
    plan = regionplan.load_plan(EXAMPLE)
    hostile = '=HYPERLINK("http://example.invalid","x")'
    targets = tuple(
        attrs.evolve(t, title=Label({"nb": hostile, "en": hostile})) if t.id == RECOVERY else t
        for t in plan.targets
    )
    ev = _evaluate(attrs.evolve(plan, targets=targets), tmp_path)
    book = openpyxl.load_workbook(io.BytesIO(render(ev, "xlsx", lang="nb")))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value == hostile]
    assert len(cells) >= 2  # the overview and the target's own sheet
    assert all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for c in row)


def test_sheet_names_follow_excels_rules() -> None:
    names = sheet_names(["a" * 40, "a" * 40, "A" * 40, "x[1]:y*z?/\\", "History", "'quoted'", ""])
    assert all(0 < len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert names[3] == "x_1__y_z___" and names[4] != "History" and names[5] == "quoted"
    assert sheet_names(["Oversikt"], taken=["oversikt"]) == ["Oversikt~2"]


def test_the_cli_writes_xlsx_only_to_a_file(tmp_path: Path) -> None:
    base = ["report", str(EXAMPLE), "--format", "xlsx", "--offline", "--as-of", "2026-11-30"]
    base += ["--cache-dir", str(tmp_path / "cache")]
    refused = CliRunner().invoke(cli, base)
    assert refused.exit_code == EXIT_USER
    assert "binary" in refused.output and "-o" in refused.output and "Traceback" not in refused.output
    out = tmp_path / "rapport.xlsx"
    written = CliRunner().invoke(cli, [*base, "-o", str(out)])
    assert written.exit_code == 0, written.output
    assert openpyxl.load_workbook(out).sheetnames[0] == "Oversikt"


def test_the_xlsx_format_is_a_listed_builtin_plugin() -> None:
    result = CliRunner().invoke(cli, ["plugins", "--format", "json"])
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert rows["regionplan.report.renderers.builtin"]["builtin"] is True
    assert "regionplan_register_renderers" in rows["regionplan.report.renderers.builtin"]["hooks"]
    assert "xlsx [regionplan.report.renderers.builtin]" in CliRunner().invoke(cli, ["plugins"]).output


def test_a_report_on_one_member_lists_the_members_where_no_comparison_is_made(evaluation: Evaluation) -> None:
    data = render(evaluation, "xlsx", lang="nb", area="3242")  # Hurdal
    book, report = openpyxl.load_workbook(io.BytesIO(data)), build_report(evaluation, lang="nb", area="3242")
    assert report.member is not None and report.comparisons is not None
    compared = {m.metric for m in report.comparisons.compared}
    metric_of = {t.id: t.metric for t in report.targets}
    shown = [m for m in report.member.targets if metric_of[m.target] not in compared]
    assert shown, "the example has targets on metrics without comparisons"
    ids = list(metric_of)
    for member_target in shown:
        sheet = book[book.sheetnames[1 + ids.index(member_target.target)]]
        assert sheet.cell(1, 11).value == report.t("status")
        table = _rows(sheet, col=8, width=4)
        assert list(table) == [f.name for f in member_target.figures]
        for f in member_target.figures:
            status = f"{f.status.symbol} {f.status.label}" if f.status else report.t("not_evaluated")
            assert table[f.name][2].value == status


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_since_sheet_lists_every_change_of_the_reports_section(
    evaluation: Evaluation, lang: str, tmp_path: Path
) -> None:
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path, offline=True)
    earlier = regionplan.evaluate(evaluation.plan, as_of=dt.date(2022, 4, 30), context=context)
    previous = json.loads(render(earlier, "json", lang=lang))
    book = openpyxl.load_workbook(io.BytesIO(render(evaluation, "xlsx", lang=lang, since=previous)))
    section = build_report(evaluation, lang=lang, since=previous).since
    assert section is not None and section.groups
    heading = {"nb": "Siden forrige rapport", "en": "Since the last report"}[lang]
    assert section.heading == heading
    assert book.sheetnames[:2] == [FIRST_WORDS[lang][0], heading]
    rows = [tuple(c.value for c in row) for row in book[heading].iter_rows(max_col=3)]
    expected = [(g.heading, i.id, i.text) for g in section.groups for i in g.items]
    assert rows[0] == ({"nb": "Type endring", "en": "Kind of change"}[lang], "Id", rows[0][2])
    assert rows[1 : 1 + len(expected)] == expected
    assert (
        rows[-1][0]
        == section.intro
        == {
            "nb": "Sammenlignet med rapporten per 2022-04-30.",
            "en": "Compared with the report as of 2022-04-30.",
        }[lang]
    )
    without = openpyxl.load_workbook(io.BytesIO(render(evaluation, "xlsx", lang=lang)))
    assert heading not in without.sheetnames
    assert len(without.sheetnames) == len(book.sheetnames) - 1
