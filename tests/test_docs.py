"""The documentation: it builds without warnings, its reference pages cover the code, and the
code it shows runs.

The build tests are skipped only when Sphinx is not installed (``pip install -e ".[docs]"``).
The example plugins in ``docs/examples/`` are imported and run through
``make_plugin_manager(plugins=[...])``, as the how-to guides show.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import regionplan
from regionplan.data.sources import SourceContext, SourceRequest
from regionplan.hookspecs import HOOK_NAMES
from regionplan.plugins import Extensions, make_plugin_manager

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"
GARDERMOREGIONEN = ROOT / "examples" / "gardermoregionen"

needs_sphinx = pytest.mark.skipif(
    importlib.util.find_spec("sphinx") is None or importlib.util.find_spec("myst_parser") is None,
    reason="Sphinx and myst-parser are not installed (pip install -e '.[docs]')",
)


def _load(name: str) -> ModuleType:
    """Import a file of docs/examples as a module."""
    spec = importlib.util.spec_from_file_location(f"docs_examples_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the build --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def built_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs_html")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(DOCS), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, f"sphinx-build failed:\n{proc.stdout}\n{proc.stderr}"
    return out


@needs_sphinx
def test_docs_build_without_warnings(built_docs: Path) -> None:
    assert (built_docs / "index.html").is_file()


@needs_sphinx
def test_every_hook_is_documented(built_docs: Path) -> None:
    page = (built_docs / "reference" / "hooks.html").read_text(encoding="utf-8")
    missing = [name for name in HOOK_NAMES if f'id="regionplan.hookspecs.{name}"' not in page]
    assert not missing, f"hooks missing from the hooks reference: {missing}"


@needs_sphinx
def test_every_problem_code_is_documented(built_docs: Path) -> None:
    from regionplan.plan.problems import CATALOGUE

    page = (built_docs / "reference" / "problems.html").read_text(encoding="utf-8")
    assert [code for code in CATALOGUE if code not in page] == []


@needs_sphinx
def test_every_unit_and_command_is_documented(built_docs: Path) -> None:
    from regionplan.cli import cli
    from regionplan.plan.units import BASE_DEFINITIONS

    units = (built_docs / "reference" / "units.html").read_text(encoding="utf-8")
    names = [d.split("=", 1)[0].strip() for d in BASE_DEFINITIONS]
    assert [n for n in names if f">{n}<" not in units] == []
    commands = (built_docs / "reference" / "cli.html").read_text(encoding="utf-8")
    assert [c for c in cli.commands if f"regionplan {c}" not in commands] == []
    assert "regionplan data list" in commands and "regionplan data info" in commands


def _documented_sources() -> list[type]:
    """The built-in sources, and the ssb plugin's when it is installed (the reference shows it)."""
    pm = make_plugin_manager(load_entrypoints=False)
    pm.load_setuptools_entrypoints("regionplan", name="ssb")
    return [item.value for item in Extensions.collect(pm).sources.items()]


def test_every_source_describes_exactly_the_keys_it_takes() -> None:
    """The reference of the sources' query keys is generated from ``query_keys``: each source
    describes every key its query checks accept, once, with the right ``required``."""
    sources = _documented_sources()
    assert {s.name for s in sources} >= {"bundled", "csv", "excel", "inline", "jsonstat"}
    for source in sources:
        described = [key.name for key in source.query_keys]
        assert len(described) == len(set(described)), source.name
        assert set(described) == {*source.required_keys, *(source.optional_keys or ())}, source.name
        assert {k.name for k in source.query_keys if k.required} == set(source.required_keys), source.name
        assert all(k.type and k.doc for k in source.query_keys), source.name


@needs_sphinx
def test_every_source_and_query_key_is_documented(built_docs: Path) -> None:
    page = (built_docs / "reference" / "sources.html").read_text(encoding="utf-8")
    for source in _documented_sources():
        assert f'id="source-{source.name}"' in page, source.name
        section = page.split(f'id="source-{source.name}"', 1)[1].split('<section id="source-', 1)[0]
        missing = [k.name for k in source.query_keys if f">{k.name}<" not in section]
        assert missing == [], (source.name, missing)


# -- the example source plugin -------------------------------------------------------------

HURDAL_CODES = """\
        - {code: "0239", until: 2019-12-31}
        - {code: "3037", from: 2020-01-01, until: 2023-12-31}
        - {code: "3242", from: 2024-01-01}
"""


