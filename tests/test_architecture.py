"""The architecture is a contract: stages import only downwards, modules stay small.

``lint-imports`` checks the layers declared in ``pyproject.toml``; the second test shows the
contract is not a formality by adding one upward import to a copy of the package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 500


def _lint_imports(config_dir: Path, source_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(source_dir)}
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run(
        [sys.executable, "-c", code, "--no-cache", "--no-logo", str(config_dir / "pyproject.toml")],
        cwd=config_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layers_contract_holds() -> None:
    result = _lint_imports(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "upward", "message"),
    [
        (
            "plan/model.py",
            "regionplan.report.build",
            "regionplan.plan is not allowed to import regionplan.report",
        ),
        (
            "data/series.py",
            "regionplan.evaluation",
            "regionplan.data is not allowed to import regionplan.evaluation",
        ),
        ("evaluation/rollup.py", "regionplan.plugins", "regionplan.evaluation is not allowed to import"),
    ],
)
def test_an_upward_import_breaks_the_contract(tmp_path: Path, module: str, upward: str, message: str) -> None:
    shutil.copytree(ROOT / "src" / "regionplan", tmp_path / "src" / "regionplan")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "regionplan" / module
    target.write_text(
        target.read_text(encoding="utf-8") + f"\nimport {upward}  # noqa: E402\n", encoding="utf-8"
    )
    result = _lint_imports(tmp_path, tmp_path / "src")
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stdout


def test_a_renderer_importing_another_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "src" / "regionplan", tmp_path / "src" / "regionplan")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "regionplan" / "report" / "renderers" / "terminal.py"
    target.write_text(target.read_text(encoding="utf-8") + "\nimport regionplan.report.renderers.html\n")
    result = _lint_imports(tmp_path, tmp_path / "src")
    assert result.returncode == 1
    assert "Each output format stands alone" in result.stdout and "BROKEN" in result.stdout


def _modules() -> list[Path]:
    found = sorted((ROOT / "src").rglob("*.py"))
    for plugin in sorted((ROOT / "plugins").glob("*/src")):
        found += sorted(plugin.rglob("*.py"))
    return found


def test_no_module_is_over_the_size_limit() -> None:
    sizes = {p.relative_to(ROOT): len(p.read_text(encoding="utf-8").splitlines()) for p in _modules()}
    assert len(sizes) > 40
    too_big = {str(p): n for p, n in sizes.items() if n > MAX_MODULE_LINES}
    assert not too_big, f"split these along their seams: {too_big}"


def test_the_stages_are_subpackages_in_data_flow_order() -> None:
    package = ROOT / "src" / "regionplan"
    stages = [d.name for d in sorted(package.iterdir()) if d.is_dir() and (d / "__init__.py").exists()]
    assert {"plan", "data", "evaluation", "report"} <= set(stages)
    assert not [p.name for p in package.glob("*.py")] or all(
        p.stem
        in {
            "__init__",
            "__main__",
            "cli",
            "defaults",
            "deferred",
            "errors",
            "hookspecs",
            "markers",
            "plugins",
            "scaffold",
            "testing",
        }
        for p in package.glob("*.py")
    )
