"""The plan as a workbook: export, edit a cell with openpyxl, import; the plan files change
in that place only, their comments kept. Bad cells are named by sheet, row and column, and
nothing is written; a hostile workbook gets a clear error."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import regionplan
from regionplan.cli import EXIT_PLAN, EXIT_USER, cli
from regionplan.plan.model import Role
from regionplan.scaffold.workbook import InvalidChanges, WorkbookError, export_workbook, import_workbook

openpyxl = pytest.importorskip("openpyxl")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gardermoregionen"
MILESTONE = "t-higher-education-offering-by-2030"
BALANCE = "t-main-jobs-keep-pace-with-population"


@pytest.fixture
def plan_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "plan"))


def _texts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yaml"))}


def _export(plan_dir: Path) -> Any:
    return openpyxl.load_workbook(io.BytesIO(export_workbook(regionplan.load_plan(plan_dir))))


def _row(sheet: Any, key: str, col: int = 1) -> int:
    return next(c.row for c in sheet[openpyxl.utils.get_column_letter(col)] if c.value == key)


def _save(book: Any, path: Path) -> Path:
    book.save(path)
    return path


def test_the_export_holds_the_plans_elements_targets_and_responsibilities(plan_dir: Path) -> None:
    plan = regionplan.load_plan(plan_dir)
    book = _export(plan_dir)
    assert book.sheetnames == ["elements", "targets", "responsibilities", "actors", "about"]
    elements = book["elements"]
    assert [c.value for c in elements[1]] == [
        "id",
        "kind",
        "number",
        "title_nb",
        "title_en",
        "contributes_to",
    ]
    assert [c.value for c in elements["A"][1:]] == [e.id for e in plan.elements]
    assert elements.freeze_panes == "A2"
    targets = book["targets"]
    row = _row(targets, MILESTONE)
    assert targets.cell(row, 5).value == 1 and targets.cell(row, 5).data_type == "n"
    assert targets.cell(row, 7).value == "2030" and targets.cell(row, 7).data_type == "s"
    listed = [tuple(c.value for c in r) for r in book["responsibilities"].iter_rows(min_row=2)]
    assert listed == [(r.actor, e.id, r.role.value) for e in plan.elements for r in e.responsible]


def test_an_edited_cell_changes_the_plan_file_in_that_place_only(plan_dir: Path, tmp_path: Path) -> None:
    before = _texts(plan_dir)
    book = _export(plan_dir)
    targets = book["targets"]
    row = _row(targets, MILESTONE)
    targets.cell(row, 5).value = 2  # value
    targets.cell(row, 7).value = 2028  # deadline, typed as a number
    targets.cell(_row(targets, BALANCE), 9).value = "Arbeidsplassene vokser raskere enn befolkningen"
    result = import_workbook(plan_dir, _save(book, tmp_path / "edited.xlsx"))
    assert result.written and [f.path.name for f in result.files] == ["targets.yaml"]
    after = _texts(plan_dir)
    assert {n for n in before if before[n] != after[n]} == {"targets.yaml"}
    old, new = before["targets.yaml"].decode().splitlines(), after["targets.yaml"].decode().splitlines()
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert changed == [
        ("      nb: Arbeidsplassene vokser minst like raskt som befolkningen fra 2019",
         "      nb: Arbeidsplassene vokser raskere enn befolkningen"),
        ("    value: 1", "    value: 2"),
        ('    deadline: "2030"', '    deadline: "2028"'),
    ]  # fmt: skip
    # every comment of the file is still there
    assert [line for line in old if line.lstrip().startswith("#")] == [
        line for line in new if line.lstrip().startswith("#")
    ]
    plan = regionplan.load_plan(plan_dir)
    milestone = next(t for t in plan.targets if t.id == MILESTONE)
    assert milestone.value == 2 and milestone.deadline == "2028"


def test_a_file_with_windows_line_ends_keeps_them(plan_dir: Path, tmp_path: Path) -> None:
    targets = plan_dir / "targets.yaml"
    old = targets.read_bytes().replace(b"\n", b"\r\n")
    targets.write_bytes(old)
    book = _export(plan_dir)
    book["targets"].cell(_row(book["targets"], MILESTONE), 5).value = 2
    import_workbook(plan_dir, _save(book, tmp_path / "crlf.xlsx"))
    new = targets.read_bytes()
    assert new.count(b"\r\n") == old.count(b"\r\n") and b"\n" not in new.replace(b"\r\n", b"")
    assert new == old.replace(b"    value: 1\r\n", b"    value: 2\r\n")


def test_a_title_in_one_language_gets_its_second(plan_dir: Path, tmp_path: Path) -> None:
    goals = plan_dir / "goals.yaml"
    one = "    title: Erstatte nedlagte arbeidsplasser\n"
    goals.write_text(
        goals.read_text().replace(
            "    title:\n      nb: Erstatte nedlagte arbeidsplasser som følge av pandemien med tilsvarende "
            "antall nye arbeidsplasser\n      en: Replace the jobs lost to the pandemic with an equal number "
            "of new jobs\n",
            one,
        )
    )
    assert one in goals.read_text()
    book = _export(plan_dir)
    book["elements"].cell(_row(book["elements"], "sub-goal-replace-lost-jobs"), 5).value = "Replace lost jobs"
    import_workbook(plan_dir, _save(book, tmp_path / "title.xlsx"))
    title = regionplan.load_plan(plan_dir).element("sub-goal-replace-lost-jobs").title
    assert title.get("nb") == "Erstatte nedlagte arbeidsplasser" and title.get("en") == "Replace lost jobs"


def test_responsibilities_are_added_removed_and_given_another_role(plan_dir: Path, tmp_path: Path) -> None:
    before = _texts(plan_dir)
    book = _export(plan_dir)
    sheet = book["responsibilities"]
    assert [c.value for c in sheet[2]] == ["grip", "ap1-advocacy", "owner"]
    assert [c.value for c in sheet[3]] == ["grip", "ap1-business-friendly", "owner"]
    sheet.cell(2, 3).value = "contributor"
    sheet.delete_rows(3)
    sheet.append(["nav", "ap1-offensive", "contributor"])
    sheet.append(["grip", "sub-goal-replace-lost-jobs", None])  # no role: owner
    import_workbook(plan_dir, _save(book, tmp_path / "edited.xlsx"))
    plan = regionplan.load_plan(plan_dir)
    owners = {e.id: {(r.actor, r.role) for r in e.responsible} for e in plan.elements}
    assert owners["ap1-advocacy"] == {("grip", Role.CONTRIBUTOR)}
    assert ("grip", Role.OWNER) not in owners["ap1-business-friendly"]
    assert ("nav", Role.CONTRIBUTOR) in owners["ap1-offensive"]
    assert owners["sub-goal-replace-lost-jobs"] == {("grip", Role.OWNER)}
    for name in ("actions.yaml", "goals.yaml"):
        old, new = before[name].decode(), (plan_dir / name).read_text()
        assert re.findall(r"(?m)^\s*#.*$", old) == re.findall(r"(?m)^\s*#.*$", new)
    actions = (plan_dir / "actions.yaml").read_text()
    assert "    responsible: [{actor: grip, role: contributor}]\n" in actions
    assert "    responsible: [grip]\n\n" in (plan_dir / "goals.yaml").read_text()


def test_bad_cells_are_named_by_sheet_row_and_column_and_nothing_is_written(
    plan_dir: Path, tmp_path: Path
) -> None:
    before = _texts(plan_dir)
    book = _export(plan_dir)
    targets = book["targets"]
    targets["E3"] = "abc"
    targets["G5"] = "20x"
    targets["A6"] = "no-such-target"
    targets["I2"] = ""
    book["responsibilities"].append(["nobody", "ap1-offensive", "boss"])
    n = book["responsibilities"].max_row
    with pytest.raises(WorkbookError) as caught:
        import_workbook(plan_dir, _save(book, tmp_path / "bad.xlsx"))
    found = [str(p) for p in caught.value.problems]
    assert found == [
        "targets!I2: title_nb is empty: a title cannot be removed here (change it in the plan files)",
        "targets!E3: value 'abc' is not a number",
        "targets!G5: deadline '20x': not a period: '20x' (expected 2020, 2020Q4, 2020-05 or 2020-01-01)",
        "targets!A6: no target 'no-such-target' in the plan (add new targets in the plan files)",
        f"responsibilities!A{n}: no actor 'nobody' in the plan (the actors sheet lists them)",
        f"responsibilities!C{n}: role 'boss' is neither contributor nor owner",
    ]
    assert "nothing was written" in str(caught.value)
    assert _texts(plan_dir) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.000", "value '1.000' could be read two ways, as 1000 or as 1,0: write 1000 or 1 000 for the one, 1,0 for the other, or type the number as a number"),
        ("12,500", "value '12,500' could be read two ways, as 12500 or as 12,5: write 12500 or 12 500 for the one, 12,5 for the other, or type the number as a number"),
        ("1.000.000", "value '1.000.000' has more than one point or comma: separate thousands with spaces only and write one decimal sign (1 000 000 or 1 000,5), or type the number as a number"),
        ("1.000,5", "value '1.000,5' has more than one point or comma: separate thousands with spaces only and write one decimal sign (1 000 000 or 1 000,5), or type the number as a number"),
    ],
)  # fmt: skip
def test_a_number_as_text_with_a_thousands_separator_is_refused_not_guessed(
    plan_dir: Path, tmp_path: Path, text: str, message: str
) -> None:
    before = _texts(plan_dir)
    book = _export(plan_dir)
    targets = book["targets"]
    row = _row(targets, MILESTONE)
    targets.cell(row, 5).value = text
    with pytest.raises(WorkbookError) as caught:
        import_workbook(plan_dir, _save(book, tmp_path / "grouped.xlsx"))
    assert [str(p) for p in caught.value.problems] == [f"targets!E{row}: {message}"]
    assert _texts(plan_dir) == before


@pytest.mark.parametrize(
    ("text", "value"), [("1 000", 1000), ("1\u00a0000", 1000), ("2,5", 2.5), ("2.5", 2.5), ("0,125", 0.125)]
)
def test_a_number_as_text_that_reads_one_way_only_is_taken(
    plan_dir: Path, tmp_path: Path, text: str, value: float
) -> None:
    book = _export(plan_dir)
    targets = book["targets"]
    targets.cell(_row(targets, MILESTONE), 5).value = text
    import_workbook(plan_dir, _save(book, tmp_path / "plain.xlsx"))
    milestone = next(t for t in regionplan.load_plan(plan_dir).targets if t.id == MILESTONE)
    assert milestone.value == value


def test_changes_that_make_the_plan_invalid_leave_the_files_as_they_were(
    plan_dir: Path, tmp_path: Path
) -> None:
    before = _texts(plan_dir)
    book = _export(plan_dir)
    book["targets"].cell(_row(book["targets"], BALANCE), 8).value = -3  # a negative tolerance
    book["targets"].cell(_row(book["targets"], MILESTONE), 5).value = 3  # a valid change beside it
    with pytest.raises(InvalidChanges) as caught:
        import_workbook(plan_dir, _save(book, tmp_path / "invalid.xlsx"))
    assert caught.value.errors and all(p.is_error for p in caught.value.problems)
    assert _texts(plan_dir) == before


def test_a_note_for_a_changed_column_that_is_only_shown(plan_dir: Path, tmp_path: Path) -> None:
    book = _export(plan_dir)
    book["elements"]["B2"] = "main_goal"
    result = import_workbook(plan_dir, _save(book, tmp_path / "kind.xlsx"), dry_run=True)
    assert [str(n) for n in result.notes] == [
        "elements!B2: kind is not read from the workbook; change it in the plan files"
    ]
    assert not result.files


def test_a_formula_is_never_taken_for_a_value(plan_dir: Path, tmp_path: Path) -> None:
    book = _export(plan_dir)
    book["targets"]["E5"] = "=1+1"
    with pytest.raises(WorkbookError) as caught:
        import_workbook(plan_dir, _save(book, tmp_path / "formula.xlsx"))
    assert [str(p) for p in caught.value.problems] == [
        "targets!E5: value is a formula (=1+1); type the value itself"
    ]


def test_plan_text_starting_with_an_equals_sign_is_exported_as_text(plan_dir: Path, tmp_path: Path) -> None:
    targets = plan_dir / "targets.yaml"
    text = targets.read_text()
    targets.write_text(text.replace("nb: Flere nyetablerte foretak hvert år", 'nb: "=SUM(A1:A9)"'))
    book = _export(plan_dir)
    cell = book["targets"].cell(_row(book["targets"], "t-new-enterprises-rise"), 9)
    assert cell.value == "=SUM(A1:A9)" and cell.data_type == "s"
    # and it reads back as the same text: no change
    assert not import_workbook(plan_dir, _save(book, tmp_path / "same.xlsx")).files


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda book: book.remove(book["targets"]), "the workbook has no sheet 'targets'"),
        (
            lambda book: book["targets"].cell(1, 5, "amount"),
            "targets!E1: the column is 'amount', not 'value'",
        ),
        (lambda book: book["elements"].cell(30_000, 1, "x"), "declares 30,000 rows and 6 columns"),
        (lambda book: book["elements"].cell(2, 200, "x"), "rows and 200 columns, more than a plan workbook"),
    ],
)
def test_a_workbook_of_the_wrong_shape_gets_a_clear_error(
    plan_dir: Path, tmp_path: Path, spoil: Any, message: str
) -> None:
    book = _export(plan_dir)
    spoil(book)
    with pytest.raises(WorkbookError, match=re.escape(message)):
        import_workbook(plan_dir, _save(book, tmp_path / "spoilt.xlsx"))


def test_a_sheet_that_declares_huge_dimensions_is_refused_before_it_is_read(
    plan_dir: Path, tmp_path: Path
) -> None:
    exported, lying = io.BytesIO(export_workbook(regionplan.load_plan(plan_dir))), tmp_path / "lying.xlsx"
    with zipfile.ZipFile(exported) as source, zipfile.ZipFile(lying, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":  # the targets
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
            target.writestr(info, data)
    with pytest.raises(WorkbookError) as caught:
        import_workbook(plan_dir, lying)
    assert [str(p) for p in caught.value.problems] == [
        "targets!A1: the sheet declares 1,048,576 rows and 16,384 columns, more than a plan workbook "
        "holds (at most 20,000 rows and 64 columns)"
    ]


def test_a_file_that_is_no_workbook_or_unpacks_too_far_is_refused(
    plan_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = tmp_path / "plan.xlsx"
    text.write_text("id,kind\n")
    with pytest.raises(WorkbookError, match="not an Excel workbook"):
        import_workbook(plan_dir, text)
    bomb = tmp_path / "bomb.xlsx"  # synthetic: 3 MB of zeros, compressed to a few kB
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 3_000_000)
    monkeypatch.setenv("REGIONPLAN_MAX_DATA_FILE_MB", "1")
    with pytest.raises(WorkbookError, match=r"unpacks to 3\.0 MB, more than the 1 MB"):
        import_workbook(plan_dir, bomb)


def test_the_cli_exports_and_imports_with_a_dry_run_first(plan_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    refused = runner.invoke(cli, ["export", str(plan_dir)])
    assert refused.exit_code == EXIT_USER and "-o" in refused.output
    out = tmp_path / "plan.xlsx"
    exported = runner.invoke(cli, ["export", str(plan_dir), "--format", "xlsx", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    book = openpyxl.load_workbook(out)
    book["targets"].cell(_row(book["targets"], MILESTONE), 5).value = 2
    book.save(out)
    before = _texts(plan_dir)
    dry = runner.invoke(cli, ["import", str(plan_dir), str(out), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "-    value: 1\n+    value: 2\n" in dry.output and "dry run: nothing written" in dry.output
    assert _texts(plan_dir) == before
    done = runner.invoke(cli, ["import", str(plan_dir), str(out)])
    assert done.exit_code == 0 and "the plan validates" in done.output
    assert "    value: 2\n" in (plan_dir / "targets.yaml").read_text()
    book["targets"]["E3"] = "abc"
    book.save(out)
    bad = runner.invoke(cli, ["import", str(plan_dir), str(out)])
    assert bad.exit_code == EXIT_USER and "targets!E3: value 'abc' is not a number" in bad.output
    assert "Traceback" not in bad.output
    book["targets"]["E3"] = None
    book["targets"].cell(_row(book["targets"], BALANCE), 8).value = -3
    book.save(out)
    invalid = runner.invoke(cli, ["import", str(plan_dir), str(out)])
    assert invalid.exit_code == EXIT_PLAN and "the plan files are as they were" in invalid.output


def test_a_workbook_exported_from_another_plan_is_refused(plan_dir: Path, tmp_path: Path) -> None:
    """Plans made from one template share ids: another plan's titles must not land in this one."""
    book = _export(plan_dir)
    book["targets"].cell(_row(book["targets"], MILESTONE), 5).value = 2
    edited = _save(book, tmp_path / "edited.xlsx")
    plan_file = plan_dir / "plan.yaml"
    plan_file.write_text(
        plan_file.read_text(encoding="utf-8").replace("id: gardermoregionen-snp", "id: other-plan", 1),
        encoding="utf-8",
    )
    before = _texts(plan_dir)
    with pytest.raises(
        WorkbookError, match="exported from the plan 'gardermoregionen-snp', not from 'other-plan'"
    ):
        import_workbook(plan_dir, edited)
    assert _texts(plan_dir) == before
    del book["about"]  # a workbook without its about sheet is still read
    assert import_workbook(plan_dir, _save(book, tmp_path / "bare.xlsx"), dry_run=True).files


