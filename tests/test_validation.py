"""Plan checks: every code the validation package can report is triggered here, errors apart from warnings."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from regionplan.errors import Location, Severity
from regionplan.plan import problems as P
from regionplan.plan import validation
from regionplan.plan.files import Validation, validate_plan

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
actors:
  - {id: council, name: Regionrådet}
"""

SOURCE = '{name: inline, values: [{period: "2024", value: 1}]}'
JOBS = f"  - {{id: jobs, title: Jobs, unit: job, direction: increase, source: {SOURCE}}}\n"
POP = f"  - {{id: population, title: Population, unit: person, direction: increase, source: {SOURCE}}}\n"
GOALS = """\
elements:
  - {id: vision, kind: vision, title: V}
  - {id: goal, kind: main_goal, title: G, contributes_to: [vision]}
"""


def plan_text(
    *, elements: str = GOALS, metrics: str = JOBS + POP, targets: str = "", head: str = HEAD
) -> str:
    text = head + elements + "metrics:\n" + metrics
    if targets:
        text += "targets:\n" + targets
    return text


T = "  - {{id: t, element: goal, metric: jobs, kind: level, value: 10, deadline: '2030'{extra}}}\n"
USES_POP = "  - {id: tp, element: goal, metric: population, kind: level, value: 10, deadline: '2030'}\n"


def target(extra: str = "") -> str:
    return T.format(extra=extra) + USES_POP


def validate(tmp_path: Path, text: str, extensions: Any) -> Validation:
    path = tmp_path / "plan.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return validate_plan(path, extensions=extensions)


