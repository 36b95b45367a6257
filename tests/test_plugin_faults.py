"""Misbehaving plugins: each is named with its package, and the command line exits 3.

Every kind of plugin object is tried: a source, a renderer, a status policy, a projection,
a roll-up policy, a plan checker, a plan-file loader, a unit and a command, each raising
or returning what its contract does not allow. The plugins are registered through the
test fixtures (``regionplan_extensions``); one package is installed on the fly (a
``.dist-info`` folder on ``PYTHONPATH``) and run in a fresh process, as a user's would be.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs
import numpy as np
import pytest
from click.testing import CliRunner

import regionplan
from regionplan import hookimpl
from regionplan.cli import EXIT_INTERNAL, EXIT_USER, cli, main
from regionplan.data.fetching import fetch_sources
from regionplan.data.series import Observations, Provenance
from regionplan.data.sources import DataSource, FailureKind, SourceContext, SourceFailed, SourceRequest
from regionplan.data.sources.inline import InlineSource
from regionplan.errors import EvaluationError, Location, PluginError, PluginRenderError, Problem, RenderError
from regionplan.evaluation.projection import Projection, Projector
from regionplan.evaluation.rollup import RollupPolicy
from regionplan.evaluation.status import Evidence, Judgement
from regionplan.evaluation.status_policies import DefaultPolicy
from regionplan.plugins import Extensions, reset_default_extensions, set_default_extensions
from regionplan.report.renderers import Renderer, render
from regionplan.testing import MINIMAL_PLAN, write_plan
from test_plugins import plugin

ROOT = Path(__file__).resolve().parent.parent

VALUES = "".join(f"        - {{period: {y}, value: {100 + 10 * (y - 2019)}}}\n" for y in range(2019, 2025))


def plan_text(source: str = "inline", target: str = "") -> str:
    """The minimal plan with one metric read from ``source`` and one target on it."""
    return (
        MINIMAL_PLAN
        + "metrics:\n"
        + "  - id: jobs\n"
        + "    title: Arbeidsplasser\n"
        + "    unit: job\n"
        + "    direction: increase\n"
        + f"    source:\n      name: {source}\n      area: '3209'\n      values:\n{VALUES}"
        + "targets:\n"
        + "  - {id: t-jobs, element: main-goal, metric: jobs, kind: level, value: 200, deadline: '2030'"
        + f"{target}}}\n"
    )


def sources(name: str, cls: type) -> types.ModuleType:
    """A plugin ``name`` that registers ``cls`` as the source ``faulty``."""
    return plugin(name, regionplan_register_sources=lambda register: register("faulty", cls))


@pytest.fixture
def use(regionplan_extensions: Callable[..., Extensions]) -> Iterator[Callable[..., Extensions]]:
    """Make the built-ins and ``plugins`` the command line's extensions for this test."""

    def install(*plugins: object) -> Extensions:
        ext = regionplan_extensions(*plugins)
        set_default_extensions(ext)
        return ext

    yield install
    reset_default_extensions()


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result


def assert_named(text: str, *words: str) -> None:
    for word in words:
        assert word in text, f"{word!r} not in {text!r}"


# -- sources -------------------------------------------------------------------------------


def _obs(areas: Any, periods: Any, values: Any) -> Observations:
    return Observations(areas, periods, values, "job", Provenance(source="faulty"))


class Raising(DataSource):
    def fetch(self, request: SourceRequest) -> Observations:
        raise RuntimeError("boom")


class ReturnsNone(DataSource):
    def fetch(self, request: SourceRequest) -> Any:
        return None


class ReturnsList(DataSource):
    def fetch(self, request: SourceRequest) -> Any:
        return [_obs(["3209"], ["2020"], [1.0])]


class ReturnsTable(DataSource):
    def fetch(self, request: SourceRequest) -> Any:  # rows of a table: 2-d columns
        return _obs([["3209", "3209"]], [["2020", "2021"]], [[1.0, 2.0]])


class PrepareRaises(Raising):
    def prepare(self, requests: Any) -> None:
        raise KeyError("table")


class InitRaises(Raising):
    def __init__(self, context: SourceContext) -> None:
        raise TypeError("no context wanted")


class CheckRaises(InlineSource):
    @classmethod
    def check_query(cls, query: Any) -> list[str]:
        raise AttributeError("'int' object has no attribute 'get'")


