"""Plans as a git revision holds them: ``PATH@REV`` read with git, without checking anything out.

The plan's folder at the revision (the folder named, or the folder of the file named) is copied
from git's object store into a temporary folder (``git ls-tree`` and ``git cat-file``), and the
plan is loaded from there as from any folder. Nothing in the working tree changes, and nothing
in the plan is run; symbolic links and submodules in the folder are left out.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from regionplan.errors import RegionplanError

__all__ = ["MAX_EXPORT_BYTES", "plan_path", "split_spec"]

#: The most a plan folder at a revision may hold, all files together (a guard against a wrong path).
MAX_EXPORT_BYTES = 512 * 1024 * 1024
_TIMEOUT_SECONDS = 120
_REGULAR_FILES = {"100644", "100755"}


def split_spec(spec: str) -> tuple[Path, str | None]:
    """``PATH@REV`` as its path and revision; a path that exists as written has no revision.

    The revision starts after the first ``@`` whose left part exists (``HEAD@{1}`` keeps its own
    ``@``), else after the first ``@``; an empty path is the current folder.
    """
    if "@" not in spec or os.path.lexists(spec):
        return Path(spec), None
    ats = [i for i, ch in enumerate(spec) if ch == "@"]
    cut = next((i for i in ats if i and os.path.lexists(spec[:i])), ats[0])
    path, rev = spec[:cut] or ".", spec[cut + 1 :]
    if not rev.strip():
        raise RegionplanError(f"{spec}: name a revision after '@' (for example {path}@HEAD~1)")
    return Path(path), rev


@contextlib.contextmanager
def plan_path(spec: str) -> Iterator[Path]:
    """The path to load the plan ``spec`` names from: the path itself, or, for ``PATH@REV``, a
    temporary copy of the plan's folder at that revision (removed afterwards).

    Raises:
        RegionplanError: no such path; no git, not in a repository, no such revision or no such path in it.
    """
    path, rev = split_spec(spec)
    if rev is None:
        if not os.path.lexists(path):
            raise RegionplanError(f"there is no file or folder {path}")
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="regionplan-rev-") as tmp:
        yield _export(spec, path, rev, Path(tmp))


def _export(spec: str, path: Path, rev: str, into: Path) -> Path:
    if rev.startswith("-"):
        raise RegionplanError(f"{spec}: {rev!r} is not a revision")
    absolute = Path(os.path.abspath(path))
    start = absolute
    while not start.is_dir():
        start = start.parent
    found = _git(start, "rev-parse", "--show-toplevel")
    if found.returncode != 0:
        raise RegionplanError(f"{spec}: {start} is not in a git repository{_said(found)}")
    top = Path(found.stdout.decode("utf-8", "surrogateescape").strip())
    inside = Path(os.path.relpath(os.path.realpath(start), os.path.realpath(top))) / absolute.relative_to(
        start
    )
    rel = PurePosixPath(inside.as_posix())
    if rel.parts[:1] == ("..",):
        raise RegionplanError(f"{spec}: {path} is outside the git repository {top}")
    commit = _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if commit.returncode != 0:
        raise RegionplanError(f"{spec}: there is no revision {rev!r} in the git repository {top}")
    sha = commit.stdout.decode().strip()
    name = "" if str(rel) == "." else str(rel)
    kind = _git(top, "cat-file", "-t", f"{sha}:{name}")
    if kind.returncode != 0:
        raise RegionplanError(f"{spec}: revision {rev} of {top} has no {name or 'top folder'}")
    is_file = kind.stdout.decode().strip() == "blob"
    folder = str(rel.parent) if is_file else name
    folder = "" if folder == "." else folder
    _copy_folder(top, sha, folder, into)
    return into / rel.name if is_file else into


def _copy_folder(top: Path, sha: str, folder: str, into: Path) -> None:
    listing = _git(top, "ls-tree", "-r", "-z", "-l", "--full-tree", sha, *(["--", folder] if folder else []))
    if listing.returncode != 0:
        raise RegionplanError(f"cannot list {folder or 'the top folder'} at {sha[:12]} in {top}")
    files: list[tuple[str, PurePosixPath]] = []
    total = 0
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        info, _, raw = entry.partition(b"\t")
        mode, kind, obj, size = info.decode().split()
        if kind != "blob" or mode not in _REGULAR_FILES:
            continue  # links and submodules: a plan read from git reads its own files only
        inner = PurePosixPath(raw.decode("utf-8", "surrogateescape"))
        part = inner.relative_to(folder) if folder else inner
        if part.is_absolute() or ".." in part.parts:
            continue
        total += int(size)
        if total > MAX_EXPORT_BYTES:
            raise RegionplanError(
                f"{folder or 'the top folder'} at {sha[:12]} holds more than {MAX_EXPORT_BYTES >> 20} MiB; "
                "name the plan's own folder"
            )
        files.append((obj, part))
    if not files:
        return
    batch = _git(top, "cat-file", "--batch", stdin=b"".join(obj.encode() + b"\n" for obj, _ in files))
    if batch.returncode != 0:
        raise RegionplanError(f"cannot read the files of {folder or 'the top folder'} at {sha[:12]} in {top}")
    out, at = batch.stdout, 0
    for _obj, part in files:
        header_end = out.index(b"\n", at)
        length = int(out[at:header_end].split()[2])
        content = out[header_end + 1 : header_end + 1 + length]
        at = header_end + 1 + length + 1
        target = into.joinpath(*part.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _said(done: subprocess.CompletedProcess[bytes]) -> str:
    """What git said on failing, as a short addition to a message (it may refuse a repository)."""
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return f" (git: {lines[0][:200]})" if lines else ""


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_TERMINAL_PROMPT": "0"}
    try:
        return subprocess.run(
            # hooks and file-system monitors are never needed to read objects: a repository's own
            # configuration cannot make reading it run a program
            ["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-C", str(cwd), *args],
            input=stdin,
            capture_output=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
            env=env,
        )
    except FileNotFoundError:
        raise RegionplanError(
            "git is not installed; reading a plan at a revision (PATH@REV) needs it"
        ) from None
    except subprocess.TimeoutExpired:
        raise RegionplanError(f"git took more than {_TIMEOUT_SECONDS} s in {cwd}") from None
