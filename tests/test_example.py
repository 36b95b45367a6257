"""The reference example, end to end: it loads, validates, evaluates on its real data and renders.

Everything here runs on the files in ``examples/gardermoregionen`` (real SSB figures copied with
their provenance) with the SSB source offline, so the metrics that need a live fetch say
"insufficient data" with the reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import pytest

import regionplan
from regionplan.data.sources import SourceContext
from regionplan.evaluation.evaluator import Evaluation
from regionplan.evaluation.status import Status
from regionplan.plan import problems as P
from regionplan.plan.files import validate_plan
from regionplan.plan.model import ElementKind
from regionplan.report.renderers import render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gardermoregionen"
GOLDEN = Path(__file__).parent / "golden"
AS_OF = dt.date(2026, 11, 26)
SIX_2024 = ("3209", "3238", "3240", "3242", "3228", "3230")


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    plan = regionplan.load_plan(EXAMPLE)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path_factory.mktemp("cache"), offline=True)
    return regionplan.evaluate(plan, as_of=AS_OF, context=context)


def test_the_example_validates_with_no_errors_and_only_plan_quality_warnings() -> None:
    result = validate_plan(EXAMPLE)
    assert result.errors == ()
    assert result.warnings, "the draft has open gaps, and validation should name them"
    assert {w.code for w in result.warnings} <= {
        P.UNMEASURED_GOAL,
        P.NO_RESPONSIBLE,
        P.NO_DEADLINE,
        P.UNUSED_METRIC,
        P.EMPTY_ACTION,
    }
    # Action programme IV (business projects) is empty in the draft.
    assert any(w.code == P.EMPTY_ACTION and "'ap4'" in w.message for w in result.warnings)


def _raw_jobs(year: int) -> int:
    """Jobs by workplace of the six municipalities, summed here from the raw rows of the copied file."""
    with (EXAMPLE / "data" / "employment_11618_2017_2022.csv").open(encoding="utf-8") as f:
        return sum(int(r["employed_by_workplace_jobs"]) for r in csv.DictReader(f) if int(r["year"]) == year)


def test_jobs_of_the_region_are_summed_from_the_municipalities(evaluation: Evaluation) -> None:
    jobs = evaluation.data["jobs"].regions
    by_period = {p.label: float(jobs.values[0, j]) for j, p in enumerate(jobs.periods)}
    assert by_period["2019Q4"] == 46_461 == _raw_jobs(2019)
    assert by_period["2020Q4"] == 42_928 == _raw_jobs(2020)
    assert by_period["2022Q4"] == 47_815 == _raw_jobs(2022)
    # every member had data in every year (coverage 6 of 6)
    assert evaluation.data["jobs"].present.min() == 6


def test_the_jobs_lost_in_the_pandemic_were_replaced_by_2022(evaluation: Evaluation) -> None:
    result = evaluation.target("t-jobs-recover-pandemic-losses")
    assert result.status is Status.ACHIEVED
    assert result.facts["fall"] == _raw_jobs(2020) - _raw_jobs(2019) == -3_533
    assert result.latest is not None and result.latest.value - result.facts["pre_shock"] == 1_354
    text = result.explain("en")
    assert "fell by 3,533 from 2019Q4 to 2020Q4" in text
    assert "1,354 above the 2019Q4 level in 2022Q4" in text
    assert evaluation.status_of("sub-goal-replace-lost-jobs") is Status.ACHIEVED


def test_job_growth_is_compared_with_population_growth_on_aligned_dates(evaluation: Evaluation) -> None:
    result = evaluation.target("t-main-jobs-keep-pace-with-population")
    assert result.baseline is not None and result.latest is not None
    # jobs in Q4 meet the population on the next 1 January
    with (EXAMPLE / "data" / "population_1jan_2005_2026.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    pop = {y: sum(int(r["population"]) for r in rows if int(r["year"]) == y) for y in (2020, 2023)}
    expected = 100 * (_raw_jobs(2022) / _raw_jobs(2019) - 1) - 100 * (pop[2023] / pop[2020] - 1)
    assert result.baseline.period == "2019Q4"  # the last year before the pandemic (SOURCE.md)
    assert result.latest.period == "2022Q4"
    assert result.latest.value == pytest.approx(expected)
    assert expected < 0 and result.status is Status.OFF_TRACK  # jobs grew slower than the population


def test_metrics_without_local_data_say_why(evaluation: Evaluation) -> None:
    for target_id in ("t-main-knowledge-share-every-year", "t-new-enterprises-rise"):
        result = evaluation.target(target_id)
        assert result.status is Status.INSUFFICIENT_DATA
        assert result.reason == "no_data"
        assert any("offline" in m for m in result.missing), result.missing
    offering = evaluation.target("t-higher-education-offering-by-2030")
    assert offering.status is Status.INSUFFICIENT_DATA and offering.goal == 1
    assert any("records no values" in m for m in offering.missing)  # the plan's own register is empty
    # The education level is SSB's live table 09429 (ages 16+); the copy in data/ counts ages
    # 30-66, another definition, so it is no fallback: offline, the target says why it has no data.
    education = evaluation.target("t-higher-education-share-rises")
    assert education.status is Status.INSUFFICIENT_DATA and education.reason == "no_data"
    assert [r.kind.value for f in education.missing_reasons for r in f.root_causes()] == ["offline"] * 2
    assert "SSBs API for tabell 09429 svarte ikke (frakoblet)" in education.explain("nb")
    copy = evaluation.data["higher_education_share_30_66"].regions  # kept as a metric of its own
    assert [p.label for p in copy.periods][-1] == "2020-10-01"
    assert not evaluation.data["residents_30_66"].reasons


def test_every_status_has_a_reason_and_a_sentence(evaluation: Evaluation) -> None:
    for result in evaluation.targets:
        assert result.reason
        for lang in ("nb", "en"):
            assert len(result.explain(lang)) > 20


def test_every_format_renders_the_example(evaluation: Evaluation) -> None:
    main_goal = evaluation.plan.element("main-goal").title
    for fmt in ("html", "md", "json", "dot", "terminal"):
        for lang in ("nb", "en"):
            out = render(evaluation, fmt, lang=lang)
            text = out if isinstance(out, str) else out.decode("utf-8")
            assert text.strip(), fmt
            if fmt == "json":
                doc = json.loads(text)
                assert doc["headline"][0]["title"] == main_goal.get(lang)
            elif fmt != "dot":
                assert main_goal.get(lang)[:40] in text.replace("\u00ad", ""), (fmt, lang)
    html = render(evaluation, "html", lang="en")
    assert isinstance(html, str)
    assert "Kilde: Statistisk sentralbyrå" in html


def test_the_golden_markdown_report(evaluation: Evaluation) -> None:
    """The Markdown report of the example, compared with the committed one.

    Regenerate with ``REGIONPLAN_UPDATE_GOLDEN=1 python -m pytest tests/test_example.py``.
    """
    for lang in ("nb", "en"):
        out = render(evaluation, "md", lang=lang)
        assert isinstance(out, str)
        path = GOLDEN / f"gardermoregionen.{lang}.md"
        if os.environ.get("REGIONPLAN_UPDATE_GOLDEN"):
            path.parent.mkdir(exist_ok=True)
            path.write_text(out, encoding="utf-8")
        assert out == path.read_text(encoding="utf-8"), f"{path.name} differs; see the docstring"


def test_the_example_readme_is_generated_from_the_evaluation() -> None:
    spec = importlib.util.spec_from_file_location("example_readme", ROOT / "scripts" / "example_readme.py")
    assert spec is not None and spec.loader is not None
    module: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    assert module.render(current) == current, "run python scripts/example_readme.py"


# Every part of the source plan (../shared/seed, read in the example's SOURCE.md), with the
# element that models it and words its Norwegian title must contain.
SOURCE_PLAN: list[tuple[str, str, ElementKind, str]] = [
    ("vision / slogan", "vision", ElementKind.VISION, "Stedet der mennesker lander"),
    ("main goal", "main-goal", ElementKind.MAIN_GOAL, "helhetlig arbeidsregion"),
    ("the SDGs underlie the work", "sdg-basis", ElementKind.STRATEGY, "bærekraftsmål"),
    ("sub-goal 1", "sub-goal-replace-lost-jobs", ElementKind.SUB_GOAL, "pandemien"),
    (
        "sub-goal 2",
        "sub-goal-public-knowledge-institutions",
        ElementKind.SUB_GOAL,
        "kunnskapsbaserte institusjoner",
    ),
    ("sub-goal 3", "sub-goal-higher-education-offering", ElementKind.SUB_GOAL, "høyskoletilbud"),
    ("sub-goal 4", "sub-goal-education-level", ElementKind.SUB_GOAL, "utdanningsnivå"),
    ("sub-goal 5", "sub-goal-reputation", ElementKind.SUB_GOAL, "omdømme"),
    ("sub-goal 6", "sub-goal-new-enterprises", ElementKind.SUB_GOAL, "nyetableringer"),
    ("sub-goal 7", "sub-goal-transport-infrastructure", ElementKind.SUB_GOAL, "kollektivløsninger"),
    ("strategy", "strategy", ElementKind.STRATEGY, "samlet"),
    ("focus area 1", "focus-united-visible", ElementKind.FOCUS_AREA, "samlet og synlig"),
    ("focus area 2", "focus-attractive", ElementKind.FOCUS_AREA, "attraktiv region"),
    ("focus area 3", "focus-advantages", ElementKind.FOCUS_AREA, "fortrinn"),
    ("advantage: location", "focus-advantages-location", ElementKind.FOCUS_AREA, "Beliggenhet"),
    ("advantage: nature, culture", "focus-advantages-nature-culture", ElementKind.FOCUS_AREA, "kultur"),
    ("advantage: diversity", "focus-advantages-diversity", ElementKind.FOCUS_AREA, "mangfold"),
    ("action programme I", "ap1", ElementKind.ACTION, "Handlingsprogram I"),
    ("action programme II (GRIP)", "ap2", ElementKind.ACTION, "GRIP"),
    ("II: project owner", "ap2-business-development-owner", ElementKind.PROJECT, "Prosjekteier"),
    ("II: education", "ap2-education", ElementKind.PROJECT, "høyskole/fagskole"),
    ("II: R&D", "ap2-research", ElementKind.PROJECT, "Universitetskommunen"),
    ("II: infrastructure", "ap2-infrastructure", ElementKind.PROJECT, "E16"),
    ("II: transport", "ap2-public-transport", ElementKind.PROJECT, "kollektivtransport"),
    ("II: Region Romerike", "ap2-region-romerike", ElementKind.PROJECT, "Region Romerike"),
    ("II: identity", "ap2-identity-reputation", ElementKind.PROJECT, "omdømme"),
    ("II: place development tools", "ap2-place-development-tools", ElementKind.PROJECT, "stedsutvikling"),
    ("action programme III (municipality)", "ap3", ElementKind.ACTION, "kommune"),
    (
        "III: project business-friendly",
        "ap3-project-business-friendly",
        ElementKind.PROJECT,
        "næringsvennlige",
    ),
    ("III: project procurement", "ap3-project-innovative-procurement", ElementKind.PROJECT, "anskaffelser"),
    ("III: local place development", "ap3-local-place-development", ElementKind.PROJECT, "stedsutvikling"),
    ("action programme IV (business)", "ap4", ElementKind.ACTION, "næringslivsprosjekter"),
    ("strategic work, year 1", "strategic-work-year-1", ElementKind.ACTION, "år 1"),
    ("year 1: state jobs", "y1-state-jobs", ElementKind.PROJECT, "Statlige arbeidsplasser"),
    ("year 1: education", "y1-education-institutions", ElementKind.PROJECT, "Utdanningsinstitusjoner"),
    ("year 1: R&D", "y1-research-advantages", ElementKind.PROJECT, "forskning"),
    ("year 1: networks", "y1-networks-clusters", ElementKind.PROJECT, "klynge"),
    ("year 1: infrastructure", "y1-infrastructure", ElementKind.PROJECT, "Infrastruktur"),
    ("year 1: public transport", "y1-public-transport", ElementKind.PROJECT, "Kollektivtransport"),
    ("year 1: prepare business projects", "y1-prepare-business-projects", ElementKind.PROJECT, "grunnen"),
    ("year 1: help Gjerdrum", "y1-help-gjerdrum", ElementKind.PROJECT, "Gjerdrum"),
    ("tool Bo – jobbe – leve", "tool-live-work-thrive", ElementKind.TOOL, "Bo – jobbe – leve"),
    ("framework: resource use", "fc-resource-use", ElementKind.FRAMEWORK_CONDITION, "Ressursbruk"),
    (
        "framework: project organisation",
        "fc-project-organisation",
        ElementKind.FRAMEWORK_CONDITION,
        "Prosjekt",
    ),
    ("framework: roles", "fc-role-clarification", ElementKind.FRAMEWORK_CONDITION, "Rolleavklaring"),
    ("framework: profiling", "fc-profiling-communication", ElementKind.FRAMEWORK_CONDITION, "Profilering"),
    ("framework: reputation analysis", "fc-identity-reputation", ElementKind.FRAMEWORK_CONDITION, "omdømme"),
    ("open question: anchoring", "q-anchoring", ElementKind.OPEN_QUESTION, "Forankring"),
    ("open question: adjusted goals", "q-adjusted-goals", ElementKind.OPEN_QUESTION, "Justert målsetting"),
    ("open question: geography", "q-geography", ElementKind.OPEN_QUESTION, "Geografi"),
    ("open question: county funds", "q-restructuring-project", ElementKind.OPEN_QUESTION, "Viken"),
    (
        "open question: resources and roles",
        "q-foundation-resources-roles",
        ElementKind.OPEN_QUESTION,
        "ressurser",
    ),
    ("RU: effect of covid-19", "ru-covid", ElementKind.OPEN_QUESTION, "covid-19"),
    ("RU: cooperation with NAV", "ru-cooperation-nav", ElementKind.OPEN_QUESTION, "NAV"),
    ("RU: help Gjerdrum", "ru-help-gjerdrum", ElementKind.OPEN_QUESTION, "Gjerdrum"),
    ("advisers: catchier vision", "advisers-vision", ElementKind.OPEN_QUESTION, "visjon"),
    ("advisers: build the foundation", "advisers-build-foundation", ElementKind.OPEN_QUESTION, "grunnmuren"),
    (
        "advisers: information platform",
        "advisers-information-platform",
        ElementKind.OPEN_QUESTION,
        "Informasjonsplattform",
    ),
]


@pytest.mark.parametrize(
    ("part", "element_id", "kind", "words"), SOURCE_PLAN, ids=[p[0] for p in SOURCE_PLAN]
)
def test_every_part_of_the_source_plan_is_modelled(
    part: str, element_id: str, kind: ElementKind, words: str
) -> None:
    plan = regionplan.load_plan(EXAMPLE)
    element = plan.element(element_id)
    assert element.kind is kind, part
    assert words.lower() in element.title.get("nb").lower(), (part, element.title.get("nb"))
    assert element.title.get("en", fallback=False), f"{part}: an English label belongs alongside"


def test_the_plan_names_its_actors_and_their_programmes() -> None:
    plan = regionplan.load_plan(EXAMPLE)
    graph = regionplan.GoalGraph.from_plan(plan)
    assert "ap2" in graph.elements_by_actor("grip")
    assert "ap4" in graph.elements_by_actor("business")
    assert all(
        "ap3" in graph.elements_by_actor(f"{m}-kommune")
        for m in ("ullensaker", "nannestad", "eidsvoll", "hurdal", "nes", "gjerdrum")
    )
    assert plan.region.current_codes == SIX_2024 or set(plan.region.current_codes) == set(SIX_2024)
    assert graph.sdgs(), "the plan is aligned with UN SDG targets"
