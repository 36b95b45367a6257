"""Series: values by area and period, one numpy array with one unit.

A :class:`Series` never holds a pint Quantity per value: arithmetic on one array
with one unit is thousands of times faster than on scalar quantities. Missing
values are ``NaN``. Sources deliver :class:`Observations` (long, columnar batches
with provenance); :func:`Series.from_observations` pivots them into the wide form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from regionplan.data.provenance import Provenance
from regionplan.data.values import BadLabel, ImpossibleValues, impossible_value, is_count, period_problem
from regionplan.plan.periods import Period, PeriodSpec
from regionplan.plan.units import parse_unit, registry

if TYPE_CHECKING:
    import pint

__all__ = [
    "BadLabel",
    "ImpossibleValues",
    "Observations",
    "Provenance",
    "Series",
    "first_impossible",
    "impossible_value",
    "is_count",
    "period_problem",
]


def first_impossible(values: np.ndarray, unit: pint.Unit | str | None = None) -> int | None:
    """The index of the first value :func:`impossible_value` refuses, or None (one pass)."""
    bad = np.isinf(values)
    if is_count(unit):
        bad |= values < 0
    found = np.flatnonzero(bad)
    return int(found[0]) if len(found) else None


def _objects(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=object)


def _floats(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=float)


def _areas(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _periods(values: Iterable[Period]) -> tuple[Period, ...]:
    return tuple(values)


def _provenances(values: Iterable[Provenance]) -> tuple[Provenance, ...]:
    return tuple(values)


def _unit(value: pint.Unit | str) -> pint.Unit:
    """A unit, or its text read through the unit registry (``"job"``, ``"person"``), at construction."""
    if not isinstance(value, str):
        if not hasattr(value, "dimensionality"):
            raise TypeError(f"Series.unit must be a unit or its name, got {value!r:.80}")
        return value
    try:
        return parse_unit(value)
    except Exception as exc:  # pint raises several kinds of error for text it cannot read
        raise ValueError(f"Series.unit {value!r:.80} is not a unit the unit registry knows") from exc


def _series(
    areas: tuple[str, ...], periods: tuple[Period, ...], values: np.ndarray, unit: str, provenance: Any
) -> Series:
    """A series unpickled (:meth:`Series.__reduce__`)."""
    return Series(areas, periods, values, unit, provenance)


def _array_eq(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


@attrs.frozen(eq=False)
class Observations:
    """A long batch of observations: parallel arrays of area, period label and value.

    Periods are raw labels (``"2019"``, ``"2019K4"``); the metric's
    :class:`~regionplan.plan.periods.PeriodSpec` says how to read them.
    """

    areas: np.ndarray = attrs.field(converter=_objects)
    periods: np.ndarray = attrs.field(converter=_objects)
    values: np.ndarray = attrs.field(converter=_floats)
    unit: str | None
    provenance: Provenance

    def __attrs_post_init__(self) -> None:
        n = len(self.values)
        if len(self.areas) != n or len(self.periods) != n:
            msg = (
                f"observations need equal lengths: {len(self.areas)} areas, "
                f"{len(self.periods)} periods, {n} values"
            )
            raise ValueError(msg)
        # Every source's values pass here: an infinite one would reach a status as "achieved".
        # Negative counts are refused by the sources, which know the line they stand on.
        if (i := first_impossible(self.values)) is not None:
            raise ImpossibleValues(self._where(i) + (impossible_value(self.values[i]) or ""))

    def _where(self, i: int) -> str:
        """``source table: area A, period P: `` of the ``i``-th observation."""
        p = self.provenance
        name = " ".join(x for x in (p.source, p.table) if x)
        return f"{name}: area {self.areas[i]!r}, period {self.periods[i]!r}: "

    def __len__(self) -> int:
        return len(self.values)


@attrs.frozen(eq=False)
class Series:
    """Values of one metric by area (rows) and period (columns), in one unit.

    Attributes:
        areas: area codes, one per row.
        periods: sorted periods, one per column.
        values: float array of shape ``(len(areas), len(periods))``; ``NaN`` where missing.
        unit: the pint unit of every value (its name, such as ``"job"``, is read at construction).
        provenance: where the values came from.
    """

    areas: tuple[str, ...] = attrs.field(converter=_areas)
    periods: tuple[Period, ...] = attrs.field(converter=_periods)
    values: np.ndarray
    unit: pint.Unit = attrs.field(converter=_unit)
    provenance: tuple[Provenance, ...] = attrs.field(default=(), converter=_provenances)

    def __attrs_post_init__(self) -> None:
        shape = (len(self.areas), len(self.periods))
        if self.values.shape != shape:
            msg = f"values have shape {self.values.shape}, areas and periods say {shape}"
            raise ValueError(msg)
        self.values.setflags(write=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Series):
            return NotImplemented
        return (
            self.areas == other.areas
            and self.periods == other.periods
            and self.unit == other.unit
            and _array_eq(self.values, other.values)
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        # The unit travels as its text, read again through regionplan's unit registry:
        # pint would read it through its application registry, which lacks "job" and "person".
        return (_series, (self.areas, self.periods, self.values, f"{self.unit}", self.provenance))

    # -- construction -------------------------------------------------------

    @classmethod
    def from_observations(
        cls,
        batches: Iterable[Observations],
        *,
        unit: pint.Unit | str,
        period_spec: PeriodSpec | None = None,
    ) -> Series:
        """Pivot observation batches into one series in ``unit``.

        Each batch is converted from its own unit (when it names one) to ``unit``
        as a whole array. A later batch's value for the same area and period wins.

        Raises:
            pint.DimensionalityError: a batch's unit does not fit ``unit``.
        """
        target = parse_unit(unit) if isinstance(unit, str) else unit
        spec = period_spec or PeriodSpec()
        batch_list = [b for b in batches if len(b)]
        if not batch_list:
            return cls.empty(target, provenance=[b.provenance for b in batches])
        converted = [_in_unit(b, target) for b in batch_list]
        for b, in_unit in zip(batch_list, converted, strict=True):
            # a conversion may overflow what the batch held (1e300 BNOK in NOK), and a plugin
            # source may deliver a negative count: neither may reach a status
            if (i := first_impossible(in_unit, target)) is not None:
                raise ImpossibleValues(b._where(i) + (impossible_value(in_unit[i], target) or ""))
        areas_all = np.concatenate([b.areas for b in batch_list]).astype(str)
        labels_all = np.concatenate([b.periods for b in batch_list]).astype(str)
        values_all = np.concatenate(converted)
        area_index, area_pos = np.unique(areas_all, return_inverse=True)
        label_index, label_pos = np.unique(labels_all, return_inverse=True)
        label_periods = [_read_label(spec, label, batch_list) for label in label_index]
        # labels of one period written two ways ("2022K4", "2022Q4") share its column
        periods = sorted(set(label_periods))
        column = {p: i for i, p in enumerate(periods)}
        rank = np.array([column[p] for p in label_periods], dtype=np.intp)
        values = np.full((len(area_index), len(periods)), np.nan)
        values[area_pos, rank[label_pos]] = values_all
        return cls(
            tuple(str(a) for a in area_index),
            periods,
            values,
            target,
            tuple(b.provenance for b in batch_list),
        )

    @classmethod
    def empty(cls, unit: pint.Unit | str, provenance: Iterable[Provenance] = ()) -> Series:
        target = parse_unit(unit) if isinstance(unit, str) else unit
        return cls((), (), np.empty((0, 0)), target, tuple(provenance))

    # -- queries --------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        return self.values.size == 0 or bool(np.isnan(self.values).all())

    @property
    def times(self) -> np.ndarray:
        """Each period's position on the time axis (decimal years)."""
        return np.array([p.time for p in self.periods], dtype=float)

    def row(self, area: str) -> np.ndarray:
        """The values of one area (a read-only view)."""
        try:
            row: np.ndarray = self.values[self.areas.index(area)]
            return row
        except ValueError:
            msg = f"no area {area!r} in this series"
            raise KeyError(msg) from None

    def value(self, area: str, period: Period) -> float:
        """One value, ``NaN`` where it is missing."""
        if area not in self.areas or period not in self.periods:
            return float("nan")
        return float(self.values[self.areas.index(area), self.periods.index(period)])

    def select_areas(self, areas: Sequence[str]) -> Series:
        """The rows of ``areas`` in that order; an area without data gets a row of NaN."""
        areas = tuple(areas)
        if areas == self.areas:
            return attrs.evolve(self, values=self.values.copy())
        index = {a: i for i, a in enumerate(self.areas)}
        rows = np.fromiter((index.get(a, -1) for a in areas), dtype=np.int64, count=len(areas))
        out = np.full((len(areas), len(self.periods)), np.nan)
        found = rows >= 0
        out[found] = self.values[rows[found]]
        return attrs.evolve(self, areas=areas, values=out)

    def until(self, day: dt.date) -> Series:
        """Only the periods whose reference date is on or before ``day``."""
        keep = [i for i, p in enumerate(self.periods) if p.reference_date <= day]
        return attrs.evolve(
            self,
            periods=tuple(self.periods[i] for i in keep),
            values=self.values[:, keep].copy(),
        )

    def to(self, unit: pint.Unit | str) -> Series:
        """The same series in another unit (one array conversion)."""
        target = parse_unit(unit) if isinstance(unit, str) else unit
        if target == self.unit:
            return self
        q = registry().Quantity(self.values, self.unit).to(target)
        return attrs.evolve(self, values=np.asarray(q.magnitude, dtype=float), unit=target)

    def quantity(self) -> Any:
        """The values as one pint Quantity array."""
        return registry().Quantity(self.values, self.unit)

    def to_frame(self) -> Any:
        """A long pandas DataFrame (area, period, time, value, unit). Needs pandas."""
        import pandas as pd

        n_a, n_p = self.values.shape
        return pd.DataFrame(
            {
                "area": np.repeat(np.array(self.areas, dtype=object), n_p),
                "period": np.tile(np.array([p.label for p in self.periods], dtype=object), n_a),
                "time": np.tile(self.times, n_a),
                "value": self.values.reshape(-1),
                "unit": f"{self.unit:~}",
            }
        )


def _read_label(spec: PeriodSpec, label: str, batches: list[Observations]) -> Period:
    """A period label read by ``spec``; a label that is none names its source and area.

    A period must lie in the years a plan may name (:data:`~regionplan.plan.periods.PLAN_YEARS`):
    a figure for the year 9998 is no statistic, and its publication date would be no date.
    """
    try:
        period = spec.read(label)
        problem = None if (why := period_problem(period)) is None else f"the period {label!r}: {why}"
    except ValueError as exc:
        problem = str(exc)
    if problem is None:
        return period
    b = next(b for b in batches if label in set(b.periods.astype(str)))
    i = int(np.flatnonzero(b.periods.astype(str) == label)[0])
    raise BadLabel(b._where(i) + problem)


def _in_unit(batch: Observations, target: pint.Unit) -> np.ndarray:
    if not batch.unit:
        return batch.values
    source_unit = parse_unit(batch.unit)
    if source_unit == target:
        return batch.values
    q = registry().Quantity(batch.values, source_unit).to(target)
    return np.asarray(q.magnitude, dtype=float)
