"""Plan files: every problem at once with its place, safe YAML, includes, JSON, fuzzing."""

from __future__ import annotations

import json
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from regionplan.errors import PlanError, RegionplanError
from regionplan.plan import problems as P
from regionplan.plan.files import Validation, load_plan, validate_plan
from strategies import plan_documents, plan_models, yaml_data

PLANS = Path(__file__).parent / "data" / "plans"

HEAD = """\
plan:
  id: p
  title: P
  period: {start: 2024, end: 2030}
region:
  id: r
  name: R
  municipalities:
    - {id: ullensaker, name: Ullensaker, codes: [{code: "3209", from: 2024-01-01}]}
"""


def write(folder: Path, text: str, name: str = "plan.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def check(folder: Path, text: str, extensions: Any, name: str = "plan.yaml") -> Validation:
    return validate_plan(write(folder, text, name), extensions=extensions)


def codes(v: Validation) -> list[str]:
    return [p.code for p in v.problems]


def syntax_only(v: Validation) -> list[str]:
    """Codes, leaving out the RP006 'no plan: section' that follows an unreadable main file
    (see test_a_syntax_error_is_the_only_error)."""
    return [p.code for p in v.problems if not (p.code == P.MISSING_FIELD and "'plan:'" in p.message)]


def syntax_problem(v: Validation) -> Any:
    (problem,) = [p for p in v.problems if p.code == P.SYNTAX]
    return problem


def where(p: Any) -> tuple[str, int | None, int | None]:
    return (p.location.file, p.location.line, p.location.column)


def dump_yaml(data: Any) -> str:
    import io

    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    return out.getvalue()


# -- all problems at once -----------------------------------------------------------------


def test_four_errors_at_once_with_places_and_codes(extensions: Any) -> None:
    v = validate_plan(PLANS / "four_errors", extensions=extensions)
    by_code = {p.code: p for p in v.errors}
    assert sorted(by_code) == [P.DUPLICATE_ID, P.UNKNOWN_REFERENCE, P.CYCLE, P.UNIT_MISMATCH]
    assert len(v.errors) == 4
    assert where(by_code[P.DUPLICATE_ID]) == ("plan.yaml", 15, 5)  # the second 'a'
    assert where(by_code[P.CYCLE]) == ("plan.yaml", 16, 5)  # element b
    assert "b -> c -> b" in by_code[P.CYCLE].message
    assert where(by_code[P.UNKNOWN_REFERENCE]) == ("plan.yaml", 21, 5)  # target t1
    assert "'jbos'" in by_code[P.UNKNOWN_REFERENCE].message
    assert by_code[P.UNKNOWN_REFERENCE].hint == "did you mean 'jobs'?"
    assert where(by_code[P.UNIT_MISMATCH]) == ("plan.yaml", 22, 5)  # target t2
    assert str(by_code[P.CYCLE].location) == "plan.yaml:16:5"
    with pytest.raises(PlanError) as info:
        load_plan(PLANS / "four_errors", extensions=extensions)
    assert {p.code for p in info.value.errors} == set(by_code)
    text = str(info.value)
    assert "4 error(s)" in text
    assert "plan.yaml:21:5: error RP102" in text


def test_unknown_field_with_did_you_mean(tmp_path: Path, extensions: Any) -> None:
    v = check(
        tmp_path,
        HEAD
        + """\
elements:
  - id: vision
    kind: vision
    titel: Visjon
""",
        extensions,
    )
    unknown = [p for p in v.errors if p.code == P.UNKNOWN_FIELD]
    assert len(unknown) == 1
    assert where(unknown[0]) == ("plan.yaml", 13, 5)
    assert unknown[0].hint == "did you mean 'title'?"
    missing = [p for p in v.errors if p.code == P.MISSING_FIELD]
    assert missing and "'title'" in missing[0].message


def test_wrong_types(tmp_path: Path, extensions: Any) -> None:
    v = check(
        tmp_path,
        """\
plan:
  id: p
  title: P
  period: {start: 2024, end: 2030}
region:
  id: r
  name: R
  municipalities: {id: x}
elements:
  id: vision
metrics:
  - {id: m, title: M, unit: [job], direction: increase, decimals: 1.5, publication_lag_months: twelve}
""",
        extensions,
    )
    found = {(p.code, p.location.line, p.location.column) for p in v.errors if p.code == P.TYPE}
    assert (P.TYPE, 8, 19) in found  # municipalities is a mapping
    assert (P.TYPE, 10, 3) in found  # elements is a mapping
    assert (P.TYPE, 12, 29) in found  # unit is a list
    line12 = "  - {id: m, title: M, unit: [job], direction: increase, decimals: 1.5, publication_lag_months: twelve}"
    assert (P.TYPE, 12, line12.index("1.5") + 1) in found  # decimals: 1.5
    assert (P.TYPE, 12, line12.index("twelve") + 1) in found  # text for a number
    messages = " ".join(p.message for p in v.errors)
    assert "must be a number, not 'twelve'" in messages
    assert "must be a list" in messages


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path, extensions: Any) -> None:
    v = check(tmp_path, "plan:\n  id: p\n  title: [unclosed\nregion: {}\n", extensions)
    assert P.SYNTAX in codes(v)
    (p,) = [p for p in v.problems if p.code == P.SYNTAX]
    assert p.location.file == "plan.yaml"
    # the unclosed flow list is noticed at the ':' of the next line
    assert (p.location.line, p.location.column) == (4, 7)
    assert "expected ',' or ']'" in p.message
    assert v.plan is None
    with pytest.raises(PlanError):
        load_plan(tmp_path, extensions=extensions)


