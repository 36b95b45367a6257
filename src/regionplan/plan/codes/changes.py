"""The table of area code changes (:class:`CodeChanges`) and what it tells about each code.

It indexes its change records once, then answers when a code was valid, what became of
it (:meth:`CodeChanges.successors`), where it came from, its name on a date, and which
codes were split. :meth:`CodeChanges.bundled` gives the SSB KLASS 131 records shipped
with the package.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib.resources
import io
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

import attrs

from regionplan.plan.codes.records import _ALWAYS, _ONE_DAY, AreaError, ChangeRecord, CodeValidity, Split
from regionplan.plan.codes.resolution import CodeResolver

__all__ = ["CodeChanges"]

_BUNDLED_FILE = "klass131_changes.csv"
_BUNDLED_SOURCE = "SSB KLASS 131 municipality changes 2011-2024 (bundled)"
_BUNDLED_CREDIT = "Kilde: Statistisk sentralbyrå (KLASS 131)"


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
        walk = CodeResolver(self, on)._walk(code, iv.valid_until - _ONE_DAY)
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
