"""Hostile values, through the command line: numbers out of range, values no statistic can have,
expressions without bound, and the messages a careless plan gets.

Each case runs the real commands (``validate``, ``evaluate``, ``fetch``) and checks the exit code
(1 for plan problems, 3 for other user errors, never 4) and that the message names the place:
``file:line:column`` for plan files, ``file:line`` for data files.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from regionplan.cli import EXIT_INTERNAL, EXIT_PLAN, EXIT_USER, cli
from regionplan.testing import MINIMAL_PLAN, write_plan

AS_OF = "2026-01-01"

#: A metric read from data.csv, and one target on it; ``{metric}`` and ``{target}`` take more fields.
METRIC_AND_TARGET = """
metrics:
  - id: jobs
    title: Jobs
    unit: job
    direction: increase
    source: {{name: csv, path: data.csv, columns: {{area: code, period: year, value: v}}}}
    {metric}
targets:
  - id: t1
    element: main-goal
    metric: jobs
    {target}
"""
LEVEL = "kind: level\n    value: 100\n    deadline: 2030"
CHANGE = "kind: change\n    change: 5\n    baseline: 2021\n    deadline: 2030"
CSV = "code,year,v\n3209,2021,50\n3209,2022,60\n"


def _invoke(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code != EXIT_INTERNAL, result.output
    return result


def _validate(folder: Path) -> Result:
    return _invoke("validate", str(folder))


def _evaluate(folder: Path, *more: str) -> Result:
    cache = folder / ".cache"
    return _invoke("evaluate", str(folder), "--as-of", AS_OF, "--offline", "--cache-dir", str(cache), *more)


def _fetch(folder: Path) -> Result:
    return _invoke("fetch", str(folder), "--cache-dir", str(folder / ".cache"))


def _plan(
    folder: Path, metric: str = "", target: str = LEVEL, *, head: str = MINIMAL_PLAN, csv: str = CSV
) -> Path:
    text = head + METRIC_AND_TARGET.format(metric=metric, target=target)
    root = write_plan(folder, text)
    (root / "data.csv").write_text(csv, encoding="utf-8")
    return root


def _line_of(folder: Path, needle: str) -> int:
    """The 1-based line of plan.yaml that holds ``needle`` (once)."""
    lines = (folder / "plan.yaml").read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, start=1) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


def _targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for section in report["sections"] for row in section["elements"] for t in row["targets"]]


# -- numbers out of range in plan files --------------------------------------------------------

PERIOD = "period: {{kind: {kind}, {field}: {value}}}"

RANGE_CASES = [
    # (metric fields, target fields, plan head, the text on the offending line, code, words)
    (
        PERIOD.format(kind="quarter", field="quarter", value=0),
        LEVEL,
        None,
        "quarter: 0",
        "RP008",
        "quarter is 1 to 4",
    ),
    (PERIOD.format(kind="quarter", field="quarter", value=9), LEVEL, None, "quarter: 9", "RP008", "not 9"),
    (
        PERIOD.format(kind="month", field="month", value=0),
        LEVEL,
        None,
        "month: 0",
        "RP008",
        "month is 1 to 12",
    ),
    (PERIOD.format(kind="month", field="month", value=13), LEVEL, None, "month: 13", "RP008", "not 13"),
    (PERIOD.format(kind="instant", field="day", value=0), LEVEL, None, "day: 0", "RP008", "day of January"),
    (
        "period: {kind: instant, month: 2, day: 30}",
        LEVEL,
        None,
        "day: 30",
        "RP008",
        "February is 1 to 28",
    ),
    ("period: {kind: instant, month: 2, day: 29}", LEVEL, None, "day: 29", "RP008", "not 29"),
    ("decimals: 100000000", LEVEL, None, "decimals:", "RP008", "decimals must be from 0 to 10"),
    ("decimals: -1", LEVEL, None, "decimals:", "RP008", "not -1"),
    ("publication_lag_months: 1e9", LEVEL, None, "publication_lag_months", "RP008", "from 0 to 120"),
    ("publication_lag_months: -3", LEVEL, None, "publication_lag_months", "RP008", "not -3"),
    ("projection_min_points: 1000000000", LEVEL, None, "projection_min_points", "RP008", "at most 1000"),
    ("", LEVEL + "\n    tolerance: -1", None, "tolerance", "RP008", "tolerance must be from 0"),
    ("", LEVEL + "\n    weight: 1e308", None, "weight:", "RP008", "weight must be at most 1000000"),
    ("", LEVEL + "\n    weight: inf", None, "weight:", "RP004", "must be a finite number"),
    ("", LEVEL.replace("value: 100", "value: 1e308"), None, "value: 1e308", "RP008", "target value"),
    ("", LEVEL.replace("value: 100", "value: nan"), None, "value: nan", "RP004", "must be a finite number"),
    ("", CHANGE.replace("change: 5", "change: -1e300"), None, "change: -1e300", "RP008", "target change"),
    ("", CHANGE + "\n    baseline_window: 1000000000", None, "baseline_window", "RP008", "at most 50"),
    ("", LEVEL.replace("deadline: 2030", "deadline: 9998"), None, "deadline: 9998", "RP010", "1800 to 2200"),
    ("", CHANGE.replace("baseline: 2021", "baseline: 1000"), None, "baseline: 1000", "RP010", "1800 to 2200"),
    (
        "",
        LEVEL,
        MINIMAL_PLAN.replace("end: 2030", "end: 9998"),
        "end: 9998",
        "RP010",
        "plan period end 9998",
    ),
    (
        "",
        LEVEL,
        MINIMAL_PLAN.replace("contributes_to: [vision]", "contributes_to: [{id: vision, weight: 1e300}]"),
        "weight: 1e300",
        "RP008",
        "contribution weight",
    ),
]


@pytest.mark.parametrize(("metric", "target", "head", "needle", "code", "words"), RANGE_CASES)
def test_a_number_out_of_range_is_a_plan_problem_at_its_place(
    tmp_path: Path, metric: str, target: str, head: str | None, needle: str, code: str, words: str
) -> None:
    folder = _plan(tmp_path, metric, target, head=head or MINIMAL_PLAN)
    line = _line_of(folder, needle)
    result = _validate(folder)
    assert result.exit_code == EXIT_PLAN, result.output
    lines = result.output.splitlines()
    found = [
        n
        for n, x in enumerate(lines)
        if re.match(rf"plan\.yaml:{line}:\d+: error {code}: .*{re.escape(words)}", x)
    ]
    assert found, result.output
    if code != "RP004":  # a range problem says what to write instead
        assert lines[found[0] + 1].startswith("    hint: "), result.output
    # evaluate refuses the same plan the same way, before reading any data
    evaluated = _evaluate(folder)
    assert evaluated.exit_code == EXIT_PLAN and f"error {code}" in evaluated.output


def test_a_quarter_or_month_of_zero_is_not_read_as_another(tmp_path: Path) -> None:
    """0 was read as the default (Q4, January); a field left out still is."""
    left_out = _plan(tmp_path / "a", "period: {kind: quarter}")
    assert _validate(left_out).exit_code == 0
    for field in ("quarter: 0", "month: 0"):
        kind = field.split(":")[0]
        folder = _plan(
            tmp_path / kind, f"period: {{kind: {kind if kind == 'quarter' else 'instant'}, {field}}}"
        )
        assert _validate(folder).exit_code == EXIT_PLAN


def test_a_region_needs_members(tmp_path: Path) -> None:
    head = re.sub(r"  municipalities:\n(    .*\n)+", "  municipalities: []\n", MINIMAL_PLAN)
    folder = _plan(tmp_path, head=head)
    result = _validate(folder)
    assert result.exit_code == EXIT_PLAN
    line = _line_of(folder, "municipalities: []")
    assert re.search(rf"plan\.yaml:{line}:\d+: error RP305: the region has no municipalities", result.output)
    assert _evaluate(folder).exit_code == EXIT_PLAN


# -- values no statistic can have, in data files -----------------------------------------------


IMPOSSIBLE = {
    "en": "local file data.csv gave impossible values (an infinite number or a count below zero)",
    "nb": "lokal fil data.csv ga umulige verdier (et uendelig tall eller et negativt antall)",
}
UNREADABLE = {
    "en": "what local file data.csv returned could not be read",
    "nb": "det lokal fil data.csv ga, kunne ikke leses",
}


@pytest.mark.parametrize(
    ("csv", "line", "words", "missing"),
    [
        ("code,year,v\n3209,2021,50\n3209,2022,1e400\n", 3, "not a finite number: '1e400'", IMPOSSIBLE),
        ("code,year,v\n3209,2021,50\n3209,2022,-1e400\n", 3, "not a finite number", IMPOSSIBLE),
        ("code,year,v\n3209,2021,nan\n", 2, "not a number: 'nan'", UNREADABLE),
        ("code,year,v\n3209,2021,inf\n", 2, "not a number: 'inf'", UNREADABLE),
        (
            "code,year,v\n3209,2021,50\n3209,2022,-5\n",
            3,
            "-5 is below zero, and a count in 'job' cannot be",
            IMPOSSIBLE,
        ),
    ],
)
def test_an_impossible_value_in_a_csv_is_refused_with_its_line(
    tmp_path: Path, csv: str, line: int, words: str, missing: dict[str, str]
) -> None:
    folder = _plan(tmp_path, csv=csv)
    assert _validate(folder).exit_code == 0  # the plan is sound; the data are not
    fetched = _fetch(folder)
    assert fetched.exit_code == EXIT_USER
    assert f"data.csv:{line}: column 'v': {words}" in fetched.output
    # evaluate reports it as missing data, in the reader's words, and judges nothing on it
    for lang in ("en", "nb"):
        evaluated = _evaluate(folder, "--format", "json", "--lang", lang)
        assert evaluated.exit_code == 0, evaluated.output
        (target,) = _targets(json.loads(evaluated.stdout))
        assert target["status"]["value"] == "insufficient_data"
        assert target["missing"] == [missing[lang]]


def test_an_infinite_value_no_longer_achieves_a_target(tmp_path: Path) -> None:
    """``1e400`` read as infinity made a level target "achieved"."""
    folder = _plan(tmp_path, csv="code,year,v\n3209,2021,50\n3209,2022,1e400\n")
    evaluated = _evaluate(folder, "--format", "json", "--lang", "en")
    (target,) = _targets(json.loads(evaluated.stdout))
    assert target["status"]["value"] == "insufficient_data"
    assert target["missing"] == [
        "local file data.csv gave impossible values (an infinite number or a count below zero)"
    ]
    assert target["missing_kinds"] == ["impossible_value"]


def test_a_negative_count_in_a_unit_column_is_refused(tmp_path: Path) -> None:
    metric_fields = "unit: person\n"  # the metric counts persons; the rows name their unit
    folder = _plan(tmp_path, csv="code,year,v,u\n3209,2021,50,person\n3209,2022,-1,person\n")
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    text = text.replace("unit: job", metric_fields.strip()).replace("value: v}", "value: v}, unit_column: u")
    (folder / "plan.yaml").write_text(text, encoding="utf-8")
    fetched = _fetch(folder)
    assert fetched.exit_code == EXIT_USER
    assert "data.csv:3: column 'v': -1 is below zero, and a count in 'person' cannot be" in fetched.output


def test_money_and_changes_may_be_negative(tmp_path: Path) -> None:
    folder = _plan(tmp_path, csv="code,year,v\n3209,2021,-50\n3209,2022,-40\n")
    text = (folder / "plan.yaml").read_text(encoding="utf-8").replace("unit: job", "unit: MNOK")
    (folder / "plan.yaml").write_text(text, encoding="utf-8")
    fetched = _fetch(folder)
    assert fetched.exit_code == 0 and "jobs: 2 values" in fetched.output


@pytest.mark.parametrize(
    ("label", "words"),
    [("20x2", "'20x2' is no period label"), ("9998", "its year 9998 is not one from 1800 to 2200")],
)
def test_a_bad_period_label_names_the_file_line_and_label_not_the_unit(
    tmp_path: Path, label: str, words: str
) -> None:
    folder = _plan(tmp_path, csv=f"code,year,v\n3209,2021,50\n3209,{label},60\n")
    fetched = _fetch(folder)
    assert fetched.exit_code == EXIT_USER
    assert "data.csv:3: column 'year': " in fetched.output and words in fetched.output
    assert "unit" not in fetched.output
    evaluated = _evaluate(folder, "--format", "json", "--lang", "en")
    assert evaluated.exit_code == 0
    (target,) = _targets(json.loads(evaluated.stdout))
    assert target["missing"] == ["what local file data.csv returned could not be read"]


def test_codes_that_match_no_member_are_named_with_the_members(tmp_path: Path) -> None:
    folder = _plan(tmp_path, csv="code,year,v\n9999,2021,5\n1111,2022,6\n")
    fetched = _fetch(folder)
    assert fetched.exit_code == EXIT_USER
    assert (
        "data.csv: column 'code' holds none of the region's municipality codes: it holds 1111, 9999; "
        "the region's are 0235, 3033, 3209"
    ) in fetched.output
    evaluated = _evaluate(folder, "--format", "json", "--lang", "en")
    (target,) = _targets(json.loads(evaluated.stdout))
    assert target["missing"] == [
        "local file data.csv has no figures for (some of) the region's municipalities"
    ]


def test_codes_that_lost_their_leading_zero_are_pointed_out(tmp_path: Path) -> None:
    folder = _plan(tmp_path, csv="code,year,v\n235,2019,5\n")
    fetched = _fetch(folder)
    assert "have the codes lost a leading zero? '235' is '0235'" in fetched.output


def test_rows_for_the_region_as_a_whole_are_not_refused(tmp_path: Path) -> None:
    folder = _plan(tmp_path, csv="code,year,v\nregion,2021,5\nregion,2022,6\n")
    fetched = _fetch(folder)
    assert fetched.exit_code == 0, fetched.output


def test_inline_values_impossible_or_out_of_years(tmp_path: Path) -> None:
    inline = "source: {name: inline, values: [{period: '2021', value: 3}, {period: '2022', value: %s}]}"
    negative = _plan(tmp_path / "negative")
    text = (negative / "plan.yaml").read_text(encoding="utf-8")
    source = "source: {name: csv, path: data.csv, columns: {area: code, period: year, value: v}}"
    (negative / "plan.yaml").write_text(text.replace(source, inline % "-2"), encoding="utf-8")
    fetched = _fetch(negative)
    assert fetched.exit_code == EXIT_USER
    assert "the inline source's values[1]: -2 is below zero, and a count in 'job' cannot be" in fetched.output
    for bad, code in (("1e400", "RP207"), (".inf", "RP207")):
        folder = _plan(tmp_path / bad)
        (folder / "plan.yaml").write_text(text.replace(source, inline % bad), encoding="utf-8")
        result = _validate(folder)
        assert result.exit_code == EXIT_PLAN and f"error {code}" in result.output
        assert "must be a finite number" in result.output
    years = _plan(tmp_path / "years")
    far = inline.replace("'2022'", "'9998'") % "4"
    (years / "plan.yaml").write_text(text.replace(source, far), encoding="utf-8")
    result = _validate(years)
    assert result.exit_code == EXIT_PLAN and "'period' '9998' is no period" in result.output


JSONSTAT = """{"version": "2.0", "class": "dataset", "id": ["Region", "Tid"], "size": [1, 2],
 "role": {"geo": ["Region"], "time": ["Tid"]},
 "dimension": {"Region": {"category": {"index": ["3209"]}}, "Tid": {"category": {"index": ["2021", "2022"]}}},
 "value": [5, %s]}"""


@pytest.mark.parametrize(
    ("value", "words"),
    [("1e400", "inf is not a finite number"), ("-3", "-3 is below zero, and a count in 'job' cannot be")],
)
def test_json_stat_values_are_checked_too(tmp_path: Path, value: str, words: str) -> None:
    folder = _plan(tmp_path)
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    source = "source: {name: csv, path: data.csv, columns: {area: code, period: year, value: v}}"
    (folder / "plan.yaml").write_text(
        text.replace(source, "source: {name: jsonstat, path: t.json}"), encoding="utf-8"
    )
    (folder / "t.json").write_text(JSONSTAT % value, encoding="utf-8")
    fetched = _fetch(folder)
    assert fetched.exit_code == EXIT_USER
    assert (
        "t.json" in fetched.output
        and "area '3209', period '2022'" in fetched.output
        and words in fetched.output
    )
    evaluated = _evaluate(folder, "--format", "json", "--lang", "nb")
    (target,) = _targets(json.loads(evaluated.stdout))
    assert target["status"]["value"] == "insufficient_data"
    assert target["missing"] == [
        "lokal fil t.json ga umulige verdier (et uendelig tall eller et negativt antall)"
    ]


# -- expressions without bound -----------------------------------------------------------------


def _derived(folder: Path, expression: str) -> Path:
    metric = f"  - {{id: derived_jobs, title: D, unit: job, direction: increase, derived: {json.dumps(expression)}}}\n"
    root = _plan(folder)
    text = (root / "plan.yaml").read_text(encoding="utf-8").replace("targets:\n", metric + "targets:\n", 1)
    (root / "plan.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("-" * 9_990 + "jobs", "the expression has 9,994 characters; at most 1,000 are read"),
        ("jobs + " * 1_428 + "jobs", "at most 1,000 are read"),
        ("-" * 990 + "jobs", "nests more than 100 levels deep"),
        ("(" * 300 + "jobs" + ")" * 300, "cannot read the expression"),
        ("growth(jobs, " + "9" * 400 + ")", "growth() takes a whole number of years from 1 to 100"),
        ("lag(jobs, 0)", "from 1 to 100"),
        ("index(jobs, 1)", "index() takes a year from 1800 to 2200"),
        ("jobs * 1e400", "a number in an expression is at most 1e15 in size"),
        ("jobs * " + "9" * 400, "at most 1e15 in size"),
    ],
)
def test_an_expression_beyond_its_bounds_is_a_clear_problem(
    tmp_path: Path, expression: str, words: str
) -> None:
    folder = _derived(tmp_path, expression)
    line = _line_of(folder, "id: derived_jobs")
    result = _validate(folder)
    assert result.exit_code == EXIT_PLAN, result.output
    assert re.search(
        rf"plan\.yaml:{line}:\d+: error RP205: the metric 'derived_jobs': .*{re.escape(words)}", result.output
    )
    assert "column" in result.output or "cannot read" in result.output
    assert _evaluate(folder).exit_code == EXIT_PLAN


# -- messages ------------------------------------------------------------------------------------


def test_a_mistyped_element_kind_is_one_error_not_one_per_child(tmp_path: Path) -> None:
    head = MINIMAL_PLAN.replace("kind: main_goal", "kind: main_gaol") + (
        "  - {id: sub-1, kind: sub_goal, title: S1, contributes_to: [main-goal]}\n"
        "  - {id: sub-2, kind: sub_goal, title: S2, contributes_to: [main-goal]}\n"
    )
    folder = _plan(tmp_path, head=head)
    result = _validate(folder)
    assert result.exit_code == EXIT_PLAN
    errors = [x for x in result.output.splitlines() if ": error RP" in x]
    line = _line_of(folder, "main_gaol")
    assert len(errors) == 1, result.output
    assert re.match(rf"plan\.yaml:{line}:\d+: error RP008: element kind cannot be 'main_gaol'", errors[0])
    assert "did you mean 'main_goal'?" in result.output
    assert "unknown element" not in result.output


def test_an_empty_required_field_is_named_not_passed_over(tmp_path: Path) -> None:
    """``start: null`` passed as absent and ended in "year 0 is out of range" (exit 4)."""
    head = MINIMAL_PLAN.replace("start: 2021", "start: null").replace("kind: main_goal", "kind: null")
    folder = _plan(tmp_path, head=head)
    result = _validate(folder)
    assert result.exit_code == EXIT_PLAN
    for needle, words in (("start: null", "plan period needs a value for 'start'"), ("kind: null", "'kind'")):
        line = _line_of(folder, needle)
        assert re.search(rf"plan\.yaml:{line}:\d+: error RP006: .*{re.escape(words)}", result.output), (
            result.output
        )
    assert "unknown element" not in result.output
    assert _evaluate(folder).exit_code == EXIT_PLAN


def test_a_period_rule_outside_the_calendar_cannot_be_made() -> None:
    from regionplan.plan.periods import PeriodKind, PeriodSpec

    for fields in ({"quarter": 0}, {"quarter": 5}):
        with pytest.raises(ValueError, match="quarter is 1 to 4"):
            PeriodSpec(PeriodKind.QUARTER, **fields)
    with pytest.raises(ValueError, match="month is 1 to 12"):
        PeriodSpec(PeriodKind.MONTH, month=13)
    with pytest.raises(ValueError, match="February is 1 to 28"):
        PeriodSpec(PeriodKind.INSTANT, month=2, day=29)
    assert PeriodSpec(PeriodKind.YEAR, quarter=9) == PeriodSpec()  # fields a kind does not use


# -- generated hostile values ------------------------------------------------------------------

#: Where a hostile number may stand, as plan text with ``{}`` for it.
NUMERIC_FIELDS = [
    ("metric", "period: {{kind: quarter, quarter: {}}}"),
    ("metric", "period: {{kind: month, month: {}}}"),
    ("metric", "period: {{kind: instant, month: 2, day: {}}}"),
    ("metric", "decimals: {}"),
    ("metric", "publication_lag_months: {}"),
    ("metric", "projection_min_points: {}"),
    ("target", "tolerance: {}"),
    ("target", "weight: {}"),
    ("target", "baseline_window: {}"),
    ("value", "value: {}"),
    ("deadline", "deadline: {}"),
    ("head", "end: {}"),
    ("head", "start: {}"),
    ("contribution", "contributes_to: [{{id: vision, weight: {}}}]"),
]

hostile_numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(
        [
            "0",
            "-0",
            "1e400",
            "-1e400",
            ".inf",
            "-.inf",
            ".nan",
            "1e9",
            "1_000",
            "0x10",
            "0o7",
            "1e-400",
            "9" * 400,
            "-" + "9" * 40,
            "2.5",
            "'12'",
            "null",
            "[]",
            "{}",
            "true",
            "1e308",
            "4.0",
        ]
    ),
    st.text(string.digits + "e.-+_", min_size=1, max_size=12),
)


@given(st.sampled_from(NUMERIC_FIELDS), hostile_numbers)
def test_a_hostile_number_anywhere_gives_a_problem_list_or_a_verdict(
    tmp_path_factory: pytest.TempPathFactory, field: tuple[str, str], number: str
) -> None:
    where, template = field
    text = template.format(number)
    metric, target, head = "", LEVEL, MINIMAL_PLAN
    if where == "metric":
        metric = text
    elif where == "target":
        target = LEVEL + "\n    " + text
    elif where == "value":
        target = LEVEL.replace("value: 100", text)
    elif where == "deadline":
        target = LEVEL.replace("deadline: 2030", text)
    elif where == "head":
        key = text.split(":")[0]
        head = MINIMAL_PLAN.replace("start: 2021" if key == "start" else "end: 2030", text)
    else:
        head = MINIMAL_PLAN.replace("contributes_to: [vision]", text)
    folder = _plan(tmp_path_factory.mktemp("hostile"), metric, target, head=head)
    result = _invoke("validate", str(folder), "--format", "json")
    assert result.exit_code in {0, EXIT_PLAN}, result.output
    problems = json.loads(result.stdout)
    assert isinstance(problems, list)
    if result.exit_code == EXIT_PLAN:
        assert all(p["line"] and p["column"] for p in problems if p["severity"] == "error"), problems
    else:  # a value the plan accepts is one every later step can bear
        assert _evaluate(folder, "--format", "json").exit_code == 0


#: Pieces of expressions, sane and hostile.
atoms = st.sampled_from(["jobs", "1", "2.5", "1e400", "9" * 30, "x", "jobs.real", "'a'", "None"])
functions = st.sampled_from(["growth", "cagr", "change", "lag", "index", "share", "eval", "__import__"])


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    choice = draw(st.integers(0, 4 if depth < 6 else 0))
    if choice == 0:
        return draw(atoms)
    if choice == 1:
        return draw(st.sampled_from(["-", "+", "not ", "~"])) * draw(st.integers(1, 3_000)) + draw(
            expressions(depth + 1)
        )
    if choice == 2:
        op = draw(st.sampled_from([" + ", " - ", " * ", " / ", " ** ", " % ", " @ ", " < "]))
        return draw(expressions(depth + 1)) + op + draw(expressions(depth + 1))
    if choice == 3:
        years = draw(
            st.one_of(st.integers(-(10**12), 10**12).map(str), st.sampled_from(["9" * 400, "1.5", "x"]))
        )
        return f"{draw(functions)}({draw(expressions(depth + 1))}, {years})"
    return "(" * draw(st.integers(1, 250)) + draw(expressions(depth + 1)) + ")" * draw(st.integers(0, 250))


@given(expressions())
def test_a_hostile_expression_gives_a_problem_list(
    tmp_path_factory: pytest.TempPathFactory, expression: str
) -> None:
    folder = _derived(tmp_path_factory.mktemp("expression"), expression)
    result = _invoke("validate", str(folder), "--format", "json")
    assert result.exit_code in {0, EXIT_PLAN}, result.output
    assert isinstance(json.loads(result.stdout), list)
    if result.exit_code == 0:  # an expression the plan accepts is one the data can bear
        assert _evaluate(folder, "--format", "json").exit_code == 0


cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["1e400", "-1e400", "nan", "inf", "", "..", "9" * 400, "1,5", "-0", "1e-400", "0x1F"]),
    st.text(string.digits + "eE.,-+ ", max_size=10),
)
period_labels = st.one_of(
    st.integers(0, 10_000).map(str),
    st.sampled_from(
        ["2021", "2022Q4", "2022K0", "2022Q9", "2022-13", "2022-02-30", "0000", "9999-12-31", ""]
    ),
    st.text(string.digits + "QK-", max_size=10),
)


@given(
    st.lists(st.tuples(st.sampled_from(["3209", "0235", "9999", "region"]), period_labels, cells), max_size=6)
)
def test_a_hostile_data_file_is_refused_or_read_never_a_crash(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]]
) -> None:
    body = "".join(f"{area},{label},{json.dumps(cell)}\n" for area, label, cell in rows)
    folder = _plan(tmp_path_factory.mktemp("data"), csv="code,year,v\n" + body)
    fetched = _fetch(folder)
    assert fetched.exit_code in {0, EXIT_USER}, fetched.output
    if fetched.exit_code == EXIT_USER and rows:
        assert "data.csv" in fetched.output  # a refusal names the file
    evaluated = _evaluate(folder, "--format", "json", "--lang", "en")
    assert evaluated.exit_code == 0, evaluated.output
    for target in _targets(json.loads(evaluated.stdout)):
        latest = target["latest"]
        assert latest is None or (isinstance(latest["value"], float | int) and latest["value"] >= 0), target
