"""Opening the files a plan names: regular files only, of bounded size, inside the plan's folder.

Plan files, includes and data files are opened through :func:`open_regular` (or
:func:`read_bytes`), never with a bare ``open``. It refuses what is not a regular file (a
folder, a device such as ``/dev/zero``, a FIFO, a socket) and a symbolic link loop, and
checks the size before anything is read. The type is checked twice: by ``stat`` before the
file is opened (so a FIFO is never opened), then by ``fstat`` on the opened descriptor (so a
file swapped for something else in between is caught); the open itself does not block
(``O_NONBLOCK``). A file that grows past the limit while it is read is refused too.

The limits are :data:`PLAN_FILE_LIMIT_ENV` (default :data:`DEFAULT_PLAN_FILE_MB` MB per plan
file) and :data:`DATA_FILE_LIMIT_ENV` (default :data:`DEFAULT_DATA_FILE_MB` MB per data file),
environment variables in megabytes.

:func:`place` says whether a path lies inside the plan's folder, in a folder the plan or the
caller allows (``allow_paths``, ``--allow-path``), or outside both; symbolic links are
followed, so a link inside the folder to a file outside it is outside. :func:`bad_text`
finds where a file stops being text of an encoding (line and column of the first bad
byte) and what encoding it looks like.
"""

from __future__ import annotations

import enum
import errno
import io
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import attrs

from regionplan.errors import RegionplanError

__all__ = [
    "DATA_FILE_LIMIT_ENV",
    "PLAN_FILE_LIMIT_ENV",
    "Allowed",
    "BadText",
    "FileRefusal",
    "Placement",
    "RefusedFile",
    "SizeLimit",
    "bad_text",
    "check_regular",
    "data_file_limit",
    "looks_like",
    "open_regular",
    "place",
    "plan_file_limit",
    "read_bytes",
]

PLAN_FILE_LIMIT_ENV = "REGIONPLAN_MAX_PLAN_FILE_MB"
DATA_FILE_LIMIT_ENV = "REGIONPLAN_MAX_DATA_FILE_MB"
#: A 10 MB YAML file takes about 0.7 GB to read; the largest file of a 100,000-item plan is 3 MB.
DEFAULT_PLAN_FILE_MB = 10
#: A 50 MB CSV file takes about 0.85 GB to read into a table.
DEFAULT_DATA_FILE_MB = 50

_MB = 1_000_000


class FileRefusal(enum.Enum):
    """Why a file was not read."""

    MISSING = "missing"
    NOT_A_FILE = "not_a_file"
    LOOP = "loop"
    TOO_LARGE = "too_large"
    UNREADABLE = "unreadable"
    OUTSIDE = "outside"


class RefusedFile(RegionplanError):
    """A file that was not read, and why.

    Attributes:
        path: the file as it was asked for.
        reason: the kind of refusal.
        detail: what is wrong, as a phrase that follows the file's name
            (``"is a FIFO (named pipe), not a regular file"``).
    """

    def __init__(self, path: str | os.PathLike[str], reason: FileRefusal, detail: str) -> None:
        super().__init__(f"{os.fspath(path)} {detail}")
        self.path = os.fspath(path)
        self.reason = reason
        self.detail = detail


@attrs.frozen
class SizeLimit:
    """The most bytes a kind of file may have, and how a user raises it."""

    bytes: int
    what: str
    env: str

    def refusal(self, path: str | os.PathLike[str], size: int | None) -> RefusedFile:
        size_text = f"is {size / _MB:,.1f} MB" if size is not None else "grew while it was read"
        return RefusedFile(
            path,
            FileRefusal.TOO_LARGE,
            f"{size_text}, more than the {self.bytes / _MB:g} MB {self.what} may have "
            f"(the environment variable {self.env} sets the limit, in MB)",
        )


def _limit(env: str, default_mb: float, what: str) -> SizeLimit:
    text = os.environ.get(env, "").strip()
    if not text:
        return SizeLimit(int(default_mb * _MB), what, env)
    try:
        mb = float(text)
    except ValueError:
        mb = -1.0
    if not 0 < mb < 1e9:
        msg = f"the environment variable {env} must be a number of megabytes above 0, not {text!r}"
        raise RegionplanError(msg)
    return SizeLimit(int(mb * _MB), what, env)


