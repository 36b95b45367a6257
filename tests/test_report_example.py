"""The reference example's report says what its verdicts rest on, in every format and language.

For the main goal: its coverage, the mix of its children and the baseline sensitivity of the
balance measure; for every target: its latest period and that period's age, a progress figure
only within its definition, a projection only from enough observations, and where the data
came from, in the reader's language. The example runs offline on its real SSB figures (the
SSB source does not answer, so the local copies deliver: a fallback the report must show).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

import regionplan
from regionplan.data.attempts import FAILURE_WORDS, SOURCE_WORDS
from regionplan.data.sources import SourceContext
from regionplan.evaluation.evaluator import Evaluation
from regionplan.evaluation.status import Status
from regionplan.report.build import build_report
from regionplan.report.renderers import render
from regionplan.report.schema import report_schema
from test_report import validate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen"
AS_OF = dt.date(2026, 11, 30)
FORMATS = ["html", "md", "json", "dot", "terminal"]
LANGS = ["nb", "en"]
BALANCE = "t-main-jobs-keep-pace-with-population"
RECOVERY = "t-jobs-recover-pandemic-losses"


def _evaluate(plan: Any, cache: Path) -> Evaluation:
    context = SourceContext(base_dir=EXAMPLE, cache_dir=cache, offline=True)
    return regionplan.evaluate(plan, as_of=AS_OF, context=context)


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    return _evaluate(regionplan.load_plan(EXAMPLE), tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def from_2020(tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    """The example with the balance measured from 2020, the pandemic low point of jobs."""
    plan = regionplan.load_plan(EXAMPLE)
    targets = tuple(attrs.evolve(t, baseline="2020") if t.id == BALANCE else t for t in plan.targets)
    return _evaluate(attrs.evolve(plan, targets=targets), tmp_path_factory.mktemp("cache2020"))


@pytest.fixture(scope="module")
def outputs(evaluation: Evaluation) -> dict[tuple[str, str], str]:
    out = {}
    for fmt in FORMATS:
        for lang in LANGS:
            text = render(evaluation, fmt, lang=lang)
            out[fmt, lang] = text if isinstance(text, str) else text.decode("utf-8")
    return out


def _n(text: str) -> str:
    """What a reader sees: HTML entities, Markdown escapes and Mermaid codes undone; line breaks
    (DOT's, Mermaid's, a wrapped terminal line's) and non-breaking spaces as single spaces."""
    text = html.unescape(text)
    text = re.sub(r"\\([\\`*_\[\]#|~])", r"\1", text)
    text = text.replace("\\n", " ").replace("<br/>", " ").replace("#40;", "(").replace("#41;", ")")
    return re.sub(r"\s+", " ", text)


def _words(fmt: str, text: str) -> str:
    """The words of an output, without its markup: styles, tags, Mermaid's class lines."""
    if fmt == "html":
        text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
    if fmt == "md":
        text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("class"))
    return _n(text)


# the words each language writes them with
MEASURED = {"nb": "10 % målt", "en": "10 % measured"}
MIX = {"nb": "1 nådd, 1 ikke i rute", "en": "1 achieved, 1 off track"}
BALANCE_VALUES = {"nb": ("−7,5 pp", "−7,3 pp", "−4,4 pp"), "en": ("−7.5 pp", "−7.3 pp", "−4.4 pp")}
LATEST = {"nb": "2022K4", "en": "2022Q4"}
AGE = {"nb": "46 mnd.", "en": "46 months"}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_main_goal_shows_its_coverage_mix_and_the_balance_sensitivity(
    outputs: dict[tuple[str, str], str], evaluation: Evaluation, fmt: str, lang: str
) -> None:
    goal = evaluation.goal("main-goal")
    assert goal.coverage == pytest.approx(0.1) and set(goal.caveats) == {"partly_measured", "mixed"}
    text = outputs[fmt, lang]
    if fmt == "json":
        data = json.loads(text)
        basis = data["headline"][0]["basis"]
        assert basis["coverage"] == pytest.approx(0.1)
        assert basis["coverage_text"] == MEASURED[lang] and basis["mix_text"] == MIX[lang]
        assert {m["status"]["value"]: m["count"] for m in basis["mix"]} == {
            "achieved": 1,
            "on_track": 0,
            "off_track": 1,
        }
        assert basis["caveats"] == ["partly_measured", "mixed"]
        row = next(t for t in _targets(data) if t["id"] == BALANCE)
        rows = row["sensitivity"]["rows"]
        assert [r["period"] for r in rows] == ["2017Q4", "2018Q4", "2019Q4"]
        assert [round(r["value"], 1) for r in rows] == [-7.5, -7.3, -4.4]
        assert [r["value_text"] for r in rows] == list(BALANCE_VALUES[lang])
        assert [r["stated"] for r in rows] == [False, False, True]
        return
    plain = _n(text)
    assert f"{MEASURED[lang]} · {MIX[lang]}" in plain
    for value in BALANCE_VALUES[lang]:
        assert value in plain, (fmt, lang, value)
    if fmt != "dot":  # the graph shows the caveats by its drawing (below); text says them in words
        caveats = {"nb": "under halvparten er målt", "en": "less than half is measured"}[lang]
        assert caveats in plain


