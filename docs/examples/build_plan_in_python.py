"""Build a small plan in Python, check it, and evaluate it, as the how-to guide shows.

Run it from the repository's root folder::

    python docs/examples/build_plan_in_python.py

The plan is for Ullensaker alone, with one metric read from the figures that come with
regionplan (SSB table 07459, population on 1 January; no network). The documentation's tests
run it.
"""

from __future__ import annotations

import attrs

import regionplan
from regionplan import (
    Direction,
    Element,
    ElementKind,
    Label,
    Metric,
    Municipality,
    MunicipalityCode,
    Plan,
    PlanMeta,
    Region,
    SourceSpec,
    Target,
)


def build_plan() -> Plan:
    # Ullensaker has had three codes; a plan lists every one with the days it was valid.
    ullensaker = Municipality(
        "ullensaker",
        "Ullensaker",  # a plain text is Norwegian bokmål (nb)
        [
            MunicipalityCode("0235", valid_until="2019-12-31"),
            MunicipalityCode("3033", "2020-01-01", "2023-12-31"),
            MunicipalityCode("3209", "2024-01-01"),
        ],
    )
    return Plan(
        PlanMeta(
            "ullensaker-plan", Label({"nb": "Plan for Ullensaker", "en": "Plan for Ullensaker"}), 2021, 2030
        ),
        Region("region", "Ullensaker", [ullensaker]),
        elements=[
            Element("vision", "vision", "Et godt sted å bo"),
            Element("growth", "main_goal", "Befolkningen vokser", contributes_to=["vision"]),
        ],
        metrics=[
            Metric(
                "population",
                Label({"nb": "Folkemengde 1. januar", "en": "Population on 1 January"}),
                unit="person",
                direction=Direction.INCREASE,
                period="1 January",  # SSB counts the population on 1 January of each year
                sources=[SourceSpec("bundled", {"dataset": "population"})],
                publication_lag_months=3,
            ),
        ],
        targets=[
            Target(
                "t-growth",
                "growth",
                "population",
                "change",
                change=5,
                relative=True,
                baseline=2020,
                deadline=2030,
            ),
        ],
    )


def main() -> int:
    plan = build_plan()

    # A mistake is found before any data are read, at its place in the plan.
    wrong = attrs.evolve(plan, targets=[*plan.targets, Target("t-level", "growth", "population", "level")])
    for problem in regionplan.check(wrong):
        print(problem.format())

    # The plan as built has no error; evaluate() checks it too, and would refuse it otherwise.
    assert not [p for p in regionplan.check(plan) if p.is_error]
    result = regionplan.evaluate(plan, as_of="2024-06-01")
    for target in result.targets:
        print(f"{target.target.id}: {target.status.value}")
        print("   ", regionplan.explain_target(target, "en"))
    print("Main goal:", result.status_of("growth").value, "-", ElementKind.MAIN_GOAL.label.get("en"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
