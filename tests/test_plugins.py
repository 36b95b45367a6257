"""The plugin manager, the registries and every hook, exercised by a plugin of its own."""

from __future__ import annotations

import re
import textwrap
import types
from pathlib import Path
from typing import Any

import click
import numpy as np
import pluggy
import pytest
from click.testing import CliRunner

from regionplan import hookimpl, hookspecs
from regionplan.data.sources import DataSource
from regionplan.errors import Location, PluginError, Problem, Severity, UnitDefinitionError
from regionplan.evaluation.projection import Projection, Projector
from regionplan.evaluation.rollup import Rollup, RollupPolicy
from regionplan.evaluation.status import Status
from regionplan.evaluation.status_policies import DefaultPolicy
from regionplan.plan.files import MapNode, ScalarNode, load_yaml, validate_plan
from regionplan.plan.units import parse_unit
from regionplan.plugins import DEFAULT_PLUGINS, LOAD_PLUGINS_ENV, Extensions, make_plugin_manager

TESTS = Path(__file__).parent
PLANS = TESTS / "data" / "plans"


def plugin(name: str, **hooks: Any) -> types.ModuleType:
    """A plugin module named ``name`` with the given hook functions."""
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        function.__name__ = hook_name
        setattr(module, hook_name, hookimpl(function))
    return module


def collect(*plugins: object) -> Extensions:
    return Extensions.collect(make_plugin_manager(load_entrypoints=False, plugins=plugins))


def test_builtins_are_registered() -> None:
    pm = make_plugin_manager(load_entrypoints=False)
    names = {name for name, p in pm.list_name_plugin() if p is not None}
    assert names == set(DEFAULT_PLUGINS)
    ext = Extensions.collect(pm)
    assert set(ext.sources) >= {"csv", "excel", "inline", "jsonstat"}
    assert set(ext.projections) == {"linear", "compound"}
    assert set(ext.status_policies) == {"default", "open_sdg"}
    assert set(ext.rollup_policies) == {"weighted_score", "worst_child"}
    assert set(ext.loaders) == {".yaml", ".yml", ".json"}
    assert len(ext.renderers) >= 1
    assert ext.sources.plugin_of("csv") == "regionplan.data.sources.tabular"
    rows = ext.plugin_rows()
    assert all(r["builtin"] for r in rows)


def test_a_misspelled_hook_name_raises() -> None:
    class Typo:
        @hookimpl
        def regionplan_register_source(self, register: Any) -> None:  # missing 's'
            pass

    with pytest.raises(PluginError) as info:
        make_plugin_manager(load_entrypoints=False, plugins=[Typo()])
    assert "regionplan_register_source" in str(info.value)


class DummySource(DataSource):
    name = "dummy"

    def fetch(self, request: Any) -> Any:  # pragma: no cover - never fetched
        raise NotImplementedError


def test_duplicate_source_names_from_two_plugins_name_both() -> None:
    first = plugin(
        "first_plugin", regionplan_register_sources=lambda register: register("dummy", DummySource)
    )
    second = plugin(
        "second_plugin", regionplan_register_sources=lambda register: register("dummy", DummySource)
    )
    with pytest.raises(PluginError) as info:
        collect(first, second)
    message = str(info.value)
    assert "first_plugin" in message and "second_plugin" in message and "'dummy'" in message


def test_a_source_may_not_take_a_builtin_name() -> None:
    rogue = plugin("rogue_plugin", regionplan_register_sources=lambda register: register("csv", DummySource))
    with pytest.raises(PluginError) as info:
        collect(rogue)
    assert "rogue_plugin" in str(info.value) and "regionplan.data.sources.tabular" in str(info.value)


def test_the_later_plugin_is_blamed_for_a_duplicate() -> None:
    rogue = plugin("rogue_plugin", regionplan_register_sources=lambda register: register("csv", DummySource))
    with pytest.raises(PluginError, match=r"^plugin 'rogue_plugin' registers a data source named 'csv'"):
        collect(rogue)


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> int:
        self.calls.append((args, kwargs))
        return 0


@pytest.fixture
def entrypoint_calls(monkeypatch: pytest.MonkeyPatch) -> _Recorder:
    recorder = _Recorder()
    monkeypatch.setattr(pluggy.PluginManager, "load_setuptools_entrypoints", recorder)
    return recorder


