"""Calling the evaluation's plugins: status policies, projections and roll-up policies.

A policy or a projection may come from a plugin. What it raises, and what it returns
against its contract (arrays of another shape, status codes that are not codes), is
reported as a :class:`~regionplan.errors.PluginError` naming the plugin, before a wrong
array can reach a status. The extensions passed in (:class:`regionplan.plugins.Extensions`)
know the plugins: ``guard`` wraps a call, ``fault`` builds the error.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from regionplan.errors import EvaluationError
from regionplan.evaluation.projection import DEFAULT_CONFIDENCE, Projection, Projector
from regionplan.evaluation.status import Evidence, Judgement, StatusPolicy

__all__ = [
    "CheckedPolicy",
    "CheckedProjector",
    "checked_policy",
    "checked_projector",
    "combine_many",
    "registered",
]

_CODES = (0, 1, 2, 3)  # Status.code of every status


class CheckedProjector(Projector):
    """A registered projector whose faults name its plugin and whose projections are checked."""

    def __init__(self, inner: Projector, registered_as: str, extensions: Any) -> None:
        self.inner = inner
        self.registered_as = registered_as
        self.ext = extensions
        self.plugin: str = extensions.projections.plugin_of(registered_as)

    def __getattr__(self, name: str) -> Any:  # anything else a policy asks of the projector
        if name == "inner":  # not set yet (a copy being made)
            raise AttributeError(name)
        return getattr(self.inner, name)

    def describe(self) -> str:
        return self.inner.describe()

    def project(
        self, times: np.ndarray, values: np.ndarray, at: np.ndarray, confidence: float = DEFAULT_CONFIDENCE
    ) -> Projection:
        what = f"the projection {self.registered_as!r} (project)"
        with self.ext.guard(self.plugin, what):
            out = self.inner.project(times, values, at, confidence)
        if problem := _projection_problem(out, values.shape[0]):
            raise self.ext.fault(self.plugin, f"{what} returned {problem}")
        return out


class CheckedPolicy(StatusPolicy):
    """A registered status policy whose faults name its plugin and whose judgements are checked."""

    def __init__(self, inner: StatusPolicy, registered_as: str, extensions: Any) -> None:
        self.inner = inner
        self.registered_as = registered_as
        self.ext = extensions
        self.plugin: str = extensions.status_policies.plugin_of(registered_as)

    def __getattr__(self, name: str) -> Any:
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def describe(self) -> str:
        return self.inner.describe()

    def judge(self, evidence: Evidence, projector: Projector) -> Judgement:
        what = f"the status policy {self.registered_as!r} (judge)"
        with self.ext.guard(self.plugin, what):
            out = self.inner.judge(evidence, projector)
        if problem := _judgement_problem(out, evidence.n):
            raise self.ext.fault(self.plugin, f"{what} returned {problem}")
        return out


def registered(registry: Any, name: str, method: str, extensions: Any) -> Any:
    """The contribution registered as ``name``, if it has the ``method`` its contract asks for.

    Raises:
        EvaluationError: no contribution has that name (the plan names it).
        PluginError: it cannot be loaded, or it is not what its kind must be; naming its plugin.
    """
    if name not in registry:
        raise EvaluationError(registry.unknown_message(name))
    value = registry.get(name)  # a deferred one is imported here; its failure names its plugin
    if not callable(getattr(value, method, None)):
        what = f"the {registry.kind} {name!r} is {_kind(value)}, which has no {method} method"
        raise extensions.fault(registry.plugin_of(name), what)
    return value


def checked_projector(projector: Projector, name: str, extensions: Any) -> Projector:
    """The projector registered as ``name``, as a policy should call it (keeping its
    ``name`` and ``min_points``)."""
    out: Projector = _checked_class(CheckedProjector, projector.name, projector.min_points)(
        projector, name, extensions
    )
    return out


def checked_policy(policy: StatusPolicy, name: str, extensions: Any) -> StatusPolicy:
    """The status policy registered as ``name``, as the evaluation should call it."""
    out: StatusPolicy = _checked_class(CheckedPolicy, policy.name, None)(policy, name, extensions)
    return out


def _checked_class(base: type, name: Any, min_points: Any) -> Any:
    """The wrapper class carrying a plugin's class attributes; made once per distinct
    attributes, not on every evaluation (making a class costs more than judging)."""
    try:
        return _cached_class(base, name, min_points)
    except TypeError:  # a plugin's attribute that cannot be a key: made afresh
        return _make_class(base, name, min_points)


def _make_class(base: type, name: Any, min_points: Any) -> Any:
    attributes: dict[str, Any] = {"name": name}
    if base is CheckedProjector:
        attributes["min_points"] = min_points
    return type(base.__name__, (base,), attributes)


_cached_class = functools.lru_cache(maxsize=256)(_make_class)


def combine_many(
    policy: Any, name: str, codes: np.ndarray, weights: np.ndarray, extensions: Any
) -> tuple[np.ndarray, np.ndarray]:
    """A roll-up policy's status codes and scores for every area, checked."""
    plugin = extensions.rollup_policies.plugin_of(name)
    what = f"the roll-up policy {name!r} (combine_many)"
    with extensions.guard(plugin, what):
        out = policy.combine_many(codes, weights)
    n = codes.shape[1]
    problem: str | None
    if not isinstance(out, tuple | list) or len(out) != 3:
        problem = f"{_kind(out)}, not (status codes, scores, coverage)"
    else:
        problem = _status_problem(out[0], n, "status codes") or _numbers_problem(out[1], n, "scores")
    if problem:
        raise extensions.fault(plugin, f"{what} returned {problem}")
    return np.asarray(out[0]).astype(np.int8), np.asarray(out[1], dtype=float)


