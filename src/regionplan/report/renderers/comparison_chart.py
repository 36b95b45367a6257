"""The comparison chart of a metric: the region and its comparators as lines (inline SVG).

Counts are drawn as an index (:attr:`~regionplan.report.comparison_views.MetricComparison.indexed`),
other metrics in their unit; each area has its own colour and line style, the region the
darkest and thickest, so the lines are told apart without colour too.
"""

from __future__ import annotations

import io
from typing import Any

from regionplan.evaluation.explain import format_number
from regionplan.report.comparison_views import MetricComparison

__all__ = ["COMPARATOR_WORDS", "comparator_lines", "comparison_svg", "plot_comparators"]

#: (colour, line style, marker) per line, the region's first.
_STYLES = (
    ("#08306b", "-", "o"),
    ("#b35806", (0, (5, 2)), "s"),
    ("#1b7837", (0, (1, 1.5)), "^"),
    ("#762a83", (0, (6, 2, 1, 2)), "D"),
    ("#4d4d4d", (0, (3, 3)), "v"),
    ("#8c510a", "-", "x"),
)


def comparison_svg(m: MetricComparison, lang: str, *, element_id: str, narrow: bool = False) -> str:
    """One metric's comparison chart as an inline ``<svg>`` (deterministic output).

    ``narrow``: drawn for a phone, narrower with larger text (as the target charts).
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from regionplan.report.renderers.html import _mpl_text, _tidy_svg

    size, font, columns, most_ticks = ((3.4, 4.0), 10.5, 1, 5) if narrow else ((6.4, 3.4), 10, 3, 7)
    rc: dict[str, Any] = {
        "svg.hashsalt": f"regionplan-{element_id}",
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
        "font.size": font,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#555555",
        "text.usetex": False,
    }
    lines = [a for a in m.areas if a.line]
    with mpl.rc_context(rc):  # type: ignore[arg-type]
        fig = Figure(figsize=size)
        ax = fig.add_subplot()
        times: set[float] = set()
        for k, area in enumerate(lines):
            colour, style, marker = _STYLES[k % len(_STYLES)]
            xs = [t for t, _ in area.line]
            ax.plot(
                xs,
                [v for _, v in area.line],
                color=colour,
                linestyle=style,
                marker=marker,
                markersize=4,
                linewidth=2.4 if k == 0 else 1.4,
                label=_mpl_text(area.name),
            )
            times |= set(xs)
        # ticks at the observations (4th quarters sit late in their year), labelled by year
        ticks = sorted(times)
        if len(ticks) > most_ticks:
            ticks = ticks[:: -(-len(ticks) // most_ticks)]
        ax.set_xticks(ticks, [str(int(t)) for t in ticks])
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _mpl_text(format_number(v, lang))))
        ax.set_ylabel(_mpl_text(m.axis))
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        if lines:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=columns, frameon=False)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return _tidy_svg(buf.getvalue(), element_id, m.description, narrow=narrow)


#: A target chart's comparator lines: legend label and title sentence (rebased: counts).
COMPARATOR_WORDS = {
    "nb": {
        "rebased": "Vekst som i {name}",
        "rebased_note": "De tynne linjene viser regionens nivå om den hadde vokst som {names} fra {base}.",
        "note": "De tynne linjene viser {names}.",
    },
    "en": {
        "rebased": "Growth as in {name}",
        "rebased_note": "The thin lines show the region's level had it grown as {names} from {base}.",
        "note": "The thin lines show {names}.",
    },
}


def comparator_lines(
    m: MetricComparison | None, latest: float | None, lang: str
) -> tuple[list[tuple[str, tuple[tuple[float, float], ...]]], str]:
    """The comparators of a target's chart as (legend label, points) in the chart's unit, and
    a sentence for its caption; none when the chart does not show the compared metric itself.

    In the metric's unit where the comparison is (shares, rates); for counts, whose sizes
    differ, each comparator's index is put on the region's level: the region's latest value
    times the comparator's index over the region's index then, so each line is where the
    region would be had it grown as that area from the index's base period.
    """
    if m is None or latest is None or not m.areas or m.areas[0].kind != "region":
        return [], ""
    region, others = m.areas[0], [a for a in m.areas[1:] if a.line]
    # the chart must show what the comparison compares (not, say, a growth derived from it)
    if (
        region.value is None
        or not region.line
        or not others
        or abs(region.value - latest) > 1e-9 * max(1, abs(latest))
    ):
        return [], ""
    words = COMPARATOR_WORDS.get(lang, COMPARATOR_WORDS["en"])
    names = ", ".join(a.name for a in others)
    if not m.indexed:
        return [(a.name, a.line) for a in others], words["note"].format(names=names)
    region_index = region.line[-1][1]
    if not region_index:
        return [], ""
    level = region.value / region_index
    lines = [(words["rebased"].format(name=a.name), tuple((t, v * level) for t, v in a.line)) for a in others]
    return lines, words["rebased_note"].format(names=names, base=m.index_base)


def plot_comparators(ax: Any, lines: list[tuple[str, tuple[tuple[float, float], ...]]]) -> None:
    """Draw a target chart's comparator lines, thin, each with the colour and dashes it has in
    the comparison charts (the region's style is the observed line's)."""
    for k, (label, points) in enumerate(lines, 1):
        colour, style, _marker = _STYLES[k % len(_STYLES)]
        ax.plot(
            [t for t, _ in points],
            [v for _, v in points],
            color=colour,
            linestyle=style,
            linewidth=1.2,
            label=label.replace("$", r"\$"),
        )
