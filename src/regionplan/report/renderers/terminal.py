"""The ``terminal`` format: plain text for ``regionplan evaluate``.

A headline, a table of targets (status symbol and word, so it reads without
colour), and the goal tree. Colours are ANSI codes and only with
``RenderOptions(color=True)``: the caller knows whether it writes to a terminal.
Control characters in plan text are dropped, so a plan cannot send escape
sequences to the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set
from typing import ClassVar

from regionplan.markers import hookimpl
from regionplan.report.model import DiagramNode, Report, StatusView, TreeNode
from regionplan.report.renderers import Renderer, RenderOptions

__all__ = ["TerminalRenderer", "clean"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ANSI = {
    "achieved": "\x1b[1;32m",
    "on_track": "\x1b[32m",
    "off_track": "\x1b[1;31m",
    "insufficient_data": "\x1b[33m",
}
_RESET = "\x1b[0m"


def clean(text: str) -> str:
    """Plan text safe for a terminal: one line, no control or direction-override characters."""
    return _CONTROL.sub("", text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def _cut(text: str, width: int) -> str:
    if width <= 1:
        return text[:width]
    return text if len(text) <= width else text[: width - 1] + "…"


class TerminalRenderer(Renderer):
    """Plain text: targets with their status, and the goal tree."""

    format: ClassVar[str] = "terminal"
    media_type: ClassVar[str] = "text/plain"
    suffix: ClassVar[str] = ".txt"
    description: ClassVar[str] = "Plain text for a terminal: targets and the goal tree"

    def render(self, report: Report, options: RenderOptions) -> str:
        return _Writer(report, options.color, max(options.width, 40)).write()


class _Writer:
    def __init__(self, report: Report, color: bool, width: int) -> None:
        self.report = report
        self.color = color
        self.width = width
        self.nodes: dict[str, DiagramNode] = {n.id: n for n in report.diagram.nodes}
        self.out: list[str] = []

    def heading(self, text: str) -> None:
        self.out += ["", text, "-" * len(text)]

    def write(self) -> str:
        report, out = self.report, self.out
        title = clean(report.title)
        out += [
            title,
            "=" * min(len(title), self.width),
            clean(f"{report.area_name} · {report.subtitle}"),
            "",
        ]
        for ref in report.headline:
            out.append(f"{clean(ref.kind_label)}: {clean(ref.title)} — {self.status(ref.status)}")
        counts = ", ".join(f"{c.status.symbol} {c.status.label}: {c.count}" for c in report.summary)
        out.append(f"{report.t('summary_counts', n=report.n_targets)}: {counts}")
        self.heading(report.t("targets"))
        self.targets()
        self.heading(report.t("goal_graph"))
        for i, root in enumerate(report.diagram.tree):
            self.tree(root, "", i == len(report.diagram.tree) - 1, True)
        if report.sources:
            self.heading(report.t("sources"))
            for s in report.sources:
                licence = f" ({clean(s.licence)})" if s.licence else ""
                used_for = f": {', '.join(clean(m) for m in s.metrics)}" if s.metrics else ""
                out.append(f"* {clean(s.label)}{licence}{used_for}")
        return "\n".join(line.rstrip() for line in out) + "\n"

    def targets(self) -> None:
        report = self.report
        rows = [
            (
                t.status,
                [
                    f"{t.status.symbol} {t.status.label}",
                    clean(t.title),
                    f"{t.latest.text} ({clean(t.latest.period)})" if t.latest else "–",
                    f"{t.goal_text} {clean(t.unit)}" if t.goal is not None else "–",
                    clean(t.deadline) or "–",
                ],
            )
            for t in report.targets
        ]
        if not rows:
            self.out.append(report.t("no_targets"))
            return
        heads = [report.t(k) for k in ("status", "target", "latest", "goal", "deadline")]
        widths = [max(len(heads[i]), *(len(cells[i]) for _, cells in rows)) for i in range(5)]
        room = self.width - sum(widths) + widths[1] - 2 * 4
        widths[1] = max(12, min(widths[1], room))
        self.out.append(_line(heads, widths))
        self.out.append("  ".join("-" * w for w in widths))
        for status, cells in rows:
            cells[1] = _cut(cells[1], widths[1])
            line = _line(cells, widths, right={2, 3}).rstrip()
            self.out.append(self.paint(line, status))

    def status(self, status: StatusView | None) -> str:
        if status is None:
            return f"– {self.report.t('not_measured')}"
        return self.paint(f"{status.symbol} {status.label}", status)

    def paint(self, text: str, status: StatusView) -> str:
        if not self.color:
            return text
        return f"{_ANSI.get(status.value, '')}{text}{_RESET}"

    def tree(self, node: TreeNode, prefix: str, last: bool, root: bool) -> None:
        n = self.nodes[node.id]
        branch = "" if root else ("└─ " if last else "├─ ")
        label = f"{clean(n.kind_label)}: {clean(n.label)}"
        if node.repeated:
            label += f" {self.report.t('repeated')}"
        plain_status = f"{n.status.symbol} {n.status.label}" if n.status else self.report.t("not_measured")
        room = self.width - len(prefix) - len(branch) - len(plain_status) - 4
        self.out.append(f"{prefix}{branch}{_cut(label, max(room, 12))}  {self.status(n.status)}")
        child_prefix = prefix if root else prefix + ("   " if last else "│  ")
        for i, child in enumerate(node.children):
            self.tree(child, child_prefix, i == len(node.children) - 1, False)


def _line(cells: Sequence[str], widths: Sequence[int], right: Set[int] = frozenset()) -> str:
    return "  ".join(
        c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )


@hookimpl
def regionplan_register_renderers(register: Callable[..., None]) -> None:
    register(TerminalRenderer())
