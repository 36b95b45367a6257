"""The ``dot`` format: the goal graph for Graphviz, coloured by status.

Edges point from a child to what it contributes to, labelled with their weight
when it is not 1. A goal's node says how much of it is measured ("▼ Ikke i rute ·
10 % målt"); a status with caveats (less than half measured, measured parts that
disagree) is drawn white with a dashed border, never filled as a bare verdict.
Every id and label is a quoted, escaped DOT string, so plan text cannot end a
string or start an HTML-like label.
"""

from __future__ import annotations

from typing import ClassVar

from regionplan.report.model import GoalBasis, Report, StatusView
from regionplan.report.renderers import Renderer, RenderOptions

__all__ = ["DotRenderer", "dot_string"]

#: Fill and border colours per status (fills are light so black text keeps its contrast).
COLOURS: dict[str, tuple[str, str]] = {
    "achieved": ("#c7e9c0", "#1b7837"),
    "on_track": ("#d9f0d3", "#4d9221"),
    "off_track": ("#fddbc7", "#b2182b"),
    "insufficient_data": ("#e0e0e0", "#616161"),
    "": ("#ffffff", "#9e9e9e"),
}


def dot_string(text: str) -> str:
    """``text`` as a quoted DOT string (backslashes, quotes and line breaks escaped)."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    out = "".join(ch for ch in out if ch >= " " or ch == "\t")
    return f'"{out}"'


def _label(
    title: str, status: StatusView | None, kind_label: str, basis: GoalBasis | None = None, *notes: str
) -> str:
    head = f"{kind_label}: {title}" if kind_label else title
    if status is None:
        return head
    coverage = f" · {basis.short}" if basis is not None else ""
    return "\n".join([f"{head}\n{status.symbol} {status.label}{coverage}", *(n for n in notes if n)])


def _wrap(text: str, width: int = 32) -> str:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for w in paragraph.split(" "):
            if line and len(line) + 1 + len(w) > width:
                lines.append(line)
                line = w
            else:
                line = f"{line} {w}" if line else w
        lines.append(line)
    return "\n".join(lines)


class DotRenderer(Renderer):
    """The goal graph in Graphviz DOT, coloured by status."""

    format: ClassVar[str] = "dot"
    media_type: ClassVar[str] = "text/vnd.graphviz"
    suffix: ClassVar[str] = ".dot"
    description: ClassVar[str] = "The goal graph in Graphviz DOT, coloured by status"

    def render(self, report: Report, options: RenderOptions) -> str:
        heading = f"{report.title} — {report.subtitle}"
        if report.source_citation:
            heading += f"\n{report.t('plan_source')}: {report.source_citation}"
        lines = [
            "digraph goals {",
            f"  label={dot_string(heading)};",
            '  labelloc="t";',
            "  rankdir=BT;",
            '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
            '  edge [color="#555555", fontname="Helvetica", fontsize=9];',
        ]
        for node in report.diagram.nodes:
            key = node.status.value if node.status else ""
            fill, border = COLOURS.get(key, COLOURS[""])
            shape = ", shape=note" if node.is_target else ""
            style = ""
            if node.basis is not None and node.basis.caveats and node.status is not None:
                fill, style = COLOURS[""][0], ', style="rounded,filled,dashed", penwidth=2'
            label = _wrap(
                _label(
                    node.label,
                    node.status,
                    "" if node.is_target else node.kind_label,
                    node.basis,
                    node.latest,
                    node.note,
                )
            )
            lines.append(
                f"  {dot_string(node.id)} [label={dot_string(label)}, "
                f'fillcolor="{fill}", color="{border}"{shape}{style}];'
            )
        for edge in report.diagram.edges:
            weight = "" if edge.weight == 1 else f" [label={dot_string(f'{edge.weight:g}')}]"
            lines.append(f"  {dot_string(edge.source)} -> {dot_string(edge.target)}{weight};")
        lines.append("}")
        return "\n".join(lines) + "\n"
