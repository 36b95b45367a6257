"""Plan checks: the milestone registers a plan's metrics read, checked against the plan.

Every problem is a warning (a register is the region's working list, not part of
the plan), with a stable code, the file, the line (or sheet row) and column of
the cell, and a hint:

=======  ==================================================================
MS001    a milestone (or a query's ``project``) names an element the plan lacks
MS002    a milestone names a responsible actor the plan lacks
MS003    a milestone is overdue: its due date has passed and it is not done
MS004    a cell cannot be read (an empty project, milestone or due date, a bad date)
MS005    the register cannot be read (missing file or sheet, missing column)
MS006    a milestone names an element that is not a project, action or tool
=======  ==================================================================
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from regionplan.errors import DataSourceError, Location, Problem, Severity
from regionplan.plan.model import Plan, SourceSpec
from regionplan.plan.safefiles import Allowed, place
from regionplan_milestones.register import Register
from regionplan_milestones.source import MilestoneSource, load_register, projects_of

__all__ = ["CODES", "check_plan", "check_register", "suggest_actor", "suggest_element"]

#: The codes of this plugin's warnings and what each means.
CODES: Mapping[str, str] = {
    "MS001": "a milestone names an element the plan lacks",
    "MS002": "a milestone names a responsible actor the plan lacks",
    "MS003": "a milestone is overdue",
    "MS004": "a cell of the register cannot be read",
    "MS005": "the register cannot be read",
    "MS006": "a milestone names an element that is not a project, action or tool",
}


def _warn(code: str, message: str, location: Location | None, hint: str) -> Problem:
    return Problem(code, message, location, hint, Severity.WARNING)


def _suggest(name: str, named: Mapping[str, list[str]]) -> str | None:
    """The id whose id or name is closest to ``name``: ids first, then names and titles."""
    ids = list(named)
    lower = {i.lower(): i for i in ids}
    if name.lower() in lower:
        return lower[name.lower()]
    if close := difflib.get_close_matches(name, ids, n=1, cutoff=0.6):
        return close[0]
    texts = {t.lower(): i for i, ts in named.items() for t in ts if t}
    needle = name.strip().lower()
    if needle in texts:
        return texts[needle]
    if len(needle) >= 6:  # a title written where the id belongs, e.g. without its prefix
        for text, i in texts.items():
            if needle in text:
                return i
    if close := difflib.get_close_matches(needle, list(texts), n=1, cutoff=0.6):
        return texts[close[0]]
    return None


def suggest_element(plan: Plan, name: str) -> str | None:
    """The element a misspelled id, or a title written for an id, most likely means."""
    return _suggest(name, {e.id: [t for _, t in e.title.texts] for e in plan.elements})


def suggest_actor(plan: Plan, name: str) -> str | None:
    """The actor a misspelled id, or a name written for an id, most likely means."""
    return _suggest(name, {a.id: [t for _, t in a.name.texts] for a in plan.actors})


def _did_you_mean(found: str | None) -> str:
    return f"; did you mean {found!r}?" if found else ""


def check_register(register: Register, plan: Plan, *, today: dt.date) -> Iterator[Problem]:
    """The problems of one register against a plan, as of ``today``."""
    for issue in register.issues:
        yield _warn(
            "MS004",
            f"milestone register: {issue.message}",
            register.location(issue.line, issue.column),
            "write a date as 2024-06-30 or 30.06.2024; every milestone needs a project, "
            "a text and a due date",
        )
    elements = {e.id: e for e in plan.elements}
    actors = {a.id for a in plan.actors}
    for m in register.milestones:
        if m.project and m.project not in elements:
            found = suggest_element(plan, m.project)
            yield _warn(
                "MS001",
                f"milestone {m.name!r} names project {m.project!r}, which is not in the plan"
                + _did_you_mean(found),
                register.location(m.line, "project"),
                f"write the element's id (such as {found!r}), not its title"
                if found
                else "write the id of one of the plan's projects or actions in the 'project' column",
            )
        elif m.project and not elements[m.project].kind.is_action:
            kind = elements[m.project].kind.value.replace("_", " ")
            yield _warn(
                "MS006",
                f"milestone {m.name!r} names {m.project!r}, a {kind}, not a project, action or tool",
                register.location(m.line, "project"),
                "milestones follow up what someone does; name the project or action that delivers it",
            )
        for actor in m.responsible:
            if actor not in actors:
                found = suggest_actor(plan, actor)
                yield _warn(
                    "MS002",
                    f"milestone {m.name!r} names {actor!r} responsible, who is not among the "
                    f"plan's actors" + _did_you_mean(found),
                    register.location(m.line, "responsible"),
                    "write an actor id from the plan's actors: "
                    + ", ".join(sorted(actors)[:12])
                    + (" ..." if len(actors) > 12 else ""),
                )
        if m.overdue_on(today) and m.due is not None:
            days = (today - m.due).days
            yield _warn(
                "MS003",
                f"milestone {m.name!r} of {m.project!r} was due {m.due.isoformat()} and is not "
                f"done ({days} day{'s' if days != 1 else ''} overdue on {today.isoformat()})",
                register.location(m.line, "due"),
                "write the date it was done in the 'done' column, or a new due date if the plan changed",
            )


def _specs(plan: Plan) -> Iterator[SourceSpec]:
    for metric in plan.metrics:
        for spec in metric.sources:
            if spec.name == MilestoneSource.name:
                yield spec


def check_plan(plan: Plan, *, today: dt.date | None = None) -> list[Problem]:
    """Read every milestone register the plan's metrics name and check it.

    Each register is checked once, however many metrics read it. A query that
    the source itself refuses is left to the plan's own query check.
    """
    day = today or dt.date.today()
    base = Path(plan.base_dir)
    allowed = [Allowed.of(a, base, "allow_paths") for a in plan.allowed_paths]
    problems: list[Problem] = []
    registers: dict[tuple[Any, ...], Register | None] = {}
    elements = {e.id for e in plan.elements}
    for spec in _specs(plan):
        query = spec.query
        if MilestoneSource.check_query(query):
            continue
        for project in projects_of(query):
            if project not in elements:
                found = suggest_element(plan, project)
                problems.append(
                    _warn(
                        "MS001",
                        f"the milestones source's 'project' names {project!r}, which is not in the "
                        f"plan" + _did_you_mean(found),
                        spec.location,
                        "write the id of the project whose milestones the metric counts",
                    )
                )
        path = Path(str(query["path"]))
        key = (str(path), query.get("sheet"), query.get("encoding"), query.get("delimiter"))
        if key in registers:
            continue
        if place(base / path, base, allowed).refused:
            continue  # outside the plan's folder: never read; the plan's own check reports it
        try:
            register = load_register(base / path, query)
        except DataSourceError as exc:
            registers[key] = None
            problems.append(
                _warn(
                    "MS005",
                    f"the milestone register cannot be read: {exc}",
                    spec.location,
                    "check the source's 'path' (relative to the plan's folder), 'sheet' and the "
                    "register's header row",
                )
            )
            continue
        registers[key] = register
        problems.extend(check_register(register, plan, today=day))
    return problems
