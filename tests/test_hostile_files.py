"""Hostile files through the real command line: files that are not files, files outside the
plan's folder, and files in the wrong encoding.

Every case asserts the exit code (1 for plan problems, 3 for other user errors, never 4) and
that the message names the file, with its line and column where there is one. Cases that
could block (a FIFO) run in a separate process under a timeout; big files are sparse.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner, Result

import regionplan
from regionplan.cli import EXIT_PLAN, EXIT_USER, cli
from regionplan.data.attempts import FailureKind
from regionplan.data.dataset import fetch_data
from regionplan.plan.safefiles import (
    FileRefusal,
    RefusedFile,
    SizeLimit,
    bad_text,
    open_regular,
    read_bytes,
)
from regionplan.testing import MINIMAL_PLAN, write_plan

ROOT = Path(__file__).resolve().parent.parent
JOBS_CSV = Path(__file__).parent / "data" / "tabular" / "employment_11618_2017_2022.csv"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
needs_devices = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")

#: A metric read from a CSV file; ``{path}`` is the file as the plan writes it.
JOBS_METRIC = """\
metrics:
  - id: jobs
    title: Arbeidsplasser
    unit: job
    direction: increase
    period: Q4
    source:
      name: csv
      path: {path}
      columns: {{area: code_at_time, period: year, value: employed_by_workplace_jobs}}
      filter: {{age: "15-74"}}
      unit: job
targets:
  - {{id: more-jobs, element: main-goal, metric: jobs, kind: level, value: 30000, deadline: "2030"}}
