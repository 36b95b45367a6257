"""Area codes across reforms, and aggregation from member areas to a region.

Norwegian municipality codes change: in the 2020 and 2024 reforms municipalities
were merged, split and renumbered (Ullensaker was ``0235`` until 2019, ``3033`` in
2020–2023 and ``3209`` from 2024; Nes in Akershus ``0236`` is not Nes in Buskerud
``0616``). A series read from a statistics table holds, for each period, the codes
valid in that period. Before values of different years can be compared or summed
to a region, they must be brought to one *vintage*: the codes valid on one date.

* :class:`CodeChanges` holds change records (old code, new code, date, names), by
  default the bundled SSB KLASS 131 records (:meth:`CodeChanges.bundled`), and
  answers when a code was valid and what became of it.
* :class:`CodeMapping` (from :meth:`CodeChanges.mapping`) maps a :class:`Series`
  of any earlier vintages to the vintage valid on one date, with a report
  (:class:`MappedSeries`).
* :func:`aggregate` combines member areas into regions by an explicit
  :class:`Aggregation` rule, with coverage per region and period.

**Which vintage a period is in.** A value is read as being in the codes valid on
the *last day* its period covers (:func:`vintage_date`): the population on
1 January 2020 is in 2020 codes, jobs in Q4 2019 in 2019 codes.

**The mapping rule.** For a target code ``t`` (valid on the target date) and a
period ``p``, the *parts* of ``t`` in ``p`` are the codes valid in ``p`` whose area
lies (wholly or partly) in ``t``: the codes of the records valid in ``p`` plus the
series' own codes that the records never mention. Then:

* renumbering follows the code; merged codes are summed; a split code's value is
  shared out by weights (given, or equal ones when asked for, which is recorded as
  an assumption); without weights it is not assigned and the code is *flagged*;
* a code that keeps its number while receiving (part of) another stays as it is;
* the value of ``(t, p)`` is the weighted sum of the parts' values present in
  ``p``; it is ``NaN`` when no part has a value;
* the cell is *complete* when every part has a value (and none is a flagged
  split). By default an incomplete cell is ``NaN``: a sum of some parts is not the
  value of the whole. With ``allow_partial=True`` it holds the sum of the parts
  present. Either way it is listed in :attr:`MappedSeries.incomplete`.

A code missing from a series in a period where it is not valid is not missing: it
did not exist. A value under a code in a period where the records say the code was
not valid (data published in another vintage) is mapped from the code's nearest
validity, listed in :attr:`MappedSeries.off_vintage`, and the records' parts of its
target cannot be checked in that period.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import enum
import functools
import importlib.resources
import io
import itertools
import math
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TextIO

import attrs
import numpy as np
import numpy.typing as npt

from regionplan.data.series import Provenance, Series
from regionplan.errors import RegionplanError
from regionplan.plan.periods import Period

__all__ = [
    "Aggregated",
    "Aggregation",
    "AreaError",
    "ChangeRecord",
    "CodeChanges",
    "CodeLink",
    "CodeMapping",
    "CodeValidity",
    "MappedSeries",
    "Resolution",
    "Split",
    "aggregate",
    "vintage_date",
]

SplitPolicy = Literal["flag", "equal"]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_BUNDLED_FILE = "klass131_changes.csv"
_BUNDLED_SOURCE = "SSB KLASS 131 municipality changes 2011-2024 (bundled)"
_BUNDLED_CREDIT = "Kilde: Statistisk sentralbyrå (KLASS 131)"
_ONE_DAY = dt.timedelta(days=1)
_WEIGHT_TOLERANCE = 1e-6


class AreaError(RegionplanError, ValueError):
    """Bad change records, split weights, groups or aggregation requests."""


def vintage_date(period: Period) -> dt.date:
    """The day whose codes a period's values are in: the last day the period covers."""
    return period.end - _ONE_DAY


def _code(value: object) -> str:
    if not isinstance(value, str):
        msg = f"area codes are strings (leading zeros matter), not {value!r}"
        raise TypeError(msg)
    code = value.strip()
    if not code:
        msg = "an area code cannot be empty"
        raise AreaError(msg)
    return code


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        msg = f"not a date (expected YYYY-MM-DD): {value!r}"
        raise AreaError(msg) from None


@attrs.frozen
class ChangeRecord:
    """One change record: the area of ``old_code`` went (wholly or partly) to ``new_code``.

    Several records with one ``old_code`` and date are a split; several ``old_code``
    values with one ``new_code`` and date are a merger. ``old_code == new_code`` is a
    name change or a code that keeps its number while receiving another area.
    """

    old_code: str = attrs.field(converter=_code)
    new_code: str = attrs.field(converter=_code)
    change_date: dt.date = attrs.field(converter=_date)
    old_name: str = ""
    new_name: str = ""

    @property
    def keeps_code(self) -> bool:
        return self.old_code == self.new_code


@attrs.frozen
class CodeValidity:
    """When a code was valid, as far as the change records tell.

    Attributes:
        valid_from: the first day the code was valid; ``None`` when the records
            do not say (the code is older than the records, or never started in them).
        valid_until: the first day the code was **no longer** valid (the date of the
            change that ended it); ``None`` when the records do not end it.
    """

    valid_from: dt.date | None
    valid_until: dt.date | None

    def contains(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day < self.valid_until
        )


