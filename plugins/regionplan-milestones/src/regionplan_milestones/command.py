"""``regionplan milestones PATH``: a register's milestones by project and by actor.

Each milestone is listed under its project with a mark: ``[x]`` done, ``[!]``
overdue, ``[ ]`` open. A summary by responsible actor follows. With ``--plan``,
projects and actors are shown with their titles and names from the plan, and
the plan checks (``MS001``–``MS006``) are printed below.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from regionplan.errors import RegionplanError
from regionplan.plan.model import Plan
from regionplan_milestones.register import Milestone, Register, read_register

__all__ = ["mark", "milestones_command"]


def mark(m: Milestone, today: dt.date) -> str:
    """``[x]`` done, ``[!]`` overdue, ``[ ]`` open."""
    if m.done_by(today):
        return "[x]"
    if m.overdue_on(today):
        return "[!]"
    return "[ ]"


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else "—"


def _lines(register: Register, today: dt.date, plan: Plan | None) -> list[str]:
    titles = {e.id: e.title.get() for e in plan.elements} if plan else {}
    names = {a.id: a.name.get() for a in plan.actors} if plan else {}
    out: list[str] = [f"{register.label}: {len(register.milestones)} milestone(s) on {today.isoformat()}"]
    by_project: dict[str, list[Milestone]] = {}
    for m in register.milestones:
        by_project.setdefault(m.project, []).append(m)
    for project in sorted(by_project):
        items = sorted(by_project[project], key=lambda m: (m.due or dt.date.max, m.line))
        title = f"  {titles[project]}" if project in titles else ""
        out.append("")
        out.append(f"{project or '(no project)'}{title}")
        for m in items:
            who = ", ".join(m.responsible) or "—"
            when = f"  done {_date(m.done)}" if m.done_by(today) else ""
            out.append(f"  {mark(m, today)} {_date(m.due)}  {m.name}  ({who}){when}")
    out.append("")
    out.append("By actor:")
    by_actor: dict[str, list[Milestone]] = {}
    for m in register.milestones:
        for actor in m.responsible or ("(nobody)",):
            by_actor.setdefault(actor, []).append(m)
    width = max((len(a) for a in by_actor), default=0)
    for actor in sorted(by_actor):
        items = by_actor[actor]
        done = sum(m.done_by(today) for m in items)
        overdue = sum(m.overdue_on(today) for m in items)
        name = f"  {names[actor]}" if actor in names else ""
        out.append(f"  {actor:<{width}}  {len(items)} milestone(s), {done} done, {overdue} overdue{name}")
    overdue_all = sum(m.overdue_on(today) for m in register.milestones)
    out.append("")
    out.append(f"{overdue_all} overdue")
    return out


def _fail(message: str) -> None:
    from regionplan.cli import EXIT_USER

    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USER)


@click.command(name="milestones")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--sheet", help="The sheet of a workbook (name, or number with 1 for the first).")
@click.option("--delimiter", help='A CSV file\'s separator (default "," or ";" when the header uses it).')
@click.option("--encoding", default="utf-8-sig", show_default=True, help="A CSV file's encoding.")
@click.option("--as-of", "as_of", help="The day to mark overdue milestones on (YYYY-MM-DD; default today).")
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(path_type=Path),
    help="A plan: show titles and names, and check the register against it.",
)
def milestones_command(
    path: Path,
    sheet: str | None,
    delimiter: str | None,
    encoding: str,
    as_of: str | None,
    plan_path: Path | None,
) -> None:
    """List a milestone register's milestones by project and actor; mark the overdue ones."""
    try:
        today = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError:
        _fail(f"not a date: {as_of!r} (write YYYY-MM-DD)")
        return
    chosen_sheet: str | int | None = int(sheet) if sheet and sheet.isdigit() else sheet
    try:
        register = read_register(
            path, label=str(path), sheet=chosen_sheet, encoding=encoding, delimiter=delimiter
        )
        plan = None
        if plan_path is not None:
            from regionplan.plan.files import load_plan

            plan = load_plan(plan_path)
    except RegionplanError as exc:
        _fail(str(exc))
        return
    for line in _lines(register, today, plan):
        click.echo(line)
    problems: Sequence[object] = ()
    if plan is not None:
        from regionplan.errors import sort_problems
        from regionplan_milestones.checks import check_register

        problems = sort_problems(check_register(register, plan, today=today))
    elif register.issues:
        for issue in register.issues:
            click.echo(f"{register.at(issue.line, issue.column)}: {issue.message}", err=True)
    if problems:
        click.echo("")
        for p in problems:
            click.echo(str(p))