class CheckReturnsNone(InlineSource):
    @classmethod
    def check_query(cls, query: Any) -> Any:
        return None


class CloseRaises(InlineSource):
    def close(self) -> None:
        raise OSError("socket already closed")


class RecoveredWrong(InlineSource):
    def recovered(self, request: SourceRequest) -> Any:
        return "the cache was damaged"


SOURCE_FAULTS = [
    (
        "evaluate",
        Raising,
        "failed in the data source 'faulty' (fetch for the metric 'jobs'): RuntimeError: boom",
    ),
    (
        "evaluate",
        ReturnsNone,
        "the data source 'faulty' (fetch for the metric 'jobs') returned None, not Observations",
    ),
    ("evaluate", ReturnsList, "returned a list, not Observations"),
    ("evaluate", ReturnsTable, "returned Observations of shapes areas (1, 2), periods (1, 2), values (1, 2)"),
    ("evaluate", PrepareRaises, "failed in the data source 'faulty': KeyError: 'table'"),
    ("evaluate", InitRaises, "failed in the data source 'faulty': TypeError: no context wanted"),
    ("evaluate", CloseRaises, "failed in the data source 'faulty' (close): OSError: socket already closed"),
    ("evaluate", RecoveredWrong, "returned a str, not a tuple of SourceFailure"),
    ("validate", CheckRaises, "failed in the data source 'faulty' (check_query): AttributeError"),
    ("validate", CheckReturnsNone, "(check_query) returned None, not a list of messages"),
]


@pytest.mark.parametrize(
    ("command", "cls", "said"), SOURCE_FAULTS, ids=[c.__name__ for _, c, _ in SOURCE_FAULTS]
)
def test_a_faulty_source_is_named_and_exits_3(
    use: Callable[..., Extensions], regionplan_plan: Callable[..., Path], command: str, cls: type, said: str
) -> None:
    use(sources("faulty_source_plugin", cls))
    folder = regionplan_plan(plan_text("faulty"))
    result = invoke(command, str(folder), *(["--as-of", "2025-06-01"] if command == "evaluate" else []))
    assert result.exit_code == EXIT_USER, result.output
    assert_named(result.output, "error: plugin 'faulty_source_plugin'", said)
    if " failed in " in said:  # the plugin raised: its traceback is there to see
        assert "hint: run again with --debug to see the plugin's traceback" in result.output
    assert "internal error" not in result.output


def test_a_source_fault_chains_the_original_exception(
    regionplan_extensions: Callable[..., Extensions], regionplan_plan: Callable[..., Path]
) -> None:
    ext = regionplan_extensions(sources("faulty_source_plugin", Raising))
    plan = regionplan.load_plan(regionplan_plan(plan_text("faulty")), extensions=ext)
    with pytest.raises(PluginError) as info:
        fetch_sources(plan, extensions=ext)
    assert info.value.plugin == "faulty_source_plugin"
    assert not info.value.builtin
    assert isinstance(info.value.__cause__, RuntimeError) and str(info.value.__cause__) == "boom"


class Offline(DataSource):
    def fetch(self, request: SourceRequest) -> Observations:
        raise SourceFailed("offline, and no cached response", FailureKind.OFFLINE)