_ALWAYS = CodeValidity(None, None)


@attrs.frozen
class Split:
    """A code whose area was divided among several codes on one date."""

    code: str
    change_date: dt.date
    parts: tuple[str, ...]


@attrs.frozen
class _Index:
    dates: tuple[dt.date, ...]
    old_dates: dict[str, list[dt.date]]
    news: dict[tuple[str, dt.date], tuple[str, ...]]
    by_new: dict[str, list[ChangeRecord]]
    intervals: dict[str, tuple[CodeValidity, ...]]
    names: dict[str, list[tuple[dt.date, str, bool]]]  # (date, name, is_name_from_date)
    code_dates: dict[str, tuple[dt.date, ...]]  # the dates of the records naming a code


def _build_index(records: tuple[ChangeRecord, ...]) -> _Index:
    seen: set[tuple[str, str, dt.date]] = set()
    news: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    olds: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    by_new: dict[str, list[ChangeRecord]] = defaultdict(list)
    names: dict[str, list[tuple[dt.date, str, bool]]] = defaultdict(list)
    codes: set[str] = set()
    for rec in records:
        key = (rec.old_code, rec.new_code, rec.change_date)
        if key in seen:
            msg = f"duplicate change record {rec.old_code} -> {rec.new_code} on {rec.change_date}"
            raise AreaError(msg)
        seen.add(key)
        news[rec.old_code, rec.change_date].append(rec.new_code)
        olds[rec.new_code, rec.change_date].append(rec.old_code)
        by_new[rec.new_code].append(rec)
        codes.update((rec.old_code, rec.new_code))
        if rec.old_name:
            names[rec.old_code].append((rec.change_date, rec.old_name, False))
        if rec.new_name:
            names[rec.new_code].append((rec.change_date, rec.new_name, True))
    old_dates: dict[str, list[dt.date]] = defaultdict(list)
    for code, day in sorted(news):
        old_dates[code].append(day)
    events: dict[str, list[tuple[dt.date, bool, bool]]] = defaultdict(list)  # day, ends, starts
    for code, day in set(news) | set(olds):
        ends = (code, day) in news and code not in news[code, day]
        starts = (code, day) in olds and (code, day) not in news
        if ends or starts:
            events[code].append((day, ends, starts))
    intervals = {code: _intervals(code, sorted(events.get(code, []))) for code in codes}
    return _Index(
        dates=tuple(sorted({day for _, day in news})),
        old_dates=dict(old_dates),
        news={k: tuple(sorted(v)) for k, v in news.items()},
        by_new=dict(by_new),
        intervals=intervals,
        # By date; at one date the name before the change comes first.
        names={k: sorted(v, key=lambda e: (e[0], e[2])) for k, v in names.items()},
        code_dates=_code_dates(news, olds),
    )


def _code_dates(*keyed: Iterable[tuple[str, dt.date]]) -> dict[str, tuple[dt.date, ...]]:
    out: dict[str, set[dt.date]] = defaultdict(set)
    for keys in keyed:
        for code, day in keys:
            out[code].add(day)
    return {code: tuple(sorted(days)) for code, days in out.items()}


def _intervals(code: str, events: list[tuple[dt.date, bool, bool]]) -> tuple[CodeValidity, ...]:
    if not events:
        return (_ALWAYS,)
    out: list[CodeValidity] = []
    open_from: dt.date | None = None
    is_open = False
    for day, ends, starts in events:
        if ends:
            if is_open:
                out.append(CodeValidity(open_from, day))
                is_open = False
            elif not out:
                out.append(CodeValidity(None, day))
            else:
                msg = (
                    f"code {code} stops being valid on {day}, but the records already "
                    f"ended it on {out[-1].valid_until}"
                )
                raise AreaError(msg)
        if starts:
            if is_open:
                msg = f"code {code} starts on {day}, but it is already valid since {open_from}"
                raise AreaError(msg)
            open_from, is_open = day, True
    if is_open:
        out.append(CodeValidity(open_from, None))
    return tuple(out)


def _as_records(records: Iterable[object]) -> tuple[ChangeRecord, ...]:
    out = []
    for rec in records:
        if not isinstance(rec, ChangeRecord):
            msg = f"not a ChangeRecord: {rec!r} (use CodeChanges.from_records for mappings)"
            raise TypeError(msg)
        out.append(rec)
    return tuple(out)


@functools.cache
def _bundled() -> CodeChanges:
    text = (
        importlib.resources.files("regionplan._resources").joinpath(_BUNDLED_FILE).read_text(encoding="utf-8")
    )
    return CodeChanges.from_csv(
        io.StringIO(text), source=_BUNDLED_SOURCE, licence="CC BY 4.0", credit=_BUNDLED_CREDIT
    )


