"""The ``html`` format: one self-contained, accessible HTML file.

The file works offline: styles are inline, charts are inline SVG drawn by
matplotlib (Agg-free: a bare :class:`matplotlib.figure.Figure`, so the caller's
pyplot backend is left alone), and there is no script, web font or external
request. It has a summary of where the region stands (main goal first, status
in text, symbol and colour), a table of targets, per target a chart of history,
baseline, target value, interim target path and projection with its interval,
with the figures as a table beside it; the goal hierarchy as a nested list
coloured by status; who does what; the SDGs; sources and credits; print styles.

Templates use Jinja2 with autoescaping on: every piece of plan text is escaped.
Only the SVG this module draws is inserted as markup; it carries no plan text
but what matplotlib escapes (axis unit, period labels) and a ``<title>`` escaped
here. Links are made only from http(s) URLs.
"""

from __future__ import annotations

import functools
import html
import io
import re
from collections.abc import Callable, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar

import markupsafe

from regionplan.evaluation.explain import format_number
from regionplan.plan.units import unit_for
from regionplan.report.chartcsv import chart_csv, csv_data_url
from regionplan.report.comparison_views import MetricComparison
from regionplan.report.depth import KINDS_APART, subtree_statuses, tree_without
from regionplan.report.htmlpage import scope_svg_ids, without_controls
from regionplan.report.map import MAP_FILLS, map_svg, value_fill
from regionplan.report.method import method_of
from regionplan.report.model import ChartData, ChartPoint, Report
from regionplan.report.renderers import Renderer, RenderOptions
from regionplan.report.renderers.comparison_chart import comparator_lines, comparison_svg, plot_comparators
from regionplan.report.tree_filters import tree_filters
from regionplan.report.words import WORDS

if TYPE_CHECKING:  # jinja2 is imported on first render: every command loads this plugin
    import jinja2

__all__ = ["STATUS_COLOURS", "HtmlRenderer", "chart_svg", "environment"]

#: Line colour per status in charts (dark enough for 3:1 against white).
STATUS_COLOURS: dict[str, str] = {
    "achieved": "#1b7837",
    "on_track": "#3f7f1a",
    "off_track": "#b2182b",
    "insufficient_data": "#616161",
}
_OBSERVED = "#1f4e79"
_TARGET = "#000000"
_PATH = "#6b6b6b"
_PROJECTION = "#8c510a"
_SHOCK = "#b2182b"

