"""Plan-file text as a tree of nodes: each value's text and where it stands.

Reading never executes code: a file is *composed* (libyaml parses it into nodes) and
never *constructed*, so no YAML tag can build an object, and no value is typed by YAML.
``0235``, ``NO`` and ``on`` stay the text they are; the plan-file schema
(:mod:`regionplan.plan.schema`) decides what each field means. JSON files are YAML too.
A loader plugin for another format returns the same node types.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from regionplan.errors import Location, Problem
from regionplan.markers import hookimpl
from regionplan.plan import problems as P

__all__ = ["MapNode", "Node", "ScalarNode", "SeqNode", "SyntaxProblem", "load_yaml"]

MAX_ALIAS_NODES = 100_000  # values aliases may add beyond the file's own (guards against alias bombs)
_SHARED_TEXT_MAX = 64  # texts up to this long are shared within a file; longer ones seldom repeat


class _Placed:
    """A node's place, kept as plain numbers until a :class:`Location` is asked for."""

    __slots__ = ("_column", "_file", "_line")

    _file: str
    _line: int | None
    _column: int | None

    def _place(self, location: Location) -> None:
        self._file, self._line, self._column = location

    @property
    def location(self) -> Location:
        return Location(self._file, self._line, self._column)


class ScalarNode(_Placed):
    """A scalar as written: its text, whether it was quoted, and where it stands."""

    __slots__ = ("quoted", "tag", "text")

    def __init__(self, text: str, location: Location, quoted: bool = False, tag: str = "") -> None:
        self.text = text
        self._place(location)
        self.quoted = quoted
        self.tag = tag

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.text in {"", "~", "null", "Null", "NULL"}

    def __repr__(self) -> str:
        return f"ScalarNode({self.text!r}, {self.location})"


class SeqNode(_Placed):
    """A list of nodes."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Node, ...], location: Location) -> None:
        self.items = items
        self._place(location)

    def __repr__(self) -> str:
        return f"SeqNode({len(self.items)} items, {self.location})"


class MapNode(_Placed):
    """A mapping: (key, value) pairs in the order written."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[tuple[ScalarNode, Node], ...], location: Location) -> None:
        self.items = items
        self._place(location)

    def keys(self) -> list[str]:
        return [k.text for k, _ in self.items]

    def __repr__(self) -> str:
        return f"MapNode({self.keys()}, {self.location})"


def _at(cls: Any, first: Any, file: str, mark: Any, *rest: Any) -> Any:
    """Make a node without building a Location (the hot path of reading a file)."""
    node = cls.__new__(cls)
    if cls is ScalarNode:
        node.text, node.quoted, node.tag = first, rest[0], rest[1]
    else:
        node.items = first
    node._file, node._line, node._column = file, mark.line + 1, mark.column + 1
    return node


Node = ScalarNode | SeqNode | MapNode


