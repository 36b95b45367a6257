"""The template marks of a plan's files, and what a new plan keeps of the template.

Every element, actor, metric and target, the ``plan`` meta and the ``region`` may carry a
``template`` field (:mod:`regionplan.plan.schema.template`): ``keep`` (the default), ``drop``
or ``adapt``. :func:`select` reads the marks from the loaded files and decides what a plan
made from them drops: what is marked so, and what only made sense with it (an element that
contributed only to dropped ones, a metric left without a source or derived from a dropped
one, a target of a dropped element or metric).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

__all__ = ["Item", "Mark", "Selection", "items", "label_text", "select"]

#: the sections whose items carry an id
SECTIONS = ("actors", "elements", "metrics", "targets")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@attrs.frozen
class Mark:
    """An item's ``template`` field: keep, drop or adapt, what to decide, what to replace."""

    mark: str = "keep"
    hint: str = ""
    replace: Mapping[str, Any] = attrs.field(factory=dict)
    names: tuple[str, ...] = ()

    @classmethod
    def of(cls, value: Any) -> Mark:
        """The mark a ``template`` value gives (a word, or a mapping)."""
        if isinstance(value, str):
            return cls(value)
        if not isinstance(value, Mapping):
            return cls()
        return cls(
            str(value.get("mark") or "keep"),
            str(value.get("hint") or ""),
            dict(value.get("replace") or {}),
            tuple(str(n) for n in value.get("names") or ()),
        )


@attrs.frozen(eq=False)
class Item:
    """One marked thing of a plan file: an element, actor, metric or target, the plan or region."""

    file: str
    section: str
    id: str
    node: Any
    mark: Mark

    @property
    def key(self) -> tuple[str, str]:
        return (self.section, self.id)


def items(docs: Mapping[str, Any]) -> Iterator[Item]:
    """Every item of the loaded plan files (``{file: document}``), with its mark."""
    for file, doc in docs.items():
        if not isinstance(doc, Mapping):
            continue
        for section in ("plan", "region"):
            if isinstance(node := doc.get(section), Mapping):
                yield Item(file, section, str(node.get("id", "")), node, Mark.of(node.get("template")))
        for section in SECTIONS:
            for node in doc.get(section) or ():
                if isinstance(node, Mapping) and "id" in node:
                    yield Item(file, section, str(node["id"]), node, Mark.of(node.get("template")))


def label_text(value: Any, lang: str = "nb") -> str:
    """The text of a label in ``lang`` (else its first language), on one line."""
    if isinstance(value, Mapping):
        value = value.get(lang) or next(iter(value.values()), "")
    return " ".join(str(value or "").split())


@attrs.define
class Selection:
    """What a new plan drops, and why; and which actors are made anew for the new region.

    Attributes:
        dropped: ``(section, id)`` -> why, in words for ``ADAPT.md``.
        remade: the actors replaced by new ones (municipalities, counties): id -> its kind.
    """

    dropped: dict[tuple[str, str], str] = attrs.field(factory=dict)
    remade: dict[str, str] = attrs.field(factory=dict)

    def __contains__(self, key: object) -> bool:
        return key in self.dropped


def _ids(value: Any, key: str) -> list[str]:
    """The ids in a reference list: ``[a, {id: b}]`` (key ``id``) or ``[a, {actor: b}]``."""
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    return [str(v.get(key) if isinstance(v, Mapping) else v) for v in value]


def select(all_items: list[Item], sourceless: Mapping[str, str]) -> Selection:
    """Decide what a new plan drops; ``sourceless`` names metrics left without a source, and why."""
    sel = Selection()
    for it in all_items:
        if it.mark.mark == "drop" and it.section in SECTIONS:
            sel.dropped[it.key] = "marked drop in the template"
        elif it.section == "actors" and (it.node.get("municipality") or it.node.get("kind") == "county"):
            sel.remade[it.id] = "county" if it.node.get("kind") == "county" else "municipality"
    for metric, why in sourceless.items():
        sel.dropped.setdefault(("metrics", metric), why)
    changed = True
    while changed:
        changed = False
        for it in all_items:
            if it.key in sel.dropped:
                continue
            why = _follows(it, sel)
            if why:
                sel.dropped[it.key] = why
                changed = True
    return sel


def _follows(it: Item, sel: Selection) -> str:
    """Why ``it`` goes with something dropped, or ``""``."""
    node = it.node
    if it.section == "elements":
        parents = _ids(node.get("contributes_to"), "id")
        if parents and all(("elements", p) in sel for p in parents):
            return f"it contributed only to dropped elements ({', '.join(parents)})"
    elif it.section == "metrics" and isinstance(node.get("derived"), str):
        used = [w for w in _WORD.findall(node["derived"]) if ("metrics", w) in sel]
        if used:
            return f"it is derived from the dropped metric {used[0]}"
    elif it.section == "targets":
        for key, section in (("element", "elements"), ("metric", "metrics"), ("other", "metrics")):
            ref = node.get(key)
            if ref is not None and (section, str(ref)) in sel:
                return f"its {key} {ref} was dropped"
    return ""
