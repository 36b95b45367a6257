"""import_time: how long ``import regionplan`` takes, and the first use of units.

Each measurement runs in a fresh interpreter (a subprocess), so nothing is cached
in memory; the median of N runs is reported against ``python -c "pass"`` run the
same way. ``python -X importtime`` gives the import's own share, without the
interpreter's start-up, and names the slowest modules it pulls in. ``regionplan validate``
of the example plan is measured as the user pays it: a fresh process, its CPU seconds,
in two bytecode modes: this checkout's modules compiled anew (``PYTHONDONTWRITEBYTECODE=1``
and a bytecode folder warmed for every library but the checkout, as a checkout run with that
setting pays it) and with bytecode cached (as an installed wheel has
it; a private ``PYTHONPYCACHEPREFIX`` warmed by one run first). Both use a warm unit cache of
their own (:mod:`regionplan.plan.unitcache`, filled by the first run), which is what every
run after the first pays; a run with the unit cache turned off shows what pint costs.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _util import Row

NAME = "import_time"
GOAL_SECONDS = 0.3
VALIDATE_GOAL_SECONDS = 0.4
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "gardermoregionen"

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


def _child_cpu(argv: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    """Median CPU seconds (user + system) of ``argv`` run ``runs`` times, each a fresh process."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, check=True, capture_output=True, env=env)  # a failing run would look fast
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
    validate = [*_cli("regionplan"), "validate", str(EXAMPLE)]
    with tempfile.TemporaryDirectory(prefix="regionplan-bench-") as scratch:
        warm = Path(scratch) / "pycache"
        cached = {**os.environ, "REGIONPLAN_UNIT_CACHE": scratch, "PYTHONPYCACHEPREFIX": str(warm)}
        cached.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(validate, check=True, capture_output=True, env=cached)  # fills both caches
        # "compiled anew": every library's bytecode as warmed, but none of this checkout's own
        # (the package and its plugins), whatever __pycache__ folders the checkout holds
        without_checkout = Path(scratch) / "pycache-without-checkout"
        shutil.copytree(warm, without_checkout)
        for sources in (ROOT / "src", ROOT / "plugins"):  # not a virtual environment inside it
            shutil.rmtree(without_checkout / sources.relative_to(ROOT.anchor), ignore_errors=True)
        compiled = {**cached, "PYTHONPYCACHEPREFIX": str(without_checkout), "PYTHONDONTWRITEBYTECODE": "1"}
        # taken in turn, so a change of load on a shared machine touches each alike
        cpu_validate, cpu_validate_bytecode, cpu_no_unit_cache = (
            statistics.median(col)
            for col in zip(
                *(
                    (
                        _child_cpu(validate, 1, compiled),
                        _child_cpu(validate, 1, cached),
                        _child_cpu(validate, 1, {**compiled, "REGIONPLAN_UNIT_CACHE": "off"}),
                    )
                    for _ in range(runs)
                ),
                strict=True,
            )
        )
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
            "regionplan validate examples/gardermoregionen (CPU, fresh process, checkout compiled anew)",
            cpu_validate,
            "s",
            baseline=cpu_bare,
            baseline_name="python -c pass",
            goal=f"< {VALIDATE_GOAL_SECONDS} s",
            ok=cpu_validate < VALIDATE_GOAL_SECONDS,
            note=(
                "PYTHONDONTWRITEBYTECODE=1, the checkout's modules compiled, libraries' cached; warm unit cache. "
                f"Each alone, start-up included: import regionplan.cli {cpu_cli:.2f} s; "
                f"first parse_unit {cpu_units:.2f} s"
            ),
        ),
        Row(
            "regionplan validate examples/gardermoregionen (CPU, fresh process, bytecode cached)",
            cpu_validate_bytecode,
            "s",
            baseline=cpu_bare,
            baseline_name="python -c pass",
            goal=f"< {VALIDATE_GOAL_SECONDS} s",
            ok=cpu_validate_bytecode < VALIDATE_GOAL_SECONDS,
            note="as an installed wheel runs; warm unit cache",
        ),
        Row(
            "regionplan validate, unit cache off (CPU, fresh process, checkout compiled anew)",
            cpu_no_unit_cache,
            "s",
            baseline=cpu_validate,
            baseline_name="warm unit cache",
            note="REGIONPLAN_UNIT_CACHE=off: pint imported and asked, as in a first run",
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
