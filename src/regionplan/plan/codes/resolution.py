"""Following one area code through the change records to the codes valid on a later date.

A :class:`CodeResolver` walks a code through renumberings, mergers and splits (shared out
by given weights, by assumed equal ones, or flagged) and says where its value goes: a
:class:`Resolution`. It needs nothing but the records; mapping whole series builds on it
in the data layer (:mod:`regionplan.data.areas`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

import attrs

from regionplan.plan.codes.records import _ONE_DAY, AreaError, CodeValidity, _date

if TYPE_CHECKING:
    from regionplan.plan.codes.changes import CodeChanges

__all__ = ["CodeResolver", "Resolution"]

SplitPolicy = Literal["flag", "equal"]

_WEIGHT_TOLERANCE = 1e-6


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
class CodeResolver:
    """Where codes of any earlier vintage go in the codes valid on :attr:`to`, one code at a time.

    This is the part of a code mapping that needs only the change records;
    :class:`~regionplan.data.areas.CodeMapping` (from :meth:`CodeChanges.mapping`) builds on
    it to map whole series. The weights and the split policy are those of
    :meth:`CodeChanges.mapping`.
    """

    changes: CodeChanges
    to: dt.date = attrs.field(converter=_date)
    split_weights: tuple[tuple[tuple[str, str], float], ...] = attrs.field(
        default=None, converter=_weights_converter
    )
    split_policy: SplitPolicy = attrs.field(default="flag", validator=_policy_validator)
    _weights: dict[tuple[str, dt.date], dict[str, float]] = attrs.field(init=False, repr=False)
    _walks: dict[tuple[str, dt.date], Resolution] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_weights", self._check_weights())
        object.__setattr__(self, "_walks", {})

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
