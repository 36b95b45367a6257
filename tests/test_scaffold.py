"""``regionplan new``: a plan for another region from a template, leaving nothing of the old one.

The template's marks (``template: keep|drop|adapt``) decide what is kept; the new region's
members, codes and counties come from the bundled KLASS 131 records; the files keep their
comments and layout; ``ADAPT.md`` names what is left to decide, with file and line. Three
regions the example does not contain are made and reported through the command line, offline,
and their population and jobs are checked against the bundled SSB figures read on their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import gzip
import importlib.resources
import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

import regionplan
from regionplan.cli import cli
from regionplan.data.sources import SourceContext
from regionplan.errors import RegionplanError
from regionplan.plan import problems as P
from regionplan.plan.codes import CodeChanges
from regionplan.plan.files import validate_plan
from regionplan.scaffold import new_plan
from regionplan.scaffold.counties import COUNTIES, county, county_label
from regionplan.scaffold.members import member
from regionplan.scaffold.text import Wording

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "gardermoregionen"
HOWTO = ROOT / "docs" / "howto" / "adapt-the-plan.md"
AS_OF = "2026-11-26"

#: every word of Gardermoregionen's own: its name, its members, its bodies and places
OLD_WORDS = (
    "Gardermoregionen",
    "Gardermoen",
    "Oslo lufthavn",
    "Ullensaker",
    "Nannestad",
    "Eidsvoll",
    "Hurdal",
    "Nes",
    "Gjerdrum",
    "GRIP",
    "RU",
    "Region Romerike",
    "Romerike",
    "E16",
)


def _named(text: str, words: tuple[str, ...]) -> list[str]:
    return [w for w in words if re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE)]


# -- counties and members ------------------------------------------------------------------


def test_every_code_the_records_know_has_its_county_at_each_reform() -> None:
    """The county table agrees with KLASS 131: each valid code's first two digits name a county then."""
    changes = CodeChanges.bundled()
    days = [dt.date(2017, 12, 31), dt.date(2018, 1, 1), dt.date(2019, 12, 31), dt.date(2020, 1, 1)]
    for day in [*days, dt.date(2023, 12, 31), dt.date(2024, 1, 1)]:
        for code in changes.valid_codes(day):
            entry = COUNTIES.get(code[:2])
            assert entry is not None, (code, day)
            _, since, until = entry
            assert (since is None or since <= day) and (until is None or day < until), (code, day, entry)


@pytest.mark.parametrize(
    ("codes", "nb", "en"),
    [
        (("3209", "3238", "3240", "3242", "3228", "3230"), "Akershus (2020–2023: Viken)", None),
        (
            ("3446", "3234", "3236"),
            "Innlandet og Akershus (til 2019: Oppland; 2020–2023: Innlandet og Viken)",
            "Innlandet and Akershus (until 2019: Oppland; 2020–2023: Innlandet and Viken)",
        ),
        # Drammen took in Svelvik, which was in Vestfold until 2019
        (
            ("3301", "3312", "3314", "3316"),
            "Buskerud (til 2019: Buskerud og Vestfold; 2020–2023: Viken)",
            "Buskerud (until 2019: Buskerud and Vestfold; 2020–2023: Viken)",
        ),
        (("5501", "5532", "5534"), "Troms (2020–2023: Troms og Finnmark)", None),
        (("5001",), "Trøndelag (til 2017: Sør-Trøndelag)", "Trøndelag (until 2017: Sør-Trøndelag)"),
    ],
)
def test_a_regions_counties_through_the_reforms(codes: tuple[str, ...], nb: str, en: str | None) -> None:
    changes = CodeChanges.bundled()
    members = [member(c, changes) for c in codes]
    assert county_label(members, "nb") == nb
    assert county_label(members, "en") == (en or nb)
    assert county("3053") == "Viken" and county("0532") == "Oppland" and county("3236") == "Akershus"


def test_a_ceased_code_is_refused_with_the_code_it_became() -> None:
    with pytest.raises(RegionplanError, match=r"3054 \(Lunner\) ceased after 2023-12-31.*3234 Lunner"):
        member("3054", CodeChanges.bundled())


