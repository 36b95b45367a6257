"""Data sources: where a metric's observations come from.

A plan points each metric at a source by name and gives a query::

    source:
      name: csv
      path: data/jobs.csv
      columns: {area: code, period: year, value: jobs}

The source registered under that name (through
:func:`~regionplan.hookspecs.regionplan_register_sources`) is built once per run
with a :class:`SourceContext` and asked to :meth:`DataSource.fetch` each
:class:`SourceRequest`. It returns :class:`~regionplan.data.series.Observations` with
their :class:`~regionplan.data.provenance.Provenance`. A source that cannot deliver raises
:class:`~regionplan.errors.DataSourceError`; raising :class:`SourceFailed` instead says what
kind of failure it was (:class:`~regionplan.data.attempts.FailureKind`), so a report can say
it in the reader's language.
"""

from __future__ import annotations

import abc
import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from regionplan.data.attempts import FailureKind, SourceFailure
from regionplan.data.provenance import Provenance
from regionplan.defaults import lazy_attributes
from regionplan.errors import DataSourceError
from regionplan.plan.safefiles import Allowed, FileRefusal, Placement, RefusedFile, place

if TYPE_CHECKING:
    from regionplan.data.series import Observations

__all__ = [
    "DataSource",
    "DataSourceError",
    "FailureKind",
    "Observations",
    "Provenance",
    "QueryKey",
    "SourceContext",
    "SourceFailed",
    "SourceFailure",
    "SourceRequest",
    "default_cache_dir",
    "failure_kind",
    "parse_retrieved",
    "refused_file",
]

CACHE_ENV = "REGIONPLAN_CACHE_DIR"


# Observations come with numpy: imported when a source first reads data, not when a plan is
# only checked.
__getattr__, __dir__ = lazy_attributes(globals(), {"Observations": "regionplan.data.series"})


