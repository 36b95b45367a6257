"""The ``milestones`` source: a milestone register as yearly observations.

A plan's metric counts milestones from the register::

    source:
      name: milestones
      path: data/milestones.csv        # or .xlsx; relative to the plan's folder
      project: ap3-project-innovative-procurement   # one element, a list, or leave out for all
      measure: done_count              # done_count | done_share | overdue_count

Query keys:

``path`` (required)
    the register, a CSV file or an Excel workbook (``.xlsx``; needs openpyxl).
``measure`` (required)
    ``done_count``
        milestones done by the end of each year (a running total; unit: the metric's).
    ``done_share``
        the share of the selected milestones done by the end of each year, in percent.
    ``overdue_count``
        milestones due by the end of each year and not done by then.
``project``
    an element id or a list of them: count only their milestones (default: all).
``responsible``
    an actor id: count only the milestones this actor is responsible for.
``sheet``
    a workbook's sheet, by name or number (1 for the first; default the first).
``encoding``, ``delimiter``
    a CSV file's encoding (default ``utf-8-sig``) and separator (default ``","``,
    or ``";"`` when the header is separated by semicolons).
``area``
    the area the counts are for; default ``"region"`` (the plan's region as a whole).
``table``, ``credit``, ``licence``, ``note``
    provenance: the register's name (default: the file's name), the credit line
    (default: "the region's own milestone register"), its licence and a note.

Observations run from the first year in which a selected milestone is due or
done to the last year that had ended when the register was last saved (the
file's modification time, which is also the provenance's retrieval time): a
year still running has no count yet.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from regionplan.data.provenance import Provenance
from regionplan.data.sources import DataSource, SourceContext, SourceRequest
from regionplan.data.sources.tabular import query_text
from regionplan.errors import DataSourceError
from regionplan_milestones.register import Milestone, Register, closest, read_register

if TYPE_CHECKING:
    from regionplan.data.series import Observations

__all__ = ["DEFAULT_AREA", "DEFAULT_CREDIT", "MEASURES", "MilestoneSource", "yearly"]

#: What a query's ``measure`` may be.
MEASURES: tuple[str, ...] = ("done_count", "done_share", "overdue_count")
DEFAULT_AREA = "region"
DEFAULT_CREDIT = "the region's own milestone register"
_TEXT_KEYS = ("responsible", "area", "table", "credit", "licence", "note")


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def projects_of(query: Mapping[str, Any]) -> tuple[str, ...]:
    """The projects a query selects (empty: all)."""
    project = query.get("project")
    if project is None:
        return ()
    if isinstance(project, str):
        return (project.strip(),)
    return tuple(str(p).strip() for p in project)


def select(
    milestones: Sequence[Milestone], projects: Sequence[str], responsible: str | None
) -> list[Milestone]:
    """The milestones of ``projects`` (all when empty) and of ``responsible`` (if given)."""
    wanted = set(projects)
    return [
        m
        for m in milestones
        if (not wanted or m.project in wanted) and (responsible is None or responsible in m.responsible)
    ]


def yearly(milestones: Sequence[Milestone], measure: str, last_year: int) -> tuple[list[str], list[float]]:
    """One value per year, from the first year a milestone is due or done to ``last_year``.

    Args:
        milestones: the milestones counted.
        measure: one of :data:`MEASURES`.
        last_year: the last year to count (the last complete year of the register).

    Returns:
        the years as period labels and the values.
    """
    years = [d.year for m in milestones for d in (m.due, m.done) if d is not None]
    if not years:
        return [], []
    periods: list[str] = []
    values: list[float] = []
    for year in range(min(years), last_year + 1):
        end = dt.date(year, 12, 31)
        done = sum(m.done_by(end) for m in milestones)
        if measure == "done_count":
            value = float(done)
        elif measure == "done_share":
            value = 100.0 * done / len(milestones)
        else:
            value = float(sum(m.due is not None and m.due <= end and not m.done_by(end) for m in milestones))
        periods.append(str(year))
        values.append(value)
    return periods, values


class MilestoneSource(DataSource):
    """A region's milestone register (``name: milestones``); see the module's documentation."""

    name: ClassVar[str] = "milestones"
    required_keys: ClassVar[tuple[str, ...]] = ("path", "measure")
    optional_keys: ClassVar[tuple[str, ...] | None] = (
        "project",
        "sheet",
        "encoding",
        "delimiter",
        *_TEXT_KEYS,
    )

    def __init__(self, context: SourceContext) -> None:
        super().__init__(context)
        self._registers: dict[tuple[Any, ...], Register] = {}

    @classmethod
    def check_query(cls, query: Mapping[str, Any]) -> list[str]:
        given: object = query  # a plan may hold anything here
        if not isinstance(given, Mapping):
            return [f"the {cls.name} source's query must be a mapping, not {given!r}"]
        problems = super().check_query(query)
        if "path" in query and not _is_text(query["path"]):
            problems.append(f"the {cls.name} source's 'path' must be a file name, not {query['path']!r}")
        if "measure" in query and query["measure"] not in MEASURES:
            measure = query["measure"]
            msg = f"the {cls.name} source's 'measure' must be one of {', '.join(MEASURES)}, not {measure!r}"
            if isinstance(measure, str) and (close := closest(measure, MEASURES)):
                msg += f"; did you mean {close!r}?"
            problems.append(msg)
        if "project" in query:
            project = query["project"]
            items = project if isinstance(project, list | tuple) else [project]
            if not items or not all(_is_text(p) for p in items):
                problems.append(
                    f"the {cls.name} source's 'project' must be an element id or a list of them, "
                    f"not {project!r}"
                )
        if "sheet" in query:
            sheet = query["sheet"]
            if not (
                _is_text(sheet) or (isinstance(sheet, int) and not isinstance(sheet, bool) and sheet > 0)
            ):
                problems.append(
                    f"the {cls.name} source's 'sheet' must be a sheet name or number (1 for the first), "
                    f"not {sheet!r}"
                )
        for key in _TEXT_KEYS:
            if key in query and not _is_text(query[key]):
                problems.append(f"the {cls.name} source's '{key}' must be a text, not {query[key]!r}")
        if "encoding" in query:
            try:
                codecs.lookup(query["encoding"])
            except (LookupError, TypeError, ValueError):
                problems.append(f"the {cls.name} source does not know the encoding {query['encoding']!r}")
        if "delimiter" in query:
            delimiter = query["delimiter"]
            if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n':
                problems.append(
                    f"the {cls.name} source's 'delimiter' must be one character such as \";\", "
                    f"not {delimiter!r}"
                )
        return problems

    def register(self, query: Mapping[str, Any]) -> Register:
        """The register a query names, read once per file version and reading options."""
        return load_register(self.context.resolve(str(query["path"])), query, cache=self._registers)

    def fetch(self, request: SourceRequest) -> Observations:
        import numpy as np  # here, not above: a plan naming this source checks without numpy

        from regionplan.data.series import Observations

        query = request.query
        if problems := self.check_query(query):
            msg = f"metric {request.metric!r}: " + "; ".join(problems)
            raise DataSourceError(msg)
        register = self.register(query)
        register.raise_for_issues()
        projects = projects_of(query)
        responsible = query.get("responsible")
        chosen = select(register.milestones, projects, responsible)
        if not chosen:
            raise DataSourceError(_nothing_selected(register, projects, responsible))
        last_year = register.modified.year - 1
        periods, values = yearly(chosen, query["measure"], last_year)
        if not periods:
            msg = (
                f"{register.label}: the selected milestones are due or done only in years that had "
                f"not ended when the register was saved ({register.modified.date().isoformat()}); "
                f"there is nothing to count yet"
            )
            raise DataSourceError(msg)
        area = str(query.get("area", DEFAULT_AREA)).strip()
        provenance = Provenance(
            source=self.name,
            table=str(query.get("table", "")) or register.path.name,
            query=query_text(query),
            retrieved=register.modified,
            licence=query.get("licence", ""),
            credit=query.get("credit", DEFAULT_CREDIT),
            notes=query.get("note", ""),
        )
        unit = "percent" if query["measure"] == "done_share" else None
        return Observations([area] * len(periods), periods, np.asarray(values, dtype=float), unit, provenance)

    def close(self) -> None:
        self._registers.clear()


def load_register(
    path: Path, query: Mapping[str, Any], *, cache: dict[tuple[Any, ...], Register] | None = None
) -> Register:
    """Read the register a query names (``path`` resolved by the caller), with a cache.

    Raises:
        DataSourceError: the file is missing or unreadable, or lacks a required column.
    """
    label = str(query["path"])
    try:
        st = path.stat()
    except OSError:
        st = None
    key: tuple[Any, ...] = (
        os.path.abspath(path),
        st.st_mtime_ns if st else None,
        st.st_size if st else None,
        query.get("sheet"),
        query.get("encoding", "utf-8-sig"),
        query.get("delimiter"),
    )
    if cache is not None and st is not None and key in cache:
        return cache[key]
    register = read_register(
        path,
        label=label,
        sheet=query.get("sheet"),
        encoding=query.get("encoding", "utf-8-sig"),
        delimiter=query.get("delimiter"),
    )
    if cache is not None:
        cache[key] = register
    return register


def _nothing_selected(register: Register, projects: Sequence[str], responsible: str | None) -> str:
    if not register.milestones:
        return f"{register.label}: the register holds no milestones"
    known = sorted({m.project for m in register.milestones})
    msg = f"{register.label}: no milestones"
    for project in projects:
        if project not in known:
            msg += f"; no milestone names project {project!r}"
            if close := closest(project, known):
                msg += f" (did you mean {close!r}?)"
            return msg
    if responsible is not None:
        msg += f" of project(s) {', '.join(projects)}" if projects else ""
        msg += f" with {responsible!r} responsible"
        actors = sorted({a for m in register.milestones for a in m.responsible})
        if close := closest(responsible, actors):
            msg += f" (did you mean {close!r}?)"
    return msg
