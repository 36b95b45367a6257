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
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from regionplan.errors import Location, PlanError, Problem, sort_problems
from regionplan.plan import problems as P
from regionplan.plan.model import Metric, Plan
from regionplan.plan.nodes import MapNode, Node, ScalarNode, SeqNode, SyntaxProblem, load_yaml
from regionplan.plan.periods import PeriodSpec
from regionplan.plan.safefiles import (
    Allowed,
    FileRefusal,
    RefusedFile,
    SizeLimit,
    bad_text,
    place,
    plan_file_limit,
    read_bytes,
)
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
        # The first name there is, whatever it is: a folder or a device named plan.yaml is
        # reported as what it is when it is read, not passed over.
        for name in PLAN_FILE_NAMES:
            if os.path.lexists(p / name):
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
    if not os.path.lexists(p):  # a broken link or a link loop is reported when it is read
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


def _real(path: str | os.PathLike[str]) -> str:
    try:
        return os.path.realpath(path)
    except ValueError:  # a NUL character in the name: no such file; reading it says so
        return os.path.abspath(path)


def _display(path: Path, root: Path) -> str:
    """A file as messages name it: relative to the plan's folder when it lies in it (links
    followed), else relative to it as written, or absolute when they share nothing but ``/``."""
    try:
        shown = str(Path(_real(path)).relative_to(_real(root)))
    except ValueError:
        full, base = os.path.abspath(path), os.path.abspath(root)
        common = os.path.commonpath([full, base])
        shown = full if os.path.dirname(common) == common else os.path.relpath(full, base)
    return shown.replace("\0", "\\0")


def validate_plan(
    path: str | Path, *, extensions: Any = None, allow_paths: Iterable[str | os.PathLike[str]] = ()
) -> Validation:
    """Read a plan (a file or a plan folder) and check it, collecting every problem.

    ``allow_paths`` are folders outside the plan's folder that its includes and sources may
    read (as ``--allow-path`` gives them), besides those the plan's own ``allow_paths`` name.
    Never raises for problems in the plan; see :attr:`Validation.problems`.
    """
    from regionplan.defaults import default_extensions

    ext = extensions or default_extensions()
    main = find_plan_file(path)
    allowed = [Allowed.of(os.fspath(a), Path.cwd(), "--allow-path") for a in allow_paths]
    with _no_cyclic_gc():
        return _validate(main, ext, allowed)


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


def _validate(main: Path, ext: Any, allowed: list[Allowed]) -> Validation:
    from regionplan.plan.validation import check_plan

    root = main.parent
    limit = plan_file_limit()
    r = _Reader()
    parts = _Parts()
    seen: set[str] = set()
    queue: list[tuple[Path, Location | None]] = [(main, None)]
    while queue:
        file, included_at = queue.pop(0)
        shown = _display(file, root)
        if included_at is not None and not _may_read(
            r, file, root, allowed, included_at, "the included file"
        ):
            continue  # refused before it is opened, however it is spelled or linked
        resolved = _real(file)
        if resolved in seen:
            r.problem(
                P.INCLUDE,
                f"{shown} is included more than once",
                included_at,
                hint="each file is read once; remove the repeated include",
            )
            continue
        seen.add(resolved)
        text = _read_text(r, file, shown, limit, included_at)
        if text is None:
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
        metas = len(parts.meta)
        includes = _read_document(r, root_node, parts)
        del text, root_node  # the model holds what it needs; the file's tree is not kept
        _allow(r, parts.meta[metas:], root, allowed, main_file=included_at is None)
        for include, loc in includes:
            queue.append((file.parent / include, loc))

    plan = _assemble(r, parts, root, main, allowed)
    problems = list(r.problems)
    if plan is not None:
        problems += _check_source_paths(plan, root, allowed)
        problems += check_plan(plan, ext, structural_errors=any(p.is_error for p in problems))
    return Validation(plan, tuple(sort_problems(problems)))


_REFUSAL_CODES = {
    FileRefusal.MISSING: P.NO_FILE,
    FileRefusal.UNREADABLE: P.NO_FILE,
    FileRefusal.NOT_A_FILE: P.NOT_A_FILE,
    FileRefusal.LOOP: P.NOT_A_FILE,
    FileRefusal.TOO_LARGE: P.FILE_TOO_LARGE,
}
_REFUSAL_HINTS = {
    FileRefusal.NOT_A_FILE: "a plan file is a regular text file; check the name and where it links to",
    FileRefusal.LOOP: "a symbolic link here leads back to itself; point it at the file",
    FileRefusal.TOO_LARGE: "split the file with 'include', or raise the limit",
}