@pytest.mark.parametrize("lang", LANGS)
def test_a_caveated_status_is_not_drawn_as_a_bare_verdict(
    outputs: dict[tuple[str, str], str], from_2020: Evaluation, lang: str
) -> None:
    # from 2020 the balance is on track, and so is the main goal: 10 % measured
    goal = from_2020.goal("main-goal")
    assert goal.status is Status.ON_TRACK and "partly_measured" in goal.caveats
    html = render(from_2020, "html", lang=lang)
    assert isinstance(html, str)
    card = re.search(r'<div class="card ([^"]*) main">', html)
    assert card is not None and "caveated" in card.group(1).split()
    assert 'class="badge status-on_track caveated"' in html
    dot = render(from_2020, "dot", lang=lang)
    assert isinstance(dot, str)
    main = next(line for line in dot.splitlines() if line.startswith('  "main-goal" ['))
    assert 'fillcolor="#ffffff"' in main and "dashed" in main
    md = render(from_2020, "md", lang=lang)
    assert isinstance(md, str)
    assert re.search(r"class n\d+ on_track_caveated", md)
    # a goal without caveats keeps its colour (the vision in the example: half measured, one voice)
    vision = next(line for line in outputs["dot", lang].splitlines() if line.startswith('  "vision" ['))
    assert "dashed" not in vision and 'fillcolor="#fddbc7"' in vision


@pytest.mark.parametrize("lang", LANGS)
def test_the_balance_from_the_low_point_flips_and_says_so(from_2020: Evaluation, lang: str) -> None:
    result = from_2020.target(BALANCE)
    s = result.sensitivity
    assert s is not None and s.flips and s.extreme == "min"
    report = build_report(from_2020, lang=lang)
    row = next(t for t in report.targets if t.id == BALANCE)
    view = row.sensitivity
    assert view is not None and not view.holds and view.extreme == "min"
    values = {r.period: r.value_text for r in view.rows}
    minus, dec = "\u2212", "," if lang == "nb" else "."
    assert values["2017Q4"] == f"{minus}7{dec}5 pp"
    assert values["2019Q4"] == f"{minus}4{dec}4 pp"
    assert values["2020Q4"] == f"+6{dec}3 pp"
    stated = next(r for r in view.rows if r.stated)
    assert stated.period == "2020Q4" and stated.status.value == "on_track"
    assert {r.status.value for r in view.rows if not r.stated} == {"off_track"}
    low = {"nb": "bunnpunkt", "en": "low point"}[lang]
    assert low in stated.note
    extreme = {
        "nb": "Utgangspunktet er bunnpunktet for arbeidsplasser i 2017K4–2022K4.",
        "en": "The baseline is the low point of jobs in 2017Q4–2022Q4.",
    }
    assert view.extreme_text == extreme[lang]
    flips = {"nb": "Vurderingen avhenger av utgangspunktet", "en": "The verdict depends on the baseline"}[
        lang
    ]
    for fmt in ("html", "md", "terminal", "dot"):
        text = render(from_2020, fmt, lang=lang)
        assert isinstance(text, str)
        plain = _n(text)
        assert flips in plain or flips.lower() in plain, fmt
        assert f"+6{dec}3 pp" in plain and f"{minus}7{dec}5 pp" in plain, fmt
        assert low in plain, fmt


def _targets(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for s in data["sections"] for e in s["elements"] for t in e["targets"]]


