"""The plan as a workbook a secretariat edits, and the edits brought back into the plan files.

:func:`export_workbook` writes the action programme: the elements, the targets, who is
responsible for what (and the actors, for reference). :func:`import_workbook` reads what
was changed in the columns it reads (:mod:`.layout` lists them), checks every cell, and
writes the changes into the plan's own files with their comments and layout kept; the
result is validated, and the files stay as they were when it does not validate.

* :mod:`.layout` — the sheets and columns; writing the workbook;
* :mod:`.reading` — opening a workbook with care, and what its cells change;
* :mod:`.apply` — the changes made in the plan files' text.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from regionplan.errors import PlanError
from regionplan.plan.files import validate_plan
from regionplan.plan.model import Plan
from regionplan.scaffold.workbook.apply import FileChange, plan_edits
from regionplan.scaffold.workbook.layout import export_workbook
from regionplan.scaffold.workbook.reading import Cell, Changes, WorkbookError, read_changes

__all__ = [
    "Cell",
    "Changes",
    "FileChange",
    "Imported",
    "InvalidChanges",
    "WorkbookError",
    "export_workbook",
    "import_workbook",
]


class InvalidChanges(PlanError):
    """The workbook's changes would make the plan invalid: the files were put back as they were."""


@attrs.frozen
class Imported:
    """What an import changed (or, in a dry run, would change), and the notes on its cells."""

    files: tuple[FileChange, ...]
    notes: tuple[Cell, ...]
    written: bool


def import_workbook(
    plan_path: str | os.PathLike[str],
    workbook: str | os.PathLike[str],
    *,
    extensions: Any = None,
    allow_paths: Iterable[str | os.PathLike[str]] = (),
    dry_run: bool = False,
) -> Imported:
    """Bring a workbook's edits into the plan at ``plan_path``.

    Nothing is written when a cell has a problem, and in a dry run. After writing, the plan
    is validated again; when it has errors, every file is put back as it was.

    Raises:
        PlanError: the plan does not load.
        InvalidChanges: the plan would not validate with the changes (its errors).
        WorkbookError: the workbook cannot be read, or cells have problems (by sheet, row
            and column).
    """
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        msg = 'reading Excel workbooks needs openpyxl; install it with: pip install "regionplan[excel]"'
        raise WorkbookError(msg) from None
    allowed = tuple(allow_paths)
    plan: Plan = validate_plan(Path(plan_path), extensions=extensions, allow_paths=allowed).raise_for_errors()
    changes = read_changes(Path(workbook), plan)
    files = tuple(f for f in plan_edits(plan, changes) if f.new != f.old)
    if dry_run or not files:
        return Imported(files, changes.notes, written=False)
    done: list[FileChange] = []
    try:
        for change in files:
            _replace(change.path, change.new)
            done.append(change)
        result = validate_plan(Path(plan_path), extensions=extensions, allow_paths=allowed)
        if result.errors:
            raise InvalidChanges(result.errors)
    except BaseException:
        for change in reversed(done):
            _replace(change.path, change.old)
        raise
    return Imported(files, changes.notes, written=True)


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` at once: a reader sees the old file or the new, never half."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