def _read_text(
    r: _Reader, file: Path, shown: str, limit: SizeLimit, included_at: Location | None
) -> str | None:
    """A plan file's text, or None with the problem recorded (refused, or not UTF-8 text)."""
    what = "the included file" if included_at is not None else "the plan file"
    try:
        data = read_bytes(file, limit)
    except RefusedFile as exc:
        r.problem(
            _REFUSAL_CODES.get(exc.reason, P.NO_FILE),
            f"{what} {shown} {exc.detail}",
            included_at or Location(shown),
            hint=_REFUSAL_HINTS.get(exc.reason, ""),
        )
        return None
    bad = bad_text(data, "utf-8")
    if bad is None:
        return data.decode("utf-8-sig")
    if bad.byte is None:
        message = f"{what} {shown} holds a NUL character (a zero byte); plan files are text"
        hint = "remove it; an editor that shows control characters finds it"
    elif bad.offset == 0 and bad.looks_like.startswith("UTF-"):
        message = f"{what} {shown} is {bad.looks_like} text; plan files are UTF-8"
        hint = "save the file as UTF-8 (in most editors: Save as, Encoding: UTF-8)"
    else:
        message = f"{what} {shown} is not UTF-8 text: the byte 0x{bad.byte:02X} here is not UTF-8"
        if bad.looks_like:
            message += f"; the file looks like {bad.looks_like}"
        hint = "save the file as UTF-8 (in most editors: Save as, Encoding: UTF-8)"
    r.problem(P.ENCODING, message, Location(shown, bad.line, bad.column), hint=hint)
    return None


def _may_read(
    r: _Reader,
    file: Path,
    root: Path,
    allowed: list[Allowed],
    at: Location | None,
    what: str,
    written: str = "",
    by: str = "",
) -> bool:
    """Whether a file outside the plan's folder may be read: refused with an error unless a
    folder allowed holds it, and reported with a warning when one does."""
    where = place(file, root, allowed)
    if where.inside:
        return True
    shown = written or _display(file, root)
    if os.path.abspath(file) != str(where.path):
        shown += f" (a link to {where.path})"
    shown += by
    if where.allowed_by is None:
        r.problem(
            P.OUTSIDE_FOLDER,
            f"{what} {shown} lies outside the plan's folder; it is not read",
            at,
            hint="move it into the plan's folder, or allow its folder: 'allow_paths: [FOLDER]' "
            "in the 'plan:' section, or --allow-path FOLDER",
        )
        return False
    r.problem(
        P.ALLOWED_OUTSIDE,
        f"{what} {shown} lies outside the plan's folder; read because of {where.allowed_by}",
        at,
        hint="a plan that reads files outside its folder cannot be moved or shared on its own",
        warning=True,
    )
    return True


def _allow(
    r: _Reader, metas: list[tuple[Node, Any]], root: Path, allowed: list[Allowed], *, main_file: bool
) -> None:
    """The folders a file's 'plan:' section allows; only the main file may allow any."""
    for node, meta in metas:
        if not meta.allow_paths:
            continue
        if main_file:
            allowed += [Allowed.of(a, root, "allow_paths") for a in meta.allow_paths]
        else:
            r.problem(
                P.BAD_VALUE,
                "allow_paths counts only in the main plan file's 'plan:' section",
                node.location,
                hint="an included file cannot allow more files to be read; move allow_paths to the main file",
            )


def _check_source_paths(plan: Plan, root: Path, allowed: list[Allowed]) -> list[Problem]:
    """Each source's ``path`` inside the plan's folder, or in a folder allowed (a warning)."""
    r = _Reader()
    for metric in plan.metrics:
        for spec in metric.sources:
            given = spec.query.get("path")
            at = spec.key_locations.get("path") or spec.location or metric.location
            by = f", which the metric '{metric.id}' reads,"
            for written in given if isinstance(given, list) else [given]:  # a file, or a plugin's list
                if isinstance(written, str) and written:
                    _may_read(r, root / written, root, allowed, at, "the file", written, by)
    return r.problems


def _assemble(r: _Reader, parts: _Parts, root: Path, main: Path, allowed: list[Allowed]) -> Plan | None:
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
        allowed_paths=tuple(dict.fromkeys(str(a.path) for a in allowed)),
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


def load_plan(
    path: str | Path, *, extensions: Any = None, allow_paths: Iterable[str | os.PathLike[str]] = ()
) -> Plan:
    """Read and check a plan; return it, or raise :class:`PlanError` listing every problem.

    Warnings do not stop loading; use :func:`validate_plan` to see them. ``allow_paths`` as
    for :func:`validate_plan`.
    """
    return validate_plan(path, extensions=extensions, allow_paths=allow_paths).raise_for_errors()