# (case id, plan text, expected code, severity, a word the message or hint must hold)
CASES: list[tuple[str, str, str, Severity, str]] = [
    (
        "deadline before baseline",
        plan_text(
            targets=target().replace("kind: level, value: 10,", "kind: change, change: 5, baseline: '2031',")
        ),
        P.DEADLINE_BEFORE_BASELINE,
        Severity.ERROR,
        "before its baseline (2031)",
    ),
    (
        "deadline at baseline",
        plan_text(
            targets=target().replace("kind: level, value: 10,", "kind: change, change: 5, baseline: '2030',")
        ),
        P.DEADLINE_AT_BASELINE,
        Severity.ERROR,
        "deadline at its baseline (2030)",
    ),
    (
        "deadline at baseline, written as another period ending at the same time",
        plan_text(
            targets=target().replace(
                "kind: level, value: 10, deadline: '2030'",
                "kind: change, change: 5, baseline: '2029Q4', deadline: '2029'",
            )
        ),
        P.DEADLINE_AT_BASELINE,
        Severity.ERROR,
        "2029 and 2029Q4 stand at the same point in time",
    ),
    (
        "metric without direction",
        plan_text(metrics=JOBS.replace("direction: increase, ", "") + POP, targets=target()),
        P.NO_DIRECTION,
        Severity.ERROR,
        "direction",
    ),
    (
        "unknown unit with hint",
        plan_text(metrics=JOBS.replace("unit: job", "unit: jbo") + POP, targets=target()),
        P.UNKNOWN_UNIT,
        Severity.ERROR,
        "did you mean 'job'?",
    ),
    (
        "unknown target unit",
        plan_text(targets=target(", unit: persns")),
        P.UNKNOWN_UNIT,
        Severity.ERROR,
        "persns",
    ),
    (
        "target unit mismatch",
        plan_text(targets=target(", unit: NOK")),
        P.UNIT_MISMATCH,
        Severity.ERROR,
        "does not fit",
    ),
    (
        "unknown SDG",
        plan_text(
            elements=GOALS.replace("contributes_to: [vision]", "contributes_to: [vision], sdg: ['8.55']")
        ),
        P.UNKNOWN_SDG,
        Severity.ERROR,
        "8.55",
    ),
    (
        "code not valid in the plan period",
        plan_text(
            head=HEAD.replace('[{code: "3209", from: 2024-01-01}]', '["0235"]').replace(
                "start: 2024", "start: 2021"
            ),
            targets=target(),
        ),
        P.CODE_NOT_VALID,
        Severity.ERROR,
        "0235 ceased to be valid",
    ),
    (
        "code used after its end date",
        plan_text(
            head=HEAD.replace(
                '[{code: "3209", from: 2024-01-01}]',
                '[{code: "0239", until: 2020-12-31}, {code: "3037", from: 2021-01-01, until: 2023-12-31}, '
                '{code: "3242", from: 2024-01-01}]',
            ).replace("start: 2024", "start: 2019"),
            targets=target(),
        ),
        P.CODE_NOT_VALID,
        Severity.ERROR,
        "0239 ceased to be valid after 2019-12-31",
    ),
    (
        "another municipality's code (Hurdal given Hole's 3038)",
        plan_text(
            head=HEAD.replace(
                '[{code: "3209", from: 2024-01-01}]',
                '[{code: "0239", until: 2019-12-31}, {code: "3038", from: 2020-01-01, until: 2023-12-31}, '
                '{code: "3242", from: 2024-01-01}]',
            ).replace("start: 2024", "start: 2019"),
            targets=target(),
        ),
        P.CODE_LINEAGE,
        Severity.ERROR,
        "the records say 0239 became 3037 (Hurdal) on 2020-01-01",
    ),
    (
        "code gap",
        plan_text(
            head=HEAD.replace(
                '[{code: "3209", from: 2024-01-01}]', '[{code: "0235", until: 2019-12-31}]'
            ).replace("start: 2024", "start: 2021"),
            targets=target(),
        ),
        P.CODE_GAP,
        Severity.ERROR,
        "no municipality code valid on 2021-01-01",
    ),
    (
        "code ends before it starts",
        plan_text(
            head=HEAD.replace("from: 2024-01-01", "from: 2024-01-01, until: 2023-01-01"), targets=target()
        ),
        P.BAD_VALUE,
        Severity.ERROR,
        "ends before it starts",
    ),
    (
        "expression syntax",
        plan_text(
            metrics=JOBS
            + POP
            + "  - {id: d, title: D, unit: percent, direction: increase, derived: 'growth(jobs'}\n"
        ),
        P.EXPRESSION,
        Severity.ERROR,
        "cannot read",
    ),
    (
        "expression unknown function",
        plan_text(
            metrics=JOBS
            + POP
            + "  - {id: d, title: D, unit: percent, direction: increase, derived: 'grwth(jobs)'}\n"
        ),
        P.EXPRESSION,
        Severity.ERROR,
        "unknown function",
    ),
    (
        "expression unknown metric",
        plan_text(
            metrics=JOBS
            + POP
            + "  - {id: d, title: D, unit: percent, direction: increase, derived: 'growth(jbs)'}\n"
        ),
        P.UNKNOWN_REFERENCE,
        Severity.ERROR,
        "did you mean 'jobs'?",
    ),
    (
        "expression units",
        plan_text(
            metrics=JOBS
            + POP
            + "  - {id: d, title: D, unit: job, direction: increase, derived: 'jobs + population'}\n"
        ),
        P.EXPRESSION_UNITS,
        Severity.ERROR,
        "the dimensions differ",
    ),
    (
        "expression declared in the wrong unit",
        plan_text(
            metrics=JOBS
            + POP
            + "  - {id: d, title: D, unit: job, direction: increase, derived: 'jobs / population'}\n"
        ),
        P.EXPRESSION_UNITS,
        Severity.ERROR,
        "declared in 'job'",
    ),
    (
        "derived metrics in a cycle",
        plan_text(
            metrics=JOBS
            + POP
            + "  - {id: d, title: D, unit: job, direction: increase, derived: 'e'}\n"
            + "  - {id: e, title: E, unit: job, direction: increase, derived: 'd'}\n"
        ),
        P.CYCLE,
        Severity.ERROR,
        "cycle",
    ),
    (
        "unknown source with did-you-mean",
        plan_text(metrics=JOBS.replace("name: inline", "name: inlne") + POP, targets=target()),
        P.SOURCE,
        Severity.ERROR,
        "did you mean 'inline'?",
    ),
    (
        "source query the source rejects",
        plan_text(metrics=JOBS.replace("values:", "valus:") + POP, targets=target()),
        P.SOURCE,
        Severity.ERROR,
        "values",
    ),
    (
        "metric with no data definition",
        plan_text(metrics=JOBS.replace(f", source: {SOURCE}", "") + POP, targets=target()),
        P.NO_DATA_DEFINITION,
        Severity.ERROR,
        "neither a source nor",
    ),
    (
        "weighted mean without weight",
        plan_text(
            metrics=JOBS.replace("unit: job,", "unit: job, aggregation: weighted_mean,") + POP,
            targets=target(),
        ),
        P.MISSING_FIELD,
        Severity.ERROR,
        "weighted_mean",
    ),
    (
        "growth_vs against itself",
        plan_text(
            targets="  - {id: t, element: goal, metric: jobs, kind: growth_vs, other: jobs, baseline: '2024'}\n"
            + USES_POP
        ),
        P.BAD_TARGET,
        Severity.ERROR,
        "with itself",
    ),
    (
        "unknown projection",
        plan_text(targets=target(", projection: linaer")),
        P.UNKNOWN_POLICY,
        Severity.ERROR,
        "did you mean 'linear'?",
    ),
    (
        "unknown status policy",
        plan_text(targets=target(", policy: open-sdg")),
        P.UNKNOWN_POLICY,
        Severity.ERROR,
        "open_sdg",
    ),
    (
        "target weight not above 0",
        plan_text(targets=target(", weight: 0")),
        P.BAD_VALUE,
        Severity.ERROR,
        "weight above 0",
    ),
    (
        "duplicate id across kinds",
        plan_text(metrics=JOBS + POP.replace("id: population", "id: goal"), targets=target()),
        P.DUPLICATE_ID,
        Severity.ERROR,
        "used twice",
    ),
    (
        "reference to an id of the wrong kind",
        plan_text(targets=target().replace("element: goal, metric: jobs", "element: jobs, metric: jobs", 1)),
        P.UNKNOWN_REFERENCE,
        Severity.ERROR,
        "exists, but it is not a element",
    ),
    (
        "unknown actor",
        plan_text(
            elements=GOALS.replace(
                "contributes_to: [vision]", "contributes_to: [vision], responsible: [councl]"
            )
        ),
        P.UNKNOWN_REFERENCE,
        Severity.ERROR,
        "did you mean 'council'?",
    ),
    (
        "contributes_to cycle",
        plan_text(
            elements=GOALS + "  - {id: a, kind: sub_goal, title: A, contributes_to: [b]}\n"
            "  - {id: b, kind: sub_goal, title: B, contributes_to: [a]}\n"
        ),
        P.CYCLE,
        Severity.ERROR,
        "a -> b -> a",
    ),
    # warnings
    (
        "unmeasured goal",
        plan_text(),
        P.UNMEASURED_GOAL,
        Severity.WARNING,
        "nothing measures the main-goal 'goal'",
    ),
    (
        "action with no responsible",
        plan_text(
            elements=GOALS + "  - {id: p1, kind: project, title: P1, contributes_to: [goal]}\n",
            targets=target(),
        ),
        P.NO_RESPONSIBLE,
        Severity.WARNING,
        "'p1'",
    ),
    (
        "target without deadline",
        plan_text(targets=target().replace(", deadline: '2030'", "", 1)),
        P.NO_DEADLINE,
        Severity.WARNING,
        "the plan period's end (2030) is used",
    ),
    (
        "orphan",
        plan_text(elements=GOALS + "  - {id: lonely, kind: sub_goal, title: L}\n"),
        P.ORPHAN,
        Severity.WARNING,
        "'lonely' contributes to nothing",
    ),
    (
        "unused metric",
        plan_text(targets=target()).replace(USES_POP, ""),
        P.UNUSED_METRIC,
        Severity.WARNING,
        "'population'",
    ),
    (
        "empty action",
        plan_text(
            elements=GOALS
            + "  - {id: a1, kind: action, title: A1, contributes_to: [goal], responsible: [council]}\n",
            targets=target(),
        ),
        P.EMPTY_ACTION,
        Severity.WARNING,
        "'a1' has no projects",
    ),
]


