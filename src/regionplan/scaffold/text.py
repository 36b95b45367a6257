"""Editing plan files as text, so that what is not changed stays as it was written.

ruamel's round trip keeps comments and layout, but a comment belongs to the item before it,
so deleting an item from the loaded document can take the next section's heading with it.
Items are therefore deleted as lines (:func:`delete_items`), and only then is the rest edited
through ruamel. The words of the old region are rewritten with :class:`Wording`, and what is
left of them is found by :func:`mentions`.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from regionplan.scaffold.members import count_words

__all__ = ["Wording", "block_end", "edit_lines", "item_spans", "key_span", "mentions", "refold"]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _loose(line: str) -> bool:
    """A blank or comment-only line: one that may sit between items."""
    s = line.strip()
    return not s or s.startswith("#")


def block_end(lines: Sequence[str], start: int) -> int:
    """The end (exclusive) of the block that starts at ``start``: its deeper-indented lines."""
    indent = _indent(lines[start])
    end = start + 1
    while end < len(lines) and (_loose(lines[end]) or _indent(lines[end]) > indent):
        end += 1
    while end > start + 1 and _loose(lines[end - 1]):
        end -= 1
    return end


def key_span(lines: Sequence[str], line: int) -> tuple[int, int]:
    """The lines of a mapping key that starts its line, with its value."""
    return line, block_end(lines, line)


def item_spans(lines: Sequence[str], starts: Sequence[int], dropped: Sequence[bool]) -> list[tuple[int, int]]:
    """The lines to delete for the dropped items of one block sequence.

    ``starts`` are the items' first lines. A run of dropped items takes the comment heading
    it with it when the run reaches the next heading or the end of the list: the heading
    named what was dropped. One of two blank lines left side by side goes too.
    """
    ends = [block_end(lines, s) for s in starts]
    out = []
    i = 0
    while i < len(starts):
        if not dropped[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(starts) and dropped[j + 1]:
            j += 1
        first, last = starts[i], ends[j]
        before = range(ends[i - 1] if i else _gap_start(lines, starts[0]), starts[i])
        after = range(ends[j], starts[j + 1]) if j + 1 < len(starts) else range(0)
        heading = [n for n in before if lines[n].strip().startswith("#")]
        if heading and (j + 1 == len(starts) or any(lines[n].strip().startswith("#") for n in after)):
            first = heading[0]
        if first > 0 and not lines[first - 1].strip() and last < len(lines) and not lines[last].strip():
            last += 1
        out.append((first, last))
        i = j + 1
    return out


def _gap_start(lines: Sequence[str], start: int) -> int:
    """The first of the loose lines right above ``start``."""
    n = start
    while n > 0 and _loose(lines[n - 1]):
        n -= 1
    return n


def edit_lines(
    text: str, spans: Iterable[tuple[int, int]], inserts: Iterable[tuple[int, Sequence[str]]]
) -> str:
    """``text`` without the lines of ``spans``, and with each insert's lines put before its line."""
    lines = text.splitlines(keepends=True)
    gone = {n for first, end in spans for n in range(first, end)}
    before: dict[int, list[str]] = {}
    for at, new in inserts:
        before.setdefault(at, []).extend(new)
    out = []
    for n in range(len(lines) + 1):
        out += before.get(n, [])
        if n < len(lines) and n not in gone:
            out.append(lines[n])
    return "".join(out)


def refold(old: Any, new: str) -> Any:
    """``new`` in the scalar style of ``old``; a folded text is folded again near its old width."""
    from ruamel.yaml.scalarstring import FoldedScalarString, ScalarString

    if not isinstance(old, ScalarString) or str(old) == new:
        return new if str(old) != new else old
    out = type(old)(new)
    if isinstance(old, FoldedScalarString):
        width = max(60, *(len(part) for part in _folds(str(old), getattr(old, "fold_pos", []))))
        pos, line = [], 0
        for m in re.finditer(" ", new):
            nxt = new.find(" ", m.start() + 1)
            if (nxt if nxt != -1 else len(new)) - line > width:
                pos.append(m.start())
                line = m.start() + 1
        out.fold_pos = pos
    return out


def _folds(text: str, positions: Sequence[int]) -> list[str]:
    cuts = [-1, *positions, len(text)]
    return [text[a + 1 : b] for a, b in itertools.pairwise(cuts)] or [text]


@attrs.frozen
class Wording:
    """The old region's words and what a new plan says instead.

    Attributes:
        old_names: the old region's names (``Gardermoregionen``), replaced by ``new_name``.
        new_name: the new region's name.
        old_count: how many members the old region had ("six municipalities" names it).
        new_count: how many the new one has.
    """

    old_names: tuple[str, ...]
    new_name: str
    old_count: int
    new_count: int

    def rewrite(self, text: str, lang: str | None = None) -> str:
        """``text`` with the new region's name and member count (in ``lang``; both when None)."""
        for old in sorted(self.old_names, key=len, reverse=True):
            if not old or old == self.new_name:
                continue
            text = re.sub(rf"\b{re.escape(old)}s\b", _genitive(self.new_name), text)
            text = re.sub(rf"\b{re.escape(old)}\b", self.new_name, text)
        if self.old_count != self.new_count:
            for language in (lang,) if lang else ("nb", "en"):
                text = self._count(text, language)
        return text

    def _count(self, text: str, lang: str) -> str:
        word = count_words(self.old_count, lang)
        old = f"(?P<n>[{word[0]}{word[0].upper()}]{word[1:]}|{self.old_count})"
        if lang == "nb":
            rules = [
                (
                    rf"\b(?P<the>[Dd]e) {old} (?P<kind>(?:medlems)?kommune)ne\b",
                    ("{kind}n", "{the} {n} {kind}ne"),
                ),
                (rf"\b{old} (?P<kind>(?:medlems)?kommune)r\b", ("{n} {kind}", "{n} {kind}r")),
            ]
        else:
            rules = [
                (
                    rf"\b(?P<the>[Tt]he) {old} (?P<kind>(?:member )?municipalit)ies\b",
                    ("{the} {kind}y", "{the} {n} {kind}ies"),
                ),
                (rf"\b{old} (?P<kind>(?:member )?municipalit)ies\b", ("{n} {kind}y", "{n} {kind}ies")),
            ]
        new = count_words(self.new_count, lang)

        def put(m: re.Match[str], form: str) -> str:
            n = new.capitalize() if m["n"][0].isupper() else new
            the = m.groupdict().get("the") or ""
            out = form.format(n=n, kind=m["kind"], the=the)
            return out[0].upper() + out[1:] if the[:1].isupper() or m["n"][0].isupper() else out

        for pattern, (single, plural) in rules:
            form = single if self.new_count == 1 else plural
            text = re.sub(pattern, functools.partial(put, form=form), text)
        return text


def _genitive(name: str) -> str:
    return name + ("'" if name[-1:] in "sxzSXZ" else "s")


def mentions(text: str, words: Iterable[str]) -> list[tuple[int, list[str]]]:
    """The lines of ``text`` (counted from 1) that name any of ``words``, with the words named."""
    found: list[tuple[int, list[str]]] = []
    patterns = [(w, re.compile(rf"(?<![\w-]){re.escape(w)}(?![\w-])", re.IGNORECASE)) for w in words if w]
    for n, line in enumerate(text.splitlines(), start=1):
        named = [w for w, p in patterns if p.search(line)]
        if named:
            found.append((n, named))
    return found