class SyntaxProblem(Exception):
    """A loader could not read a file; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge", "value")
)
_QUOTED_STYLES = frozenset({"'", '"', "|", ">"})
_DEFAULT_TAGS = {
    "scalar": "tag:yaml.org,2002:str",
    "sequence": "tag:yaml.org,2002:seq",
    "mapping": "tag:yaml.org,2002:map",
}


@functools.cache
def _loader() -> Any:
    """PyYAML's safe loader class, with libyaml (C) when PyYAML was built with it.

    Only the composer is used: the tree of nodes with their text and positions. The
    resolver's implicit types (YAML 1.1 booleans such as ``NO``, octal-looking numbers
    such as ``0235``) are never applied: every value is read as the text it is, and the
    plan-file schema says what each field means. That is stricter than any YAML version's
    own typing, and libyaml composes a 10,000-element plan about eight times faster than a
    pure-Python parser.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class PlainTextLoader(base):  # type: ignore[misc,valid-type]
        """Resolves no implicit types: a plain scalar is text, whatever it looks like."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            return _DEFAULT_TAGS[kind.id]

    return PlainTextLoader


def load_yaml(path: str, text: str) -> Node:
    """Compose YAML (or JSON) text into a node tree, constructing no objects.

    Raises:
        SyntaxProblem: the text is not valid YAML, has several documents, uses a
            non-standard tag, or expands to far more values than it has characters.
    """
    import yaml

    loader = _loader()(text)
    try:
        root = loader.get_single_node()
    except yaml.composer.ComposerError as exc:
        if "expected a single document" in str(exc):
            # The problem mark is where the second document starts.
            second = exc.problem_mark
            raise SyntaxProblem(
                Problem(
                    P.SYNTAX,
                    "a plan file holds one YAML document, this one has several: the second starts here",
                    Location(path, second.line + 1, second.column + 1) if second else Location(path),
                    hint="remove the '---' separators or split the file and use 'include'",
                )
            ) from None
        raise SyntaxProblem(_syntax_problem(path, exc)) from None
    except yaml.MarkedYAMLError as exc:
        raise SyntaxProblem(_syntax_problem(path, exc)) from None
    except yaml.reader.ReaderError as exc:
        raise SyntaxProblem(_reader_problem(path, text, exc)) from None
    except yaml.YAMLError as exc:
        raise SyntaxProblem(Problem(P.SYNTAX, f"not valid YAML: {exc}", Location(path))) from None
    finally:
        loader.dispose()
    if root is None:
        return MapNode((), Location(path, 1, 1))
    return _convert(root, path, len(text) + MAX_ALIAS_NODES)


def _syntax_problem(path: str, exc: Any) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    loc = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
    return Problem(
        P.SYNTAX,
        f"not valid YAML: {exc.problem or exc.context}",
        loc,
        hint="check indentation, colons and quotes here",
    )


#: What YAML does not allow in a file: control characters other than tab and line breaks,
#: and the code points that are not characters.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _reader_problem(path: str, text: str, exc: Any) -> Problem:
    """A character YAML refuses, at its line and column.

    The reader's own position counts bytes with libyaml and characters without it, so the
    character is found again in the text.
    """
    found = _NOT_PRINTABLE.search(text)
    if found is None:
        return Problem(P.SYNTAX, f"not valid YAML: {exc}", Location(path))
    i = found.start()
    line = text.count("\n", 0, i) + 1
    column = i - (text.rfind("\n", 0, i) + 1) + 1
    return Problem(
        P.SYNTAX,
        f"the control character U+{ord(found.group()):04X} is not allowed in a plan file",
        Location(path, line, column),
        hint="remove it; an editor that shows control characters finds it",
    )


def _convert(root: Any, path: str, budget: int) -> Node:
    """The composed tree as :data:`Node` s, iteratively (deep nesting cannot overflow the stack).

    ``budget`` bounds the values made: without aliases a file cannot hold more values than
    characters, so far more means aliases are being expanded ("billion laughs").
    """
    made = 0
    # One string object per distinct short text in the file: keys, ids referred to again and
    # again, codes and words are kept once, in the tree and in the model built from it.
    shared: dict[str, str] = {}

    def place(node: Any) -> Location:
        mark = node.start_mark
        return Location(path, mark.line + 1, mark.column + 1)

    def check_tag(node: Any) -> str:
        tag = node.tag or ""
        if tag not in _STANDARD_TAGS:
            raise SyntaxProblem(
                Problem(
                    P.SYNTAX,
                    f"the tag {tag!r} is not allowed in a plan file",
                    place(node),
                    hint="plan files are plain data; remove the '!' tag",
                )
            )
        return tag

    def scalar(node: Any) -> ScalarNode:
        tag = node.tag if node.tag in _STANDARD_TAGS else check_tag(node)
        text = node.value
        if len(text) <= _SHARED_TEXT_MAX:
            text = shared.setdefault(text, text)
        return _at(ScalarNode, text, path, node.start_mark, node.style in _QUOTED_STYLES, tag)  # type: ignore[no-any-return]

    def children_of(node: Any) -> list[Any]:
        return node.value if node.id == "sequence" else [v for pair in node.value for v in pair]

    if root.id == "scalar":
        return scalar(root)
    # Post-order walk with an explicit stack: (node, its children, converted children so far).
    stack: list[tuple[Any, list[Any], list[Node]]] = [(root, children_of(root), [])]
    while True:
        node, children, done = stack[-1]
        if len(done) < len(children):
            made += 1
            if made > budget:
                raise SyntaxProblem(
                    Problem(
                        P.SYNTAX,
                        "the file expands to far more values than it has characters (YAML aliases)",
                        Location(path),
                        hint="plan files do not need YAML aliases; write values out",
                    )
                )
            child = children[len(done)]
            if child.id == "scalar":
                done.append(scalar(child))
            else:
                stack.append((child, children_of(child), []))
            continue
        stack.pop()
        check_tag(node)
        converted: Node
        if node.id == "sequence":
            converted = _at(SeqNode, tuple(done), path, node.start_mark)
        else:
            keys = done[0::2]
            for key in keys:
                if not isinstance(key, ScalarNode):
                    raise SyntaxProblem(Problem(P.TYPE, "a key must be a plain word", key.location))
            converted = _at(MapNode, tuple(zip(keys, done[1::2], strict=True)), path, node.start_mark)
        if not stack:
            return converted
        stack[-1][2].append(converted)


@hookimpl
def regionplan_register_loaders(register: Callable[..., None]) -> None:
    # JSON is (all but) a subset of YAML, so one composer reads both with positions.
    register((".yaml", ".yml", ".json"), load_yaml)
