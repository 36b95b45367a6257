"""Commands beside a plan: a new plan from an old one, the problem codes, the bundled data."""

from __future__ import annotations

import json
from pathlib import Path

import click

from regionplan.cli.core import EXIT_USER, _fail, _run, cli


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
        adapt = Path(directory, "ADAPT.md")  # what is left to decide
        click.echo(f"made {directory} ({len(written)} files); next: {adapt}, regionplan validate {directory}")

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


@cli.group(name="data")
def data_cmd() -> None:
    """Show the SSB data bundled with regionplan (every municipality, offline)."""


@data_cmd.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def data_list(fmt: str) -> None:
    """List the bundled datasets: table, periods, municipalities, age."""
    from regionplan.data.sources.bundled import DATASETS, describe, list_text

    def body() -> None:
        infos = [describe(name) for name in DATASETS]
        click.echo(json.dumps(infos, indent=2, ensure_ascii=False) if fmt == "json" else list_text(infos))

    _run(body)


@data_cmd.command(name="info")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def data_info(name: str, fmt: str) -> None:
    """Describe one bundled dataset: columns, periods, provenance, caveats."""
    from regionplan.data.sources.bundled import describe, describe_text

    def body() -> None:
        info = describe(name)
        click.echo(json.dumps(info, indent=2, ensure_ascii=False) if fmt == "json" else describe_text(info))

    _run(body)
