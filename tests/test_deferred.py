"""Contributions registered by where they live (:class:`regionplan.deferred.Deferred`): known by
name at once, imported when first used, and a fault of their plugin when they cannot be."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import regionplan
from regionplan.cli import EXIT_INTERNAL, EXIT_USER, cli
from regionplan.deferred import Deferred
from regionplan.errors import PluginError, PluginRenderError, RenderError
from regionplan.evaluation.projection import LinearTrend, Projector
from regionplan.evaluation.status_policies import DefaultPolicy
from regionplan.report.renderers import Renderer, render
from regionplan.report.renderers import builtin as builtin_renderers
from regionplan.report.renderers.markdown import MarkdownRenderer
from test_plugin_faults import _install, plan_text
from test_plugins import collect, plugin

#: A plugin's module of contributions, written to a temporary folder so that the tests can
#: see when it is imported.
_CONTRIBUTIONS = '''
from regionplan.evaluation.projection import LinearTrend
from regionplan.report.renderers import Renderer


class Damped(LinearTrend):
    """A projection a region defines."""


class Pdf(Renderer):
    format = "pdf"

    def render(self, report, options):
        return "%PDF"


class Mislabelled(Renderer):
    format = "odt"

    def render(self, report, options):
        return ""
'''


@pytest.fixture
def contributions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The name of a module of contributions, importable but not imported yet."""
    name = f"deferred_contributions_{tmp_path.name}"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(_CONTRIBUTIONS), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def test_a_deferred_projection_is_known_by_name_and_imported_when_first_used(contributions: str) -> None:
    def regionplan_register_projections(register: Any) -> None:
        register("damped", Deferred(f"{contributions}:Damped", call=True))

    ext = collect(plugin("region", regionplan_register_projections=regionplan_register_projections))
    assert "damped" in ext.projections and "damped" in list(ext.projections)
    assert ext.projections.plugin_of("damped") == "region"
    assert contributions not in sys.modules  # knowing the name imported nothing
    first = ext.projections.get("damped")
    assert contributions in sys.modules
    assert isinstance(first, Projector) and type(first).__name__ == "Damped"
    assert ext.projections.get("damped") is first  # made once, then kept
    assert [r.value for r in ext.projections.items() if r.name == "damped"] == [first]


def test_a_deferred_renderer_is_named_by_its_format(contributions: str) -> None:
    def regionplan_register_renderers(register: Any) -> None:
        register(Deferred(f"{contributions}:Pdf", call=True, format="pdf"))

    ext = collect(plugin("region", regionplan_register_renderers=regionplan_register_renderers))
    assert "pdf" in ext.renderers and contributions not in sys.modules
    renderer = ext.renderers.get("pdf")
    assert isinstance(renderer, Renderer) and renderer.format == "pdf"


def test_a_deferred_renderer_writing_another_format_is_its_plugins_fault(contributions: str) -> None:
    def regionplan_register_renderers(register: Any) -> None:
        register(Deferred(f"{contributions}:Mislabelled", call=True, format="pdf"))

    ext = collect(plugin("region", regionplan_register_renderers=regionplan_register_renderers))
    with pytest.raises(PluginError, match=r"plugin 'region'.*writes the format 'odt', not 'pdf'") as caught:
        ext.renderers.get("pdf")
    assert caught.value.plugin == "region"


@pytest.mark.parametrize(
    ("target", "said"),
    [
        ("no_such_module_anywhere:Thing", "No module named 'no_such_module_anywhere'"),
        ("regionplan.evaluation.projection:NoSuchProjection", "NoSuchProjection"),
    ],
)
def test_a_target_that_cannot_be_imported_is_its_plugins_fault(target: str, said: str) -> None:
    def regionplan_register_status_policies(register: Any) -> None:
        register("broken", Deferred(target, call=True))

    ext = collect(plugin("region", regionplan_register_status_policies=regionplan_register_status_policies))
    assert "broken" in ext.status_policies  # a plan naming it still checks
    with pytest.raises(PluginError, match="plugin 'region'") as caught:
        ext.status_policies.get("broken")
    assert said in str(caught.value) and target in str(caught.value)
    assert caught.value.plugin == "region"
    with pytest.raises(PluginError, match="plugin 'region'"):
        ext.status_policies.items()  # `regionplan plugins` lists every contribution, so it says so too


