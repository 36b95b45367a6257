"""The goal hierarchy at every depth: filters for ``regionplan graph``, the folded HTML tree,
the overview diagram of the Markdown report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import regionplan
from regionplan.cli import cli
from regionplan.data.sources import SourceContext
from regionplan.evaluation import Evaluation
from regionplan.plan.graph import GoalGraph
from regionplan.report.build import build_report
from regionplan.report.depth import depths, lifted_edges, measured, overview
from regionplan.report.diagrams import graph_dot, graph_mermaid, graph_tree, shown_elements
from regionplan.report.renderers import render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gardermoregionen"


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    plan = regionplan.load_plan(EXAMPLE)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path_factory.mktemp("cache"), offline=True)
    return regionplan.evaluate(plan, as_of="2026-11-26", context=context)


@pytest.fixture(scope="module")
def graph() -> tuple[regionplan.Plan, GoalGraph]:
    plan = regionplan.load_plan(EXAMPLE)
    return plan, GoalGraph.from_plan(plan)


# -- the rules ------------------------------------------------------------------------------

PARENTS = {"b": ["a"], "c": ["b"], "d": ["c", "a"], "t": ["d"]}
CHILDREN = {"a": ["b", "d"], "b": ["c"], "c": ["d"], "d": ["t"]}


def test_depth_is_the_shortest_distance_from_a_root() -> None:
    assert depths(["a"], lambda n: CHILDREN.get(n, [])) == {"a": 0, "b": 1, "d": 1, "c": 2, "t": 2}


def test_measured_means_a_target_at_or_below() -> None:
    found = measured("abcdt", lambda n: CHILDREN.get(n, []), lambda n: n == "t")
    assert found == {"a", "b", "c", "d", "t"}
    assert measured("abc", lambda n: {"a": ["b"]}.get(n, []), lambda n: n == "t") == set()


def test_a_hidden_parent_passes_its_children_up_in_the_given_order() -> None:
    edges = lifted_edges(["a", "c", "d"], lambda n: PARENTS.get(n, []), lambda c, p: 2.0)
    # c's parent b is hidden: c reaches a through it (weight 1); d keeps its own two edges
    assert edges == [("c", "a", 1.0), ("d", "c", 2.0), ("d", "a", 2.0)]
    # a parent that may not be passed through ends the edge
    assert lifted_edges(["a", "c"], lambda n: PARENTS.get(n, []), lambda c, p: 1.0, lambda n: False) == []


# -- regionplan graph ---------------------------------------------------------------------


def test_depth_two_keeps_the_vision_main_goal_and_sub_goals(graph: tuple[regionplan.Plan, GoalGraph]) -> None:
    plan, g = graph
    shown = shown_elements(g, depth=2)
    level = depths(g.roots(), lambda n: [c for c in g.children(n) if g.kind(c) == "element"])
    assert {"vision", "main-goal", "sub-goal-replace-lost-jobs"} <= set(shown)
    assert all(level[n] <= 2 for n in shown)
    assert "q-foundation-meaning" not in shown  # an open question deep under a sub-goal
    tree = graph_tree(plan, g, shown=shown)
    assert len(tree.splitlines()) < len(graph_tree(plan, g).splitlines()) / 4
    assert "q-foundation-meaning" not in tree


def test_kinds_keep_the_diagram_connected(graph: tuple[regionplan.Plan, GoalGraph]) -> None:
    plan, g = graph
    shown = shown_elements(g, kinds=["vision", "sub_goal"])
    assert {g.obj(n).kind.value for n in shown} == {"vision", "sub_goal"}
    mermaid = graph_mermaid(plan, g, shown=shown)
    # the main goal is hidden: the sub-goals point at the vision through it
    assert "n_sub_goal_replace_lost_jobs --> n_vision" in mermaid
    assert "n_main_goal" not in mermaid
    dot = graph_dot(plan, g, shown=shown)
    assert '"sub-goal-education-level" -> "vision";' in dot
    assert dot.count("->") == len(shown) - 1  # each sub-goal once, to the vision
    lines = graph_tree(plan, g, shown=shown).splitlines()
    assert lines[0].startswith("- ") and "(Visjon, vision)" in lines[0]
    assert all(line.startswith("  - ") and "(Delmål," in line for line in lines[1:])


def test_measured_only_draws_what_targets_measure(graph: tuple[regionplan.Plan, GoalGraph]) -> None:
    plan, g = graph
    shown = shown_elements(g, measured_only=True)
    with_targets = {t.element for t in plan.targets}
    assert with_targets <= set(shown)
    for n in shown:  # every shown element has a target at or below it
        assert n in with_targets or g.all_children(n) & {t.id for t in plan.targets}


def test_the_graph_command_takes_the_filters() -> None:
    runner = CliRunner()
    full = runner.invoke(cli, ["graph", str(EXAMPLE), "--format", "dot"])
    cut = runner.invoke(
        cli,
        [
            "graph",
            str(EXAMPLE),
            "--format",
            "dot",
            "--depth",
            "2",
            "--kind",
            "sub_goal",
            "--kind",
            "main_goal",
        ],
    )
    assert full.exit_code == 0 and cut.exit_code == 0, cut.output
    assert cut.output.count("[label=") == 8  # the main goal and its seven sub-goals
    assert len(cut.output) < len(full.output) / 5
    measured_only = runner.invoke(cli, ["graph", str(EXAMPLE), "--measured-only"])
    assert measured_only.exit_code == 0 and "Avklaring" not in measured_only.output
    bad = runner.invoke(cli, ["graph", str(EXAMPLE), "--kind", "wish"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output and "'wish' is not one of" in bad.output
    negative = runner.invoke(cli, ["graph", str(EXAMPLE), "--depth", "-1"])
    assert negative.exit_code == 2 and "Traceback" not in negative.output


# -- the reports ------------------------------------------------------------------------------


def test_the_markdown_diagram_shows_goals_and_targets_only(evaluation: Evaluation) -> None:
    report = build_report(evaluation, lang="nb")
    cut = overview(report.diagram)
    kinds = {n.kind for n in cut.nodes}
    assert kinds == {"vision", "main_goal", "sub_goal", "target"}
    assert {n.id for n in report.diagram.nodes if n.is_target} == {n.id for n in cut.nodes if n.is_target}
    ids = {n.id for n in cut.nodes}
    assert all(e.source in ids and e.target in ids for e in cut.edges)
    md = render(evaluation, "md", lang="nb")
    assert isinstance(md, str)
    assert "Diagrammet viser visjon, hovedmål, delmål og måltall" in md
    mermaid = md.split("```mermaid", 1)[1].split("```", 1)[0]
    assert "Avklaring" not in mermaid and "Prosjekt/tiltak" not in mermaid
    assert mermaid.count('["') + mermaid.count('[/"') == len(cut.nodes)
    en = render(evaluation, "md", lang="en")
    assert isinstance(en, str) and "The diagram shows the vision, main goals, sub-goals and targets" in en


def test_the_html_tree_is_folded_below_the_sub_goals(evaluation: Evaluation) -> None:
    html = render(evaluation, "html", lang="nb")
    assert isinstance(html, str)
    section = html.split('<section id="goal-graph"', 1)[1].split("</section>", 1)[0]
    # vision and main goal open, everything below them folded
    opened = re.findall(r"<details( open)?><summary>", section)
    assert opened[:2] == [" open", " open"]
    assert opened.count(" open") == 2 and len(opened) > 10
    # open questions and framework conditions have their own sections, not the tree
    assert "Avklaring:" not in section and "Rammefaktor:" not in section
    assert '<section id="kind-open_question"' in html and '<section id="kind-framework_condition"' in html
    assert "Næringsvennlig kommune/region – mener vi noe med det?" in html.split('id="kind-open_question"')[1]
    # filters without a script: each row says what is below it
    assert "<script" not in html.lower()
    assert 'id="tf-measured"' in section and 'id="tf-off_track"' in section
    vision_row = re.search(
        r'<li data-measured="(\d)" data-statuses="([^"]*)" data-actors="[^"]*" data-focus="', section
    )
    assert vision_row is not None and vision_row.groups() == ("1", "achieved insufficient_data off_track")
    assert 'data-measured="0" data-statuses=""' in section  # a part nothing measures
    assert '#goal-graph:has(#tf-measured:checked) .tree li[data-measured="0"]' in html


# -- the method section ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "heading"), [("nb", "Slik er vurderingen gjort"), ("en", "How the evaluation works")]
)
def test_every_format_says_how_the_evaluation_works(evaluation: Evaluation, lang: str, heading: str) -> None:
    report = build_report(evaluation, lang=lang)
    assert report.method is not None and report.method.heading == heading
    keys = [p.key for p in report.method.parts]
    assert keys == ["statuses", "coverage", "baselines", "projections", "sources"]
    statuses = report.method.parts[0].items
    assert [i.key for i in statuses] == ["achieved", "on_track", "off_track", "insufficient_data"]
    assert all(i.text for i in statuses)
    assert "5" in report.method.parts[3].text  # the fewest observations a projection needs
    sources = report.method.parts[4]
    assert report.rests_on.rstrip(".") in sources.text
    labels = [i.term for i in sources.items]
    assert len(labels) == len(set(labels)) and any("tabell 11618" in x for x in labels)

    data = json.loads(str(render(evaluation, "json", lang=lang)))
    assert data["method"]["heading"] == heading
    assert [p["key"] for p in data["method"]["parts"]] == keys
    md = str(render(evaluation, "md", lang=lang))
    assert f"## {heading}" in md and f"- **{statuses[2].term}**: {statuses[2].text}" in md
    text = str(render(evaluation, "terminal", lang=lang))
    assert heading in text and report.method.parts[1].heading + ":" in text


def test_html_badges_link_to_what_their_status_means(evaluation: Evaluation) -> None:
    html = str(render(evaluation, "html", lang="nb"))
    method = html.split('<section id="method"', 1)[1].split("</section>", 1)[0]
    for status in ("achieved", "on_track", "off_track", "insufficient_data"):
        assert f'id="method-{status}"' in method
    badges = re.findall(r'<(a|span) class="badge status-([a-z_]+)[^"]*"(?: href="([^"]*)")?', html)
    assert len(badges) > 20
    for tag, status, href in badges:
        assert tag == "a"
        assert href == (f"#method-{status}" if status != "none" else "#method-coverage")
        assert f'id="{href[1:]}"' in html
    assert '<a href="#method">Slik er vurderingen gjort</a>' in html  # in the contents


def test_json_method_follows_the_schema(evaluation: Evaluation) -> None:
    from regionplan.report.schema import report_schema
    from test_report import validate

    data = json.loads(str(render(evaluation, "json", lang="en")))
    validate(data, report_schema())
    assert data["method"]["parts"][0]["items"][0]["term"] == "✔ Achieved"


# -- Norwegian as SSB writes it ------------------------------------------------------------


def _page_text(html: str) -> str:
    """What a reader of an HTML page reads: no styles, charts, tags or data links."""
    html = re.sub(r"<style>.*?</style>|<svg\b.*?</svg>", " ", html, flags=re.S)
    html = re.sub(r'href="data:[^"]*"', " ", html)
    return re.sub(r"<[^>]+>", " ", html)


def test_nb_outputs_name_metrics_by_title_and_years_as_years(evaluation: Evaluation) -> None:
    report = build_report(evaluation, lang="nb")
    ids = {m.id for m in evaluation.plan.metrics if "_" in m.id}
    assert "higher_education_share_30_66" in ids
    outputs = {
        "md": str(render(evaluation, "md", lang="nb")),
        "terminal": str(render(evaluation, "terminal", lang="nb")),
        "html": _page_text(str(render(evaluation, "html", lang="nb"))),
    }
    for name, text in outputs.items():
        for metric in ids:
            assert re.search(rf"\b{metric}\b", text) is None, (name, metric)
        # the yearly counts on a day (population on 1 January, education on 1 October) by their year
        assert re.search(r"\b20\d\d-(01|10)-01\b", text) is None, name
        assert "area codes mapped" not in text and "bundled" not in text, name
    credit = next(s for s in report.sources if s.source == "regionplan.data.areas")
    assert credit.notes.startswith("kommunenumre omregnet til dem som gjaldt 1.1.2024")
    assert "Folkemengde 1. januar" in credit.metric_titles and "population" in credit.metrics
    assert "brukt for: Folkemengde 1. januar" in outputs["md"]


def test_a_unit_after_one_is_singular(evaluation: Evaluation) -> None:
    from regionplan.plan.units import unit_for

    assert unit_for(1, "offerings", "en") == "offering" and unit_for(2, "offerings", "en") == "offerings"
    assert unit_for(-1, "arbeidsplasser", "nb") == "arbeidsplass" and unit_for(1, "tilbud", "nb") == "tilbud"
    assert unit_for(1, "jobs / persons", "en") == "jobs / persons"
    for fmt in ("md", "terminal", "html"):
        text = str(render(evaluation, fmt, lang="en"))
        assert "1 offerings" not in text and "1 offering" in text, fmt


def test_the_html_has_unique_ids_and_no_control_characters(evaluation: Evaluation) -> None:
    from regionplan.report.htmlpage import scope_svg_ids, without_controls

    html = str(render(evaluation, "html", lang="nb"))
    ids = re.findall(r'\sid="([^"]*)"', html)
    assert html.count("<svg") >= 2 and len(ids) == len(set(ids))
    for ref in re.findall(r'(?:url\(#|href="#)([^)"]+)', html):
        assert ref in ids, ref
    assert re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", html) is None
    two = '<svg id="a"><g id="p1" clip-path="url(#c)"/><clipPath id="c"/></svg><svg id="b"><g id="p1"/></svg>'
    assert scope_svg_ids(two) == (
        '<svg id="a"><g id="a-p1" clip-path="url(#a-c)"/><clipPath id="a-c"/></svg><svg id="b"><g id="b-p1"/></svg>'
    )
    assert without_controls("a\x00b\x1bc\td\ne\x7f") == "abc\td\ne"


def test_the_plans_source_document_is_cited_in_every_output(evaluation: Evaluation) -> None:
    citation = "Strategisk næringsplan Gardermoregionen, arbeidsutkast (lysark og møtenotater), tidlig 2021"
    assert evaluation.plan.meta.source_document == citation
    report = build_report(evaluation, lang="nb")
    assert report.source_citation == citation and report.source_document is None  # not a URL
    for fmt in ("md", "html", "json", "dot"):
        assert citation in str(render(evaluation, fmt, lang="nb")), fmt
    terminal = " ".join(str(render(evaluation, "terminal", lang="en")).split())
    assert f"Plan document: {citation}" in terminal


def test_report_help_lists_every_built_in_format() -> None:
    result = CliRunner().invoke(cli, ["report", "--help"])
    assert result.exit_code == 0
    help_text = " ".join(result.output.split())
    for fmt in ("html", "md", "json", "dot", "terminal"):
        assert fmt in help_text.split("Output format:", 1)[1].split(".", 1)[0], fmt


def test_a_charts_csv_credits_every_table_its_figures_come_from(evaluation: Evaluation) -> None:
    from regionplan.report.chartcsv import chart_csv, csv_data_url

    report = build_report(evaluation, lang="en")
    balance = next(c for c in report.charts if c.target == "t-main-jobs-keep-pace-with-population")
    text = chart_csv(report, balance)
    head = [line for line in text.splitlines() if line.startswith("#")]
    # jobs against the population: both tables are credited
    assert "# Kilde: Statistisk sentralbyrå, tabell 11618 · CC BY 4.0" in head
    assert "# Kilde: Statistisk sentralbyrå, tabell 07459 · CC BY 4.0" in head
    rows = [line for line in text.splitlines() if not line.startswith("#")]
    assert rows[0] == "period,observed,target_path"
    assert len(rows) - 1 == len({p.time for p in (*balance.history, *balance.trajectory)})
    assert csv_data_url("a,b\n").startswith("data:text/csv;charset=utf-8,%EF%BB%BFa%2Cb%0A")
