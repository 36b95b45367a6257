"""Test helpers for plugin authors, also loaded as a pytest plugin.

With regionplan installed, pytest finds these fixtures through the ``pytest11``
entry point:

* ``regionplan_extensions`` — a function ``(*plugins) -> Extensions``: the built-in
  plugins plus yours, with installed plugins left out so other packages cannot change
  your tests;
* ``regionplan_plan`` — a function ``(text, **files) -> Path`` that writes a plan folder
  in the test's temporary folder (``text`` is ``plan.yaml``; other files by name).

The plain functions below work without pytest too.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from regionplan.plugins import Extensions, make_plugin_manager

__all__ = ["MINIMAL_PLAN", "core_extensions", "write_plan"]

#: A small valid plan: one municipality (Ullensaker, with its codes through the reforms),
#: a vision, a main goal. Add ``metrics:`` and ``targets:`` after it.
MINIMAL_PLAN = """\
regionplan: 1
plan:
  id: test-plan
  title: {nb: Testplan, en: Test plan}
  period: {start: 2021, end: 2030}
region:
  id: test-region
  name: Testregion
  municipalities:
    - id: ullensaker
      name: Ullensaker
      codes:
        - {code: "0235", until: 2019-12-31}
        - {code: "3033", from: 2020-01-01, until: 2023-12-31}
        - {code: "3209", from: 2024-01-01}
elements:
  - {id: vision, kind: vision, title: Visjon}
  - {id: main-goal, kind: main_goal, title: Hovedmål, contributes_to: [vision]}
"""


def core_extensions(*plugins: object) -> Extensions:
    """The built-in plugins plus ``plugins`` (no installed plugins)."""
    return Extensions.collect(make_plugin_manager(load_entrypoints=False, plugins=plugins))


def write_plan(folder: str | Path, text: str = MINIMAL_PLAN, **files: str) -> Path:
    """Write ``plan.yaml`` (and other files, ``name_yaml="..."`` for ``name.yaml``) into ``folder``."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    (root / "plan.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    for name, content in files.items():
        file_name = name.replace("_yaml", ".yaml").replace("_csv", ".csv").replace("_json", ".json")
        (root / file_name).write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def regionplan_extensions() -> Callable[..., Extensions]:
    """Make :class:`~regionplan.plugins.Extensions` of the built-ins and your plugins."""
    return core_extensions


@pytest.fixture
def regionplan_plan(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Write a plan folder in the test's temporary folder; returns its path."""
    counter = iter(range(1_000_000))

    def make(text: str = MINIMAL_PLAN, **files: Any) -> Path:
        return write_plan(tmp_path / f"plan-{next(counter)}", text, **files)

    yield make