@pytest.mark.parametrize(
    ("count", "lang", "text", "expected"),
    [
        (3, "nb", "for de seks kommunene i Gardermoregionen", "for de tre kommunene i Hadeland"),
        (3, "nb", "Seks kommuner. Gardermoregionens råd.", "Tre kommuner. Hadelands råd."),
        (
            3,
            "en",
            "one of the six municipalities of Gardermoregionen's",
            "one of the three municipalities of Hadeland's",
        ),
        (1, "nb", "de seks kommunene; seks medlemskommuner", "kommunen; én medlemskommune"),
        (
            1,
            "en",
            "the six member municipalities; six municipalities",
            "the member municipality; one municipality",
        ),
        (25, "en", "Six municipalities", "25 municipalities"),
        (3, "nb", "seks tomme kulepunkter", "seks tomme kulepunkter"),  # not a count of members
    ],
)
def test_the_old_regions_name_and_member_count_are_rewritten(
    count: int, lang: str, text: str, expected: str
) -> None:
    assert Wording(("Gardermoregionen",), "Hadeland", 6, count).rewrite(text, lang) == expected


# -- template marks in plan files ----------------------------------------------------------


def _tiny(tmp_path: Path, template: str) -> Path:
    (tmp_path / "plan.yaml").write_text(
        f"""\
plan: {{id: p, title: P, period: {{start: 2024, end: 2030}}}}
region:
  id: r
  name: R
  municipalities: [{{id: gran, name: Gran, codes: [{{code: "3446", from: 2020-01-01}}, {{code: "0534", until: 2019-12-31}}]}}]
elements:
  - id: vision
    kind: vision
    title: V
    template: {template}
""",
        encoding="utf-8",
    )
    return tmp_path


@pytest.mark.parametrize(
    ("template", "code", "where"),
    [
        ("dropp", P.BAD_VALUE, "did you mean 'drop'"),
        ("{mark: adapt, hint: x, replace: {title: '{regoin}'}}", P.BAD_VALUE, "placeholder"),
        ("{mark: keep, names: [X]}", P.UNKNOWN_FIELD, "names"),
        ("{replace: [title]}", P.TYPE, "mapping"),
        ("{replace: {'not a field': x}}", P.BAD_VALUE, "not a field"),
    ],
)
def test_a_wrong_template_mark_is_a_problem_at_its_place(
    tmp_path: Path, template: str, code: str, where: str
) -> None:
    result = validate_plan(_tiny(tmp_path, template))
    found = [p for p in result.errors if p.code == code]
    assert found, [str(p) for p in result.problems]
    assert found[0].location is not None and found[0].location.line == 10  # the template line
    assert re.search(where, f"{found[0].message} {found[0].hint}")


def test_the_example_marks_validate_and_change_no_verdict() -> None:
    """Marks are read by the schema and ignored by evaluation: the golden reports check the verdicts."""
    assert validate_plan(EXAMPLE).errors == ()
    text = "".join(p.read_text(encoding="utf-8") for p in EXAMPLE.glob("*.yaml"))
    assert text.count("template: drop") >= 20 and "mark: adapt" in text


# -- a small template, edited line by line ------------------------------------------------

