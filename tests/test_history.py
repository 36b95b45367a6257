"""Status history: the plan evaluated as of many dates, each on the data published by then.

The example's own history is checked on its real data (the SSB copies in
``examples/gardermoregionen/data``), offline: no cell rests on a period published after
its date, each uses the newest period that was published, and a cell without published
data says so and why.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import attrs
import numpy as np
import pytest
from click.testing import CliRunner

import regionplan
from regionplan.cli import EXIT_USER, cli
from regionplan.data.dataset import DataSet, fetch_data
from regionplan.data.sources import SourceContext
from regionplan.errors import EvaluationError
from regionplan.evaluation.history import (
    History,
    history,
    parse_day_of_year,
    publication_dates,
    yearly_dates,
)
from regionplan.evaluation.status import Status
from regionplan.plan.files import load_plan
from regionplan.plan.model import Label, Plan
from regionplan.report.history_table import render_history

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gardermoregionen"
#: each 30 April, the draft's reporting deadline, from the plan's first year
APRIL_30 = tuple(dt.date(y, 4, 30) for y in range(2021, 2026))
RECOVERY = "t-jobs-recover-pandemic-losses"  # jobs, 4th quarter, published 12 months after


def _published(end: dt.date, months: int) -> dt.date:
    """The day a period ending the day before ``end`` counts as published, computed here on its own."""
    m = end.month - 1 + months
    return dt.date(end.year + m // 12, m % 12 + 1, end.day)  # every period here ends on the 1st or 2nd


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(EXAMPLE)


@pytest.fixture(scope="module")
def data(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> DataSet:
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path_factory.mktemp("cache"), offline=True)
    return fetch_data(plan, context=context)


@pytest.fixture(scope="module")
def every_date(plan: Plan, data: DataSet) -> tuple[dt.date, ...]:
    """Each 30 April, each publication day of a target's data, and days before any data."""
    published = publication_dates(plan, data, since=dt.date(2017, 1, 1), until=dt.date(2025, 4, 30))
    return tuple(sorted({*APRIL_30, *published, dt.date(2018, 6, 30), dt.date(2020, 12, 31)}))


@pytest.fixture(scope="module")
def example_history(plan: Plan, data: DataSet, every_date: tuple[dt.date, ...]) -> History:
    return history(plan, every_date, data)


def test_no_cell_uses_data_published_after_its_date(
    plan: Plan, data: DataSet, example_history: History
) -> None:
    metrics = {m.id: m for m in plan.metrics}
    targets = {t.id: t for t in plan.targets}
    checked = 0
    for row in example_history.rows:
        if row.kind != "target":
            continue
        target = targets[row.id]
        metric = metrics[target.metric]
        lags = [metric.publication_lag_months]
        if target.other:
            lags.append(metrics[target.other].publication_lag_months)
        for cell in row.cells:
            if cell.latest_period is None:
                continue
            period = metric.period.read(cell.latest_period)
            for lag in lags:
                assert _published(period.end, lag) <= cell.as_of, (row.id, cell.as_of, cell.latest_period)
            assert cell.latest_published == _published(period.end, max(lags))
            checked += 1
    assert checked >= 2 * len(APRIL_30)  # both jobs targets have data on every 30 April


def test_each_cell_uses_the_newest_period_published_by_its_date(
    plan: Plan, data: DataSet, example_history: History
) -> None:
    metric = plan.metric("jobs")
    series = data["jobs"].regions
    values = series.values[0]
    row = example_history.row(RECOVERY)
    for cell in row.cells:
        published = [
            (p, v)
            for p, v in zip(series.periods, values, strict=True)
            if np.isfinite(v) and _published(p.end, metric.publication_lag_months) <= cell.as_of
        ]
        if not published or cell.reason == "no_baseline":  # judged from 2019Q4: nothing before it
            assert cell.latest_period is None
            continue
        newest, value = max(published, key=lambda pv: pv[0].end)
        assert cell.latest_period == newest.label
        assert cell.latest_value == pytest.approx(value)
        assert cell.members == (6, 6)