def test_empty_load_plugins_env_loads_no_entry_points(
    monkeypatch: pytest.MonkeyPatch, entrypoint_calls: _Recorder
) -> None:
    monkeypatch.setenv(LOAD_PLUGINS_ENV, "")
    make_plugin_manager()
    assert entrypoint_calls.calls == []


def test_load_plugins_env_chooses_names(monkeypatch: pytest.MonkeyPatch, entrypoint_calls: _Recorder) -> None:
    monkeypatch.setenv(LOAD_PLUGINS_ENV, "ssb, myregion")
    make_plugin_manager()
    assert entrypoint_calls.calls == [
        (("regionplan",), {"name": "ssb"}),
        (("regionplan",), {"name": "myregion"}),
    ]


def test_unset_env_loads_all_and_false_loads_none(
    monkeypatch: pytest.MonkeyPatch, entrypoint_calls: _Recorder
) -> None:
    monkeypatch.delenv(LOAD_PLUGINS_ENV, raising=False)
    make_plugin_manager()
    assert entrypoint_calls.calls == [(("regionplan",), {})]
    make_plugin_manager(load_entrypoints=False)
    assert len(entrypoint_calls.calls) == 1


# -- every hook, exercised ---------------------------------------------------------------


def test_regionplan_register_units_adds_a_unit_and_refuses_redefinitions() -> None:
    households = plugin(
        "household_plugin",
        regionplan_register_units=lambda register: register("household = [household] = households"),
    )
    ext = collect(households)
    assert ("household = [household] = households", "household_plugin") in ext.units
    assert parse_unit("households") == parse_unit("household")
    collect(households)  # the same plugin collected again is fine

    redefiner = plugin(
        "job_redefiner", regionplan_register_units=lambda register: register("job = [work] = jobs")
    )
    with pytest.raises(UnitDefinitionError) as info:
        collect(redefiner)
    assert "job_redefiner" in str(info.value) and "'job'" in str(info.value)


def test_regionplan_register_loaders_adds_a_plan_format(tmp_path: Path) -> None:
    def load_upper(path: str, text: str) -> Any:
        # a format that is YAML written in upper case
        return load_yaml(path, text.lower())

    loader = plugin(
        "upper_plugin",
        regionplan_register_loaders=lambda register: register((".upper",), load_upper),
    )
    ext = collect(loader)
    assert ext.loaders.plugin_of(".upper") == "upper_plugin"
    main = (PLANS / "includes" / "plan.yaml").read_text(encoding="utf-8")
    main = main.replace("  - parts/metrics.yaml\n", "  - parts/metrics.yaml\n  - more.upper\n")
    (tmp_path / "parts").mkdir()
    for part in ("region.yaml", "metrics.yaml"):
        (tmp_path / "parts" / part).write_text(
            (PLANS / "includes" / "parts" / part).read_text(encoding="utf-8")
        )
    (tmp_path / "main.yaml").write_text(main, encoding="utf-8")
    (tmp_path / "more.upper").write_text("ACTORS: [{ID: COUNCIL, NAME: REGIONRÅDET}]\n", encoding="utf-8")
    v = validate_plan(tmp_path / "main.yaml", extensions=ext)
    assert v.ok, v.problems
    assert v.plan is not None and v.plan.actor("council").name.get() == "regionrådet"
    # without the plugin the suffix is unknown
    v = validate_plan(tmp_path / "main.yaml", extensions=collect())
    assert [p.code for p in v.errors] == ["RP002"]
    clash = plugin(
        "clash_plugin", regionplan_register_loaders=lambda register: register((".yaml",), load_upper)
    )
    with pytest.raises(PluginError, match="clash_plugin"):
        collect(clash)


def test_regionplan_validate_plan_adds_problems() -> None:
    def check(plan: Any, graph: Any) -> list[Problem]:
        return [
            Problem(
                "X001",
                f"{len(plan.elements)} elements",
                Location("plan.json", 1, 1),
                severity=Severity.WARNING,
            )
        ]

    ext = collect(plugin("checker_plugin", regionplan_validate_plan=check))
    v = validate_plan(PLANS / "json", extensions=ext)
    assert [(p.code, p.message) for p in v.problems] == [("X001", "2 elements")]
    assert v.ok

    def broken(plan: Any, graph: Any) -> list[Any]:
        return ["not a problem"]

    with pytest.raises(PluginError, match="broken_plugin"):
        validate_plan(
            PLANS / "json", extensions=collect(plugin("broken_plugin", regionplan_validate_plan=broken))
        )