def test_a_documented_source_failure_stays_a_data_failure(
    use: Callable[..., Extensions], regionplan_plan: Callable[..., Path]
) -> None:
    ext = use(sources("offline_plugin", Offline))
    folder = regionplan_plan(plan_text("faulty"))
    fetched = fetch_sources(regionplan.load_plan(folder, extensions=ext), extensions=ext)
    assert [f.kind for f in fetched.origins["jobs"].failed] == [FailureKind.OFFLINE]
    result = invoke("evaluate", str(folder), "--as-of", "2025-06-01", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "insufficient_data" in result.output


def test_debug_shows_the_plugins_traceback(
    use: Callable[..., Extensions], regionplan_plan: Callable[..., Path]
) -> None:
    use(sources("faulty_source_plugin", Raising))
    result = CliRunner().invoke(cli, ["--debug", "evaluate", str(regionplan_plan(plan_text("faulty")))])
    assert isinstance(result.exception, PluginError)
    assert isinstance(result.exception.__cause__, RuntimeError)


def test_a_builtin_plugins_fault_is_an_internal_error(
    use: Callable[..., Extensions], regionplan_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    use()
    monkeypatch.setattr(InlineSource, "fetch", lambda self, request: None)
    result = invoke("evaluate", str(regionplan_plan(plan_text())), "--as-of", "2025-06-01")
    assert result.exit_code == EXIT_INTERNAL, result.output
    assert_named(
        result.output,
        "internal error (plugin 'regionplan.data.sources.inline' (regionplan ",
        "returned None, not Observations",
        "report it",
    )


# -- renderers -------------------------------------------------------------------------------


def renderer(
    fmt: str, output: Any = "", *, binary: bool = False, raises: Exception | None = None
) -> Renderer:
    class Faulty(Renderer):
        format = fmt

        def render(self, report: Any, options: Any) -> Any:
            if raises is not None:
                raise raises
            return output

    Faulty.binary = binary
    return Faulty()


def renderers(*items: Renderer) -> types.ModuleType:
    def register_all(register: Any) -> None:
        for item in items:
            register(item)

    return plugin("faulty_renderer_plugin", regionplan_register_renderers=register_all)


@pytest.fixture
def evaluation(regionplan_extensions: Callable[..., Extensions], regionplan_plan: Callable[..., Path]) -> Any:
    ext = regionplan_extensions()
    plan = regionplan.load_plan(regionplan_plan(plan_text()), extensions=ext)
    return regionplan.evaluate(plan, as_of="2025-06-01", extensions=ext)


RENDERER_FAULTS = [
    (
        renderer("valueerror", raises=ValueError("no such column")),
        "failed in the renderer 'valueerror' (render): ValueError: no such column",
    ),
    (
        renderer("text-as-bytes", b"%PDF"),
        "returned a bytes from render, not text (str; set binary = True for bytes)",
    ),
    (renderer("nothing", None), "returned None from render, not text"),
    (renderer("binary-as-text", "%PDF", binary=True), "returned a str from render, not bytes (it is binary)"),
]


@pytest.mark.parametrize(("item", "said"), RENDERER_FAULTS, ids=[r.format for r, _ in RENDERER_FAULTS])
def test_a_faulty_renderer_is_a_render_error_naming_the_plugin(
    regionplan_extensions: Callable[..., Extensions], evaluation: Any, item: Renderer, said: str
) -> None:
    ext = regionplan_extensions(renderers(item))
    with pytest.raises(RenderError) as info:  # what render() promises
        render(evaluation, item.format, extensions=ext)
    assert isinstance(info.value, PluginRenderError) and info.value.plugin == "faulty_renderer_plugin"
    assert_named(str(info.value), "plugin 'faulty_renderer_plugin'", said)


def test_a_renderers_own_render_error_and_a_binary_renderer_pass(
    regionplan_extensions: Callable[..., Extensions], evaluation: Any
) -> None:
    ext = regionplan_extensions(
        renderers(
            renderer("pdf", b"%PDF-1.7", binary=True), renderer("needs", raises=RenderError("pip install x"))
        )
    )
    assert render(evaluation, "pdf", extensions=ext) == b"%PDF-1.7"
    with pytest.raises(RenderError) as info:
        render(evaluation, "needs", extensions=ext)
    assert str(info.value) == "pip install x" and not isinstance(info.value, PluginError)


def test_a_faulty_renderer_exits_3(
    use: Callable[..., Extensions], regionplan_plan: Callable[..., Path]
) -> None:
    use(renderers(renderer("valueerror", raises=ValueError("no such column")), renderer("nothing", None)))
    folder = str(regionplan_plan(plan_text()))
    for fmt, said in (("valueerror", "ValueError: no such column"), ("nothing", "returned None from render")):
        result = invoke("report", folder, "--format", fmt, "--as-of", "2025-06-01")
        assert result.exit_code == EXIT_USER, result.output
        assert_named(result.output, "error: plugin 'faulty_renderer_plugin'", said)


# -- status policies, projections, roll-up policies --------------------------------------------


class Policy(DefaultPolicy):
    """The default policy with its judgement spoilt by ``spoil``."""

    spoil: ClassVar[Callable[[Judgement], Any]] = staticmethod(lambda j: j)

    def judge(self, evidence: Evidence, projector: Projector) -> Any:
        return type(self).spoil(super().judge(evidence, projector))


def _raise(j: Judgement) -> Any:
    raise ZeroDivisionError("division by zero")


POLICY_FAULTS = [
    ("raises", _raise, "failed in the status policy 'spoilt' (judge): ZeroDivisionError: division by zero"),
    ("none", lambda j: None, "(judge) returned None, not a Judgement"),
    (
        "short",
        lambda j: attrs.evolve(j, status=j.status[:0]),
        "status of shape (0,), not (1,) (one per area)",
    ),
    ("list", lambda j: attrs.evolve(j, status=[3]), "status as a list, not a numpy array"),
    (
        "float",
        lambda j: attrs.evolve(j, status=j.status.astype(float)),
        "status of dtype float64, not integer",
    ),
    ("codes", lambda j: attrs.evolve(j, status=np.full(1, 7)), "status [7], not status codes (0 to 3)"),
    ("reasons", lambda j: attrs.evolve(j, reason=np.array([1])), "reasons that are not text"),
    ("progress", lambda j: attrs.evolve(j, progress=np.zeros((1, 2))), "progress of shape (1, 2), not (1,)"),
]


@pytest.mark.parametrize(("label", "spoil", "said"), POLICY_FAULTS, ids=[p[0] for p in POLICY_FAULTS])
def test_a_faulty_status_policy_is_named_and_exits_3(
    use: Callable[..., Extensions],
    regionplan_plan: Callable[..., Path],
    label: str,
    spoil: Callable[[Judgement], Any],
    said: str,
) -> None:
    spoilt = type("Spoilt", (Policy,), {"name": "spoilt", "spoil": staticmethod(spoil)})()
    use(
        plugin(
            "faulty_policy_plugin",
            regionplan_register_status_policies=lambda register: register("spoilt", spoilt),
        )
    )
    folder = regionplan_plan(plan_text(target=", policy: spoilt"))
    result = invoke("evaluate", str(folder), "--as-of", "2025-06-01")
    assert result.exit_code == EXIT_USER, result.output
    assert_named(result.output, "error: plugin 'faulty_policy_plugin'", "the status policy 'spoilt'", said)


class Broken(Projector):
    name = "broken"

    def project(self, times: Any, values: Any, at: Any, confidence: float = 0.8) -> Projection:
        raise IndexError("index 0 is out of bounds")


class Ragged(Projector):
    name = "ragged"

    def project(self, times: Any, values: Any, at: Any, confidence: float = 0.8) -> Projection:
        two = np.zeros(len(values) + 1)
        return Projection("ragged", two, two, two, two, two, confidence)


@pytest.mark.parametrize(
    ("projector", "said"),
    [
        (Broken(), "failed in the projection 'broken' (project): IndexError: index 0 is out of bounds"),
        (Ragged(), "the projection 'ragged' (project) returned projection value of shape (2,), not (1,)"),
    ],
)
def test_a_faulty_projection_is_named_not_the_policy_that_called_it(
    use: Callable[..., Extensions], regionplan_plan: Callable[..., Path], projector: Projector, said: str
) -> None:
    register = plugin(
        "faulty_projection_plugin",
        regionplan_register_projections=lambda register: register(projector.name, projector),
    )
    use(register)
    folder = regionplan_plan(plan_text(target=f", projection: {projector.name}"))
    result = invoke("evaluate", str(folder), "--as-of", "2025-06-01")
    assert result.exit_code == EXIT_USER, result.output
    assert_named(result.output, "error: plugin 'faulty_projection_plugin'", said)
    assert "status policy" not in result.output


class TwoOfThree(RollupPolicy):
    name = "two_of_three"

    def combine(self, children: Any) -> Any:  # pragma: no cover - combine_many is called
        raise NotImplementedError

    def combine_many(self, codes: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
        return codes.max(axis=0, initial=0), np.zeros(codes.shape[1])


class Unsure(TwoOfThree):
    name = "unsure"

    def combine_many(self, codes: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, ...]:
        return np.full(codes.shape[1], 0.5), np.zeros(codes.shape[1]), np.ones(codes.shape[1])


@pytest.mark.parametrize(
    ("policy", "said"),
    [
        (TwoOfThree(), "returned a tuple, not (status codes, scores, coverage)"),
        (Unsure(), "returned status codes of dtype float64, not integer status codes"),
    ],
)
def test_a_faulty_rollup_policy_is_named(
    regionplan_extensions: Callable[..., Extensions],
    regionplan_plan: Callable[..., Path],
    policy: Any,
    said: str,
) -> None:
    ext = regionplan_extensions(
        plugin(
            "faulty_rollup_plugin",
            regionplan_register_rollup_policies=lambda register: register(policy.name, policy),
        )
    )
    plan = regionplan.load_plan(regionplan_plan(plan_text()), extensions=ext)
    with pytest.raises(PluginError) as info:
        regionplan.evaluate(plan, as_of="2025-06-01", extensions=ext, rollup=policy.name)
    assert info.value.plugin == "faulty_rollup_plugin"
    assert_named(str(info.value), f"the roll-up policy {policy.name!r} (combine_many) {said}")


# -- plan checkers, loaders, units, commands -----------------------------------------------------


def _check_raises(plan: Any, graph: Any) -> Any:
    raise KeyError("sdg")


def _check_says(plan: Any, graph: Any) -> Any:
    return "the plan has no SDG targets"


def _check_one(plan: Any, graph: Any) -> Any:
    return Problem("X001", "one problem, not in a list", Location("plan.yaml", 1, 1))


@pytest.mark.parametrize(
    ("check", "said"),
    [
        (_check_raises, "failed in regionplan_validate_plan: KeyError: 'sdg'"),
        (
            _check_says,
            "regionplan_validate_plan returned 'the plan has no SDG targets', not a list of problems",
        ),
        (_check_one, "regionplan_validate_plan returned Problem(code='X001'"),
    ],
)
def test_a_faulty_plan_checker_is_named_and_exits_3(
    use: Callable[..., Extensions], regionplan_plan: Callable[..., Path], check: Any, said: str
) -> None:
    use(plugin("faulty_checker_plugin", regionplan_validate_plan=check))
    result = invoke("validate", str(regionplan_plan(plan_text())))
    assert result.exit_code == EXIT_USER, result.output
    assert_named(result.output, "error: plugin 'faulty_checker_plugin'", said)


def _loader_raises(path: str, text: str) -> Any:
    raise UnicodeError("not my encoding")


def _loader_dict(path: str, text: str) -> Any:
    return {"actors": []}


@pytest.mark.parametrize(
    ("load", "said"),
    [
        (_loader_raises, "failed in the plan-file loader for '.plan' (reading more.plan): UnicodeError"),
        (_loader_dict, "the plan-file loader for '.plan' returned a dict for more.plan, not a Node tree"),
    ],
)
def test_a_faulty_loader_is_named_and_exits_3(
    use: Callable[..., Extensions], regionplan_plan: Callable[..., Path], load: Any, said: str
) -> None:
    use(
        plugin(
            "faulty_loader_plugin", regionplan_register_loaders=lambda register: register((".plan",), load)
        )
    )
    folder = regionplan_plan(plan_text() + "include: [more.plan]\n")
    (folder / "more.plan").write_text("actors: []\n", encoding="utf-8")
    result = invoke("validate", str(folder))
    assert result.exit_code == EXIT_USER, result.output
    assert_named(result.output, "error: plugin 'faulty_loader_plugin'", said)


def test_a_unit_that_is_not_a_definition_is_refused(regionplan_extensions: Callable[..., Extensions]) -> None:
    with pytest.raises(PluginError) as info:
        regionplan_extensions(
            plugin("faulty_unit_plugin", regionplan_register_units=lambda register: register(42))
        )
    assert_named(
        str(info.value),
        "plugin 'faulty_unit_plugin': regionplan_register_units got an int, not a unit definition (str)",
    )


def test_a_plugin_object_without_a_name_is_named_by_its_class(
    regionplan_extensions: Callable[..., Extensions],
) -> None:
    class FaultySources:
        @hookimpl
        def regionplan_register_sources(self, register: Any) -> None:
            raise LookupError("no registry")

    with pytest.raises(PluginError) as info:
        regionplan_extensions(FaultySources())
    assert_named(
        str(info.value), "test_plugin_faults.", "FaultySources' failed in regionplan_register_sources"
    )


@pytest.fixture
def plugin_commands() -> Iterator[None]:
    """Leave the command line's commands as they were."""
    before = dict(cli.commands)
    yield
    cli.commands.clear()
    cli.commands.update(before)


def run_main(*args: str) -> int:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    return int(info.value.code or 0)


def test_a_faulty_command_is_named_and_exits_3(
    use: Callable[..., Extensions], plugin_commands: None, capsys: pytest.CaptureFixture[str]
) -> None:
    def add(cli: Any) -> None:
        @cli.command(name="crash")
        def crash() -> None:
            raise ArithmeticError("overflow in the plugin")

        @cli.command(name="fine")
        def fine() -> None:
            raise EvaluationError("a user's mistake, said by the plugin")

    use(plugin("faulty_command_plugin", regionplan_register_commands=add))
    assert run_main("crash") == EXIT_USER
    err = capsys.readouterr().err
    assert_named(err, "error: plugin 'faulty_command_plugin' failed in the command 'crash': ArithmeticError")
    assert "Traceback" not in err
    assert run_main("fine") == EXIT_USER  # the plugin's own user error, as it said it
    assert capsys.readouterr().err == "error: a user's mistake, said by the plugin\n"


def test_a_plugin_that_cannot_add_its_commands_leaves_the_others(
    use: Callable[..., Extensions], plugin_commands: None, capsys: pytest.CaptureFixture[str]
) -> None:
    def add(cli: Any) -> None:
        raise ImportError("cannot import name 'group' from 'click'")

    use(plugin("faulty_command_plugin", regionplan_register_commands=add))
    assert run_main("problems", "RP101") == 0
    captured = capsys.readouterr()
    assert "RP101" in captured.out
    assert_named(
        captured.err, "warning: commands not loaded: plugin 'faulty_command_plugin' failed in", "ImportError"
    )


# -- an installed package, in a fresh process ----------------------------------------------------


def _install(site: Path, module: str) -> None:
    """A package ``faulty-regionplan 0.3.1`` with the entry point ``faulty``, importable from ``site``."""
    (site / "faulty_regionplan.py").write_text(textwrap.dedent(module), encoding="utf-8")
    info = site / "faulty_regionplan-0.3.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: faulty-regionplan\nVersion: 0.3.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text("[regionplan]\nfaulty = faulty_regionplan\n", encoding="utf-8")


def _run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "REGIONPLAN_LOAD_PLUGINS": "faulty"}
    return subprocess.run(
        [sys.executable, "-c", "from regionplan.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=site,
    )


INSTALLED_SOURCE = """\
from regionplan import hookimpl
from regionplan.data.sources.inline import InlineSource


class Faulty(InlineSource):
    def fetch(self, request):
        raise RuntimeError("boom from the installed plugin")


@hookimpl
def regionplan_register_sources(register):
    register("faulty", Faulty)
"""


def test_an_installed_plugin_is_named_with_its_package_and_version(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install(site, INSTALLED_SOURCE)
    folder = write_plan(tmp_path / "plan", plan_text("faulty"))
    proc = _run(site, "evaluate", str(folder), "--as-of", "2025-06-01")
    assert proc.returncode == EXIT_USER, proc.stderr
    assert_named(
        proc.stderr,
        "error: plugin 'faulty' (faulty-regionplan 0.3.1) failed in the data source 'faulty'",
        "RuntimeError: boom from the installed plugin",
        "hint: run again with --debug",
    )
    assert "Traceback" not in proc.stderr
    debug = _run(site, "--debug", "evaluate", str(folder), "--as-of", "2025-06-01")
    assert debug.returncode != 0
    assert_named(
        debug.stderr, "Traceback", 'raise RuntimeError("boom from the installed plugin")', "PluginError"
    )


def test_an_installed_plugin_that_fails_to_import_is_named(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install(site, "import regionplan_nonexistent_dependency\n")
    folder = write_plan(tmp_path / "plan", plan_text())
    proc = _run(site, "validate", str(folder))
    assert proc.returncode == EXIT_USER, proc.stderr
    assert_named(
        proc.stderr,
        "plugin 'faulty' (faulty-regionplan 0.3.1) failed to load: ModuleNotFoundError",
        "regionplan_nonexistent_dependency",
    )
    assert "Traceback" not in proc.stderr