@pytest.mark.parametrize("target", ["", "module", "module:", ":Name", "a b:C", "module:Name()", 3])
def test_a_target_must_read_module_colon_name(target: Any) -> None:
    with pytest.raises(ValueError, match=r"'package\.module:name'"):
        Deferred(target)


def test_without_call_the_target_itself_is_the_contribution() -> None:
    assert Deferred("regionplan.evaluation.projection:LinearTrend").load() is LinearTrend
    assert isinstance(Deferred("regionplan.evaluation.projection:LinearTrend", call=True).load(), LinearTrend)


def test_the_builtins_are_deferred_and_give_the_objects_themselves() -> None:
    ext = collect()
    assert isinstance(ext.status_policies.get("default"), DefaultPolicy)
    assert isinstance(ext.renderers.get("md"), MarkdownRenderer)
    assert {r.name for r in ext.renderers.items()} >= {"html", "md", "json", "dot", "terminal", "xlsx"}
    assert all(r.name == r.value.format for r in ext.renderers.items())


def test_checking_a_plan_imports_no_builtin_contribution() -> None:
    # In a fresh interpreter: this one has imported them all by now.
    probe = """
import sys
from regionplan.plugins import default_extensions
from regionplan.plan.files import validate_plan
ext = default_extensions()
assert "linear" in ext.projections and "md" in ext.renderers
print(sorted(m for m in ("numpy", "regionplan.evaluation.projection", "regionplan.report.model")
             if m in sys.modules))
"""
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


def test_a_class_where_an_instance_is_needed_says_call_true(contributions: str) -> None:
    def regionplan_register_projections(register: Any) -> None:
        register("damped", Deferred(f"{contributions}:Damped"))

    ext = collect(plugin("region", regionplan_register_projections=regionplan_register_projections))
    with pytest.raises(
        PluginError, match=r"is the class Damped, not an instance: register it with call=True"
    ):
        ext.projections.get("damped")


def test_a_source_is_a_class_and_says_so(contributions: str) -> None:
    def regionplan_register_sources(register: Any) -> None:
        register("rows", Deferred("regionplan.data.sources.tabular:query_text"))

    ext = collect(plugin("region", regionplan_register_sources=regionplan_register_sources))
    with pytest.raises(PluginError, match=r"is a function, not a class: register it without call=True"):
        ext.sources.get("rows")


def test_a_deferred_renderer_without_its_format_is_refused_at_once() -> None:
    def regionplan_register_renderers(register: Any) -> None:
        register(Deferred("regionplan.report.renderers.markdown:MarkdownRenderer", call=True))

    with pytest.raises(PluginError, match=r"without a name \(a deferred renderer says its format"):
        collect(plugin("region", regionplan_register_renderers=regionplan_register_renderers))


def test_a_renderer_that_fails_to_load_is_a_render_error_naming_its_plugin(
    contributions: str, example_evaluation: Any
) -> None:
    def regionplan_register_renderers(register: Any) -> None:
        register(Deferred(f"{contributions}:NoSuchRenderer", call=True, format="pdf"))

    ext = collect(plugin("region", regionplan_register_renderers=regionplan_register_renderers))
    with pytest.raises(PluginRenderError, match="plugin 'region' failed in the renderer 'pdf'") as caught:
        render(example_evaluation, "pdf", extensions=ext)
    assert isinstance(caught.value, RenderError) and caught.value.plugin == "region"
    assert "NoSuchRenderer" in str(caught.value)


