"""Bringing a workbook's changes into the plan files, with their comments and layout kept.

Each changed element or target is found in the file it was read from (its location), and
only its changed fields are replaced, through ruamel's round trip and
:mod:`regionplan.scaffold.comments`, so the comment or blank line after a value stays where
it was. A value keeps its quoting (``baseline: "2019"``).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

import attrs

from regionplan.errors import RegionplanError
from regionplan.plan.model import Plan, Role
from regionplan.scaffold import comments
from regionplan.scaffold.files import Layout, is_flow
from regionplan.scaffold.text import refold
from regionplan.scaffold.workbook.reading import Changes, Edit, Grant

__all__ = ["FileChange", "plan_edits"]


@attrs.frozen
class FileChange:
    """A plan file's new text, and what changed in it."""

    path: Path
    old: str
    new: str
    changes: tuple[str, ...]


def plan_edits(plan: Plan, changes: Changes) -> list[FileChange]:
    """The plan files with ``changes`` made, in the order of ``plan.files`` (none written).

    Raises:
        RegionplanError: an element or target is not where the plan was read from.
    """
    base = Path(plan.base_dir)
    files: dict[str, list[tuple[str, str, Any]]] = {}
    for edit in changes.edits:
        item = plan.element(edit.id) if edit.section == "elements" else _target(plan, edit.id)
        files.setdefault(_file_of(item), []).append((edit.section, edit.id, edit))
    for grant in changes.grants:
        files.setdefault(_file_of(plan.element(grant.element)), []).append(("elements", grant.element, grant))
    out = []
    for name in sorted(files, key=lambda f: plan.files.index(f) if f in plan.files else len(plan.files)):
        path = base / name
        old = path.read_bytes().decode("utf-8")
        bom, crlf = old.startswith("\ufeff"), "\r\n" in old
        layout = Layout(name, old.removeprefix("\ufeff").replace("\r\n", "\n"))
        doc = layout.doc
        described = []
        # removals from the end of a list first, so the positions of the others hold
        todo = sorted(files[name], key=lambda x: -_position(doc, x[0], x[1], x[2]))
        for section, key, change in todo:
            node = _find(doc, section, key, name)
            if isinstance(change, Edit):
                _edit(node, change, plan)
            else:
                _grant(node, change)
            described.append(change.describe())
        text = layout.dump(doc)
        text = ("\ufeff" if bom else "") + (text.replace("\n", "\r\n") if crlf else text)
        out.append(FileChange(path, old, text, tuple(described)))
    return out


def _target(plan: Plan, key: str) -> Any:
    return next(t for t in plan.targets if t.id == key)


def _file_of(item: Any) -> str:
    if item.location is None:
        raise RegionplanError(f"{item.id}: the plan does not say which file it was read from")
    return str(item.location.file)


def _find(doc: Any, section: str, key: str, name: str) -> Any:
    for node in (doc.get(section) or ()) if isinstance(doc, Mapping) else ():
        if isinstance(node, Mapping) and str(node.get("id")) == key:
            return node
    raise RegionplanError(
        f"{name}: no {section[:-1]} {key!r} under {section!r}; it cannot be changed from here"
    )


def _position(doc: Any, section: str, key: str, change: Any) -> int:
    """For a removal, the position of the responsibility in its list (else -1): the later first."""
    if not isinstance(change, Grant) or change.change != "remove":
        return -1
    try:
        return _index(_find(doc, section, key, "").get("responsible") or [], change.actor)
    except RegionplanError:
        return -1


def _index(listed: Any, actor: str) -> int:
    for i, entry in enumerate(listed):
        if (entry.get("actor") if isinstance(entry, Mapping) else entry) == actor:
            return i
    return -1


def _append(parent: Any, key: Any, value: Any) -> None:
    """Add ``key`` after the last entry of a mapping (or an item to a list), with what
    followed the last entry (a blank line, the next heading) after the new one."""
    last = list(parent)[-1] if isinstance(parent, Mapping) else len(parent) - 1
    text = comments._take(parent, last) if len(parent) else ""
    if isinstance(parent, MutableMapping):
        parent[key] = value
    else:
        parent.append(value)
        key = len(parent) - 1
    comments._give(parent, key, text)


def _set(node: Any, key: str, value: Any) -> None:
    """``node[key] = value`` in the old value's style; added at the end; removed when None."""
    if value is None:
        if key in node:
            comments.delete(node, key)
        return
    if key not in node:
        _append(node, key, _quoted(value) if isinstance(value, str) else value)
        return
    old = node[key]
    if isinstance(value, str):
        value = refold(old, value) if isinstance(old, str) else _quoted(value)
    comments.put(node, key, value)


def _quoted(text: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(text)


def _edit(node: Any, edit: Edit, plan: Plan) -> None:
    if edit.field != "title":
        _set(node, edit.field, edit.new)
        return
    title = node.get("title")
    if isinstance(title, Mapping):
        if edit.lang in title:
            comments.put(title, edit.lang, refold(title[edit.lang], edit.new))
        else:
            _append(title, edit.lang, edit.new)
        return
    first = plan.meta.languages[0] if plan.meta.languages else "nb"
    if title is None or (isinstance(title, str) and edit.lang == first):
        _set(node, "title", edit.new)
        return
    from ruamel.yaml.comments import CommentedMap

    comments.put(node, "title", CommentedMap([(first, title), (edit.lang, edit.new)]))


def _grant(node: Any, grant: Grant) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    listed = node.get("responsible")
    if grant.change == "remove":
        at = _index(listed or [], grant.actor)
        if at >= 0:
            comments.delete(listed, at)
            if not listed:
                comments.delete(node, "responsible")
        return
    simple = grant.role == Role.OWNER.value
    if grant.change == "role":
        at = _index(listed, grant.actor)
        entry = listed[at]
        if isinstance(entry, Mapping):
            _set(entry, "role", grant.role)
        elif not simple:
            comments.put(listed, at, _entry(grant, flow=True))
        return
    if listed is None:
        new = CommentedSeq([grant.actor] if simple else [_entry(grant, flow=True)])
        new.fa.set_flow_style()
        _append(node, "responsible", new)
        return
    mapped = any(isinstance(e, Mapping) for e in listed)
    value: Any = grant.actor if simple and not mapped else _entry(grant, flow=is_flow(listed))
    _append(listed, len(listed), value)
    if isinstance(value, CommentedMap) and not is_flow(listed):
        value.fa.set_block_style()


def _entry(grant: Grant, *, flow: bool) -> Any:
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap([("actor", grant.actor), ("role", grant.role)])
    if flow:
        entry.fa.set_flow_style()
    return entry