TEMPLATE = """\
# The plan of Testregionen: its two municipalities, and Testbrua.
regionplan: 1
plan:
  id: test-plan
  template:
    mark: adapt
    hint: check the title
    replace:
      description: {nb: "Planen for {region} ({members}).", en: "The plan for {region} ({members})."}
  title: {nb: Plan for Testregionen, en: Plan for Testregionen}
  period: {start: 2021, end: 2030}
  owner: council
  description:
    nb: Planen for de to kommunene i Testregionen, med Testbrua.
    en: The plan of the two municipalities of Testregionen, with Testbrua.

region:
  id: testregionen
  name: {nb: Testregionen, en: Testregionen}
  template:
    names: [Testbrua]
  municipalities:
    - id: ullensaker
      name: {nb: Ullensaker, en: Ullensaker}
      codes:
        - {code: "0235", until: 2019-12-31}
        - {code: "3033", from: 2020-01-01, until: 2023-12-31}
        - {code: "3209", from: 2024-01-01}
    - id: nannestad
      name: {nb: Nannestad, en: Nannestad}
      codes:
        - {code: "0238", until: 2019-12-31}
        - {code: "3036", from: 2020-01-01, until: 2023-12-31}
        - {code: "3238", from: 2024-01-01}

actors:
  - id: council
    template: drop
    name: {nb: Testrådet, en: The Test council}
  - id: ullensaker-kommune
    name: {nb: Ullensaker kommune, en: Ullensaker municipality}
    kind: municipality
    municipality: ullensaker
  - id: nannestad-kommune
    name: {nb: Nannestad kommune, en: Nannestad municipality}
    kind: municipality
    municipality: nannestad
  - id: business
    name: {nb: Næringslivet, en: Business}  # the region's enterprises

elements:
  # -- Goals ----------------------------------------------------------------
  - id: vision
    kind: vision
    template:
      mark: adapt
      hint: write the vision
      replace:
        title: {nb: "Visjonen for {region}", en: "The vision for {region}"}
    title:
      nb: Broen over Testbrua
      en: The bridge over Testbrua

  - id: goal
    kind: main_goal
    title:
      nb: >-
        Flere arbeidsplasser i Testregionen, i alle de to kommunene, og særlig i
        kunnskapsbaserte næringer
      en: More jobs in Testregionen
    contributes_to: [vision]

  # -- The council's own projects --------------------------------------------
  - id: bridge
    kind: project
    template: drop
    title: {nb: Testbrua, en: Testbrua}
    contributes_to: [goal]
    responsible: [council]

  - id: bridge-study
    kind: project
    title: {nb: Utredning, en: A study}
    contributes_to: [bridge]

  # -- Shared work -----------------------------------------------------------
  - id: business-work
    kind: project
    title: {nb: Næringsarbeid, en: Business development}
    contributes_to: [goal]
    responsible:
      - council
      - ullensaker-kommune
      - nannestad-kommune

  - id: advocacy
    kind: action
    title: {nb: Interessepolitikk, en: Advocacy}
    contributes_to: [goal]
    responsible: [council]

metrics:
  - id: offerings
    title: {nb: Tilbud, en: Offerings}
    unit: offering
    direction: increase
    source: {name: inline, unit: offering, area: region, values: []}

targets:
  - id: t-offerings
    element: goal
    metric: offerings
    kind: milestone
    value: 1
    deadline: "2030"
  - id: t-bridge
    element: bridge
    metric: offerings
    kind: milestone
    value: 1
    deadline: "2030"
"""

