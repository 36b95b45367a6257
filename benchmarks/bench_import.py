"""import_time: how long ``import regionplan`` takes, and the first use of units.

Each measurement runs in a fresh interpreter (a subprocess), so nothing is cached
in memory; the median of N runs is reported against ``python -c "pass"`` run the
same way. ``python -X importtime`` gives the import's own share, without the
interpreter's start-up, and names the slowest modules it pulls in. ``regionplan validate``
of the example plan is measured as the user pays it: a fresh process, its CPU seconds.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _util import Row

NAME = "import_time"
GOAL_SECONDS = 0.3
VALIDATE_GOAL_SECONDS = 0.4
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "gardermoregionen"

_REGISTRY = (
    "import time, regionplan, regionplan.plan.units as u; t0 = time.perf_counter(); import pint; "
    "t1 = time.perf_counter(); u.registry(); t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
)
_REGISTRY_AGAIN = (
    "import time, regionplan.plan.units as u; u.registry(); t = time.perf_counter(); "
    "u.parse_unit('job / person'); print(time.perf_counter() - t)"
)


def _wall(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _inner(code: str, runs: int) -> list[float]:
    """Medians of the times the child prints itself."""
    out = [
        [
            float(x)
            for x in subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True
            ).stdout.split()
        ]
        for _ in range(runs)
    ]
    return [statistics.median(col) for col in zip(*out, strict=True)]


def _child_cpu(argv: list[str], runs: int) -> float:
    """Median CPU seconds (user + system) of ``argv`` run ``runs`` times, each a fresh process."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, check=True, capture_output=True)  # a failing run would look fast
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def _cli(name: str) -> list[str]:
    """The console script ``name`` beside this interpreter (as the user runs it)."""
    script = Path(sys.executable).with_name(name)
    return [str(script)] if script.exists() else [sys.executable, "-m", "regionplan.cli"]


def importtime(module: str = "regionplan") -> tuple[float, list[tuple[str, float]], bool]:
    """``-X importtime`` of ``import module``: its cumulative seconds, the slowest
    modules it imports (self time), and whether pint was among them."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        check=True,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = (part.strip() for part in line[len("import time:") :].split("|"))
        rows.append((name, int(self_us), int(cumulative_us)))
    total = next(c for n, _, c in reversed(rows) if n.strip() == module) / 1e6
    slowest = sorted(((n.strip(), s / 1e6) for n, s, _ in rows), key=lambda r: -r[1])[:8]
    pint_loaded = any(n.strip() == "pint" for n, _, _ in rows)
    return total, slowest, pint_loaded


def run(quick: bool) -> dict[str, Any]:
    runs = 5 if quick else 15
    bare = _wall("pass", runs)
    imported = _wall("import regionplan", runs)
    own, slowest, pint_loaded = importtime()
    pint_import, registry = _inner(_REGISTRY, 3 if quick else 7)
    (parse_after,) = _inner(_REGISTRY_AGAIN, 3 if quick else 7)
    net = imported - bare
    # what `regionplan validate` costs the user: a fresh process, CPU (steady under load)
    cpu_bare = _child_cpu([sys.executable, "-c", "pass"], runs)
    cpu_validate = _child_cpu([*_cli("regionplan"), "validate", str(EXAMPLE)], runs)
    cpu_cli = _child_cpu([sys.executable, "-c", "import regionplan.cli"], runs)
    cpu_units = _child_cpu(
        [sys.executable, "-c", "import regionplan.plan.units as u; u.parse_unit('job / person')"], runs
    )
    rows = [
        Row(
            "python -c 'import regionplan' (wall, median)",
            imported,
            "s",
            baseline=bare,
            baseline_name="python -c pass",
        ),
        Row(
            "import regionplan, net of start-up",
            net,
            "s",
            goal=f"< {GOAL_SECONDS} s",
            ok=net < GOAL_SECONDS,
        ),
        Row(
            "-X importtime: regionplan cumulative",
            own,
            "s",
            goal=f"< {GOAL_SECONDS} s",
            ok=own < GOAL_SECONDS,
        ),
        Row("first use of units: import pint", pint_import, "s", note="paid on first use, not at import"),
        Row(
            "first use of units: build the registry",
            registry,
            "s",
            note="units.registry(), once per process",
        ),
        Row("parse_unit('job / person') once the registry exists", parse_after, "s"),
        Row(
            "regionplan validate examples/gardermoregionen (CPU, fresh process)",
            cpu_validate,
            "s",
            baseline=cpu_bare,
            baseline_name="python -c pass",
            goal=f"< {VALIDATE_GOAL_SECONDS} s",
            ok=cpu_validate < VALIDATE_GOAL_SECONDS,
            note=f"each alone, start-up included: import regionplan.cli {cpu_cli:.2f} s; first parse_unit {cpu_units:.2f} s",
        ),
    ]
    return {
        "rows": rows,
        "details": {
            "runs": runs,
            "pint_imported_by_import_regionplan": pint_loaded,
            "slowest_imports_self_seconds": slowest,
        },
    }