def _hurdal_population() -> dict[str, dict[str, int]]:
    """Hurdal's population on 1 January by the code of its time, from the example's SSB data."""
    out: dict[str, dict[str, int]] = {}
    path = GARDERMOREGIONEN / "data" / "population_1jan_2005_2026.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["municipality"] == "Hurdal" and int(row["year"]) >= 2018:
                out.setdefault(row["code_at_time"], {})[row["year"]] = int(row["population"])
    return out


def _small_plan(folder: Path) -> Path:
    """A one-municipality plan whose population comes through the keyed_json source."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "population.json").write_text(json.dumps(_hurdal_population()), encoding="utf-8")
    (folder / "plan.yaml").write_text(
        f"""\
regionplan: 1
plan:
  id: hurdal-plan
  title: {{nb: Hurdal, en: Hurdal}}
  period: {{start: 2021, end: 2030}}
region:
  id: hurdal-region
  name: Hurdal
  municipalities:
    - id: hurdal
      name: Hurdal
      codes:
{HURDAL_CODES}elements:
  - {{id: vision, kind: vision, title: En god kommune å bo i}}
  - {{id: main-goal, kind: main_goal, title: Flere innbyggere, contributes_to: [vision]}}
metrics:
  - id: population
    title: {{nb: Folkemengde 1. januar, en: Population on 1 January}}
    unit: person
    direction: increase
    period: 1 January
    publication_lag_months: 3
    source:
      name: keyed_json
      path: population.json
      unit: person
      credit: "Kilde: Statistisk sentralbyrå, tabell 07459"
      licence: CC BY 4.0
targets:
  - id: t-population-rises
    element: main-goal
    metric: population
    kind: annual_trend
    every_year: true
    baseline: "2020"
    deadline: "2026"
""",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def source_example() -> ModuleType:
    return _load("plugin_source_example")


def test_source_example_registers_through_the_plugin_manager(source_example: ModuleType) -> None:
    pm = make_plugin_manager(load_entrypoints=False, plugins=[source_example])
    ext = Extensions.collect(pm)
    assert ext.sources.get("keyed_json") is source_example.KeyedJsonSource
    assert "keyed_json" not in Extensions.collect(make_plugin_manager(load_entrypoints=False)).sources


def test_source_example_checks_queries(source_example: ModuleType) -> None:
    check = source_example.KeyedJsonSource.check_query
    assert check({"path": "data/x.json", "unit": "person"}) == []
    assert any("needs 'path'" in m for m in check({"unit": "person"}))
    assert any("does not know 'colums'" in m for m in check({"path": "x.json", "colums": {}}))
    assert any(".json files" in m for m in check({"path": "data/x.csv"}))


def test_source_example_fetches_with_provenance(source_example: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "counts.json").write_text(
        '{"0239": {"2019": 2897}, "3242": {"2024": null}}', encoding="utf-8"
    )
    source = source_example.KeyedJsonSource(SourceContext(base_dir=tmp_path, cache_dir=tmp_path / "cache"))
    obs = source.fetch(SourceRequest("population", {"path": "counts.json", "credit": "Kilde: SSB"}))
    assert list(obs.areas) == ["0239", "3242"]
    assert list(obs.periods) == ["2019", "2024"]
    assert obs.values[0] == 2897 and obs.values[1] != obs.values[1]  # NaN, not zero
    assert obs.provenance.source == "keyed_json" and obs.provenance.credit == "Kilde: SSB"
    with pytest.raises(regionplan.RegionplanError, match="does not exist"):
        source.fetch(SourceRequest("population", {"path": "missing.json"}))


def test_source_example_in_a_plan(source_example: ModuleType, tmp_path: Path) -> None:
    ext = Extensions.collect(make_plugin_manager(load_entrypoints=False, plugins=[source_example]))
    folder = _small_plan(tmp_path / "plan")
    validation = regionplan.validate_plan(folder, extensions=ext)
    assert validation.errors == ()
    plan = validation.raise_for_errors()
    context = SourceContext(base_dir=folder, cache_dir=tmp_path / "cache", offline=True)
    result = regionplan.evaluate(plan, as_of="2026-11-26", context=context, extensions=ext)
    target = result.target("t-population-rises")
    # 0239 (2018-2019), 3037 (2020-2023) and 3242 (2024-) are mapped to one code.
    assert target.reason in {"met_every_year", "not_every_year"}, target.explain("en")
    assert target.latest is not None and target.latest.period == "2026-01-01"

    bad = tmp_path / "bad"
    _small_plan(bad)
    text = (bad / "plan.yaml").read_text(encoding="utf-8")
    (bad / "plan.yaml").write_text(
        text.replace("path: population.json", "path: population.csv"), encoding="utf-8"
    )
    problems = regionplan.validate_plan(bad, extensions=ext).errors
    assert [p.code for p in problems] == ["RP207"]


# -- the example renderer plugin ------------------------------------------------------------


def test_renderer_example_writes_csv(source_example: ModuleType, tmp_path: Path) -> None:
    from regionplan.report.renderers import render

    renderer_example = _load("plugin_renderer_example")
    pm = make_plugin_manager(load_entrypoints=False, plugins=[source_example, renderer_example])
    ext = Extensions.collect(pm)
    assert ext.renderers.plugin_of("csv") != ext.renderers.plugin_of("html")

    folder = _small_plan(tmp_path / "plan")
    plan = regionplan.load_plan(folder, extensions=ext)
    context = SourceContext(base_dir=folder, cache_dir=tmp_path / "cache", offline=True)
    result = regionplan.evaluate(plan, as_of="2026-11-26", context=context, extensions=ext)
    text = render(result, "csv", lang="en", extensions=ext)
    assert isinstance(text, str)
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == renderer_example.COLUMNS
    assert rows[1][0] == "t-population-rises"
    assert rows[1][2] == result.target("t-population-rises").status.value
    assert ["# Kilde: Statistisk sentralbyrå, tabell 07459"] in rows


# -- the tutorial's Python script --------------------------------------------------------------


def test_tutorial_script_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from regionplan.plugins import default_extensions

    if "ssb" not in default_extensions().sources:
        pytest.skip(
            "the example plan needs the regionplan-ssb plugin (pip install -e plugins/regionplan-ssb)"
        )
    script = _load("evaluate_gardermoregionen")
    assert script.main(GARDERMOREGIONEN, tmp_path / "out", tmp_path / "cache") == 0
    printed = capsys.readouterr().out
    assert "0 error(s)" in printed
    assert "t-jobs-recover-pandemic-losses: achieved (met)" in printed
    report = (tmp_path / "out" / "gardermoregionen.md").read_text(encoding="utf-8")
    assert report.startswith("# Strategic business-development plan for Gardermoregionen")


# -- the example unit plugin -------------------------------------------------------------------

UNIT_CHECK = """
import importlib.util, sys, types
import pint
from regionplan import hookimpl
from regionplan.errors import UnitDefinitionError
from regionplan.plugins import Extensions, make_plugin_manager
from regionplan.plan.units import parse_unit, registry

