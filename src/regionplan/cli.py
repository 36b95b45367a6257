"""The ``regionplan`` command line.

Exit codes:

====  =====================================================================
0     success (a plan with warnings only is a success)
1     the plan has errors (``validate``, and any command that loads a plan)
2     wrong command-line usage (unknown option, missing argument)
3     another user error: a missing file, a data source that failed, a bad date
4     an unexpected internal error (a bug: please report it; ``--debug`` shows where)
====  =====================================================================

A user's mistake never shows a traceback; ``--debug`` shows one for any error.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from regionplan import __version__
from regionplan.errors import PlanError, RegionplanError

__all__ = ["EXIT_INTERNAL", "EXIT_PLAN", "EXIT_USAGE", "EXIT_USER", "cli", "main"]

EXIT_PLAN = 1
EXIT_USAGE = 2
EXIT_USER = 3
EXIT_INTERNAL = 4


class _State:
    debug = False


def _fail(message: str, code: int) -> NoReturn:
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


def _extensions() -> Any:
    from regionplan.plugins import default_extensions

    return default_extensions()


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--warnings/--no-warnings", default=True, help="Show plan-quality warnings.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def validate(path: Path, warnings: bool, fmt: str) -> None:
    """Check a plan (a plan folder or file); list every problem found."""
    from regionplan.plan.files import validate_plan

    def body() -> None:
        result = validate_plan(path, extensions=_extensions())
        shown = [p for p in result.problems if warnings or p.is_error]
        if fmt == "json":
            click.echo(json.dumps([_problem_dict(p) for p in shown], indent=2, ensure_ascii=False))
        else:
            for p in shown:
                click.echo(p.format())
            click.echo(f"{len(result.errors)} error(s), {len(result.warnings)} warning(s)")
        if result.errors:
            sys.exit(EXIT_PLAN)

    _run(body)


def _problem_dict(p: Any) -> dict[str, Any]:
    loc = p.location
    return {
        "code": p.code,
        "severity": p.severity.value,
        "message": p.message,
        "hint": p.hint,
        "file": loc.file if loc else None,
        "line": loc.line if loc else None,
        "column": loc.column if loc else None,
    }


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "tree"]), default="tree")
@click.option("--lang", default="nb", help="Language of labels (nb or en).")
def graph(path: Path, fmt: str, lang: str) -> None:
    """Print the goal graph as a tree, Mermaid or Graphviz DOT."""
    from regionplan.plan.files import load_plan
    from regionplan.plan.graph import GoalGraph
    from regionplan.report.diagrams import graph_dot, graph_mermaid, graph_tree

    def body() -> None:
        plan = load_plan(path, extensions=_extensions())
        g = GoalGraph.from_plan(plan)
        render = {"mermaid": graph_mermaid, "dot": graph_dot, "tree": graph_tree}[fmt]
        click.echo(render(plan, g, lang=lang))

    _run(body)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def plugins(fmt: str) -> None:
    """List the plugins that are loaded, their versions and hooks."""

    def body() -> None:
        ext = _extensions()
        rows = ext.plugin_rows()
        if fmt == "json":
            click.echo(json.dumps(rows, indent=2))
            return
        for row in rows:
            kind = "built-in" if row["builtin"] else "installed"
            click.echo(f"{row['name']} {row['version']} ({kind})")
            for hook in row["hooks"]:
                click.echo(f"    {hook}")
        click.echo("")
        for title, registry in (
            ("sources", ext.sources),
            ("renderers", ext.renderers),
            ("projections", ext.projections),
            ("status policies", ext.status_policies),
            ("roll-up policies", ext.rollup_policies),
            ("plan-file loaders", ext.loaders),
        ):
            names = ", ".join(f"{r.name} [{r.plugin}]" for r in registry.items())
            click.echo(f"{title}: {names}")

    _run(body)


def _context(path: Path, offline: bool, cache_dir: Path | None, show_progress: bool = False) -> Any:
    from regionplan.data.sources import SourceContext, default_cache_dir
    from regionplan.plan.files import find_plan_file

    return SourceContext(
        base_dir=find_plan_file(path).parent,
        cache_dir=cache_dir or default_cache_dir(),
        offline=offline,
        progress=_Progress() if show_progress else None,
    )


class _Progress:
    """A progress bar on standard error, fed by the sources' ``progress(done, total, label)``."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.total = 0

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.bar is None or total != self.total:
            self.close()
            self.total = total
            self.bar = click.progressbar(
                length=total,
                label="fetching",
                file=sys.stderr,
                show_pos=True,
                item_show_func=lambda item: item,
            )
            self.bar.__enter__()
        self.bar.update(max(0, done - self.bar.pos), current_item=label)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


_offline = click.option("--offline", is_flag=True, help="Use cached downloads only; no network.")
_cache = click.option("--cache-dir", type=click.Path(path_type=Path), help="Where sources cache downloads.")
_as_of = click.option("--as-of", "as_of", help="Evaluation date, YYYY-MM-DD (default: today).")
_municipality = click.option(
    "--municipality",
    "member",
    help="Report on one member municipality (its id or current code) instead of the whole region.",
)


def _evaluate_plan(
    path: Path, day: dt.date | None, member: str | None, offline: bool, cache_dir: Path | None, ext: Any
) -> tuple[Any, str | None]:
    """Load and evaluate a plan for ``evaluate`` and ``report``; the area to render."""
    from regionplan.evaluation.evaluator import evaluate as run_evaluation
    from regionplan.plan.files import load_plan

    plan = load_plan(path, extensions=ext)
    groups, area = _groups_and_area(plan, member)
    context = _context(path, offline, cache_dir)
    return run_evaluation(plan, as_of=day, context=context, extensions=ext, groups=groups), area


