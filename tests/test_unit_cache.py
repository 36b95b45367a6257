"""The cross-run cache of unit answers gives pint's answers, word for word, and never fails a check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from regionplan.plan import unitcache, units
from regionplan.plan.files import load_plan, validate_plan
from regionplan.plugins import default_extensions
from test_validation import CASES
from test_validation import validate as validate_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gardermoregionen"

#: Units that parse oddly, or not at all: plurals, prefixes, powers, aliases, nonsense.
TRICKY = (
    "",
    "1",
    "dimensionless",
    "percent",
    "%",
    "job / person",
    "jobs/persons",
    "jobs per person",
    "job * person / person",
    "person ** 2",
    "person^-1",
    "kNOK",
    "MNOK / person",
    "kr",
    "foretak",
    "bedrift",
    "percentage_point",
    "index_point",
    "km",
    "kilometer / hour",
    "persns",
    "jbo",
    "job +",
    "(",
    "2 job",
    "personer",
    "1000 kr",
    "NaN",
)

#: Expressions and operand units, including the ones whose units do not work out.
EXPRESSIONS = (
    ("jobs / population", {"jobs": "job", "population": "person"}),
    ("jobs + population", {"jobs": "job", "population": "person"}),
    ("jobs - 2 * jobs", {"jobs": "job"}),
    ("share(jobs, population)", {"jobs": "job", "population": "person"}),
    ("share(jobs, jobs)", {"jobs": "job"}),
    ("growth(jobs, 5) - growth(population, 5)", {"jobs": "job", "population": "person"}),
    ("lag(jobs, 1) / population * 1000", {"jobs": "job", "population": "person"}),
    ("income / population", {"income": "MNOK", "population": "person"}),
    ("-jobs", {"jobs": "job"}),
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of the test's own, and no answers held in memory."""
    monkeypatch.setenv(unitcache.CACHE_ENV, str(tmp_path / "cache"))
    unitcache.forget()
    yield tmp_path / "cache"
    unitcache.forget()


def _pint_dimensions(text: str) -> dict[str, float] | None:
    try:
        unit = units.parse_unit(text)
    except Exception:
        return None
    return {k: float(v) for k, v in units.registry().Quantity(1, unit).dimensionality.items()}


def _pint_derived(expression: str, operands: dict[str, str]) -> tuple[str, dict[str, float], str]:
    from regionplan.plan import expressions

    try:
        got = expressions.result_unit(
            expressions.parse(expression), {k: units.parse_unit(v) for k, v in operands.items()}
        )
    except expressions.ExpressionError as exc:
        return ("error", {}, str(exc))
    dims = units.registry().Quantity(1, got).dimensionality
    return ("unit", {k: float(v) for k, v in dims.items()}, f"{got:~}")


def _example_units() -> list[str]:
    plan = load_plan(EXAMPLE)
    found = {m.unit for m in plan.metrics} | {t.value_unit for t in plan.targets if t.value_unit}
    return sorted(found)


