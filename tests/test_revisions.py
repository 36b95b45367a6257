"""Plan revisions compared: ``regionplan.diff`` and ``regionplan diff``, with plans in folders and in git."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner, Result

import regionplan
from regionplan.cli import EXIT_INTERNAL, EXIT_PLAN, EXIT_USAGE, EXIT_USER, cli, gitplans
from regionplan.cli.gitplans import plan_path, split_spec
from regionplan.cli.revisions import EXIT_DIFFERENT, render_text
from regionplan.plan.files import load_plan
from regionplan.plan.model import (
    Contribution,
    Element,
    ElementKind,
    Label,
    Municipality,
    MunicipalityCode,
    Plan,
    Responsibility,
    Role,
    SourceSpec,
    TargetKind,
)
from regionplan.plan.revisions import Change, ChangeKind, Subject, diff

EXAMPLE = Path(__file__).parent.parent / "examples" / "gardermoregionen"
MOVED_BLOCK = """  - id: q-anchoring
    kind: open_question
    title: {nb: Forankring?, en: Anchoring (formal political adoption)?}
    contributes_to: [main-goal]
"""
NEW_PROJECT = """
  - id: ap1-airport-city-study
    kind: project
    number: "I.9"
    title: {nb: Utredning av flyplassbyen, en: A study of the airport city}
    contributes_to: [ap1]
    responsible: [grip]
"""


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(EXAMPLE)


def _copy(tmp_path: Path, name: str = "plan") -> Path:
    folder = tmp_path / name
    shutil.copytree(EXAMPLE, folder)
    return folder


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    file.write_text(text.replace(old, new), encoding="utf-8")


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["diff", *args])


def _revise(folder: Path) -> None:
    """One target's deadline moved, one project added, one element moved to another file."""
    _edit(folder / "targets.yaml", 'value: 1\n    deadline: "2030"', 'value: 1\n    deadline: "2032"')
    (folder / "actions.yaml").write_text(
        (folder / "actions.yaml").read_text(encoding="utf-8") + NEW_PROJECT, encoding="utf-8"
    )
    _edit(folder / "questions.yaml", MOVED_BLOCK, "")
    (folder / "conditions.yaml").write_text(
        (folder / "conditions.yaml").read_text(encoding="utf-8") + "\n" + MOVED_BLOCK, encoding="utf-8"
    )


# -- the example and its revision ---------------------------------------------------------


def test_a_plan_compared_with_itself_has_no_changes(plan: Plan) -> None:
    result = regionplan.diff(plan, load_plan(EXAMPLE))
    assert isinstance(result, regionplan.PlanDiff)
    assert not result
    assert result.changes == ()


