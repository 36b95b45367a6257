"""The ``template`` field: what a plan made from this one (``regionplan new``) keeps.

Any element, actor, metric or target, the ``plan`` meta and the ``region`` may carry it::

    template: drop             # keep (the default), drop or adapt

    template:
      mark: adapt
      hint: Write the region's own vision.        # what the new plan's author decides
      replace:                                    # what the new plan gets instead
        title: {nb: "Visjonen for {region}", en: "The vision for {region}"}

    region:
      template:
        names: [Gardermoen, Romerike, GRIP]       # words that belong to this region only

``replace`` maps a field (``source.credit`` for a field inside one) to its new value; a
null value removes the field. Texts may use ``{region}``, ``{members}`` and ``{count}``.
The field is checked here and otherwise ignored: it does not change what a plan means.
"""

from __future__ import annotations

import difflib
import re

from regionplan.plan import problems as P
from regionplan.plan.nodes import MapNode, Node, ScalarNode, SeqNode
from regionplan.plan.schema.reader import _Reader

__all__ = ["MARKS", "PLACEHOLDERS"]

#: the marks, in the order of the docs
MARKS = ("keep", "drop", "adapt")
#: the words a replacement text may use in braces
PLACEHOLDERS = ("region", "members", "count")
_FIELD_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _read_template(r: _Reader, node: Node | None, what: str, *, names: bool = False) -> None:
    """Check the ``template`` field of ``what`` (a region may also list its own ``names``)."""
    if node is None:
        return
    if isinstance(node, ScalarNode):
        _check_mark(r, node, what)
        return
    optional = ("mark", "hint", "replace", "names") if names else ("mark", "hint", "replace")
    f = r.mapping(node, f"the template field of {what}", optional=optional)
    if f is None:
        return
    if (mark := r.scalar(f.get("mark"), "template mark")) is not None:
        _check_mark(r, mark, what)
    r.text(f.get("hint"), "template hint")
    for item in r.seq(f.get("names"), "template names"):
        r.text(item, "template name")
    replace = f.get("replace")
    if replace is None:
        return
    if not isinstance(replace, MapNode):
        r.problem(P.TYPE, "template replace must be a mapping (field: new value)", replace.location)
        return
    for key, value in replace.items:
        if not _FIELD_PATH.match(key.text):
            r.problem(
                P.BAD_VALUE,
                f"template replace: {key.text!r} is not a field",
                key.location,
                hint="name a field (title) or a field inside one (source.credit)",
            )
        _check_placeholders(r, value)


def _check_mark(r: _Reader, node: ScalarNode, what: str) -> None:
    if node.text not in MARKS:
        close = difflib.get_close_matches(node.text, MARKS, n=1)
        r.problem(
            P.BAD_VALUE,
            f"the template mark of {what} cannot be {node.text!r}",
            node.location,
            hint=f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(MARKS)}",
        )


def _check_placeholders(r: _Reader, node: Node) -> None:
    if isinstance(node, ScalarNode):
        for word in _PLACEHOLDER.findall(node.text):
            if word not in PLACEHOLDERS:
                r.problem(
                    P.BAD_VALUE,
                    f"template replace: {{{word}}} is not a placeholder",
                    node.location,
                    hint=f"use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}",
                )
        return
    children: tuple[Node, ...] = ()
    if isinstance(node, MapNode):
        children = tuple(v for _, v in node.items)
    elif isinstance(node, SeqNode):
        children = node.items
    for child in children:
        _check_placeholders(r, child)
