"""The commands on a plan: validate, graph, evaluate, report, fetch, and the plugin list."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from regionplan.cli.core import EXIT_PLAN, EXIT_USER, _extensions, _run, _State, cli
from regionplan.cli.options import (
    _allow,
    _as_of,
    _cache,
    _context,
    _evaluate_plan,
    _municipality,
    _network,
    _offline,
    _parse_date,
)
from regionplan.errors import PluginError, RegionplanError
from regionplan.plan.model import ElementKind


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--warnings/--no-warnings", default=True, help="Show plan-quality warnings.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@_allow
def validate(path: Path, warnings: bool, fmt: str) -> None:
    """Check a plan (a plan folder or file); list every problem found."""
    from regionplan.plan.files import validate_plan

    def body() -> None:
        result = validate_plan(path, extensions=_extensions(), allow_paths=_State.allow_paths)
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
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=None,
    help="Deepest level to draw (0 the vision, 1 main goals, 2 sub-goals, ...).",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice([k.value for k in ElementKind]),
    help="Draw only elements of this kind (repeatable).",
)
@click.option(
    "--measured-only", is_flag=True, help="Draw only elements a target measures, directly or below."
)
@click.option(
    "--actor",
    "actors",
    multiple=True,
    help="Draw only what this actor (id) is responsible for and what leads to it (repeatable).",
)
@click.option(
    "--focus",
    "focus",
    multiple=True,
    help="Draw only this focus area (id), what lies in it and what it leads to (repeatable).",
)
@_allow
def graph(
    path: Path,
    fmt: str,
    lang: str,
    depth: int | None,
    kinds: tuple[str, ...],
    measured_only: bool,
    actors: tuple[str, ...],
    focus: tuple[str, ...],
) -> None:
    """Print the goal graph as a tree, Mermaid or Graphviz DOT."""
    from regionplan.plan.files import load_plan
    from regionplan.plan.graph import GoalGraph
    from regionplan.report.diagrams import graph_dot, graph_mermaid, graph_tree, shown_elements

    def body() -> None:
        plan = load_plan(path, extensions=_extensions(), allow_paths=_State.allow_paths)
        g = GoalGraph.from_plan(plan)
        render = {"mermaid": graph_mermaid, "dot": graph_dot, "tree": graph_tree}[fmt]
        known_actors = [a.id for a in plan.actors]
        known_focus = [e.id for e in plan.elements if e.kind.value == "focus_area"]
        for option, given, known in (("--actor", actors, known_actors), ("--focus", focus, known_focus)):
            unknown = [i for i in given if i not in known]
            if unknown:
                raise click.BadParameter(
                    f"no such id: {', '.join(unknown)} (the plan has: {', '.join(known) or 'none'})",
                    param_hint=option,
                )
        shown = shown_elements(
            g, depth=depth, kinds=kinds, measured_only=measured_only, actors=actors, focus=focus
        )
        click.echo(render(plan, g, lang=lang, shown=shown))

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
        # Every contribution is imported here, deferred ones too: this is the command that
        # shows which of them fail, all of them, before the first fault stops it.
        faults: list[PluginError] = []
        for title, registry in (
            ("sources", ext.sources),
            ("renderers", ext.renderers),
            ("projections", ext.projections),
            ("status policies", ext.status_policies),
            ("roll-up policies", ext.rollup_policies),
            ("plan-file loaders", ext.loaders),
        ):
            names = []
            for name in registry:
                shown = f"{name} [{registry.plugin_of(name)}]"
                try:
                    registry.get(name)
                except PluginError as exc:
                    faults.append(exc)
                    shown += " (fails to load)"
                names.append(shown)
            click.echo(f"{title}: {', '.join(names)}")
        for fault in faults[:-1]:
            click.echo(f"error: {fault}", err=True)
        if faults:
            raise faults[-1]

    _run(body)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@_as_of
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", help="Language of the report's words.")
@_municipality
@_offline
@_cache
@_allow
@_network
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
@click.option(
    "--format",
    "fmt",
    default="html",
    help="Output format: html, md, json, dot, terminal, or a plugin's (regionplan plugins lists them).",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: standard output)."
)
@_as_of
@click.option(
    "--since",
    metavar="REPORT.json|YYYY-MM-DD",
    help="Add what changed since an earlier report: its JSON (--format json), or a date "
    "(the plan evaluated as of then, on the data published by then).",
)
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", help="Language of the report's words.")
@click.option(
    "--map-target",
    metavar="TARGET",
    help="The target the map of the members shows (default: the main goal's first).",
)
@click.option(
    "--map-by",
    type=click.Choice(["status", "value"]),
    default="status",
    help="Colour the map by the target's status or its latest value.",
)
@_municipality
@_offline
@_cache
@_allow
@_network
def report(
    path: Path,
    fmt: str,
    output: Path | None,
    as_of: str | None,
    since: str | None,
    lang: str,
    map_target: str | None,
    map_by: str,
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
        renderer = ext.renderers.get(fmt)
        if output is None and getattr(renderer, "binary", False) is True:
            suffix = getattr(renderer, "suffix", "")
            raise RegionplanError(
                f"the {fmt} format is a binary file: name it with -o (e.g. -o report{suffix})"
            )
        result, area = _evaluate_plan(path, day, member, offline, cache_dir, ext, compare=True)
        previous = _previous_report(since, result.as_of, path, member, offline, cache_dir, ext, lang)
        out = render(
            result,
            fmt,
            lang=lang,
            area=area,
            extensions=ext,
            since=previous,
            map_target=map_target,
            map_by=map_by,
        )
        data = out.encode("utf-8") if isinstance(out, str) else out
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_bytes(data)
            click.echo(f"wrote {output} ({len(data):,} bytes)", err=True)

    _run(body)


def _previous_report(
    since: str | None,
    as_of: dt.date,
    path: Path,
    member: str | None,
    offline: bool,
    cache_dir: Path | None,
    ext: Any,
    lang: str,
) -> Any:
    """The report ``--since`` names: an earlier report's JSON data, or the plan evaluated as of a date."""
    if since is None:
        return None
    if not since.strip():
        raise RegionplanError(
            "--since is empty: name an earlier report's JSON (--format json) or a date YYYY-MM-DD"
        )
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
        if re.fullmatch(r"[\d./-]+", since) and not Path(since).exists():
            raise RegionplanError(f"--since {since!r} is neither a file nor a date (write YYYY-MM-DD)")
        from regionplan.plan.safefiles import data_file_limit, read_bytes

        try:  # a report's JSON is read like a data file: a regular file, of bounded size
            return json.loads(read_bytes(since, data_file_limit()))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            msg = f"{since} is not a report's JSON ({exc}): write it with --format json"
            raise RegionplanError(msg) from None
    from regionplan.report.build import build_report

    try:
        day = dt.date.fromisoformat(since)
    except ValueError:
        raise RegionplanError(f"--since {since!r} is not a date (write YYYY-MM-DD)") from None
    if day >= as_of:
        raise RegionplanError(f"--since {since} is not before the evaluation date {as_of}")
    earlier, area = _evaluate_plan(path, day, member, offline, cache_dir, ext)
    if day < earlier.plan.meta.start_date:  # no report of the plan could be written then
        start = earlier.plan.meta.start_date
        raise RegionplanError(
            f"--since {since} is before the plan's start ({start}): give a date from {start} on"
        )
    return build_report(earlier, lang=lang, area=area)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@_cache
@_allow
@_network
def fetch(path: Path, cache_dir: Path | None) -> None:
    """Fill the sources' caches for a plan (downloads what is not cached yet)."""
    from regionplan.data.dataset import fetch_observations
    from regionplan.plan.files import load_plan

    def body() -> None:
        ext = _extensions()
        plan = load_plan(path, extensions=ext, allow_paths=_State.allow_paths)
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
