"""The hooks a regionplan plugin can implement.

A plugin is a module or object with functions decorated by :data:`hookimpl`.
Every hook is named ``regionplan_*``. The built-in loaders, sources, renderers,
projections and policies are plugins registered through these same hooks.

Most hooks receive a ``register`` callback: call it once per contribution. The
host checks each contribution, refuses duplicate names and records which plugin
made it, so an error names the plugin at fault.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from regionplan.markers import PROJECT_NAME, hookimpl, hookspec

if TYPE_CHECKING:
    import click

    from regionplan.errors import Problem
    from regionplan.plan.graph import GoalGraph
    from regionplan.plan.model import Plan

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]


@hookspec
def regionplan_register_units(register: Callable[[str], None]) -> None:
    """Add units to the library's pint registry.

    :param register: call with one pint definition per unit, e.g.
        ``register("household = [household] = households")``.
        Redefining an existing unit raises :class:`~regionplan.errors.UnitDefinitionError`
        naming the plugin.
    """


@hookspec
def regionplan_register_loaders(register: Callable[..., None]) -> None:
    """Add a reader for a plan-file format.

    :param register: call as ``register(suffixes, loader)`` where ``suffixes`` is a
        tuple such as ``(".yaml", ".yml")`` and ``loader(path, text)`` returns the
        document as a :class:`regionplan.plan.nodes.Node` tree (values with their line and
        column). A loader must never execute code found in the file, and raises
        :class:`regionplan.plan.nodes.SyntaxProblem` for text it cannot read.
        A suffix may be claimed by one plugin only.
    """


@hookspec
def regionplan_validate_plan(plan: Plan, graph: GoalGraph) -> Iterable[Problem] | None:
    """Check a loaded plan and return the problems found.

    Runs after the built-in checks, on plans with no structural errors. Return
    :class:`~regionplan.errors.Problem` values (errors or warnings); each plugin's
    problems are added to the report. Use codes of your own with a prefix of your
    plugin's, not ``RP``.

    :param plan: the plan as loaded.
    :param graph: its goal graph.
    :returns: the problems found, or ``None``.
    """


@hookspec
def regionplan_register_sources(register: Callable[..., None]) -> None:
    """Add a data source.

    :param register: call as ``register(name, source_class)``. ``name`` is what a
        plan writes under ``source: {name: ...}``; ``source_class`` subclasses
        :class:`regionplan.data.sources.DataSource` and is built with a
        :class:`regionplan.data.sources.SourceContext`.
    """


@hookspec
def regionplan_register_renderers(register: Callable[..., None]) -> None:
    """Add an output format.

    :param register: call as ``register(renderer)`` with an instance of a
        :class:`regionplan.report.renderers.Renderer` subclass; its ``format`` names it
        (``"html"``, ``"md"``), so ``regionplan report --format NAME`` finds it.
    """


@hookspec
def regionplan_register_projections(register: Callable[..., None]) -> None:
    """Add a projection method for targets (``projection: NAME`` in a plan).

    :param register: call as ``register(name, projector)`` with a
        :class:`regionplan.evaluation.projection.Projector`.
    """


@hookspec
def regionplan_register_status_policies(register: Callable[..., None]) -> None:
    """Add a status policy: the rule that turns evidence into achieved / on track /
    off track / insufficient data.

    :param register: call as ``register(name, policy)`` with a
        :class:`regionplan.evaluation.status.StatusPolicy`.
    """


@hookspec
def regionplan_register_rollup_policies(register: Callable[..., None]) -> None:
    """Add a roll-up policy: how a goal's status follows from its children.

    A policy decides the status and score; the coverage, the mix of the measured children
    and the caveats are computed by the base class for every policy.

    :param register: call as ``register(name, policy)`` with a
        :class:`regionplan.evaluation.rollup.RollupPolicy`.
    """


@hookspec
def regionplan_register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``regionplan`` command line.

    :param cli: the top-level :class:`click.Group`; decorate new commands with
        ``@cli.command()``.
    """


#: Hook names, for documentation and tests.
HOOK_NAMES: tuple[str, ...] = tuple(name for name in list(globals()) if name.startswith("regionplan_"))