def test_the_first_report_did_not_see_the_pandemic_year(data: DataSet, example_history: History) -> None:
    """On 30 April 2021 the data hold jobs in 2020, which SSB published only in 2022."""
    assert "2020Q4" in [p.label for p in data["jobs"].regions.periods]
    cells = {c.as_of: c for c in example_history.row(RECOVERY).cells}
    assert cells[dt.date(2021, 4, 30)].latest_period == "2019Q4"
    assert cells[dt.date(2022, 4, 30)].latest_period == "2020Q4"


def test_a_cell_before_any_publication_says_insufficient_data_and_why(example_history: History) -> None:
    cell = next(c for c in example_history.row(RECOVERY).cells if c.as_of == dt.date(2018, 6, 30))
    assert cell.status is Status.INSUFFICIENT_DATA
    assert cell.reason == "no_data"
    assert cell.latest_period is None and cell.latest_value is None
    # the jobs of 2017Q4 end on 1 January 2018 and count 12 months later
    assert "(2017Q4) count as published on 1 January 2019" in cell.note.get("en")
    assert "(2017K4) regnes som publisert 1. januar 2019" in cell.note.get("nb")


def test_a_metric_without_data_gives_the_sources_reason(example_history: History) -> None:
    for cell in example_history.row("t-new-enterprises-rise").cells:
        assert cell.status is Status.INSUFFICIENT_DATA
        assert "08316" in cell.note.get("en") and "offline" in cell.note.get("en")
        assert "frakoblet" in cell.note.get("nb")


def test_goals_follow_their_targets(example_history: History) -> None:
    kinds = {r.id: r.kind for r in example_history.rows}
    assert kinds["main-goal"] == "goal" and kinds[RECOVERY] == "target"
    goal = example_history.row("sub-goal-replace-lost-jobs")
    target = example_history.row(RECOVERY)
    for g, t in zip(goal.cells, target.cells, strict=True):
        assert g.as_of == t.as_of
        # the sub-goal's only measured child is this target: no status below, none above
        assert (g.status is Status.INSUFFICIENT_DATA) == (t.status is Status.INSUFFICIENT_DATA)
    assert target.moved


def test_the_data_are_read_once(plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import regionplan.data.dataset as dataset

    calls = []
    real = dataset.fetch_sources

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dataset, "fetch_sources", counting)
    context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path, offline=True)
    h = regionplan.history(plan, APRIL_30, context=context)
    assert len(calls) == 1
    assert h.dates == APRIL_30


# -- the dates ----------------------------------------------------------------------------


def test_yearly_dates(plan: Plan) -> None:
    assert yearly_dates(plan, (4, 30), until=dt.date(2025, 4, 30)) == APRIL_30
    assert yearly_dates(plan, (4, 30), until=dt.date(2025, 4, 29)) == APRIL_30[:-1]
    # the example's reporting day (30 April) by default
    assert plan.meta.reporting_day == "04-30"
    assert yearly_dates(plan, until=dt.date(2025, 4, 30)) == APRIL_30
    # without one: not adopted, each 31 December; adopted, the anniversary of the adoption
    unset = attrs.evolve(plan, meta=attrs.evolve(plan.meta, reporting_day=""))
    assert yearly_dates(unset, until=dt.date(2023, 6, 1)) == (dt.date(2021, 12, 31), dt.date(2022, 12, 31))
    adopted = attrs.evolve(unset, meta=attrs.evolve(unset.meta, adopted=dt.date(2021, 6, 15)))
    assert yearly_dates(adopted, until=dt.date(2022, 7, 1)) == (dt.date(2021, 6, 15), dt.date(2022, 6, 15))
    # a reporting day comes before the adoption's anniversary
    both = attrs.evolve(adopted, meta=attrs.evolve(adopted.meta, reporting_day="04-30"))
    assert yearly_dates(both, until=dt.date(2025, 4, 30)) == APRIL_30
    assert yearly_dates(plan, (2, 29), until=dt.date(2024, 12, 1))[-2:] == (
        dt.date(2023, 2, 28),
        dt.date(2024, 2, 29),
    )
    # never past the plan period
    short = attrs.evolve(plan, meta=attrs.evolve(plan.meta, period_end=2022))
    assert yearly_dates(short, (4, 30), until=dt.date(2025, 5, 1)) == APRIL_30[:2]


