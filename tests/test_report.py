"""The report model: built once from an evaluation, in nb or en, and its JSON schema."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import attrs
import pytest

import regionplan.report.model as rpt
from regionplan.data.dataset import build_dataset
from regionplan.data.series import Observations, Provenance, Series
from regionplan.errors import EvaluationError, Location, Problem, Severity
from regionplan.evaluation.evaluator import Evaluation, evaluate
from regionplan.plan.files import load_plan
from regionplan.plugins import Extensions, make_plugin_manager
from regionplan.report.build import build_report
from regionplan.report.model import SCHEMA_ID, SCHEMA_VERSION, Report
from regionplan.report.schema import report_schema
from regionplan.report.words import WORDS, word

#: A small plan: two municipalities, every part of the report has something in it.
PLAN = """\
regionplan: 1
plan:
  id: demo
  title: {nb: TITLE_NB, en: Demo plan}
  description: {nb: DESCRIPTION, en: A plan to test reports}
  period: {start: 2021, end: 2030}
  source_document: SOURCE_DOCUMENT
region:
  id: demo_region
  name: REGION
  municipalities:
    - id: ullensaker
      name: Ullensaker
      codes: [{code: "0235", until: 2019-12-31}, {code: "3033", from: 2020-01-01, until: 2023-12-31},
              {code: "3209", from: 2024-01-01}]
    - id: nes
      name: Nes
      codes: [{code: "0236", until: 2019-12-31}, {code: "3034", from: 2020-01-01, until: 2023-12-31},
              {code: "3228", from: 2024-01-01}]
actors:
  - {id: council, name: {nb: ACTOR, en: The regional council}}
  - {id: business, name: Næringslivet}
elements:
  - {id: vision, kind: vision, title: {nb: Et godt sted å bo, en: A good place to live}}
  - id: main
    kind: main_goal
    number: "1"
    title: {nb: ELEMENT, en: More jobs}
    description: {nb: ELEMENT_DESCRIPTION, en: Jobs for everyone}
    notes: [NOTE]
    contributes_to: [vision]
    responsible: [{actor: council, role: owner}]
  - id: sub
    kind: sub_goal
    number: "1.1"
    title: {nb: Vekst i næringslivet, en: Business growth}
    contributes_to: [{id: main, weight: 2}]
    sdg: ["8.5", "9"]
    responsible: [{actor: business, role: contributor}]
  - {id: act, kind: action, title: {nb: Næringsprogram, en: Business programme}, contributes_to: [sub],
     responsible: [council]}
  - {id: q, kind: open_question, title: Hva med pendling?}
metrics:
  - id: jobs
    title: {nb: METRIC, en: Jobs}
    unit: job
    direction: increase
    publication_lag_months: 6
    projection_min_points: 3  # four points from the baseline on: enough for a chart's projection
    source:
      name: inline
      unit: job
      credit: CREDIT
      licence: CC BY 4.0
      values:
        - {area: "3209", period: "2018", value: 1000}
        - {area: "3209", period: "2019", value: 1100}
        - {area: "3209", period: "2020", value: 1150}
        - {area: "3209", period: "2021", value: 1210}
        - {area: "3209", period: "2022", value: 1290}
        - {area: "3228", period: "2018", value: 500}
        - {area: "3228", period: "2019", value: 510}
        - {area: "3228", period: "2020", value: 505}
        - {area: "3228", period: "2021", value: 520}
        - {area: "3228", period: "2022", value: 530}
  - id: visitors
    title: {nb: Besøkende, en: Visitors}
    unit: person
    direction: increase
    source: {name: inline, unit: person, values: [{area: "3209", period: "2022", value: 10}]}
targets:
  - {id: t_jobs, element: main, metric: jobs, kind: level, value: 2500, baseline: "2019", deadline: "2030",
     title: {nb: TARGET, en: Jobs in 2030}}
  - {id: t_jobs2, element: sub, metric: jobs, kind: level, value: 1750, baseline: "2019", deadline: "2025"}
  - {id: t_visitors, element: sub, metric: visitors, kind: level, value: 100, deadline: "2030"}
