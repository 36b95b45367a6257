"""Helpers shared by the benchmarks: timing, fits, the machine, the plugin set."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np

__all__ = [
    "Row",
    "Timing",
    "core_extensions",
    "fit_exponent",
    "machine",
    "median_time",
    "paired_times",
    "timed",
]


def Row(
    case: str,
    value: float,
    unit: str,
    *,
    baseline: float | None = None,
    baseline_name: str = "",
    goal: str = "",
    ok: bool | None = None,
    note: str = "",
    cpu: float | None = None,
    baseline_cpu: float | None = None,
) -> dict[str, Any]:
    """One line of the results table: a measurement, its baseline and their ratio (of wall
    times, and of CPU times where both are given: steadier when others share the cores)."""
    ratio = value / baseline if baseline else None
    return {
        "case": case,
        "value": value,
        "cpu": cpu,
        "baseline_cpu": baseline_cpu,
        "cpu_ratio": cpu / baseline_cpu if cpu is not None and baseline_cpu else None,
        "unit": unit,
        "baseline": baseline,
        "baseline_name": baseline_name,
        "ratio": ratio,
        "goal": goal,
        "ok": ok,
        "note": note,
    }


@attrs.frozen
class Timing:
    """Timings of one call: median wall and CPU seconds over the repeats, every wall time.

    CPU time (of this process) hardly moves when other processes share the cores,
    so it is kept beside the wall time the goals are stated in.
    """

    wall: float
    cpu: float
    walls: tuple[float, ...]
    result: Any = attrs.field(repr=False, default=None)


def timed(fn: Callable[[], Any], number: int = 1) -> Timing:
    """One timing: the mean of ``number`` calls in a row.

    The garbage collector runs as it does for a user (unlike timeit, which pauses it): a
    collection the work causes is part of its cost. Only where the library pauses the
    collector itself (while a plan is read) does it not run.
    """
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(number):
        result = fn()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return Timing(wall / number, cpu / number, (wall / number,), result)


def median_time(fn: Callable[[], Any], repeats: int, *, warmup: int = 0, number: int = 1) -> Timing:
    """Medians over ``repeats`` timings (each the mean of ``number`` calls) after
    ``warmup`` untimed calls; the last result."""
    for _ in range(warmup):
        fn()
    runs = [timed(fn, number) for _ in range(repeats)]
    return Timing(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        tuple(r.wall for r in runs),
        runs[-1].result,
    )


def fit_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """The exponent ``b`` of ``time = a * size**b`` fitted by least squares on logs (1.0 = linear)."""
    slope, _ = np.polyfit(np.log(np.asarray(sizes, float)), np.log(np.asarray(times, float)), 1)
    return float(slope)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    import numpy
    import pint

    cpu = platform.processor() or ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus_usable": affinity,
        "load_average_1_5_15": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "numpy": numpy.__version__,
        "pint": pint.__version__,
    }


_EXTENSIONS: Any = None
MISSING_BUILTINS: list[str] = []


def core_extensions() -> Any:
    """The built-in plugins only (no entry points), built once.

    Installed plugins could change what is measured, so they are left out, as in the
    core tests. A built-in module that this checkout does not have yet (a renderer
    being written) is left out and named in :data:`MISSING_BUILTINS`; renderers play
    no part in what these benchmarks measure.
    """
    global _EXTENSIONS
    if _EXTENSIONS is None:
        import regionplan.plugins as plugins

        wanted = plugins.DEFAULT_PLUGINS
        present = tuple(m for m in wanted if importlib.util.find_spec(m) is not None)
        MISSING_BUILTINS[:] = [m for m in wanted if m not in present]
        try:
            plugins.DEFAULT_PLUGINS = present
            _EXTENSIONS = plugins.Extensions.collect(plugins.make_plugin_manager(load_entrypoints=False))
        finally:
            plugins.DEFAULT_PLUGINS = wanted
    return _EXTENSIONS


def paired_times(
    fn: Callable[[], Any], baseline: Callable[[], Any], repeats: int, *, warmup: int = 1, number: int = 1
) -> tuple[Timing, Timing]:
    """:func:`median_time` of ``fn`` and of ``baseline``, their timings taken in turn, so that
    both meet the same load from other processes."""
    for _ in range(warmup):
        fn()
        baseline()
    runs = [(timed(fn, number), timed(baseline, number)) for _ in range(repeats)]

    def median(side: int) -> Timing:
        timings = [r[side] for r in runs]
        return Timing(
            statistics.median(t.wall for t in timings),
            statistics.median(t.cpu for t in timings),
            tuple(t.wall for t in timings),
            timings[-1].result,
        )

    return median(0), median(1)