@attrs.frozen(eq=False)
class CodeChanges:
    """A table of area code changes and what it tells about each code.

    Codes that never appear in the records are assumed valid at every date and
    never changed: the records cannot say otherwise. The bundled KLASS 131 records
    start in 2011, so a code that ended before then (Kristiansund ``1503``, 2008)
    is unknown to them.

    Attributes:
        records: the change records, in the order given.
        source: where the records come from (used in provenance notes).
        licence: the records' licence.
        credit: the credit line for the records.
    """

    records: tuple[ChangeRecord, ...] = attrs.field(converter=_as_records)
    source: str = ""
    licence: str = ""
    credit: str = ""
    _index: _Index = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _build_index(self.records))

    # -- construction -------------------------------------------------------

    @classmethod
    def bundled(cls) -> CodeChanges:
        """SSB KLASS 131 municipality changes 2011-01-01 to 2024-01-01 (read once, cached)."""
        return _bundled()

    @classmethod
    def from_records(
        cls,
        records: Iterable[ChangeRecord | Mapping[str, Any]],
        *,
        source: str = "",
        licence: str = "",
        credit: str = "",
    ) -> CodeChanges:
        """Records as :class:`ChangeRecord` values or mappings with the keys
        ``old_code``, ``new_code``, ``change_date`` and optionally ``old_name``, ``new_name``.

        Raises:
            AreaError: a key is missing, a date is malformed, a record is duplicated
                or the records contradict themselves about when a code is valid.
        """
        out = []
        for i, rec in enumerate(records):
            if isinstance(rec, ChangeRecord):
                out.append(rec)
                continue
            missing = [k for k in ("old_code", "new_code", "change_date") if not rec.get(k)]
            if missing:
                msg = f"change record {i + 1} lacks {', '.join(missing)}: {dict(rec)!r}"
                raise AreaError(msg)
            out.append(
                ChangeRecord(
                    str(rec["old_code"]),
                    str(rec["new_code"]),
                    rec["change_date"],
                    str(rec.get("old_name") or ""),
                    str(rec.get("new_name") or ""),
                )
            )
        return cls(tuple(out), source=source, licence=licence, credit=credit)

    @classmethod
    def from_csv(
        cls,
        file: str | os.PathLike[str] | TextIO,
        *,
        source: str | None = None,
        licence: str = "",
        credit: str = "",
    ) -> CodeChanges:
        """Read records from a CSV file with the columns of :meth:`from_records`.

        Codes are read as text, so leading zeros are kept. Other columns are ignored.
        """
        if isinstance(file, str | os.PathLike):
            with open(file, encoding="utf-8", newline="") as handle:
                return cls.from_csv(handle, source=source or os.fspath(file), licence=licence, credit=credit)
        return cls.from_records(csv.DictReader(file), source=source or "", licence=licence, credit=credit)

    # -- queries --------------------------------------------------------------

    @property
    def change_dates(self) -> tuple[dt.date, ...]:
        """The distinct dates of the records, sorted."""
        return self._index.dates

    @property
    def codes(self) -> frozenset[str]:
        """Every code the records mention."""
        return frozenset(self._index.intervals)

    def __contains__(self, code: object) -> bool:
        return code in self._index.intervals

    def intervals(self, code: str) -> tuple[CodeValidity, ...]:
        """Every period of validity of ``code`` (more than one if a code was reused)."""
        return self._index.intervals.get(code, (_ALWAYS,))

    def validity(self, code: str) -> CodeValidity:
        """When ``code`` became and stopped being valid, as far as the records tell.

        A code the records never mention is not bounded: ``CodeValidity(None, None)``.
        A code reused after it had ended has several periods of validity
        (:meth:`intervals`); this returns the latest.
        """
        return self.intervals(code)[-1]

    def is_valid(self, code: str, on: dt.date) -> bool:
        """Whether ``code`` was valid on ``on``.

        Codes that never appear in the records are **assumed valid** on every date:
        the records cannot tell otherwise (the bundled ones cover 2011–2024 only).
        """
        return any(iv.contains(on) for iv in self.intervals(code))

    def valid_codes(self, on: dt.date) -> frozenset[str]:
        """The codes *mentioned in the records* that were valid on ``on``."""
        return frozenset(
            code for code, ivs in self._index.intervals.items() if any(iv.contains(on) for iv in ivs)
        )

    def successors(self, code: str, on: dt.date) -> tuple[str, ...]:
        """The code(s) valid on ``on`` whose area holds (part of) ``code``'s area.

        Chains across several reforms are followed (``0235`` → ``3033`` → ``3209``).
        A split gives every part. A code valid on ``on`` gives itself; a code that
        only became valid after ``on`` gives ``()``.
        """
        ivs = self.intervals(code)
        earlier = [iv for iv in ivs if iv.valid_from is None or iv.valid_from <= on]
        if not earlier:
            return ()
        iv = earlier[-1]
        if iv.contains(on):
            return (code,)
        assert iv.valid_until is not None
        walk = CodeMapping(self, on)._walk(code, iv.valid_until - _ONE_DAY)
        return tuple(sorted(walk.reached))

    def predecessors(self, code: str, on: dt.date | None = None) -> tuple[str, ...]:
        """Every earlier code whose area went (wholly or partly) into ``code``.

        Follows chains back through every reform in the records. ``on`` picks which
        period of validity of ``code`` is meant (default: the latest). Behind a split
        the records cannot tell which part went where: every predecessor of the
        split code is listed (1534 Haram, merged into 1507 Ålesund in 2020, is a
        predecessor of both 1508 Ålesund and 1580 Haram of 2024).
        """
        iv = self._interval_at(code, on) if on is not None else self.validity(code)
        if iv is None:
            return ()
        out: set[str] = set()
        self._predecessors(code, iv, out)
        return tuple(sorted(out))

    def _predecessors(self, code: str, iv: CodeValidity, out: set[str]) -> None:
        for rec in self._index.by_new.get(code, ()):
            if rec.keeps_code or not iv.contains(rec.change_date):
                continue
            if rec.old_code in out:
                continue
            out.add(rec.old_code)
            old_iv = self._interval_at(rec.old_code, rec.change_date - _ONE_DAY)
            if old_iv is not None:
                self._predecessors(rec.old_code, old_iv, out)

    def _interval_at(self, code: str, day: dt.date) -> CodeValidity | None:
        for iv in self.intervals(code):
            if iv.contains(day):
                return iv
        return None

    def name(self, code: str, on: dt.date | None = None) -> str | None:
        """The name of ``code`` on ``on`` (default: the latest) as the records give it.

        ``None`` when the records give no name for the code.
        """
        entries = self._index.names.get(code)
        if not entries:
            return None
        if on is None:
            return entries[-1][1]
        since = [e for e in entries if e[2] and e[0] <= on]
        if since:
            return since[-1][1]
        before = [e for e in entries if not e[2] and e[0] > on]
        if before:
            return before[0][1]
        return None

    def splits(self) -> tuple[Split, ...]:
        """Every split in the records: one code divided among several on one date."""
        return tuple(
            Split(code, day, parts)
            for (code, day), parts in sorted(self._index.news.items())
            if len(parts) > 1
        )

    def mapping(
        self,
        to: dt.date,
        *,
        split_weights: Mapping[tuple[str, str], float] | None = None,
        split_policy: SplitPolicy = "flag",
    ) -> CodeMapping:
        """A mapping of codes of any earlier vintage to the codes valid on ``to``.

        Args:
            to: the target vintage: the codes valid on this day.
            split_weights: the share of ``old_code``'s value that goes to ``new_code``,
                keyed ``(old_code, new_code)``; the shares of one split must cover all
                its parts and sum to 1.
            split_policy: what to do with a split that has no weights: ``"flag"``
                leaves its value unassigned and reports it; ``"equal"`` shares it
                equally among the parts and records that assumption.

        Raises:
            AreaError: a weight names no split, a split's weights are incomplete,
                negative or do not sum to 1, or the policy is unknown.
        """
        return CodeMapping(self, to, split_weights=split_weights, split_policy=split_policy)