EXPECTED = """\
# The plan of Hadeland: its three municipalities, and Testbrua.
regionplan: 1
plan:
  id: hadeland-plan
  title: {nb: Plan for Hadeland, en: Plan for Hadeland}
  period: {start: 2021, end: 2030}
  description: {nb: "Planen for Hadeland (Gran, Lunner og Jevnaker).", en: "The plan for Hadeland (Gran, Lunner and Jevnaker)."}

region:
  id: hadeland
  name: {nb: Hadeland, en: Hadeland}
  county:
    nb: 'Innlandet og Akershus (til 2019: Oppland; 2020–2023: Innlandet og Viken)'
    en: 'Innlandet and Akershus (until 2019: Oppland; 2020–2023: Innlandet and Viken)'
  description:
    nb: De tre kommunene Gran, Lunner og Jevnaker.
    en: The three municipalities Gran, Lunner and Jevnaker.
  municipalities:
    - id: gran
      name: {nb: Gran, en: Gran}
      codes:
        - {code: "0534", until: 2019-12-31}
        - {code: "3446", from: 2020-01-01}
    - id: lunner
      name: {nb: Lunner, en: Lunner}
      codes:
        - {code: "0533", until: 2019-12-31}
        - {code: "3054", from: 2020-01-01, until: 2023-12-31}
        - {code: "3234", from: 2024-01-01}
    - id: jevnaker
      name: {nb: Jevnaker, en: Jevnaker}
      codes:
        - {code: "0532", until: 2019-12-31}
        - {code: "3053", from: 2020-01-01, until: 2023-12-31}
        - {code: "3236", from: 2024-01-01}

actors:
  - id: gran-kommune
    name: {nb: Gran kommune, en: Gran municipality}
    kind: municipality
    municipality: gran
  - id: lunner-kommune
    name: {nb: Lunner kommune, en: Lunner municipality}
    kind: municipality
    municipality: lunner
  - id: jevnaker-kommune
    name: {nb: Jevnaker kommune, en: Jevnaker municipality}
    kind: municipality
    municipality: jevnaker
  - id: business
    name: {nb: Næringslivet, en: Business}  # the region's enterprises

elements:
  # -- Goals ----------------------------------------------------------------
  - id: vision
    kind: vision
    title: {nb: "Visjonen for Hadeland", en: "The vision for Hadeland"}

  - id: goal
    kind: main_goal
    title:
      nb: >-
        Flere arbeidsplasser i Hadeland, i alle de tre kommunene, og særlig i
        kunnskapsbaserte næringer
      en: More jobs in Hadeland
    contributes_to: [vision]

  # -- Shared work -----------------------------------------------------------
  - id: business-work
    kind: project
    title: {nb: Næringsarbeid, en: Business development}
    contributes_to: [goal]
    responsible:
      - gran-kommune
      - lunner-kommune
      - jevnaker-kommune

  - id: advocacy
    kind: action
    title: {nb: Interessepolitikk, en: Advocacy}
    contributes_to: [goal]

metrics:
  - id: offerings
    title: {nb: Tilbud, en: Offerings}
    unit: offering
    direction: increase
    source: {name: inline, unit: offering, area: region, values: []}

targets:
  - id: t-offerings
    element: goal
    metric: offerings
    kind: milestone
    value: 1
    deadline: "2030"
"""


def test_new_edits_the_template_line_by_line(tmp_path: Path) -> None:
    """What is dropped goes with the heading that named only it; every other line stays as written."""
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "plan.yaml").write_text(TEMPLATE, encoding="utf-8")
    assert validate_plan(tmp_path / "t").errors == ()
    written = new_plan(tmp_path / "t", tmp_path / "new", name="Hadeland", codes=["3446", "Lunner", "3236"])
    assert {p.name for p in written} == {"plan.yaml", "ADAPT.md", "README.md"}
    assert (tmp_path / "new" / "plan.yaml").read_text(encoding="utf-8") == EXPECTED
    assert validate_plan(tmp_path / "new").errors == ()
    adapt = (tmp_path / "new" / "ADAPT.md").read_text(encoding="utf-8")
    assert "- [ ] `plan.yaml:3` plan `hadeland-plan` «Plan for Hadeland»: check the title" in adapt
    assert "- [ ] `plan.yaml:55` vision `vision` «Visjonen for Hadeland»: write the vision" in adapt
    assert "- [ ] `plan.yaml:78` action `advocacy` «Interessepolitikk»: say who is responsible" in adapt
    assert "- [ ] `plan.yaml:1` names Testbrua: rewrite or delete it" in adapt  # comments are kept
    for dropped in ("actor `council`", "element `bridge`", "element `bridge-study`", "target `t-bridge`"):
        assert f"- {dropped}: " in adapt
    assert "it contributed only to dropped elements (bridge)" in adapt


def test_a_template_in_json_is_adapted_too(tmp_path: Path) -> None:
    import yaml

    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "plan.json").write_text(
        json.dumps(yaml.safe_load(TEMPLATE), default=str), encoding="utf-8"
    )
    new_plan(tmp_path / "t", tmp_path / "new", name="Hadeland", codes=["3446", "3234", "3236"])
    doc = json.loads((tmp_path / "new" / "plan.json").read_text(encoding="utf-8"))
    assert [e["id"] for e in doc["elements"]] == ["vision", "goal", "business-work", "advocacy"]
    assert doc["region"]["municipalities"][1]["codes"][-1] == {"code": "3234", "from": "2024-01-01"}
    assert validate_plan(tmp_path / "new").errors == ()