def test_publication_dates_are_period_ends_plus_lags(plan: Plan, data: DataSet) -> None:
    days = publication_dates(plan, data, until=dt.date(2025, 4, 30))
    jobs = plan.metric("jobs")
    expected = {_published(p.end, jobs.publication_lag_months) for p in data["jobs"].regions.periods}
    assert set(days) == {d for d in expected if dt.date(2021, 1, 1) <= d <= dt.date(2025, 4, 30)}
    assert days == (dt.date(2021, 1, 1), dt.date(2022, 1, 1), dt.date(2023, 1, 1), dt.date(2024, 1, 1))


@pytest.mark.parametrize("text", ["13-01", "02-30", "4/30", "april", ""])
def test_a_bad_day_of_the_year_is_refused(text: str) -> None:
    with pytest.raises(EvaluationError, match="MM-DD"):
        parse_day_of_year(text)


def test_bad_dates_are_refused(plan: Plan, data: DataSet) -> None:
    with pytest.raises(EvaluationError, match="not a date"):
        history(plan, ["2021-02-30"], data)
    with pytest.raises(EvaluationError, match="no dates"):
        history(plan, [], data)
    with pytest.raises(EvaluationError, match="after today"):
        history(plan, [dt.date.today() + dt.timedelta(days=1)], data)


# -- the table ----------------------------------------------------------------------------


def test_the_table_in_each_format_and_language(example_history: History) -> None:
    h = attrs.evolve(
        example_history,
        dates=APRIL_30,
        rows=tuple(
            attrs.evolve(r, cells=tuple(c for c in r.cells if c.as_of in APRIL_30))
            for r in example_history.rows
        ),
    )
    nb = render_history(h, "text", "nb")
    en = render_history(h, "text", "en")
    assert "Statushistorikk" in nb and "2021-04-30" in nb and "2021K4" in nb and "Merknader:" in nb
    assert "Status history" in en and "2021Q4" in en and "Notes:" in en
    for english in ("Insufficient", "Off track", "latest", "Notes", "Missing data", "offline"):
        assert english not in nb
    data = json.loads(render_history(h, "json", "en"))
    assert data["dates"] == [d.isoformat() for d in APRIL_30]
    assert all(len(r["cells"]) == len(APRIL_30) for r in data["rows"])
    md = render_history(h, "markdown", "nb")
    assert md.count("\n| ") == len(h.rows) + 1  # the header and one line per row
    lines = render_history(h, "csv", "en").splitlines()
    assert lines[0].startswith("id,kind,title,as_of,status")
    assert len(lines) == 1 + len(h.rows) * len(APRIL_30)


def _april_30(example_history: History) -> History:
    return attrs.evolve(
        example_history,
        dates=APRIL_30,
        rows=tuple(
            attrs.evolve(r, cells=tuple(c for c in r.cells if c.as_of in APRIL_30))
            for r in example_history.rows
        ),
    )


STALE_NB = "Nyere tall mangler: tallene etter 2022K4 var ventet publisert innen 1. januar 2025."
STALE_EN = "Newer figures missing: the figures after 2022Q4 were due by 1 January 2025."


