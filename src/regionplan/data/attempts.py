"""Where a metric's data came from: the sources tried, why some failed, which one delivered.

A metric's sources are tried in the order the plan lists them and the first that delivers
is used (:func:`~regionplan.data.dataset.fetch_data`); when it delivers for some of the
region's municipalities only, later sources complete the others. What happened on the way is
kept as typed records, so a report can say it in the reader's language:

* :class:`SourceAttempt`: one source asked for one metric (its name, table, file or URL);
* :class:`SourceFailure`: something that kept data from a metric, with a stable
  :class:`FailureKind` code (``offline``, ``not_found``, ``file_missing``...) and the
  source's own detail text (English, for logs);
* :class:`DataOrigin`: the source that delivered, the sources that failed before it, and the
  problems the delivering source overcame (a damaged cache entry it fetched again).

:data:`FAILURE_WORDS` and :data:`SOURCE_WORDS` hold the words for each kind and each
built-in source in Norwegian (nb) and English (en).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from regionplan.data.provenance import Provenance
from regionplan.plan.model import Label

__all__ = [
    "FAILURE_WORDS",
    "OTHER_SOURCE_WORDS",
    "SOURCE_WORDS",
    "DataOrigin",
    "FailureKind",
    "SourceAttempt",
    "SourceFailure",
    "merge_origins",
]


class FailureKind(enum.Enum):
    """Why a source (or the steps after it) gave a metric no data: a stable code."""

    #: The run was offline and the source had nothing stored to answer with.
    OFFLINE = "offline"
    #: The service could not be reached (no network, no answer in time, connection broken).
    UNREACHABLE = "unreachable"
    #: The service answered with a server error or "too many requests" on every attempt.
    SERVER_ERROR = "server_error"
    #: The service does not know the table (HTTP 404).
    NOT_FOUND = "not_found"
    #: The service refused the query (HTTP 400, 403 and the like).
    REFUSED = "refused"
    #: The query names a variable, value or period the table does not have.
    QUERY_MISMATCH = "query_mismatch"
    #: The source has no figures for some or all of the region's municipalities.
    MISSING_AREAS = "missing_areas"
    #: A stored (cached) copy was damaged.
    CORRUPT_CACHE = "corrupt_cache"
    #: The source answered, with no values.
    NO_ROWS = "no_rows"
    #: a source the plan keeps itself (``inline``) that records nothing yet: no failure
    NOTHING_RECORDED = "nothing_recorded"
    #: The file the query names does not exist.
    FILE_MISSING = "file_missing"
    #: The file the query names is no regular file (a folder, device, FIFO or socket, a link loop).
    NOT_A_FILE = "not_a_file"
    #: The file the query names is larger than the limit for data files.
    TOO_LARGE = "too_large"
    #: The file the query names lies outside the plan's folder, and no folder allowed holds it.
    OUTSIDE_FOLDER = "outside_folder"
    #: What the source returned could not be read (malformed file or answer).
    INVALID = "invalid"
    #: The source gave values no statistic can have (an infinite number, a count below zero).
    IMPOSSIBLE_VALUE = "impossible_value"
    #: No installed plugin provides a source of that name.
    UNKNOWN_SOURCE = "unknown_source"
    #: The values do not fit the metric's unit.
    UNIT_MISMATCH = "unit_mismatch"
    #: The area codes could not be mapped to the members' current codes.
    UNMAPPED_CODES = "unmapped_codes"
    #: The metric cannot be aggregated from the members to a region.
    NOT_AGGREGATED = "not_aggregated"
    #: The weight of a weighted mean has no data.
    NO_WEIGHT = "no_weight"
    #: A metric an expression uses has no data (its own failures are the causes).
    INPUT_MISSING = "input_missing"
    #: No source delivered and none said why.
    NO_SOURCE = "no_source"
    #: The source could not deliver, for a reason it did not classify.
    FAILED = "failed"


@attrs.frozen
class SourceAttempt:
    """One source asked for one metric's data.

    Attributes:
        metric: the metric's id.
        source: the source's name (``"ssb"``, ``"csv"``).
        table: the table the query names (``"11618"``), if any.
        location: the file the query names, as the plan writes it (``"data/jobs.csv"``), or
            the URL of the table when the source gives one.
        provenance: the delivered batch's provenance (only on the attempt that delivered).
        outside: the file read (absolute, links followed) when it lies outside the plan's
            folder, in a folder the plan or the command allows; ``""`` when it lies inside.
        areas: when the source's values were used for some of the region's municipalities
            only (a partial delivery, or one completing it), their current codes; empty when
            they were used for every area the source delivered.
        periods: when the metric's sources are merged by period (its ``merge`` rule), the
            periods this source's values were used for; empty otherwise.
    """

    metric: str
    source: str
    table: str = ""
    location: str = ""
    provenance: Provenance | None = None
    outside: str = ""
    areas: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()


@attrs.frozen
class SourceFailure:
    """Something that kept data from a metric, with a stable kind code.

    Attributes:
        kind: what kind of failure, the code the reader's words are chosen by.
        detail: the source's own words (English), for logs and debugging.
        metric: the metric it concerns.
        attempt: the source asked, when a source failed (``None`` for the steps after the
            sources: unit, code mapping, aggregation).
        status: the HTTP status, when a service answered with an error.
        recovered: the source overcame it and delivered (a damaged cache entry fetched again).
        causes: for :attr:`FailureKind.INPUT_MISSING`, why the input has no data.
        members: for :attr:`FailureKind.MISSING_AREAS`, the municipalities left without values,
            as ``Name (code)``, when they are known.
    """

    kind: FailureKind
    detail: str
    metric: str = ""
    attempt: SourceAttempt | None = None
    status: int | None = None
    recovered: bool = False
    causes: tuple[SourceFailure, ...] = ()
    members: tuple[str, ...] = ()

    def __str__(self) -> str:
        """The sentence this failure was reported with before it had a kind (English)."""
        return f"{self.attempt.source}: {self.detail}" if self.attempt else self.detail

    def root_causes(self) -> tuple[SourceFailure, ...]:
        """The failures behind this one: its causes' roots, or itself when it has none."""
        if not self.causes:
            return (self,)
        return tuple(r for c in self.causes for r in c.root_causes())


