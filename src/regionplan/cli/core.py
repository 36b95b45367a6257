"""The command group, its error handling and the entry point: user errors become messages and exit codes."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import click

from regionplan import __version__
from regionplan.errors import PlanError, PluginError, RegionplanError

__all__ = ["EXIT_INTERNAL", "EXIT_PLAN", "EXIT_USAGE", "EXIT_USER", "cli", "main"]

EXIT_PLAN = 1
EXIT_USAGE = 2
EXIT_USER = 3
EXIT_INTERNAL = 4


class _State:
    debug = False
    #: the folders outside a plan's folder that --allow-path allows, for this command
    allow_paths: tuple[Path, ...] = ()
    #: --timeout and --retries for the sources that use the network, for this command
    network: Mapping[str, float] = MappingProxyType({})
    #: why the plugins did not load, when they did not (said once: by the command, or at exit)
    plugins_failed: str | None = None


def _fail(message: str, code: int) -> NoReturn:
    if _State.plugins_failed is not None and _State.plugins_failed in message:
        _State.plugins_failed = None  # the command says it itself: no warning besides
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _run(action: Callable[[], Any]) -> Any:
    """Run a command body: user errors become messages and exit codes, never tracebacks."""
    try:
        return action()
    except PlanError as exc:
        if _State.debug:
            raise
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        n_err = len(exc.errors)
        n_warn = len(exc.problems) - n_err
        click.echo(f"{n_err} error(s), {n_warn} warning(s)", err=True)
        sys.exit(EXIT_PLAN)
    except PluginError as exc:
        if _State.debug:
            raise
        if exc.builtin:  # a built-in plugin's fault is a bug in regionplan
            _fail(f"internal error ({exc}); run again with --debug and report it", EXIT_INTERNAL)
        hint = "\n  hint: run again with --debug to see the plugin's traceback" if exc.__cause__ else ""
        _fail(f"{exc}{hint}", EXIT_USER)
    except RegionplanError as exc:
        if _State.debug:
            raise
        _fail(str(exc), EXIT_USER)
    except BrokenPipeError:
        # The reader went away (`regionplan plugins | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except OSError as exc:
        if _State.debug:
            raise
        _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), EXIT_USER)
    except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:
        if _State.debug:
            raise
        _fail(
            f"internal error ({type(exc).__name__}: {exc}); run again with --debug and report it",
            EXIT_INTERNAL,
        )


class _Group(click.Group):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("standalone_mode", True)
        return super().main(*args, **kwargs)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="regionplan")
@click.option("--debug", is_flag=True, help="Show a traceback for any error.")
def cli(debug: bool) -> None:
    """Regional strategic plans as validated goal graphs, evaluated on real data."""
    _State.debug = debug
    warnings.showwarning = _show_warning


def _show_warning(message: Warning | str, *args: Any, **kwargs: Any) -> None:
    """A library's warning (a cache that cannot be written) as one line, without source lines."""
    click.echo(f"warning: {message}", err=True)


def _extensions() -> Any:
    from regionplan.plugins import default_extensions

    return default_extensions()


def _load_plugin_commands() -> None:
    try:
        ext = _extensions()
    except RegionplanError as exc:
        # Said at exit unless the command fails on it and says so: `--help` still works,
        # and a plugin's command missing from it is explained.
        _State.plugins_failed = str(exc)
        return
    from regionplan.plugins.commands import add_commands

    add_commands(ext, cli, _run, debug=_State.debug)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``regionplan`` console script."""
    if "--debug" in (argv if argv is not None else sys.argv[1:]):
        _State.debug = True
    _run(_load_plugin_commands)
    try:
        cli.main(args=argv, prog_name="regionplan")
    finally:
        if _State.plugins_failed is not None:
            click.echo(f"warning: plugins not loaded: {_State.plugins_failed}", err=True)
            _State.plugins_failed = None


if __name__ == "__main__":  # pragma: no cover
    main()