"""


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """The command line in this process (for cases that cannot block)."""
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    assert result.exit_code != 4, result.output
    return result


def invoke_bounded(*args: str | Path, fifos: Sequence[Path] = (), timeout: float = 20) -> Result:
    """:func:`invoke` in a thread the test waits for at most ``timeout`` seconds: a command
    that blocks on a FIFO fails the test instead of hanging the run."""
    box: list[Result | BaseException] = []

    def work() -> None:
        try:
            box.append(invoke(*args))
        except BaseException as exc:  # handed to the test's thread
            box.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        for fifo in fifos:  # a writer lets the blocked reader go
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        worker.join(5)
        pytest.fail(f"'regionplan {args[0]}' blocked for {timeout} s")
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def run(*args: str | Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """The console entry point in a fresh process, under a timeout (for cases that could block)."""
    done = subprocess.run(
        [sys.executable, "-c", "from regionplan.cli import main; main()", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    assert done.returncode != 4, done.stderr
    return done


_DRIVER = """
import json, sys
from click.testing import CliRunner
from regionplan.cli import cli
runs = [CliRunner().invoke(cli, args) for args in json.loads(sys.argv[1])]
print(json.dumps([[r.exit_code, r.output] for r in runs]))
"""


def run_bounded(
    *commands: Sequence[str | Path], memory: int = 1_000_000_000, timeout: float = 60
) -> list[Result]:
    """Commands in one fresh process with at most ``memory`` bytes of address space and
    ``timeout`` seconds: a command that reads a device or a huge file fails the test, not the
    machine. Each result has ``exit_code`` and ``output``."""

    def bound() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, json.dumps([[str(a) for a in c] for c in commands])],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        preexec_fn=bound,
    )
    assert done.returncode == 0, done.stderr
    results = []
    for code, output in json.loads(done.stdout):
        assert code != 4, output
        text = output.encode()
        results.append(Result(CliRunner(), text, b"", text, None, code, None))
    return results


def plan_with(folder: Path, extra: str = "", **files: str) -> Path:
    return write_plan(folder, MINIMAL_PLAN + textwrap.dedent(extra), **files)


def plan_including(folder: Path, include: str) -> Path:
    """A plan whose main file includes ``include`` on line 2, column 11."""
    root = write_plan(folder, MINIMAL_PLAN)
    text = (root / "plan.yaml").read_text(encoding="utf-8")
    (root / "plan.yaml").write_text(text.replace("regionplan: 1\n", f"regionplan: 1\ninclude: [{include}]\n"))
    return root


def jobs_plan(folder: Path, path: str, *, allow: Sequence[str] = ()) -> Path:
    """A plan with one metric read from the CSV file ``path``; :func:`where_path` says where."""
    text = MINIMAL_PLAN + JOBS_METRIC.format(path=path)
    if allow:
        listed = ", ".join(allow)
        text = text.replace(
            "period: {start: 2021, end: 2030}\n",
            f"period: {{start: 2021, end: 2030}}\n  allow_paths: [{listed}]\n",
            1,
        )
    return write_plan(folder, text)


def where_path(folder: Path) -> str:
    """``plan.yaml:LINE:COLUMN`` of the metric's source path in a :func:`jobs_plan`."""
    lines = (folder / "plan.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, t in enumerate(lines, 1) if t.strip().startswith("path:"))
    return f"plan.yaml:{line}:{lines[line - 1].index('path:') + 7}"


# -- files that are not files -------------------------------------------------------------


@needs_devices
def test_a_main_file_that_links_to_a_device_is_refused_unread(tmp_path: Path) -> None:
    commands: list[list[str | Path]] = []
    for device in ("/dev/zero", "/dev/urandom"):
        folder = tmp_path / device.rsplit("/", 1)[1]
        folder.mkdir()
        (folder / "plan.yaml").symlink_to(device)
        commands += [["validate", folder], ["validate", folder / "plan.yaml"]]
    for result in run_bounded(*commands):
        assert result.exit_code == EXIT_PLAN
        assert "plan.yaml: error RP020: the plan file plan.yaml is a device" in result.output


@needs_devices
def test_an_include_that_links_to_a_device_is_refused_unread(tmp_path: Path) -> None:
    commands: list[list[str | Path]] = []
    for device in ("/dev/zero", "/dev/urandom"):
        name = device.rsplit("/", 1)[1]
        folder = plan_including(tmp_path / name, "part.yaml")
        (folder / "part.yaml").symlink_to(device)
        written_absolute = plan_including(tmp_path / f"{name}-absolute", device)
        # the device lies outside the plan's folder; allowed, it is still no file to read
        commands += [["validate", folder], ["validate", folder, "--allow-path", "/dev"]]
        commands += [["validate", written_absolute, "--allow-path", "/dev"]]
    results = run_bounded(*commands)
    for i, device in enumerate(("/dev/zero", "/dev/urandom")):
        outside, allowed, absolute = results[3 * i : 3 * i + 3]
        assert outside.exit_code == allowed.exit_code == absolute.exit_code == EXIT_PLAN
        assert (
            f"plan.yaml:2:11: error RP022: the included file part.yaml (a link to {device})" in outside.output
        )
        assert "plan.yaml:2:11: error RP020: the included file part.yaml is a device" in allowed.output
        assert f"plan.yaml:2:11: error RP020: the included file {device} is a device" in absolute.output


@needs_fifo
def test_a_fifo_as_include_or_main_file_does_not_block(tmp_path: Path) -> None:
    folder = plan_including(tmp_path / "plan", "part.yaml")
    os.mkfifo(folder / "part.yaml")
    done = invoke_bounded("validate", folder, fifos=[folder / "part.yaml"])
    assert done.exit_code == EXIT_PLAN
    assert "plan.yaml:2:11: error RP020: the included file part.yaml is a FIFO" in done.output
    os.mkfifo(tmp_path / "fifo.yaml")
    main = run("validate", tmp_path / "fifo.yaml")  # the real entry point, in its own process
    assert main.returncode == EXIT_PLAN
    assert "fifo.yaml: error RP020: the plan file fifo.yaml is a FIFO" in main.stdout


def test_a_symbolic_link_loop_is_named_as_one(tmp_path: Path) -> None:
    folder = plan_including(tmp_path / "plan", "part.yaml")
    (folder / "part.yaml").symlink_to(folder / "other.yaml")
    (folder / "other.yaml").symlink_to(folder / "part.yaml")
    result = invoke("validate", folder)
    assert result.exit_code == EXIT_PLAN
    assert (
        "plan.yaml:2:11: error RP020: the included file part.yaml is a loop of symbolic links"
        in result.output
    )
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    main = invoke("validate", tmp_path / "loop.yaml")
    assert main.exit_code == EXIT_PLAN
    assert "loop.yaml: error RP020: the plan file loop.yaml is a loop of symbolic links" in main.output


def test_a_folder_named_plan_yaml_is_named_as_a_folder(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").mkdir()
    result = invoke("validate", tmp_path)
    assert result.exit_code == EXIT_PLAN
    assert "plan.yaml: error RP020: the plan file plan.yaml is a folder, not a file" in result.output
    folder = plan_including(tmp_path / "plan", "parts")
    (folder / "parts").mkdir()
    included = invoke("validate", folder)
    assert "plan.yaml:2:11: error RP020: the included file parts is a folder" in included.output


def test_an_oversize_plan_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    folder = plan_including(tmp_path / "plan", "big.yaml")
    with open(folder / "big.yaml", "wb") as fh:
        fh.truncate(3_000_000_000)  # sparse: no disk used, and reading it would take minutes
    (result,) = run_bounded(["validate", folder])
    assert result.exit_code == EXIT_PLAN
    assert "plan.yaml:2:11: error RP021: the included file big.yaml is 3,000.0 MB" in result.output
    assert "REGIONPLAN_MAX_PLAN_FILE_MB" in result.output
    # the limit is the user's to set; the message says which variable
    small = invoke("validate", plan_with(tmp_path / "small"), env={"REGIONPLAN_MAX_PLAN_FILE_MB": "0.0001"})
    assert small.exit_code == EXIT_PLAN
    assert "error RP021: the plan file plan.yaml is 0.0 MB, more than the 0.0001 MB" in small.output
    bad = invoke("validate", plan_with(tmp_path / "bad"), env={"REGIONPLAN_MAX_PLAN_FILE_MB": "lots"})
    assert bad.exit_code == EXIT_USER
    assert "REGIONPLAN_MAX_PLAN_FILE_MB must be a number of megabytes" in bad.output


# -- files outside the plan's folder ------------------------------------------------------


def test_includes_outside_the_folder_are_refused_however_written(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "actors.yaml").write_text("actors:\n  - {id: council, name: Rådet}\n", encoding="utf-8")
    cases = {
        "relative": "../shared/actors.yaml",
        "absolute": str(shared / "actors.yaml"),
        "linked": "linked.yaml",
    }
    for name, include in cases.items():
        folder = plan_including(tmp_path / name, include)
        (folder / "linked.yaml").symlink_to(shared / "actors.yaml")
        result = invoke("validate", folder)
        assert result.exit_code == EXIT_PLAN, name
        assert "plan.yaml:2:11: error RP022: the included file" in result.output, name
        assert "lies outside the plan's folder; it is not read" in result.output, name
        assert "council" not in result.output
        # allowed by the command line: read, with a warning that says so
        allowed = invoke("validate", folder, "--allow-path", shared)
        assert allowed.exit_code == 0, allowed.output
        shown = "linked.yaml" if name == "linked" else "../shared/actors.yaml"
        assert f"plan.yaml:2:11: warning RP023: the included file {shown}" in allowed.output
        assert f"read because of --allow-path {shared}" in allowed.output


def test_a_plan_allows_a_folder_outside_in_its_plan_section_only(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "actors.yaml").write_text("actors:\n  - {id: council, name: Rådet}\n", encoding="utf-8")
    folder = plan_including(tmp_path / "plan", "../shared/actors.yaml")
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    allowing = text.replace(
        "period: {start: 2021, end: 2030}\n", "period: {start: 2021, end: 2030}\n  allow_paths: [../shared]\n"
    )
    (folder / "plan.yaml").write_text(allowing, encoding="utf-8")
    result = invoke("validate", folder)
    assert result.exit_code == 0, result.output
    assert "warning RP023: the included file ../shared/actors.yaml" in result.output
    assert "read because of allow_paths ../shared" in result.output
    plan = regionplan.load_plan(folder)
    assert plan.meta.allow_paths == ("../shared",)
    assert plan.allowed_paths == (str(shared.resolve()),)
    # an included file cannot widen what the plan reads
    (folder / "plan.yaml").write_text(
        text.replace("include: [../shared/actors.yaml]", "include: [more.yaml]")
    )
    (folder / "more.yaml").write_text("plan:\n  allow_paths: [/]\n", encoding="utf-8")
    widened = invoke("validate", folder)
    assert widened.exit_code == EXIT_PLAN
    assert "more.yaml:2:3: error RP008: allow_paths counts only in the main plan file" in widened.output


def test_a_csv_path_to_etc_passwd_is_refused_and_its_content_never_shown(tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    climb = "../" * len(folder.resolve().parts) + "etc/passwd"  # to / from anywhere
    for path in ("../../../../etc/passwd", climb):
        jobs_plan(folder, path)
        result = invoke("validate", folder)
        assert result.exit_code == EXIT_PLAN
        assert (
            f"{where_path(folder)}: error RP022: the file {path}, which the metric 'jobs' reads, lies outside"
            in result.output
        )
    passwd = Path("/etc/passwd")
    secret = (
        passwd.read_text(encoding="utf-8", errors="replace").split("\n")[0]
        if passwd.exists()
        else "root:x:0:0"
    )
    outputs = [invoke("validate", folder, "--format", "json")]
    for command in (
        ["evaluate", "--format", "json"],
        ["evaluate"],
        ["report", "--format", "html"],
        ["report", "--format", "json"],
    ):
        outputs.append(
            invoke(command[0], folder, *command[1:], "--offline", "--cache-dir", tmp_path / "cache")
        )
    for result in outputs:
        assert result.exit_code == EXIT_PLAN
        assert secret not in result.output and "root:x:" not in result.output


def test_a_plan_built_in_code_cannot_read_outside_either(tmp_path: Path) -> None:
    """The sources refuse a path outside the folder themselves, whatever validation said."""
    secret = tmp_path / "secret.csv"
    secret.write_text(
        "code_at_time,year,employed_by_workplace_jobs,age\nTOP-SECRET,2020,1,15-74\n", encoding="utf-8"
    )
    plan = regionplan.load_plan(jobs_plan(tmp_path / "plan", "jobs.csv"))
    metric = plan.metrics[0]
    query = {**metric.sources[0].query, "path": "../secret.csv"}
    hostile = attrs.evolve(
        plan, metrics=(attrs.evolve(metric, sources=(attrs.evolve(metric.sources[0], query=query),)),)
    )
    data = fetch_data(hostile)
    (failure,) = data["jobs"].failures
    assert failure.kind is FailureKind.OUTSIDE_FOLDER
    assert "../secret.csv lies outside the plan's folder and is not read" in failure.detail
    assert "TOP-SECRET" not in repr(data["jobs"])


def test_sources_outside_the_folder_are_refused_unless_allowed_and_then_named(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "jobs.csv").write_bytes(JOBS_CSV.read_bytes())
    folder = tmp_path / "plan"
    for path in ("../shared/jobs.csv", str(shared / "jobs.csv"), "linked.csv"):
        jobs_plan(folder, path)
        if not (folder / "linked.csv").is_symlink():
            (folder / "linked.csv").symlink_to(shared / "jobs.csv")
        result = invoke("validate", folder)
        assert result.exit_code == EXIT_PLAN
        assert f"{where_path(folder)}: error RP022: the file {path}" in result.output
    jobs_plan(folder, "../shared/jobs.csv", allow=["../shared"])
    allowed = invoke("validate", folder)
    assert allowed.exit_code == 0, allowed.output
    assert (
        f"{where_path(folder)}: warning RP023: the file ../shared/jobs.csv, which the metric 'jobs' reads,"
        in allowed.output
    )
    evaluated = invoke(
        "evaluate", folder, "--offline", "--cache-dir", tmp_path / "cache", "--as-of", "2026-11-26"
    )
    assert evaluated.exit_code == 0, evaluated.output
    # the data's origin names the file read outside the plan's folder
    data = fetch_data(regionplan.load_plan(folder))
    (delivered,) = data["jobs"].origin.delivered
    assert delivered.outside == str((shared / "jobs.csv").resolve())
    assert delivered.location == "../shared/jobs.csv"
    # --allow-path does the same for a plan that does not allow it itself
    jobs_plan(folder, "../shared/jobs.csv")
    by_command = invoke("validate", folder, "--allow-path", shared)
    assert by_command.exit_code == 0 and "read because of --allow-path" in by_command.output


# -- data files that are not files --------------------------------------------------------


@needs_fifo
def test_a_fifo_as_csv_source_does_not_block(tmp_path: Path) -> None:
    folder = jobs_plan(tmp_path / "plan", "jobs.csv")
    fifo = folder / "jobs.csv"
    os.mkfifo(fifo)
    fetched = invoke_bounded("fetch", folder, "--cache-dir", tmp_path / "cache", fifos=[fifo])
    assert fetched.exit_code == EXIT_USER
    assert "jobs: no data (csv: jobs.csv is a FIFO (named pipe), not a regular file)" in fetched.output
    evaluated = invoke_bounded(
        "evaluate", folder, "--offline", "--cache-dir", tmp_path / "cache", "--lang", "en", fifos=[fifo]
    )
    assert evaluated.exit_code == 0, evaluated.output
    assert "jobs.csv is not a regular file" in evaluated.output


@needs_devices
def test_a_csv_source_linked_to_a_device_is_refused(tmp_path: Path) -> None:
    folder = jobs_plan(tmp_path / "plan", "/dev/zero", allow=["/dev"])
    (result,) = run_bounded(["fetch", folder, "--cache-dir", tmp_path / "cache"])
    assert result.exit_code == EXIT_USER
    assert "csv: /dev/zero is a device (such as /dev/zero), not a regular file" in result.output


def test_an_oversize_data_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    folder = jobs_plan(tmp_path / "plan", "jobs.csv")
    with open(folder / "jobs.csv", "wb") as fh:
        fh.truncate(3_000_000_000)  # sparse
    (result,) = run_bounded(["fetch", folder, "--cache-dir", tmp_path / "cache"])
    assert result.exit_code == EXIT_USER
    assert "csv: jobs.csv is 3,000.0 MB, more than the 50 MB a data file may have" in result.output
    assert "REGIONPLAN_MAX_DATA_FILE_MB" in result.output


@needs_fifo
def test_a_fifo_as_jsonstat_file_or_milestone_register_does_not_block(tmp_path: Path) -> None:
    extra = """\
    metrics:
      - id: people
        title: Befolkning
        unit: person
        direction: increase
        source: {name: jsonstat, path: people.json}
      - id: done
        title: Ferdige milepæler
        unit: count
        direction: increase
        source: {name: milestones, path: register.csv, measure: done_count}
    """
    folder = plan_with(tmp_path / "plan", extra)
    fifos = [folder / "people.json", folder / "register.csv"]
    for fifo in fifos:
        os.mkfifo(fifo)
    validated = invoke_bounded("validate", folder, fifos=fifos)  # the milestones plugin reads its register
    assert validated.exit_code == 0, validated.output
    assert "the milestone register cannot be read: register.csv is a FIFO" in validated.output
    fetched = invoke_bounded("fetch", folder, "--cache-dir", tmp_path / "cache", fifos=fifos)
    assert fetched.exit_code == EXIT_USER
    assert "people.json is a FIFO (named pipe), not a regular file" in fetched.output
    assert "register.csv is a FIFO (named pipe), not a regular file" in fetched.output


# -- encodings and the like ---------------------------------------------------------------


def test_a_latin1_plan_file_names_file_line_column_encoding_and_fix(tmp_path: Path) -> None:
    folder = plan_with(tmp_path / "plan")
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    (folder / "plan.yaml").write_bytes(text.encode("latin-1"))  # "Hovedmål" on line 17
    result = invoke("validate", folder)
    assert result.exit_code == EXIT_PLAN
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "Hovedmål" in t)
    column = text.splitlines()[line - 1].index("å") + 1
    assert (
        f"plan.yaml:{line}:{column}: error RP024: the plan file plan.yaml is not UTF-8 text" in result.output
    )
    assert "the byte 0xE5" in result.output and "looks like Windows-1252 or Latin-1" in result.output
    assert "save the file as UTF-8" in result.output


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le"])
def test_a_utf16_include_is_named_as_utf16(tmp_path: Path, codec: str) -> None:
    folder = plan_including(tmp_path / "plan", "actors.yaml")
    (folder / "actors.yaml").write_bytes("actors:\n  - {id: council, name: Rådet}\n".encode(codec))
    result = invoke("validate", folder)
    assert result.exit_code == EXIT_PLAN
    assert (
        "actors.yaml:1:1: error RP024: the included file actors.yaml is UTF-16 text; plan files are UTF-8"
        in result.output
    )


def test_nul_and_control_characters_and_second_documents_have_a_line(tmp_path: Path) -> None:
    folder = plan_including(tmp_path / "plan", "actors.yaml")
    (folder / "actors.yaml").write_bytes(b"actors:\n  - {id: council, name: R\x00det}\n")
    nul = invoke("validate", folder)
    assert nul.exit_code == EXIT_PLAN
    assert "actors.yaml:2:26: error RP024: the included file actors.yaml holds a NUL character" in nul.output
    (folder / "actors.yaml").write_bytes(b"actors:\n  - {id: council, name: R\x07det}\n")
    bell = invoke("validate", folder)
    assert "actors.yaml:2:26: error RP001: the control character U+0007 is not allowed" in bell.output
    (folder / "actors.yaml").write_text(
        "actors: []\n---\nactors:\n  - {id: council, name: Rådet}\n", encoding="utf-8"
    )
    two = invoke("validate", folder)
    assert two.exit_code == EXIT_PLAN
    assert (
        "actors.yaml:2:1: error RP001: a plan file holds one YAML document, this one has several"
        in two.output
    )


def test_a_latin1_or_utf16_csv_names_file_line_and_encoding(tmp_path: Path) -> None:
    folder = jobs_plan(tmp_path / "plan", "jobs.csv")
    text = JOBS_CSV.read_text(encoding="utf-8").replace("Nannestad", "Nannestæd")
    (folder / "jobs.csv").write_bytes(text.encode("latin-1"))
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "Nannestæd" in t)
    column = text.splitlines()[line - 1].index("æ") + 1
    result = invoke("fetch", folder, "--cache-dir", tmp_path / "cache")
    assert result.exit_code == EXIT_USER
    assert f"jobs.csv:{line}:{column}: cannot read the file as utf-8-sig (the byte 0xE6)" in result.output
    assert "looks like Windows-1252" in result.output and "encoding: cp1252" in result.output
    (folder / "jobs.csv").write_bytes(text.encode("utf-16"))
    wide = invoke("fetch", folder, "--cache-dir", tmp_path / "cache")
    assert "jobs.csv:1:1: cannot read the file as utf-8-sig" in wide.output
    assert "it looks like UTF-16" in wide.output and "encoding: utf-16" in wide.output


def test_a_broken_jsonstat_file_names_line_and_column(tmp_path: Path) -> None:
    extra = """\
    metrics:
      - id: people
        title: Befolkning
        unit: person
        direction: increase
        source: {name: jsonstat, path: people.json}
    """
    folder = plan_with(tmp_path / "plan", extra)
    (folder / "people.json").write_text('{"version": "2.0",\n "class": "dataset",\n "value": [1, 2,, 3]}\n')
    result = invoke("fetch", folder, "--cache-dir", tmp_path / "cache")
    assert result.exit_code == EXIT_USER
    assert "people.json:3:17: not valid JSON" in result.output


# -- the safe opening itself --------------------------------------------------------------


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "growing.csv"
    path.write_bytes(b"a" * 100)
    limit = SizeLimit(1_000, "a test file", "TEST_LIMIT")
    with open_regular(path, limit) as fh:
        with open(path, "ab") as more:  # the file grows after it was checked and opened
            more.write(b"b" * 5_000)
        with pytest.raises(RefusedFile) as info:
            fh.read()
    assert info.value.reason is FileRefusal.TOO_LARGE and "grew while it was read" in str(info.value)
    assert read_bytes(tmp_path / "growing.csv", SizeLimit(10_000, "a test file", "TEST_LIMIT")).startswith(
        b"a"
    )


def test_bad_text_finds_the_first_bad_byte_and_guesses_the_encoding() -> None:
    assert bad_text("æøå\nok\n".encode()) is None
    bad = bad_text("ok\nBodø og Tromsø\n".encode("cp1252"))
    assert bad is not None and (bad.line, bad.column, bad.byte) == (2, 4, 0xF8)
    assert bad.looks_like.startswith("Windows-1252")
    nul = bad_text(b"a\nbc\x00d\n")
    assert nul is not None and (nul.line, nul.column, nul.byte) == (2, 3, None)
    wide = bad_text("a: 1\n".encode("utf-16-le"))
    assert wide is not None and wide.looks_like == "UTF-16"
    assert bad_text("a: 1\n".encode("utf-16"), "utf-16") is None


def test_validation_as_json_gives_the_file_and_place(tmp_path: Path) -> None:
    folder = plan_including(tmp_path / "plan", "../elsewhere.yaml")
    result = invoke("validate", folder, "--format", "json")
    assert result.exit_code == EXIT_PLAN
    (problem,) = [p for p in json.loads(result.stdout) if p["severity"] == "error"]
    assert (problem["code"], problem["file"], problem["line"], problem["column"]) == (
        "RP022",
        "plan.yaml",
        2,
        11,
    )


def test_allow_paths_survive_writing_the_plan_back(tmp_path: Path) -> None:
    from regionplan.plan.files import dump_yaml

    folder = jobs_plan(tmp_path / "plan", "jobs.csv", allow=["../shared", "/data/ssb"])
    plan = regionplan.load_plan(folder)
    again = write_plan(tmp_path / "again", dump_yaml(plan))
    assert regionplan.load_plan(again).meta.allow_paths == ("../shared", "/data/ssb")


def test_a_nul_character_in_an_include_name_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    folder = plan_including(tmp_path / "plan", '"part\\0.yaml"')
    result = invoke("validate", folder)
    assert result.exit_code == EXIT_PLAN
    assert (
        "plan.yaml:2:11: error RP002: the included file part\\0.yaml is not a valid file name"
        in result.output
    )


def test_an_excel_zip_bomb_is_refused_before_it_unpacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook is a zip archive: the size its parts unpack to counts, not the file's."""
    import zipfile

    from regionplan.data.sources.tabular import read_excel
    from regionplan.errors import DataSourceError

    monkeypatch.setenv("REGIONPLAN_MAX_DATA_FILE_MB", "1")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)  # 5 MB of zeros, a few KB packed
    assert bomb.stat().st_size < 100_000
    with pytest.raises(DataSourceError, match=r"bomb\.xlsx unpacks to 5\.0 MB, more than the 1 MB"):
        read_excel(bomb, sheet=None, header_row=1, label="data/bomb.xlsx")
