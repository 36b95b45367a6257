"""The map of a region's members: bundled Kartverket boundaries, drawn offline in the HTML report.

The example is evaluated offline with every member as an area of its own, so each member has
its own status; the map must show exactly those statuses, in colour, symbol and words, with the
credit of the boundaries and a table beside it, and it must draw members whose codes predate
the 2024 polygons.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from importlib import resources
from pathlib import Path

import attrs
import numpy as np
import pytest

import regionplan
from regionplan.data.sources import SourceContext
from regionplan.errors import EvaluationError
from regionplan.evaluation.evaluator import Evaluation
from regionplan.plan.model import MunicipalityCode
from regionplan.report.build import build_report
from regionplan.report.map import MAP_FILLS, boundaries, boundary_codes, map_svg
from regionplan.report.member import (
    MAP_CREDIT,
    MAP_CREDITS,
    AreaFigure,
    MapView,
    default_map_target,
    member_groups,
)
from regionplan.report.renderers import RenderOptions
from regionplan.report.renderers.html import HtmlRenderer
from regionplan.report.renderers.markdown import MarkdownRenderer

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen"
AS_OF = dt.date(2026, 11, 30)
SIX = {
    "ullensaker": "3209",
    "nannestad": "3238",
    "eidsvoll": "3240",
    "hurdal": "3242",
    "nes": "3228",
    "gjerdrum": "3230",
}


def _evaluate(plan: regionplan.Plan, cache: Path, *, check: bool = True) -> Evaluation:
    context = SourceContext(base_dir=EXAMPLE, cache_dir=cache, offline=True)
    return regionplan.evaluate(plan, as_of=AS_OF, context=context, groups=member_groups(plan), check=check)


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    return _evaluate(regionplan.load_plan(EXAMPLE), tmp_path_factory.mktemp("cache"))


def _map_section(page: str) -> str:
    found = re.search(r'<section id="map".*?</section>', page, re.S)
    assert found, "the report has no map section"
    return found.group(0)


def _svg_texts(section: str) -> list[str]:
    svg = re.search(r"<svg\b.*?</svg>", section, re.S)
    assert svg, "the map section has no SVG"
    return [
        re.sub(r"\s+", " ", t).strip() for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg.group(0), re.S)
    ]


# -- the bundled boundaries ---------------------------------------------------------------


def test_bundled_boundaries_cover_every_2024_municipality_and_stay_small() -> None:
    shapes = boundaries()
    assert len(shapes) == 357
    assert set(SIX.values()) <= set(shapes)
    assert all(re.fullmatch(r"\d{4}", c) for c in shapes)
    geo = resources.files("regionplan._resources").joinpath("geo")
    size = sum(p.stat().st_size for p in Path(str(geo)).iterdir())
    assert size < 2_000_000
    provenance = geo.joinpath("PROVENANCE.md").read_text("utf-8")
    assert MAP_CREDIT in provenance and "CC BY 4.0" in provenance
    raw = json.loads(gzip.decompress(geo.joinpath("kommuner_2024.geojson.gz").read_bytes()))
    names = {f["properties"]["kommunenummer"]: f["properties"]["kommunenavn"] for f in raw["features"]}
    assert names["3242"] == "Hurdal" and names["0301"] == "Oslo"


def test_older_codes_reach_the_2024_polygons_through_the_change_records() -> None:
    assert boundary_codes("3209") == ("3209",)
    assert boundary_codes("0235") == ("3209",)  # Ullensaker before 2020
    assert boundary_codes("3033") == ("3209",)  # Ullensaker 2020-2023
    assert boundary_codes("1507") == ("1508", "1580")  # Ålesund of 2020, split in 2024
    assert boundary_codes("9999") == ()


# -- the example's map --------------------------------------------------------------------


def test_the_example_report_maps_its_six_members_with_their_own_statuses(evaluation: Evaluation) -> None:
    report = build_report(evaluation, lang="nb")
    assert report.map is not None
    target = default_map_target(evaluation.plan)
    assert report.map.target == target == "t-main-jobs-keep-pace-with-population"
    page = HtmlRenderer().render(report, RenderOptions(lang="nb"))
    section = _map_section(page)
    texts = " ".join(_svg_texts(section))
    table = re.search(r'<table class="map-data">.*?</table>', section, re.S)
    assert table
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th><td>(.*?)</td>", table.group(0), re.S)
    assert len(rows) == 6
    for member in evaluation.plan.region.municipalities:
        status = evaluation.target(target, SIX[member.id]).status
        name = member.name.get("nb")
        assert f"{name} {status.symbol}" in texts  # named on the map with its symbol
        row = next(cells for cells in rows if cells[0].startswith(name))
        assert status.label.get("nb") in row[1]
    # not colour alone: the legend names every status with its symbol and fill
    legend = re.search(r'<ul class="map-legend".*?</ul>', section, re.S)
    assert legend
    for fill in MAP_FILLS.values():
        assert fill in legend.group(0)
    for c in report.summary:
        assert c.status.label in legend.group(0) and c.status.symbol in legend.group(0)
    assert f'<p class="credit">{MAP_CREDIT}</p>' in section
    # drawn offline: nothing to fetch
    assert not re.search(r"(?:href|src)=\"(?:https?:)?//|url\((?:https?:)?//|<image\b", section)


def test_the_map_ids_are_unique_in_the_page(evaluation: Evaluation) -> None:
    page = HtmlRenderer().render(build_report(evaluation, lang="en"), RenderOptions(lang="en"))
    section = _map_section(page)
    ids = re.findall(r'\sid="([^"]+)"', section)
    assert ids and all(i.startswith("map") for i in ids)
    for ref in re.findall(r"url\(#([^)]+)\)", section):
        assert ref in ids


def test_the_map_colours_by_value_on_a_chosen_target(evaluation: Evaluation) -> None:
    target = "t-jobs-recover-pandemic-losses"
    report = build_report(evaluation, lang="en", map_target=target, map_by="value")
    assert report.map is not None and report.map.by == "value" and report.map.target == target
    values = {f.id: evaluation.target(target, f.code).latest for f in report.map.members}
    assert all(v is not None for v in values.values())
    lowest = min(report.map.members, key=lambda f: f.value or 0)
    highest = max(report.map.members, key=lambda f: f.value or 0)
    assert (lowest.id, highest.id) == ("hurdal", "ullensaker")  # fewest and most jobs of the six
    section = _map_section(HtmlRenderer().render(report, RenderOptions(lang="en")))
    assert f"lowest: {lowest.text}" in section and f"highest: {highest.text}" in section
    assert "The municipalities by latest value of" in section
    with pytest.raises(EvaluationError, match="status' or 'value"):
        build_report(evaluation, map_by="colour")
    with pytest.raises(EvaluationError, match="no target"):
        build_report(evaluation, map_target="t-nowhere")


def test_markdown_gives_the_map_as_a_table_with_a_note_and_the_credit(evaluation: Evaluation) -> None:
    members = evaluation.plan.region.municipalities
    for lang, heading, note in (
        ("nb", "## Kart", "Kartet finnes i HTML-rapporten"),
        ("en", "## Map", "The map is in the HTML report"),
    ):
        md = MarkdownRenderer().render(build_report(evaluation, lang=lang), RenderOptions(lang=lang))
        part = md[md.index(heading) :]
        part = part[: part.index("\n## ", 1)]
        assert note in part and MAP_CREDITS[lang] in part
        assert all(f"| {m.name.get(lang)} |" in part for m in members)
        assert "<svg" not in md


def test_without_members_evaluated_there_is_no_map(tmp_path: Path) -> None:
    plan = regionplan.load_plan(EXAMPLE)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path, offline=True)
    report = build_report(regionplan.evaluate(plan, as_of=AS_OF, context=context))
    assert report.map is None and report.member is None
    assert 'id="map"' not in HtmlRenderer().render(report, RenderOptions())


def test_a_region_whose_members_carry_older_codes_draws_too(tmp_path: Path) -> None:
    plan = regionplan.load_plan(EXAMPLE)
    # the same region as a plan written before 2020 would give it: only the codes of 2019
    old = tuple(
        attrs.evolve(m, codes=(MunicipalityCode(m.codes[0].code),)) for m in plan.region.municipalities
    )
    plan = attrs.evolve(plan, region=attrs.evolve(plan.region, municipalities=old))
    assert {m.current_code for m in plan.region.municipalities} == {
        "0235",
        "0238",
        "0237",
        "0239",
        "0236",
        "0234",
    }
    with pytest.raises(regionplan.PlanError, match="RP302"):  # the codes ended in 2019
        _evaluate(plan, tmp_path)
    evaluation = _evaluate(plan, tmp_path, check=False)
    report = build_report(evaluation, lang="nb")
    assert report.map is not None
    texts = _svg_texts(_map_section(HtmlRenderer().render(report, RenderOptions())))
    for m in plan.region.municipalities:
        assert any(t.startswith(m.name.get("nb")) for t in texts)


def test_plan_text_on_the_map_is_escaped() -> None:
    hostile = "<script>alert(1)</script> & $x$"
    figure = AreaFigure("x", hostile, "3242", "other", None, None, "–", "")
    view = MapView("t", "t", "", "status", "caption", (figure,), MAP_CREDIT)
    svg = map_svg(view, element_id="m", title="<b>title</b>")
    assert svg is not None
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "&lt;b&gt;title&lt;/b&gt;" in svg
    nowhere = attrs.evolve(view, members=(attrs.evolve(figure, code="9999"),))
    assert map_svg(nowhere, element_id="m", title="t") is None


#: The smallest map label in CSS pixels, the page's scroll width and what reaches past the edge.
_MAP_TEXT = """(() => {
  const svg = document.querySelector("svg.map");
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll("text")].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  const width = document.documentElement.clientWidth;
  const over = [...document.querySelectorAll("#map *, #member-comparison *")].filter(
    (e) => e.getBoundingClientRect().right > width + 1 && !e.closest(".table-wrap")
  ).map((e) => e.tagName + "." + e.getAttribute("class"));
  return JSON.stringify({smallest: Math.min(...sizes), n: sizes.length, scroll: document.documentElement.scrollWidth, over});
})()"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_the_member_view_and_its_map_in_chromium(evaluation: Evaluation, tmp_path: Path, width: int) -> None:
    from test_html_browser import DevTools, chromium, watch

    browser = chromium()
    page = tmp_path / "hurdal.html"
    page.write_text(HtmlRenderer().render(build_report(evaluation, area="3242"), RenderOptions()), "utf-8")
    url = page.as_uri()
    seen = watch(browser, tmp_path / "profile-cdp", url)
    assert seen["loaded"] and seen["requests"] == [url] and seen["exceptions"] == []
    tools = DevTools(browser, tmp_path / "profile-layout")
    try:
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tools.send("Page.enable", session=session)
        metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 500}
        tools.send("Emulation.setDeviceMetricsOverride", metrics, session=session)
        tools.send("Page.navigate", {"url": url}, session=session)
        tools.wait_for("Page.loadEventFired", session)
        found = tools.send(
            "Runtime.evaluate", {"expression": _MAP_TEXT, "returnByValue": True}, session=session
        )
    finally:
        tools.close()
    layout = json.loads(found["result"]["value"])
    assert layout["n"] == 12  # six names, six symbols
    assert layout["smallest"] >= 11, layout
    assert layout["over"] == [] and layout["scroll"] <= width, layout


