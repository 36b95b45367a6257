"""The plan as a workbook: ``regionplan export`` writes it, ``regionplan import`` brings edits back."""

from __future__ import annotations

import difflib
import shlex
import sys
from pathlib import Path

import click

from regionplan.cli.core import _extensions, _run, _State, cli
from regionplan.cli.options import _allow
from regionplan.errors import RegionplanError


@cli.command(name="export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["xlsx"]), default="xlsx", help="The file format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The workbook to write (.xlsx).")
@click.option(
    "--lang",
    type=click.Choice(["nb", "en"]),
    help="Language of the sheet that says how to edit the workbook (default: the plan's first language).",
)
@_allow
def export_cmd(path: Path, fmt: str, output: Path | None, lang: str | None) -> None:
    """Write a plan's elements, targets and responsibilities to a workbook to edit."""
    from regionplan.plan.files import load_plan
    from regionplan.scaffold.workbook import export_workbook

    def body() -> None:
        if output is None:
            raise RegionplanError(f"the {fmt} format is a binary file: name it with -o (e.g. -o plan.xlsx)")
        plan = load_plan(path, extensions=_extensions(), allow_paths=_State.allow_paths)
        data = export_workbook(plan, lang)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        click.echo(
            f"wrote {output} ({len(data):,} bytes); edit it, then: "
            f"regionplan import {shlex.quote(str(path))} {shlex.quote(str(output))}",
            err=True,
        )

    _run(body)


@cli.command(name="import")
@click.argument("path", type=click.Path(path_type=Path))
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show the changes to the plan files; write nothing.")
@_allow
def import_cmd(path: Path, workbook: Path, dry_run: bool) -> None:
    """Bring the edits of a workbook (from regionplan export) back into the plan's files."""
    from regionplan.scaffold.workbook import InvalidChanges, import_workbook

    def body() -> None:
        try:
            result = import_workbook(
                path, workbook, extensions=_extensions(), allow_paths=_State.allow_paths, dry_run=dry_run
            )
        except InvalidChanges:
            click.echo(
                "the workbook's changes would make the plan invalid; the plan files are as they were:",
                err=True,
            )
            raise
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        for change in result.files:
            for line in change.changes:
                click.echo(f"{change.path}: {line}")
            if dry_run:
                diff = difflib.unified_diff(
                    change.old.splitlines(keepends=True),
                    change.new.splitlines(keepends=True),
                    fromfile=str(change.path),
                    tofile=str(change.path),
                )
                sys.stdout.writelines(diff)
        n = len(result.files)
        if not n:
            click.echo("no changes", err=True)
        elif dry_run:
            click.echo(f"{n} file(s) would change (dry run: nothing written)", err=True)
        else:
            click.echo(f"changed {n} file(s); the plan validates", err=True)

    _run(body)