# -- mapping -------------------------------------------------------------------


@attrs.frozen
class CodeLink:
    """A share of a source code's value that goes to a target code."""

    source: str
    target: str
    weight: float
    assumed: bool = False


@attrs.frozen
class Resolution:
    """Where one code's value goes, read from one date onwards.

    Attributes:
        weights: target code → share of the value; empty when ``flagged``.
        reached: every target code that holds part of the area (also when flagged).
        flagged: the split codes on the way that had no weights.
        assumed: the split codes on the way shared out by assumed equal weights.
    """

    weights: Mapping[str, float]
    reached: frozenset[str]
    flagged: frozenset[str] = frozenset()
    assumed: frozenset[str] = frozenset()

    @property
    def is_flagged(self) -> bool:
        return bool(self.flagged)


def _weights_converter(
    value: Mapping[tuple[str, str], float] | None,
) -> tuple[tuple[tuple[str, str], float], ...]:
    return tuple(sorted((value or {}).items()))


def _policy_validator(_instance: object, _attribute: object, value: str) -> None:
    if value not in ("flag", "equal"):
        msg = f"split_policy must be 'flag' or 'equal', not {value!r}"
        raise AreaError(msg)


# Status of a source code in one period.
_VALID, _OFF_VINTAGE, _AFTER_TARGET = "valid", "off_vintage", "after_target"


