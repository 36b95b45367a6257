"""Errors and plan problems.

Every error the library raises for a user's mistake derives from
:class:`RegionplanError`; the command line prints these without a traceback.
Problems in plan files are collected in one pass as :class:`Problem` values, each
with a location, a stable code and a hint, and raised together as :class:`PlanError`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import attrs

__all__ = [
    "DataSourceError",
    "EvaluationError",
    "Location",
    "PlanError",
    "PluginError",
    "PluginRenderError",
    "Problem",
    "RegionplanError",
    "RenderError",
    "Severity",
    "UnitDefinitionError",
]


class RegionplanError(Exception):
    """Base class of every error regionplan raises for a user's mistake or bad input."""


class PluginError(RegionplanError):
    """A plugin is broken: a duplicate name, a bad contribution, a failing import, or a
    plugin that raised or returned what its contract does not allow.

    Attributes:
        plugin: the registered name of the plugin at fault, when one is.
        distribution, version: the installed package the plugin came from, when known.
        builtin: the plugin is part of regionplan: its fault is a bug in regionplan.
    """

    def __init__(
        self,
        message: str,
        *,
        plugin: str | None = None,
        distribution: str | None = None,
        version: str | None = None,
        builtin: bool = False,
    ) -> None:
        super().__init__(message)
        self.plugin = plugin
        self.distribution = distribution
        self.version = version
        self.builtin = builtin


class UnitDefinitionError(PluginError):
    """A unit definition is malformed or redefines an existing unit."""


class DataSourceError(RegionplanError):
    """A data source could not deliver: bad query, missing file, network or cache failure."""


class EvaluationError(RegionplanError):
    """The evaluation was asked something it cannot answer (bad date, unknown metric)."""


class RenderError(RegionplanError):
    """A report could not be rendered (unknown format, missing optional dependency)."""


class PluginRenderError(PluginError, RenderError):
    """A renderer plugin failed or returned neither text nor bytes: the :class:`RenderError`
    that :func:`~regionplan.report.renderers.render` promises, naming the plugin."""


class Severity(enum.Enum):
    """How serious a plan problem is. Errors stop a plan from loading; warnings do not."""

    ERROR = "error"
    WARNING = "warning"


class Location(NamedTuple):
    """Where something stands in a plan file: 1-based line and column.

    A named tuple: plan files hold hundreds of thousands of values, each with its place.
    """

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@attrs.frozen
class Problem:
    """One problem in a plan.

    Attributes:
        code: stable identifier such as ``"RP102"``; see :mod:`regionplan.plan.problems`.
        message: what is wrong, in one sentence.
        location: where, or ``None`` when the problem has no single place.
        hint: what to do about it.
        severity: error or warning.
    """

    code: str
    message: str
    location: Location | None = None
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity.value} {self.code}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def __str__(self) -> str:
        return self.format()


def _sort_key(problem: Problem) -> tuple[str, int, int, str]:
    loc = problem.location
    if loc is None:
        return ("", 0, 0, problem.code)
    return (loc.file, loc.line or 0, loc.column or 0, problem.code)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in file, line, column order."""
    return sorted(problems, key=_sort_key)


class PlanError(RegionplanError):
    """A plan has errors. ``problems`` holds every problem found, warnings included."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sort_problems(problems))
        errors = [p for p in self.problems if p.is_error]
        head = f"the plan has {len(errors)} error(s)"
        super().__init__(head + "\n" + "\n".join(p.format() for p in errors))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)