@attrs.frozen
class DataOrigin:
    """Where a metric's values came from.

    Attributes:
        delivered: the sources whose values are used: one for a metric with sources, one per
            observed metric behind a derived one.
        failed: the sources tried before one delivered, and why each failed.
        recovered: problems the delivering sources overcame (a damaged cache entry fetched again).
    """

    delivered: tuple[SourceAttempt, ...] = ()
    failed: tuple[SourceFailure, ...] = ()
    recovered: tuple[SourceFailure, ...] = ()

    @property
    def fell_back(self) -> bool:
        """Whether a later source delivered after an earlier one failed."""
        return bool(self.delivered and self.failed)


def merge_origins(origins: Iterable[DataOrigin]) -> DataOrigin:
    """The origins of several metrics as one (a derived metric, a comparison of two), in order."""
    delivered: dict[SourceAttempt, None] = {}
    failed: dict[SourceFailure, None] = {}
    recovered: dict[SourceFailure, None] = {}
    for o in origins:
        delivered.update(dict.fromkeys(o.delivered))
        failed.update(dict.fromkeys(o.failed))
        recovered.update(dict.fromkeys(o.recovered))
    return DataOrigin(tuple(delivered), tuple(failed), tuple(recovered))


#: What befell a source, one clause per kind; ``{source}`` is the source's name in words
#: (:data:`SOURCE_WORDS`), ``{status}`` the HTTP status, ``{location}`` the file.
FAILURE_WORDS: dict[FailureKind, Label] = {
    FailureKind.OFFLINE: Label(
        {"nb": "{source} svarte ikke (frakoblet)", "en": "{source} did not answer (offline)"}
    ),
    FailureKind.UNREACHABLE: Label({"nb": "{source} kunne ikke nås", "en": "{source} could not be reached"}),
    FailureKind.SERVER_ERROR: Label(
        {
            "nb": "{source} svarte med feil på hvert forsøk (HTTP {status})",
            "en": "{source} answered with an error at every attempt (HTTP {status})",
        }
    ),
    FailureKind.NOT_FOUND: Label(
        {"nb": "{source} fant ikke tabellen (HTTP 404)", "en": "{source} did not find the table (HTTP 404)"}
    ),
    FailureKind.REFUSED: Label(
        {
            "nb": "{source} avviste spørringen (HTTP {status})",
            "en": "{source} refused the query (HTTP {status})",
        }
    ),
    FailureKind.QUERY_MISMATCH: Label(
        {
            "nb": "spørringen passer ikke til tabellen hos {source} (en variabel, verdi eller periode mangler)",
            "en": "the query does not fit the table at {source} (a variable, value or period is missing)",
        }
    ),
    FailureKind.MISSING_AREAS: Label(
        {
            "nb": "{source} mangler tall for (noen av) regionens kommuner",
            "en": "{source} has no figures for (some of) the region's municipalities",
        }
    ),
    FailureKind.CORRUPT_CACHE: Label(
        {
            "nb": "den lagrede kopien fra {source} var skadet",
            "en": "the stored copy from {source} was damaged",
        }
    ),
    FailureKind.NO_ROWS: Label({"nb": "{source} ga ingen verdier", "en": "{source} returned no values"}),
    FailureKind.NOTHING_RECORDED: Label(
        {"nb": "{source} har ingen verdier registrert ennå", "en": "{source} records no values yet"}
    ),
    FailureKind.FILE_MISSING: Label(
        {"nb": "filen {location} finnes ikke", "en": "the file {location} does not exist"}
    ),
    FailureKind.NOT_A_FILE: Label(
        {"nb": "{location} er ikke en vanlig fil", "en": "{location} is not a regular file"}
    ),
    FailureKind.TOO_LARGE: Label(
        {
            "nb": "filen {location} er større enn grensen for datafiler",
            "en": "the file {location} is larger than the limit for data files",
        }
    ),
    FailureKind.OUTSIDE_FOLDER: Label(
        {
            "nb": "filen {location} ligger utenfor planens mappe og leses ikke",
            "en": "the file {location} lies outside the plan's folder and is not read",
        }
    ),
    FailureKind.INVALID: Label(
        {"nb": "det {source} ga, kunne ikke leses", "en": "what {source} returned could not be read"}
    ),
    FailureKind.IMPOSSIBLE_VALUE: Label(
        {
            "nb": "{source} ga umulige verdier (et uendelig tall eller et negativt antall)",
            "en": "{source} gave impossible values (an infinite number or a count below zero)",
        }
    ),
    FailureKind.UNKNOWN_SOURCE: Label(
        {"nb": "datakilden {source} er ikke installert", "en": "the data source {source} is not installed"}
    ),
    FailureKind.UNIT_MISMATCH: Label(
        {
            "nb": "verdiene fra {source} passer ikke med metrikkens enhet",
            "en": "the values from {source} do not fit the metric's unit",
        }
    ),
    FailureKind.UNMAPPED_CODES: Label(
        {
            "nb": "kommunenumrene kunne ikke føres over til dagens kommuner",
            "en": "the municipality codes could not be mapped to today's municipalities",
        }
    ),
    FailureKind.NOT_AGGREGATED: Label(
        {
            "nb": "metrikken kan ikke legges sammen fra kommunene til regionen",
            "en": "the metric cannot be combined from the municipalities into the region",
        }
    ),
    FailureKind.NO_WEIGHT: Label(
        {"nb": "vekten til gjennomsnittet mangler data", "en": "the weight of the mean has no data"}
    ),
    FailureKind.INPUT_MISSING: Label(
        {"nb": "en metrikk den regnes ut fra, mangler data", "en": "a metric it is computed from has no data"}
    ),
    FailureKind.NO_SOURCE: Label({"nb": "ingen kilde leverte data", "en": "no source delivered data"}),
    FailureKind.FAILED: Label(
        {"nb": "{source} kunne ikke levere data", "en": "{source} could not deliver data"}
    ),
}

#: Built-in sources in words; ``{location}`` is the file the query names, ``{name}`` the source's name.
SOURCE_WORDS: dict[str, Label] = {
    "ssb": Label({"nb": "SSBs API", "en": "SSB's API"}),
    "csv": Label({"nb": "lokal fil {location}", "en": "local file {location}"}),
    "excel": Label({"nb": "lokal fil {location}", "en": "local file {location}"}),
    "jsonstat": Label({"nb": "lokal fil {location}", "en": "local file {location}"}),
    "inline": Label({"nb": "planens eget register", "en": "the plan's own register"}),
    "bundled": Label(
        {"nb": "regionplans medfølgende kopi av SSB-tall", "en": "regionplan's bundled copy of SSB figures"}
    ),
}

#: Any other source, by its name.
OTHER_SOURCE_WORDS = Label({"nb": "kilden «{name}»", "en": "the source '{name}'"})
