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

__all__ = ["comparison_svg"]

#: (colour, line style, marker) per line, the region's first.
_STYLES = (
    ("#08306b", "-", "o"),
    ("#b35806", (0, (5, 2)), "s"),
    ("#1b7837", (0, (1, 1.5)), "^"),
    ("#762a83", (0, (6, 2, 1, 2)), "D"),
    ("#4d4d4d", (0, (3, 3)), "v"),
    ("#8c510a", "-", "x"),
)


def comparison_svg(m: MetricComparison, lang: str, *, element_id: str) -> str:
    """One metric's comparison chart as an inline ``<svg>`` (deterministic output)."""
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from regionplan.report.renderers.html import _mpl_text, _tidy_svg

    rc: dict[str, Any] = {
        "svg.hashsalt": f"regionplan-{element_id}",
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#555555",
        "text.usetex": False,
    }
    lines = [a for a in m.areas if a.line]
    with mpl.rc_context(rc):  # type: ignore[arg-type]
        fig = Figure(figsize=(6.4, 3.4))
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
        if len(ticks) > 7:
            ticks = ticks[:: -(-len(ticks) // 7)]
        ax.set_xticks(ticks, [str(int(t)) for t in ticks])
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _mpl_text(format_number(v, lang))))
        ax.set_ylabel(_mpl_text(m.axis))
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        if lines:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, frameon=False)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return _tidy_svg(buf.getvalue(), element_id, m.description)