def test_a_syntax_error_is_the_only_error(tmp_path: Path, extensions: Any) -> None:
    v = check(tmp_path, "plan:\n  id: p\n  title: [unclosed\nregion: {}\n", extensions)
    assert codes(v) == [P.SYNTAX]


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/apply:subprocess.call",
        "!!python/object/new:os.system",
    ],
)
def test_python_tags_are_refused_and_nothing_runs(tmp_path: Path, extensions: Any, tag: str) -> None:
    marker = tmp_path / "pwned"
    argument = f'["touch {marker}"]' if "subprocess" not in tag else f'[["touch", "{marker}"]]'
    v = check(tmp_path, HEAD + f"actors:\n  - {{id: a, name: {tag} {argument}}}\n", extensions)
    assert syntax_only(v) == [P.SYNTAX]
    problem = syntax_problem(v)
    assert where(problem) == ("plan.yaml", 11, 19)  # where the tag stands
    assert "not allowed" in problem.message
    assert not marker.exists()


def test_alias_bomb_is_refused(tmp_path: Path, extensions: Any) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("plan: *a8")
    v = check(tmp_path, "\n".join(lines) + "\n", extensions)
    assert syntax_only(v) == [P.SYNTAX]
    assert "far more values than it has characters" in syntax_problem(v).message


def test_norway_problem_words_and_codes_stay_text(tmp_path: Path, extensions: Any) -> None:
    plan = load_plan(
        write(
            tmp_path,
            """\
plan:
  id: p
  title: on
  version: 1.10
  period: {start: 2015, end: 2019}
region:
  id: r
  name: NO
  municipalities:
    - {id: ullensaker, name: Ullensaker, codes: [{code: 0235, until: 2019-12-31}]}
    - {id: nes, name: Nes, codes: [{code: "0236", until: 2019-12-31}]}
actors:
  - {id: a1, name: Norge, kind: no}
  - {id: a2, name: Noreg, kind: NO}
  - {id: a3, name: yes, kind: off}
""",
        ),
        extensions=extensions,
    )
    assert plan.title.get() == "on"
    assert plan.meta.version == "1.10"
    assert plan.region.name.get() == "NO"
    assert plan.region.all_codes == ("0235", "0236")
    assert [a.kind for a in plan.actors] == ["no", "NO", "off"]
    assert plan.actor("a3").name.get() == "yes"


