"""Pass 2 of ``regionplan new``: what goes, as lines of the template's text.

Dropped items (with a heading that named only them), ``template`` fields, and sources taken
out are deleted as lines; sources added are written after the last one kept. What cannot be
done as lines (a list or mapping written in flow style) is left for pass 3, through ruamel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from regionplan.scaffold.files import entry_lines, is_flow, line_of
from regionplan.scaffold.marks import SECTIONS
from regionplan.scaffold.sources import SourceChange
from regionplan.scaffold.text import block_end, item_spans, key_span

__all__ = ["Edits", "line_edits"]

Edits = tuple[list[tuple[int, int]], list[tuple[int, list[str]]]]


def line_edits(
    doc: Any, lines: list[str], gone: Callable[[str, Any], bool], sources: dict[str, SourceChange]
) -> Edits:
    """The lines to delete (``[first, end)``) and to insert (before a line) in one file.

    ``gone(section, item)`` says whether an item goes; ``sources`` holds the source changes
    of each metric, and loses those made here.
    """
    if not isinstance(doc, Mapping):
        return [], []
    spans: list[tuple[int, int]] = []
    for section in SECTIONS:
        seq = doc.get(section)
        if not isinstance(seq, list) or not seq or is_flow(seq):
            continue
        starts = [line_of(seq, i) for i in range(len(seq))]
        going = [gone(section, n) for n in seq]
        if all(going) or None in starts:
            continue  # pass 3 empties it
        spans += item_spans(lines, [s or 0 for s in starts], going)
        spans += [_template(n, lines, s) for n, s, g in zip(seq, starts, going, strict=True) if not g]
    spans += [_template(doc.get(s), lines, line_of(doc, s)) for s in ("plan", "region") if s in doc]
    more, inserts = _sources(doc, lines, gone, sources)
    return [s for s in spans + more if s[0] < s[1]], inserts


def _template(node: Any, lines: list[str], start: int | None) -> tuple[int, int]:
    """The lines of an item's ``template`` field; ``(0, 0)`` when pass 3 must remove it."""
    if not isinstance(node, Mapping) or "template" not in node or is_flow(node):
        return (0, 0)
    line = line_of(node, "template")
    if line is None or line == start:
        return (0, 0)
    return key_span(lines, line)


def _sources(
    doc: Any, lines: list[str], gone: Callable[[str, Any], bool], sources: dict[str, SourceChange]
) -> Edits:
    spans: list[tuple[int, int]] = []
    inserts: list[tuple[int, list[str]]] = []
    for metric in doc.get("metrics") or ():
        mid = str(metric.get("id")) if isinstance(metric, Mapping) else ""
        change = sources.get(mid)
        listed = metric.get("source") if change and not gone("metrics", metric) else None
        starts = [line_of(listed, i) for i in range(len(listed))] if isinstance(listed, list) else []
        if change is None or change.done or not starts or None in starts or is_flow(listed):
            continue
        at = [s or 0 for s in starts]
        spans += item_spans(lines, at, [i in change.removed for i in range(len(at))])
        dash = len(lines[at[0]]) - len(lines[at[0]].lstrip(" "))
        inserts += [(block_end(lines, at[-1]), entry_lines(e, dash)) for e in change.added]
        change.done = True
    return spans, inserts
