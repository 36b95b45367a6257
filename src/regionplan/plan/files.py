"""Plan files: reading them into the model, with every problem found in one pass.

A plan is one or more YAML (or JSON) files. The main file (``plan.yaml`` in a
plan folder) may ``include`` others, for example a metric catalogue and the
region. Top-level sections, in any file::

    regionplan: 1          # format version
    plan: {...}            # id, title, period, status, version, languages
    include: [...]         # more files, relative to this one
    region: {...}          # the region and its municipalities with their codes
    actors: [...]
    elements: [...]        # vision, goals, focus areas, actions, projects, ...
    metrics: [...]
    targets: [...]

Reading never executes code: files are *composed* into a tree of nodes (text,
line and column; :mod:`regionplan.plan.nodes`) and only then interpreted, field by
field, by the plan-file schema (:mod:`regionplan.plan.schema`). Codes such as
``0235`` and words such as ``NO`` or ``on`` stay text, whatever their spelling.
Problems are :class:`~regionplan.errors.Problem` values; their codes are listed in
:mod:`regionplan.plan.problems`. :mod:`regionplan.plan.writer` writes a plan back.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from regionplan.errors import Location, PlanError, Problem, sort_problems
from regionplan.plan import problems as P
from regionplan.plan.model import Metric, Plan
from regionplan.plan.nodes import MapNode, Node, ScalarNode, SeqNode, SyntaxProblem, load_yaml
from regionplan.plan.periods import PeriodSpec
from regionplan.plan.schema import _Parts, _read_document
from regionplan.plan.schema.reader import _Reader
from regionplan.plan.writer import dump_yaml, to_document

__all__ = [
    "MapNode",
    "Node",
    "ScalarNode",
    "SeqNode",
    "SyntaxProblem",
    "Validation",
    "dump_yaml",
    "find_plan_file",
    "load_plan",
    "load_yaml",
    "to_document",
    "validate_plan",
]

PLAN_FILE_NAMES = ("plan.yaml", "plan.yml", "regionplan.yaml", "plan.json")


# -- loading ------------------------------------------------------------------------------


def find_plan_file(path: str | Path) -> Path:
    """The main plan file for ``path``: the file itself, or ``plan.yaml`` in a folder.

    Raises:
        PlanError: nothing to read there.
    """
    p = Path(path)
    if p.is_dir():
        for name in PLAN_FILE_NAMES:
            if (p / name).is_file():
                return p / name
        raise PlanError(
            [
                Problem(
                    P.NO_FILE,
                    f"no plan file in the folder {p}",
                    Location(str(p)),
                    hint=f"a plan folder holds one of: {', '.join(PLAN_FILE_NAMES)}",
                )
            ]
        )
    if not p.exists():
        raise PlanError([Problem(P.NO_FILE, f"there is no file or folder {p}", Location(str(p)))])
    return p


@attrs.frozen
class Validation:
    """The outcome of reading and checking a plan: the plan (when it could be built) and
    every problem found."""

    plan: Plan | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_for_errors(self) -> Plan:
        """The plan, or :class:`PlanError` with every problem when there are errors."""
        if self.errors or self.plan is None:
            raise PlanError(self.problems)
        return self.plan


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def validate_plan(path: str | Path, *, extensions: Any = None) -> Validation:
    """Read a plan (a file or a plan folder) and check it, collecting every problem.

    Never raises for problems in the plan; see :attr:`Validation.problems`.
    """
    from regionplan.defaults import default_extensions

    ext = extensions or default_extensions()
    main = find_plan_file(path)
    with _no_cyclic_gc():
        return _validate(main, ext)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a plan is read.

    Reading makes hundreds of thousands of small objects and no reference cycles; the
    collector's passes over them took about half the time on a 10,000-element plan.
    Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _validate(main: Path, ext: Any) -> Validation:
    from regionplan.plan.validation import check_plan

    root = main.parent
    r = _Reader()
    parts = _Parts()
    seen: set[Path] = set()
    queue: list[tuple[Path, Location | None]] = [(main, None)]
    while queue:
        file, included_at = queue.pop(0)
        resolved = file.resolve()
        if resolved in seen:
            r.problem(
                P.INCLUDE,
                f"{_display(file, root)} is included more than once",
                included_at,
                hint="each file is read once; remove the repeated include",
            )
            continue
        seen.add(resolved)
        shown = _display(file, root)
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            r.problem(P.NO_FILE, f"the included file {shown} does not exist", included_at)
            continue
        except (OSError, UnicodeDecodeError) as exc:
            r.problem(
                P.NO_FILE,
                f"cannot read {shown}: {exc}",
                included_at,
                hint="plan files are UTF-8 text",
            )
            continue
        suffix = file.suffix.lower()
        if suffix not in ext.loaders:
            r.problem(
                P.NO_FILE,
                ext.loaders.unknown_message(suffix) + f" (for {shown})",
                included_at,
                hint="plan files end in .yaml, .yml or .json, or a loader plugin adds more",
            )
            continue
        try:
            root_node = ext.loaders.get(suffix)(shown, text)
        except SyntaxProblem as exc:
            r.problems.append(exc.problem)
            continue
        parts.files.append(shown)
        for include, loc in _read_document(r, root_node, parts):
            queue.append((file.parent / include, loc))

    plan = _assemble(r, parts, root, main)
    problems = list(r.problems)
    if plan is not None:
        problems += check_plan(plan, ext, structural_errors=any(p.is_error for p in problems))
    return Validation(plan, tuple(sort_problems(problems)))


def _assemble(r: _Reader, parts: _Parts, root: Path, main: Path) -> Plan | None:
    if not parts.meta:
        if _display(main, root) not in parts.files:
            return None  # the main file could not be read; that problem is reported already
        r.problem(
            P.MISSING_FIELD,
            "the plan has no 'plan:' section",
            Location(_display(main, root), 1, 1),
            hint="the main file starts with 'plan: {id: ..., title: ..., period: ...}'",
        )
        return None
    if len(parts.meta) > 1:
        for node, _ in parts.meta[1:]:
            r.problem(
                P.DUPLICATE_ID,
                "a second 'plan:' section",
                node.location,
                hint="a plan has one 'plan:' section, in its main file",
            )
    if not parts.regions:
        r.problem(
            P.MISSING_FIELD,
            "the plan has no 'region:' section",
            parts.meta[0][1].location,
            hint="add a region with its municipalities (often in region.yaml, included)",
        )
        return None
    if len(parts.regions) > 1:
        for extra in parts.regions[1:]:
            r.problem(P.DUPLICATE_ID, "a second 'region:' section", extra.location)
    return Plan(
        meta=parts.meta[0][1],
        region=parts.regions[0],
        actors=tuple(parts.actors),
        elements=tuple(parts.elements),
        metrics=_inherit_periods(parts.metrics, parts.stated_periods),
        targets=tuple(parts.targets),
        files=tuple(parts.files),
        base_dir=str(root),
    )


def _inherit_periods(metrics: list[Metric], stated: set[str]) -> tuple[Metric, ...]:
    """A derived metric that states no period counts at the same point as its first input."""
    from regionplan.plan.expressions import ExpressionError, parse

    by_id = {m.id: m for m in metrics}
    resolved: dict[str, PeriodSpec] = {}

    def spec(mid: str, seen: frozenset[str]) -> PeriodSpec:
        if mid in resolved:
            return resolved[mid]
        m = by_id[mid]
        result = m.period
        if m.derived and mid not in stated and mid not in seen:
            try:
                refs = sorted(parse(m.derived).references & set(by_id))
            except ExpressionError:
                refs = []
            if refs:
                first = _first_reference(m.derived, refs)
                result = spec(first, seen | {mid})
        resolved[mid] = result
        return result

    return tuple(attrs.evolve(m, period=spec(m.id, frozenset())) for m in metrics)


def _first_reference(text: str, refs: list[str]) -> str:
    return min(refs, key=lambda r: m.start() if (m := re.search(rf"\b{re.escape(r)}\b", text)) else 1 << 30)


def load_plan(path: str | Path, *, extensions: Any = None) -> Plan:
    """Read and check a plan; return it, or raise :class:`PlanError` listing every problem.

    Warnings do not stop loading; use :func:`validate_plan` to see them.
    """
    return validate_plan(path, extensions=extensions).raise_for_errors()
