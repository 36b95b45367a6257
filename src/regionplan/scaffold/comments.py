"""Replacing and deleting values without losing the comment that follows them.

ruamel keeps the lines after a value (a blank line, the next section's heading) with the
value: on its deepest last entry, or at the end of a block list. Replace or delete the value
and they go with it. :func:`put` and :func:`delete` take them first and give them to what
now ends there. They are carried as text: what follows the value's last character.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from regionplan.scaffold.files import is_flow

__all__ = ["delete", "put"]


def _block(node: Any) -> bool:
    return isinstance(node, Mapping | list) and bool(node) and not is_flow(node)


def _chain(node: Any) -> list[Any]:
    """The block collections that end where ``node`` ends, outermost first."""
    out = []
    while _block(node):
        out.append(node)
        node = node[list(node)[-1] if isinstance(node, Mapping) else len(node) - 1]
    return out


def _slot(parent: Any, key: Any) -> tuple[Any, Any, int]:
    """Where the comment after ``parent[key]`` is kept: a container, a key in it, a position."""
    chain = _chain(parent[key])
    container, last = (parent, key)
    if chain:
        container = chain[-1]
        last = list(container)[-1] if isinstance(container, Mapping) else len(container) - 1
    return container, last, 2 if isinstance(container, Mapping) else 0


def _ends_block(parent: Any, key: Any) -> bool:
    """Whether ``parent[key]`` ends in a block scalar (``>-``, ``|``), which ends its own line."""
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    container, last, _ = _slot(parent, key)
    return isinstance(container[last], FoldedScalarString | LiteralScalarString)


def _take(parent: Any, key: Any) -> str:
    """Take the text that follows ``parent[key]``; ``""`` when nothing does."""
    container, last, pos = _slot(parent, key)
    out = ""
    entry = container.ca.items.get(last) if hasattr(container, "ca") else None
    if entry and entry[pos] is not None:
        out = ("\n" if _ends_block(parent, key) else "") + entry[pos].value
        entry[pos] = None
    ends = [t for node in _chain(parent[key]) for t in (node.ca.end or ())]
    for node in _chain(parent[key]):
        node.ca.end = []
    if ends:
        text = "".join(" " * (t.column or 0) + t.value if t.value.startswith("#") else t.value for t in ends)
        out = (out or "\n") + text
    return out


def _give(parent: Any, key: Any, text: str) -> None:
    """Put ``text`` after ``parent[key]``, joined to what follows it already."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    if not text:
        return
    before = _take(parent, key)
    text = before + (text[1:] if before.endswith("\n") and text.startswith("\n") else text)
    if _ends_block(parent, key):
        text = text[1:] if text.startswith("\n") else text
    container, last, pos = _slot(parent, key)
    if hasattr(container, "ca"):
        container.ca.items.setdefault(last, [None, None, None, None])[pos] = CommentToken(
            text, CommentMark(0), None
        )


def put(parent: Any, key: Any, value: Any) -> None:
    """``parent[key] = value``, with what followed the old value after the new."""
    there = key in parent if isinstance(parent, Mapping) else 0 <= key < len(parent)
    text = _take(parent, key) if there else ""
    parent[key] = value
    _give(parent, key, text)


def delete(parent: Any, key: Any) -> None:
    """``del parent[key]``, with what followed it after what came before it, if it was last."""
    keys = list(parent) if isinstance(parent, Mapping) else list(range(len(parent)))
    at = keys.index(key)
    text = _take(parent, key)
    del parent[key]
    if text and at == len(keys) - 1 and at > 0:
        _give(parent, keys[at - 1], text)
