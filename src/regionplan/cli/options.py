"""Options and helpers the commands share: allowed paths, the network, dates, the sources' context."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from regionplan.cli.core import _extensions, _State
from regionplan.errors import RegionplanError


def _keep_allowed(ctx: click.Context, param: click.Parameter, value: tuple[Path, ...]) -> None:
    _State.allow_paths = value


_allow = click.option(
    "--allow-path",
    type=click.Path(path_type=Path),
    multiple=True,
    expose_value=False,
    callback=_keep_allowed,
    help="A folder outside the plan's folder its includes and sources may read (repeat for more).",
)


def _context(path: Path, offline: bool, cache_dir: Path | None, show_progress: bool = False) -> Any:
    from regionplan.data.sources import SourceContext, default_cache_dir
    from regionplan.plan.files import find_plan_file

    # --timeout/--retries go to every source: those that use the network read them.
    network = dict(_State.network)
    options = {r.name: network for r in _extensions().sources.items()} if network else {}
    return SourceContext(
        base_dir=find_plan_file(path).parent,
        cache_dir=cache_dir or default_cache_dir(),
        offline=offline,
        options=options,
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


def _keep_network(ctx: click.Context, param: click.Parameter, value: float | None) -> None:
    key = {"timeout": "timeout", "retries": "max_retries"}[param.name or ""]
    if value is None:
        _State.network = {k: v for k, v in _State.network.items() if k != key}
    else:
        _State.network = {**_State.network, key: value}


def _network(f: Callable[..., Any]) -> Callable[..., Any]:
    """--timeout and --retries: limits for the sources that use the network (the ssb source)."""
    timeout = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True, max=1e6),
        expose_value=False,
        callback=_keep_network,
        help="Seconds one request to a data service may take (ssb: else $REGIONPLAN_SSB_TIMEOUT, 30).",
    )
    retries = click.option(
        "--retries",
        type=click.IntRange(min=0, max=100),
        expose_value=False,
        callback=_keep_network,
        help="Further attempts after a request fails for a passing reason (ssb: else $REGIONPLAN_SSB_RETRIES, 4).",
    )
    return timeout(retries(f))


_municipality = click.option(
    "--municipality",
    "member",
    help="Report on one member municipality (its id or current code) instead of the whole region.",
)


def _evaluate_plan(
    path: Path,
    day: dt.date | None,
    member: str | None,
    offline: bool,
    cache_dir: Path | None,
    ext: Any,
    *,
    compare: bool = False,
) -> tuple[Any, str | None]:
    """Load and evaluate a plan for ``evaluate`` and ``report``; the area to render.

    ``compare``: evaluate every member on its own too (for the member view and the map).
    """
    from regionplan.evaluation.evaluator import evaluate as run_evaluation
    from regionplan.plan.files import load_plan

    plan = load_plan(path, extensions=ext, allow_paths=_State.allow_paths)
    groups, area = _groups_and_area(plan, member, compare=compare)
    context = _context(path, offline, cache_dir)
    return run_evaluation(plan, as_of=day, context=context, extensions=ext, groups=groups), area


def _groups_and_area(
    plan: Any, member: str | None, *, compare: bool = False
) -> tuple[dict[str, tuple[str, ...]] | None, str | None]:
    """Evaluation groups and the area to render: the region, plus one member when asked
    (``compare``: plus every member)."""
    from regionplan.report.member import member_groups

    if member is None:
        return (member_groups(plan) if compare else None), None
    for m in plan.region.municipalities:
        if member in (m.id, *m.all_codes):
            code = m.current_code
            if compare:
                return member_groups(plan), code
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
