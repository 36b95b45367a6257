"""Mutation testing of the core modules with mutmut, one module at a time.

NOT part of CI: a module takes minutes, and its surviving mutants need a person to review
them (benchmarks/MUTATION.md holds the last reviewed run). Install the tool with
``pip install -e '.[mutation]'``, then::

    bash scripts/mutation.sh list                  the modules, their files and their tests
    bash scripts/mutation.sh MODULE [run]          mutate MODULE, run its tests on every mutant
    bash scripts/mutation.sh MODULE summary        counts and score of the last run
    bash scripts/mutation.sh MODULE survivors      the diff of every surviving mutant
    bash scripts/mutation.sh MODULE show NAME      the diff of one mutant
    bash scripts/mutation.sh MODULE clean          remove the module's work folder

Options of ``run``: ``--budget SECONDS`` (default 1500, or ``MUTATION_BUDGET``): the run is
stopped then and what was measured is kept; ``--resume`` carries on from there instead of
starting afresh; ``--jobs N`` (default 1, or ``MUTATION_JOBS``) mutants tested at once.

Each module is mutated in a copy of ``src/``, ``tests/``, ``examples/`` and ``docs/`` under
``MUTATION_DIR`` (default ``/tmp/regionplan-mutation``), so the working tree gets no
``mutants/`` folder and a run sees one snapshot of the code. Only the module's own test files
run, and of those mutmut runs, for each mutant, only the tests that call the mutated function.
Each mutant runs in a process forked from a server that has imported the libraries but run no
test, so no cache filled by an earlier test (parsed periods, units) can hide a mutant.

mutmut 3 leaves decorated functions alone. So that properties and cached functions are
mutated too, the copy of the module (never the working tree) is first rewritten without
changing what it computes: a ``functools.cache``/``lru_cache`` decorator is dropped, and
``@property def name`` becomes ``def _prop_name`` followed by ``name = property(_prop_name)``.
Mutants of a property are named after ``_prop_name``.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: module -> (files to mutate, test files that exercise them)
MODULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "status": (
        ("src/regionplan/evaluation/status.py", "src/regionplan/evaluation/status_policies.py"),
        ("tests/test_status.py", "tests/test_evaluation_fast_paths.py"),
    ),
    "projection": (
        ("src/regionplan/evaluation/projection.py",),
        ("tests/test_projection.py", "tests/test_evaluation_fast_paths.py"),
    ),
    "rollup": (("src/regionplan/evaluation/rollup.py",), ("tests/test_rollup.py",)),
    "packing": (
        ("src/regionplan/evaluation/packing.py",),
        ("tests/test_packing.py", "tests/test_shared_structures.py", "tests/test_pickling.py"),
    ),
    "expressions": (
        ("src/regionplan/plan/expressions.py",),
        ("tests/test_expressions.py", "tests/test_hostile_values.py"),
    ),
    "periods": (
        ("src/regionplan/plan/periods.py",),
        ("tests/test_periods_series_units.py", "tests/test_hostile_values.py"),
    ),
    "validation": (
        ("src/regionplan/plan/validation/*.py",),
        (
            "tests/test_validation.py",
            "tests/test_validation_mutation_gaps.py",
            "tests/test_python_api.py",
            "tests/test_unit_cache.py",
            "tests/test_comparisons.py",
            "tests/test_plugins.py",
            "tests/test_plugin_faults.py",
        ),
    ),
}

#: imported once by the fork server; not regionplan, which each mutant imports mutated
PRELOAD = ("attrs", "click", "hypothesis", "jinja2", "networkx", "numpy", "pint", "pluggy", "pytest", "yaml")

_CACHES = {"cache", "lru_cache", "functools.cache", "functools.lru_cache"}


def _toml_list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def undecorate(text: str) -> str:
    """``text`` without cache decorators, and with each ``@property`` as ``name = property(_prop_name)``."""
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()
    renames: dict[int, tuple[str, str]] = {}
    after: dict[int, str] = {}
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.FunctionDef) or not node.decorator_list:
            continue
        names = [_dotted(d) for d in node.decorator_list]
        if names == ["property"]:
            indent = lines[node.lineno - 1][: node.col_offset]
            renames[node.lineno - 1] = (f"def {node.name}(", f"def _prop_{node.name}(")
            after[(node.end_lineno or node.lineno) - 1] = (
                f"{indent}{node.name} = property(_prop_{node.name})\n"
            )
        elif not all(n in _CACHES for n in names):
            continue
        for d in node.decorator_list:
            drop.update(range(d.lineno - 1, d.end_lineno or d.lineno))
    out = []
    for i, line in enumerate(lines):
        if i in drop:
            continue
        out.append(line.replace(*renames[i], 1) if i in renames else line)
        if i in after:
            out.append(after[i])
    return "".join(out)


def prepare(module: str, work: Path) -> None:
    """A fresh copy of the code and tests, with the module's settings in ``[tool.mutmut]``."""
    files, tests = MODULES[module]
    tests = tuple(t for t in tests if (ROOT / t).is_file())
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache", "_build")
    for folder in ("src", "tests", "examples", "docs"):
        shutil.copytree(ROOT / folder, work / folder, ignore=ignore)
    (work / "preload.txt").write_text("\n".join(PRELOAD) + "\n", encoding="utf-8")
    settings = (
        f"only_mutate = {_toml_list(files)}\n"
        f"pytest_add_cli_args_test_selection = {_toml_list(tests)}\n"
        'also_copy = ["examples", "docs"]\n'  # plans, data and the how-tos' code some tests read
        'forkserver_warmup = "import"\n'
        f"preload_modules_file = {json.dumps(str(work / 'preload.txt'))}\n"
    )
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    if "\n[tool.mutmut]\n" not in pyproject:
        sys.exit("pyproject.toml has no [tool.mutmut] section")
    pyproject = pyproject.replace("\n[tool.mutmut]\n", "\n[tool.mutmut]\n" + settings, 1)
    (work / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for pattern in files:
        for path in sorted(work.glob(pattern)):
            path.write_text(undecorate(path.read_text(encoding="utf-8")), encoding="utf-8")


def run(module: str, work: Path, *, budget: float, jobs: int, resume: bool) -> None:
    files, tests = MODULES[module]
    if not (resume and work.is_dir()):
        prepare(module, work)
    print(f"mutating {' '.join(files)} (tests: {' '.join(tests)}) in {work}; budget {budget:.0f} s")
    log = work / "run.log"
    start = time.monotonic()
    with log.open("a", encoding="utf-8") as out:
        proc = subprocess.Popen(
            ["mutmut", "run", "--max-children", str(jobs)],
            cwd=work,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            print(f"stopped after the budget of {budget:.0f} s; resume with --resume")
            proc.send_signal(signal.SIGINT)  # mutmut stops its workers and keeps its results
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # a worker left behind by mutmut
    print(f"took {time.monotonic() - start:.0f} s (mutmut's output: {log})")
    counts = summary_counts(work)
    if proc.returncode not in (0, None) and counts["not checked"] == sum(counts.values()):
        sys.exit(f"mutmut failed ({proc.returncode}) before testing a mutant; see {log}")
    print_summary(module, work)


def summary_counts(work: Path) -> Counter[str]:
    """How many mutants ended in each status, from mutmut's result files."""
    from mutmut.stats import status_by_exit_code

    counts: Counter[str] = Counter()
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        for code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].values():
            counts[status_by_exit_code[code]] += 1
    return counts


def print_summary(module: str, work: Path) -> None:
    counts = summary_counts(work)
    total = sum(counts.values())
    tested = total - counts["not checked"] - counts["check was interrupted by user"]
    print(f"module {module}: {total} mutants, {tested} tested")
    for status, n in sorted(counts.items()):
        print(f"  {status:30} {n}")
    if tested:
        print(
            f"  score, (killed + timed out) / tested: {(counts['killed'] + counts['timeout']) / tested:.1%}"
        )


def names(work: Path, status: str) -> list[str]:
    out = subprocess.run(
        ["mutmut", "results", "--all", "true"], cwd=work, capture_output=True, text=True, check=True
    ).stdout
    return [line.strip().rsplit(": ", 1)[0] for line in out.splitlines() if line.endswith(f": {status}")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("module", choices=[*MODULES, "list"])
    parser.add_argument(
        "action", nargs="?", default="run", choices=["run", "summary", "survivors", "show", "clean"]
    )
    parser.add_argument("name", nargs="?", help="the mutant to show")
    parser.add_argument("--budget", type=float, default=float(os.environ.get("MUTATION_BUDGET", 1500)))
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATION_JOBS", 1)))
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args(argv)
    if args.module == "list":
        for module, (files, tests) in MODULES.items():
            print(f"{module:12} {' '.join(files)}\n{'':12} tests: {' '.join(tests)}")
        return
    if shutil.which("mutmut") is None:
        sys.exit("mutmut is not installed: pip install -e '.[mutation]'")
    work = Path(os.environ.get("MUTATION_DIR", "/tmp/regionplan-mutation")) / args.module
    if args.action == "run":
        run(args.module, work, budget=args.budget, jobs=args.jobs, resume=args.resume)
    elif args.action == "summary":
        print_summary(args.module, work)
    elif args.action == "survivors":
        for name in names(work, "survived"):
            subprocess.run(["mutmut", "show", name], cwd=work, check=True)
    elif args.action == "show":
        if not args.name:
            parser.error("show needs the name of a mutant")
        subprocess.run(["mutmut", "show", args.name], cwd=work, check=True)
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