@pytest.mark.parametrize("deferred", [True, False])
def test_a_policy_that_is_no_policy_is_its_plugins_fault_at_evaluate(
    regionplan_plan: Any, deferred: bool
) -> None:
    value: Any = Deferred("collections:OrderedDict", call=True) if deferred else collections.OrderedDict()

    def regionplan_register_status_policies(register: Any) -> None:
        register("odd", value)

    ext = collect(plugin("region", regionplan_register_status_policies=regionplan_register_status_policies))

    plan = regionplan.load_plan(regionplan_plan(plan_text(target=", policy: odd")), extensions=ext)
    with pytest.raises(
        PluginError, match=r"the status policy 'odd' is an OrderedDict, which has no judge method"
    ):
        regionplan.evaluate(plan, as_of="2025-06-01", extensions=ext)


def test_a_deferred_policy_that_fails_to_load_at_evaluate_names_its_plugin(regionplan_plan: Any) -> None:
    def regionplan_register_status_policies(register: Any) -> None:
        register("odd", Deferred("no_such_policy_module:Odd", call=True))

    ext = collect(plugin("region", regionplan_register_status_policies=regionplan_register_status_policies))

    plan = regionplan.load_plan(regionplan_plan(plan_text(target=", policy: odd")), extensions=ext)
    with pytest.raises(PluginError, match="plugin 'region' failed in the status policy 'odd'") as caught:
        regionplan.evaluate(plan, as_of="2025-06-01", extensions=ext)
    assert caught.value.plugin == "region"


def test_a_builtin_that_fails_to_load_is_a_bug_in_regionplan(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = (*builtin_renderers._RENDERERS, ("pdf", "no_such_renderer_module:PdfRenderer"))
    monkeypatch.setattr(builtin_renderers, "_RENDERERS", broken)
    ext = collect()
    with pytest.raises(PluginError, match="a bug in regionplan") as caught:
        ext.renderers.get("pdf")
    assert caught.value.builtin is True


def test_regionplan_plugins_lists_every_contribution_and_every_one_that_fails(
    contributions: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from regionplan.plugins import reset_default_extensions, set_default_extensions

    def regionplan_register_renderers(register: Any) -> None:
        register(Deferred(f"{contributions}:Pdf", call=True, format="pdf"))
        register(Deferred(f"{contributions}:Mislabelled", call=True, format="rtf"))

    def regionplan_register_projections(register: Any) -> None:
        register("damped", Deferred(f"{contributions}:Missing", call=True))

    set_default_extensions(
        collect(
            plugin(
                "region",
                regionplan_register_renderers=regionplan_register_renderers,
                regionplan_register_projections=regionplan_register_projections,
            )
        )
    )
    try:
        result = CliRunner().invoke(cli, ["plugins"])
    finally:
        reset_default_extensions()
    assert result.exit_code == EXIT_USER
    out = result.output
    assert "pdf [region], rtf [region] (fails to load)" in out
    assert "damped [region] (fails to load)" in out and "linear [regionplan.evaluation.builtin]" in out
    assert "writes the format 'odt', not 'rtf'" in out and "'damped'" in out
    assert out.count("error: ") == 2 and "Traceback" not in out


def test_a_plugin_that_fails_to_load_is_said_once(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install(
        site,
        "from regionplan import hookimpl\n\n@hookimpl\ndef regionplan_register_sources(register):\n    register('', None)\n",
    )
    env = {**os.environ, "PYTHONPATH": str(site), "REGIONPLAN_LOAD_PLUGINS": "faulty"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "regionplan", *args]
        return subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env, cwd=site)

    said = "plugin 'faulty' registered a data source without a name"
    failed = run("plugins")  # needs the plugins: fails on them, and says so once
    assert failed.returncode == EXIT_USER and failed.stderr.count(said) == 1, failed.stderr
    helped = run("--help")  # does not: still works, and says why plugins' commands may be missing
    assert helped.returncode == 0 and "Usage" in helped.stdout
    assert helped.stderr.count(said) == 1 and "warning: plugins not loaded" in helped.stderr
    assert EXIT_INTERNAL not in (failed.returncode, helped.returncode)
