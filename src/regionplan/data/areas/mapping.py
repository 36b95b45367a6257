"""Mapping a series of any earlier code vintages to the codes valid on one date, with a report.

:class:`CodeMapping` (from :meth:`CodeChanges.mapping <regionplan.plan.codes.CodeChanges.mapping>`)
resolves each code as :class:`~regionplan.plan.codes.CodeResolver` does and maps whole
series at once; :class:`MappedSeries` is the result and the report.

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
import datetime as dt
import itertools
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from regionplan.data.series import Provenance, Series
from regionplan.plan.codes import CodeResolver, Resolution, vintage_date
from regionplan.plan.codes.resolution import _OFF_VINTAGE, _VALID
from regionplan.plan.periods import Period

__all__ = ["CodeLink", "CodeMapping", "MappedSeries"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@attrs.frozen
class CodeLink:
    """A share of a source code's value that goes to a target code."""

    source: str
    target: str
    weight: float
    assumed: bool = False


@attrs.frozen(eq=False)
class CodeMapping(CodeResolver):
    """Maps codes of any earlier vintage to the codes valid on :attr:`to`.

    Build it with :meth:`CodeChanges.mapping <regionplan.plan.codes.CodeChanges.mapping>`;
    see the module docstring for the rule. Single codes resolve as in
    :class:`~regionplan.plan.codes.CodeResolver`.
    """

    _plans: dict[tuple[str, ...], _Plan] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        object.__setattr__(self, "_plans", {})

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
