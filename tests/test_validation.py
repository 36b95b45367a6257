"""Plan checks: every code the validation package can report is triggered here, errors apart from warnings."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from regionplan.errors import Severity
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
        "before or at its baseline",
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
