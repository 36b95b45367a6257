"""A report on one member (``regionplan report --municipality hurdal``) is about that member.

Titled for it, its own statuses in the headline and the targets, its own figures beside the
region's and the other members', and questions asked of it, in md and html, nb and en. The
figures are the evaluation's own for each area (the example's real SSB figures, offline).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import regionplan
from regionplan.cli import cli
from regionplan.data.sources import SourceContext
from regionplan.evaluation.evaluator import Evaluation
from regionplan.plan.model import ElementKind
from regionplan.report.build import build_report
from regionplan.report.member import member_groups
from regionplan.report.renderers import RenderOptions
from regionplan.report.renderers.html import HtmlRenderer
from regionplan.report.renderers.markdown import MarkdownRenderer

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen"
AS_OF = dt.date(2026, 11, 30)
HURDAL = "3242"
TITLES = {
    "nb": ("Hurdal i Gardermoregionen", "Hvor står Hurdal?", "Hvor står regionen?"),
    "en": ("Hurdal in Gardermoregionen", "Where does Hurdal stand?", "Where does the region stand?"),
}


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    plan = regionplan.load_plan(EXAMPLE)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path_factory.mktemp("cache"), offline=True)
    return regionplan.evaluate(plan, as_of=AS_OF, context=context, groups=member_groups(plan))


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_member_view_compares_the_member_with_the_region_and_the_others(
    evaluation: Evaluation, lang: str
) -> None:
    report = build_report(evaluation, lang=lang, area=HURDAL)
    view = report.member
    assert view is not None
    assert (view.heading, view.summary_heading) == TITLES[lang][:2]
    plan = evaluation.plan
    assert len(view.targets) == len(plan.targets)
    for t in view.targets:
        roles = [f.role for f in t.figures]
        assert roles == ["member", "region"] + ["other"] * 5
        assert [f.id for f in t.figures][:2] == ["hurdal", plan.region.id]
        for f in t.figures:
            area = plan.region.id if f.role == "region" else f.code
            result = evaluation.target(t.target, area)
            assert f.status is not None and f.status.value == result.status.value
            assert f.value == (result.latest.value if result.latest is not None else None)
    # the headline and the targets carry Hurdal's own statuses, not the region's
    main = plan.elements_of_kind(ElementKind.MAIN_GOAL)[0]
    assert report.headline[0].status is not None
    assert report.headline[0].status.value == evaluation.goal(main.id, HURDAL).status.value
    for row in report.targets:
        assert row.status.value == evaluation.target(row.id, HURDAL).status.value
    balance = next(t for t in view.targets if t.target == "t-main-jobs-keep-pace-with-population")
    member, region = balance.figures[:2]
    assert member.status != region.status  # here the two differ: the view must not copy the region


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_markdown_report_on_hurdal_is_about_hurdal(evaluation: Evaluation, lang: str) -> None:
    heading, summary, region_question = TITLES[lang]
    md = MarkdownRenderer().render(build_report(evaluation, lang=lang, area=HURDAL), RenderOptions(lang=lang))
    assert md.startswith(f"# {heading}\n")
    assert f"\n## {summary}\n" in md and region_question not in md
    part = md[md.index("\n## Hurdal ") :]
    part = part[: part.index("\n## ", 1)]
    assert "| **Hurdal** |" in part and "| Gardermoregionen |" in part and "| Gjerdrum |" in part
    whole = MarkdownRenderer().render(build_report(evaluation, lang=lang), RenderOptions(lang=lang))
    assert f"\n## {region_question}\n" in whole and heading not in whole


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_html_report_on_hurdal_is_about_hurdal(evaluation: Evaluation, lang: str) -> None:
    heading, summary, region_question = TITLES[lang]
    report = build_report(evaluation, lang=lang, area=HURDAL)
    page = HtmlRenderer().render(report, RenderOptions(lang=lang))
    assert re.search(r"<title>(.*?)</title>", page).group(1).startswith(heading)  # type: ignore[union-attr]
    assert _text(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)) == heading  # type: ignore[union-attr]
    assert _text(re.search(r'<h2 id="summary-h">(.*?)</h2>', page, re.S).group(1)) == summary  # type: ignore[union-attr]
    assert region_question not in page
    section = re.search(r'<section id="member-comparison".*?</section>', page, re.S)
    assert section is not None
    tables = re.findall(r"<table class=\"member-comparison\">.*?</table>", section.group(0), re.S)
    assert len(tables) == len(evaluation.plan.targets)
    first = re.findall(r"<tr class=\"(\w+)\"><th scope=\"row\">(.*?)</th>", tables[0], re.S)
    assert [(role, _text(name)) for role, name in first][:2] == [
        ("member", "Hurdal"),
        ("region", "Gardermoregionen"),
    ]
    # the map marks the member
    assert report.map is not None and report.map.highlight == HURDAL


def test_the_cli_reports_on_a_member_by_id_or_any_of_its_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    base = [
        "report",
        str(EXAMPLE),
        "--format",
        "md",
        "--offline",
        "--as-of",
        "2026-11-30",
        "--cache-dir",
        str(tmp_path),
    ]
    for member in ("hurdal", "0239", "3037"):
        result = runner.invoke(cli, [*base, "--municipality", member])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("# Hurdal i Gardermoregionen\n")
        assert "## Hvor står Hurdal?" in result.output and "## Kart" in result.output
    whole = runner.invoke(cli, [*base, "--lang", "en"])
    assert whole.exit_code == 0, whole.output
    assert "## Where does the region stand?" in whole.output and "## Map" in whole.output
    assert "Hurdal in Gardermoregionen" not in whole.output


def test_the_member_view_and_the_map_follow_the_json_schema(evaluation: Evaluation) -> None:
    from regionplan.report.schema import report_schema
    from test_report import validate

    for area in (None, HURDAL):
        doc = json.loads(json.dumps(build_report(evaluation, lang="en", area=area).to_dict()))
        validate(doc, report_schema())
        assert (doc["member"] is None) == (area is None)
        assert [f["name"] for f in doc["map"]["members"]][:1] == ["Ullensaker"]


def test_every_figure_carries_the_areas_figures_of_every_period(evaluation: Evaluation) -> None:
    view = build_report(evaluation, lang="nb", area=HURDAL).member
    assert view is not None
    plan = evaluation.plan
    compared = 0
    for t in view.targets:
        for f in t.figures:
            area = plan.region.id if f.role == "region" else f.code
            result = evaluation.target(t.target, area)
            assert [(p.period, p.value) for p in f.history] == [(h.period, h.value) for h in result.history]
            compared += len(f.history)
            if f.history and f.value is not None:
                assert (f.history[-1].value, f.history[-1].text) == (
                    f.value,
                    f.text,
                )  # the latest is the last
    assert compared > 50


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_workbook_on_hurdal_has_every_members_figures_over_the_years(
    evaluation: Evaluation, lang: str
) -> None:
    import io

    openpyxl = pytest.importorskip("openpyxl")
    from regionplan.report.renderers.xlsx import XlsxRenderer, sheet_names

    report = build_report(evaluation, lang=lang, area=HURDAL)
    assert report.member is not None
    book = openpyxl.load_workbook(io.BytesIO(XlsxRenderer().render(report, RenderOptions(lang=lang))))
    heading = {"nb": "Over tid", "en": "Over the years"}[lang]
    ids = [t.id for t in report.targets]
    sheets = dict(zip(ids, sheet_names(ids), strict=True))  # a target's sheet: its id, cut to fit
    checked = 0
    for member_target in report.member.targets:
        if not any(f.history for f in member_target.figures):
            continue
        sheet = book[sheets[member_target.target]]
        cells = {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row if c.value is not None}
        (top, col) = next(k for k, v in cells.items() if str(v).startswith(heading))
        assert cells[top, col] == (f"{heading} ({member_target.unit})" if member_target.unit else heading)
        periods = [cells[top + 1, col + j] for j in range(1, 200) if (top + 1, col + j) in cells]
        for i, f in enumerate(member_target.figures):
            assert cells[top + 2 + i, col] == f.name
            shown = {p.period_text: p.value for p in f.history}
            for j, period in enumerate(periods, start=1):
                if shown.get(period) is not None:
                    assert cells[top + 2 + i, col + j] == pytest.approx(shown[period])
                    checked += 1
    assert checked > 50