@pytest.mark.parametrize(
    ("text", "code", "severity", "word"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_check(
    tmp_path: Path, extensions: Any, text: str, code: str, severity: Severity, word: str
) -> None:
    v = validate(tmp_path, text, extensions)
    hits = [p for p in v.problems if p.code == code and p.severity is severity]
    assert hits, [str(p) for p in v.problems]
    assert any(word in p.message or word in p.hint for p in hits), [str(p) for p in hits]
    for p in hits:
        assert p.location is not None and p.location.line is not None and p.location.column is not None
    assert (code in {e.code for e in v.errors}) is (severity is Severity.ERROR)


def test_every_code_validation_produces_is_triggered() -> None:
    modules = sorted(Path(validation.__file__).parent.glob("*.py"))
    source = "\n".join(m.read_text(encoding="utf-8") for m in modules)
    names = set(re.findall(r"\bP\.([A-Z_]+)\b", source))
    produced = {getattr(P, n) for n in names}
    triggered = {c[2] for c in CASES}
    assert produced - triggered == set()


def test_errors_and_warnings_are_separate(tmp_path: Path, extensions: Any) -> None:
    text = plan_text(
        elements=GOALS + "  - {id: lonely, kind: sub_goal, title: L}\n",
        targets=target(", unit: NOK").replace(", deadline: '2030'", "", 1),
    )
    v = validate(tmp_path, text, extensions)
    assert {p.code for p in v.errors} == {P.UNIT_MISMATCH}
    assert {p.code for p in v.warnings} == {P.ORPHAN, P.UNMEASURED_GOAL, P.NO_DEADLINE}
    assert all(p.is_error for p in v.errors)
    assert not any(p.is_error for p in v.warnings)
    assert set(v.errors) | set(v.warnings) == set(v.problems)
    assert not v.ok


def test_a_sound_plan_has_no_problems(tmp_path: Path, extensions: Any) -> None:
    v = validate(tmp_path, plan_text(targets=target()), extensions)
    assert v.problems == ()
    assert v.ok


def test_an_action_inherits_responsible_from_its_action_item(tmp_path: Path, extensions: Any) -> None:
    elements = GOALS + (
        "  - {id: a1, kind: action, title: A1, contributes_to: [goal], responsible: [council]}\n"
        "  - {id: p1, kind: project, title: P1, contributes_to: [a1]}\n"
    )
    v = validate(tmp_path, plan_text(elements=elements, targets=target()), extensions)
    assert P.NO_RESPONSIBLE not in {p.code for p in v.problems}
    assert P.EMPTY_ACTION not in {p.code for p in v.problems}


# -- every repeated id, each at its own place ------------------------------------------------

ELEMENT = "  - {{id: {id}, kind: sub_goal, title: {title}, contributes_to: [goal]}}\n"


def _line(text: str, needle: str) -> int:
    """The 1-based line of ``text`` that holds ``needle``."""
    (n,) = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return n


def _at(text: str, needle: str) -> Location:
    """Where ``needle`` starts in ``plan.yaml`` written from ``text``."""
    n = _line(text, needle)
    return Location("plan.yaml", n, text.splitlines()[n - 1].index(needle) + 1)


def _rp101(v: Validation) -> list[tuple[str, int | None, int | None]]:
    return sorted(
        (p.location.file, p.location.line, p.location.column)
        for p in v.problems
        if p.code == P.DUPLICATE_ID and p.location is not None
    )


def test_three_uses_of_one_id_give_a_problem_at_each_repeat(tmp_path: Path, extensions: Any) -> None:
    elements = GOALS + "".join(ELEMENT.format(id="a", title=t) for t in ("A1", "A2", "A3"))
    text = plan_text(elements=elements, targets=target())
    v = validate(tmp_path, text, extensions)
    hits = [p for p in v.problems if p.code == P.DUPLICATE_ID]
    a1, a2, a3 = (_line(text, f"title: {t},") for t in ("A1", "A2", "A3"))
    assert _rp101(v) == [("plan.yaml", a2, 5), ("plan.yaml", a3, 5)]  # the first use is no repeat
    assert [p.message for p in hits] == [
        f"the id 'a' is used 3 times: here by an element (use {n} of 3), "
        f"first by an element at plan.yaml:{a1}:5"
        for n in (2, 3)
    ]
    assert all(p.is_error and "rename all but one" in p.hint for p in hits)


def test_two_pairs_of_duplicates_give_one_problem_each(tmp_path: Path, extensions: Any) -> None:
    elements = GOALS + "".join(
        ELEMENT.format(id=i, title=t) for i, t in (("a", "A1"), ("b", "B1"), ("a", "A2"), ("b", "B2"))
    )
    text = plan_text(elements=elements, targets=target())
    v = validate(tmp_path, text, extensions)
    a1, b1, a2, b2 = (_line(text, f"title: {t},") for t in ("A1", "B1", "A2", "B2"))
    assert _rp101(v) == [("plan.yaml", a2, 5), ("plan.yaml", b2, 5)]
    messages = sorted(p.message for p in v.problems if p.code == P.DUPLICATE_ID)
    assert messages == [
        f"the id 'a' is used twice: here by an element, first by an element at plan.yaml:{a1}:5",
        f"the id 'b' is used twice: here by an element, first by an element at plan.yaml:{b1}:5",
    ]


def test_repeated_ids_across_files_and_kinds(tmp_path: Path, extensions: Any) -> None:
    main = plan_text(targets=target()).replace("metrics:\n", "include: [more.yaml]\nmetrics:\n", 1)
    (tmp_path / "more.yaml").write_text(
        "elements:\n"
        "  - {id: goal, kind: sub_goal, title: Again, contributes_to: [vision]}\n"
        "metrics:\n"
        f"  - {{id: r, title: Region, unit: job, direction: increase, source: {SOURCE}}}\n",
        encoding="utf-8",
    )
    v = validate(tmp_path, main, extensions)
    found = {
        (p.location.file, p.location.line, p.location.column): p.message
        for p in v.problems
        if p.code == P.DUPLICATE_ID and p.location is not None
    }
    goal, region = _line(main, "id: goal,"), _line(main, "id: r")
    assert found == {
        ("more.yaml", 2, 5): "the id 'goal' is used twice: here by an element, "
        f"first by an element at plan.yaml:{goal}:5",
        # the region's id counts too: an area named 'r' would be ambiguous
        (
            "more.yaml",
            4,
            5,
        ): f"the id 'r' is used twice: here by a metric, first by a region at plan.yaml:{region}:3",
    }


# -- deadline against baseline, at the boundary --------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "deadline", "code"),
    [
        ("2029Q4", "2030Q1", None),  # one quarter later: fine
        ("2029Q4", "2029", P.DEADLINE_AT_BASELINE),  # both end on 1 January 2030
        ("2029Q4", "2030-01-01", P.DEADLINE_AT_BASELINE),  # the day the quarter ends at
        ("2030", "2030", P.DEADLINE_AT_BASELINE),
        ("2030", "2030Q4", P.DEADLINE_AT_BASELINE),
        ("2030", "2030Q3", P.DEADLINE_BEFORE_BASELINE),
        ("2030-01-02", "2030-01-01", P.DEADLINE_BEFORE_BASELINE),
    ],
)
def test_deadline_against_baseline_boundaries(
    tmp_path: Path, extensions: Any, baseline: str, deadline: str, code: str | None
) -> None:
    text = plan_text(
        targets=target().replace(
            "kind: level, value: 10, deadline: '2030'",
            f"kind: change, change: 5, baseline: '{baseline}', deadline: '{deadline}'",
            1,
        )
    )
    v = validate(tmp_path, text, extensions)
    codes = [p.code for p in v.problems if p.code in {P.DEADLINE_AT_BASELINE, P.DEADLINE_BEFORE_BASELINE}]
    assert codes == ([code] if code else [])
    assert v.ok is (code is None)


# -- member codes against the change records -------------------------------------------------


def _member(codes: str, start: int = 2019) -> str:
    return HEAD.replace('[{code: "3209", from: 2024-01-01}]', codes).replace("start: 2024", f"start: {start}")


@pytest.mark.parametrize(
    "codes",
    [
        # a merger: Asker, Røyken and Hurum became 3025 Asker, which became 3203
        '[{code: "0220", until: 2019-12-31}, {code: "0627", until: 2019-12-31}, '
        '{code: "0628", until: 2019-12-31}, {code: "3025", from: 2020-01-01, until: 2023-12-31}, '
        '{code: "3203", from: 2024-01-01}]',
        # a split: Haram went into 1507 Ålesund in 2020 and came out as 1580 in 2024
        '[{code: "1534", until: 2019-12-31}, {code: "1507", from: 2020-01-01, until: 2023-12-31}, '
        '{code: "1580", from: 2024-01-01}]',
        # the example's Hurdal, in order and out of order
        '[{code: "0239", until: 2019-12-31}, {code: "3037", from: 2020-01-01, until: 2023-12-31}, '
        '{code: "3242", from: 2024-01-01}]',
        '[{code: "3242", from: 2024-01-01}, {code: "3037", from: 2020-01-01, until: 2023-12-31}, '
        '{code: "0239", until: 2019-12-31}]',
    ],
    ids=["merger", "split", "hurdal", "hurdal-unordered"],
)
def test_member_codes_that_follow_the_records_pass(tmp_path: Path, extensions: Any, codes: str) -> None:
    v = validate(tmp_path, plan_text(head=_member(codes), targets=target()), extensions)
    assert v.problems == (), [str(p) for p in v.problems]


def test_another_municipality_s_code_is_reported_once_at_that_code(tmp_path: Path, extensions: Any) -> None:
    codes = (
        '[{code: "0239", until: 2019-12-31}, {code: "3038", from: 2020-01-01, until: 2023-12-31}, '
        '{code: "3242", from: 2024-01-01}]'
    )
    v = validate(tmp_path, plan_text(head=_member(codes), targets=target()), extensions)
    # 3038 is valid in 2020-2023, only not Hurdal's; 3242 does follow Hurdal's 0239
    assert [p.code for p in v.problems] == [P.CODE_LINEAGE]
    (p,) = v.problems
    assert p.location == _at(plan_text(head=_member(codes)), '"3038"')
    assert p.message == (
        "Ullensaker: the code 3038 (Hole) does not follow 0239 (Hurdal): "
        "the records say 0239 became 3037 (Hurdal) on 2020-01-01"
    )
    assert (
        p.hint == "write 3037 (Hurdal) here (the code 0239 became), or check that 3038 is this municipality's"
    )


def test_a_code_used_after_its_end_date_is_reported_at_that_code(tmp_path: Path, extensions: Any) -> None:
    codes = '[{code: "0239"}]'  # open-ended: runs past 2019
    v = validate(tmp_path, plan_text(head=_member(codes), targets=target()), extensions)
    (p,) = [p for p in v.problems if p.code == P.CODE_NOT_VALID]
    assert p.message == "Ullensaker: the code 0239 ceased to be valid after 2019-12-31"
    assert p.hint == "add 'until: 2019-12-31' and list its successor (3037)"
    assert p.location == _at(plan_text(head=_member(codes)), '"0239"')


def test_every_code_validation_produces_is_in_the_catalogue() -> None:
    from click.testing import CliRunner

    from regionplan.cli import cli

    produced = {c[2] for c in CASES}
    assert produced - set(P.CATALOGUE) == set()
    for code, short in ((P.DEADLINE_AT_BASELINE, "deadline-at-baseline"), (P.CODE_LINEAGE, "code-lineage")):
        result = CliRunner().invoke(cli, ["problems", code])
        assert result.exit_code == 0 and result.output.startswith(f"{code}  {short} ")


def test_a_gap_before_the_plan_period_is_an_error_naming_the_code_that_fills_it(
    tmp_path: Path, extensions: Any
) -> None:
    # Hurdal's history without 3037 (2020-2023): the plan starts in 2024, the data go back further
    codes = '[{code: "0239", until: 2019-12-31}, {code: "3242", from: 2024-01-01}]'
    v = validate(tmp_path, plan_text(head=_member(codes, start=2024), targets=target()), extensions)
    (p,) = v.problems
    assert p.code == P.CODE_GAP
    assert p.message == (
        "Ullensaker has no municipality code from 2020-01-01 to 2023-12-31, between 0239 and the next code"
    )
    assert p.hint == (
        "the records give 3037 (Hurdal) for those days, the code 0239 became: "
        'add {code: "3037", from: 2020-01-01, until: 2023-12-31}'
    )
    assert p.location == _at(plan_text(head=_member(codes, start=2024)), '"0239"')


def test_a_gap_in_the_plan_period_is_reported_once_with_the_code_that_fills_it(
    tmp_path: Path, extensions: Any
) -> None:
    codes = '[{code: "0239", until: 2019-12-31}, {code: "3242", from: 2024-01-01}]'
    v = validate(tmp_path, plan_text(head=_member(codes, start=2021), targets=target()), extensions)
    assert [p.code for p in v.problems] == [P.CODE_GAP]
    assert "3037" in (v.problems[0].hint or "")


def test_a_code_ended_too_early_is_a_gap_whose_hint_extends_it(tmp_path: Path, extensions: Any) -> None:
    codes = (
        '[{code: "0239", until: 2019-12-31}, {code: "3037", from: 2020-01-01, until: 2022-12-31}, '
        '{code: "3242", from: 2024-01-01}]'
    )
    v = validate(tmp_path, plan_text(head=_member(codes, start=2024), targets=target()), extensions)
    (p,) = v.problems
    assert p.code == P.CODE_GAP
    assert "from 2023-01-01 to 2023-12-31" in p.message
    assert p.hint == "the records say 3037 was still valid on 2023-01-01: extend its 'until'"