def _about(path: Path) -> list[str]:
    return [row[0] for row in openpyxl.load_workbook(path)["about"].iter_rows(values_only=True)]


def test_the_about_sheet_is_in_the_plans_language_or_the_one_asked_for(
    plan_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    default, english = tmp_path / "nb.xlsx", tmp_path / "en.xlsx"
    assert runner.invoke(cli, ["export", str(plan_dir), "-o", str(default)]).exit_code == 0
    assert runner.invoke(cli, ["export", str(plan_dir), "-o", str(english), "--lang", "en"]).exit_code == 0
    nb = _about(default)  # the example plan's languages are nb, en
    assert nb[0] == "Denne arbeidsboken inneholder handlingsprogrammet til planen gardermoregionen-snp."
    assert nb[-1].startswith("Tall som tall, eller som tekst med desimalkomma (1,5)")
    for english_word in ("This workbook", "Edit it", "Read back", "Only shown", "Write values", "Numbers"):
        assert not any(line.startswith(english_word) for line in nb)
    en = _about(english)
    assert en[0] == "This workbook holds the action programme of the plan gardermoregionen-snp."
    assert len(en) == len(nb) == 7
    plan_file = plan_dir / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    assert "languages: [nb, en]" in text
    plan_file.write_text(text.replace("languages: [nb, en]", "languages: [en, nb]", 1), encoding="utf-8")
    english_first = tmp_path / "en-first.xlsx"
    assert runner.invoke(cli, ["export", str(plan_dir), "-o", str(english_first)]).exit_code == 0
    assert _about(english_first) == en
    # a workbook with either language's about sheet is known as this plan's
    for book in (default, english):
        assert import_workbook(plan_dir, book, dry_run=True).files == ()


def test_the_cli_shows_an_import_command_that_works_with_spaces(plan_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "handlingsprogram 2025 æ.xlsx"
    exported = CliRunner().invoke(cli, ["export", str(plan_dir), "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    assert f"then: regionplan import {plan_dir} '{out}'" in exported.output


def test_a_change_is_described_as_the_plan_writes_it(plan_dir: Path, tmp_path: Path) -> None:
    book = _export(plan_dir)
    targets = book["targets"]
    targets.cell(_row(targets, MILESTONE), 5).value = 2
    targets.cell(_row(targets, BALANCE), 7).value = 2030  # a deadline where there was none
    result = import_workbook(plan_dir, _save(book, tmp_path / "described.xlsx"), dry_run=True)
    lines = [line for f in result.files for line in f.changes]
    assert f"targets!E5: target {MILESTONE}: value: 1 -> 2" in lines
    assert f"targets!G2: target {BALANCE}: deadline: (none) -> '2030'" in lines