@pytest.mark.parametrize("lang", LANGS)
def test_no_projection_from_fewer_than_the_minimum_and_progress_within_its_definition(
    outputs: dict[tuple[str, str], str], evaluation: Evaluation, lang: str
) -> None:
    data = json.loads(outputs["json", lang])
    rows = _targets(data)
    assert len(rows) == len(evaluation.plan.targets)
    for row in rows:
        p = row["projection"]
        assert p is None or p["n_points"] >= row["projection_min_points"], row["id"]
        assert row["progress"] is None or 0 <= row["progress"] <= 1, row["id"]
    # the balance has 4 observations from 2019, 5 are needed: no projection, and the report says why
    balance = next(r for r in rows if r["id"] == BALANCE)
    assert balance["projection"] is None and balance["projection_points"] == 4
    note = {"nb": "ingen framskriving: 4 av 5 observasjoner", "en": "no projection: 4 of 5 observations"}[
        lang
    ]
    assert balance["projection_note"] == note
    for fmt in ("html", "md", "terminal"):
        assert note in outputs[fmt, lang], fmt
    # the recovery went beyond its goal: 100 %, with the words for it
    recovery = next(r for r in rows if r["id"] == RECOVERY)
    assert recovery["progress"] == 1 and recovery["progress_flag"] == "beyond"
    beyond = {"nb": "forbi målet", "en": "beyond the target"}[lang]
    assert recovery["progress_note"] == beyond
    # every progress figure shown in the Markdown table lies within 0–100 %
    md = outputs["md", lang]
    table = md.split("| Status |", 2)[2].split("\n\n", 1)[0]
    shown = [line.split(" | ")[6] for line in table.splitlines()[2:]]
    assert shown and all(re.fullmatch(r"–|(\d+) %( \(.+\))?", cell) for cell in shown), shown
    assert all(int(m) <= 100 for cell in shown for m in re.findall(r"(\d+) %", cell))


@pytest.mark.parametrize("lang", LANGS)
def test_every_target_shows_its_latest_period_and_its_age(
    outputs: dict[tuple[str, str], str], evaluation: Evaluation, lang: str
) -> None:
    report = build_report(evaluation, lang=lang)
    with_data = [t for t in report.targets if t.latest is not None]
    assert {t.id for t in with_data} == {BALANCE, RECOVERY}
    for t in with_data:
        assert t.latest is not None and t.latest.period_text == LATEST[lang]
        assert t.age is not None and t.age.age_months == 46 and t.age.stale
        assert t.age.next_expected == dt.date(2025, 1, 1)
    assert report.rests_on.startswith({"nb": "Status per 2026-11-30", "en": "Status as of 2026-11-30"}[lang])
    figures = {"nb": "arbeidsplasser 2022K4 (46 mnd., nyere tall mangler)", "en": "jobs 2022Q4 (46 months"}
    assert figures[lang] in report.rests_on
    due = {"nb": "1. januar 2025", "en": "1 January 2025"}[lang]
    assert due in report.stale_note
    for fmt in ("html", "md", "terminal"):
        text = _n(outputs[fmt, lang])
        assert report.rests_on in text and report.stale_note in text, fmt
        assert f"{LATEST[lang]} · {AGE[lang]}" in text, fmt
    # the goal graph shows each measured target's latest figure too
    for fmt in ("dot", "md"):
        text = _n(outputs[fmt, lang])
        latest = {"nb": "Siste verdi: −4,4 pp (2022K4 · 46 mnd.", "en": "Latest: -4.4 pp (2022Q4 · 46 months"}
        assert latest[lang] in text, fmt


def _english_failure_words() -> list[str]:
    """Every English failure and source phrase, cut at its placeholders."""
    phrases = [label.get("en") for label in (*FAILURE_WORDS.values(), *SOURCE_WORDS.values())]
    return [p for phrase in phrases for p in re.split(r"\{\w+\}", phrase) if len(p.strip()) > 8]


@pytest.mark.parametrize("fmt", FORMATS)
def test_fallbacks_and_failures_are_told_in_the_readers_language(
    outputs: dict[tuple[str, str], str], fmt: str
) -> None:
    nb, en = _n(outputs[fmt, "nb"]), _n(outputs[fmt, "en"])
    if fmt == "dot":  # the goal graph names no sources; the other formats do
        return
    # the local copies delivered after SSB's API did not answer
    assert "SSBs API for tabell 11618 svarte ikke (frakoblet)" in nb
    assert "lokal fil data/employment_11618_2017_2022.csv (tabell 11618), fordi SSBs API" in nb
    assert "SSB's API for table 11618 did not answer (offline)" in en
    # the metrics with no data say why, in Norwegian too
    assert "SSBs API for tabell 13470 svarte ikke (frakoblet)" in nb
    assert "planens eget register har ingen verdier registrert ennå" in nb  # nothing yet: no failure
    for phrase in _english_failure_words():
        assert phrase not in nb, phrase
    for english in ("no cached response", "has no data", "records no values", "offline)", "local file"):
        assert english not in nb, english


