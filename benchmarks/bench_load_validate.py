"""load_validate: reading and checking synthetic plan folders of growing size.

For each size, ``validate_plan(folder)`` (read every file, compose the YAML into a
node tree, build the model, run every check) is timed against the floor: composing
the same files with the YAML composer alone (libyaml through PyYAML, what
``load_yaml`` calls), which no loader built on it can beat. Time per item at each
size and the exponent of time against size (1.0 = linear) show how cost grows.
The plans are written by :mod:`synthetic_plan` and must validate without errors.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from _util import Row, core_extensions, fit_exponent, median_time, timed
from synthetic_plan import write_plan

NAME = "load_validate"
GOAL_SIZE = 10_000
GOAL_SECONDS = 2.0


def _compose_only(folder: Path) -> int:
    from regionplan.plan.nodes import _loader

    nodes = 0
    for file in sorted(folder.glob("*.yaml")):
        loader = _loader()(file.read_text(encoding="utf-8"))
        try:
            nodes += loader.get_single_node() is not None
        finally:
            loader.dispose()
    return nodes


def run(quick: bool) -> dict[str, Any]:
    from regionplan.plan.files import validate_plan
    from regionplan.plan.validation import check_plan

    ext = core_extensions()
    sizes = (500, 1_000, 2_000) if quick else (1_000, 2_500, 5_000, 10_000, 20_000)
    repeats = 1 if quick else 3
    rows = []
    details: dict[str, Any] = {"sizes": {}}
    totals = []
    with tempfile.TemporaryDirectory(prefix="regionplan-bench-") as tmp:
        # First use builds the unit registry, the code-change index and the SDG list:
        # paid once per process, so kept out of the per-size timings (and reported).
        warm = Path(tmp) / "warmup"
        write_plan(warm, 200)
        details["first_call_200_items_s"] = timed(lambda: validate_plan(warm, extensions=ext)).wall
        for n in sizes:
            folder = Path(tmp) / f"synthetic-{n}"
            counts = write_plan(folder, n)
            reps = repeats if n <= 5_000 else 1
            tv = median_time(lambda f=folder: validate_plan(f, extensions=ext), reps)
            t_validate, validation = tv.wall, tv.result
            assert validation.ok, [str(p) for p in validation.errors[:5]]
            assert validation.plan is not None
            plan = validation.plan
            items = len(plan.actors) + len(plan.elements) + len(plan.metrics) + len(plan.targets)
            assert items == n, (items, n)
            tf = median_time(lambda f=folder: _compose_only(f), reps)
            tc = median_time(lambda p=plan: check_plan(p, ext), reps)
            t_floor, t_checks = tf.wall, tc.wall
            totals.append(t_validate)
            goal = f"< {GOAL_SECONDS} s" if n == GOAL_SIZE else ""
            rows.append(
                Row(
                    f"{n:,} items: validate_plan",
                    t_validate,
                    "s",
                    baseline=t_floor,
                    baseline_name="libyaml compose alone",
                    goal=goal,
                    ok=(t_validate < GOAL_SECONDS) if goal else None,
                    note=f"{t_validate / n * 1e6:,.0f} µs/item; check_plan alone {t_checks:.2f} s",
                    cpu=tv.cpu,
                    baseline_cpu=tf.cpu,
                )
            )
            details["sizes"][str(n)] = {
                "counts": counts,
                "validate_s": t_validate,
                "validate_cpu_s": tv.cpu,
                "compose_floor_s": t_floor,
                "compose_floor_cpu_s": tf.cpu,
                "check_plan_s": t_checks,
                "check_plan_cpu_s": tc.cpu,
                "us_per_item": t_validate / n * 1e6,
                "floor_us_per_item": t_floor / n * 1e6,
                "warnings": len(validation.warnings),
                "bytes": sum(f.stat().st_size for f in folder.glob("*.yaml")),
            }
    exponent = fit_exponent(sizes, totals)
    details["exponent"] = exponent
    rows.append(
        Row(
            "fitted exponent of time vs size",
            exponent,
            "",
            goal="≈ 1 (linear)",
            ok=None if quick else exponent < 1.15,
        )
    )
    return {"rows": rows, "details": details}