def test_a_cell_past_the_next_publication_without_newer_figures_says_they_are_missing(
    example_history: History,
) -> None:
    # jobs, 4th quarter, 12 months' lag: 2022Q4 counts from 2024-01-01, 2023Q4 was due 2025-01-01
    (row,) = [r for r in example_history.rows if r.id == RECOVERY]
    cells = {c.as_of: c for c in row.cells}
    before, after = cells[dt.date(2024, 4, 30)], cells[dt.date(2025, 4, 30)]
    assert (before.latest_period, before.stale, before.next_expected) == (
        "2022Q4",
        False,
        dt.date(2025, 1, 1),
    )
    assert (after.latest_period, after.stale, after.next_expected) == ("2022Q4", True, dt.date(2025, 1, 1))
    assert after.stale_note.get("nb") == STALE_NB and after.stale_note.get("en") == STALE_EN
    assert before.stale_note.get("nb") == ""
    h = _april_30(example_history)
    nb, en = render_history(h, "text", "nb"), render_history(h, "text", "en")
    for text, note, period in ((nb, STALE_NB, "2022K4"), (en, STALE_EN, "2022Q4")):
        # the note is numbered under the table, and its number stands by the latest period
        (mark,) = [line.split(" ")[0] for line in text.splitlines() if line.endswith(f" {note}")]
        assert f"{period} {mark}" in text
    md = render_history(h, "markdown", "en")
    assert f". {STALE_EN}" in md
    shown = json.loads(render_history(h, "json", "nb"))
    (jrow,) = [r for r in shown["rows"] if r["id"] == RECOVERY]
    assert [(c["as_of"], c["stale"], c["stale_note"]) for c in jrow["cells"]][-2:] == [
        ("2024-04-30", False, None),
        ("2025-04-30", True, STALE_NB),
    ]
    assert jrow["cells"][-1]["next_expected"] == "2025-01-01"
    rows = [r for r in csv.DictReader(io.StringIO(render_history(h, "csv", "nb"))) if r["id"] == RECOVERY]
    assert [(r["dato"], r["neste_ventet"], r["nyere_tall_mangler"]) for r in rows][-2:] == [
        ("2024-04-30", "2025-01-01", ""),
        ("2025-04-30", "2025-01-01", STALE_NB),
    ]
    en_rows = csv.DictReader(io.StringIO(render_history(h, "csv", "en")))
    assert [r["newer_figures_missing"] for r in en_rows if r["id"] == RECOVERY][-1] == STALE_EN


def test_the_csv_for_excel_in_norwegian_has_semicolons_decimal_commas_and_a_bom(
    example_history: History,
) -> None:
    h = _april_30(example_history)
    plain = render_history(h, "csv", "nb")
    excel = render_history(h, "csv", "nb", "excel-nb")
    assert not plain.startswith("\ufeff") and excel.startswith("\ufeff")
    plain_rows = list(csv.DictReader(io.StringIO(plain)))
    excel_rows = list(csv.DictReader(io.StringIO(excel[1:]), delimiter=";"))
    assert [r.keys() for r in excel_rows] == [r.keys() for r in plain_rows]
    numbers = {"siste_verdi", "dekning"}
    for p_row, e_row in zip(plain_rows, excel_rows, strict=True):
        assert {k: v for k, v in e_row.items() if k not in numbers} == {
            k: v for k, v in p_row.items() if k not in numbers
        }
        for key in numbers:
            assert e_row[key] == p_row[key].replace(".", ",")
    # the balance of jobs and population is a share with decimals: it has a comma there
    balance = [r["siste_verdi"] for r in excel_rows if r["id"] == "t-main-jobs-keep-pace-with-population"]
    plain_balance = [
        r["siste_verdi"] for r in plain_rows if r["id"] == "t-main-jobs-keep-pace-with-population"
    ]
    assert sum("," in v for v in balance) == sum("." in v for v in plain_balance) >= 3
    assert not any("." in v for v in balance)
    assert "," not in plain_rows[0]["dekning"] and any("," in r["dekning"] for r in excel_rows)
    with pytest.raises(ValueError, match="unknown CSV dialect 'excel'"):
        render_history(h, "csv", "nb", "excel")


def test_the_command_writes_the_excel_csv_only_when_asked_and_only_for_csv(tmp_path: Path) -> None:
    args = ["history", str(EXAMPLE), "--dates", "2025-04-30", "--cache-dir", str(tmp_path)]
    plain = CliRunner().invoke(cli, [*args, "--format", "csv"])
    excel = CliRunner().invoke(cli, [*args, "--format", "csv", "--csv-dialect", "excel-nb"])
    assert plain.exit_code == excel.exit_code == 0, plain.output + excel.output
    assert plain.output.startswith("id,type,tittel,dato,")
    assert excel.output.startswith("\ufeffid;type;tittel;dato;")
    refused = CliRunner().invoke(cli, [*args, "--csv-dialect", "excel-nb"])
    assert refused.exit_code == EXIT_USER and "Traceback" not in refused.output
    assert "error: --csv-dialect excel-nb is for --format csv, not --format text" in refused.output