def _groups_and_area(plan: Any, member: str | None) -> tuple[dict[str, tuple[str, ...]] | None, str | None]:
    """Evaluation groups and the area to render: the region, plus one member when asked."""
    if member is None:
        return None, None
    for m in plan.region.municipalities:
        if member in (m.id, *m.all_codes):
            code = m.current_code
            return {plan.region.id: plan.region.current_codes, code: (code,)}, code
    known = ", ".join(f"{m.id} ({m.current_code})" for m in plan.region.municipalities)
    raise RegionplanError(f"{member!r} is not a member of {plan.region.name.get()}; members: {known}")


def _parse_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date (write YYYY-MM-DD)", param_hint="--as-of") from None


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@_as_of
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--lang", default="nb", help="Language of labels (nb or en).")
@_municipality
@_offline
@_cache
def evaluate(
    path: Path,
    as_of: str | None,
    fmt: str,
    lang: str,
    member: str | None,
    offline: bool,
    cache_dir: Path | None,
) -> None:
    """Evaluate every target and goal of a plan on its data."""
    from regionplan.report.renderers import render

    day = _parse_date(as_of)

    def body() -> None:
        ext = _extensions()
        result, area = _evaluate_plan(path, day, member, offline, cache_dir, ext)
        out = render(result, "json" if fmt == "json" else "terminal", lang=lang, area=area, extensions=ext)
        click.echo(out if isinstance(out, str) else out.decode())

    _run(body)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", default="html", help="Output format: html, md, json, dot, or a plugin's.")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: standard output)."
)
@_as_of
@click.option("--lang", default="nb", help="Language of labels (nb or en).")
@_municipality
@_offline
@_cache
def report(
    path: Path,
    fmt: str,
    output: Path | None,
    as_of: str | None,
    lang: str,
    member: str | None,
    offline: bool,
    cache_dir: Path | None,
) -> None:
    """Write a report of a plan's evaluation."""
    from regionplan.report.renderers import render

    day = _parse_date(as_of)

    def body() -> None:
        ext = _extensions()
        if fmt not in ext.renderers:
            raise RegionplanError(ext.renderers.unknown_message(fmt))
        result, area = _evaluate_plan(path, day, member, offline, cache_dir, ext)
        out = render(result, fmt, lang=lang, area=area, extensions=ext)
        data = out.encode("utf-8") if isinstance(out, str) else out
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_bytes(data)
            click.echo(f"wrote {output} ({len(data):,} bytes)", err=True)

    _run(body)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@_cache
def fetch(path: Path, cache_dir: Path | None) -> None:
    """Fill the sources' caches for a plan (downloads what is not cached yet)."""
    from regionplan.data.dataset import fetch_observations
    from regionplan.plan.files import load_plan

    def body() -> None:
        ext = _extensions()
        plan = load_plan(path, extensions=ext)
        ctx = _context(path, False, cache_dir, show_progress=True)
        try:
            observations, reasons = fetch_observations(plan, context=ctx, extensions=ext)
        finally:
            ctx.progress.close()
        for metric in plan.metrics:
            if metric.id in observations:
                n = sum(len(b) for b in observations[metric.id])
                after = f" (after: {'; '.join(reasons[metric.id])})" if metric.id in reasons else ""
                click.echo(f"{metric.id}: {n} values{after}")
            elif metric.id in reasons:
                click.echo(f"{metric.id}: no data ({'; '.join(reasons[metric.id])})")
        if any(m not in observations for m in reasons):
            sys.exit(EXIT_USER)

    _run(body)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--from",
    "template",
    type=click.Path(path_type=Path),
    required=True,
    help="The plan folder to start from, e.g. examples/gardermoregionen.",
)
@click.option("--name", required=True, help="The new region's name.")
@click.option("--id", "region_id", help="The new region's id (default: from the name).")
@click.option(
    "-m",
    "--municipality",
    "codes",
    multiple=True,
    required=True,
    help="A member: its current municipality code (3205) or name (Lillestrøm); repeat for each member.",
)
def new(directory: Path, template: Path, name: str, region_id: str | None, codes: tuple[str, ...]) -> None:
    """Make a plan for another region from an existing plan."""
    from regionplan.scaffold import new_plan

    def body() -> None:
        written = new_plan(template, directory, name=name, region_id=region_id, codes=codes)
        click.echo(f"made {directory} ({len(written)} files); next: regionplan validate {directory}")

    _run(body)


@cli.command(name="problems")
@click.argument("code", required=False)
def problems_cmd(code: str | None) -> None:
    """List the codes of plan problems, or explain one."""
    from regionplan.plan.problems import CATALOGUE

    for c, (short, text) in CATALOGUE.items():
        if code is None or code.upper() == c:
            click.echo(f"{c}  {short:26} {text}")
    if code and code.upper() not in CATALOGUE:
        _fail(f"no problem code {code!r}", EXIT_USER)


def _load_plugin_commands() -> None:
    try:
        ext = _extensions()
    except RegionplanError as exc:
        click.echo(f"warning: plugins not loaded: {exc}", err=True)
        return
    ext.pm.hook.regionplan_register_commands(cli=cli)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``regionplan`` console script."""
    if "--debug" in (argv if argv is not None else sys.argv[1:]):
        _State.debug = True
    _run(_load_plugin_commands)
    cli.main(args=argv, prog_name="regionplan")


if __name__ == "__main__":  # pragma: no cover
    main()