@attrs.frozen(eq=False)
class CodeMapping:
    """Maps codes of any earlier vintage to the codes valid on :attr:`to`.

    Build it with :meth:`CodeChanges.mapping`; see the module docstring for the rule.
    """

    changes: CodeChanges
    to: dt.date = attrs.field(converter=_date)
    split_weights: tuple[tuple[tuple[str, str], float], ...] = attrs.field(
        default=None, converter=_weights_converter
    )
    split_policy: SplitPolicy = attrs.field(default="flag", validator=_policy_validator)
    _weights: dict[tuple[str, dt.date], dict[str, float]] = attrs.field(init=False, repr=False)
    _walks: dict[tuple[str, dt.date], Resolution] = attrs.field(init=False, repr=False)
    _plans: dict[tuple[str, ...], _Plan] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_weights", self._check_weights())
        object.__setattr__(self, "_walks", {})
        object.__setattr__(self, "_plans", {})

    def _check_weights(self) -> dict[tuple[str, dt.date], dict[str, float]]:
        given: dict[str, dict[str, float]] = defaultdict(dict)
        for (old, new), w in self.split_weights:
            if not math.isfinite(w) or w < 0:
                msg = f"split weight {old} -> {new} must be a finite number >= 0, not {w!r}"
                raise AreaError(msg)
            given[old][new] = float(w)
        splits = self.changes.splits()
        split_codes = {s.code for s in splits}
        unknown = sorted(
            f"{old} -> {new}"
            for old, parts in given.items()
            for new in parts
            if old not in split_codes or not any(s.code == old and new in s.parts for s in splits)
        )
        if unknown:
            msg = f"split weights name no split in the records: {', '.join(unknown)}"
            raise AreaError(msg)
        out: dict[tuple[str, dt.date], dict[str, float]] = {}
        for s in splits:
            mine = given.get(s.code)
            if not mine:
                continue
            parts = {p: w for p, w in mine.items() if p in s.parts}
            if not parts:
                continue
            missing = [p for p in s.parts if p not in parts]
            if missing:
                msg = (
                    f"split of {s.code} on {s.change_date} has weights for "
                    f"{', '.join(sorted(parts))} but not for {', '.join(missing)}"
                )
                raise AreaError(msg)
            total = sum(parts.values())
            if abs(total - 1.0) > _WEIGHT_TOLERANCE:
                msg = f"split weights of {s.code} on {s.change_date} sum to {total}, not 1"
                raise AreaError(msg)
            out[s.code, s.change_date] = parts
        return out

    # -- resolving single codes ----------------------------------------------

    def _walk(self, code: str, after: dt.date) -> Resolution:
        """Where ``code``, valid on ``after``, goes by the changes in ``(after, to]``."""
        key = (code, after)
        cached = self._walks.get(key)
        if cached is not None:
            return cached
        index = self.changes._index
        dates = index.old_dates.get(code, [])
        i = bisect.bisect_right(dates, after)
        if i == len(dates) or dates[i] > self.to:
            result = Resolution({code: 1.0}, frozenset((code,)))
        else:
            day = dates[i]
            parts = index.news[code, day]
            # One new code: renumbered, merged or kept; several: a split.
            single = len(parts) == 1
            result = self._walk(parts[0], day) if single else self._split(code, day, parts)
        self._walks[key] = result
        return result

    def _split(self, code: str, day: dt.date, parts: tuple[str, ...]) -> Resolution:
        subs = [self._walk(p, day) for p in parts]
        reached = frozenset().union(*(s.reached for s in subs))
        flagged = frozenset().union(*(s.flagged for s in subs))
        assumed = frozenset().union(*(s.assumed for s in subs))
        shares = self._weights.get((code, day))
        if shares is None and self.split_policy == "equal":
            shares = {p: 1.0 / len(parts) for p in parts}
            assumed |= {code}
        if shares is None:
            return Resolution({}, reached, flagged | {code}, assumed)
        if flagged:
            return Resolution({}, reached, flagged, assumed)
        weights: dict[str, float] = defaultdict(float)
        for part, sub in zip(parts, subs, strict=True):
            for target, w in sub.weights.items():
                weights[target] += shares[part] * w
        return Resolution(dict(weights), reached, flagged, assumed)

    def resolve(self, code: str, on: dt.date) -> Resolution:
        """Where the value of ``code`` in the codes valid on ``on`` goes.

        A code not valid on ``on`` is read from its nearest period of validity.

        Raises:
            AreaError: ``code`` only became valid after the target date
                (mapping to an earlier vintage is not possible).
        """
        resolution, status, _ = self._source(code, on)
        if status == _AFTER_TARGET or resolution is None:
            msg = f"code {code} only became valid after {self.to}; it cannot be mapped back"
            raise AreaError(msg)
        return resolution

    def _source(self, code: str, day: dt.date) -> tuple[Resolution | None, str, CodeValidity]:
        ivs = self.changes.intervals(code)
        iv = next((x for x in ivs if x.contains(day)), None)
        status = _VALID
        after = day
        if iv is None:
            status = _OFF_VINTAGE
            earlier = [x for x in ivs if x.valid_until is not None and x.valid_until <= day]
            if earlier:
                iv = earlier[-1]
                assert iv.valid_until is not None
                after = iv.valid_until - _ONE_DAY
            else:
                iv = next(x for x in ivs if x.valid_from is not None and x.valid_from > day)
                assert iv.valid_from is not None
                after = iv.valid_from
        if iv.valid_from is not None and iv.valid_from > self.to:
            return None, _AFTER_TARGET, iv
        return self._walk(code, after), status, iv

    # -- whole series ------------------------------------------------------------

    def _epoch_day(self, epoch: int) -> dt.date:
        """A day of ``epoch``: epoch ``k`` runs from the ``k``-th change date to the next."""
        dates = self.changes.change_dates
        return dates[epoch - 1] if epoch > 0 else dt.date.min

    def _segments(self, code: str) -> list[tuple[int, int, Resolution | None, str]]:
        """Epoch ranges ``[lo, hi)`` over which ``code`` resolves the same way.

        Only a record that names the code can change its status or where it goes,
        so the ranges are cut at the dates of those records.
        """
        dates = self.changes.change_dates
        own = self.changes._index.code_dates.get(code, ())
        cuts = sorted({0, len(dates) + 1, *(bisect.bisect_left(dates, d) + 1 for d in own)})
        out = []
        for lo, hi in itertools.pairwise(cuts):
            resolution, status, _ = self._source(code, self._epoch_day(lo))
            out.append((lo, hi, resolution, status))
        return out

    def _plan(self, areas: tuple[str, ...]) -> _Plan:
        """Everything about a set of source codes that does not depend on the values."""
        cached = self._plans.get(areas)
        if cached is not None:
            return cached
        area_set = set(areas)
        rows: list[tuple[int, int, int, Resolution | None, str]] = []
        for j, code in enumerate(areas):
            rows.extend((j, lo, hi, res, status) for lo, hi, res, status in self._segments(code))
        targets = tuple(sorted({t for _, _, _, res, _ in rows if res for t in res.reached}))
        # Codes of the records absent from the series are parts that can never have a value.
        for code in sorted(self.changes.codes - area_set):
            rows.extend(
                (-1, lo, hi, res, status)
                for lo, hi, res, status in self._segments(code)
                if res is not None and status == _VALID
            )
        t_index = {t: i for i, t in enumerate(targets)}
        entries: list[tuple[int, int, int, int, float, bool, bool, bool]] = []
        for j, lo, hi, res, status in rows:
            if res is None:
                continue
            for target in res.reached:
                i = t_index.get(target)
                if i is not None:
                    entries.append(
                        (
                            lo,
                            hi,
                            i,
                            j,
                            res.weights.get(target, 0.0),
                            status == _VALID,
                            status == _OFF_VINTAGE,
                            res.is_flagged,
                        )
                    )
        cols = list(zip(*entries, strict=True)) if entries else [()] * 8
        segments = [(j, lo, hi, res, status) for j, lo, hi, res, status in rows if j >= 0]
        plan = _Plan(
            targets=targets,
            lo=np.array(cols[0], dtype=np.int64),
            hi=np.array(cols[1], dtype=np.int64),
            target=np.array(cols[2], dtype=np.int64),
            area=np.array(cols[3], dtype=np.int64),
            weight=np.array(cols[4], dtype=float),
            valid=np.array(cols[5], dtype=bool),
            off=np.array(cols[6], dtype=bool),
            flagged=np.array(cols[7], dtype=bool),
            segments=segments,
        )
        self._plans[areas] = plan
        return plan

    def map_series(self, series: Series, *, allow_partial: bool = False) -> MappedSeries:
        """The series in the codes valid on :attr:`to`, with a report.

        The work that depends only on the series' codes is cached, so mapping
        several series with the same codes costs a few numpy operations each.

        Args:
            series: values by code and period, each period in its own vintage
                (:func:`vintage_date`).
            allow_partial: keep the sum of the parts present in an incomplete cell
                instead of ``NaN`` (the cell is listed as incomplete either way).
        """
        areas = series.areas
        plan = self._plan(areas)
        n_targets, n_periods = len(plan.targets), len(series.periods)
        dates = self.changes.change_dates
        epochs = np.array(
            [bisect.bisect_right(dates, vintage_date(p)) for p in series.periods], dtype=np.int64
        )
        present_all = ~np.isnan(series.values)
        # A sparse (target x source) product in coordinate form: every entry of the
        # plan (a code's share in a target, live over some epochs) meets every period
        # of those epochs; sums per target cell are one bincount.
        live = (plan.lo[:, None] <= epochs[None, :]) & (epochs[None, :] < plan.hi[:, None])
        entry, period = np.nonzero(live)
        area = plan.area[entry]
        ours = area >= 0
        source = np.where(ours, area, 0)
        present = ours & present_all[source, period]
        weight = plan.weight[entry]
        x = np.where(present, series.values[source, period], 0.0)
        cell = plan.target[entry] * n_periods + period
        shape = (n_targets, n_periods)

        def count(mask: BoolArray) -> IntArray:
            return np.bincount(cell[mask], minlength=n_targets * n_periods).reshape(shape)

        sums = np.bincount(cell, weights=weight * x, minlength=n_targets * n_periods)
        n_assigned = count(present & (weight > 0))
        expected = ours & plan.valid[entry]
        n_expected_present = count(expected & present)
        complete = (
            (n_expected_present == count(expected))
            & ((count(~ours) == 0) | (count(present & plan.off[entry]) > 0))
            & (count(expected & plan.flagged[entry]) == 0)
        )
        values = np.where(n_assigned > 0, sums.reshape(shape), np.nan)
        if not allow_partial:
            values = np.where(complete, values, np.nan)
        incomplete = ~complete & ((n_assigned > 0) | (n_expected_present > 0))
        in_epoch = epochs[:, None] == np.arange(len(dates) + 1)[None, :]
        present_in_epoch = (present_all.astype(np.int64) @ in_epoch.astype(np.int64)) > 0
        report = self._report(plan, series, epochs, present_all, present_in_epoch)
        mapped = _with_rows(series, plan.targets, values, report.provenance)
        return MappedSeries(
            series=mapped,
            to=self.to,
            links=report.links,
            flagged=report.flagged,
            assumed=report.assumed,
            unrecorded=tuple(sorted(a for a in areas if a not in self.changes)),
            off_vintage=report.off_vintage,
            unmappable=report.unmappable,
            incomplete=incomplete,
        )

    def _report(
        self,
        plan: _Plan,
        series: Series,
        epochs: IntArray,
        present_all: BoolArray,
        present_in_epoch: BoolArray,
    ) -> _Report:
        areas = series.areas
        counts = np.concatenate(
            [np.zeros((len(areas), 1), dtype=np.int64), np.cumsum(present_in_epoch, axis=1)],
            axis=1,
        )
        links: set[tuple[str, str, float, bool]] = set()
        flagged: set[str] = set()
        assumed: set[str] = set()
        off_cells: list[tuple[str, Period]] = []
        unmappable: dict[str, str] = {}
        for j, lo, hi, res, status in plan.segments:
            if counts[j, hi] == counts[j, lo]:
                continue  # no values in these epochs
            code = areas[j]
            if res is None:
                unmappable[code] = f"only valid after {self.to.isoformat()}"
                continue
            if status == _OFF_VINTAGE:
                cols = np.flatnonzero((epochs >= lo) & (epochs < hi) & present_all[j])
                off_cells.extend((code, series.periods[c]) for c in cols.tolist())
            if res.is_flagged:
                flagged.add(code)
                continue
            assumed |= res.assumed
            links.update((code, t, w, bool(res.assumed)) for t, w in res.weights.items())
        notes = [f"area codes mapped to those valid on {self.to.isoformat()}"]
        if self.changes.source:
            notes.append(f"by {self.changes.source}")
        if assumed:
            notes.append(f"equal split weights assumed for {', '.join(sorted(assumed))}")
        if self._weights:
            given = sorted({code for code, _ in self._weights})
            notes.append(f"split weights given for {', '.join(given)}")
        provenance = (
            *series.provenance,
            Provenance(
                source="regionplan.data.areas",
                table=self.changes.source,
                licence=self.changes.licence,
                credit=self.changes.credit,
                notes="; ".join(notes),
            ),
        )
        return _Report(
            links=tuple(CodeLink(*k) for k in sorted(links)),
            flagged=tuple(sorted(flagged)),
            assumed=tuple(sorted(assumed)),
            off_vintage=tuple(sorted(off_cells)),
            unmappable=dict(sorted(unmappable.items())),
            provenance=provenance,
        )


