"""Run regionplan's benchmarks: ``python benchmarks/run.py [--quick] [--only NAME]``.

Prints a table (each measurement beside its baseline from the same run, and their
ratio) and writes the results with the machine's description to
``benchmarks/results/latest.json`` (or ``--output``). See ``benchmarks/README.md``.
Speed goals live here, never in timed tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _util  # noqa: E402
import bench_evaluate  # noqa: E402
import bench_import  # noqa: E402
import bench_jsonstat  # noqa: E402
import bench_load_validate  # noqa: E402
import bench_memory  # noqa: E402
import bench_pint  # noqa: E402
import bench_synthetic  # noqa: E402

BENCHMARKS = {
    m.NAME: m
    for m in (
        bench_import,
        bench_pint,
        bench_load_validate,
        bench_evaluate,
        bench_memory,
        bench_jsonstat,
        bench_synthetic,
    )
}


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:,.1f} µs"
        if value < 1:
            return f"{value * 1e3:,.1f} ms"
        return f"{value:,.2f} s"
    if unit:
        return f"{value:,.1f} {unit}"
    return f"{value:.3g}"


def table(results: dict[str, Any]) -> str:
    lines = []
    head = ("benchmark / case", "value", "cpu", "baseline", "ratio", "cpu ratio", "goal", "")
    rows = []
    for name, result in results.items():
        if "error" in result:
            rows.append((name, "ERROR", "", "", "", "", "", result["error"]))
            continue
        rows.append((name, "", "", "", "", "", "", f"({result['seconds']:.1f} s)"))
        for r in result["rows"]:
            base = f"{_fmt(r['baseline'], r['unit'])} {r['baseline_name']}".strip() if r["baseline"] else ""
            ratio = f"{r['ratio']:,.1f}×" if r["ratio"] is not None else ""
            mark = {True: "ok", False: "MISSED", None: ""}[r["ok"]]
            goal = f"{r['goal']} {mark}".strip()
            cpu = _fmt(r["cpu"], r["unit"])
            cpu_ratio = f"{r['cpu_ratio']:,.1f}×" if r.get("cpu_ratio") is not None else ""
            rows.append(
                ("  " + r["case"], _fmt(r["value"], r["unit"]), cpu, base, ratio, cpu_ratio, goal, r["note"])
            )
    widths = [max(len(str(x[i])) for x in [head, *rows]) for i in range(len(head))]
    for i, row in enumerate([head, *rows]):
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats (about 20 s)")
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), help="run only this one")
    parser.add_argument("--output", type=Path, default=HERE / "results" / "latest.json")
    args = parser.parse_args(argv)
    names = args.only or list(BENCHMARKS)
    started = time.perf_counter()
    results: dict[str, Any] = {}
    failed = False
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            result = BENCHMARKS[name].run(args.quick)
        except Exception as exc:  # report every benchmark, then fail
            failed = True
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        result["seconds"] = time.perf_counter() - t0
        results[name] = result
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "machine": _util.machine(),
        "builtin_plugins_missing": list(_util.MISSING_BUILTINS),
        "total_seconds": time.perf_counter() - started,
        "benchmarks": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    m = report["machine"]
    print(
        f"regionplan benchmarks ({report['mode']}), {m['cpus_usable']} CPUs ({m['cpu']}), "
        f"Python {m['python']}, load {m['load_average_1_5_15']}"
    )
    print(table(results))
    print(f"\ntotal {report['total_seconds']:.1f} s; results in {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
