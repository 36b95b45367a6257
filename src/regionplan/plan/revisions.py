"""Two revisions of a plan compared by meaning: what was added, removed, re-parented or changed.

A region revises its plan every year; :func:`diff` tells what the new revision changed. Both
plans are model objects (:class:`~regionplan.plan.model.Plan`), so what only concerns how the
files are written is no change: which file holds an element, the order of keys or of items,
quoting, comments, line breaks inside a text. Things are matched by id:

* elements, actors, metrics, targets and member municipalities are ``added``, ``removed`` or
  ``changed`` (one :class:`Change` per field that differs, one per language for a text);
* an element whose ``contributes_to`` parents changed, and a target now set for another
  element, are ``moved``;
* an actor's part in an element (its :class:`~regionplan.plan.model.Responsibility`) is added,
  removed or changes role, for the elements in both revisions;
* the plan's own metadata and its region change field by field.

Values in a change are plain JSON values (texts, numbers, lists, mappings; a text in several
languages is one string per language), so a change can be written out as it is.
"""

from __future__ import annotations

import ast
import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar, cast

import attrs

from regionplan.plan.expressions import ExpressionError, parse
from regionplan.plan.model import Actor, Element, Label, Metric, Municipality, Plan, Target

__all__ = ["Change", "ChangeKind", "PlanDiff", "Subject", "diff"]

#: A plain JSON value: None, a bool, a number, a text, or a list or mapping of them.
Plain = Any


class ChangeKind(enum.Enum):
    """What happened to a thing between two revisions."""

    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"
    CHANGED = "changed"


class Subject(enum.Enum):
    """What a change is about, in the order the changes are listed."""

    PLAN = "plan"
    REGION = "region"
    MUNICIPALITY = "municipality"
    ACTOR = "actor"
    ELEMENT = "element"
    RESPONSIBILITY = "responsibility"
    METRIC = "metric"
    TARGET = "target"


@attrs.frozen
class Change:
    """One difference between two revisions.

    ``id`` names the thing (for a responsibility ``element/actor``); ``field`` the field that
    changed (``title.en`` for one language of a text, ``weight.<parent>`` for the weight of one
    contribution), ``None`` for a thing added or removed. ``old`` and ``new`` are plain values:
    the whole thing (as a mapping) when it was added or removed, else the field's two values.
    """

    kind: ChangeKind
    subject: Subject
    id: str
    field: str | None = None
    old: Plain = None
    new: Plain = None

    def as_dict(self) -> dict[str, Plain]:
        return {
            "kind": self.kind.value,
            "subject": self.subject.value,
            "id": self.id,
            "field": self.field,
            "old": self.old,
            "new": self.new,
        }


