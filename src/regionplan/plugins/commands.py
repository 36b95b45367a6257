"""The plugins' commands on the command line, run as the built-in ones are.

A plugin adds commands through :func:`~regionplan.hookspecs.regionplan_register_commands`.
Each command it adds is run through the command line's own error handling, and an
exception of its own code (not a user's error it raises on purpose) names the plugin.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from regionplan.errors import PluginError, RegionplanError

__all__ = ["add_commands"]

#: What a command may raise on purpose: a user's error, and click's own ways to stop.
_ALLOWED = (RegionplanError, click.ClickException, click.exceptions.Exit, click.Abort)


def add_commands(
    ext: Any, group: click.Group, run: Callable[[Callable[[], Any]], Any], *, debug: bool
) -> None:
    """Let every plugin add its commands to ``group``; each command then runs through ``run``.

    A plugin whose hook fails is named in a warning (with ``debug``, its error is raised),
    and the other plugins' commands still load.
    """
    for impl in ext.pm.hook.regionplan_register_commands.get_hookimpls():
        before = dict(group.commands)
        try:
            with ext.guard(impl.plugin_name, "regionplan_register_commands", builtin_too=True):
                impl.function(cli=group)
        except PluginError as exc:
            if debug:
                raise
            click.echo(f"warning: commands not loaded: {exc}", err=True)
        for name, command in group.commands.items():
            if before.get(name) is not command:  # added (or replaced) by this plugin
                _guard(command, ext, impl.plugin_name, run)


def _guard(command: click.Command, ext: Any, plugin: str, run: Callable[[Callable[[], Any]], Any]) -> None:
    for sub in getattr(command, "commands", {}).values():
        _guard(sub, ext, plugin, run)
    callback = command.callback
    if callback is None:
        return

    def guarded(*args: Any, **kwargs: Any) -> Any:
        def body() -> Any:
            with ext.guard(plugin, f"the command {command.name!r}", passes=_ALLOWED):
                return callback(*args, **kwargs)

        return run(body)

    command.callback = functools.update_wrapper(guarded, callback)
