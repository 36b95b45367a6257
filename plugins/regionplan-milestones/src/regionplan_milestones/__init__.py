"""regionplan-milestones: a region's own milestone register, as data, checks and a command.

A region keeps its projects' milestones in a spreadsheet (CSV or Excel), one a
row: ``project``, ``milestone``, ``due``, ``done``, ``responsible``, ``note``.
Installing this package adds to regionplan:

* the ``milestones`` data source (:class:`~regionplan_milestones.source.MilestoneSource`):
  milestones done, the share done or the number overdue at the end of each year,
  so a ``milestone`` target can follow a project;
* plan checks (:mod:`regionplan_milestones.checks`): warnings ``MS001``–``MS006``
  for milestones naming unknown projects or actors, overdue milestones and
  unreadable cells, each with the register's file, line and column;
* the command ``regionplan milestones PATH``
  (:mod:`regionplan_milestones.command`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from regionplan import hookimpl
from regionplan_milestones.source import MilestoneSource

if TYPE_CHECKING:
    import click

    from regionplan.errors import Problem
    from regionplan.plan.graph import GoalGraph
    from regionplan.plan.model import Plan

__all__ = [
    "MilestoneSource",
    "regionplan_register_commands",
    "regionplan_register_sources",
    "regionplan_validate_plan",
]

__version__ = "0.1.0"


@hookimpl
def regionplan_register_sources(register: Callable[..., Any]) -> None:
    register(MilestoneSource.name, MilestoneSource)


@hookimpl
def regionplan_validate_plan(plan: Plan, graph: GoalGraph) -> Iterable[Problem] | None:
    from regionplan_milestones.checks import check_plan

    return check_plan(plan, today=dt.date.today()) or None


@hookimpl
def regionplan_register_commands(cli: click.Group) -> None:
    from regionplan_milestones.command import milestones_command

    cli.add_command(milestones_command)
