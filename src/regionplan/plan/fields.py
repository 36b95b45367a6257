"""Type checks and friendly conversions of the model's fields, read from their annotations.

Every class of :mod:`regionplan.plan.model` is declared with :func:`checked_fields` as its
attrs ``field_transformer``: each field gets one converter that turns what is unambiguous
into the field's type and refuses anything else at construction, naming the field::

    >>> Target("t", "goal", "jobs", "level", value="x")
    Traceback (most recent call last):
    TypeError: Target.value must be a number, got 'x'

The rules (the reference on the Python API lists them with examples):

* text fields take ``str`` only (those naming files and folders also a ``pathlib.Path``); a
  municipality code written as a number (``301``) is refused, because its leading zero is lost;
* numbers take ``int`` and ``float`` (numpy's too), never ``bool``; whole-number fields
  take integers only, and a plan's years also digit strings (``"2030"``);
* a :class:`~regionplan.plan.model.Label` takes a ``str`` (the text in Norwegian bokmål,
  ``nb``, as a plain text in a plan file is read), a mapping of language to text, or ``None``
  (no text);
* an enum takes its member or its value (``"level"``, ``"increase"``);
* a date takes a :class:`datetime.date` or an ISO text (``"2024-01-01"``);
* a period label (a target's ``baseline``, ``deadline``, ``shock``) takes text or a year as
  an ``int``; whether the label can be read is checked with the plan
  (:func:`regionplan.check`); a metric's ``period`` takes what a plan file writes
  (``"year"``, ``"1 January"``, ``"Q4"``) or a :class:`~regionplan.plan.periods.PeriodSpec`;
* a tuple takes any list or tuple, its items checked; where a plan file allows a plain text
  for an item (a municipality code, a contribution's parent, a responsible actor), so does
  Python;
* a source's ``query`` is copied into a read-only mapping.

What a value means together with the rest of the plan (an id that must exist, a period that
must parse, the fields a target kind needs) is checked by :func:`regionplan.check`.
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import numbers
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

__all__ = ["ReadOnlyMapping", "checked_fields"]

#: Fields that hold period labels: an ``int`` year is the same label as its text.
_PERIOD_FIELDS = frozenset({"baseline", "deadline", "shock"})
#: Fields that hold a year: digit text is the same year.
_YEAR_FIELDS = frozenset({"period_start", "period_end"})
#: Fields that hold folders or files: a ``pathlib.Path`` is its text.
_PATH_FIELDS = frozenset({"base_dir", "files", "allowed_paths", "allow_paths", "source_document"})
#: Tuple items a plan file may write as plain text: the class and the field the text fills.
_SHORTHAND = {"MunicipalityCode": "code", "Contribution": "parent", "Responsibility": "actor"}

_Check = Callable[[Any, str], Any]


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _wrong(where: str, what: str, value: Any) -> TypeError:
    return TypeError(f"{where} must be {what}, got {_shown(value)}")


def _text(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, os.PathLike) and where.split(".")[-1].split("[")[0] in _PATH_FIELDS:
        return str(os.fspath(value))
    if where.startswith("MunicipalityCode.") and isinstance(value, int) and not isinstance(value, bool):
        msg = f"{where} must be text, got {value!r}: write codes as text, e.g. '0301', keeping their leading zero"
        raise TypeError(msg)
    raise _wrong(where, "text (str)", value)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _wrong(where, "a number", value)
    return float(value)


def _integer(value: Any, where: str) -> int:
    if not isinstance(value, bool) and isinstance(value, numbers.Integral):
        return int(value)  # numpy's too
    if isinstance(value, str) and where.rsplit(".", 1)[-1] in _YEAR_FIELDS and re.fullmatch(r"\d{4}", value):
        return int(value)
    raise _wrong(where, "a whole number (int)", value)


def _boolean(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if type(value).__name__ == "bool_":  # numpy's
        return bool(value)
    raise _wrong(where, "True or False", value)


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _wrong(where, "a date (datetime.date or 'YYYY-MM-DD')", value)


def _period(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    label = getattr(value, "label", None)  # a Period
    if isinstance(label, str):
        return label
    raise _wrong(where, "a period label such as '2030' or '2024K4'", value)


def _period_spec(value: Any, where: str) -> Any:
    from regionplan.plan.periods import PeriodKind, PeriodSpec

    if isinstance(value, PeriodSpec):
        return value
    text = value.lower().replace(" ", "") if isinstance(value, str) else None
    if text == "year":
        return PeriodSpec(PeriodKind.YEAR)
    if text in {"1january", "january1"}:
        return PeriodSpec(PeriodKind.INSTANT, month=1, day=1)
    if text in {"q1", "q2", "q3", "q4"}:
        return PeriodSpec(PeriodKind.QUARTER, quarter=int(text[1]))
    raise _wrong(where, "a PeriodSpec, 'year', '1 January' or 'Q1'..'Q4'", value)


class ReadOnlyMapping(Mapping[str, Any]):
    """A mapping that cannot be changed (a plan's query), and that pickles and copies,
    as ``types.MappingProxyType`` does not."""

    __slots__ = ("_data",)
    _data: dict[str, Any]

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "_data", dict(data or {}))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} cannot be changed")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._data,))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"


def _query(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _wrong(where, "a mapping", value)
    plain = (str, int, float, bool, type(None))
    # a copy: the caller's dict (and lists in it) can change later, the plan cannot
    return ReadOnlyMapping({k: v if isinstance(v, plain) else copy.deepcopy(v) for k, v in value.items()})


def _enum(cls: type[enum.Enum]) -> _Check:
    def check(value: Any, where: str) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls(value)
            except ValueError:
                pass
        choices = ", ".join(repr(m.value) for m in cls)
        error = TypeError if not isinstance(value, str) else ValueError
        raise error(f"{where} must be a {cls.__name__} or one of {choices}, got {_shown(value)}")

    return check


def _instance(cls: type) -> _Check:
    """A check that the value is the model class ``cls``, or what a plan file writes for one."""
    name = cls.__name__

    def check(value: Any, where: str) -> Any:
        if isinstance(value, cls):
            return value
        if name == "Label" and (value is None or isinstance(value, str | Mapping)):
            return cls.of(value)  # type: ignore[attr-defined]
        if name in _SHORTHAND and isinstance(value, str):
            return cls(**{_SHORTHAND[name]: value})
        raise _wrong(where, f"{_article(name)} {name}", value)

    return check


def _article(word: str) -> str:
    return "an" if word[0] in "AEIOU" else "a"


def _optional(check: _Check) -> _Check:
    def optional(value: Any, where: str) -> Any:
        return None if value is None else check(value, where)

    return optional


def _items(check: _Check) -> _Check:
    def items(value: Any, where: str) -> tuple[Any, ...]:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, tuple | list):
            raise _wrong(where, "a tuple or list", value)
        return tuple(check(item, f"{where}[{i}]") for i, item in enumerate(value))

    return items


_SCALARS: dict[str, tuple[_Check, type]] = {
    "str": (_text, str),
    "float": (_number, float),
    "int": (_integer, int),
    "bool": (_boolean, bool),
    "dt.date": (_date, dt.date),
}

#: A field's check, and the classes a value of which is already right (passed on untouched:
#: what the plan-file reader builds is never checked twice); for a tuple, its items' classes.
_Rule = tuple[_Check, frozenset[type], frozenset[type] | None]


def _rule_for(field: str, annotation: str, module: str) -> _Rule | None:
    """The rule of a field with this (string) annotation, or None to leave the field as it is."""
    if annotation.endswith(" | None"):
        inner = _rule_for(field, annotation.removesuffix(" | None"), module)
        return None if inner is None else (_optional(inner[0]), inner[1] | {type(None)}, None)
    if field in _PERIOD_FIELDS:
        return _period, frozenset({str}), None
    if annotation.startswith("tuple[") and annotation.endswith(", ...]"):
        inner = _rule_for("", annotation[6:-6], module)
        return None if inner is None else (_items(inner[0]), frozenset(), inner[1])
    if annotation == "Mapping[str, Any]":
        return _query, frozenset({ReadOnlyMapping}), None
    if annotation == "PeriodSpec":
        return _period_spec, frozenset({getattr(sys.modules[module], annotation)}), None
    if annotation in _SCALARS:
        check, cls = _SCALARS[annotation]
        return check, frozenset({cls}), None
    target = getattr(sys.modules[module], annotation, None)
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return _enum(target), frozenset({target}), None
    if isinstance(target, type) and annotation != "Location":
        return _instance(target), frozenset({target}), None
    return None


def checked_fields(cls: type, fields: list[attrs.Attribute]) -> list[attrs.Attribute]:  # type: ignore[type-arg]
    """attrs ``field_transformer``: give every field of ``cls`` the converter its annotation asks for."""
    out = []
    for f in fields:
        rule = None if f.converter is not None else _rule_for(f.name, str(f.type), cls.__module__)
        if rule is None:
            out.append(f)
            continue
        out.append(f.evolve(converter=_converter(rule, f"{cls.__name__}.{f.name}")))
    return out


def _converter(rule: _Rule, where: str) -> Callable[[Any], Any]:
    """One function per field, as cheap as can be for a value that is already right."""
    check, ready, item_ready = rule
    if item_ready is not None:

        def convert_items(value: Any) -> Any:
            if value.__class__ is tuple:
                for item in value:
                    if item.__class__ not in item_ready:
                        return check(value, where)
                return value
            return check(value, where)

        return convert_items
    if len(ready) == 1:
        (only,) = ready

        def convert_one(value: Any) -> Any:
            return value if value.__class__ is only else check(value, where)

        return convert_one

    def convert(value: Any) -> Any:
        return value if value.__class__ in ready else check(value, where)

    return convert
