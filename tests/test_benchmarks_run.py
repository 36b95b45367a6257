"""The benchmark suite runs to the end and reports every benchmark.

A smoke test only: it asserts no timings (speed goals live in ``benchmarks/``,
never in timed tests). It does check that each benchmark produced its rows,
which includes the evaluation benchmark's check that regionplan and the numpy
baseline give the same statuses.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = (
    "import_time",
    "pint_scalar_vs_array",
    "load_validate",
    "evaluate_norway",
    "memory",
    "jsonstat_decode",
    "synthetic_scaling",
)


def test_quick_benchmark_run_reports_each_benchmark(tmp_path: Path) -> None:
    output = tmp_path / "latest.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--output", str(output)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(output.read_text(encoding="utf-8"))
    assert report["mode"] == "quick"
    assert set(report["benchmarks"]) == set(BENCHMARKS)
    for name in BENCHMARKS:
        result = report["benchmarks"][name]
        assert "error" not in result, result
        assert result["rows"], name
        assert name in proc.stdout