_EXTRA_WORDS = {
    "nb": {
        "skip": "Hopp til innholdet",
        "chart_table_period": "Periode",
        "generated_at": "Vurdert",
        "download_csv": "Last ned tallene (CSV)",
        "tree_filter": "Vis",
        "tree_measured_only": "Bare det som måles",
        "tree_all_statuses": "Alle statuser",
        "tree_actor": "Aktør",
        "tree_all_actors": "Alle aktører",
        "tree_focus": "Satsingsområde",
        "tree_all_focus": "Alle satsingsområder",
        "tree_folded": "Delmålenes underliggende deler er foldet sammen; åpne dem ved å klikke på pilen.",
    },
    "en": {
        "skip": "Skip to content",
        "chart_table_period": "Period",
        "generated_at": "Evaluated",
        "download_csv": "Download the figures (CSV)",
        "tree_filter": "Show",
        "tree_measured_only": "Measured parts only",
        "tree_all_statuses": "All statuses",
        "tree_actor": "Actor",
        "tree_all_actors": "All actors",
        "tree_focus": "Focus area",
        "tree_all_focus": "All focus areas",
        "tree_folded": "The parts below the sub-goals are folded; open them with the arrow.",
    },
}


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the HTML templates (autoescaping on, undefined names fail)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("regionplan.report.renderers", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["unit_for"] = unit_for
    return env


@functools.cache
def stylesheet() -> str:
    return resources.files("regionplan.report.renderers").joinpath("templates/report.css").read_text("utf-8")


def words(lang: str) -> dict[str, str]:
    """The interface words of the templates in ``lang``."""
    out = dict(WORDS["en"]) | _EXTRA_WORDS["en"]
    out |= WORDS.get(lang, {}) | _EXTRA_WORDS.get(lang, {})
    out["lang_code"] = lang
    return out


# -- charts -------------------------------------------------------------------------------

_SVG_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_SVG_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_SVG_STYLE = re.compile(r"\s*<style type=\"text/css\">.*?</style>", re.S)
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")


def _mpl_text(text: str) -> str:
    """Text matplotlib shows literally (a ``$`` would start mathtext)."""
    return text.replace("$", r"\$")


#: (figure size in inches, font size, legend columns, most x ticks) of a chart drawn for a
#: wide page and for a phone: a phone shows the SVG about 300 CSS px wide, so its figure is
#: narrower and its fonts larger, for text of at least 11 px as displayed (a viewBox unit
#: of matplotlib's SVG is a point, 72 per inch).
CHART_LAYOUTS: dict[bool, tuple[tuple[float, float], float, int, int]] = {
    False: ((7.2, 3.4), 9, 3, 8),
    True: ((3.4, 4.2), 10.5, 1, 3),
}


def chart_svg(
    chart: ChartData,
    lang: str,
    comparison: MetricComparison | None = None,
    *,
    element_id: str,
    narrow: bool = False,
) -> str:
    """The chart of one target as an inline ``<svg>`` element (deterministic output).

    Args:
        chart: the chart's data from the report.
        lang: the language of legend and numbers.
        element_id: a document-unique id; the SVG's ``<title>`` gets ``{element_id}-title``.
        comparison: the comparison of the chart's metric, whose comparators are drawn as thin
            lines when the chart shows that metric itself (:func:`comparator_lines`).
        narrow: drawn for a phone (:data:`CHART_LAYOUTS`).
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    w = words(lang)
    size, font, columns, most_ticks = CHART_LAYOUTS[narrow]
    rc: dict[str, Any] = {
        "svg.hashsalt": f"regionplan-{element_id}",
        "svg.fonttype": "none",
        "svg.image_inline": True,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
        "font.size": font,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#555555",
        "axes.labelcolor": "#222222",
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "text.usetex": False,
    }
    with mpl.rc_context(rc):  # type: ignore[arg-type]
        fig = Figure(figsize=size)
        ax = fig.add_subplot()
        status_colour = STATUS_COLOURS.get(chart.status.value, "#616161")
        labels: dict[float, str] = {}
        if chart.trajectory:
            ax.plot(
                [p.time for p in chart.trajectory],
                [p.value for p in chart.trajectory],
                linestyle=(0, (5, 3)),
                color=_PATH,
                linewidth=1.2,
                label=w["trajectory"],
            )
            labels |= {p.time: _period(p) for p in chart.trajectory}
        proj = chart.projection
        if proj is not None and chart.latest is not None and proj.time is not None:
            xs = [chart.latest.time, proj.time]
            if proj.low is not None and proj.high is not None:
                ax.fill_between(
                    xs,
                    [chart.latest.value, proj.low],
                    [chart.latest.value, proj.high],
                    color=_PROJECTION,
                    alpha=0.15,
                    linewidth=0,
                    label=w["projection_interval"],
                )
            ax.plot(
                xs,
                [chart.latest.value, proj.value],
                linestyle=":",
                color=_PROJECTION,
                linewidth=1.6,
                marker="D",
                markevery=[1],
                markersize=4,
                label=f"{w['projection']} ({w['indicative']})" if proj.indicative else w["projection"],
            )
            labels[proj.time] = proj.deadline_text or proj.deadline
        comparators, note = comparator_lines(comparison, chart.latest.value if chart.latest else None, lang)
        plot_comparators(ax, comparators)
        if chart.history:
            ax.plot(
                [p.time for p in chart.history],
                [p.value for p in chart.history],
                color=_OBSERVED,
                linewidth=2,
                marker="o",
                markersize=3.5,
                label=w["history"],
            )
            labels |= {p.time: _period(p) for p in chart.history}
        if chart.baseline is not None:
            ax.plot(
                [chart.baseline.time],
                [chart.baseline.value],
                linestyle="none",
                marker="s",
                markersize=7,
                markerfacecolor="white",
                markeredgecolor=_OBSERVED,
                markeredgewidth=1.5,
                label=w["baseline"],
            )
        if chart.shock is not None:
            ax.plot(
                [chart.shock.time],
                [chart.shock.value],
                linestyle="none",
                marker="v",
                markersize=8,
                markerfacecolor="white",
                markeredgecolor=_SHOCK,
                markeredgewidth=1.5,
                label=w["low_point"],
            )
        if chart.goal is not None and chart.goal_time is not None:
            ax.plot(
                [chart.goal_time],
                [chart.goal],
                linestyle="none",
                marker="*",
                markersize=12,
                color=_TARGET,
                label=w["goal"],
            )
            labels[chart.goal_time] = chart.deadline_text or chart.deadline
        if chart.latest is not None:
            ax.plot(
                [chart.latest.time],
                [chart.latest.value],
                linestyle="none",
                marker="o",
                markersize=8,
                markerfacecolor=status_colour,
                markeredgecolor="white",
            )
            ax.annotate(
                _mpl_text(f"{chart.latest.text} ({_period(chart.latest)})"),
                (chart.latest.time, chart.latest.value),
                xytext=(6, 8),
                textcoords="offset points",
                fontsize=font - 0.5,
                color="#111111",
                fontweight="bold",
            )
        ticks = spaced_ticks(sorted(labels), most_ticks)
        if ticks:
            ax.set_xticks(ticks, [_mpl_text(labels[t]) for t in ticks])
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _mpl_text(format_number(v, lang))))
        ax.set_ylabel(_mpl_text(chart.unit))
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(
                loc="upper center",
                bbox_to_anchor=(0.5, -0.12),
                ncol=columns,
                frameon=False,
                fontsize=font - 0.5,
            )
        if narrow:  # the legend is one column below the plot: room for each of its lines
            fig.set_size_inches(size[0], size[1] + 0.2 * max(0, len(ax.get_legend_handles_labels()[0]) - 4))
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    title = f"{chart.description}. {note}" if note else chart.description
    return _tidy_svg(buf.getvalue(), element_id, title, narrow=narrow)


def wide_and_narrow(draw: Callable[..., str], *args: Any, element_id: str) -> markupsafe.Markup:
    """A chart drawn twice, for a wide page and for a phone; the stylesheet shows one of them.

    Our own SVG, its text escaped by matplotlib and by :func:`_tidy_svg`: safe as markup.
    """
    wide = draw(*args, element_id=element_id)
    narrow = draw(*args, element_id=f"{element_id}-narrow", narrow=True)
    return markupsafe.Markup(wide + "\n" + narrow)


def spaced_ticks(times: list[float], most: int) -> list[float]:
    """At most ``most`` of the sorted ``times``, first and last kept, none nearer to the one
    before than the span over ``most`` (so the labels do not run into each other)."""
    if len(times) <= 2:
        return times
    gap = (times[-1] - times[0]) / most
    kept = [times[0]]
    for t in times[1:-1]:
        if t - kept[-1] >= gap and times[-1] - t >= gap:
            kept.append(t)
    return [*kept, times[-1]]


def _tidy_svg(svg: str, element_id: str, title: str, *, narrow: bool = False) -> str:
    svg = _SVG_PROLOGUE.sub("", svg, count=1)
    svg = _SVG_METADATA.sub("", svg)
    svg = _SVG_STYLE.sub("", svg)
    title_id = f"{element_id}-title"

    def opening(m: re.Match[str]) -> str:
        attrs = re.sub(r'\s(width|height)="[^"]*"', "", m.group(1))
        return (
            f'<svg{attrs} id="{html.escape(element_id)}" class="chart {"chart-narrow" if narrow else "chart-wide"}" '
            'role="img" '
            f'aria-labelledby="{html.escape(title_id)}" focusable="false">'
            f'<title id="{html.escape(title_id)}">{html.escape(title)}</title>'
        )

    return _SVG_OPEN.sub(opening, svg, count=1).strip()


def _period(p: ChartPoint) -> str:
    """A point's period as the reader's statistics office writes it."""
    return p.period_text or p.period


# -- the renderer -------------------------------------------------------------------------


def _chart_rows(chart: ChartData) -> list[dict[str, str]]:
    """The figures of a chart, one row per period: observed and target path."""
    rows: dict[float, dict[str, str]] = {}
    for p in chart.history:
        rows.setdefault(p.time, {"period": _period(p), "observed": "", "path": ""})["observed"] = p.text
    for p in chart.trajectory:
        rows.setdefault(p.time, {"period": _period(p), "observed": "", "path": ""})["path"] = p.text
    return [rows[t] for t in sorted(rows)]


class HtmlRenderer(Renderer):
    """One self-contained HTML file: summary, charts, goal hierarchy, actors, SDGs, sources."""

    format: ClassVar[str] = "html"
    media_type: ClassVar[str] = "text/html"
    suffix: ClassVar[str] = ".html"
    description: ClassVar[str] = "A self-contained HTML report with charts (works offline)"

    def render(self, report: Report, options: RenderOptions) -> str:
        page = render_template("report.html.j2", report, charts=options.charts)
        return without_controls(scope_svg_ids(page))


def render_template(name: str, report: Report, *, charts: bool = True, **extra: Any) -> str:
    """Render one of the package's templates with a report (also used by notebooks)."""
    anchors = {c.target: f"target-{i}" for i, c in enumerate(report.charts, 1)}
    svgs: Mapping[str, markupsafe.Markup] = {}
    compared = {m.metric: m for m in report.comparisons.compared} if report.comparisons else {}
    notes = {
        c.target: note
        for c in report.charts
        if c.history
        and (
            note := comparator_lines(
                compared.get(c.metric), c.latest.value if c.latest else None, report.lang
            )[1]
        )
    }
    if charts:
        # our own SVG, its text escaped by matplotlib and by _tidy_svg: safe to insert as markup
        svgs = {
            c.target: wide_and_narrow(
                chart_svg, c, report.lang, compared.get(c.metric), element_id=f"{anchors[c.target]}-chart"
            )
            for c in report.charts
            if c.history
        }
    template = environment().get_template(name)
    return template.render(
        r=report,
        w=words(report.lang),
        css=markupsafe.Markup(stylesheet()),
        anchors=anchors,
        svgs=svgs,
        chart_rows=_chart_rows,
        chart_notes=notes if charts else {},
        nodes={n.id: n for n in report.diagram.nodes},
        map_svg=_map_markup(report) if charts else None,
        comparison_svgs=_comparison_markup(report) if charts else {},
        map_fills=MAP_FILLS,
        value_fill=value_fill,
        **tree_context(report),
        method=report.method or method_of(report),
        method_links=name == "report.html.j2",
        csv_links={c.target: csv_data_url(chart_csv(report, c)) for c in report.charts if c.history},
        **extra,
    )


def _comparison_markup(report: Report) -> dict[str, markupsafe.Markup]:
    """The comparison charts by "comparisons-1", "watch-2", ...: our own SVG, text escaped."""
    c = report.comparisons
    if c is None:
        return {}
    out = {}
    for part, metrics in (("comparisons", c.compared), ("watch", c.watch)):
        for i, m in enumerate(metrics, 1):
            if any(a.line for a in m.areas):
                key = f"{part}-{i}"
                out[key] = wide_and_narrow(comparison_svg, m, report.lang, element_id=f"{key}-chart")
    return out


def _map_markup(report: Report) -> markupsafe.Markup | None:
    """The map of the members as inline SVG (our own drawing, its text escaped by matplotlib)."""
    if report.map is None:
        return None
    svg = map_svg(report.map, element_id="map-svg", title=report.map.caption)
    return markupsafe.Markup(svg) if svg else None


def tree_context(report: Report) -> dict[str, Any]:
    """The goal tree as the page shows it: without open questions and framework conditions
    (``apart``: their sections), with the statuses at or below each node for the filters."""
    kind = {n.id: n.kind for n in report.diagram.nodes}
    status = {n.id: n.status.value if n.status else "" for n in report.diagram.nodes}
    tree = tree_without(report.diagram.tree, lambda n: kind.get(n) in KINDS_APART)
    below = subtree_statuses(tree, lambda n: status.get(n, ""))
    filters = tree_filters(report, tree)
    return {
        "tree": tree,
        "tree_statuses": {n: " ".join(sorted(s - {""})) for n, s in below.items()},
        "tree_filters": filters,
        # CSS made of our own tokens (a1, f1, ...), no plan text: safe as markup
        "tree_filter_css": markupsafe.Markup(filters.css),
        "apart": [s for s in report.sections if s.kind in KINDS_APART and s.elements],
    }
