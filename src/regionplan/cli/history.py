"""The ``history`` command: how a plan's statuses moved, as of each date on the data published by then."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from regionplan.cli.core import _extensions, _run, _State, cli
from regionplan.cli.options import _allow, _cache, _context, _network
from regionplan.errors import RegionplanError


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--every",
    type=click.Choice(["year", "data"]),
    default="year",
    show_default=True,
    help="year: one date a year (see --on); data: each day a new period of a target's data was published.",
)
@click.option(
    "--on",
    "on",
    help="The day of the year for --every year, MM-DD (default: the plan's reporting_day, else its adoption day, else 12-31).",
)
@click.option("--dates", help="The dates instead, comma-separated YYYY-MM-DD (e.g. 2021-04-30,2022-04-30).")
@click.option("--until", help="The last date for --every, YYYY-MM-DD (default: today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "csv"]),
    default="text",
    show_default=True,
)
@click.option("--lang", type=click.Choice(["nb", "en"]), default="nb", help="Language of the table's words.")
@click.option(
    "--csv-dialect",
    type=click.Choice(["plain", "excel-nb"]),
    default="plain",
    show_default=True,
    help="For --format csv. plain: commas and decimal points, for programs; "
    "excel-nb: semicolons, decimal commas and a byte-order mark, for Excel in Norwegian.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File to write (default: standard output)."
)
@click.option(
    "--offline/--online",
    default=True,
    show_default=True,
    help="Offline: the plan's local files and cached downloads only; online: ask the data services too.",
)
@_cache
@_allow
@_network
def history(
    path: Path,
    every: str,
    on: str | None,
    dates: str | None,
    until: str | None,
    fmt: str,
    lang: str,
    csv_dialect: str,
    output: Path | None,
    offline: bool,
    cache_dir: Path | None,
) -> None:
    """Show how the statuses moved: the plan evaluated as of each date, on the data published by then."""
    from regionplan.data.dataset import fetch_data
    from regionplan.evaluation.history import history as run_history
    from regionplan.evaluation.history import parse_day_of_year, publication_dates, yearly_dates
    from regionplan.plan.files import load_plan
    from regionplan.report.history_table import render_history

    def body() -> None:
        if dates is not None and (on is not None or until is not None):
            raise RegionplanError("--dates names the dates itself: leave out --on and --until")
        if on is not None and every != "year":
            raise RegionplanError("--on is the day of the year for --every year")
        if csv_dialect != "plain" and fmt != "csv":
            raise RegionplanError(f"--csv-dialect {csv_dialect} is for --format csv, not --format {fmt}")
        today = dt.date.today()
        last = _day(until, "--until") if until is not None else today
        if last > today:
            raise RegionplanError(
                f"--until {last} is after today ({today}): what will be published by then is not known yet"
            )
        ext = _extensions()
        plan = load_plan(path, extensions=ext, allow_paths=_State.allow_paths)
        data = fetch_data(plan, context=_context(path, offline, cache_dir), extensions=ext)
        if dates is not None:
            days: tuple[dt.date, ...] = tuple(_day(d, "--dates") for d in dates.split(",") if d.strip())
            if not days:
                raise RegionplanError(f"--dates names no date ({dates!r}); write YYYY-MM-DD,YYYY-MM-DD")
        elif every == "data":
            days = publication_dates(plan, data, until=last)
        else:
            days = yearly_dates(plan, parse_day_of_year(on) if on else None, until=last)
        if not days:
            raise RegionplanError(
                f"no dates to evaluate between the plan's start ({plan.meta.start_date}) and {last}"
            )
        text = render_history(run_history(plan, days, data, extensions=ext), fmt, lang, csv_dialect)
        if output is None:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
            click.echo(f"wrote {output}", err=True)

    _run(body)


def _day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise RegionplanError(f"{option}: {text.strip()!r} is not a date (write YYYY-MM-DD)") from None
