"""Every output format renders a small evaluation, says the same things, and escapes plan text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from regionplan.errors import RenderError
from regionplan.evaluation.evaluator import Evaluation
from regionplan.plugins import Extensions, make_plugin_manager
from regionplan.report.build import build_report
from regionplan.report.model import ChartData, ChartPoint, StatusView
from regionplan.report.renderers import Renderer, RenderOptions, render
from regionplan.report.renderers.dot import dot_string
from regionplan.report.renderers.html import chart_svg
from regionplan.report.renderers.markdown import md_escape, mermaid_label
from regionplan.report.renderers.terminal import clean
from regionplan.report.urls import safe_url
from test_report import HOSTILE, demo_evaluation

FORMATS = ["html", "md", "json", "dot", "terminal"]


@pytest.fixture(scope="module")
def builtin_extensions() -> Extensions:
    """The built-in plugins only: installed plugins cannot change these tests."""
    return Extensions.collect(make_plugin_manager(load_entrypoints=False))


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    return demo_evaluation(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    return demo_evaluation(tmp_path_factory.mktemp("hostile"), hostile=True)


def out(evaluation: Evaluation, fmt: str, ext: Extensions, lang: str = "nb", **kw: object) -> str:
    text = render(evaluation, fmt, lang=lang, extensions=ext, options=RenderOptions(**kw))  # type: ignore[arg-type]
    assert isinstance(text, str)
    return text


def test_builtin_formats_are_registered(builtin_extensions: Extensions) -> None:
    assert set(FORMATS) <= set(builtin_extensions.renderers)
    for fmt in FORMATS:
        renderer = builtin_extensions.renderers.get(fmt)
        assert isinstance(renderer, Renderer)
        assert renderer.format == fmt
        assert renderer.suffix.startswith(".") and "/" in renderer.media_type and renderer.description
        assert builtin_extensions.renderers.plugin_of(fmt).startswith("regionplan.report.renderers.")


def test_unknown_format_says_did_you_mean(evaluation: Evaluation, builtin_extensions: Extensions) -> None:
    with pytest.raises(RenderError, match="did you mean 'html'"):
        render(evaluation, "htm", extensions=builtin_extensions)
    with pytest.raises(RenderError, match="no output format named 'pdf'"):
        render(evaluation, "pdf", extensions=builtin_extensions)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_format_says_where_the_region_stands(
    evaluation: Evaluation, builtin_extensions: Extensions, fmt: str, lang: str
) -> None:
    text = out(evaluation, fmt, builtin_extensions, lang)
    report = build_report(evaluation, lang=lang)
    main = report.headline[0]
    assert main.status is not None
    assert main.status.label in text  # the main goal's status word
    if fmt == "json":
        assert json.loads(text)["headline"][0]["title"] == main.title
        return
    assert main.title in text
    if fmt != "dot":
        # numbers from the data, written the language's way
        assert ("1\u00a0820" if lang == "nb" else "1,820") in text
        assert ("2\u00a0500" if lang == "nb" else "2,500") in text
    for t in report.targets:
        assert t.status.label in text


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_format_says_what_the_main_goal_rests_on(
    evaluation: Evaluation, builtin_extensions: Extensions, fmt: str, lang: str
) -> None:
    text = out(evaluation, fmt, builtin_extensions, lang)
    report = build_report(evaluation, lang=lang)
    basis = report.headline[0].basis
    assert basis is not None and basis.caveats == ("mixed",)
    if fmt == "json":
        assert json.loads(text)["headline"][0]["basis"]["short"] == basis.short
        return
    plain = re.sub(r"\s+", " ", text.replace("\\n", " ").replace("<br/>", " ").replace("\u00a0", " "))
    assert basis.short.replace("\u00a0", " ") in plain  # "100 % målt · 1 nådd, 1 ikke i rute"
    if fmt != "dot":
        assert basis.caveat_texts[0] in plain  # "de målte delene spriker"
        assert report.rests_on in plain
        jobs = next(t for t in report.targets if t.id == "t_jobs")
        assert jobs.age is not None and f"{jobs.age.period_text} · {jobs.age.age_text}" in plain


def test_html_marks_a_status_with_caveats(evaluation: Evaluation, builtin_extensions: Extensions) -> None:
    html = out(evaluation, "html", builtin_extensions)
    # the main goal's children disagree: its card and badge are drawn neutral, with the caveat
    cards = re.findall(r'<div class="card ([^"]*)">', html)
    assert cards == ["status-off_track caveated main", "status-off_track"]
    assert 'class="badge status-off_track caveated"' in html
    assert '<p class="caveats"><strong>Merk:</strong> de målte delene spriker.</p>' in html
    assert 'class="mixbar"' in html and 'style="width: 66.7%"' in html
    # the target table: the latest value with its period and age, progress, the projection marked
    row = html.split('<table class="targets">', 1)[1].split("</tr>", 2)[1]
    assert "(2022 · 12 mnd.)" in row and "24 %" in row and "veiledende" in row


def test_output_is_deterministic(evaluation: Evaluation, builtin_extensions: Extensions) -> None:
    for fmt in FORMATS:
        assert out(evaluation, fmt, builtin_extensions) == out(evaluation, fmt, builtin_extensions), fmt


# -- html -----------------------------------------------------------------------------------


def test_html_is_self_contained_and_accessible(
    evaluation: Evaluation, builtin_extensions: Extensions
) -> None:
    html = out(evaluation, "html", builtin_extensions)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="nb">' in html
    for landmark in ("<header", "<nav", "<main", "<footer", "<section"):
        assert landmark in html
    assert '<th scope="col">' in html and '<th scope="row">' in html
    # no scripts, no external resources of any kind
    assert "<script" not in html.lower()
    assert not re.search(
        r"""(src|href)\s*=\s*["']?(https?:)?//""", html.replace('href="https://example.org/plan.pdf"', "")
    )
    assert "@import" not in html and "<link" not in html
    assert all(
        u.startswith("#") for u in re.findall(r"url\(([^)]*)\)", html)
    )  # only references within the file
    # a chart per target with data, drawn by matplotlib as inline SVG with a title and a data table;
    # a target without observations gets its explanation and no empty chart
    drawn = [c for c in build_report(evaluation).charts if c.history]
    assert [c.target for c in drawn] == ["t_jobs", "t_jobs2"]
    # each drawn twice: for a wide page and, narrower with larger text, for a phone
    assert html.count("<svg ") == html.count('role="img"') == 2 * html.count('class="chart-data"') == 4
    assert html.count('class="chart chart-wide"') == html.count('class="chart chart-narrow"') == 2
    assert '<title id="target-1-chart-title">' in html and '<title id="target-1-chart-narrow-title">' in html
    assert 'id="target-3-chart"' not in html
    # statuses as words, symbols and colour classes
    assert "badge status-on_track" in html or "badge status-off_track" in html
    assert "@media print" in html
    # the plan's own document is a link; it is an http(s) URL
    assert 'href="https://example.org/plan.pdf"' in html
    # sources and credits
    assert "Kilde: Statistisk sentralbyrå, tabell 11618" in html