spec = importlib.util.spec_from_file_location("plugin_units_example", sys.argv[1])
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)
for _ in range(2):  # collecting the same plugin twice is not a redefinition
    Extensions.collect(make_plugin_manager(load_entrypoints=False, plugins=[example]))
assert str(parse_unit("person / household").dimensionality) == "[population] / [household]"
assert parse_unit("boliger") == parse_unit("dwelling")
try:
    registry().Quantity(1, "household") + registry().Quantity(1, "person")
except pint.DimensionalityError:
    pass
else:
    raise AssertionError("households and persons were added")

bad = types.ModuleType("regionplan_jobs")
bad.regionplan_register_units = hookimpl(lambda register: register("job = [work] = jobs"))
try:
    Extensions.collect(make_plugin_manager(load_entrypoints=False, plugins=[bad]))
except UnitDefinitionError as exc:
    assert "plugin 'regionplan_jobs' redefines the unit 'job'" in str(exc), exc
else:
    raise AssertionError("redefining 'job' was accepted")
print("ok")
"""


def test_unit_example_adds_dimensions_and_refuses_redefinition() -> None:
    # In a fresh interpreter: the unit registry is one per process, and new units stay in it.
    proc = subprocess.run(
        [sys.executable, "-c", UNIT_CHECK, str(EXAMPLES / "plugin_units_example.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr


def test_the_tutorials_command_output_is_current(tmp_path: Path) -> None:
    """The output the tutorial shows is what the commands print today."""
    from click.testing import CliRunner

    from regionplan.cli import cli

    text = (DOCS / "tutorial" / "gardermoregionen.md").read_text(encoding="utf-8")
    runner = CliRunner()
    example = str(ROOT / "examples" / "gardermoregionen")
    validate = runner.invoke(cli, ["validate", example]).output
    summary = validate.strip().splitlines()[-1]
    assert summary in text, f"the tutorial should show {summary!r}"
    evaluate = runner.invoke(
        cli,
        [
            "evaluate",
            example,
            "--as-of",
            "2026-11-26",
            "--offline",
            "--lang",
            "en",
            "--cache-dir",
            str(tmp_path),
        ],
    ).output
    table = text.split("The table of targets:", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    for line in table.strip().splitlines():
        assert line.rstrip() in evaluate, f"not in today's output: {line!r}"