class SourceFailed(DataSourceError):
    """A source could not deliver, and says what kind of failure it was.

    Attributes:
        kind: the stable code of the failure (offline, not found, ...).
        status: the HTTP status, when a service answered with an error.
    """

    def __init__(self, message: str, kind: FailureKind, *, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status

    @classmethod
    def wrap(cls, exc: BaseException, message: str) -> SourceFailed:
        """A new message for ``exc`` that keeps its kind and status."""
        status = getattr(exc, "status", None)
        return cls(message, failure_kind(exc), status=status if isinstance(status, int) else None)


def failure_kind(exc: BaseException) -> FailureKind:
    """The kind of a source's failure: its own, or :attr:`FailureKind.FAILED` when it gave none."""
    kind = getattr(exc, "kind", None)
    return kind if isinstance(kind, FailureKind) else FailureKind.FAILED


def default_cache_dir() -> Path:
    """Where sources cache downloads: ``$REGIONPLAN_CACHE_DIR``, else the user cache folder."""
    if env := os.environ.get(CACHE_ENV):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "regionplan"


def _paths(paths: Iterable[str | os.PathLike[str]]) -> tuple[Path, ...]:
    return tuple(Path(p) for p in paths)


@attrs.frozen
class SourceContext:
    """What every source gets when it is built for a run.

    Attributes:
        base_dir: the plan's folder; relative paths in queries are read from here.
        cache_dir: a folder the source may use for its cache.
        offline: when true, a source must not use the network (cache only).
        options: source-specific settings from the command line or the caller
            (for example ``{"ssb": {"timeout": 10}}``), keyed by source name.
        progress: called as ``progress(done, total, label)`` while a source works.
        allowed_paths: folders outside ``base_dir`` that queries' paths may lead to (the
            plan's ``allow_paths`` and ``--allow-path``); any other place outside is refused.
    """

    base_dir: Path = attrs.field(factory=Path.cwd, converter=Path)
    cache_dir: Path = attrs.field(factory=default_cache_dir, converter=Path)
    offline: bool = False
    options: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    progress: Callable[[int, int, str], None] | None = None
    allowed_paths: tuple[Path, ...] = attrs.field(default=(), converter=_paths)

    def options_for(self, source: str) -> Mapping[str, Any]:
        return self.options.get(source, {})

    def place(self, path: str | os.PathLike[str]) -> Placement:
        """Where a query's path leads (links followed): inside the plan's folder, in a folder
        allowed, or outside both."""
        p = Path(path)
        allowed = [Allowed.of(str(a), self.base_dir, "allow_paths") for a in self.allowed_paths]
        return place(p if p.is_absolute() else self.base_dir / p, self.base_dir, allowed)

    def resolve(self, path: str | os.PathLike[str]) -> Path:
        """A query's path, relative to the plan's folder.

        Raises:
            SourceFailed: the path leads outside the plan's folder and every folder in
                :attr:`allowed_paths` (kind ``outside_folder``); nothing there is read.
        """
        p = Path(path)
        if self.place(p).refused:
            msg = (
                f"{os.fspath(path)} lies outside the plan's folder and is not read; allow its "
                f"folder with allow_paths in the plan or --allow-path"
            )
            raise SourceFailed(msg, FailureKind.OUTSIDE_FOLDER)
        return p if p.is_absolute() else self.base_dir / p


_REFUSALS = {
    FileRefusal.MISSING: FailureKind.FILE_MISSING,
    FileRefusal.NOT_A_FILE: FailureKind.NOT_A_FILE,
    FileRefusal.LOOP: FailureKind.NOT_A_FILE,
    FileRefusal.TOO_LARGE: FailureKind.TOO_LARGE,
    FileRefusal.OUTSIDE: FailureKind.OUTSIDE_FOLDER,
    FileRefusal.UNREADABLE: FailureKind.FAILED,
}


def refused_file(exc: RefusedFile, label: str) -> SourceFailed:
    """A data file that was not read (:mod:`regionplan.plan.safefiles`), as a source's failure."""
    if exc.reason is FileRefusal.MISSING:
        return SourceFailed(f"{label}: no such file (looked for {exc.path})", FailureKind.FILE_MISSING)
    return SourceFailed(f"{label} {exc.detail}", _REFUSALS[exc.reason])


@attrs.frozen
class SourceRequest:
    """One metric's request to a source.

    Attributes:
        metric: the metric's id.
        query: the source's part of the plan (everything under ``source:`` but ``name``).
        areas: the area codes the plan needs (the region's member codes in every
            vintage it knows); a source may return more or fewer.
        unit: the metric's unit, for sources whose data carry none.
        first_year, last_year: the years the plan is interested in, when known.
    """

    metric: str
    query: Mapping[str, Any]
    areas: tuple[str, ...] = ()
    unit: str = ""
    first_year: int | None = None
    last_year: int | None = None


@attrs.frozen
class QueryKey:
    """One key of a source's query, as the reference documents it.

    Attributes:
        name: the key as a plan writes it.
        type: what it takes, in a plan author's words (``text``, ``mapping``, ``list of texts``).
        doc: what it does.
        required: a query must have it.
        default: what applies when the query leaves it out ("" when nothing does).
    """

    name: str
    type: str
    doc: str
    required: bool = False
    default: str = ""


class DataSource(abc.ABC):
    """Base class of data sources. Subclass it, set :attr:`name`, implement :meth:`fetch`."""

    #: The name plans use to select this source.
    name: ClassVar[str] = ""
    #: Keys a query must have (checked when the plan loads).
    required_keys: ClassVar[tuple[str, ...]] = ()
    #: Keys a query may have besides the required ones (``None``: anything goes).
    optional_keys: ClassVar[tuple[str, ...] | None] = None
    #: Every query key described, for the reference (``docs/reference/sources.md``).
    query_keys: ClassVar[tuple[QueryKey, ...]] = ()

    def __init__(self, context: SourceContext) -> None:
        self.context = context

    @classmethod
    def check_query(cls, query: Mapping[str, Any]) -> list[str]:
        """Problems with a query, found without reading any data (one message each).

        The default checks :attr:`required_keys` and :attr:`optional_keys`.
        """
        problems = [f"the {cls.name} source needs '{k}'" for k in cls.required_keys if k not in query]
        if cls.optional_keys is not None:
            allowed = set(cls.required_keys) | set(cls.optional_keys)
            problems += [
                f"the {cls.name} source does not know '{k}' (it takes: {', '.join(sorted(allowed))})"
                for k in query
                if k not in allowed
            ]
        return problems

    def prepare(self, requests: Sequence[SourceRequest]) -> None:  # noqa: B027
        """Called once with every request of a run before any :meth:`fetch`.

        A source that can answer several requests at once (one download per table)
        gathers them here; the default does nothing.
        """

    @abc.abstractmethod
    def fetch(self, request: SourceRequest) -> Observations:
        """Read the observations for one request.

        Raises:
            DataSourceError: the data cannot be had; the message says why, so the
                evaluation can report "insufficient data" with that reason. Raise
                :class:`SourceFailed` to say what kind of failure it was.
        """

    def recovered(self, request: SourceRequest) -> tuple[SourceFailure, ...]:
        """Problems the source overcame while answering ``request`` (a damaged cache entry it
        fetched again), so a report can say so; called after :meth:`fetch`. The default: none."""
        return ()

    def close(self) -> None:  # noqa: B027 - optional hook for sources with resources
        """Release resources (connections, files). Called once at the end of a run."""


def parse_retrieved(value: Any) -> dt.datetime | None:
    """The date a query says its figures were fetched (``retrieved: 2024-03-01``), in UTC.

    Raises:
        DataSourceError: the value is not a date.
    """
    if value in (None, ""):
        return None
    try:
        day = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise DataSourceError(f"'retrieved' must be a date (YYYY-MM-DD), not {value!r}") from None
    return day if day.tzinfo else day.replace(tzinfo=dt.UTC)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
