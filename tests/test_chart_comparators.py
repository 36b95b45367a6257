"""A target's chart draws the region beside its comparators where the report compares its metric.

In the metric's unit where the comparison is (shares, rates); for counts, whose sizes differ,
each comparator's index is put on the region's level (where the region would be had it grown
as that area), as the comparison charts index them. A chart of something else derived from
the metric (a growth in percentage points) gets no comparator lines.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import regionplan
from regionplan.data.sources import SourceContext
from regionplan.report.build import build_report
from regionplan.report.comparison_views import ComparedArea, MetricComparison
from regionplan.report.renderers import RenderOptions
from regionplan.report.renderers.comparison_chart import comparator_lines
from regionplan.report.renderers.html import HtmlRenderer

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen"


def _comparison(indexed: bool) -> MetricComparison:
    region = ComparedArea(
        "r", "Regionen", "region", 120.0, "120", "2022", "", ((2020.0, 100.0), (2022.0, 120.0))
    )
    county = ComparedArea(
        "c", "Fylket", "county", 900.0, "900", "2022", "", ((2020.0, 100.0), (2022.0, 110.0))
    )
    member = ComparedArea("m", "Kommunen", "member", 50.0, "50", "2022", "", ())
    return MetricComparison("jobs", "Jobs", "jobs", False, indexed, "2020", "Index", (region, county, member))


def test_counts_are_put_on_the_regions_level_and_shares_drawn_as_they_are() -> None:
    lines, note = comparator_lines(_comparison(indexed=True), 120.0, "en")
    # the region stood at 120 = index 120, so 1 index point = 1.0; the county grew 10 %
    assert lines == [("Growth as in Fylket", ((2020.0, 100.0), (2022.0, 110.0)))]
    assert "Fylket" in note and "2020" in note
    lines, _ = comparator_lines(_comparison(indexed=True), 120.0, "nb")
    assert lines[0][0] == "Vekst som i Fylket"
    lines, note = comparator_lines(_comparison(indexed=False), 120.0, "en")
    assert lines == [("Fylket", ((2020.0, 100.0), (2022.0, 110.0)))] and note == "The thin lines show Fylket."


def test_a_chart_of_something_else_gets_no_comparators() -> None:
    assert comparator_lines(_comparison(indexed=True), -4.4, "en") == ([], "")  # not the compared value
    assert comparator_lines(None, 120.0, "en") == ([], "")
    assert comparator_lines(_comparison(indexed=True), None, "en") == ([], "")


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_examples_jobs_chart_shows_its_comparators_with_a_legend(tmp_path: Path, lang: str) -> None:
    plan = regionplan.load_plan(EXAMPLE)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path / "cache", offline=True)
    evaluation = regionplan.evaluate(plan, as_of="2026-11-26", context=context)
    report = build_report(evaluation, lang=lang)
    page = HtmlRenderer().render(report, RenderOptions(lang=lang))
    label = {"nb": "Vekst som i {}", "en": "Growth as in {}"}[lang]
    assert report.comparisons is not None
    jobs = next(m for m in report.comparisons.compared if m.metric == "jobs")
    names = [a.name for a in jobs.areas[1:] if a.line]
    assert names == ["Akershus", "Norge" if lang == "nb" else "Norway", "Nedre Romerike"]
    charts = {c.target: i for i, c in enumerate(report.charts, 1)}
    for variant in ("", "-narrow"):
        recover = re.search(
            rf'<svg[^>]*id="target-{charts["t-jobs-recover-pandemic-losses"]}-chart{variant}".*?</svg>',
            page,
            re.S,
        )
        balance = re.search(
            rf'<svg[^>]*id="target-{charts["t-main-jobs-keep-pace-with-population"]}-chart{variant}".*?</svg>',
            page,
            re.S,
        )
        assert recover and balance
        for name in names:  # in the legend of the count's chart, not of the balance in pp
            assert label.format(name) in recover.group(0)
            assert label.format(name) not in balance.group(0)
    # the caption says what the thin lines are
    assert page.count(", ".join(names)) >= 1
