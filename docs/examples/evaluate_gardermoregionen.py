"""Evaluate the Gardermoregionen example from Python, as the tutorial does.

Run it from the repository's root folder::

    python docs/examples/evaluate_gardermoregionen.py

It reads the plan, evaluates it as of 26 November 2026 without using the
network (figures that only Statistics Norway's API has are then missing, and
the evaluation says so), prints each target's status and why, and writes a
Markdown report. The documentation's tests run it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import regionplan
from regionplan.data.sources import SourceContext
from regionplan.report.renderers import render

PLAN = Path("examples/gardermoregionen")


def main(plan_dir: Path = PLAN, out_dir: Path = Path("out"), cache_dir: Path | None = None) -> int:
    # Read and check the plan: warnings are returned, errors raise PlanError.
    validation = regionplan.validate_plan(plan_dir)
    print(f"{len(validation.errors)} error(s), {len(validation.warnings)} warning(s)")
    plan = validation.raise_for_errors()

    # Evaluate as of a date, with the sources' cache only (no network).
    context = SourceContext(
        base_dir=plan_dir,
        offline=True,
        **({"cache_dir": cache_dir} if cache_dir else {}),
    )
    result = regionplan.evaluate(plan, as_of="2026-11-26", context=context)

    print("Main goal:", result.status_of("main-goal").value)
    for target in result.targets:
        print(f"{target.target.id}: {target.status.value} ({target.reason})")
        print("   ", target.explain("en"))

    # The same evaluation, written as a Markdown report in English.
    out_dir.mkdir(parents=True, exist_ok=True)
    report = render(result, "md", lang="en", warnings=validation.warnings)
    (out_dir / "gardermoregionen.md").write_text(str(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