def _without_pint(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any question that reaches pint fail the test: the answer must come from the file."""

    def refuse(text: str) -> Any:
        raise AssertionError(f"pint was asked about {text!r}")

    monkeypatch.setattr(units, "parse_unit", refuse)


@pytest.mark.parametrize("text", [*_example_units(), *TRICKY])
def test_a_cached_unit_answer_is_pint_s(cache: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    expected = _pint_dimensions(text)
    assert unitcache.unit_dimensions(text) == expected  # asked pint, remembered
    unitcache.save()
    unitcache.forget()
    _without_pint(monkeypatch)
    assert unitcache.unit_dimensions(text) == expected  # read back from the file


@pytest.mark.parametrize(("expression", "operands"), EXPRESSIONS)
def test_a_cached_expression_unit_is_pint_s(
    cache: Path, monkeypatch: pytest.MonkeyPatch, expression: str, operands: dict[str, str]
) -> None:
    expected = _pint_derived(expression, operands)
    assert unitcache.derived_unit(expression, operands) == expected
    unitcache.save()
    unitcache.forget()
    _without_pint(monkeypatch)
    assert unitcache.derived_unit(expression, operands) == expected


def test_every_derived_metric_of_the_example_is_answered_from_the_file(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = [str(p) for p in validate_plan(EXAMPLE, extensions=default_extensions()).problems]
    assert list(cache.glob("units-*.json"))
    unitcache.forget()
    _without_pint(monkeypatch)
    assert [str(p) for p in validate_plan(EXAMPLE, extensions=default_extensions()).problems] == first


@pytest.mark.parametrize(
    "case", [c for c in CASES if c[2] in {"RP201", "RP202", "RP206"}], ids=lambda c: c[0]
)
def test_unit_problems_are_the_same_word_for_word_from_the_cache(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, extensions: Any, case: tuple[Any, ...]
) -> None:
    _, text, code, _, _ = case
    monkeypatch.setenv(unitcache.CACHE_ENV, "off")
    unitcache.forget()
    uncached = [str(p) for p in validate_text(tmp_path, text, extensions).problems]
    assert code in "".join(uncached)
    monkeypatch.setenv(unitcache.CACHE_ENV, str(cache))
    unitcache.forget()
    assert [str(p) for p in validate_text(tmp_path, text, extensions).problems] == uncached  # fills it
    unitcache.forget()
    _without_pint(monkeypatch)
    assert [str(p) for p in validate_text(tmp_path, text, extensions).problems] == uncached


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'{"units": {"job": "x"}, "derived": {}}',
        b'{"units": {"job": {"[employment]": true}}, "derived": {}}',
        b'{"units": {}, "derived": {"k": ["unit", {}, 3]}}',
        b'{"units": {}}',
    ],
)
def test_a_corrupt_cache_is_ignored_and_rewritten(cache: Path, content: bytes) -> None:
    path = unitcache.cache_file()
    assert path is not None
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert unitcache.unit_dimensions("job / person") == {"[employment]": 1.0, "[population]": -1.0}
    unitcache.save()
    assert json.loads(path.read_text(encoding="utf-8"))["units"]["job / person"] == {
        "[employment]": 1.0,
        "[population]": -1.0,
    }


def test_an_unreadable_or_unwritable_cache_loses_no_answer(cache: Path) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("a file where the folder should be", encoding="utf-8")
    assert unitcache.unit_dimensions("jbo") is None
    assert unitcache.unit_dimensions("job") == {"[employment]": 1.0}
    unitcache.save()  # cannot write: no error
    assert cache.read_text(encoding="utf-8") == "a file where the folder should be"


def test_the_cache_can_be_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(unitcache.CACHE_ENV, "off")
    unitcache.forget()
    assert unitcache.cache_file() is None
    assert unitcache.unit_dimensions("job") == {"[employment]": 1.0}
    unitcache.save()
    assert not cache.exists()


def test_the_default_place_is_the_user_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(unitcache.CACHE_ENV)
    monkeypatch.delenv("REGIONPLAN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = unitcache.cache_file()
    assert path is not None and path.parent == tmp_path / "regionplan"
    monkeypatch.setenv("REGIONPLAN_CACHE_DIR", str(tmp_path / "elsewhere"))
    path = unitcache.cache_file()
    assert path is not None and path.parent == tmp_path / "elsewhere"


def test_units_a_plugin_defines_lead_to_another_file(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = unitcache.cache_file()
    monkeypatch.setattr(units, "_extra", [("widget = [widget]", "a-plugin")])
    after = unitcache.cache_file()
    assert before is not None and after is not None and before != after
    assert before.parent == after.parent


def test_saving_merges_with_another_process_s_answers_and_leaves_no_temporary_file(cache: Path) -> None:
    assert unitcache.unit_dimensions("job") == {"[employment]": 1.0}
    unitcache.save()
    path = unitcache.cache_file()
    assert path is not None
    unitcache.forget()  # as if another process: it knows "person" only
    assert unitcache.unit_dimensions("person") == {"[population]": 1.0}
    unitcache.save()
    stored = json.loads(path.read_text(encoding="utf-8"))["units"]
    assert stored == {"job": {"[employment]": 1.0}, "person": {"[population]": 1.0}}
    assert sorted(p.name for p in cache.iterdir()) == [path.name]


def test_another_pint_version_reads_another_file(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = unitcache.cache_file()
    monkeypatch.setattr(unitcache, "_pint_version", lambda: "0.0-another")
    after = unitcache.cache_file()
    assert before is not None and after is not None and before != after
    monkeypatch.setattr(unitcache, "_pint_version", lambda: None)  # no metadata: no cache
    assert unitcache.cache_file() is None
    assert unitcache.unit_dimensions("job") == {"[employment]": 1.0}


def test_a_full_cache_keeps_only_the_answers_this_process_asked_for(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unitcache, "MAX_ENTRIES", 3)
    for text in ("job", "person", "NOK", "jbo"):
        unitcache.unit_dimensions(text)
    unitcache.save()
    unitcache.forget()
    assert unitcache.unit_dimensions("kNOK") == {"[currency]": 1.0}
    assert unitcache.unit_dimensions("job") == {"[employment]": 1.0}
    unitcache.save()
    path = unitcache.cache_file()
    assert path is not None
    assert sorted(json.loads(path.read_text(encoding="utf-8"))["units"]) == ["job", "kNOK"]


def test_changed_unit_code_reads_another_file(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = unitcache.cache_file()
    monkeypatch.setattr(unitcache, "_code_digest", lambda: "another rule for growth()")
    after = unitcache.cache_file()
    assert before is not None and after is not None and before != after