def test_html_without_charts_keeps_the_tables(evaluation: Evaluation, builtin_extensions: Extensions) -> None:
    html = out(evaluation, "html", builtin_extensions, charts=False)
    assert "<svg" not in html
    assert html.count('class="chart-data"') == 2


def test_chart_svg_escapes_text_and_is_deterministic() -> None:
    nasty = '<script>alert(1)</script> "q" & $x$'
    p1, p2 = ChartPoint(nasty, 2019.0, 1.0, "1"), ChartPoint("2020", 2020.0, 2.0, "2")
    chart = ChartData(
        target="t",
        metric="m",
        title=nasty,
        unit=nasty,
        status=StatusView("on_track", "I rute", "▲"),
        history=(p1, p2),
        baseline=p1,
        goal=3.0,
        goal_text="3",
        goal_time=2021.0,
        deadline=nasty,
        trajectory=(),
        projection=None,
        latest=p2,
        description=nasty,
    )
    svg = chart_svg(chart, "nb", element_id="c1")
    assert svg == chart_svg(chart, "nb", element_id="c1")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert '<title id="c1-title">&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &amp; $x$</title>' in svg
    assert "<metadata>" not in svg and "<!DOCTYPE" not in svg and "<?xml" not in svg


def test_safe_url() -> None:
    assert safe_url("https://www.ssb.no/statbank/table/11618") == "https://www.ssb.no/statbank/table/11618"
    assert safe_url("http://example.org/a?b=c") == "http://example.org/a?b=c"
    for bad in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "//evil.example",
        "ftp://x",
        'https://x/"onmouseover=alert(1)',
        "vbscript:x",
        "",
        None,
    ):
        assert safe_url(bad) is None, bad


# -- markdown, dot, terminal, json ------------------------------------------------------------


def test_markdown_has_tables_mermaid_and_sources(
    evaluation: Evaluation, builtin_extensions: Extensions
) -> None:
    md = out(evaluation, "md", builtin_extensions)
    assert md.startswith("# Demoplan\n")
    assert "| Status | Mål |" in md
    assert "```mermaid\ngraph BT\n" in md
    assert "classDef on_track" in md and "classDef off_track" in md
    assert re.search(r"^  class n\d+(,n\d+)* (achieved|on_track|off_track|insufficient_data)$", md, re.M)
    assert "Kilde: Statistisk sentralbyrå, tabell 11618" in md
    assert "## Hvem gjør hva" in md and "## Bærekraftsmål" in md


