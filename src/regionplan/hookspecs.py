"""The hooks a regionplan plugin can implement.

A plugin is a module or object with functions decorated by :data:`hookimpl`.
Every hook is named ``regionplan_*``. The built-in loaders, sources, renderers,
projections and policies are plugins registered through these same hooks.

The hooks:

* :func:`regionplan_register_units` — add units to the unit registry;
* :func:`regionplan_register_loaders` — read another plan-file format;
* :func:`regionplan_validate_plan` — check a loaded plan, returning problems;
* :func:`regionplan_register_sources` — add a data source;
* :func:`regionplan_register_renderers` — add an output format;
* :func:`regionplan_register_projections` — add a projection method for targets;
* :func:`regionplan_register_status_policies` — add a rule that judges a target;
* :func:`regionplan_register_rollup_policies` — add a rule that rolls statuses up to goals;
* :func:`regionplan_register_commands` — add subcommands to the command line.

Most hooks receive a ``register`` callback: call it once per contribution. The
host checks each contribution, refuses duplicate names and records which plugin
made it, so an error names the plugin at fault.

A plugin that breaks its contract stops the run with a
:class:`~regionplan.errors.PluginError` that names the plugin and the package it came
from (``plugin 'myplugin' (regionplan-myplugin 1.2) failed in ...``), with the plugin's
exception as its cause; the command line says so and exits with 3, and ``--debug`` shows
the plugin's traceback. That is: a hook, or an object a plugin registered (a source, a
renderer, a policy, a projection, a loader, a command), raising anything but the errors
its contract names, or returning what its contract does not allow (each hook below says
what it must return). The errors a contract names are not faults: a source's
:class:`~regionplan.errors.DataSourceError` is a failure of the data, reported as such,
and the next source is asked.
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

__all__ = [
    "HOOK_NAMES",
    "PROJECT_NAME",
    "hookimpl",
    "hookspec",
    "regionplan_register_commands",
    "regionplan_register_loaders",
    "regionplan_register_projections",
    "regionplan_register_renderers",
    "regionplan_register_rollup_policies",
    "regionplan_register_sources",
    "regionplan_register_status_policies",
    "regionplan_register_units",
    "regionplan_validate_plan",
]


@hookspec
def regionplan_register_units(register: Callable[[str], None]) -> None:
    """Add units to the library's pint registry.

    :param register: call with one pint definition per unit, e.g.
        ``register("household = [household] = households")``.
        Redefining an existing unit raises :class:`~regionplan.errors.UnitDefinitionError`
        naming the plugin; a definition that is not a string is a plugin fault.
    """


@hookspec
def regionplan_register_loaders(register: Callable[..., None]) -> None:
    """Add a reader for a plan-file format.

    :param register: call as ``register(suffixes, loader)`` where ``suffixes`` is a
        tuple such as ``(".yaml", ".yml")`` and ``loader(path, text)`` returns the
        document as a :class:`regionplan.plan.nodes.Node` tree (values with their line and
        column). A loader must never execute code found in the file, and raises
        :class:`regionplan.plan.nodes.SyntaxProblem` for text it cannot read; any other
        exception, or a result that is not a node tree, is a plugin fault.
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
    :returns: the problems found (a list, or a generator), or ``None``. Anything else,
        or an exception, is a plugin fault: validation stops and names the plugin.
    """


@hookspec
def regionplan_register_sources(register: Callable[..., None]) -> None:
    """Add a data source.

    :param register: call as ``register(name, source_class)``. ``name`` is what a
        plan writes under ``source: {name: ...}``; ``source_class`` subclasses
        :class:`regionplan.data.sources.DataSource` and is built with a
        :class:`regionplan.data.sources.SourceContext`; or a
        :class:`regionplan.deferred.Deferred` naming it, imported when first used.

    What the source's methods must do:

    * ``check_query(query)`` returns a list of messages (strings), empty for a good query;
    * ``fetch(request)`` returns :class:`~regionplan.data.series.Observations` (one value
      per area and period: equal one-dimensional columns) or raises
      :class:`~regionplan.errors.DataSourceError` (or its
      :class:`~regionplan.data.sources.SourceFailed`) when the data cannot be had;
    * ``recovered(request)`` returns a tuple of
      :class:`~regionplan.data.attempts.SourceFailure`.

    A ``DataSourceError`` from the constructor, ``prepare`` or ``fetch`` is a failure of the
    data (the metric gets "insufficient data" and the reason, or the next source delivers);
    any other exception, or another return value, is a plugin fault.
    """


@hookspec
def regionplan_register_renderers(register: Callable[..., None]) -> None:
    """Add an output format.

    :param register: call as ``register(renderer)`` with an instance of a
        :class:`regionplan.report.renderers.Renderer` subclass; its ``format`` names it
        (``"html"``, ``"md"``), so ``regionplan report --format NAME`` finds it. Or call
        ``register(Deferred("package.module:Renderer", call=True, format=NAME))``
        (:class:`regionplan.deferred.Deferred`) to import it only when a report is written.

    ``render`` returns text (``str``), or ``bytes`` when the renderer sets ``binary = True``,
    and raises :class:`~regionplan.errors.RenderError` for a failure the user can fix (a
    missing optional dependency); that error reaches the user as it is. Any other exception,
    or another return value, becomes a :class:`~regionplan.errors.PluginRenderError` (a
    ``RenderError`` and a ``PluginError``) naming the plugin.
    """


@hookspec
def regionplan_register_projections(register: Callable[..., None]) -> None:
    """Add a projection method for targets (``projection: NAME`` in a plan).

    :param register: call as ``register(name, projector)`` with a
        :class:`regionplan.evaluation.projection.Projector` (or a
        :class:`~regionplan.deferred.Deferred` naming it). Its ``project`` returns a
        :class:`~regionplan.evaluation.projection.Projection` whose arrays hold one number
        per row of ``values``; another return, or an exception, is a fault of this plugin
        (not of the status policy that called it).
    """


@hookspec
def regionplan_register_status_policies(register: Callable[..., None]) -> None:
    """Add a status policy: the rule that turns evidence into achieved / on track /
    off track / insufficient data.

    :param register: call as ``register(name, policy)`` with a
        :class:`regionplan.evaluation.status.StatusPolicy` (or a
        :class:`~regionplan.deferred.Deferred` naming it). Its ``judge`` returns a
        :class:`~regionplan.evaluation.status.Judgement` whose arrays are numpy arrays
        of one entry per target and area: ``status`` integer codes 0 to 3, ``reason``
        strings, numbers in the numeric fields. Another return, or an exception, is a
        plugin fault, found before a status is reported.
    """


@hookspec
def regionplan_register_rollup_policies(register: Callable[..., None]) -> None:
    """Add a roll-up policy: how a goal's status follows from its children.

    A policy decides the status and score; the coverage, the mix of the measured children
    and the caveats are computed by the base class for every policy.

    :param register: call as ``register(name, policy)`` with a
        :class:`regionplan.evaluation.rollup.RollupPolicy` (or a
        :class:`~regionplan.deferred.Deferred` naming it). Its ``combine_many`` returns
        three arrays of one entry per area (integer status codes 0 to 3, scores, coverage);
        another return, or an exception, is a plugin fault.
    """


@hookspec
def regionplan_register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``regionplan`` command line.

    :param cli: the top-level :class:`click.Group`; decorate new commands with
        ``@cli.command()``.

    A command runs as a built-in one does: a :class:`~regionplan.errors.RegionplanError`
    it raises is the user's error (exit 3; a ``PlanError``, exit 1), click's own exceptions
    keep their meaning, and any other exception is a plugin fault naming the plugin
    (exit 3). A hook that fails here leaves the other plugins' commands working, with a
    warning.
    """


#: Hook names, for documentation and tests.
HOOK_NAMES: tuple[str, ...] = tuple(name for name in list(globals()) if name.startswith("regionplan_"))