def test_the_example_comments_and_untouched_files_survive(tmp_path: Path) -> None:
    new_plan(EXAMPLE, tmp_path / "h", name="Hadeland", codes=["3446", "3234", "3236"])
    same = (tmp_path / "h" / "targets.yaml").read_text(encoding="utf-8")
    assert same == (EXAMPLE / "targets.yaml").read_text(encoding="utf-8")
    for name in ("goals.yaml", "actions.yaml", "metrics.yaml", "questions.yaml"):
        old = [
            line
            for line in (EXAMPLE / name).read_text(encoding="utf-8").splitlines()
            if line.strip().startswith("# -- ")
        ]
        new = (tmp_path / "h" / name).read_text(encoding="utf-8")
        kept = [line for line in old if line in new]
        # only the headings of what was dropped whole go: the input from RU and from the advisers,
        # and the local copy of the 30–66 education figures
        assert len(old) - len(kept) == {"questions.yaml": 2, "metrics.yaml": 1}.get(name, 0), name
    assert not (tmp_path / "h" / "data").exists()  # the template's files hold its own members only
    assert not (tmp_path / "h" / "SOURCE.md").exists()


def test_members_the_templates_files_cover_keep_them(tmp_path: Path) -> None:
    new_plan(EXAMPLE, tmp_path / "un", name="Ullensaker og Nannestad", codes=["3209", "3238"])
    data = tmp_path / "un" / "data"
    assert (data / "education_level_30_66_2011_2020_whole_population.csv").is_file()
    assert (data / "PROVENANCE.md").is_file()
    assert "residents_30_66" in (tmp_path / "un" / "metrics.yaml").read_text(encoding="utf-8")


# -- three regions the example does not contain, through the command line, offline ---------

REGIONS = [
    # members that left Buskerud for Viken in 2020, and went back to Buskerud in 2024
    ("Drammensregionen", ("3301", "3312", "3314", "3316")),
    # a region in two counties: Gran in Innlandet, Lunner and Jevnaker in Akershus
    ("Hadeland", ("3446", "3234", "3236")),
    # Troms, Troms og Finnmark 2020–2023, Troms again
    ("Tromsø-regionen", ("5501", "5532", "5534")),
]