@attrs.frozen(eq=False)
class _Plan:
    targets: tuple[str, ...]
    # One entry per (segment of a code, target it reaches); area -1 is a recorded
    # code that the series lacks.
    lo: IntArray
    hi: IntArray
    target: IntArray
    area: IntArray
    weight: FloatArray
    valid: BoolArray
    off: BoolArray
    flagged: BoolArray
    segments: list[tuple[int, int, int, Resolution | None, str]]


@attrs.frozen
class _Report:
    links: tuple[CodeLink, ...]
    flagged: tuple[str, ...]
    assumed: tuple[str, ...]
    off_vintage: tuple[tuple[str, Period], ...]
    unmappable: dict[str, str]
    provenance: tuple[Provenance, ...]


@attrs.frozen(eq=False)
class MappedSeries:
    """A series mapped to one vintage, and what happened on the way.

    Attributes:
        series: the values in the codes valid on ``to`` (one row per target code reached).
        to: the target date.
        links: each source code with values → target code and share.
        flagged: source codes with values that were split without weights; their
            values were not assigned.
        assumed: split codes shared out by assumed equal weights.
        unrecorded: source codes the records never mention, kept as they are.
        off_vintage: ``(code, period)`` values under a code not valid in that period.
        unmappable: source codes with values that cannot be mapped, and why.
        incomplete: bool array like ``series.values``: cells where some part had no
            value or was a flagged split (``NaN`` unless mapped with ``allow_partial``).
    """

    series: Series
    to: dt.date
    links: tuple[CodeLink, ...]
    flagged: tuple[str, ...]
    assumed: tuple[str, ...]
    unrecorded: tuple[str, ...]
    off_vintage: tuple[tuple[str, Period], ...]
    unmappable: Mapping[str, str]
    incomplete: BoolArray

    def targets_of(self, source: str) -> tuple[str, ...]:
        """The target codes a source code's values went to."""
        return tuple(sorted({k.target for k in self.links if k.source == source}))

    def sources_of(self, target: str) -> tuple[str, ...]:
        """The source codes whose values went into a target code."""
        return tuple(sorted({k.source for k in self.links if k.target == target}))

    def incomplete_cells(self) -> tuple[tuple[str, Period], ...]:
        """``(target code, period)`` of every incomplete cell."""
        rows, cols = np.nonzero(self.incomplete)
        return tuple(
            (self.series.areas[i], self.series.periods[j])
            for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
        )


