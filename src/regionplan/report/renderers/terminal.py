"""The ``terminal`` format: plain text for ``regionplan evaluate``.

A headline with what each status rests on (coverage, mix, caveats, the newest
figures), a table of targets (status symbol and word, so it reads without colour),
per target the age and origin of its data and its verdict from earlier base
periods, and the goal tree. Colours are ANSI codes and only with
``RenderOptions(color=True)``: the caller knows whether it writes to a terminal; a
status with caveats is never coloured as a bare verdict. Control characters in plan
text are dropped, so a plan cannot send escape sequences to the terminal.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence, Set
from typing import ClassVar

from regionplan.plan.units import unit_for
from regionplan.report.method import method_of
from regionplan.report.model import DiagramNode, GoalBasis, Report, StatusView, TargetRow, TreeNode
from regionplan.report.renderers import Renderer, RenderOptions
from regionplan.report.renderers.comparisons_text import terminal_lines as comparison_lines

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

    def wrap(self, text: str, indent: str) -> None:
        """``text`` (plan text cleaned) wrapped to the width, every line indented."""
        self.out += textwrap.wrap(
            clean(text), self.width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
        )

    def since(self) -> None:
        """The section "since the last report", when the report has one."""
        since = self.report.since
        if since is None:
            return
        self.heading(clean(since.heading))
        self.wrap(since.intro, "")
        if since.none_text:
            self.wrap(since.none_text, "")
        for group in since.groups:
            self.out += ["", clean(group.heading) + ":"]
            for item in group.items:
                self.out += textwrap.wrap(
                    clean(item.text),
                    self.width,
                    initial_indent="  - ",
                    subsequent_indent="    ",
                    break_on_hyphens=False,
                )

    def write(self) -> str:
        report, out = self.report, self.out
        title = clean(report.title)
        out += [
            title,
            "=" * min(len(title), self.width),
            clean(f"{report.area_name} · {report.subtitle}"),
            "",
        ]
        if report.source_citation:
            self.wrap(f"{report.t('plan_source')}: {report.source_citation}", "")
        self.wrap(report.rests_on, "")
        if report.stale_note:
            self.wrap(f"⚠ {report.stale_note}", "")
        out.append("")
        for ref in report.headline:
            out.append(f"{clean(ref.kind_label)}: {clean(ref.title)} — {self.status(ref.status, ref.basis)}")
            if ref.basis is not None:
                note = (
                    f" {report.t('note')}: {'; '.join(ref.basis.caveat_texts)}." if ref.basis.caveats else ""
                )
                self.wrap(f"{ref.basis.short}.{note}", "  ")
        counts = ", ".join(f"{c.status.symbol} {c.status.label}: {c.count}" for c in report.summary)
        out.append(f"{report.t('summary_counts', n=report.n_targets)}: {counts}")
        self.since()
        self.heading(report.t("targets"))
        self.targets()
        for t in report.targets:
            self.details(t)
        out += [clean(line) for line in comparison_lines(report)]
        self.heading(report.t("goal_graph"))
        for i, root in enumerate(report.diagram.tree):
            self.tree(root, "", i == len(report.diagram.tree) - 1, True)
        if report.sources:
            self.heading(report.t("sources"))
            for s in report.sources:
                licence = f" ({clean(s.licence)})" if s.licence else ""
                used_for = (
                    f": {', '.join(clean(m) for m in s.metric_titles or s.metrics)}" if s.metrics else ""
                )
                out += textwrap.wrap(
                    f"{clean(s.label)}{licence}{used_for}",
                    self.width,
                    initial_indent="* ",
                    subsequent_indent="  ",
                    break_on_hyphens=False,
                )
        self.method()
        return "\n".join(line.rstrip() for line in out) + "\n"

    def method(self) -> None:
        """How the evaluation works, in short."""
        m = self.report.method or method_of(self.report)
        self.heading(m.heading)
        for part in m.parts:
            self.out += ["", f"{part.heading}:"]
            if part.text:
                self.wrap(part.text, "  ")
            for item in part.items:
                text = clean(f"{item.term}: {item.text}" if item.text else item.term)
                self.out += textwrap.wrap(
                    text, self.width, initial_indent="  * ", subsequent_indent="    ", break_on_hyphens=False
                )

    def targets(self) -> None:
        report = self.report
        rows = [
            (
                t.status,
                [
                    f"{t.status.symbol} {t.status.label}",
                    clean(t.title),
                    self.latest(t),
                    f"{t.goal_text} {clean(unit_for(t.goal, t.unit, report.lang))}"
                    if t.goal is not None
                    else "–",
                    clean(t.deadline_text) or "–",
                ],
            )
            for t in report.targets
        ]
        if not rows:
            self.out.append(report.t("no_targets"))
            return
        heads = [report.t(k) for k in ("status", "target", "latest", "goal", "deadline")]
        widths = [max(len(heads[i]), *(len(cells[i]) for _, cells in rows)) for i in range(len(heads))]
        room = self.width - sum(widths) + widths[1] - 2 * (len(heads) - 1)
        widths[1] = max(12, min(widths[1], room))
        self.out.append(_line(heads, widths))
        self.out.append("  ".join("-" * w for w in widths))
        for status, cells in rows:
            cells[1] = _cut(cells[1], widths[1])
            line = _line(cells, widths, right={2, 3}).rstrip()
            self.out.append(self.paint(line, status))

    def latest(self, t: TargetRow) -> str:
        """The latest value with its period, marked ⚠ when newer figures are missing."""
        if t.latest is None:
            return "–"
        stale = " ⚠" if t.age is not None and t.age.stale else ""
        return f"{t.latest.text} ({clean(t.latest.period_text)}){stale}"

    def details(self, t: TargetRow) -> None:
        """What a target's status rests on: its data's age and origin, projection, baseline."""
        r, e = self.report, clean
        self.out.append("")
        self.out.append(f"{self.status(t.status)}  {e(t.title)}")
        parts = []
        if t.baseline is not None:
            parts.append(f"{r.t('baseline')} {t.baseline.text} ({e(t.baseline.period_text)})")
        if t.shock is not None:
            parts.append(f"{r.t('low_point').lower()} {t.shock.text} ({e(t.shock.period_text)})")
        if t.progress is not None:
            note = f" ({t.progress_note})" if t.progress_note else ""
            parts.append(f"{r.t('progress').lower()} {t.progress_text}{note}")
        if t.projection is not None:
            p = t.projection
            text = f"{r.t('projection').lower()} {p.text} ({e(p.deadline_text)})"
            text += f", {r.t('indicative')}" if p.indicative else ""
            parts.append(text)
        elif t.projection_note:
            parts.append(t.projection_note)
        if parts:
            self.wrap(" · ".join(parts), "    ")
        if t.age is not None:
            stale = f" · ⚠ {t.age.stale_text}" if t.age.stale else ""
            self.wrap(f"{r.t('data_age')}: {t.age.period_text} · {t.age.age_text}{stale}", "    ")
        if t.origin is not None and t.origin.delivered:
            self.wrap(f"{r.t('data_origin')}: {t.origin.text}", "    ")
        elif t.missing:
            self.wrap(f"{r.t('missing')}: {'; '.join(t.missing)}", "    ")
        s = t.sensitivity
        if s is not None:
            self.wrap(f"{r.t('sensitivity')}: {s.verdict_text.lower()}", "    ")
            label = [f"{row.period_text}{f' ({row.note})' if row.note else ''}" for row in s.rows]
            lw = max(len(x) for x in label)
            vw = max(len(row.value_text) for row in s.rows)
            for text, row in zip(label, s.rows, strict=True):
                self.out.append(
                    f"      {clean(text).ljust(lw)}  {clean(row.value_text).rjust(vw)}  {self.status(row.status)}"
                )
            if s.extreme_text:
                self.wrap(f"⚠ {s.extreme_text}", "    ")

    def status(self, status: StatusView | None, basis: GoalBasis | None = None) -> str:
        if status is None:
            return f"– {self.report.t('not_measured')}"
        text = f"{status.symbol} {status.label}"
        if basis is not None and basis.caveats:
            return text  # a status with caveats is not painted as a bare verdict
        return self.paint(text, status)

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
        coverage = f" · {n.basis.coverage_text}" if n.basis is not None else ""
        room = self.width - len(prefix) - len(branch) - len(plain_status) - len(coverage) - 4
        self.out.append(
            f"{prefix}{branch}{_cut(label, max(room, 12))}  {self.status(n.status, n.basis)}{coverage}"
        )
        child_prefix = prefix if root else prefix + ("   " if last else "│  ")
        for i, child in enumerate(node.children):
            self.tree(child, child_prefix, i == len(node.children) - 1, False)


def _line(cells: Sequence[str], widths: Sequence[int], right: Set[int] = frozenset()) -> str:
    return "  ".join(
        c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    )