def test_the_revised_copy_reports_exactly_the_deadline_and_the_new_project(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _revise(folder)
    assert "q-anchoring" in (folder / "conditions.yaml").read_text(encoding="utf-8")
    out = _invoke(str(EXAMPLE), str(folder), "--format", "json")
    assert out.exit_code == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["regionplan_diff"] == 1
    assert doc["counts"] == {"added": 1, "removed": 0, "moved": 0, "changed": 1}
    by_subject = {c["subject"]: c for c in doc["changes"]}
    assert len(doc["changes"]) == 2
    target = by_subject["target"]
    assert (target["kind"], target["id"], target["field"]) == (
        "changed",
        "t-higher-education-offering-by-2030",
        "deadline",
    )
    assert (target["old"], target["new"]) == ("2030", "2032")
    added = by_subject["element"]
    assert (added["kind"], added["id"], added["field"]) == ("added", "ap1-airport-city-study", None)
    assert added["new"]["kind"] == "project"
    assert added["new"]["title"] == {"nb": "Utredning av flyplassbyen", "en": "A study of the airport city"}


def test_the_text_is_grouped_by_subject_in_the_readers_language(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _revise(folder)
    nb = _invoke(str(EXAMPLE), str(folder))
    assert nb.exit_code == 0
    assert "Måltall (1)" in nb.stdout
    assert "t-higher-education-offering-by-2030: frist 2030 → 2032" in nb.stdout
    assert "lagt til  ap1-airport-city-study: Prosjekt/tiltak «Utredning av flyplassbyen»" in nb.stdout
    assert "2 endringer: 1 lagt til, 1 endret" in nb.stdout
    for english in ("Targets", "deadline", "added", "changes"):
        assert english not in nb.stdout
    en = _invoke(str(EXAMPLE), str(folder), "--lang", "en")
    assert "Targets (1)" in en.stdout
    assert "t-higher-education-offering-by-2030: deadline 2030 → 2032" in en.stdout
    assert "added    ap1-airport-city-study: Project/measure “A study of the airport city”" in en.stdout
    assert en.stdout.index("Elements (1)") < en.stdout.index("Targets (1)")


def test_a_decimal_is_written_with_a_comma_in_norwegian(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "targets.yaml", "    value: 1\n", "    value: 1.5\n")
    nb = _invoke(str(EXAMPLE), str(folder))
    assert "t-higher-education-offering-by-2030: målverdi 1 → 1,5" in nb.stdout
    en = _invoke(str(EXAMPLE), str(folder), "--lang", "en")
    assert "t-higher-education-offering-by-2030: value 1 → 1.5" in en.stdout


def test_markdown_lists_the_changes_with_plan_text_escaped(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder / "questions.yaml",
        "{nb: Forankring?, en: Anchoring (formal political adoption)?}",
        "{nb: Forankring?, en: '<b>*Anchoring*</b>'}",
    )
    out = _invoke(str(EXAMPLE), str(folder), "--format", "markdown", "--lang", "en")
    assert out.exit_code == 0
    assert out.stdout.startswith("# Changes to the plan")
    assert "## Elements (1)" in out.stdout
    assert "- **changed** q-anchoring: title (en)" in out.stdout
    assert "&lt;b&gt;\\*Anchoring\\*&lt;/b&gt;" in out.stdout
    assert "<b>" not in out.stdout


def test_reformatting_and_moving_between_files_is_no_change(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "questions.yaml", MOVED_BLOCK, "")
    moved = (
        "  # moved here, written another way\n"
        "  - contributes_to:\n      - 'main-goal'\n"
        '    title:\n      en: "Anchoring   (formal political\n        adoption)?"\n      nb: Forankring?\n'
        "    kind: open_question\n    id: q-anchoring\n"
    )
    (folder / "goals.yaml").write_text(
        (folder / "goals.yaml").read_text(encoding="utf-8") + "\n" + moved, encoding="utf-8"
    )
    out = _invoke(str(EXAMPLE), str(folder), "--exit-code")
    assert out.exit_code == 0, out.stdout + out.stderr
    assert "Ingen endringer." in out.stdout


def test_exit_code_flag_gives_5_when_the_plans_differ(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _revise(folder)
    assert _invoke(str(EXAMPLE), str(folder)).exit_code == 0
    assert _invoke(str(EXAMPLE), str(folder), "--exit-code").exit_code == 5
    assert _invoke(str(EXAMPLE), str(EXAMPLE), "--exit-code").exit_code == 0


def test_differences_and_a_plan_with_errors_have_distinct_exit_codes(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder / "targets.yaml",
        "    metric: jobs\n    kind: recovery",
        "    metric: nope\n    kind: recovery",
    )
    broken = _invoke(str(EXAMPLE), str(folder), "--exit-code")
    assert broken.exit_code == EXIT_PLAN == 1
    revised = _copy(tmp_path, "revised")
    _revise(revised)
    assert _invoke(str(EXAMPLE), str(revised), "--exit-code").exit_code == EXIT_DIFFERENT == 5
    assert EXIT_DIFFERENT not in {EXIT_PLAN, EXIT_USAGE, EXIT_USER, EXIT_INTERNAL}


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "changes.md"
    out = _invoke(str(EXAMPLE), str(EXAMPLE), "--format", "markdown", "-o", str(target))
    assert out.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# Endringer i planen")


# -- each kind of change, on the model ------------------------------------------------------


def _only(plan: Plan, revised: Plan) -> list[tuple[str, str, str, str | None, object, object]]:
    return [(c.kind.value, c.subject.value, c.id, c.field, c.old, c.new) for c in diff(plan, revised)]


def _with_element(plan: Plan, id: str, **changes: object) -> Plan:
    return attrs.evolve(
        plan, elements=tuple(attrs.evolve(e, **changes) if e.id == id else e for e in plan.elements)
    )


def test_removed_and_added_elements(plan: Plan) -> None:
    vision = plan.element("vision")
    added = Element(
        "new-goal",
        ElementKind.SUB_GOAL,
        Label({"nb": "Nytt delmål"}),
        contributes_to=(Contribution("main-goal"),),
    )
    revised = attrs.evolve(plan, elements=(*[e for e in plan.elements if e.id != "vision"], added))
    changes = list(diff(plan, revised))
    assert [(c.kind, c.subject, c.id) for c in changes] == [
        (ChangeKind.REMOVED, Subject.ELEMENT, "vision"),
        (ChangeKind.ADDED, Subject.ELEMENT, "new-goal"),
    ]
    assert changes[0].old["title"] == vision.title.as_dict()
    assert changes[1].new["contributes_to"] == [{"parent": "main-goal", "weight": 1.0}]


def test_a_new_parent_is_a_move_and_a_new_weight_a_change(plan: Plan) -> None:
    old = plan.element("ap1-advocacy")
    assert old.parents == ("ap1", "focus-united-visible")
    moved = _with_element(
        plan, "ap1-advocacy", contributes_to=(Contribution("ap1"), Contribution("focus-attractive"))
    )
    assert _only(plan, moved) == [
        (
            "moved",
            "element",
            "ap1-advocacy",
            "contributes_to",
            ["ap1", "focus-united-visible"],
            ["ap1", "focus-attractive"],
        )
    ]
    reordered = _with_element(plan, "ap1-advocacy", contributes_to=tuple(reversed(old.contributes_to)))
    assert _only(plan, reordered) == []
    weighed = _with_element(
        plan, "ap1-advocacy", contributes_to=(Contribution("ap1", 2.0), old.contributes_to[1])
    )
    assert _only(plan, weighed) == [("changed", "element", "ap1-advocacy", "weight.ap1", 1.0, 2.0)]


def test_a_reworded_title_is_one_change_per_language(plan: Plan) -> None:
    title = plan.element("vision").title.as_dict()
    reworded = _with_element(plan, "vision", title=Label({**title, "en": "A new vision"}))
    assert _only(plan, reworded) == [
        ("changed", "element", "vision", "title.en", title["en"], "A new vision")
    ]
    respaced = _with_element(
        plan, "vision", title=Label({k: f"  {v.replace(' ', chr(10))} " for k, v in title.items()})
    )
    assert _only(plan, respaced) == []


def test_responsibilities_added_removed_and_in_another_role(plan: Plan) -> None:
    element = plan.element("ap1-business-friendly")
    actors = [r.actor for r in element.responsible]
    assert actors[:2] == ["grip", "ullensaker-kommune"]
    revised = _with_element(
        plan,
        "ap1-business-friendly",
        responsible=(
            Responsibility("grip", Role.CONTRIBUTOR),
            *element.responsible[2:],
            Responsibility("ru"),
        ),
    )
    assert _only(plan, revised) == [
        ("removed", "responsibility", "ap1-business-friendly/ullensaker-kommune", None, "owner", None),
        ("changed", "responsibility", "ap1-business-friendly/grip", "role", "owner", "contributor"),
        ("added", "responsibility", "ap1-business-friendly/ru", None, None, "owner"),
    ]


def test_an_actor_renamed_and_a_member_added(plan: Plan) -> None:
    grip = plan.actor("grip")
    member = Municipality("lunner", Label({"nb": "Lunner"}), (MunicipalityCode("3054"),))
    revised = attrs.evolve(
        plan,
        actors=tuple(
            attrs.evolve(a, name=Label({"nb": "Gardermoregionen IKS"})) if a.id == "grip" else a
            for a in plan.actors
        ),
        region=attrs.evolve(plan.region, municipalities=(*plan.region.municipalities, member)),
    )
    changes = _only(plan, revised)
    assert changes[0][:4] == ("added", "municipality", "lunner", None)
    renamed = [
        ("changed", "actor", "grip", f"name.{lang}", text, "Gardermoregionen IKS" if lang == "nb" else None)
        for lang, text in sorted(grip.name.as_dict().items())
    ]
    assert changes[1:] == renamed
    assert len(changes) == 1 + len(renamed) >= 2


def test_target_fields_and_a_target_for_another_element(plan: Plan) -> None:
    target = plan.target("t-main-jobs-keep-pace-with-population")
    revised = attrs.evolve(
        plan,
        targets=tuple(
            attrs.evolve(
                t, element="vision", baseline="2020", tolerance=0.5, kind=TargetKind.CHANGE, change=5.0
            )
            if t.id == target.id
            else t
            for t in plan.targets
        ),
    )
    assert _only(plan, revised) == [
        ("moved", "target", target.id, "element", "main-goal", "vision"),
        ("changed", "target", target.id, "kind", "growth_vs", "change"),
        ("changed", "target", target.id, "change", None, 5.0),
        ("changed", "target", target.id, "baseline", "2019", "2020"),
        ("changed", "target", target.id, "tolerance", 0, 0.5),
    ]


def test_metric_unit_expression_and_sources(plan: Plan) -> None:
    derived = next(m for m in plan.metrics if m.derived)
    observed = next(m for m in plan.metrics if len(m.sources) == 1 and m.sources[0].name == "csv")
    source = observed.sources[0]

    def revise(**by_id: dict[str, object]) -> Plan:
        return attrs.evolve(
            plan, metrics=tuple(attrs.evolve(m, **by_id[m.id]) if m.id in by_id else m for m in plan.metrics)
        )

    spaced = derived.derived.replace(",", " ,  ").replace("(", "( ")  # type: ignore[union-attr]
    assert _only(plan, revise(**{derived.id: {"derived": spaced}})) == []
    assert _only(
        plan, revise(**{derived.id: {"derived": f"({derived.derived}) * 2", "unit": "percent"}})
    ) == [
        ("changed", "metric", derived.id, "derived", derived.derived, f"({derived.derived}) * 2"),
        ("changed", "metric", derived.id, "unit", derived.unit, "percent"),
    ]
    other_path = SourceSpec("csv", {**source.query, "path": "data/other.csv"})
    assert _only(plan, revise(**{observed.id: {"sources": (other_path,)}})) == [
        ("changed", "metric", observed.id, "sources.csv.path", source.query["path"], "data/other.csv")
    ]
    changes = _only(
        plan, revise(**{observed.id: {"sources": (SourceSpec("bundled", {"dataset": "jobs"}), source)}})
    )
    assert [c[:4] for c in changes] == [("changed", "metric", observed.id, "sources")]
    assert [s["name"] for s in changes[0][5]] == ["bundled", "csv"]  # type: ignore[union-attr]


def test_plan_metadata_and_unordered_lists(plan: Plan) -> None:
    revised = attrs.evolve(plan, meta=attrs.evolve(plan.meta, version="rullert 2022", period_end=2032))
    assert _only(plan, revised) == [
        ("changed", "plan", plan.meta.id, "period_end", 2030, 2032),
        ("changed", "plan", plan.meta.id, "version", plan.meta.version, "rullert 2022"),
    ]
    tool = plan.element("tool-live-work-thrive")
    with_sdgs = _with_element(plan, tool.id, sdg=("11.a", "8.3"))
    reordered = _with_element(with_sdgs, tool.id, sdg=("8.3", "11.a"))
    assert diff(with_sdgs, reordered).changes == ()
    result = diff(plan, with_sdgs)
    assert result.changes == (
        Change(ChangeKind.CHANGED, Subject.ELEMENT, tool.id, "sdg", ["11.a"], ["11.a", "8.3"]),
    )
    assert result.counts() == {"added": 0, "removed": 0, "moved": 0, "changed": 1}


# -- plans in git ------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the example in ``plans/gardermoregionen``: the example, then its revision."""
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "Planner")
    _git(root, "config", "user.email", "planner@example.org")
    folder = root / "plans" / "gardermoregionen"
    shutil.copytree(EXAMPLE, folder)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Plan 2021")
    _revise(folder)
    _git(root, "commit", "-q", "-am", "Revision 2022")
    return root


def test_two_revisions_in_git_without_checking_out(repo: Path) -> None:
    folder = repo / "plans" / "gardermoregionen"
    before = _git(repo, "status", "--porcelain")
    out = _invoke(f"{folder}@HEAD~1", f"{folder}@main", "--format", "json")
    assert out.exit_code == 0, out.stderr
    doc = json.loads(out.stdout)
    assert [(c["subject"], c["kind"]) for c in doc["changes"]] == [
        ("element", "added"),
        ("target", "changed"),
    ]
    assert doc["old"]["path"] == f"{folder}@HEAD~1"
    assert _git(repo, "status", "--porcelain") == before == ""
    assert _git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"


def test_a_revision_against_the_working_tree_and_a_plan_file_at_a_revision(repo: Path) -> None:
    folder = repo / "plans" / "gardermoregionen"
    (folder / "targets.yaml").write_text(
        (folder / "targets.yaml").read_text(encoding="utf-8").replace('deadline: "2032"', 'deadline: "2033"'),
        encoding="utf-8",
    )
    out = _invoke(f"{folder / 'plan.yaml'}@HEAD", str(folder), "--lang", "en")
    assert out.exit_code == 0, out.stderr
    assert "deadline 2032 → 2033" in out.stdout
    assert "1 change: 1 changed" in out.stdout
    # a folder removed from the working tree is still read from the revision
    shutil.rmtree(folder)
    again = _invoke(f"{folder}@HEAD~1", f"{folder}@HEAD", "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert len(json.loads(again.stdout)["changes"]) == 2


# -- mistakes and hostile input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("{repo}/plans/gardermoregionen@no-such-rev", "there is no revision 'no-such-rev'"),
        ("{repo}/plans/gardermoregionen@--output=/tmp/x", "is not a revision"),
        ("{repo}/plans/elsewhere@HEAD", "has no plans/elsewhere"),
        ("{repo}/plans/gardermoregionen@", "name a revision after '@'"),
        ("{tmp}/not-a-repo/plan@HEAD", "is not in a git repository"),
        ("{tmp}/no-such-folder", "there is no file or folder"),
    ],
)
def test_a_wrong_path_or_revision_is_a_user_error(
    repo: Path, tmp_path: Path, spec: str, message: str
) -> None:
    (tmp_path / "not-a-repo").mkdir()
    out = _invoke(spec.format(repo=repo, tmp=tmp_path), str(EXAMPLE))
    assert out.exit_code == EXIT_USER, out.stdout + out.stderr
    assert message in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_a_plan_with_errors_lists_its_problems(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder / "targets.yaml",
        "    metric: jobs\n    kind: recovery",
        "    metric: no_such_metric\n    kind: recovery",
    )
    out = _invoke(str(EXAMPLE), str(folder))
    assert out.exit_code == EXIT_PLAN
    assert f"new plan {folder}:" in out.stderr
    assert "targets.yaml:" in out.stderr
    assert "no_such_metric" in out.stderr
    assert "error(s)" in out.stderr
    assert out.stdout == ""


def test_a_path_that_exists_keeps_its_at_sign_and_a_revision_may_hold_one(tmp_path: Path) -> None:
    odd = tmp_path / "plan@2021"
    odd.mkdir()
    assert split_spec(str(odd)) == (odd, None)
    assert split_spec(f"{odd}@HEAD@{{1}}") == (odd, "HEAD@{1}")
    assert split_spec(f"{tmp_path}/missing@main") == (tmp_path / "missing", "main")
    assert split_spec("@HEAD~1") == (Path("."), "HEAD~1")


def test_links_in_a_revision_are_not_followed(repo: Path) -> None:
    folder = repo / "plans" / "gardermoregionen"
    outside = repo.parent / "secret.txt"
    outside.write_text("not part of the plan", encoding="utf-8")
    (folder / "secret.txt").symlink_to(outside)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "A link")
    with plan_path(f"{folder}@HEAD") as exported:
        assert (exported / "plan.yaml").is_file()
        assert (exported / "data" / "municipality_codes.csv").is_file()
        assert not (exported / "secret.txt").exists()
    assert not exported.exists()  # the copy is removed afterwards