def test_plan_text_is_escaped(example_history: History) -> None:
    plan = example_history.plan
    hostile = attrs.evolve(plan, meta=attrs.evolve(plan.meta, title=Label({"nb": "<b>a|b</b>"})))
    row = attrs.evolve(example_history.rows[0], title=Label({"nb": "=HYPERLINK(1)"}))
    h = attrs.evolve(example_history, plan=hostile, rows=(row,))
    md = render_history(h, "markdown", "nb")
    assert "<b>" not in md and "a\\|b" in md
    assert "\n'=HYPERLINK" in "\n" + render_history(h, "csv", "nb").splitlines()[1].split(",", 2)[2]


# -- the command --------------------------------------------------------------------------


def test_the_command_shows_the_examples_history(tmp_path: Path) -> None:
    args = ["history", str(EXAMPLE), "--on", "04-30", "--until", "2025-04-30", "--cache-dir", str(tmp_path)]
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["dates"] == [d.isoformat() for d in APRIL_30]
    # offline unless asked: the SSB tables without a local copy are not fetched
    notes = [c["note"] for r in shown["rows"] for c in r["cells"] if c["note"]]
    assert any("frakoblet" in n for n in notes)
    dates = CliRunner().invoke(
        cli, ["history", str(EXAMPLE), "--dates", "2022-04-30,2021-04-30", "--cache-dir", str(tmp_path)]
    )
    assert dates.exit_code == 0, dates.output
    header = dates.output.splitlines()[3].split()
    assert header == ["2021-04-30", "2022-04-30"]  # sorted
    every = CliRunner().invoke(
        cli,
        [
            "history",
            str(EXAMPLE),
            "--every",
            "data",
            "--until",
            "2023-06-01",
            "--format",
            "csv",
            "--cache-dir",
            str(tmp_path),
        ],
    )
    assert every.exit_code == 0, every.output
    assert {row["dato"] for row in csv.DictReader(io.StringIO(every.output))} == {
        "2021-01-01",
        "2022-01-01",
        "2023-01-01",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--dates", "2021-04-31"), "'2021-04-31' is not a date"),
        (("--on", "02-30"), "not a day of the year"),
        (("--until", "soon"), "--until: 'soon' is not a date"),
        (("--dates", "2021-04-30", "--on", "04-30"), "leave out --on"),
        (("--until", "2020-01-01"), "no dates to evaluate"),
        (("--dates", "2999-01-01"), "after today"),
        (("--until", "2999-01-01"), "--until 2999-01-01 is after today"),
        (("--dates", " , "), "--dates names no date"),
    ],
)
def test_bad_dates_exit_3_without_a_traceback(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["history", str(EXAMPLE), *args, "--cache-dir", str(tmp_path)])
    assert result.exit_code == EXIT_USER, result.output
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_console_script_refuses_a_bad_date_without_a_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from regionplan.cli import main; main()",
            "history",
            str(EXAMPLE),
            "--dates",
            "30.04.2021",
            "--cache-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == EXIT_USER
    assert "Traceback" not in proc.stderr and "is not a date" in proc.stderr


def test_the_example_history_defaults_to_each_30_april(tmp_path: Path) -> None:
    args = ["history", str(EXAMPLE), "--until", "2023-05-01", "--format", "csv", "--cache-dir", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    days = {row["dato"] for row in csv.DictReader(io.StringIO(result.output))}
    assert days == {"2021-04-30", "2022-04-30", "2023-04-30"}


def test_a_reporting_day_that_is_no_day_is_a_plan_problem(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "plan"
    shutil.copytree(EXAMPLE, copy)
    text = (copy / "plan.yaml").read_text(encoding="utf-8")
    (copy / "plan.yaml").write_text(text.replace('reporting_day: "04-30"', 'reporting_day: "13-40"'), "utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "reporting_day" in t)
    result = CliRunner().invoke(cli, ["validate", str(copy)])
    assert result.exit_code == 1
    assert f"plan.yaml:{line}:" in result.output
    assert "the reporting day '13-40' is not a day of the year" in result.output
    assert "MM-DD" in result.output