"""

PLAIN = {
    "TITLE_NB": "Demoplan",
    "DESCRIPTION": "En plan for å prøve rapporter",
    "SOURCE_DOCUMENT": "https://example.org/plan.pdf",
    "REGION": "Demoregionen",
    "ACTOR": "Regionrådet",
    "ELEMENT": "Flere arbeidsplasser",
    "ELEMENT_DESCRIPTION": "Arbeid til alle",
    "NOTE": "Vedtatt 2021",
    "METRIC": "Arbeidsplasser",
    "CREDIT": "Kilde: Statistisk sentralbyrå, tabell 11618",
    "TARGET": "Arbeidsplasser i 2030",
}

#: Text that breaks HTML, Markdown tables, Mermaid, DOT and terminals if written unescaped.
HOSTILE = (
    "<script>alert(1)</script> \"dq\" 'sq' a|b [x](javascript:alert(1)) "
    '"]) --> evil["x"] ; } digraph evil { a -> b } `code` ${1} \\ \x1b[31mred\x1b[0m & <img src=x onerror=alert(1)>'
)


def plan_text(**overrides: str) -> str:
    text = PLAN
    for key, value in {**PLAIN, **overrides}.items():
        # JSON strings are YAML double-quoted strings
        text = (
            text.replace(key, json.dumps(value), 1)
            if key != "TITLE_NB"
            else text.replace(key, json.dumps(value))
        )
    return text


def hostile_overrides() -> dict[str, str]:
    out = {k: HOSTILE for k in PLAIN}
    out["SOURCE_DOCUMENT"] = "javascript:alert(1)"
    return out


@pytest.fixture(scope="session")
def builtin_extensions() -> Extensions:
    return Extensions.collect(make_plugin_manager(load_entrypoints=False))


def demo_evaluation(
    folder: Path, *, hostile: bool = False, as_of: str = "2024-01-01", extensions: Any = None
) -> Evaluation:
    """Evaluate the demo plan (written into ``folder``) as of ``as_of``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "plan.yaml"
    path.write_text(plan_text(**(hostile_overrides() if hostile else {})), encoding="utf-8")
    ext = extensions or Extensions.collect(make_plugin_manager(load_entrypoints=False))
    plan = load_plan(path, extensions=ext)
    return evaluate(plan, as_of=as_of, extensions=ext)


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    return demo_evaluation(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def report_nb(evaluation: Evaluation) -> Report:
    return build_report(evaluation, lang="nb")


@pytest.fixture(scope="module")
def report_en(evaluation: Evaluation) -> Report:
    return build_report(evaluation, lang="en")


# -- the model ------------------------------------------------------------------------------


def test_headline_and_summary(report_nb: Report, evaluation: Evaluation) -> None:
    r = report_nb
    assert r.title == "Demoplan"
    assert r.subtitle == "Status per 2024-01-01"
    assert r.as_of == dt.date(2024, 1, 1)
    assert r.area == "demo_region" and r.area_name == "Demoregionen"
    assert [m.code for m in r.region.members] == ["3209", "3228"]
    # main goals first, then the vision, with the evaluation's statuses
    assert [h.id for h in r.headline] == ["main", "vision"]
    main = r.headline[0]
    assert main.status is not None
    assert main.status.value == evaluation.goal("main").status.value
    assert main.status.label == evaluation.goal("main").status.label.get("nb")
    # every status is counted, in order, and the counts add up
    assert [c.status.value for c in r.summary] == ["achieved", "on_track", "off_track", "insufficient_data"]
    assert sum(c.count for c in r.summary) == r.n_targets == 3
    counts = {c.status.value: c.count for c in r.summary}
    assert counts == {s.value: n for s, n in evaluation.counts().items()}


def test_sections_follow_kind_order_and_plan_order(report_nb: Report) -> None:
    assert [s.kind for s in report_nb.sections] == [
        "vision",
        "main_goal",
        "sub_goal",
        "action",
        "open_question",
    ]
    assert [s.heading for s in report_nb.sections][:3] == ["Visjon", "Hovedmål", "Delmål"]
    main = report_nb.element("main")
    assert main.number == "1"
    assert main.kind_label == "Hovedmål"
    assert main.description == "Arbeid til alle"
    assert main.notes == ("Vedtatt 2021",)
    assert [(a.id, a.name, a.role, a.role_label) for a in main.responsible] == [
        ("council", "Regionrådet", "owner", "eier")
    ]
    assert [t.id for t in main.targets] == ["t_jobs"]
    sub = report_nb.element("sub")
    assert [s.code for s in sub.sdgs] == ["8.5", "9"]
    assert all(s.title for s in sub.sdgs)
    # nothing measures an action or an open question: no status rather than "insufficient data"
    assert report_nb.element("act").status is None
    assert report_nb.element("q").status is None


def test_target_rows_carry_numbers_and_reasons(
    report_nb: Report, report_en: Report, evaluation: Evaluation
) -> None:
    row = next(t for t in report_nb.targets if t.id == "t_jobs")
    result = evaluation.target("t_jobs")
    assert row.title == "Arbeidsplasser i 2030"
    assert row.metric_title == "Arbeidsplasser"
    assert row.explanation == result.explain("nb")
    assert row.status.value == result.status.value
    assert row.baseline is not None and row.baseline.value == 1610.0 and row.baseline.period == "2019"
    assert row.latest is not None and row.latest.value == 1820.0 and row.latest.text == "1\u00a0820"
    assert row.goal == 2500.0 and row.goal_text == "2\u00a0500"
    assert row.deadline == "2030"
    assert row.coverage == (2, 2) and row.coverage_text == "2 av 2"
    assert row.progress_text.endswith(" %")
    en = next(t for t in report_en.targets if t.id == "t_jobs")
    assert en.latest is not None and en.latest.text == "1,820"
    assert en.coverage_text == "2 of 2"
    assert en.title == "Jobs in 2030"
    visitors = next(t for t in report_nb.targets if t.id == "t_visitors")
    assert visitors.status.value == "insufficient_data"
    assert visitors.explanation


def test_goals_show_what_their_status_rests_on(
    report_nb: Report, report_en: Report, evaluation: Evaluation
) -> None:
    goal = evaluation.goal("main")
    main = report_nb.headline[0]
    assert main.basis is not None
    assert main.basis.coverage == goal.coverage == 1.0
    assert {m.status.value: m.count for m in main.basis.mix} == {s.value: n for s, n in goal.mix.items()}
    assert sum(m.share for m in main.basis.mix) == pytest.approx(goal.coverage)
    assert main.basis.caveats == goal.caveats == ("mixed",)  # one achieved, one off track
    assert main.basis.short == "100 % målt · 1 nådd, 1 ikke i rute"
    assert main.basis.caveat_texts == ("de målte delene spriker",)
    assert main.basis.text == goal.explain("nb")
    assert report_en.headline[0].basis is not None
    assert report_en.headline[0].basis.short == "100 % measured · 1 achieved, 1 off track"
    # the same basis on the element's row and its node in the diagram; none where nothing measures
    assert report_nb.element("main").basis == main.basis == report_nb.diagram.node("main").basis
    assert report_nb.element("act").basis is None and report_nb.diagram.node("act").basis is None
    sub = report_nb.element("sub").basis
    assert sub is not None and sub.coverage_text == "33 % målt" and "partly_measured" in sub.caveats


def test_target_rows_say_how_old_their_data_is_and_where_it_came_from(report_nb: Report) -> None:
    row = next(t for t in report_nb.targets if t.id == "t_jobs")
    # annual figures, published six months after the year: 2022 is 12 months old on 1 January
    # 2024, and 2023's figures are due on 1 July 2024
    assert row.age is not None
    assert (row.age.period, row.age.age_months, row.age.age_text) == ("2022", 12, "12 mnd.")
    assert row.age.next_expected == dt.date(2024, 7, 1) and row.age.next_expected_text == "1. juli 2024"
    assert not row.age.stale and row.age.stale_text == ""
    assert row.origin is not None and row.origin.text == "planens eget register"
    assert not row.origin.fell_back
    assert report_nb.rests_on == "Status per 2024-01-01 · nyeste tall: arbeidsplasser 2022 (12 mnd.)"
    assert report_nb.stale_note == ""
    assert [(f.metric, f.targets) for f in report_nb.latest_figures] == [("jobs", ("t_jobs", "t_jobs2"))]
    # the inline values of visitors lack one municipality: said in Norwegian, with its kind
    visitors = next(t for t in report_nb.targets if t.id == "t_visitors")
    assert visitors.origin is not None
    assert [f.kind for f in visitors.origin.failed] == ["missing_areas"]
    assert "mangler tall for (noen av) regionens kommuner" in visitors.origin.text
    assert visitors.age is None


def test_a_stale_latest_period_is_marked(tmp_path: Path) -> None:
    """A year later, the 2023 figures are overdue: the row and the summary say so."""
    late = build_report(demo_evaluation(tmp_path / "late", as_of="2025-01-01"), lang="en")
    row = next(t for t in late.targets if t.id == "t_jobs")
    assert row.age is not None and row.age.stale and row.age.age_months == 24
    assert row.age.stale_text == "newer figures missing (due by 1 July 2024)"
    assert (
        late.rests_on
        == "Status as of 2025-01-01 · newest figures: jobs 2022 (24 months, newer figures missing)"
    )
    assert late.stale_note == "Newer figures should have been published for jobs (1 July 2024)."


def test_projections_come_with_their_basis(report_nb: Report, evaluation: Evaluation) -> None:
    from regionplan.evaluation.status import Status
    from regionplan.report.rows import target_row

    row = next(t for t in report_nb.targets if t.id == "t_jobs")
    p = row.projection
    assert p is not None and p.n_points == row.projection_points == 4 >= row.projection_min_points == 3
    # four years of data (2019–2022) and eight years ahead to 2030: indicative
    assert (p.span_years, p.horizon_years, p.indicative) == (3.0, 8.0, True)
    assert p.deadline_text == "2030" and row.projection_note == ""
    # too few observations: no projection, and the reason instead
    result = evaluation.target("t_jobs")
    short = attrs.evolve(result, projection=None, projection_points=2, projection_min_points=5)
    assert result.status is Status.OFF_TRACK
    few = target_row(short, "nb")
    assert few.projection is None and few.projection_note == "ingen framskriving: 2 av 5 observasjoner"
    assert target_row(short, "en").projection_note == "no projection: 2 of 5 observations"
    # an achieved target needs no projection, and gets no note
    done = attrs.evolve(short, status=Status.ACHIEVED)
    assert target_row(done, "nb").projection_note == ""


@pytest.mark.parametrize(
    ("progress", "flag", "nb", "en"),
    [
        (0.236, None, ("24 %", ""), ("24 %", "")),
        (0.0, "away", ("0 %", "beveget seg bort fra målet"), ("0 %", "moved away from the target")),
        (1.0, "beyond", ("100 %", "forbi målet"), ("100 %", "beyond the target")),
        (None, None, ("–", ""), ("–", "")),
    ],
)
def test_progress_is_shown_within_its_definition(
    evaluation: Evaluation, progress: float | None, flag: str | None, nb: tuple[str, str], en: tuple[str, str]
) -> None:
    from regionplan.report.rows import progress_texts

    result = attrs.evolve(evaluation.target("t_jobs"), progress=progress, progress_flag=flag)
    assert progress_texts(result, "nb") == nb
    assert progress_texts(result, "en") == en


def test_the_verdict_from_earlier_base_periods(report_nb: Report, evaluation: Evaluation) -> None:
    row = next(t for t in report_nb.targets if t.id == "t_jobs")
    s = row.sensitivity
    assert s is not None and s.holds and s.verdict_text == "Vurderingen holder"
    # in time order, the stated baseline marked, each value with its sign and unit
    assert [(r.period, r.stated) for r in s.rows] == [("2018", False), ("2019", True)]
    assert [r.value_text for r in s.rows] == ["+320 arbeidsplasser", "+210 arbeidsplasser"]
    assert s.rows[1].note == "valgt utgangspunkt" and s.extreme is None and s.extreme_text == ""
    assert s.text.startswith("Vurderingen er den samme") and s.text in evaluation.target("t_jobs").explain(
        "nb"
    )
    assert (
        s.short
        == "Vurderingen holder: 2018 +320 arbeidsplasser · 2019 +210 arbeidsplasser (valgt utgangspunkt)"
    )
    assert report_nb.diagram.node("t_jobs").note == s.short
    assert (
        report_nb.diagram.node("t_jobs").latest == "Siste verdi: 1\u00a0820 arbeidsplasser (2022 · 12 mnd.)"
    )


def test_quarters_are_written_as_the_readers_statistics_office_writes_them() -> None:
    from regionplan.report.basis import period_text

    assert period_text("2022Q4", "nb") == "2022K4"
    assert period_text("2022Q4", "en") == "2022Q4"
    assert period_text("2022", "nb") == "2022"
    # a yearly count on one day (education on 1 October) by its year
    assert period_text("2022-10-01", "nb") == "2022" and period_text("2022-10-01", "en") == "2022"


def test_chart_data(report_nb: Report) -> None:
    chart = next(c for c in report_nb.charts if c.target == "t_jobs")
    assert [p.period for p in chart.history] == ["2018", "2019", "2020", "2021", "2022"]
    assert [p.value for p in chart.history] == [1500.0, 1610.0, 1655.0, 1730.0, 1820.0]
    assert chart.baseline is not None and chart.baseline.period == "2019"
    assert chart.goal == 2500.0 and chart.goal_time is not None
    assert chart.trajectory[0].value == pytest.approx(1610.0)
    assert chart.trajectory[-1].value == pytest.approx(2500.0)
    assert chart.latest is not None and chart.latest.period == "2022"
    p = chart.projection
    assert p is not None and p.time is not None
    assert p.low is not None and p.high is not None and p.low <= p.value <= p.high
    assert " til " in p.interval_text
    assert "2018–2022" in chart.description


def test_diagram_nodes_edges_and_tree(report_nb: Report) -> None:
    d = report_nb.diagram
    ids = [n.id for n in d.nodes]
    assert ids == ["vision", "main", "sub", "act", "q", "t_jobs", "t_jobs2", "t_visitors"]
    edges = {(e.source, e.target): e.weight for e in d.edges}
    assert edges[("sub", "main")] == 2.0
    assert edges[("t_jobs", "main")] == 1.0
    assert d.node("t_jobs").is_target
    assert [t.id for t in d.tree] == ["vision", "q"]
    main = d.tree[0].children[0]
    assert main.id == "main"
    assert [c.id for c in main.children] == ["sub", "t_jobs"]


def test_actor_and_sdg_views(report_nb: Report, report_en: Report) -> None:
    council = next(a for a in report_nb.actors if a.id == "council")
    assert council.name == "Regionrådet"
    assert [(e.id, e.role) for e in council.elements] == [("main", "owner"), ("act", "owner")]
    assert next(a for a in report_en.actors if a.id == "council").name == "The regional council"
    codes = [s.code for s in report_nb.sdgs]
    assert codes == ["8.5", "9"]
    s85 = report_nb.sdgs[0]
    assert s85.goal == "8" and s85.level == "target"
    assert [e.id for e in s85.elements] == ["sub"]
    en85 = report_en.sdgs[0]
    assert en85.title.startswith("By 2030, achieve full and productive employment")
    assert s85.title != en85.title  # the Norwegian text in nb


def test_sources_and_credits(report_nb: Report) -> None:
    credits = {s.label for s in report_nb.sources}
    assert "Kilde: Statistisk sentralbyrå, tabell 11618" in credits
    inline = next(s for s in report_nb.sources if s.credit == "Kilde: Statistisk sentralbyrå, tabell 11618")
    assert inline.licence == "CC BY 4.0"
    assert inline.metrics == ("jobs",)


def test_words_exist_in_both_languages() -> None:
    assert set(WORDS["nb"]) == set(WORDS["en"])
    assert word("targets", "nb") == "Måltall"
    assert word("targets", "en") == "Targets"
    assert word("targets", "de") == "Targets"  # unknown languages get English


def test_plan_text_falls_back_to_the_other_language(report_en: Report) -> None:
    # "q" has a Norwegian title only
    assert report_en.element("q").title == "Hva med pendling?"
    assert report_en.element("q").kind_label == "Open question"


def test_unknown_area_is_an_error(evaluation: Evaluation) -> None:
    with pytest.raises(EvaluationError, match="no area 'nowhere'"):
        build_report(evaluation, area="nowhere")


def test_warnings_are_listed(evaluation: Evaluation) -> None:
    problem = Problem("RP999", "something odd", Location("plan.yaml", 3, 1), "fix it", Severity.WARNING)
    r = build_report(evaluation, warnings=[problem])
    assert [(w.code, w.severity, w.location, w.hint) for w in r.warnings] == [
        ("RP999", "warning", "plan.yaml:3:1", "fix it")
    ]


def test_only_http_urls_are_kept(tmp_path: Path) -> None:
    ev = demo_evaluation(tmp_path, hostile=True)
    assert build_report(ev).source_document is None
    obs = Observations(
        areas=["3209"],
        periods=["2022"],
        values=[1.0],
        unit="job",
        provenance=Provenance(source="x", url="javascript:alert(1)"),
    )
    data = build_dataset(ev.plan, {"jobs": Series.from_observations([obs], unit="job")})
    r = build_report(evaluate(ev.plan, data, as_of="2024-01-01"))
    assert all(s.url is None for s in r.sources)


# -- serialisation and schema -----------------------------------------------------------------


def test_to_dict_is_json_ready(report_nb: Report) -> None:
    d = report_nb.to_dict()
    assert d["schema"] == SCHEMA_ID
    assert d["schema_version"] == SCHEMA_VERSION
    assert d["as_of"] == "2024-01-01"
    text = json.dumps(d, allow_nan=False)  # no NaN, no dates, no tuples left
    assert json.loads(text) == d


def test_to_dict_turns_non_finite_numbers_into_null(report_nb: Report) -> None:
    row = report_nb.sections[1].elements[0]
    odd = attrs.evolve(
        report_nb,
        sections=(attrs.evolve(report_nb.sections[1], elements=(attrs.evolve(row, score=math.nan),)),),
    )
    assert odd.to_dict()["sections"][0]["elements"][0]["score"] is None


def test_schema_id_and_fields_match_the_model() -> None:
    schema = report_schema()
    assert schema["$id"] == SCHEMA_ID
    top = set(schema["properties"]) - {"schema", "schema_version"}
    assert top == {f.name for f in attrs.fields(Report)}
    for name, definition in schema["$defs"].items():
        cls = getattr(rpt, name)
        assert set(definition["properties"]) == {f.name for f in attrs.fields(cls)}, name
        assert set(definition["required"]) == set(definition["properties"]), name


def validate(
    instance: Any, schema: dict[str, Any], root: dict[str, Any] | None = None, path: str = "$"
) -> None:
    """A small JSON-schema check: the keywords report-v1 uses (types, properties, items, refs)."""
    root = root or schema
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        validate(instance, root["$defs"][name], root, path)
        return
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                validate(instance, option, root, path)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{path}: matches no option: {errors}")
    if "const" in schema:
        assert instance == schema["const"], f"{path}: {instance!r} != {schema['const']!r}"
    if "enum" in schema:
        assert instance in schema["enum"], f"{path}: {instance!r} not in {schema['enum']}"
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        checks = {
            "string": lambda v: isinstance(v, str),
            "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "boolean": lambda v: isinstance(v, bool),
            "null": lambda v: v is None,
            "array": lambda v: isinstance(v, list),
            "object": lambda v: isinstance(v, dict),
        }
        assert any(checks[n](instance) for n in names), f"{path}: {instance!r} is not {names}"
    if isinstance(instance, dict) and "properties" in schema:
        missing = set(schema.get("required", ())) - set(instance)
        assert not missing, f"{path}: missing {sorted(missing)}"
        if schema.get("additionalProperties") is False:
            extra = set(instance) - set(schema["properties"])
            assert not extra, f"{path}: unexpected {sorted(extra)}"
        for key, value in instance.items():
            if key in schema["properties"]:
                validate(value, schema["properties"][key], root, f"{path}.{key}")
    if isinstance(instance, list):
        if "minItems" in schema:
            assert len(instance) >= schema["minItems"], path
        if "maxItems" in schema:
            assert len(instance) <= schema["maxItems"], path
        for i, item in enumerate(instance):
            if "prefixItems" in schema and i < len(schema["prefixItems"]):
                validate(item, schema["prefixItems"][i], root, f"{path}[{i}]")
            elif "items" in schema:
                validate(item, schema["items"], root, f"{path}[{i}]")


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_to_dict_follows_the_schema(evaluation: Evaluation, lang: str) -> None:
    data = json.loads(json.dumps(build_report(evaluation, lang=lang).to_dict()))
    validate(data, report_schema())
    try:
        import jsonschema
    except ImportError:
        return
    jsonschema.validate(data, report_schema())


def test_the_mini_validator_catches_mistakes(report_nb: Report) -> None:
    data = json.loads(json.dumps(report_nb.to_dict()))
    data["sections"][0]["elements"][0]["status"] = {"value": "great", "label": "x", "symbol": "!"}
    with pytest.raises(AssertionError):
        validate(data, report_schema())
    data = json.loads(json.dumps(report_nb.to_dict()))
    del data["charts"][0]["history"]
    with pytest.raises(AssertionError, match="missing"):
        validate(data, report_schema())


def test_dataset_built_in_code_gives_the_same_report(evaluation: Evaluation) -> None:
    again = build_report(evaluate(evaluation.plan, evaluation.data, as_of=evaluation.as_of))
    assert again.to_dict() == build_report(evaluation).to_dict()