# -- aggregation -----------------------------------------------------------------


class Aggregation(enum.Enum):
    """How a metric's values combine from member areas into a region.

    * ``SUM``: counts and amounts (persons, jobs, kroner): the region's value is
      the sum of its members' values.
    * ``WEIGHTED_MEAN``: shares and rates (employment rate, share with higher
      education): the ratio of sums, ``sum(w * x) / sum(w)`` with a weight series
      ``w`` (the denominator, e.g. the population 15–74). A plain mean of the
      members' ratios would give a small municipality the weight of a large one.
    * ``NONE``: values that cannot be built from members' values (medians, indices,
      rankings): ask the source for the region itself. Aggregating raises.
    """

    SUM = "sum"
    WEIGHTED_MEAN = "weighted_mean"
    NONE = "none"


@attrs.frozen(eq=False)
class Aggregated:
    """Region values and how many members they rest on.

    Attributes:
        series: one row per group, in the order of ``groups``.
        rule: the rule used.
        present: int array like ``series.values``: members with data per group and period.
        members: the number of members of each group.
    """

    series: Series
    rule: Aggregation
    present: IntArray
    members: IntArray

    @property
    def complete(self) -> BoolArray:
        """Cells where every member had data."""
        complete: BoolArray = self.present == self.members[:, None]
        return complete

    def coverage(self, group: str, period: Period) -> tuple[int, int]:
        """``(members with data, members)`` of one group in one period."""
        i = self.series.areas.index(group)
        j = self.series.periods.index(period)
        return int(self.present[i, j]), int(self.members[i])


