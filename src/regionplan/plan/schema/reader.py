"""The field reader of the plan-file schema: typed values from nodes, with problems recorded.

:class:`_Reader` reads one field at a time (a mapping with its allowed keys, a list, text,
an id, a number, a date, a label in several languages, ...) from the nodes of
:mod:`regionplan.plan.nodes`. Bad input becomes a :class:`~regionplan.errors.Problem` at
the node's place and the value None, so the section readers go on and one pass finds all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from regionplan.errors import Location, Problem, Severity
from regionplan.plan import problems as P
from regionplan.plan.model import Label
from regionplan.plan.nodes import MapNode, Node, ScalarNode, SeqNode
from regionplan.plan.periods import PLAN_YEARS, parse_period

T = TypeVar("T")
N = TypeVar("N", int, float)
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
_METRIC_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CODE = re.compile(r"^\d{4}$")
#: The one empty label every absent title or description is (a label is immutable).
_NO_LABEL = Label(())


class _Reader:
    """Reads typed values from nodes, recording a problem (and returning None) on bad input."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(
        self,
        code: str,
        message: str,
        loc: Location | None,
        hint: str = "",
        *,
        warning: bool = False,
    ) -> None:
        severity = Severity.WARNING if warning else Severity.ERROR
        self.problems.append(Problem(code, message, loc, hint, severity))

    def mapping(
        self,
        node: Node | None,
        what: str,
        *,
        required: Sequence[str] = (),
        optional: Sequence[str] = (),
        open_keys: bool = False,
    ) -> dict[str, Node] | None:
        if node is None:
            return None
        if not isinstance(node, MapNode):
            self.problem(P.TYPE, f"{what} must be a mapping (key: value lines)", node.location)
            return None
        out: dict[str, Node] = {}
        allowed = [*required, *optional]
        for key, value in node.items:
            if key.text in out:
                self.problem(
                    P.DUPLICATE_KEY,
                    f"the key '{key.text}' appears twice in {what}",
                    key.location,
                    hint="a later value would silently replace the first; keep one",
                )
                continue
            if not open_keys and key.text not in allowed:
                close = difflib.get_close_matches(key.text, allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"{what} takes: {', '.join(allowed)}"
                self.problem(P.UNKNOWN_FIELD, f"{what} has no field '{key.text}'", key.location, hint)
                continue
            out[key.text] = value
        for name in required:
            if name not in out:
                self.problem(
                    P.MISSING_FIELD,
                    f"{what} needs '{name}'",
                    node.location,
                    hint=f"add '{name}: ...' to {what}",
                )
            elif isinstance(given := out[name], ScalarNode) and given.is_null:
                # an empty required field would pass as absent, with no word said
                self.problem(
                    P.MISSING_FIELD,
                    f"{what} needs a value for '{name}'",
                    given.location,
                    hint=f"write '{name}: ...' with a value, not empty or null",
                )
        return out

    def seq(self, node: Node | None, what: str) -> tuple[Node, ...]:
        if node is None or (isinstance(node, ScalarNode) and node.is_null):
            return ()
        if isinstance(node, SeqNode):
            return node.items
        self.problem(P.TYPE, f"{what} must be a list", node.location, hint="write one '- item' per line")
        return ()

    def scalar(self, node: Node | None, what: str) -> ScalarNode | None:
        if node is None:
            return None
        if isinstance(node, ScalarNode):
            return None if node.is_null else node
        self.problem(P.TYPE, f"{what} must be a single value, not a list or mapping", node.location)
        return None

    def text(self, node: Node | None, what: str, default: str = "") -> str:
        s = self.scalar(node, what)
        return s.text if s is not None else default

    def ident(self, node: Node | None, what: str, pattern: re.Pattern[str] = _ID) -> str:
        s = self.scalar(node, what)
        if s is None:
            return ""
        if not pattern.match(s.text):
            hint = (
                "use letters, digits and '_' (it is used in expressions)"
                if pattern is _METRIC_ID
                else "start with a letter; use letters, digits, '-', '_' and '.'"
            )
            self.problem(P.BAD_ID, f"{what} {s.text!r} is not a valid id", s.location, hint)
        return s.text

    def number(self, node: Node | None, what: str) -> float | None:
        s = self.scalar(node, what)
        if s is None:
            return None
        try:
            value = float(s.text.replace("_", ""))
        except ValueError:
            self.problem(P.TYPE, f"{what} must be a number, not {s.text!r}", s.location)
            return None
        if not math.isfinite(value):
            self.problem(P.TYPE, f"{what} must be a finite number", s.location)
            return None
        return value

    def integer(self, node: Node | None, what: str) -> int | None:
        value = self.number(node, what)
        if value is None:
            return None
        if value != int(value):
            assert node is not None
            self.problem(P.TYPE, f"{what} must be a whole number", node.location)
            return None
        return int(value)

    def bounded(
        self,
        value: N | None,
        node: Node | None,
        what: str,
        low: float | None = None,
        high: float | None = None,
        hint: str = "",
    ) -> N | None:
        """``value`` when it lies from ``low`` to ``high``, else None and a problem at ``node``.

        Ranges keep every later step finite and bounded: a lag of a billion months is no
        date, ten million decimals no text.
        """
        if value is None or node is None:
            return value
        if (low is None or value >= low) and (high is None or value <= high):
            return value
        if high is None:
            allowed = f"{_shown(low)} or more"
        elif low is None:
            allowed = f"at most {_shown(high)}"
        else:
            allowed = f"from {_shown(low)} to {_shown(high)}"
        self.problem(P.BAD_VALUE, f"{what} must be {allowed}, not {_shown(value)}", node.location, hint)
        return None

    def boolean(self, node: Node | None, what: str, default: bool = False) -> bool:
        s = self.scalar(node, what)
        if s is None:
            return default
        low = s.text.lower()
        if low in {"true", "false"}:
            return low == "true"
        self.problem(P.TYPE, f"{what} must be true or false, not {s.text!r}", s.location)
        return default

    def choice(self, node: Node | None, what: str, enum_type: type[T], default: T | None = None) -> T | None:
        s = self.scalar(node, what)
        if s is None:
            return default
        values = _enum_values(enum_type)  # type: ignore[arg-type]
        if s.text in values:
            return enum_type(s.text)  # type: ignore[call-arg]
        close = difflib.get_close_matches(s.text, values, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(values)}"
        self.problem(P.BAD_VALUE, f"{what} cannot be {s.text!r}", s.location, hint)
        return default

    def label(self, node: Node | None, what: str) -> Label:
        if node is None:
            return _NO_LABEL
        if isinstance(node, ScalarNode):
            return _NO_LABEL if node.is_null else Label.of(node.text)
        fields = self.mapping(node, what, open_keys=True)
        texts: dict[str, str] = {}
        for lang, value in (fields or {}).items():
            if not re.match(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$", lang):
                self.problem(
                    P.BAD_VALUE,
                    f"{what}: {lang!r} is not a language code",
                    value.location,
                    hint="use codes such as nb, nn, en, se",
                )
                continue
            texts[lang] = self.text(value, f"{what} ({lang})")
        return Label(texts)

    def date(self, node: Node | None, what: str) -> dt.date | None:
        s = self.scalar(node, what)
        if s is None:
            return None
        try:
            return dt.date.fromisoformat(s.text)
        except ValueError:
            self.problem(P.TYPE, f"{what} must be a date (YYYY-MM-DD), not {s.text!r}", s.location)
            return None

    def period(self, node: Node | None, what: str) -> str | None:
        s = self.scalar(node, what)
        if s is None:
            return None
        try:
            year = parse_period(s.text).start.year
        except ValueError as exc:
            self.problem(P.BAD_PERIOD, f"{what}: {exc}", s.location)
            return None
        first, last = PLAN_YEARS
        if not first <= year <= last:
            self.problem(
                P.BAD_PERIOD,
                f"{what}: {s.text!r} is not in the years {first} to {last} a plan may name",
                s.location,
                hint="write a year such as 2030, or a period such as 2030Q4",
            )
            return None
        return s.text

    def plain(self, node: Node) -> Any:
        """Plain Python data for free-form parts (source queries). Scalars stay text."""
        if isinstance(node, ScalarNode):
            return None if node.is_null else node.text
        if isinstance(node, SeqNode):
            return [self.plain(n) for n in node.items]
        return {k.text: self.plain(v) for k, v in node.items}


@functools.cache
def _enum_values(enum_type: Any) -> list[str]:
    return [m.value for m in enum_type]


def _shown(x: float | None) -> str:
    """A bound or value as a person writes it: 120, 1000000, 1e15, 0.5."""
    if x is not None and float(x).is_integer() and abs(x) < 1e7:
        return str(int(x))
    return re.sub(r"e\+?(-?)0*(\d)", r"e\1\2", f"{x:.6g}")