@attrs.frozen
class PlanDiff:
    """Every change from ``old`` to ``new`` (plan ids and versions kept to name them)."""

    old_plan: str
    old_version: str
    new_plan: str
    new_version: str
    changes: tuple[Change, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def of(self, subject: Subject) -> tuple[Change, ...]:
        """The changes about one subject."""
        return tuple(c for c in self.changes if c.subject is subject)

    def counts(self) -> dict[str, int]:
        """How many changes of each kind (every kind present, zero or not)."""
        return {k.value: sum(c.kind is k for c in self.changes) for k in ChangeKind}


def diff(old: Plan, new: Plan) -> PlanDiff:
    """What changed from the plan ``old`` to the plan ``new``, by meaning (see the module)."""
    changes: list[Change] = []
    changes += _fields(Subject.PLAN, new.meta.id, old.meta, new.meta)
    changes += _fields(Subject.REGION, new.region.id, old.region, new.region, skip={"municipalities"})
    changes += _things(Subject.MUNICIPALITY, old.region.municipalities, new.region.municipalities)
    changes += _things(Subject.ACTOR, old.actors, new.actors)
    changes += _things(Subject.ELEMENT, old.elements, new.elements)
    changes += _things(Subject.METRIC, old.metrics, new.metrics)
    changes += _things(Subject.TARGET, old.targets, new.targets)
    order = {s: i for i, s in enumerate(Subject)}
    changes.sort(key=lambda c: order[c.subject])  # stable: each subject keeps its own order
    return PlanDiff(old.meta.id, old.meta.version, new.meta.id, new.meta.version, tuple(changes))


_Thing = TypeVar("_Thing", Municipality, Actor, Element, Metric, Target)

#: fields that only record where a thing was written
_WHERE = frozenset({"location", "key_locations"})
#: lists whose order means nothing
_UNORDERED = frozenset({"sdg", "aligned_with", "allow_paths"})


def _things(subject: Subject, old: Iterable[_Thing], new: Iterable[_Thing]) -> Iterator[Change]:
    before = {t.id: t for t in old}
    after = {t.id: t for t in new}
    for id, thing in before.items():
        if id not in after:
            yield Change(ChangeKind.REMOVED, subject, id, old=plain(thing))
    for id, thing in after.items():
        if id not in before:
            yield Change(ChangeKind.ADDED, subject, id, new=plain(thing))
    for id, thing in after.items():
        if id in before:
            yield from _compare(subject, before[id], thing)


def _compare(subject: Subject, old: Any, new: Any) -> Iterator[Change]:
    if isinstance(old, Element) and isinstance(new, Element):
        yield from _element(old, new)
    elif isinstance(old, Target) and isinstance(new, Target):
        if old.element != new.element:
            yield Change(ChangeKind.MOVED, subject, new.id, "element", old.element, new.element)
        yield from _fields(subject, new.id, old, new, skip={"element"})
    elif isinstance(old, Metric) and isinstance(new, Metric):
        if _expression(old.derived) != _expression(new.derived):
            yield Change(ChangeKind.CHANGED, subject, new.id, "derived", old.derived, new.derived)
        yield from _sources(old, new)
        yield from _fields(subject, new.id, old, new, skip={"derived", "sources"})
    else:
        yield from _fields(subject, new.id, old, new)


def _element(old: Element, new: Element) -> Iterator[Change]:
    was = {c.parent: c.weight for c in old.contributes_to}
    now = {c.parent: c.weight for c in new.contributes_to}
    if set(was) != set(now):
        yield Change(ChangeKind.MOVED, Subject.ELEMENT, new.id, "contributes_to", list(was), list(now))
    for parent, weight in now.items():
        if parent in was and was[parent] != weight:
            yield Change(ChangeKind.CHANGED, Subject.ELEMENT, new.id, f"weight.{parent}", was[parent], weight)
    yield from _fields(Subject.ELEMENT, new.id, old, new, skip={"contributes_to", "responsible"})
    roles = {r.actor: r.role.value for r in old.responsible}
    now_roles = {r.actor: r.role.value for r in new.responsible}
    for actor, role in roles.items():
        if actor not in now_roles:
            yield Change(ChangeKind.REMOVED, Subject.RESPONSIBILITY, f"{new.id}/{actor}", old=role)
    for actor, role in now_roles.items():
        if actor not in roles:
            yield Change(ChangeKind.ADDED, Subject.RESPONSIBILITY, f"{new.id}/{actor}", new=role)
        elif roles[actor] != role:
            yield Change(
                ChangeKind.CHANGED, Subject.RESPONSIBILITY, f"{new.id}/{actor}", "role", roles[actor], role
            )


def _sources(old: Metric, new: Metric) -> Iterator[Change]:
    """Other sources, or in the same sources one change per query key that differs."""
    was, now = plain(old.sources), plain(new.sources)
    names = [s["name"] for s in now]
    if [s["name"] for s in was] != names:
        yield Change(ChangeKind.CHANGED, Subject.METRIC, new.id, "sources", was, now)
        return
    unique = len(set(names)) == len(names)
    for i, (a, b) in enumerate(zip(was, now, strict=True)):
        where = f"sources.{b['name'] if unique else i + 1}"
        for key in sorted(set(a["query"]) | set(b["query"])):
            if a["query"].get(key) != b["query"].get(key):
                yield Change(
                    ChangeKind.CHANGED,
                    Subject.METRIC,
                    new.id,
                    f"{where}.{key}",
                    a["query"].get(key),
                    b["query"].get(key),
                )


def _fields(subject: Subject, id: str, old: Any, new: Any, skip: Iterable[str] = ()) -> Iterator[Change]:
    """One change per field of two attrs objects of one class that differs in meaning."""
    ignored = _WHERE | set(skip)
    for f in attrs.fields(type(new)):
        if f.name in ignored:
            continue
        a, b = getattr(old, f.name), getattr(new, f.name)
        if isinstance(a, Label) and isinstance(b, Label):
            yield from _label(subject, id, f.name, a, b)
            continue
        pa, pb = plain(a), plain(b)
        if f.name in _UNORDERED:
            pa, pb = sorted(pa), sorted(pb)
        if pa != pb:
            yield Change(ChangeKind.CHANGED, subject, id, f.name, pa, pb)


def _label(subject: Subject, id: str, name: str, old: Label, new: Label) -> Iterator[Change]:
    """One change per language whose text differs in more than its spacing and line breaks."""
    was, now = _texts(old), _texts(new)
    for lang in sorted(set(was) | set(now)):
        if was.get(lang) != now.get(lang):
            yield Change(ChangeKind.CHANGED, subject, id, f"{name}.{lang}", was.get(lang), now.get(lang))


def _texts(label: Label) -> dict[str, str]:
    return {lang: " ".join(text.split()) for lang, text in label.texts if text.strip()}


def _expression(text: str | None) -> str | None:
    """A derived metric's expression as its syntax tree, so spacing and brackets do not count."""
    if text is None:
        return None
    try:
        return ast.dump(parse(text).tree)
    except ExpressionError:  # not in a checked plan; compared as written
        return text.strip()


def plain(value: object) -> Plain:
    """A model value as a plain JSON value (where it was written left out)."""
    if isinstance(value, Label):
        return _texts(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if attrs.has(type(value)):
        cls = cast("type[attrs.AttrsInstance]", type(value))
        return {f.name: plain(getattr(value, f.name)) for f in attrs.fields(cls) if f.name not in _WHERE}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
