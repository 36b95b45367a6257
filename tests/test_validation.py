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
        "SDG far from any",
        plan_text(
            elements=GOALS.replace("contributes_to: [vision]", "contributes_to: [vision], sdg: ['jobs']")
        ),
        P.UNKNOWN_SDG,
        Severity.ERROR,
        "'jobs'",
    ),
    (
        "negative baseline window",
        plan_text(targets=target(", baseline_window: -1")),
        P.BAD_VALUE,
        Severity.ERROR,
        "baseline_window of -1",
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
        "too few observations for a projection",
        plan_text(
            metrics=JOBS.replace("direction: increase,", "direction: increase, projection_min_points: 2,")
            + POP
        ),
        P.BAD_VALUE,
        Severity.ERROR,
        "projection_min_points 2: at least 3",
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
        "exists, but it is not an element",
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


# -- each problem's exact words: what is wrong, and how to fix it -----------------------------------

#: case id -> (message, hint) of each problem the case gives, in order (read and checked by hand)
EXACT: dict[str, list[tuple[str, str]]] = {
    "deadline before baseline": [
        (
            "the target 't' has its deadline (2030) before its baseline (2031)",
            "the deadline comes after the baseline",
        ),
        (
            "the target 'tp' has its deadline (2030) before its baseline (2031)",
            "the deadline comes after the baseline",
        ),
    ],
    "deadline at baseline": [
        (
            f"the target '{t}' has its deadline at its baseline (2030): it would be judged on the value "
            "it is measured from",
            "move the deadline later, or the baseline earlier",
        )
        for t in ("t", "tp")
    ],
    "deadline at baseline, written as another period ending at the same time": [
        (
            f"the target '{t}' has its deadline at its baseline (2029Q4); 2029 and 2029Q4 stand at the same "
            "point in time: it would be judged on the value it is measured from",
            "move the deadline later, or the baseline earlier",
        )
        for t in ("t", "tp")
    ],
    "code ends before it starts": [("Ullensaker: the code 3209 ends before it starts", "")],
    "code gap": [
        (
            "Ullensaker has no municipality code valid on 2021-01-01, within the plan period 2021-2030",
            "list every code the municipality had, with 'from' and 'until' dates",
        )
    ],
    "expression syntax": [
        (
            "the metric 'd': cannot read the expression: '(' was never closed (column 7 of the expression)",
            "see the list of functions in the reference on derived metrics",
        )
    ],
    "target unit mismatch": [
        (
            "the target 't' is in 'NOK', which does not fit the metric 'jobs' in 'job'",
            "write the target in a unit of the same dimension as 'job'",
        )
    ],
    "unknown SDG": [("the element 'goal' refers to SDG '8.55', which does not exist", "did you mean '8.5'?")],
    "SDG far from any": [
        (
            "the element 'goal' refers to SDG 'jobs', which does not exist",
            "use a goal number (8) or a target (8.5, 8.a)",
        )
    ],
    "negative baseline window": [
        (
            "the target 't' has a baseline_window of -1 years",
            "give 0 (judge from the baseline only) or more years",
        )
    ],
    "unmeasured goal": [
        (
            "nothing measures the main-goal 'goal'",
            "add a target with a metric, or record why it cannot be measured yet",
        )
    ],
    "action with no responsible": [
        (
            "no actor is responsible for 'p1'",
            "add 'responsible: [actor-id]': who does what in following up the plan?",
        )
    ],
    "empty action": [
        (
            "the action programme item 'a1' has no projects or measures under it",
            "add the projects that carry it out, or mark why they are pending",
        )
    ],
    "orphan": [
        (
            "the element 'lonely' contributes to nothing",
            "link it with 'contributes_to' to the goal or area it serves",
        )
    ],
    "target without deadline": [
        (
            "the target 't' has no deadline; the plan period's end (2030) is used",
            "add 'deadline: YEAR' so progress can be judged against it",
        )
    ],
    "unknown target unit": [("the target 't' has an unknown unit 'persns'", "did you mean 'person'?")],
    "expression units": [("the metric 'd': cannot compute jobs + persons: the dimensions differ", "")],
    "expression declared in the wrong unit": [
        (
            "the metric 'd' is declared in 'job' but its expression gives 'jobs / persons'",
            "change the unit, or the expression (share() gives percent)",
        )
    ],
    "derived metrics in a cycle": [("derived metrics refer to each other in a cycle: d -> e -> d", "")],
    "unknown source with did-you-mean": [
        (
            "no data source named 'inlne'; did you mean 'inline'?",
            "install the plugin that provides it, or correct the name",
        )
    ],
    "metric with no data definition": [
        (
            "the metric 'jobs' has neither a source nor 'derived'",
            "add 'source: {name: ..., ...}' or 'derived: <expression>'",
        )
    ],
    "weighted mean without weight": [
        (
            "the metric 'jobs' aggregates by weighted_mean but has no 'weight'",
            "name the metric to weight by, e.g. 'weight: population'",
        )
    ],
    "too few observations for a projection": [
        (
            "the metric 'jobs' has projection_min_points 2: at least 3",
            "a projection needs three observations for an interval; the default is 5",
        )
    ],
    "reference to an id of the wrong kind": [
        ("unknown element 'jobs'", "'jobs' exists, but it is not an element")
    ],
    "contributes_to cycle": [
        (
            "contributes_to links form a cycle: a -> b -> a",
            "an element cannot contribute, through others, to itself; remove one link",
        )
    ],
    "unused metric": [("no target or expression uses the metric 'population'", "")],
}


@pytest.mark.parametrize("case", list(EXACT))
def test_each_check_says_exactly_what_and_how_to_fix(tmp_path: Path, extensions: Any, case: str) -> None:
    (text, code, severity) = next((c[1], c[2], c[3]) for c in CASES if c[0] == case)
    v = validate(tmp_path, text, extensions)
    assert [(p.message, p.hint) for p in v.problems if p.code == code and p.severity is severity] == EXACT[
        case
    ]


def test_a_cycle_is_reported_at_its_first_element(tmp_path: Path, extensions: Any) -> None:
    elements = GOALS + (
        "  - {id: a, kind: sub_goal, title: A, contributes_to: [b]}\n"
        "  - {id: b, kind: sub_goal, title: B, contributes_to: [a]}\n"
    )
    text = plan_text(elements=elements)
    (p,) = [p for p in validate(tmp_path, text, extensions).problems if p.code == P.CYCLE]
    assert p.location == _at(text, "{id: a,")


def test_a_reference_with_nothing_close_says_what_to_define(tmp_path: Path, extensions: Any) -> None:
    text = plan_text(targets=target().replace("element: goal", "element: zzz", 1))
    (p,) = [p for p in validate(tmp_path, text, extensions).problems if p.code == P.UNKNOWN_REFERENCE]
    assert (p.message, p.hint) == ("unknown element 'zzz'", "define an element with id 'zzz'")


def test_a_unit_with_nothing_close_lists_the_domain_units(tmp_path: Path, extensions: Any) -> None:
    from regionplan.plan.units import BASE_DEFINITIONS

    text = plan_text(metrics=JOBS.replace("unit: job", "unit: qqqq") + POP, targets=target())
    (p,) = [p for p in validate(tmp_path, text, extensions).problems if p.code == P.UNKNOWN_UNIT]
    names = [d.split("=")[0].strip() for d in BASE_DEFINITIONS] + ["percent", "dimensionless"]
    assert p.hint == "domain units: " + ", ".join(names) + "; a plugin can add more"


def test_every_metric_is_checked_after_one_with_a_problem(tmp_path: Path, extensions: Any) -> None:
    metrics = (
        JOBS.replace("unit: job, ", "")  # no unit: the reader reports it; the unit checks pass it by
        + JOBS.replace("id: jobs", "id: j2").replace("unit: job", "unit: jbo")
        + JOBS.replace("id: jobs", "id: j3").replace("name: inline", "name: nowhere")
        + JOBS.replace("id: jobs", "id: j4").replace("name: inline", "name: nowhere")
        + POP
        + "  - {id: d1, title: D, unit: job, direction: increase, derived: 'growth(j3'}\n"
        + "  - {id: d2, title: D, unit: job, direction: increase, derived: 'growth(j3'}\n"
        # over a metric of unknown unit: no unit to work out, and no failure either
        + "  - {id: d3, title: D, unit: job, direction: increase, derived: 'j2 * 2'}\n"
        + "  - {id: d4, title: D, unit: job, direction: increase, derived: 'j3 + population'}\n"
        + "  - {id: d5, title: D, unit: job, direction: increase, derived: 'population - j3'}\n"
        + "  - {id: d6, title: D, unit: job, direction: increase, derived: 'population * 2'}\n"
    )
    v = validate(tmp_path, plan_text(metrics=metrics), extensions)
    found = [(p.code, p.message.split("'")[1]) for p in v.problems if p.is_error]
    assert sorted(found) == [
        (P.MISSING_FIELD, "unit"),
        (P.UNKNOWN_UNIT, "j2"),
        (P.EXPRESSION, "d1"),
        (P.EXPRESSION, "d2"),
        (P.EXPRESSION_UNITS, "d4"),
        (P.EXPRESSION_UNITS, "d5"),
        (P.EXPRESSION_UNITS, "d6"),
        (P.SOURCE, "nowhere"),
        (P.SOURCE, "nowhere"),
    ]


# -- member codes: every branch of the code checks ----------------------------------------------------


def _member_problems(
    tmp_path: Path, extensions: Any, codes: str, start: int = 2019
) -> list[tuple[str, str, str]]:
    v = validate(tmp_path, plan_text(head=_member(codes, start), targets=target()), extensions)
    return [(p.code, p.message, p.hint) for p in v.problems]


def test_a_code_used_before_it_began_is_reported_at_that_code(tmp_path: Path, extensions: Any) -> None:
    codes = '[{code: "0239", until: 2019-12-31}, {code: "3037", until: 2023-12-31}, {code: "3242", from: 2024-01-01}]'
    v = validate(tmp_path, plan_text(head=_member(codes), targets=target()), extensions)
    (p,) = v.problems
    assert (p.code, p.message, p.hint) == (
        P.CODE_NOT_VALID,
        "Ullensaker: the code 3037 became valid only on 2020-01-01",
        "add 'from: 2020-01-01' and list the code used before",
    )
    assert p.location == _at(plan_text(head=_member(codes)), '"3037"')


def test_a_code_of_one_day_is_no_code_that_ends_before_it_starts(tmp_path: Path, extensions: Any) -> None:
    codes = '[{code: "3209", from: 2024-01-01, until: 2024-01-01}, {code: "3209", from: 2024-01-02}]'
    assert _member_problems(tmp_path, extensions, codes, start=2024) == []


def test_a_split_code_names_every_successor(tmp_path: Path, extensions: Any) -> None:
    # Ålesund (1507) was split in 2024 into 1508 Ålesund and 1580 Haram
    assert _member_problems(tmp_path, extensions, '[{code: "1507", from: 2020-01-01}]', start=2020) == [
        (
            P.CODE_NOT_VALID,
            "Ullensaker: the code 1507 ceased to be valid after 2023-12-31",
            "add 'until: 2023-12-31' and list its successor (1508, 1580)",
        )
    ]
    codes = '[{code: "1507", from: 2020-01-01, until: 2023-12-31}, {code: "3209", from: 2024-01-01}]'
    assert _member_problems(tmp_path, extensions, codes, start=2020) == [
        (
            P.CODE_LINEAGE,
            "Ullensaker: the code 3209 (Ullensaker) does not follow 1507 (Ålesund): the records say 1507 "
            "became 1508 (Ålesund), 1580 (Haram) on 2024-01-01",
            "write 1508 (Ålesund) or 1580 (Haram) here (the code 1507 became), or check that 3209 is "
            "this municipality's",
        )
    ]


def test_names_are_the_ones_of_the_day(tmp_path: Path, extensions: Any) -> None:
    # 1640 Røros became 5025 Røros in 2018; 5025 is "Røros - Rosse" from 2023
    codes = '[{code: "1640", until: 2017-12-31}, {code: "3037", from: 2018-01-01}]'
    ((_, message, hint),) = [
        p for p in _member_problems(tmp_path, extensions, codes, 2018) if p[0] == P.CODE_LINEAGE
    ]
    assert message == (
        "Ullensaker: the code 3037 (Hurdal) does not follow 1640 (Røros): the records say 1640 became "
        "5025 (Røros) on 2018-01-01"
    )
    assert hint == "write 5025 (Røros) here (the code 1640 became), or check that 3037 is this municipality's"
    codes = '[{code: "1640", until: 2017-12-31}, {code: "5025", from: 2018-02-01}]'
    assert _member_problems(tmp_path, extensions, codes, 2018) == [
        (
            P.CODE_GAP,
            "Ullensaker has no municipality code from 2018-01-01 to 2018-01-31, between 1640 and the next code",
            'the records give 5025 (Røros) for those days, the code 1640 became: add {code: "5025", '
            "from: 2018-01-01, until: 2018-01-31}",
        )
    ]


def test_a_code_the_records_do_not_know_is_named_by_its_number(tmp_path: Path, extensions: Any) -> None:
    codes = '[{code: "0239", until: 2019-12-31}, {code: "3999", from: 2020-01-01}]'
    ((_, message, _),) = _member_problems(tmp_path, extensions, codes)
    assert message.startswith("Ullensaker: the code 3999 does not follow 0239 (Hurdal): ")


def test_a_code_listed_a_day_too_long_does_not_hide_the_wrong_successor(
    tmp_path: Path, extensions: Any
) -> None:
    codes = '[{code: "0239", until: 2020-01-01}, {code: "3038", from: 2020-01-01, until: 2023-12-31}]'
    found = sorted(code for code, _, _ in _member_problems(tmp_path, extensions, codes))
    assert found == [P.CODE_NOT_VALID, P.CODE_GAP, P.CODE_LINEAGE]  # the gap: after 3038 ends


def test_a_chain_that_starts_in_the_last_reform_passes(tmp_path: Path, extensions: Any) -> None:
    codes = '[{code: "3037", from: 2020-01-01, until: 2023-12-31}, {code: "3242", from: 2024-01-01}]'
    assert _member_problems(tmp_path, extensions, codes, start=2020) == []


@pytest.mark.parametrize(
    ("codes", "gap_days"),
    [
        ('[{code: "3209", from: 2024-01-01, until: 2030-12-31}]', []),  # to the period's last day
        ('[{code: "3209", from: 2024-01-01, until: 2024-01-01}]', ["2024-01-02"]),  # ends on its first day
        ('[{code: "3209", from: 2024-01-01, until: 2025-06-30}]', ["2025-07-01"]),
    ],
)
def test_no_code_after_the_last_one_ends(
    tmp_path: Path, extensions: Any, codes: str, gap_days: list[str]
) -> None:
    found = _member_problems(tmp_path, extensions, codes, start=2024)
    assert [m for c, m, _ in found if c == P.CODE_GAP] == [
        f"Ullensaker has no municipality code valid on {day}, within the plan period 2024-2030"
        for day in gap_days
    ]


def test_a_gap_between_codes_is_reported_once_and_a_gap_after_them_too(
    tmp_path: Path, extensions: Any
) -> None:
    one_day = '[{code: "3209", from: 2024-01-01, until: 2024-06-30}, {code: "3209", from: 2024-07-02}]'
    gaps = [m for c, m, _ in _member_problems(tmp_path, extensions, one_day, start=2024) if c == P.CODE_GAP]
    assert gaps == [
        "Ullensaker has no municipality code from 2024-07-01 to 2024-07-01, between 3209 and the next code"
    ]
    both = '[{code: "3209", from: 2024-01-01, until: 2024-06-30}, {code: "3209", from: 2024-08-01, until: 2025-12-31}]'
    found = sorted(
        (m, h) for c, m, h in _member_problems(tmp_path, extensions, both, start=2024) if c == P.CODE_GAP
    )
    assert found == [
        (
            "Ullensaker has no municipality code from 2024-07-01 to 2024-07-31, between 3209 and the next code",
            "the records say 3209 was still valid on 2024-07-01: extend its 'until'",
        ),
        (
            "Ullensaker has no municipality code valid on 2026-01-01, within the plan period 2024-2030",
            "list every code the municipality had, with 'from' and 'until' dates",
        ),
    ]


def test_a_plan_of_one_year_has_its_codes_checked(tmp_path: Path, extensions: Any) -> None:
    text = plan_text(head=_member('["0239"]', start=2024).replace("end: 2030", "end: 2024"), targets=target())
    text = text.replace("deadline: '2030'", "deadline: '2024'")
    assert P.CODE_NOT_VALID in {p.code for p in validate(tmp_path, text, extensions).problems}


# -- comparators ------------------------------------------------------------------------------------------

COMPARED = HEAD.replace(
    "  period: {start: 2024, end: 2030}\n",
    "  period: {start: 2024, end: 2030}\n  comparators:\n{comparators}",
).replace(
    '    - {id: ullensaker, name: Ullensaker, codes: [{code: "3209", from: 2024-01-01}]}\n',
    "{members}",
)
TWO_COUNTIES = (
    '    - {id: ullensaker, name: Ullensaker, codes: [{code: "3209", from: 2024-01-01}]}\n'
    '    - {id: drammen, name: Drammen, codes: [{code: "3301", from: 2024-01-01}]}\n'
)


def _compared(
    tmp_path: Path, extensions: Any, comparators: str, members: str = TWO_COUNTIES
) -> list[tuple[str, str, str]]:
    head = COMPARED.replace("{comparators}", comparators).replace("{members}", members)
    v = validate(tmp_path, plan_text(head=head, targets=target()), extensions)
    return [(p.code, p.message, p.hint) for p in v.problems]


def test_comparators_are_checked_each_in_turn(tmp_path: Path, extensions: Any) -> None:
    comparators = (
        "    - {id: county, kind: county}\n"
        "    - {id: old, kind: region, municipalities: ['0239', '1507', '3209']}\n"
    )
    assert _compared(tmp_path, extensions, comparators) == [
        (
            P.BAD_VALUE,
            "the comparator 'county' is left out: the members lie in several counties (32, 33)",
            "give the county's two-digit code, e.g. 'code: \"32\"', one comparator each",
        ),
        (
            P.CODE_NOT_VALID,
            "the comparator 'old': the code 0239 is not valid on 2024-01-01, the day the members' codes are from",
            "use the code valid then (3242)",
        ),
        (
            P.CODE_NOT_VALID,
            "the comparator 'old': the code 1507 is not valid on 2024-01-01, the day the members' codes are from",
            "use the code valid then (1508, 1580)",
        ),
    ]


def test_a_county_comparator_of_members_in_one_county_is_kept(tmp_path: Path, extensions: Any) -> None:
    members = TWO_COUNTIES.replace('"3301"', '"3205"')  # Lillestrøm, in Akershus too
    assert _compared(tmp_path, extensions, "    - {id: county, kind: county}\n", members) == []


def test_a_comparator_is_checked_on_the_day_the_members_codes_are_from(
    tmp_path: Path, extensions: Any
) -> None:
    # members listed by their current codes with no dates: the plan's first day
    members = '    - {id: ullensaker, name: Ullensaker, codes: ["3209"]}\n'
    found = _compared(
        tmp_path, extensions, "    - {id: old, kind: region, municipalities: ['0235']}\n", members
    )
    assert [m for _, m, _ in found if "comparator" in m] == [
        "the comparator 'old': the code 0235 is not valid on 2024-01-01, the day the members' codes are from"
    ]
    # one member with dates, one without: the dated one sets the day
    members = TWO_COUNTIES.replace('{code: "3301", from: 2024-01-01}', '"3301"').replace(
        "2024-01-01", "2024-03-01"
    )
    found = _compared(
        tmp_path, extensions, "    - {id: later, kind: region, municipalities: ['0235']}\n", members
    )
    assert [m for _, m, _ in found if "comparator" in m] == [
        "the comparator 'later': the code 0235 is not valid on 2024-03-01, the day the members' codes are from"
    ]
    # a code that only began after that day has no code "valid then"
    members = '    - {id: hurdal, name: Hurdal, codes: [{code: "3037", from: 2020-01-01}]}\n'
    found = _compared(
        tmp_path, extensions, "    - {id: new, kind: region, municipalities: ['3209']}\n", members
    )
    assert [(m, h) for c, m, h in found if c == P.CODE_NOT_VALID and "'new'" in m] == [
        (
            "the comparator 'new': the code 3209 is not valid on 2020-01-01, the day the members' codes are from",
            "use the code valid then (none)",
        )
    ]


# -- code histories the records tell another story of -----------------------------------------------


@pytest.mark.parametrize(
    ("codes", "message", "hint"),
    [
        (  # 1507 Ålesund was split in 2024 into 1508 Ålesund and 1580 Haram: one part is the member
            '[{code: "1507", from: 2020-01-01, until: 2023-12-31}, {code: "1508", from: 2024-02-01}]',
            "Ullensaker has no municipality code from 2024-01-01 to 2024-01-31, between 1507 and the next code",
            "the records give 1508 (Ålesund) or 1580 (Haram) for those days, the codes 1507 was split into: "
            'add the one that is this municipality\'s, {code: "1508", from: 2024-01-01, until: 2024-01-31} '
            'or {code: "1580", from: 2024-01-01, until: 2024-01-31}',
        ),
        (  # a code the records do not know: nothing is claimed of it
            '[{code: "3999", until: 2019-12-31}, {code: "3242", from: 2024-01-01}]',
            "Ullensaker has no municipality code from 2020-01-01 to 2023-12-31, between 3999 and the next code",
            "the records do not know the code 3999: list every code the municipality had, "
            "with 'from' and 'until' dates",
        ),
    ],
    ids=["after a split", "after an unknown code"],
)
def test_a_gaps_hint_says_what_the_records_tell(
    tmp_path: Path, extensions: Any, codes: str, message: str, hint: str
) -> None:
    found = [
        (m, h) for c, m, h in _member_problems(tmp_path, extensions, codes, start=2024) if c == P.CODE_GAP
    ]
    assert found == [(message, hint)]


@pytest.mark.parametrize(
    ("codes", "start", "message", "hint"),
    [
        (  # Hurdal's 0239 and 3037 listed in order, then Ullensaker's 3209: compared with the last to end
            '[{code: "0239", until: 2019-12-31}, {code: "3037", from: 2020-01-01, until: 2023-12-31}, '
            '{code: "3209", from: 2024-01-01}]',
            2020,
            "Ullensaker: the code 3209 (Ullensaker) does not follow 3037 (Hurdal): the records say 3037 "
            "became 3242 (Hurdal) on 2024-01-01",
            "write 3242 (Hurdal) here (the code 3037 became), or check that 3209 is this municipality's",
        ),
        (  # 0239 was valid to the end of 2019; 5025 named as it was called in 2018 (later "Røros - Rosse")
            '[{code: "0239", until: 2017-12-31}, {code: "5025", from: 2018-01-01}]',
            2018,
            "Ullensaker: the code 5025 (Røros) does not follow 0239 (Hurdal): the records say 0239 became "
            "3037 (Hurdal) on 2020-01-01",
            "the records say 0239 was valid until 2019-12-31: extend its 'until' to 2019-12-31 and list the "
            "code it became after it, or check that 5025 is this municipality's",
        ),
    ],
    ids=["after two earlier codes", "after a code listed as ending early"],
)
def test_a_code_that_does_not_follow_is_told_what_the_records_say(
    tmp_path: Path, extensions: Any, codes: str, start: int, message: str, hint: str
) -> None:
    assert _member_problems(tmp_path, extensions, codes, start=start) == [(P.CODE_LINEAGE, message, hint)]


def test_a_mergers_parts_listed_side_by_side_do_not_follow_one_another(
    tmp_path: Path, extensions: Any
) -> None:
    # Lillestrøm: Sørum, Fet and Skedsmo (2019), 3030 (2020-2023), 3205 (from 2024)
    parts = "".join(
        f'{{code: "{c}", from: 2019-01-01, until: 2019-12-31}}, ' for c in ("0226", "0227", "0231")
    )
    codes = (
        f'[{parts}{{code: "3030", from: 2020-01-01, until: 2023-12-31}}, {{code: "3205", from: 2024-01-01}}]'
    )
    assert _member_problems(tmp_path, extensions, codes, start=2019) == []


WEIGHTED = JOBS.replace(
    "direction: increase,", "direction: increase, aggregation: weighted_mean, weight: population,"
)
PER_PERSON = (
    "  - {id: per, title: Per, unit: job / person, direction: increase, derived: 'jobs / population'}\n"
)


@pytest.mark.parametrize(
    ("metrics", "targets"),
    [
        (WEIGHTED + POP, T.format(extra="")),  # population: only the weight of jobs
        (
            JOBS + POP + PER_PERSON,
            "  - {id: tp, element: goal, metric: per, kind: level, value: 1, deadline: '2030'}\n",
        ),
    ],
    ids=["as a weight", "in an expression"],
)
def test_a_metric_used_as_a_weight_or_in_an_expression_is_used(
    tmp_path: Path, extensions: Any, metrics: str, targets: str
) -> None:
    v = validate(tmp_path, plan_text(metrics=metrics, targets=targets), extensions)
    assert [p.message for p in v.problems if p.code == P.UNUSED_METRIC] == []
    assert not [p for p in v.problems if p.is_error], [p.message for p in v.problems]


@pytest.mark.parametrize(
    ("metrics", "extra", "errors"),
    [
        (JOBS + POP, ", baseline_window: 0", []),  # judged from the baseline only: allowed
        (JOBS.replace("unit: job", "unit: jbo") + POP, ", unit: person", [(P.UNKNOWN_UNIT, "jobs")]),
        (JOBS + POP, ", baseline: '20x4'", [(P.BAD_PERIOD, "baseline")]),
    ],
    ids=[
        "a baseline window of 0",
        "a target's unit beside a metric's unknown unit",
        "an unreadable baseline",
    ],
)
def test_a_problem_is_reported_alone_not_with_its_consequences(
    tmp_path: Path, extensions: Any, metrics: str, extra: str, errors: list[tuple[str, str]]
) -> None:
    v = validate(tmp_path, plan_text(metrics=metrics, targets=target(extra)), extensions)
    found = [(p.code, p.message) for p in v.problems if p.is_error]
    assert [code for code, _ in found] == [code for code, _ in errors]
    assert all(word in message for (_, message), (_, word) in zip(found, errors, strict=True))


def test_a_code_listed_within_another_ones_dates_leaves_no_gap(tmp_path: Path, extensions: Any) -> None:
    codes = (
        '[{code: "3209", from: 2024-01-01, until: 2026-12-31}, {code: "3209", from: 2024-06-01, until: 2024-06-30}, '
        '{code: "3209", from: 2027-01-01}]'
    )
    assert _member_problems(tmp_path, extensions, codes, start=2024) == []


def test_only_an_action_programme_item_passes_its_actors_down(tmp_path: Path, extensions: Any) -> None:
    elements = (
        GOALS.replace("contributes_to: [vision]", "contributes_to: [vision], responsible: [council]")
        + "  - {id: sub, kind: sub_goal, title: S, contributes_to: [goal]}\n"
        + "  - {id: p1, kind: project, title: P1, contributes_to: [sub]}\n"  # two levels under the goal
        + "  - {id: p2, kind: project, title: P2, contributes_to: [goal]}\n"  # under a goal with actors
    )
    v = validate(tmp_path, plan_text(elements=elements, targets=target()), extensions)
    assert sorted(p.message for p in v.problems if p.code == P.NO_RESPONSIBLE) == [
        "no actor is responsible for 'p1'",
        "no actor is responsible for 'p2'",
    ]