def test_a_folder_too_large_to_copy_is_refused(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gitplans, "MAX_EXPORT_BYTES", 1000)
    out = _invoke(f"{repo / 'plans' / 'gardermoregionen'}@HEAD", str(EXAMPLE))
    assert out.exit_code == EXIT_USER
    assert "holds more than" in out.stderr


def test_a_revision_with_errors_lists_its_problems_by_file(repo: Path) -> None:
    folder = repo / "plans" / "gardermoregionen"
    _edit(
        folder / "targets.yaml",
        "    metric: jobs\n    kind: recovery",
        "    metric: nothing_here\n    kind: recovery",
    )
    _git(repo, "commit", "-q", "-am", "A broken revision")
    out = _invoke(f"{folder}@HEAD~1", f"{folder}@HEAD")
    assert out.exit_code == EXIT_PLAN
    assert f"new plan {folder}@HEAD:" in out.stderr
    assert any(
        line.startswith("targets.yaml:") and "nothing_here" in line for line in out.stderr.splitlines()
    )
    assert "Traceback" not in out.stderr


def test_removed_things_are_named_by_kind_and_title(plan: Plan) -> None:
    revised = attrs.evolve(
        plan,
        elements=tuple(e for e in plan.elements if e.id != "vision"),
        targets=plan.targets[1:],
    )
    text = render_text(diff(plan, revised), "en")
    vision = plan.element("vision").title.get("en")
    assert f"removed  vision: Vision “{vision}”" in text
    assert f"removed  {plan.targets[0].id}: “{plan.targets[0].title.get('en')}”" in text
    assert "Elements (1)" in text and "Targets (1)" in text


def test_the_reverse_comparison_swaps_added_and_removed_and_old_and_new(plan: Plan) -> None:
    revised = _with_element(
        attrs.evolve(plan, elements=tuple(e for e in plan.elements if e.id != "vision")),
        "ap1-advocacy",
        contributes_to=(Contribution("ap1"),),
        number="I.10",
    )
    forward, backward = diff(plan, revised), diff(revised, plan)
    swap = {ChangeKind.ADDED: ChangeKind.REMOVED, ChangeKind.REMOVED: ChangeKind.ADDED}
    mirrored = {
        (swap.get(c.kind, c.kind), c.subject, c.id, c.field, repr(c.new), repr(c.old)) for c in backward
    }
    assert {(c.kind, c.subject, c.id, c.field, repr(c.old), repr(c.new)) for c in forward} == mirrored
    assert [c.kind for c in forward] == [ChangeKind.REMOVED, ChangeKind.MOVED, ChangeKind.CHANGED]
