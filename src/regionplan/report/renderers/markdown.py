"""The ``md`` format: GitHub-flavoured Markdown.

Headings, a summary, status tables with the sentence that explains each status,
a Mermaid diagram of the goal graph coloured by status, who does what, the SDGs
and the sources with their credit lines.

Plan text is escaped: Markdown punctuation gets a backslash, ``<``, ``>`` and
``&`` become entities (GitHub would otherwise pass some HTML through), pipes are
escaped in tables and line breaks are folded. Mermaid labels use Mermaid's own
entity codes (``#quot;``), and Mermaid node ids are generated, never plan text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import ClassVar

from regionplan.markers import hookimpl
from regionplan.report.model import ElementRef, Report, StatusView, TargetRow
from regionplan.report.renderers import Renderer, RenderOptions

__all__ = ["MarkdownRenderer", "md_escape", "mermaid_label"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
_LINE_START = re.compile(r"^(\s*)(?:([-+=])|(\d+)([.)]))")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

#: Mermaid class per status: light fill, dark border and text (readable in light and dark themes).
MERMAID_CLASSES: dict[str, str] = {
    "achieved": "fill:#c7e9c0,stroke:#1b7837,color:#000000",
    "on_track": "fill:#d9f0d3,stroke:#4d9221,color:#000000",
    "off_track": "fill:#fddbc7,stroke:#b2182b,color:#000000",
    "insufficient_data": "fill:#e0e0e0,stroke:#616161,color:#000000",
    "not_measured": "fill:#ffffff,stroke:#9e9e9e,color:#000000",
}


def md_escape(text: str) -> str:
    """Plan text as literal Markdown text on one line (safe in table cells too)."""
    text = _CONTROL.sub("", text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # what would start a list, a numbered list or a heading underline at the start of a line
    return _LINE_START.sub(_escape_lead, text)


def _escape_lead(m: re.Match[str]) -> str:
    if m.group(2):
        return f"{m.group(1)}\\{m.group(2)}"
    return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"


_MERMAID_CODES = {
    "#": "#35;",
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "[": "#91;",
    "]": "#93;",
    "(": "#40;",
    ")": "#41;",
    "{": "#123;",
    "}": "#125;",
    "|": "#124;",
    "`": "#96;",
    ";": "#59;",
    "\\": "#92;",
}


def mermaid_label(text: str) -> str:
    """Text for inside a quoted Mermaid label: quotes, brackets, ``<``, ``>`` as entity codes."""
    text = _CONTROL.sub("", text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    return "".join(_MERMAID_CODES.get(ch, ch) for ch in text)


def _status(status: StatusView | None, report: Report) -> str:
    if status is None:
        return f"– {report.t('not_measured')}"
    return f"{status.symbol} {status.label}"


def _table(heads: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    heads = list(heads)
    out = ["| " + " | ".join(heads) + " |", "|" + "|".join("---" for _ in heads) + "|"]
    out += ["| " + " | ".join(cells) + " |" for cells in rows]
    return out


class MarkdownRenderer(Renderer):
    """GitHub-flavoured Markdown with a Mermaid goal diagram."""

    format: ClassVar[str] = "md"
    media_type: ClassVar[str] = "text/markdown"
    suffix: ClassVar[str] = ".md"
    description: ClassVar[str] = "GitHub-flavoured Markdown with a Mermaid goal diagram"

    def render(self, report: Report, options: RenderOptions) -> str:
        r = report
        e = md_escape
        out = [f"# {e(r.title)}", "", f"{e(r.area_name)} · {e(r.subtitle)}", ""]
        if r.description:
            out += [e(r.description), ""]

        out += [f"## {r.t('summary')}", ""]
        for ref in r.headline:
            out.append(f"- **{e(ref.kind_label)}: {e(ref.title)}** — {_status(ref.status, r)}")
        out += ["", r.t("summary_counts", n=r.n_targets) + ":", ""]
        out += _table(
            [r.t("status"), r.t("value")], [[_status(c.status, r), str(c.count)] for c in r.summary]
        )
        out.append("")

        out += [f"## {r.t('targets')}", ""]
        if r.targets:
            out += _table(
                [r.t(k) for k in ("status", "target", "baseline", "latest", "goal", "deadline", "progress")],
                [self._target_cells(t) for t in r.targets],
            )
            out.append("")
            for t in r.targets:
                out += [f"### {e(t.title)}", "", f"**{_status(t.status, r)}.** {e(t.explanation)}", ""]
        else:
            out += [r.t("no_targets"), ""]

        out += [f"## {r.t('goal_graph')}", "", "```mermaid", *self._mermaid(r), "```", ""]

        out += [f"## {r.t('elements')}", ""]
        for section in r.sections:
            out += [f"### {e(section.heading)}", ""]
            out += _table(
                [r.t(k) for k in ("number", "title", "status", "responsible", "sdg")],
                [
                    [
                        e(el.number),
                        e(el.title),
                        _status(el.status, r),
                        ", ".join(f"{e(a.name)} ({a.role_label})" for a in el.responsible),
                        ", ".join(e(s.code) for s in el.sdgs),
                    ]
                    for el in section.elements
                ],
            )
            out.append("")
            for el in section.elements:
                if el.description or el.notes:
                    out.append(f"- **{e(el.title)}**: {e(el.description)}")
                    out += [f"  - {e(n)}" for n in el.notes]
            if any(el.description or el.notes for el in section.elements):
                out.append("")

        if any(a.elements for a in r.actors):
            out += [f"## {r.t('actors')}", ""]
            for actor in r.actors:
                if actor.elements:
                    out += [f"### {e(actor.name)}", ""]
                    out += _table(
                        [r.t("kind"), r.t("title"), r.t("role"), r.t("status")],
                        [self._ref_cells(ref, r, role=True) for ref in actor.elements],
                    )
                    out.append("")

        if r.sdgs:
            out += [f"## {r.t('sdgs')}", ""]
            out += _table(
                [r.t("code"), r.t("title"), r.t("elements_of")],
                [
                    [
                        e(s.code),
                        e(s.title or s.goal_title),
                        "; ".join(f"{e(x.title)} ({_status(x.status, r)})" for x in s.elements),
                    ]
                    for s in r.sdgs
                ],
            )
            out.append("")

        if r.sources:
            out += [f"## {r.t('sources')}", ""]
            for s in r.sources:
                line = f"- {e(s.label)}"
                if s.licence:
                    line += f" ({r.t('licence').lower()}: {e(s.licence)})"
                if s.retrieved:
                    line += f", {r.t('retrieved').lower()} {e(s.retrieved)}"
                if s.url:
                    line += f". <{s.url.replace('>', '%3E').replace(' ', '%20')}>"
                line += f" — {r.t('used_for').lower()}: {', '.join(e(m) for m in s.metrics)}"
                out.append(line)
            out.append("")

        if r.warnings:
            out += [f"## {r.t('warnings')}", ""]
            out += _table(
                [r.t("code"), r.t("message"), r.t("location"), r.t("hint")],
                [[e(w.code), e(w.message), e(w.location), e(w.hint)] for w in r.warnings],
            )
            out.append("")
        return "\n".join(out).rstrip("\n") + "\n"

    @staticmethod
    def _target_cells(t: TargetRow) -> list[str]:
        e = md_escape
        base = f"{t.baseline.text} ({e(t.baseline.period)})" if t.baseline else "–"
        latest = f"{t.latest.text} ({e(t.latest.period)})" if t.latest else "–"
        goal = f"{t.goal_text} {e(t.unit)}" if t.goal is not None else "–"
        return [
            f"{t.status.symbol} {t.status.label}",
            e(t.title),
            base,
            latest,
            goal,
            e(t.deadline) or "–",
            t.progress_text,
        ]

    @staticmethod
    def _ref_cells(ref: ElementRef, r: Report, *, role: bool = False) -> list[str]:
        cells = [md_escape(ref.kind_label), md_escape(ref.title)]
        if role:
            cells.append(ref.role_label)
        cells.append(_status(ref.status, r))
        return cells

    @staticmethod
    def _mermaid(r: Report) -> list[str]:
        ids = {n.id: f"n{i}" for i, n in enumerate(r.diagram.nodes)}
        lines = ["graph BT"]
        by_class: dict[str, list[str]] = {}
        for n in r.diagram.nodes:
            status = f"{n.status.symbol} {n.status.label}" if n.status else r.t("not_measured")
            text = mermaid_label(f"{n.kind_label}: {n.label}") + "<br/>" + mermaid_label(status)
            shape = ('[/"', '"/]') if n.is_target else ('["', '"]')
            lines.append(f"  {ids[n.id]}{shape[0]}{text}{shape[1]}")
            by_class.setdefault(n.status.value if n.status else "not_measured", []).append(ids[n.id])
        for edge in r.diagram.edges:
            if edge.source in ids and edge.target in ids:
                arrow = "-->" if edge.weight == 1 else f'-->|"{mermaid_label(f"{edge.weight:g}")}"|'
                lines.append(f"  {ids[edge.source]} {arrow} {ids[edge.target]}")
        for cls, style in MERMAID_CLASSES.items():
            lines.append(f"  classDef {cls} {style}")
        for cls, members in by_class.items():
            lines.append(f"  class {','.join(members)} {cls}")
        return lines


@hookimpl
def regionplan_register_renderers(register: Callable[..., None]) -> None:
    register(MarkdownRenderer())
