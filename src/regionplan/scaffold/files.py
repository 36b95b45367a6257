"""Loading and writing plan files with their comments and layout (ruamel's round trip)."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["Layout", "dump", "entry_lines", "is_flow", "item_line", "line_of", "load"]

#: indentation of mappings, of sequences and of a sequence's dash, as plan files are written
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (2, 4, 0), (4, 4, 0))


class Layout:
    """How one file is indented: the first layout whose round trip gives the file back unchanged."""

    def __init__(self, name: str, text: str) -> None:
        self.json = name.endswith(".json")
        #: the file as loaded (loading does not depend on the layout)
        self.doc = _yaml(_LAYOUTS[0]).load(text)
        same = () if self.json else (layout for layout in _LAYOUTS if _dump(self.doc, layout) == text)
        self.indent = next(iter(same), _LAYOUTS[0])

    def load(self, text: str) -> Any:
        return _yaml(self.indent).load(text)

    def dump(self, doc: Any) -> str:
        if self.json:
            return json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
        return _dump(doc, self.indent)


def _yaml(layout: tuple[int, int, int]) -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never fold a line the template did not fold
    y.indent(mapping=layout[0], sequence=layout[1], offset=layout[2])
    return y


def _dump(doc: Any, layout: tuple[int, int, int]) -> str:
    buf = io.StringIO()
    _yaml(layout).dump(doc, buf)
    return buf.getvalue()


def load(name: str, text: str) -> tuple[Layout, Any]:
    """The layout of a file and the file as loaded."""
    layout = Layout(name, text)
    return layout, layout.doc


def dump(layout: Layout, doc: Any) -> str:
    return layout.dump(doc)


def is_flow(node: Any) -> bool:
    """Whether a loaded mapping or list is written in flow style (``{a: 1}``, ``[a, b]``)."""
    fa = getattr(node, "fa", None)
    return bool(fa is not None and fa.flow_style())


def line_of(parent: Any, key: Any) -> int | None:
    """The line (from 0) where ``parent[key]`` starts, as loaded; None if not known."""
    lc = getattr(parent, "lc", None)
    if lc is None:
        return None
    try:
        return int(lc.key(key)[0] if isinstance(parent, Mapping) else lc.item(key)[0])
    except (KeyError, IndexError, TypeError):
        return None


def entry_lines(entry: Mapping[str, Any], dash: int) -> list[str]:
    """A new list item written as block lines whose dash is at column ``dash``."""
    from ruamel.yaml.comments import CommentedMap

    text = _dump([CommentedMap(entry)], (2, 2, 0))
    return [" " * dash + line if line.strip() else line for line in text.splitlines(keepends=True)]


def item_line(doc: Any, key: tuple[str, str]) -> int | None:
    """The line (from 0) where the item ``key`` starts in a loaded document."""
    section, nid = key
    if not isinstance(doc, Mapping) or section not in doc:
        return None
    node = doc[section]
    if section in ("plan", "region"):
        return line_of(doc, section)
    for i, item in enumerate(node or ()):
        if isinstance(item, Mapping) and str(item.get("id")) == nid:
            return line_of(node, i)
    return None
