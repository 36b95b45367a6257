"""A format added from outside the core, through the plugin hook alone."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path
from types import ModuleType

import pytest

from regionplan.errors import PluginError, RenderError
from regionplan.plugins import Extensions, make_plugin_manager
from regionplan.report.renderers import render
from test_report import demo_evaluation  # tests/ is on the pytest pythonpath


def _load_plugin() -> ModuleType:
    """Import the plugin module from its file, as an installed plugin would be imported.

    The plugin is the renderer of the how-to guide "Write a renderer"
    (``docs/examples/plugin_renderer_example.py``): written outside the core, against
    the public API only.
    """
    path = Path(__file__).resolve().parents[2] / "docs" / "examples" / "plugin_renderer_example.py"
    spec = importlib.util.spec_from_file_location("regionplan_csv", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


regionplan_csv = _load_plugin()


@pytest.fixture(scope="module")
def extensions() -> Extensions:
    return Extensions.collect(make_plugin_manager(load_entrypoints=False, plugins=[regionplan_csv]))


def test_the_plugin_adds_the_csv_format(extensions: Extensions) -> None:
    assert "csv" in extensions.renderers
    assert extensions.renderers.plugin_of("csv") != "regionplan.report.renderers.html"
    assert {"html", "md", "json", "dot", "terminal"} <= set(extensions.renderers)


def test_csv_renders_through_the_core_render(extensions: Extensions, tmp_path: Path) -> None:
    evaluation = demo_evaluation(tmp_path, extensions=extensions)
    text = render(evaluation, "csv", lang="en", extensions=extensions)
    assert isinstance(text, str)
    table = list(csv.reader(io.StringIO(text)))
    credits = [r[0] for r in table if r and r[0].startswith("# ")]
    assert "# Kilde: Statistisk sentralbyrå (KLASS 131)" in credits  # figures keep their credit
    head, *body = [r for r in table if r and not r[0].startswith("# ")]
    rows = [dict(zip(head, r, strict=True)) for r in body]
    assert [r["target"] for r in rows] == ["t_jobs", "t_jobs2", "t_visitors"]
    by_id = {r["target"]: r for r in rows}
    assert by_id["t_jobs"]["latest"] == "1820.0"
    assert by_id["t_jobs"]["status"] == evaluation.target("t_jobs").status.value
    assert by_id["t_visitors"]["status"] == "insufficient_data"


def test_without_the_plugin_csv_is_unknown(tmp_path: Path) -> None:
    core = Extensions.collect(make_plugin_manager(load_entrypoints=False))
    evaluation = demo_evaluation(tmp_path, extensions=core)
    with pytest.raises(RenderError, match="no output format named 'csv'"):
        render(evaluation, "csv", extensions=core)


def test_a_second_csv_renderer_is_refused() -> None:
    class Again:
        regionplan_register_renderers = staticmethod(regionplan_csv.regionplan_register_renderers)

    with pytest.raises(PluginError, match="csv"):
        Extensions.collect(make_plugin_manager(load_entrypoints=False, plugins=[regionplan_csv, Again()]))
