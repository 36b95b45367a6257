"""Start-up of the command line: what ``regionplan --help`` and ``regionplan validate`` import.

Every command loads the plugins, the built-in renderers and sources included, so a heavy
import at the top of any of them is paid by ``regionplan validate`` too. Timing is too
noisy to test on a shared machine; the modules a fresh process holds at exit are not.
Each case runs the real entry point in a fresh interpreter and lists the modules it holds.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gardermoregionen"

#: Never needed to show help or to check a plan: reports, spreadsheets, charts, templates,
#: the network client, the evaluator and the report builder.
HEAVY = (
    "pandas",
    "matplotlib",
    "openpyxl",
    "jinja2",
    "httpx",
    "rich",
    "regionplan.evaluation.evaluator",
    "regionplan.data.dataset",
    "regionplan.data.comparators",
    "regionplan.report.build",
)
#: Needed to read data, evaluate or render, not to check a plan: numpy and what computes with
#: it, and the report model. The built-in sources, projections, policies and renderers are
#: registered by name and imported when first used (:class:`regionplan.deferred.Deferred`).
COMPUTING = (
    "numpy",
    "regionplan.data.series",
    "regionplan.evaluation.projection",
    "regionplan.evaluation.status_policies",
    "regionplan.evaluation.rollup",
    "regionplan.report.model",
    "regionplan.report.renderers.html",
    "regionplan.report.renderers.markdown",
)
#: Needed to check a plan (the goal graph), not to show help.
CHECKING = ("networkx", "yaml", "regionplan.plan.graph")
#: Needed to answer a question about units the cache cannot (regionplan.plan.unitcache).
UNITS = ("pint",)

_PROBE = """
import json, sys
import regionplan.cli
imported = sorted(sys.modules)
from regionplan.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({"cli": imported, "exit": sorted(sys.modules), "code": code}), file=sys.stderr)
"""


def probe(*args: str, unit_cache: Path | None = None) -> tuple[dict[str, set[str] | int], str]:
    """The modules after ``import regionplan.cli`` and after ``regionplan ARGS``, the exit code
    and standard output, from a fresh interpreter (with its unit cache in ``unit_cache``)."""
    env = dict(os.environ)
    if unit_cache is not None:
        env["REGIONPLAN_UNIT_CACHE"] = str(unit_cache)
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env
    )
    found = json.loads(proc.stderr.strip().splitlines()[-1])
    return {"cli": set(found["cli"]), "exit": set(found["exit"]), "code": found["code"]}, proc.stdout


def test_importing_the_cli_imports_no_stage_above_the_plan() -> None:
    modules, _ = probe("--version")
    cli = modules["cli"]
    assert isinstance(cli, set)
    assert sorted(cli & {*HEAVY, *CHECKING, *UNITS, "numpy"}) == []
    assert sorted(m for m in cli if m.startswith(("regionplan.report", "regionplan.evaluation"))) == []


def test_help_imports_nothing_heavy_and_lists_plugin_commands() -> None:
    modules, out = probe("--help")
    assert modules["code"] == 0
    held = modules["exit"]
    assert isinstance(held, set)
    assert sorted(held & {*HEAVY, *COMPUTING, *CHECKING, *UNITS}) == []
    assert "validate" in out
    if importlib.util.find_spec("regionplan_milestones") is not None:
        # an installed plugin's command (regionplan_register_commands) is still listed
        assert "milestones" in out


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_validate_imports_only_what_checking_needs(fmt: str, tmp_path: Path) -> None:
    first, out = probe("validate", "--format", fmt, str(EXAMPLE), unit_cache=tmp_path)
    assert first["code"] == 0, out
    held = first["exit"]
    assert isinstance(held, set)
    # pint brings numpy when it must answer (a cold unit cache); nothing else does
    assert sorted(held & {*HEAVY, *COMPUTING} - {"numpy"}) == []
    # the plan was really checked: its goal graph built and its units parsed by pint
    assert set(CHECKING) <= held
    assert set(UNITS) <= held
    # the next run finds pint's answers in the unit cache, and says the same
    again, out_again = probe("validate", "--format", fmt, str(EXAMPLE), unit_cache=tmp_path)
    assert again["code"] == 0
    assert out_again == out
    held_again = again["exit"]
    assert isinstance(held_again, set)
    assert set(CHECKING) <= held_again
    assert sorted(held_again & {*HEAVY, *COMPUTING, *UNITS}) == []


def test_python_m_regionplan_runs_the_command_line() -> None:
    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=ROOT)

    as_module = run(sys.executable, "-m", "regionplan", "validate", "--format", "json", str(EXAMPLE))
    as_script = run(
        sys.executable,
        "-c",
        "from regionplan.cli import main; main()",
        "validate",
        "--format",
        "json",
        str(EXAMPLE),
    )
    assert as_module.returncode == as_script.returncode == 0
    assert json.loads(as_module.stdout) == json.loads(as_script.stdout)
    mistake = run(sys.executable, "-m", "regionplan", "validate", str(ROOT / "no-such-plan"))
    assert mistake.returncode != 0 and "Traceback" not in mistake.stderr
    assert "no-such-plan" in mistake.stderr + mistake.stdout