def test_dot_is_a_digraph_coloured_by_status(evaluation: Evaluation, builtin_extensions: Extensions) -> None:
    dot = out(evaluation, "dot", builtin_extensions)
    assert dot.startswith("digraph goals {") and dot.rstrip().endswith("}")
    assert '"sub" -> "main" [label="2"];' in dot
    assert '"t_jobs" -> "main";' in dot
    assert 'fillcolor="#' in dot


def test_terminal_colours_only_when_asked(evaluation: Evaluation, builtin_extensions: Extensions) -> None:
    plain = out(evaluation, "terminal", builtin_extensions, color=False)
    assert "\x1b" not in plain
    assert "Måltall" in plain and "Målhierarki" in plain
    assert "└─ " in plain
    coloured = out(evaluation, "terminal", builtin_extensions, color=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    narrow = out(evaluation, "terminal", builtin_extensions, width=60)
    assert max(len(line) for line in narrow.splitlines()) <= 80


def test_json_is_sorted_and_html_safe(evaluation: Evaluation, builtin_extensions: Extensions) -> None:
    text = out(evaluation, "json", builtin_extensions)
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert data["schema_version"] == 1
    assert text.endswith("\n")


# -- hostile plan text --------------------------------------------------------------------------


_DOT_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_hostile_plan_text_is_escaped(
    hostile: Evaluation, builtin_extensions: Extensions, fmt: str, lang: str
) -> None:
    text = out(hostile, fmt, builtin_extensions, lang)
    if fmt == "html":
        lower = text.lower()
        assert "<script" not in lower
        assert "<img" not in lower
        assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", lower)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "onerror=alert(1)&gt;" in text  # as text, not as an attribute
    elif fmt == "md":
        assert "<script" not in text and "<img" not in text
        assert "&lt;script&gt;" in text
        assert not re.search(r"(?<!\\)\]\(javascript:", text)  # brackets escaped: never a link
        for line in text.splitlines():
            if line.startswith("|"):
                # every unescaped pipe is a cell border: same count as the header row of a table
                cells = re.split(r"(?<!\\)\|", line)
                assert len(cells) >= 3
        mermaid = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
        for line in mermaid.splitlines():
            m = re.fullmatch(r"  n\d+(\[\"|\[/\")(.*)(\"\]|\"/\])", line)
            if m:
                inner = re.sub(r"#\w+;", "", m.group(2).replace("<br/>", ""))
                assert not set(inner) & set('"[]<>`|{}();#'), inner
        assert "evil" not in "".join(re.findall(r"^  (?:n\d+ -->.*)$", mermaid, re.M))
    elif fmt == "dot":
        assert "\x1b" not in text
        bare = _DOT_STRING.sub("S", text)
        assert "evil" not in bare and "alert" not in bare
        assert bare.count("{") == 1 and bare.count("}") == 1
    elif fmt == "json":
        data = json.loads(text)
        assert data["region"]["name"] == HOSTILE  # the reader gets the text back exactly
        assert "<" not in text and ">" not in text  # written as \u003c and \u003e
        assert data["source_document"] is None
    elif fmt == "terminal":
        assert "\x1b" not in text
        assert "alert(1)" in text  # shown, as plain text


def test_escapers_directly() -> None:
    assert md_escape("a | b <i>") == "a \\| b &lt;i&gt;"
    assert md_escape("- item") == "\\- item"
    assert md_escape("1. item") == "1\\. item"
    assert mermaid_label('x"]; y[') == "x#quot;#93;#59; y#91;"
    assert dot_string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert clean("a\x1b[31mb\u202ec\nd") == "a[31mbc d"


def test_hostile_html_in_browser_like_parse(
    hostile: Evaluation, builtin_extensions: Extensions, tmp_path: Path
) -> None:
    """The stdlib HTML parser finds no script element, event handler or javascript: link."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in {"script", "img", "iframe", "object", "embed"}:
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on"):
                    found.append(name)
                if (
                    name in {"href", "src", "xlink:href"}
                    and value
                    and value.strip().lower().startswith("javascript:")
                ):
                    found.append(value)

    Parser().feed(out(hostile, "html", builtin_extensions))
    assert found == []


# -- notebooks ----------------------------------------------------------------------------------


def test_notebook_display(evaluation: Evaluation, hostile: Evaluation) -> None:
    html = evaluation._repr_html_()
    assert html.startswith('<div class="regionplan-nb" lang="nb">')
    assert "Flere arbeidsplasser" in html and "I rute" in html and "<svg" not in html
    plan_html = evaluation.plan._repr_html_()
    assert "Demoplan" in plan_html and "Hovedmål: Flere arbeidsplasser" in plan_html
    for text in (hostile._repr_html_(), hostile.plan._repr_html_()):
        assert "<script" not in text.lower() and "<img" not in text.lower()
        assert "&lt;script&gt;" in text