def aggregate(
    series: Series,
    groups: Mapping[str, Sequence[str]],
    rule: Aggregation | str,
    weights: Series | None = None,
    *,
    allow_partial: bool = False,
) -> Aggregated:
    """Combine member areas into groups (regions).

    Args:
        series: the members' values; every member code must be one of its areas
            (map the series to the members' vintage first).
        groups: group name → member codes.
        rule: ``SUM`` or ``WEIGHTED_MEAN`` (or their values ``"sum"``, ``"weighted_mean"``).
        weights: for ``WEIGHTED_MEAN``, the weight of each member and period (>= 0),
            matched by area code and period.
        allow_partial: give a group a value when only some members have data
            (the sum, or weighted mean, of those). By default such a value is
            ``NaN``. :attr:`Aggregated.present` says how many members had data.

    Raises:
        AreaError: the rule is ``NONE`` or unknown, weights are missing or negative,
            a group is empty, repeats a member or names a code not in the series.
    """
    try:
        how = Aggregation(rule)
    except ValueError:
        msg = f"unknown aggregation rule {rule!r}; use 'sum' or 'weighted_mean'"
        raise AreaError(msg) from None
    if how is Aggregation.NONE:
        msg = (
            "this metric's aggregation is NONE: its values cannot be combined from "
            "member areas; fetch the region's own value from the source instead"
        )
        raise AreaError(msg)
    if how is Aggregation.WEIGHTED_MEAN and weights is None:
        msg = "a weighted mean needs a weight series (e.g. the denominator of the rate)"
        raise AreaError(msg)
    index = {a: i for i, a in enumerate(series.areas)}
    names = list(groups)
    membership = np.zeros((len(names), len(series.areas)))
    for g, name in enumerate(names):
        members = list(groups[name])
        if not members:
            msg = f"group {name!r} has no members"
            raise AreaError(msg)
        if len(set(members)) != len(members):
            msg = f"group {name!r} lists a member twice: {members}"
            raise AreaError(msg)
        unknown = [m for m in members if m not in index]
        if unknown:
            msg = (
                f"group {name!r}: {', '.join(unknown)} not among the series' areas "
                "(are the codes of the same vintage?)"
            )
            raise AreaError(msg)
        membership[g, [index[m] for m in members]] = 1.0
    x = series.values
    provenance = series.provenance
    if how is Aggregation.SUM:
        present = ~np.isnan(x)
        numerator = membership @ np.where(present, x, 0.0)
        denominator = None
    else:
        assert weights is not None
        w = _align(weights, series)
        if (w < 0).any():
            msg = "weights must not be negative"
            raise AreaError(msg)
        present = ~np.isnan(x) & ~np.isnan(w)
        w0 = np.where(present, w, 0.0)
        numerator = membership @ (w0 * np.where(present, x, 0.0))
        denominator = membership @ w0
        provenance = (*provenance, *weights.provenance)
    n_present = (membership @ present.astype(float)).astype(np.int64)
    n_members = membership.sum(axis=1).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = numerator if denominator is None else numerator / denominator
    out = np.where(n_present > 0, out, np.nan)
    if denominator is not None:
        out = np.where(denominator > 0, out, np.nan)
    if not allow_partial:
        out = np.where(n_present == n_members[:, None], out, np.nan)
    result = _with_rows(series, tuple(names), out, provenance)
    return Aggregated(result, how, n_present, n_members)


def _with_rows(
    series: Series,
    areas: tuple[str, ...],
    values: FloatArray,
    provenance: tuple[Provenance, ...],
) -> Series:
    """``series`` with other rows: same periods and unit."""
    # Passed as Any: mypy's attrs plugin types Series' `converter=tuple` fields as
    # `Iterable[_T_co]` and would reject any argument.
    changes: dict[str, Any] = {"areas": areas, "values": values, "provenance": provenance}
    return attrs.evolve(series, **changes)


def _align(weights: Series, series: Series) -> FloatArray:
    """The weights on the series' areas and periods (``NaN`` where there is none)."""
    out = np.full(series.values.shape, np.nan)
    rows = {a: i for i, a in enumerate(weights.areas)}
    cols = {p: j for j, p in enumerate(weights.periods)}
    src_r = [rows.get(a, -1) for a in series.areas]
    src_c = [cols.get(p, -1) for p in series.periods]
    r = np.array([i for i, s in enumerate(src_r) if s >= 0], dtype=np.int64)
    c = np.array([j for j, s in enumerate(src_c) if s >= 0], dtype=np.int64)
    if r.size and c.size:
        wr = np.array([src_r[i] for i in r], dtype=np.int64)
        wc = np.array([src_c[j] for j in c], dtype=np.int64)
        out[np.ix_(r, c)] = weights.values[np.ix_(wr, wc)]
    return out
