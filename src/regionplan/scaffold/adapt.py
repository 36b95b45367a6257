"""``ADAPT.md``: what is left for the author of a new plan to decide, each with file:line."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

__all__ = ["Entry", "Notes", "render"]


@attrs.frozen
class Entry:
    """One thing to decide or know: where it is, what it is, what to do."""

    where: str
    what: str
    todo: str = ""

    def line(self, box: bool) -> str:
        head = ("- [ ]" if box else "-") + (f" `{self.where}`" if self.where else "")
        return f"{head} {self.what}" + (f": {self.todo}" if self.todo else "")


@attrs.define
class Notes:
    """The entries of ``ADAPT.md``, by section."""

    rewrite: list[Entry] = attrs.field(factory=list)
    responsible: list[Entry] = attrs.field(factory=list)
    data: list[Entry] = attrs.field(factory=list)
    words: list[Entry] = attrs.field(factory=list)
    dropped: list[Entry] = attrs.field(factory=list)


_SECTIONS = (
    (
        "rewrite",
        "To rewrite",
        "The template marks these as written for its own region. Each keeps its place in the "
        "goal graph; its words are for you to decide. The labels are shown in Norwegian (nb).",
        True,
    ),
    (
        "responsible",
        "Who is responsible",
        "The template named actors that belong to its own region; they were dropped with it.",
        True,
    ),
    (
        "data",
        "Data",
        "Where the metrics whose sources changed now get their figures. The template's own files "
        "hold its own members; they are kept only where they cover all of yours.",
        False,
    ),
    (
        "words",
        "Words of the old region still in the files",
        "Comments, mostly: the plan's texts were rewritten, but comments are kept as written, and some "
        "name the old region or a file of the template that the new plan does not have.",
        True,
    ),
    ("dropped", "Dropped from the template", "Region-specific parts of the template, left out.", False),
)


def render(title: str, intro: Sequence[str], notes: Notes) -> str:
    """The Markdown text of ``ADAPT.md``."""
    out = [f"# {title}", "", *intro, ""]
    for attr, heading, lead, box in _SECTIONS:
        entries: list[Entry] = getattr(notes, attr)
        if not entries:
            continue
        out += [f"## {heading}", "", lead, ""]
        out += [e.line(box) for e in entries]
        out.append("")
    return "\n".join(out)