def test_includes_relative_to_the_including_file(extensions: Any) -> None:
    v = validate_plan(PLANS / "includes", extensions=extensions)
    assert v.ok, v.problems
    assert v.plan is not None
    assert v.plan.files == ("plan.yaml", "parts/region.yaml", "parts/metrics.yaml")
    assert v.plan.metric("jobs").unit == "job"
    assert v.plan.region.all_codes == ("3209",)


def test_missing_include_and_include_twice(tmp_path: Path, extensions: Any) -> None:
    write(tmp_path, "metrics: []\n", "parts/metrics.yaml")
    v = check(
        tmp_path,
        HEAD
        + """\
include:
  - parts/metrics.yaml
  - parts/nothing.yaml
  - parts/metrics.yaml
""",
        extensions,
    )
    assert sorted(codes(v)) == [P.NO_FILE, P.INCLUDE]
    by_code = {p.code: p for p in v.problems}
    assert where(by_code[P.NO_FILE]) == ("plan.yaml", 12, 5)
    assert "parts/nothing.yaml" in by_code[P.NO_FILE].message
    assert where(by_code[P.INCLUDE]) == ("plan.yaml", 13, 5)


def test_a_file_including_itself_is_read_once(tmp_path: Path, extensions: Any) -> None:
    v = check(tmp_path, HEAD + "include: [plan.yaml]\n", extensions)
    assert codes(v) == [P.INCLUDE]


def test_multi_document_yaml_is_refused(tmp_path: Path, extensions: Any) -> None:
    v = check(tmp_path, HEAD + "---\nplan: {id: q}\n", extensions)
    assert syntax_only(v) == [P.SYNTAX]
    assert "several" in syntax_problem(v).message


def test_duplicate_key_is_an_error(tmp_path: Path, extensions: Any) -> None:
    v = check(tmp_path, HEAD + "elements: []\nelements: []\n", extensions)
    assert [p.code for p in v.errors] == [P.DUPLICATE_KEY]


def test_json_plan_files_load(extensions: Any) -> None:
    plan = load_plan(PLANS / "json", extensions=extensions)
    assert plan.meta.id == "json-plan"
    assert plan.title.get("en") == "JSON plan"
    assert plan.files == ("plan.json",)
    assert plan.region.all_codes == ("3209",)
    assert plan.target("t1").value == 10.0


def test_missing_folder_and_empty_folder(tmp_path: Path, extensions: Any) -> None:
    with pytest.raises(PlanError) as info:
        validate_plan(tmp_path / "nowhere", extensions=extensions)
    assert info.value.problems[0].code == P.NO_FILE
    with pytest.raises(PlanError) as info:
        validate_plan(tmp_path, extensions=extensions)
    assert info.value.problems[0].code == P.NO_FILE


# -- fuzzing --------------------------------------------------------------------------------


FUZZ = settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


def _validate_text(text: str, extensions: Any, name: str = "plan.yaml") -> Validation:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        try:
            result = validate_plan(path, extensions=extensions)
        except RegionplanError as exc:  # documented errors only; but a file always validates
            pytest.fail(f"validate_plan raised {exc!r}")
    assert isinstance(result, Validation)
    assert all(p.code in P.CATALOGUE for p in result.problems)
    if result.plan is None:
        assert result.errors
    return result


@FUZZ
@given(st.text(max_size=300))
def test_fuzz_any_text_gives_a_validation(extensions: Any, text: str) -> None:
    _validate_text(text, extensions)


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            [
                "plan:",
                "  id: p",
                "  period: {start: 2020, end: 2030}",
                "region:",
                "- ",
                "  - ",
                ": ",
                "{",
                "}",
                "[",
                "&a x",
                "*a",
                "!!str",
                "!tag",
                "'",
                '"',
                "#",
                "---",
                "...",
                "%YAML 1.1",
                "? ",
                "|",
                ">",
                "\t",
                "0235",
                "NO",
                "~",
            ]
        ),
        max_size=25,
    ).map("\n".join)
)
def test_fuzz_yaml_like_text_gives_a_validation(extensions: Any, text: str) -> None:
    _validate_text(text, extensions)


@FUZZ
@given(yaml_data)
def test_fuzz_random_data_gives_a_validation(extensions: Any, data: Any) -> None:
    _validate_text(dump_yaml(data), extensions)