def _judgement_problem(j: object, n: int) -> str | None:
    if not isinstance(j, Judgement):
        return f"{_kind(j)}, not a Judgement"
    problem = _status_problem(j.status, n, "status")
    for field in ("progress", "latest_time", "latest_value", "measure"):
        problem = problem or _numbers_problem(getattr(j, field), n, field)
    for field in ("reason", "category"):
        problem = problem or _shape_problem(getattr(j, field), n, field)
    reasons: object = j.reason
    if not problem and not _all_text(np.asarray(reasons)):
        problem = "reasons that are not text (keys of REASONS)"
    facts: object = j.facts
    if not problem and isinstance(facts, Mapping):
        for key, value in facts.items():
            problem = problem or _numbers_problem(value, n, f"the fact {key!r}")
    elif not problem:
        problem = f"facts as {_kind(facts)}, not a mapping"
    if not problem and j.projection is not None:
        problem = _projection_problem(j.projection, n)
    return f"a Judgement with {problem}" if problem else None


def _projection_problem(p: object, n: int) -> str | None:
    if not isinstance(p, Projection):
        return f"{_kind(p)}, not a Projection"
    problem = None
    for field in ("value", "low", "high", "slope", "n_points"):
        problem = problem or _numbers_problem(getattr(p, field), n, f"projection {field}")
    for field in ("first", "last"):
        value = getattr(p, field)
        if value is not None:
            problem = problem or _numbers_problem(value, n, f"projection {field}")
    return problem


def _status_problem(codes: object, n: int, field: str) -> str | None:
    if problem := _shape_problem(codes, n, field):
        return problem
    array = np.asarray(codes)
    if array.dtype.kind not in "iu":
        return f"{field} of dtype {array.dtype}, not integer status codes"
    if not ((array >= _CODES[0]) & (array <= _CODES[-1])).all():  # integers: a range is the set
        bad = sorted({int(c) for c in array.ravel() if int(c) not in _CODES})
        return f"{field} {bad[:5]}, not status codes (0 to 3)"
    return None


def _all_text(values: np.ndarray) -> bool:
    """Every element is a ``str`` (an array of numpy strings is, whatever its length)."""
    if values.dtype.kind == "U":
        return True
    return all(map(isinstance, values.ravel().tolist(), itertools.repeat(str)))


def _numbers_problem(values: object, n: int, field: str) -> str | None:
    if problem := _shape_problem(values, n, field):
        return problem
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        return f"{field} of dtype {array.dtype}, not numbers"
    return None


def _shape_problem(values: object, n: int, field: str) -> str | None:
    if not isinstance(values, np.ndarray):
        return f"{field} as {_kind(values)}, not a numpy array"
    if values.shape != (n,):
        return f"{field} of shape {values.shape}, not ({n},) (one per area)"
    return None


def _kind(value: object) -> str:
    if value is None:
        return "None"
    name = type(value).__qualname__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"