def _bundled(name: str) -> list[dict[str, str]]:
    """The rows of a bundled SSB table, read straight from the package's file."""
    folder = importlib.resources.files("regionplan._resources").joinpath("norway")
    found = [f for f in folder.iterdir() if f.name.startswith(name) and f.name.endswith(".csv.gz")]
    assert len(found) == 1, found
    with gzip.open(str(found[0]), "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _expected(rows: list[dict[str, str]], column: str, codes: dict[str, set[str]]) -> dict[str, float]:
    """The region's sum per year: each member's value in the codes valid that year."""
    out: dict[str, float] = {}
    for row in rows:
        if row["code"] in codes.get(row["year"], set()):
            out[row["year"]] = out.get(row["year"], 0.0) + float(row[column])
    return out


@pytest.mark.parametrize(("name", "codes"), REGIONS)
def test_a_new_region_reports_with_nothing_of_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, codes: tuple[str, ...]
) -> None:
    monkeypatch.setenv("REGIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    target = tmp_path / "plan"
    made = runner.invoke(
        cli,
        ["new", str(target), "--from", str(EXAMPLE), "--name", name, *(a for c in codes for a in ("-m", c))],
    )
    assert made.exit_code == 0, made.output
    assert "ADAPT.md" in made.output
    valid = runner.invoke(cli, ["validate", str(target)])
    assert valid.exit_code == 0 and "\n0 error(s)" in valid.output, valid.output

    plan = regionplan.load_plan(target)
    county_text = plan.region.county.get("nb")
    # the old region's words, and counties that are not in this region's own history
    forbidden = OLD_WORDS + tuple(c for c in ("Viken", "Akershus", "Oppland") if c not in county_text)
    reports = {}
    for fmt, lang in (("md", "nb"), ("md", "en"), ("json", "nb"), ("html", "en")):
        out = runner.invoke(
            cli, ["report", str(target), "--format", fmt, "--lang", lang, "--offline", "--as-of", AS_OF]
        )
        assert out.exit_code == 0, out.output
        reports[fmt, lang] = out.output
        assert _named(out.output, forbidden) == [], (fmt, lang)
    assert name in reports["md", "nb"]
    assert [m["code"] for m in json.loads(reports["json", "nb"])["region"]["members"]] == list(codes)

    # ADAPT.md names what is left, each at a file and line where it is
    adapt = (target / "ADAPT.md").read_text(encoding="utf-8")

    def line_at(file: str, line: str) -> str:
        return (target / file).read_text(encoding="utf-8").splitlines()[int(line) - 1]

    places = re.findall(r"`([\w./-]+\.yaml):(\d+)` ([a-z][a-z ]*?) `([\w.-]+)` «", adapt)
    assert len(places) >= 8
    for file, line, kind, item in places:
        text = line_at(file, line)
        assert (f"id: {item}" in text) if kind != "plan" else text == "plan:", (file, line, item)
    for file, line, words in re.findall(r"`([\w./-]+\.yaml):(\d+)` names (.*?): rewrite", adapt):
        text = line_at(file, line)  # what is left of the old region: comments, kept as written
        assert text.lstrip().startswith("#") and _named(text, tuple(words.split(", "))), text
    assert "vision `vision` «Visjonen for " + name + " (skrives)»" in adapt

    # population and jobs: real figures for the new members, from the bundled copy, offline
    result = regionplan.evaluate(
        plan, as_of=AS_OF, context=SourceContext(base_dir=target, offline=True, cache_dir=tmp_path / "cache")
    )
    members = plan.region.municipalities
    for metric, column, day, years in (
        ("population", "population", (1, 1), ("2005", "2019", "2020", "2024")),
        ("jobs", "employed_by_workplace", (12, 31), ("2017", "2019", "2020", "2022")),
    ):
        # each year in the codes valid on the day counted: 1 January, or the end of the 4th quarter
        codes_by_year = {y: {c for m in members for c in _codes_on(m, dt.date(int(y), *day))} for y in years}
        expected = _expected(_bundled(metric), column, codes_by_year)
        series = result.data[metric].regions
        got = {p.label[:4]: float(series.values[0, j]) for j, p in enumerate(series.periods)}
        for year in years:
            assert got[year] == expected[year] > 0, (metric, year)


def _codes_on(m: regionplan.plan.model.Municipality, day: dt.date) -> list[str]:
    return [
        c.code
        for c in m.codes
        if (c.valid_from is None or c.valid_from <= day) and (c.valid_until is None or day <= c.valid_until)
    ]


# -- the how-to, command by command --------------------------------------------------------


def test_the_adapt_howto_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command of the how-to runs, offline, and prints what the how-to shows."""
    monkeypatch.setenv("REGIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")  # the how-to's ../hadeland is then tmp_path / "hadeland"
    text = HOWTO.read_text(encoding="utf-8")
    for example in re.findall(r"```python\n(.*?)```", text, re.DOTALL):
        test = doctest.DocTestParser().get_doctest(example, {}, "adapt-the-plan", str(HOWTO), 0)
        assert doctest.DocTestRunner().run(test).failed == 0
    blocks = re.findall(r"```(sh|text|markdown)\n(.*?)```", text, re.DOTALL)
    assert [kind for kind, _ in blocks].count("sh") >= 3
    runner = CliRunner()
    shown = ""
    places = {"examples/gardermoregionen": str(EXAMPLE)}
    for kind, body in blocks:
        if kind == "text":  # what the command before it prints
            for line in body.strip().splitlines():
                assert line in shown, f"the how-to shows {line!r}; the command printed {shown!r}"
        elif kind == "markdown":  # lines of ADAPT.md
            adapt = (tmp_path / "hadeland" / "ADAPT.md").read_text(encoding="utf-8")
            for line in body.strip().splitlines():
                assert line in adapt, line
        else:
            for command in body.replace("\\\n", " ").strip().splitlines():
                args = [places.get(a, a) for a in shlex.split(command)]
                assert args[0] == "regionplan"
                result = runner.invoke(cli, args[1:])
                assert result.exit_code == 0, (command, result.output)
                shown = result.output
    report = (tmp_path / "work" / "hadeland.html").read_text(encoding="utf-8")
    assert "Hadeland" in report and "Kilde: Statistisk sentralbyrå" in report
    assert _named(report, OLD_WORDS) == []