def plan_file_limit() -> SizeLimit:
    """The size limit of one plan file (``$REGIONPLAN_MAX_PLAN_FILE_MB``, default 10 MB).

    Raises:
        RegionplanError: the environment variable is not a positive number.
    """
    return _limit(PLAN_FILE_LIMIT_ENV, DEFAULT_PLAN_FILE_MB, "a plan file")


def data_file_limit() -> SizeLimit:
    """The size limit of one data file (``$REGIONPLAN_MAX_DATA_FILE_MB``, default 50 MB).

    Raises:
        RegionplanError: the environment variable is not a positive number.
    """
    return _limit(DATA_FILE_LIMIT_ENV, DEFAULT_DATA_FILE_MB, "a data file")


# -- opening ------------------------------------------------------------------------------

_KINDS = (
    (stat.S_ISDIR, "is a folder, not a file"),
    (stat.S_ISFIFO, "is a FIFO (named pipe), not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
    (stat.S_ISCHR, "is a device (such as /dev/zero), not a regular file"),
    (stat.S_ISBLK, "is a block device, not a regular file"),
)


def _check(path: str | os.PathLike[str], st: os.stat_result, limit: SizeLimit) -> None:
    if not stat.S_ISREG(st.st_mode):
        detail = next((d for test, d in _KINDS if test(st.st_mode)), "is not a regular file")
        raise RefusedFile(path, FileRefusal.NOT_A_FILE, detail)
    if st.st_size > limit.bytes:
        raise limit.refusal(path, st.st_size)


def _os_refusal(path: str | os.PathLike[str], exc: OSError | ValueError) -> RefusedFile:
    if isinstance(exc, ValueError):  # a NUL character in the path
        return RefusedFile(path, FileRefusal.UNREADABLE, "is not a valid file name")
    if exc.errno == errno.ELOOP:
        return RefusedFile(
            path, FileRefusal.LOOP, "is a loop of symbolic links (a link that leads back to itself)"
        )
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        if os.path.lexists(path):
            return RefusedFile(path, FileRefusal.MISSING, "is a symbolic link to a file that does not exist")
        return RefusedFile(path, FileRefusal.MISSING, "does not exist")
    return RefusedFile(path, FileRefusal.UNREADABLE, f"cannot be read: {exc.strerror or exc}")


def check_regular(path: str | os.PathLike[str], limit: SizeLimit) -> os.stat_result:
    """``stat`` a file and refuse it unless it is a regular file within ``limit``.

    Raises:
        RefusedFile: missing, not a regular file, a link loop, too large or unreadable.
    """
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:
        raise _os_refusal(path, exc) from None
    _check(path, st, limit)
    return st


class _Capped(io.RawIOBase):
    """A file that refuses to be read past ``limit`` bytes (a file that grows while read)."""

    def __init__(self, raw: io.FileIO, path: str | os.PathLike[str], limit: SizeLimit) -> None:
        self._raw = raw
        self._path = path
        self._limit = limit

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer) or 0
        if self._raw.tell() > self._limit.bytes:
            raise self._limit.refusal(self._path, None)
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the check cannot block the open
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def open_regular(path: str | os.PathLike[str], limit: SizeLimit) -> BinaryIO:
    """Open a regular file for reading in binary, refusing anything else.

    The file is checked before it is opened and again on the opened descriptor; reading
    past ``limit`` raises :class:`RefusedFile` as well.

    Raises:
        RefusedFile: missing, not a regular file, a link loop, too large or unreadable.
    """
    check_regular(path, limit)
    try:
        fd = os.open(path, _FLAGS)
    except (OSError, ValueError) as exc:
        raise _os_refusal(path, exc) from None
    try:
        _check(path, os.fstat(fd), limit)
        raw = io.FileIO(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise
    return io.BufferedReader(_Capped(raw, path, limit))


def read_bytes(path: str | os.PathLike[str], limit: SizeLimit) -> bytes:
    """The bytes of a regular file within ``limit``.

    Raises:
        RefusedFile: missing, not a regular file, a link loop, too large or unreadable.
    """
    try:
        with open_regular(path, limit) as fh:
            return fh.read()
    except OSError as exc:
        raise _os_refusal(path, exc) from None


# -- where a file lies --------------------------------------------------------------------


@attrs.frozen
class Allowed:
    """A folder outside a plan's folder that a plan may read, and who allowed it.

    Attributes:
        path: the folder (absolute, links resolved).
        given: the folder as it was written.
        by: who allowed it: ``"allow_paths"`` (the plan) or ``"--allow-path"`` (the caller).
    """

    path: Path
    given: str
    by: str

    @classmethod
    def of(cls, given: str, base: str | os.PathLike[str], by: str) -> Allowed:
        """``given`` read relative to ``base`` (when it is not absolute)."""
        return cls(_real(Path(base) / given), given, by)

    def __str__(self) -> str:
        return f"{self.by} {self.given}"


def _real(path: str | os.PathLike[str]) -> Path:
    # realpath, unlike Path.resolve on Python 3.11, does not raise on a link loop: the loop
    # stays in the path, and opening it reports the loop.
    try:
        return Path(os.path.realpath(path))
    except ValueError:  # a NUL character: no file has this name, and opening it says so
        return Path(os.path.abspath(path))


@attrs.frozen
class Placement:
    """Where a file lies: inside the plan's folder, in an allowed folder, or outside both."""

    path: Path
    inside: bool
    allowed_by: Allowed | None = None

    @property
    def refused(self) -> bool:
        return not self.inside and self.allowed_by is None


def place(
    path: str | os.PathLike[str], root: str | os.PathLike[str], allowed: Iterable[Allowed] = ()
) -> Placement:
    """Where ``path`` lies, with symbolic links followed.

    Args:
        path: the file (absolute, or relative to the working folder).
        root: the plan's folder.
        allowed: folders outside it that may be read.
    """
    real = _real(path)
    if real.is_relative_to(_real(root)):
        return Placement(real, True)
    for a in allowed:
        if real.is_relative_to(a.path):
            return Placement(real, False, a)
    return Placement(real, False)


# -- encodings ----------------------------------------------------------------------------


@attrs.frozen
class BadText:
    """Where bytes stop being text of an encoding.

    Attributes:
        offset: the first bad byte (0-based).
        line, column: its place (1-based; the column counts characters).
        byte: the bad byte (``None`` for a NUL character in valid text).
        looks_like: the encoding the file seems to be in, in words (``""``: no guess).
    """

    offset: int
    line: int
    column: int
    byte: int | None
    looks_like: str

    @property
    def where(self) -> str:
        return f"line {self.line}, column {self.column}"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def looks_like(data: bytes) -> str:
    """The encoding ``data`` seems to be in, in words: UTF-16, UTF-32, UTF-8 or Windows-1252."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:4096]
    if len(head) >= 4:
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if max(odd, even) > len(head) // 4 and min(odd, even) <= len(head) // 16:
            return "UTF-16"  # ASCII text in UTF-16: every other byte is NUL
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "UTF-8"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return ""
    return "Windows-1252 or Latin-1 (ISO-8859-1), as many Windows editors save"


def bad_text(data: bytes, encoding: str = "utf-8", *, nul: bool = True) -> BadText | None:
    """The first place where ``data`` is not text in ``encoding`` (or, with ``nul``, holds a
    NUL character), or None when it is clean text."""
    guess = looks_like(data)
    wide = guess.startswith(("UTF-16", "UTF-32"))
    if wide and not encoding.lower().replace("_", "-").startswith(guess.lower()):
        return BadText(0, 1, 1, data[0] if data else None, guess)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        return BadText(exc.start, line, column, data[exc.start], guess)
    if nul and (i := text.find("\0")) >= 0:
        offset = len(text[:i].encode(encoding, "replace"))
        line = text.count("\n", 0, i) + 1
        return BadText(offset, line, i - (text.rfind("\n", 0, i) + 1) + 1, None, guess)
    return None