@FUZZ
@given(
    yaml_data.filter(lambda d: isinstance(d, dict)),
    st.sampled_from(["plan", "region", "elements", "metrics", "targets", "actors", "include"]),
)
def test_fuzz_plan_shaped_data_gives_a_validation(
    extensions: Any, data: dict[str, Any], section: str
) -> None:
    doc = {
        "plan": {"id": "p", "title": "P", "period": {"start": 2024, "end": 2030}},
        "region": {"id": "r", "name": "R", "municipalities": [{"id": "a", "name": "A", "codes": ["3209"]}]},
    }
    doc[section] = data
    _validate_text(dump_yaml(doc), extensions)


@FUZZ
@given(plan_documents(), st.data())
def test_fuzz_damaged_valid_documents_give_a_validation(
    extensions: Any, doc: dict[str, Any], data: Any
) -> None:
    """Replace one value deep in a valid document by random data."""
    node: Any = doc
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and data.draw(st.booleans()):
            node = child
            continue
        node[key] = data.draw(yaml_data)
        break
    _validate_text(dump_yaml(doc), extensions)


def test_plan_without_period_gives_a_validation(extensions: Any) -> None:
    v = _validate_text(HEAD.replace("  period: {start: 2024, end: 2030}\n", ""), extensions)
    assert P.MISSING_FIELD in codes(v)


def test_plan_period_out_of_range_gives_a_validation(extensions: Any) -> None:
    text = HEAD.replace("start: 2024, end: 2030", "start: 99999, end: 100000")
    v = _validate_text(text, extensions)
    assert P.BAD_PERIOD in codes(v)


def test_target_period_year_9999_gives_a_validation(extensions: Any) -> None:
    text = (
        HEAD
        + """\
elements: [{id: v, kind: vision, title: V}]
metrics: [{id: m, title: M, unit: job, direction: increase, source: {name: inline, values: [{period: "2024", value: 1}]}}]
targets: [{id: t, element: v, metric: m, kind: change, change: 1, baseline: "9999", deadline: "2030"}]
"""
    )
    v = _validate_text(text, extensions)
    assert P.BAD_PERIOD in codes(v)


# -- round trip -----------------------------------------------------------------------------


@given(plan_models(), st.sampled_from(["yaml", "json"]))
def test_round_trip_of_valid_plans(extensions: Any, plan: Any, fmt: str) -> None:
    from strategies import plan_document

    doc = plan_document(plan)
    text = dump_yaml(doc) if fmt == "yaml" else json.dumps(doc, ensure_ascii=False, indent=1)
    v = _validate_text(text, extensions, name=f"plan.{fmt}")
    assert v.errors == (), [str(p) for p in v.errors]
    assert v.plan == plan
    # location takes no part in equality, but is there
    assert v.plan is not None and v.plan.meta.location is not None


@given(plan_models())
def test_the_library_writes_plans_that_read_back_equal(extensions: Any, plan: Any) -> None:
    """``planwriter.dump_yaml`` (the library's own writer) round-trips every valid plan."""
    from regionplan.plan.writer import dump_yaml as write_plan_yaml

    v = _validate_text(write_plan_yaml(plan), extensions)
    assert v.errors == (), [str(p) for p in v.errors]
    assert v.plan == plan


def test_the_example_plan_round_trips_through_one_file(tmp_path: Path) -> None:
    """The whole reference example, written as one plan file, reads back as the same plan."""
    from regionplan.plan.writer import dump_yaml as write_plan_yaml
    from regionplan.plan.writer import to_document

    example = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen"
    plan = load_plan(example)
    text = write_plan_yaml(plan)
    assert "'0235'" in text  # codes are written so that any YAML reader keeps them text
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    for data in (example / "data").iterdir():  # the sources read files relative to the plan
        (tmp_path / "data").mkdir(exist_ok=True)
        (tmp_path / "data" / data.name).write_bytes(data.read_bytes())
    again = load_plan(tmp_path)
    assert again == plan
    assert to_document(again) == to_document(plan)
