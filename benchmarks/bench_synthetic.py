"""synthetic_scaling: plans that really grow, each size in a fresh process, results read back.

For each size *n* a synthetic plan folder of *n* items (:mod:`synthetic_plan`: elements,
actors, metrics and 20 % targets) and synthetic data for its metrics are written by code;
then a fresh interpreter (this file run as ``--worker``) pays what a user pays:

* ``validate_plan(folder)``, beside the floor of composing the same files with libyaml alone;
* ``evaluate(plan, dataset)`` (the plan's own baseline sensitivity included), beside the
  hand-written numpy statuses of the same targets (:mod:`numpy_baseline`, statuses only);
* reading the results back: ``to_frame()`` and ``goals_frame()``;
* the peak resident memory of the process (``VmHWM``) over all of it.

The garbage collector runs as it does for a user. Time per item and the log-log slope of
time against size (1.0 = linear) show how the cost grows.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

NAME = "synthetic_scaling"
SIZES_FULL = (1_000, 3_000, 10_000, 30_000, 100_000)
SIZES_QUICK = (300, 1_000, 3_000)
#: Goal: peak resident memory of the whole process at the largest size.
MEMORY_GOAL_MIB = 500.0


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _clock()
    return {"wall": wall - start[0], "cpu": cpu - start[1]}


def _rss_mib() -> float:
    """Peak resident memory of this process so far, MiB.

    ``VmHWM`` of the process's own memory: ``ru_maxrss`` would carry over the peak of
    the parent that started it (the kernel keeps it across ``exec``).
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: KiB, may carry over


def worker(folder: Path) -> dict[str, Any]:
    """Everything measured in one fresh process for one plan folder."""
    import datetime as dt

    sys.path.insert(0, str(HERE))
    import numpy_baseline
    from _util import core_extensions
    from bench_load_validate import _compose_only
    from synthetic_plan import synthetic_data

    from regionplan.data.dataset import build_dataset
    from regionplan.evaluation.evaluator import evaluate
    from regionplan.plan.files import validate_plan

    ext = core_extensions()
    out: dict[str, Any] = {"rss_after_imports_mib": _rss_mib()}
    start = _clock()
    _compose_only(folder)
    out["compose"] = _since(start)
    start = _clock()
    validation = validate_plan(folder, extensions=ext)
    out["validate"] = _since(start)
    assert validation.ok and validation.plan is not None, [str(p) for p in validation.errors[:5]]
    plan = validation.plan
    out["rss_after_validate_mib"] = _rss_mib()
    start = _clock()
    dataset = build_dataset(plan, synthetic_data(plan))
    out["data"] = _since(start)
    as_of = dt.date(2025, 6, 30)
    start = _clock()
    evaluation = evaluate(plan, dataset, as_of=as_of, extensions=ext)
    out["evaluate"] = _since(start)
    start = _clock()
    frame = evaluation.to_frame()
    goals = evaluation.goals_frame()
    out["read"] = _since(start)
    out["rows"] = {"targets": len(frame), "goals": len(goals)}
    out["rss_peak_mib"] = _rss_mib()
    start = _clock()
    metrics, specs = numpy_baseline.inputs_from(dataset, plan)
    baseline = numpy_baseline.statuses(metrics, specs, as_of)
    out["numpy"] = _since(start)
    # the statuses must agree, or the comparison means nothing
    status = frame.set_index("target")["status"]
    codes = {"achieved": 3, "on_track": 2, "off_track": 1, "insufficient_data": 0}
    differ = [t for t, (c, _) in baseline.items() if codes[status[t]] != int(c[0])]
    out["statuses_differ"] = len(differ)
    out["statuses_compared"] = len(baseline)
    out["items"] = len(plan.actors) + len(plan.elements) + len(plan.metrics) + len(plan.targets)
    out["targets"] = len(plan.targets)
    out["elements"] = len(plan.elements)
    return out


def _measure(n: int, tmp: Path) -> dict[str, Any]:
    from synthetic_plan import write_plan

    folder = tmp / f"synthetic-{n}"
    write_plan(folder, n)
    proc = subprocess.run(
        [sys.executable, str(Path(__file__)), "--worker", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"synthetic plan of {n:,} items: {proc.stderr.strip().splitlines()[-1:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def run(quick: bool) -> dict[str, Any]:
    from _util import Row, fit_exponent

    sizes = SIZES_QUICK if quick else SIZES_FULL
    rows = []
    details: dict[str, Any] = {"sizes": {}}
    with tempfile.TemporaryDirectory(prefix="regionplan-bench-") as tmp:
        for n in sizes:
            print(f"  synthetic plan of {n:,} items ...", file=sys.stderr, flush=True)
            details["sizes"][str(n)] = _measure(n, Path(tmp))
    measured = details["sizes"]
    for n in sizes:
        r = measured[str(n)]
        assert r["statuses_differ"] == 0, f"{n}: {r['statuses_differ']} statuses differ from numpy"
        t = r["targets"]
        rows += [
            Row(
                f"{n:,} items: validate_plan",
                r["validate"]["wall"],
                "s",
                cpu=r["validate"]["cpu"],
                baseline_cpu=r["compose"]["cpu"],
                baseline=r["compose"]["wall"],
                baseline_name="libyaml compose alone",
                note=f"{r['validate']['wall'] / n * 1e6:,.0f} µs/item",
            ),
            Row(
                f"{n:,} items: evaluate ({t:,} targets, {r['elements']:,} elements)",
                r["evaluate"]["wall"],
                "s",
                cpu=r["evaluate"]["cpu"],
                baseline_cpu=r["numpy"]["cpu"],
                baseline=r["numpy"]["wall"],
                baseline_name="numpy statuses",
                note=f"{r['evaluate']['wall'] / t * 1e3:,.2f} ms/target; statuses equal for all {t:,}",
            ),
            Row(
                f"{n:,} items: read back (to_frame + goals_frame)",
                r["read"]["wall"],
                "s",
                cpu=r["read"]["cpu"],
                note=f"{r['rows']['targets']:,} + {r['rows']['goals']:,} rows",
            ),
            Row(
                f"{n:,} items: peak resident memory of the process",
                r["rss_peak_mib"],
                "MiB",
                baseline=r["rss_after_imports_mib"],
                baseline_name="after imports",
                goal=f"< {MEMORY_GOAL_MIB:g} MiB" if n == sizes[-1] else "",
                ok=(r["rss_peak_mib"] < MEMORY_GOAL_MIB) if n == sizes[-1] and not quick else None,
            ),
        ]
    exponents = {}
    for phase in ("validate", "evaluate", "read"):
        exponents[phase] = fit_exponent(sizes, [measured[str(n)][phase]["cpu"] for n in sizes])
        rows.append(
            Row(
                f"fitted exponent of {phase} CPU time vs size",
                exponents[phase],
                "",
                goal="≈ 1 (linear)",
                ok=None if quick else exponents[phase] < 1.15,
            )
        )
    details["exponents"] = exponents
    return {"rows": rows, "details": details}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        print(json.dumps(worker(Path(sys.argv[2]))))
    else:
        raise SystemExit("run through benchmarks/run.py")
