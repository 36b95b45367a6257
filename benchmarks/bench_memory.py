"""memory: peak memory (tracemalloc) of evaluating 100,000 (target, area) pairs.

The reference plan on synthetic copies of the Norwegian municipalities (see
:mod:`norway`), 20,000 areas × 5 targets. The peak of Python allocations during
``evaluate`` (numpy reports its arrays to tracemalloc) is set against the peak of
the hand-written numpy computation of the same statuses and against the size of
the input arrays.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from typing import Any

import norway
import numpy_baseline
from _util import Row

NAME = "memory"


def peak(fn: Callable[[], Any]) -> tuple[int, Any]:
    """Peak bytes allocated while ``fn`` runs, above what was allocated before."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        result = fn()
        _, top = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return top - before, result


def run(quick: bool) -> dict[str, Any]:
    from regionplan.evaluation.evaluator import evaluate

    p = norway.prepared()
    plan, ext = p["plan"], p["ext"]
    total = 10_000 if quick else 100_000
    areas = total // len(plan.targets)
    ds = norway.replicate(p["dataset"], areas)
    evaluate(plan, norway.replicate(p["dataset"], 10), as_of=norway.AS_OF, extensions=ext)  # imports
    inputs = sum(md.regions.values.nbytes for md in ds.metrics.values())
    lib_peak, evaluation = peak(lambda: evaluate(plan, ds, as_of=norway.AS_OF, extensions=ext))
    n_results = len(evaluation.targets)
    del evaluation
    metrics, specs = numpy_baseline.inputs_from(ds, plan)
    numpy_peak, _ = peak(lambda: numpy_baseline.statuses(metrics, specs, norway.AS_OF))
    mib = 1024 * 1024
    rows = [
        Row(
            f"evaluate {areas:,} areas × {len(plan.targets)} targets ({n_results:,} pairs): peak",
            lib_peak / mib,
            "MiB",
            baseline=numpy_peak / mib,
            baseline_name="hand-written numpy",
            note=f"{lib_peak / n_results / 1024:,.1f} KiB/target; region arrays in: {inputs / mib:.1f} MiB",
        ),
    ]
    return {
        "rows": rows,
        "details": {
            "targets": n_results,
            "areas": areas,
            "evaluate_peak_bytes": lib_peak,
            "numpy_peak_bytes": numpy_peak,
            "input_region_array_bytes": inputs,
            "bytes_per_target": lib_peak / n_results,
        },
    }
