"""The HTML report's charts as a phone shows them: text large enough to read.

Every chart is inline SVG, drawn twice (for a wide page and, narrower with larger text, for a
phone); the stylesheet shows one. In a real headless Chromium laid out 390 CSS px wide, each
displayed ``<text>``'s font size times its scale on screen (``getScreenCTM``: the SVG's
displayed width over its viewBox width, and any transform of its own) is at least 11 px.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

import regionplan
from regionplan.data.sources import SourceContext
from regionplan.evaluation.evaluator import Evaluation
from regionplan.report.build import build_report
from regionplan.report.member import member_groups
from regionplan.report.renderers import RenderOptions
from regionplan.report.renderers.html import HtmlRenderer, spaced_ticks
from test_html_browser import EXAMPLE, DevTools, chromium

pytestmark = pytest.mark.browser

SMALLEST_TEXT_PX = 11
HURDAL = "3242"

#: Per displayed SVG: its id, displayed width and its smallest text in CSS px as displayed;
#: and how many raster pictures the page has (none: every chart is measured as SVG).
_CHART_TEXT = """(() => {
  const charts = [];
  for (const svg of document.querySelectorAll("svg")) {
    if (!svg.checkVisibility()) continue;
    let smallest = Infinity, text = "";
    for (const t of svg.querySelectorAll("text")) {
      if (!t.textContent.trim()) continue;
      const m = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (px < smallest) { smallest = px; text = t.textContent.trim(); }
    }
    charts.push({ id: svg.id, width: svg.getBoundingClientRect().width, smallest, text });
  }
  const raster = document.querySelectorAll("img, picture, canvas, object, embed").length;
  return JSON.stringify({ charts, raster, scroll: document.documentElement.scrollWidth });
})()"""


def evaluate_at(browser: str, profile: Path, url: str, width: int, expression: str) -> Any:
    """Load ``url`` laid out ``width`` CSS px wide (a phone below 600) and evaluate ``expression``."""
    tools = DevTools(browser, profile)
    try:
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tools.send("Page.enable", session=session)
        metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600}
        tools.send("Emulation.setDeviceMetricsOverride", metrics, session=session)
        tools.events.clear()
        tools.send("Page.navigate", {"url": url}, session=session)
        tools.wait_for("Page.loadEventFired", session)
        found = tools.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
        )
    finally:
        tools.close()
    return json.loads(found["result"]["value"])


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    plan = regionplan.load_plan(EXAMPLE)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path_factory.mktemp("cache"), offline=True)
    return regionplan.evaluate(plan, as_of="2026-11-26", context=context, groups=member_groups(plan))


@pytest.mark.parametrize(("lang", "area"), [("nb", None), ("en", None), ("nb", HURDAL)])
def test_every_charts_text_is_at_least_11_px_on_a_phone(
    evaluation: Evaluation, tmp_path: Path, lang: str, area: str | None
) -> None:
    browser = chromium()
    report = build_report(evaluation, lang=lang, area=area)
    page = tmp_path / "report.html"
    page.write_text(HtmlRenderer().render(report, RenderOptions(lang=lang)), encoding="utf-8")
    comparisons = report.comparisons
    compared = [] if comparisons is None else [*comparisons.compared, *comparisons.watch]
    expected = sum(1 for c in report.charts if c.history) + sum(
        1 for m in compared if any(a.line for a in m.areas)
    )
    expected += 1 if report.map is not None else 0  # the map of the members
    assert expected >= 3 and report.map is not None

    for width in (390, 1280):
        seen = evaluate_at(browser, tmp_path / f"profile-{width}", page.as_uri(), width, _CHART_TEXT)
        assert seen["raster"] == 0 and seen["scroll"] <= width
        charts = seen["charts"]
        assert len(charts) == expected, [c["id"] for c in charts]
        # the phone sees the charts drawn for it, the wide page the others (the map is drawn once)
        drawn = [c for c in charts if c["id"] != "map-svg"]
        assert all(c["id"].endswith("-narrow") == (width < 600) for c in drawn), [c["id"] for c in drawn]
        small = [c for c in charts if c["smallest"] < SMALLEST_TEXT_PX]
        assert small == [], f"text under {SMALLEST_TEXT_PX} px at {width} px: {small}"
        assert all(0 < c["width"] <= width for c in charts)


def test_spaced_ticks_keep_first_and_last_and_a_gap() -> None:
    times = [2017.9, 2018.9, 2019.9, 2020.9, 2021.9, 2022.9, 2030.9]
    kept = spaced_ticks(times, 3)
    assert kept[0] == 2017.9 and kept[-1] == 2030.9 and len(kept) <= 4
    assert all(b - a >= (2030.9 - 2017.9) / 3 for a, b in itertools.pairwise(kept))
    assert spaced_ticks(times, 20) == times
    assert spaced_ticks([2020.0, 2021.0], 1) == [2020.0, 2021.0]