def test_regionplan_register_sources_adds_a_source() -> None:
    ext = collect(
        plugin("dummy_plugin", regionplan_register_sources=lambda register: register("dummy", DummySource))
    )
    assert ext.sources.get("dummy") is DummySource
    with pytest.raises(PluginError, match="did you mean 'dummy'"):
        ext.sources.get("dumy")


def test_regionplan_register_renderers_adds_a_format() -> None:
    from regionplan.report.renderers import Renderer

    class Shout(Renderer):
        format = "shout"

        def render(self, report: Any, options: Any) -> str:
            return "!"

    ext = collect(plugin("shout_plugin", regionplan_register_renderers=lambda register: register(Shout())))
    assert isinstance(ext.renderers.get("shout"), Shout)
    assert ext.renderers.plugin_of("shout") == "shout_plugin"


def test_regionplan_register_projections_adds_a_method() -> None:
    class Flat(Projector):
        name = "flat"

        def project(self, times: Any, values: Any, at: Any, confidence: float = 0.8) -> Projection:
            last = np.array([row[~np.isnan(row)][-1] for row in values])
            nan = np.full(len(values), np.nan)
            return Projection(
                "flat", last, nan, nan, np.zeros(len(values)), np.full(len(values), 2), confidence
            )

    ext = collect(
        plugin("flat_plugin", regionplan_register_projections=lambda register: register("flat", Flat()))
    )
    p = ext.projections.get("flat").project(np.array([1.0, 2.0]), np.array([[1.0, 3.0]]), np.array([5.0]))
    assert p.value.tolist() == [3.0]


def test_regionplan_register_status_policies_adds_a_policy() -> None:
    class Strict(DefaultPolicy):
        name = "strict"

    ext = collect(
        plugin(
            "strict_plugin", regionplan_register_status_policies=lambda register: register("strict", Strict())
        )
    )
    assert isinstance(ext.status_policies.get("strict"), Strict)
    with pytest.raises(PluginError, match="strict_plugin"):
        collect(
            plugin(
                "strict_plugin",
                regionplan_register_status_policies=lambda register: register("strict", Strict()),
            ),
            plugin(
                "again_plugin",
                regionplan_register_status_policies=lambda register: register("strict", Strict()),
            ),
        )


def test_regionplan_register_rollup_policies_adds_a_policy() -> None:
    class Optimist(RollupPolicy):
        name = "optimist"

        def combine(self, children: Any) -> Rollup:
            return Rollup(Status.ACHIEVED, 1.0, 1.0, tuple(children), self.name)

    ext = collect(
        plugin(
            "optimist_plugin",
            regionplan_register_rollup_policies=lambda register: register("optimist", Optimist()),
        )
    )
    assert ext.rollup_policies.get("optimist").combine([]).status is Status.ACHIEVED


def test_regionplan_register_commands_adds_a_subcommand() -> None:
    def add(cli: click.Group) -> None:
        @cli.command()
        def hello() -> None:
            click.echo("hei")

    pm = make_plugin_manager(
        load_entrypoints=False, plugins=[plugin("hello_plugin", regionplan_register_commands=add)]
    )
    group = click.Group("regionplan")
    pm.hook.regionplan_register_commands(cli=group)
    result = CliRunner().invoke(group, ["hello"])
    assert result.exit_code == 0 and result.output == "hei\n"


def test_a_failing_plugin_is_named() -> None:
    def explode(register: Any) -> None:
        raise RuntimeError("boom")

    with pytest.raises(PluginError, match=r"exploding_plugin.*boom"):
        collect(plugin("exploding_plugin", regionplan_register_projections=explode))


# -- the hook list, checked against the tests (as datasette does) ---------------------------


def test_every_hook_has_a_docstring() -> None:
    assert hookspecs.HOOK_NAMES
    for name in hookspecs.HOOK_NAMES:
        doc = getattr(hookspecs, name).__doc__
        assert doc and doc.strip(), name


def test_every_hook_is_exercised_by_a_test() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py"))
    tested = set(re.findall(r"def test_(regionplan_[a-z_]+?)_(?:adds|refuses)", source))
    implemented = set(re.findall(r"\b(regionplan_[a-z_]+)=", source))
    for name in hookspecs.HOOK_NAMES:
        assert name in tested, f"no test named test_{name}_..."
        assert name in implemented, f"no plugin in the tests implements {name}"
    assert textwrap.dedent("x") == "x"
    assert isinstance(ScalarNode, type) and isinstance(MapNode, type)
