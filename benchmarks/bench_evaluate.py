"""evaluate_norway: the reference plan for every municipality in Norway, against numpy.

Data are read and mapped to 2024 codes once (timed apart); then
``evaluate(plan, dataset, as_of=...)`` is timed against :mod:`numpy_baseline`, a
hand-written numpy computation of the same statuses, in the same run. The two must
agree on the status (and reason) of every target in every municipality, or the
benchmark fails. Then the areas are replicated (synthetic copies) to 1,000, 10,000
and 100,000 (target, area) pairs, to see how the cost grows with areas; the plan keeps
its 5 targets (plans that grow are :mod:`bench_synthetic`). A second timing reads the
results back (``to_frame``), as a user does.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs
import norway
import numpy as np
import numpy_baseline
from _util import Row, fit_exponent, median_time, paired_times

NAME = "evaluate_norway"
GOAL_RATIO = 1.5
#: evaluate and reading every result back (as arrays) against the numpy statuses
READ_GOAL_RATIO = 3.0
#: Baseline sensitivity judges a target again from each earlier base period in its window
#: (three by default), so it may cost up to that many evaluations more, never more.
SENSITIVITY_GOAL = 4.0


def library_statuses(evaluation: Any, plan: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    codes = np.array([r.status.code for r in evaluation.targets], dtype=np.int8)
    reasons = np.array([r.reason for r in evaluation.targets], dtype=object)
    return codes.reshape(len(plan.targets), n), reasons.reshape(len(plan.targets), n)


def compare(evaluation: Any, plan: Any, dataset: Any, baseline: dict[str, Any]) -> int:
    """Assert that regionplan and the numpy baseline agree everywhere; the number of
    (target, area) pairs compared."""
    areas = tuple(dataset.groups)
    assert evaluation.areas == areas
    codes, reasons = library_statuses(evaluation, plan, len(areas))
    for i, t in enumerate(plan.targets):
        b_codes, b_reasons = baseline[t.id]
        bad = np.flatnonzero((codes[i] != b_codes) | (reasons[i] != b_reasons))
        if bad.size:
            examples = [
                f"{areas[j]}: regionplan {codes[i][j]} {reasons[i][j]}, numpy {b_codes[j]} {b_reasons[j]}"
                for j in bad[:5]
            ]
            raise AssertionError(f"target {t.id}: {bad.size} areas differ, e.g. " + "; ".join(examples))
    return int(codes.size)


def _arrays_agree(evaluation: Any, reference: Any) -> bool:
    """The arrays say what the result objects say (status and reason of every pair)."""
    for result in reference.targets:
        arrays = evaluation.arrays[result.target.id]
        i = evaluation.areas.index(result.area)
        if int(arrays.status[i]) != result.status.code or str(arrays.reason[i]) != result.reason:
            return False
    return True


def run(quick: bool) -> dict[str, Any]:
    from regionplan.evaluation.evaluator import evaluate

    p = norway.prepared()
    full_plan, dataset, ext = p["plan"], p["dataset"], p["ext"]
    n_areas = len(dataset.groups)
    # The numpy baseline computes the statuses only; the like-for-like comparison turns the
    # baseline sensitivity off, and its cost is measured on its own below.
    plan = attrs.evolve(
        full_plan, targets=tuple(attrs.evolve(t, baseline_window=0) for t in full_plan.targets)
    )

    def run_lib(ds: Any = dataset, the_plan: Any = plan) -> Any:
        return evaluate(the_plan, ds, as_of=norway.AS_OF, extensions=ext)

    def run_numpy(ds: Any = dataset) -> Any:
        metrics, specs = numpy_baseline.inputs_from(ds, plan)
        return numpy_baseline.statuses(metrics, specs, norway.AS_OF)

    def run_lib_read(ds: Any = dataset, the_plan: Any = plan) -> Any:
        # what a user pays to see the results: the evaluation and its table
        evaluation = run_lib(ds, the_plan)
        evaluation.to_frame()
        return evaluation

    def run_lib_arrays(ds: Any = dataset, the_plan: Any = plan) -> Any:
        # every result as arrays: each target's statuses, reasons, values, goals and paths in
        # every area, and each element's rolled-up status, score and coverage
        evaluation = run_lib(ds, the_plan)
        arrays = evaluation.arrays
        read = sum(int(a.status.sum()) for a in arrays.values())
        rolled = evaluation.rolled
        read += sum(int(rolled.codes[e].sum()) + int(rolled.coverage[e].size) for e in rolled.order)
        return evaluation, read

    def run_lib_columns(ds: Any = dataset, the_plan: Any = plan) -> Any:
        # the same table without a sentence per row: every column from the arrays
        evaluation = run_lib(ds, the_plan)
        evaluation.to_frame(explain=False)
        return evaluation

    # taken in turn, each the mean of several calls: a few milliseconds each, on shared cores
    lib, base = paired_times(run_lib, run_numpy, 5 if quick else 15, number=5)
    as_arrays, base_for_arrays = paired_times(run_lib_arrays, run_numpy, 5 if quick else 15, number=5)
    arrays_ratio = as_arrays.wall / base_for_arrays.wall
    arrays_cpu_ratio = as_arrays.cpu / base_for_arrays.cpu
    arrays_agree = _arrays_agree(as_arrays.result[0], lib.result)
    read = median_time(run_lib_read, 3 if quick else 7, warmup=1)
    columns, base_for_columns = paired_times(run_lib_columns, run_numpy, 5 if quick else 15, number=2)
    compared = compare(lib.result, plan, dataset, base.result)
    ratio = lib.wall / base.wall
    cpu_ratio = lib.cpu / base.cpu  # steadier than wall time when others share the cores
    full = median_time(lambda: run_lib(dataset, full_plan), 3 if quick else 7, warmup=1)
    compare(full.result, full_plan, dataset, base.result)
    windows = sorted({t.baseline_window for t in full_plan.targets})
    counts = Counter((r.target.id, r.status.value) for r in lib.result.targets)
    rows = [
        Row("read CSVs + map to 2024 codes (once)", p["read_and_map_s"], "s"),
        Row("build_dataset (once)", p["build_dataset_s"], "s"),
        Row(
            f"evaluate: {n_areas} municipalities × {len(plan.targets)} targets",
            lib.wall,
            "s",
            baseline=base.wall,
            baseline_name="hand-written numpy",
            goal=f"≤ {GOAL_RATIO:g}× numpy",
            ok=ratio <= GOAL_RATIO and cpu_ratio <= GOAL_RATIO,
            note=f"statuses identical for all {compared:,} (target, municipality) pairs; baseline sensitivity off",
            cpu=lib.cpu,
            baseline_cpu=base.cpu,
        ),
        Row(
            "… the same evaluate, every result read back as arrays (arrays, rolled)",
            as_arrays.wall,
            "s",
            baseline=base_for_arrays.wall,
            baseline_name="hand-written numpy",
            goal=f"≤ {READ_GOAL_RATIO:g}× numpy",
            ok=arrays_ratio <= READ_GOAL_RATIO and arrays_cpu_ratio <= READ_GOAL_RATIO and arrays_agree,
            note="targets' statuses, reasons, latest values, goals and paths, and every goal's status, per area",
            cpu=as_arrays.cpu,
            baseline_cpu=base_for_arrays.cpu,
        ),
        Row(
            "… the same evaluate, results read back (to_frame)",
            read.wall,
            "s",
            baseline=base.wall,
            baseline_name="hand-written numpy",
            note="the numpy baseline's statuses are arrays already",
            cpu=read.cpu,
            baseline_cpu=base.cpu,
        ),
        Row(
            "… the same evaluate, read back as a frame without explanations (to_frame(explain=False))",
            columns.wall,
            "s",
            baseline=base_for_columns.wall,
            baseline_name="hand-written numpy",
            note="every column of to_frame but the sentence",
            cpu=columns.cpu,
            baseline_cpu=base_for_columns.cpu,
        ),
        Row(
            f"evaluate with baseline sensitivity (window {'/'.join(map(str, windows))} years)",
            full.wall,
            "s",
            baseline=lib.wall,
            baseline_name="the same without sensitivity",
            goal=f"≤ {SENSITIVITY_GOAL:g}× without",
            ok=full.wall / lib.wall <= SENSITIVITY_GOAL and full.cpu / lib.cpu <= SENSITIVITY_GOAL,
            note="each earlier base period is one more judgement of all areas at once",
            cpu=full.cpu,
            baseline_cpu=lib.cpu,
        ),
    ]
    details: dict[str, Any] = {
        "municipalities": n_areas,
        "targets_per_area": len(plan.targets),
        "as_of": norway.AS_OF.isoformat(),
        "evaluate_s": lib.wall,
        "evaluate_cpu_s": lib.cpu,
        "numpy_s": base.wall,
        "numpy_cpu_s": base.cpu,
        "ratio": ratio,
        "cpu_ratio": cpu_ratio,
        "evaluate_and_read_s": read.wall,
        "evaluate_and_read_cpu_s": read.cpu,
        "evaluate_with_sensitivity_s": full.wall,
        "sensitivity_ratio": full.wall / lib.wall,
        "status_counts": {f"{t}:{s}": c for (t, s), c in sorted(counts.items())},
        "scale": {},
    }
    totals = (1_000, 10_000) if quick else (1_000, 10_000, 100_000)
    sizes, times = [], []
    for total in totals:
        areas = total // len(plan.targets)
        ds = norway.replicate(dataset, areas)
        repeats = 1 if total >= 100_000 else 3
        lib_s, base_s = paired_times(lambda d=ds: run_lib(d), lambda d=ds: run_numpy(d), repeats, warmup=0)
        compare(lib_s.result, plan, ds, base_s.result)
        n_targets = areas * len(plan.targets)
        sizes.append(n_targets)
        times.append(lib_s.wall)
        rows.append(
            Row(
                f"areas replicated: {areas:,} areas × {len(plan.targets)} targets = {n_targets:,} pairs",
                lib_s.wall,
                "s",
                baseline=base_s.wall,
                baseline_name="hand-written numpy",
                note=f"{lib_s.wall / n_targets * 1e6:,.1f} µs/target (numpy {base_s.wall / n_targets * 1e6:,.2f})",
                cpu=lib_s.cpu,
                baseline_cpu=base_s.cpu,
            )
        )
        details["scale"][str(n_targets)] = {
            "areas": areas,
            "evaluate_s": lib_s.wall,
            "evaluate_cpu_s": lib_s.cpu,
            "numpy_s": base_s.wall,
            "us_per_target": lib_s.wall / n_targets * 1e6,
            "numpy_us_per_target": base_s.wall / n_targets * 1e6,
        }
        del ds, lib_s, base_s
    exponent = fit_exponent(sizes, times)
    details["exponent"] = exponent
    rows.append(
        Row(
            "fitted exponent of time vs (target, area) pairs",
            exponent,
            "",
            goal="≈ 1 (linear)",
            ok=None if quick else exponent < 1.15,
        )
    )
    return {"rows": rows, "details": details}