def test_neighbours_are_cut_to_the_map_without_losing_area() -> None:
    from regionplan.report.map import _area, _clip

    # an L-shaped ring cut by a box through both its arms
    ring = np.array([[0, 0], [4, 0], [4, 1], [1, 1], [1, 4], [0, 4], [0, 0]], dtype=float)
    ((cut,),) = _clip(((ring,),), (0.5, 3.0, -1.0, 3.0))
    assert abs(_area(cut)) == pytest.approx(2.5 * 1 + 0.5 * 2)  # foot 0.5..3 x 0..1, arm 0.5..1 x 1..3
    assert _clip(((ring,),), (5.0, 6.0, 5.0, 6.0)) == ()


def test_the_report_command_draws_the_map_of_a_chosen_target_by_value(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from regionplan.cli import EXIT_USER, cli

    example = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen"
    base = ["report", str(example), "--offline", "--cache-dir", str(tmp_path), "--as-of", "2026-11-26"]
    args = [*base, "--format", "md", "--lang", "en", "--map-target", "t-jobs-recover-pandemic-losses"]
    result = CliRunner().invoke(cli, [*args, "--map-by", "value"])
    assert result.exit_code == 0, result.output
    part = result.output[result.output.index("## Map") :]
    part = part[: part.index("\n## ", 1)]
    assert "by latest value" in part and MAP_CREDITS["en"] in part and "Kartgrunnlag" not in part
    wrong = CliRunner().invoke(cli, [*base, "--format", "md", "--map-target", "t-nowhere"])
    assert wrong.exit_code == EXIT_USER and "t-nowhere" in wrong.output and "Traceback" not in wrong.output