def test_failure_kinds_are_in_the_json(outputs: dict[tuple[str, str], str]) -> None:
    data = json.loads(outputs["json", "nb"])
    rows = {t["id"]: t for t in _targets(data)}
    assert rows["t-new-enterprises-rise"]["missing_kinds"] == ["offline"]
    assert rows["t-higher-education-offering-by-2030"]["missing_kinds"] == ["nothing_recorded"]
    assert rows["t-new-enterprises-rise"]["missing"] == ["SSBs API for tabell 08316 svarte ikke (frakoblet)"]
    origin = rows[BALANCE]["origin"]
    assert origin["fell_back"] is True
    assert [d["source"] for d in origin["delivered"]] == ["csv", "csv"]
    assert {(f["source"], f["table"], f["kind"]) for f in origin["failed"]} == {
        ("ssb", "11618", "offline"),
        ("ssb", "07459", "offline"),
    }


@pytest.mark.parametrize("fmt", ["html", "md", "terminal", "dot"])
def test_the_norwegian_report_writes_periods_as_ssb_does_and_no_english_words(
    outputs: dict[tuple[str, str], str], fmt: str
) -> None:
    nb = _words(fmt, outputs[fmt, "nb"])
    assert not re.search(r"\b\d{4}Q[1-4]\b", nb), re.findall(r".{30}\b\d{4}Q[1-4]\b.{10}", nb)[:3]
    for english in (
        "measured",
        "newer figures",
        "stated baseline",
        "low point",
        "verdict",
        "projection",
        "months",
        "Latest",
        "Data source",
        "beyond the target",
    ):
        assert not re.search(rf"\b{english}\b", nb), english


@pytest.mark.parametrize("lang", LANGS)
def test_the_examples_report_follows_the_schema(outputs: dict[tuple[str, str], str], lang: str) -> None:
    data = json.loads(outputs["json", lang])
    validate(data, report_schema())
    try:
        import jsonschema
    except ImportError:
        return
    jsonschema.validate(data, report_schema())


def test_a_fresh_series_is_not_marked_stale(evaluation: Evaluation) -> None:
    """Figures whose successors are not yet due show their age, without the stale mark."""
    from regionplan.report.rows import target_row

    result = evaluation.target(RECOVERY)
    fresh = attrs.evolve(result, data_age_months=7, next_expected=dt.date(2024, 7, 1), stale=False)
    row = target_row(fresh, "nb")
    assert row.age is not None and not row.age.stale and row.age.stale_text == ""
    assert row.age.age_text == "7 mnd."
    assert "nyere tall mangler" not in row.age.text


def test_the_records_carry_what_the_report_shows(evaluation: Evaluation) -> None:
    records = {r["target"]: r for r in evaluation.to_records()}
    recovery = records[RECOVERY]
    assert (recovery["shock_period"], recovery["shock_value"]) == ("2020Q4", 42_928)
    assert recovery["progress"] == 1 and recovery["progress_flag"] == "beyond"
    assert recovery["latest_period"] == "2022Q4" and recovery["latest_end"] == dt.date(2022, 12, 31)
    assert recovery["data_age_months"] == 46 and recovery["stale"] is True
    assert recovery["next_expected"] == dt.date(2025, 1, 1)
    assert recovery["delivered"] == "csv:data/employment_11618_2017_2022.csv"
    assert recovery["baseline_holds"] is True
    balance = records[BALANCE]
    assert (balance["projection_points"], balance["projection_min_points"]) == (4, 5)
    assert balance["projection_indicative"] is None  # no projection was made
    assert balance["delivered"].count("csv:") == 2  # jobs and population, each from its local copy
    unmeasured = records["t-new-enterprises-rise"]
    assert unmeasured["delivered"] == "" and unmeasured["baseline_holds"] is None
    assert unmeasured["stale"] is False and unmeasured["data_age_months"] is None
