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
from collections.abc import Iterable
from typing import ClassVar

from regionplan.plan.units import unit_for
from regionplan.report.depth import overview
from regionplan.report.method import method_of
from regionplan.report.model import AreaFigure, ElementRef, GoalBasis, Report, StatusView, TargetRow
from regionplan.report.renderers import Renderer, RenderOptions
from regionplan.report.renderers.comparisons_text import markdown_lines as comparison_lines

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

#: A goal's status with caveats (partly measured, mixed) is drawn neutral: white, dashed border.
MERMAID_CAVEATED = "fill:#ffffff,stroke:{stroke},stroke-dasharray:5 3,color:#000000"


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


def _goal_status(status: StatusView | None, basis: GoalBasis | None, report: Report) -> str:
    """A goal's status with its coverage and mix: "▼ Ikke i rute · 10 % målt · 1 nådd, 1 ikke i rute"."""
    text = _status(status, report)
    return f"{text} · {basis.short}" if basis is not None and basis.short else text


def _caveats(basis: GoalBasis | None, report: Report) -> str:
    if basis is None or not basis.caveat_texts:
        return ""
    return f". *{report.t('note')}: {'; '.join(basis.caveat_texts)}.*"


def _table(heads: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    heads = list(heads)
    out = ["| " + " | ".join(heads) + " |", "|" + "|".join("---" for _ in heads) + "|"]
    out += ["| " + " | ".join(cells) + " |" for cells in rows]
    return out


def _figure_rows(figures: Iterable[AreaFigure], r: Report) -> list[list[str]]:
    return [
        [
            f"**{md_escape(f.name)}**" if f.role == "member" else md_escape(f.name),
            _status(f.status, r) if f.status else r.t("not_evaluated"),
            f"{f.text} ({f.period_text})" if f.period_text else f.text,
        ]
        for f in figures
    ]


def _since(r: Report) -> list[str]:
    """The section "since the last report", when the report has one."""
    if r.since is None:
        return []
    out = [f"## {md_escape(r.since.heading)}", "", md_escape(r.since.intro), ""]
    if r.since.none_text:
        out += [md_escape(r.since.none_text), ""]
    for group in r.since.groups:
        out += [f"### {md_escape(group.heading)}", "", *(f"- {md_escape(i.text)}" for i in group.items), ""]
    return out


def _member_and_map(r: Report) -> list[str]:
    """A member beside the region and the others; the map's figures as a table."""
    out: list[str] = []
    heads = [r.t("area"), r.t("status"), r.t("latest")]
    if r.member:
        out += [f"## {md_escape(r.member.comparison_heading)}", ""]
        for t in r.member.targets:
            unit = f" ({md_escape(t.unit)})" if t.unit else ""
            out += [f"### {md_escape(t.title)}{unit}", "", *_table(heads, _figure_rows(t.figures, r)), ""]
    if r.map:
        unit = f" ({md_escape(r.map.unit)})" if r.map.unit else ""
        out += [f"## {r.t('map')}", "", f"{md_escape(r.map.caption)}{unit}. {r.t('map_note')}", ""]
        out += [*_table(heads, _figure_rows(r.map.members, r)), "", md_escape(r.map.credit), ""]
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
        if r.member:
            out = [f"# {e(r.member.heading)}", "", f"{e(r.title)} · {e(r.subtitle)}", ""]
        else:
            out = [f"# {e(r.title)}", "", f"{e(r.area_name)} · {e(r.subtitle)}", ""]
        if r.description:
            out += [e(r.description), ""]
        if r.source_citation:
            out += [f"{r.t('plan_source')}: {_plan_source(r)}", ""]

        out += [f"## {e(r.member.summary_heading) if r.member else r.t('summary')}", "", e(r.rests_on), ""]
        if r.stale_note:
            out += [f"⚠ {e(r.stale_note)}", ""]
        for i, ref in enumerate(r.headline):
            out.append(
                f"- **{e(ref.kind_label)}: {e(ref.title)}** — "
                f"{_goal_status(ref.status, ref.basis, r)}{_caveats(ref.basis, r)}"
            )
            if i == 0:
                out += [f"  - {line}" for line in self._parts(r, ref.id)]
        out += ["", r.t("summary_counts", n=r.n_targets) + ":", ""]
        out += _table(
            [r.t("status"), r.t("value")], [[_status(c.status, r), str(c.count)] for c in r.summary]
        )
        out.append("")
        out += _since(r)
        out += _member_and_map(r)

        out += [f"## {r.t('targets')}", ""]
        if r.targets:
            out += _table(
                [
                    r.t(k)
                    for k in (
                        "status",
                        "target",
                        "baseline",
                        "latest",
                        "goal",
                        "deadline",
                        "progress",
                        "projection",
                    )
                ],
                [self._target_cells(t, r) for t in r.targets],
            )
            out.append("")
            for t in r.targets:
                out += [f"### {e(t.title)}", "", f"**{_status(t.status, r)}.** {e(t.explanation)}", ""]
                out += self._target_facts(t, r)
        else:
            out += [r.t("no_targets"), ""]

        out += comparison_lines(r, e)
        out += [f"## {r.t('goal_graph')}", "", r.t("diagram_overview_note"), ""]
        out += ["```mermaid", *self._mermaid(r), "```", ""]

        out += [f"## {r.t('elements')}", ""]
        for section in r.sections:
            out += [f"### {e(section.heading)}", ""]
            out += _table(
                [r.t(k) for k in ("number", "title", "status", "responsible", "sdg")],
                [
                    [
                        e(el.number),
                        e(el.title),
                        _goal_status(el.status, el.basis, r),
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
                line += (
                    f" — {r.t('used_for').lower()}: {', '.join(e(m) for m in s.metric_titles or s.metrics)}"
                )
                out.append(line)
            out.append("")

        if r.warnings:
            out += [f"## {r.t('warnings')}", ""]
            out += _table(
                [r.t("code"), r.t("message"), r.t("location"), r.t("hint")],
                [[e(w.code), e(w.message), e(w.location), e(w.hint)] for w in r.warnings],
            )
            out.append("")
        out += self._method(r)
        return "\n".join(out).rstrip("\n") + "\n"

    @staticmethod
    def _method(r: Report) -> list[str]:
        """How the evaluation works, in short."""
        m = r.method or method_of(r)
        out = [f"## {md_escape(m.heading)}", ""]
        for part in m.parts:
            out += [f"### {md_escape(part.heading)}", ""]
            if part.text:
                out += [md_escape(part.text), ""]
            if part.items:
                out += [
                    f"- **{md_escape(i.term)}**" + (f": {md_escape(i.text)}" if i.text else "")
                    for i in part.items
                ]
                out.append("")
        return out

    @staticmethod
    def _parts(r: Report, element_id: str) -> list[str]:
        """The measured parts of a goal, with what each rests on (a target's sensitivity too)."""
        nodes = {n.id: n for n in r.diagram.nodes}
        rows = {t.id: t for t in r.targets}
        out = []
        for edge in r.diagram.edges:
            n = nodes.get(edge.source)
            if edge.target != element_id or n is None or n.status is None:
                continue
            line = f"{_status(n.status, r)} — {md_escape(n.kind_label)}: {md_escape(n.label)}"
            t = rows.get(n.id)
            if t is not None and t.latest is not None:
                value = f"{t.latest.text} {md_escape(t.unit)}".rstrip()
                line += f": {value} ({md_escape(t.latest.period_text)})"
            if t is not None and t.sensitivity is not None:
                line += f". {md_escape(t.sensitivity.short)}"
            elif n.basis is not None:
                line += f" ({md_escape(n.basis.short)})"
            out.append(line)
        return out

    @staticmethod
    def _target_cells(t: TargetRow, r: Report) -> list[str]:
        e = md_escape
        base = f"{t.baseline.text} ({e(t.baseline.period_text)})" if t.baseline else "–"
        if t.shock is not None:
            base += f"; {r.t('low_point').lower()} {t.shock.text} ({e(t.shock.period_text)})"
        latest = "–"
        if t.latest is not None:
            age = f" · {t.age.age_text}" if t.age else ""
            stale = f", ⚠ {r.t('stale')}" if t.age and t.age.stale else ""
            latest = f"{t.latest.text} ({e(t.latest.period_text)}{age}{stale})"
        goal = f"{t.goal_text} {e(unit_for(t.goal, t.unit, r.lang))}" if t.goal is not None else "–"
        progress = t.progress_text + (f" ({t.progress_note})" if t.progress_note else "")
        projection = t.projection_note or "–"
        if t.projection is not None:
            p = t.projection
            projection = p.text + (f" ({p.interval_text})" if p.interval_text else "")
            projection += f", {r.t('indicative')}" if p.indicative else ""
        return [
            f"{t.status.symbol} {t.status.label}",
            e(t.title),
            base,
            latest,
            goal,
            e(t.deadline_text) or "–",
            progress,
            projection,
        ]

    @staticmethod
    def _target_facts(t: TargetRow, r: Report) -> list[str]:
        """The age and origin of a target's data, and its verdict from earlier base periods."""
        e = md_escape
        facts = []
        if t.age is not None:
            stale = f" · ⚠ {e(t.age.stale_text)}" if t.age.stale else ""
            facts.append(f"- {r.t('data_age')}: {e(t.age.period_text)} · {e(t.age.age_text)}{stale}")
        if t.origin is not None and t.origin.delivered:
            facts.append(f"- {r.t('data_origin')}: {e(t.origin.text)}")
        out = [*facts, ""] if facts else []
        s = t.sensitivity
        if s is not None:
            out += [f"{r.t('sensitivity')}: {e(s.verdict_text.lower())}", ""]
            out += _table(
                [r.t("base_period"), e(s.quantity_text[:1].upper() + s.quantity_text[1:]), r.t("status")],
                [
                    [
                        f"**{e(row.period_text)}** ({e(row.note)})" if row.stated else e(row.period_text),
                        row.value_text,
                        _status(row.status, r),
                    ]
                    for row in s.rows
                ],
            )
            out.append("")
            if s.extreme_text:
                out += [f"⚠ {e(s.extreme_text)}", ""]
        return out

    @staticmethod
    def _ref_cells(ref: ElementRef, r: Report, *, role: bool = False) -> list[str]:
        cells = [md_escape(ref.kind_label), md_escape(ref.title)]
        if role:
            cells.append(ref.role_label)
        cells.append(_status(ref.status, r))
        return cells

    @staticmethod
    def _mermaid(r: Report) -> list[str]:
        diagram = overview(r.diagram)
        ids = {n.id: f"n{i}" for i, n in enumerate(diagram.nodes)}
        lines = ["graph BT"]
        by_class: dict[str, list[str]] = {}
        for n in diagram.nodes:
            status = f"{n.status.symbol} {n.status.label}" if n.status else r.t("not_measured")
            if n.basis is not None:
                status += f" · {n.basis.short}"
            text = mermaid_label(f"{n.kind_label}: {n.label}") + "<br/>" + mermaid_label(status)
            for note in (n.latest, n.note):
                if note:
                    text += "<br/>" + mermaid_label(note)
            shape = ('[/"', '"/]') if n.is_target else ('["', '"]')
            lines.append(f"  {ids[n.id]}{shape[0]}{text}{shape[1]}")
            cls = n.status.value if n.status else "not_measured"
            if n.basis is not None and n.basis.caveats and n.status is not None:
                cls += "_caveated"
            by_class.setdefault(cls, []).append(ids[n.id])
        for edge in diagram.edges:
            if edge.source in ids and edge.target in ids:
                arrow = "-->" if edge.weight == 1 else f'-->|"{mermaid_label(f"{edge.weight:g}")}"|'
                lines.append(f"  {ids[edge.source]} {arrow} {ids[edge.target]}")
        for cls, style in MERMAID_CLASSES.items():
            lines.append(f"  classDef {cls} {style}")
        for cls, style in MERMAID_CLASSES.items():
            if f"{cls}_caveated" in by_class:
                stroke = style.split("stroke:", 1)[1].split(",", 1)[0]
                lines.append(f"  classDef {cls}_caveated {MERMAID_CAVEATED.format(stroke=stroke)}")
        for cls, members in by_class.items():
            lines.append(f"  class {','.join(members)} {cls}")
        return lines


def _plan_source(r: Report) -> str:
    """The plan's source document: a link when it is a URL, else its citation in italics."""
    if r.source_document:
        return f"<{r.source_document.replace('>', '%3E').replace(' ', '%20')}>"
    return f"*{md_escape(r.source_citation)}*"
