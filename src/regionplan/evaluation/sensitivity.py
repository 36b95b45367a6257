"""Baseline sensitivity: would the verdict be the same from another base period?

A target measured from a base period (``change``, ``annual_trend``, ``recovery``,
``growth_vs``, and any target with a stated ``baseline``) can owe its status to the
choice of that period: growth measured from a pandemic low point looks strong. So the
target is judged again from the same period one, two, … ``baseline_window`` years
before the stated one (the same quarter, month or day of the year, so seasons do not
enter), with the same status policy, projection and evaluation date. Each earlier base
period costs one more reading of the evidence and one more judgement, across all areas
at once.

The verdict **holds** in an area when every earlier base period with data there gives
the stated baseline's status, and **flips** otherwise. A stated baseline that is the
lowest or highest value of the metric's own series in the ``baseline_window`` years
before and after it (for ``growth_vs``: the metric, not the one it is compared with)
is flagged as a possible shock. A baseline at the edge of the data (nothing observed
before or after it within the window) is never flagged: it cannot be told apart from
a trend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import attrs
import numpy as np

from regionplan.evaluation.evidence import Rows
from regionplan.evaluation.status import Judgement, Status
from regionplan.plan.model import Metric, Target, TargetKind
from regionplan.plan.periods import Period
from regionplan.plan.units import parse_unit, unit_label

__all__ = [
    "BASE_KINDS",
    "BaseOutcome",
    "BaselineSensitivity",
    "SensitivityBatch",
    "baseline_sensitivity",
    "depends_on_base",
]

#: Kinds whose verdict is measured from a base period, stated or not.
BASE_KINDS = frozenset(
    {TargetKind.CHANGE, TargetKind.ANNUAL_TREND, TargetKind.RECOVERY, TargetKind.GROWTH_VS}
)

Extreme = Literal["min", "max"]


@attrs.frozen
class BaseOutcome:
    """The verdict of a target measured from one base period.

    Attributes:
        period: the base period's label (``2019Q4``).
        time: its place on the time axis.
        value: the number the verdict rests on (see :attr:`BaselineSensitivity.quantity`),
            ``None`` where it cannot be computed.
        status, reason: the verdict from this base period and its reason code.
    """

    period: str
    time: float
    value: float | None
    status: Status
    reason: str


@attrs.frozen
class BaselineSensitivity:
    """How a target's verdict changes with its base period, in one area.

    Attributes:
        window: the years looked back from the stated baseline (``baseline_window``).
        stated: the verdict from the target's own baseline.
        alternatives: the verdicts from earlier base periods that have data in this
            area, nearest first (2019, 2018, 2017 for a 2020 baseline).
        holds: every alternative gives the stated baseline's status.
        quantity: what :attr:`BaseOutcome.value` is: ``gap`` (growth of the metric minus
            growth of the other, ``growth_vs``), ``change`` or ``growth`` (percent) since
            the base period, ``annual_change`` or ``annual_growth`` (percent a year) on
            average since it, ``above_base`` (``recovery``: latest value minus the base
            period's level).
        unit: the unit of the values (``pp``, ``%``, or the metric's).
        series: the id of the metric whose series the extreme is judged on.
        extreme: ``"min"`` or ``"max"`` when the stated baseline is the lowest or highest
            value of that series in its neighbourhood (a possible shock), else ``None``.
        neighbourhood: the first and last period observed in that neighbourhood.
    """

    window: int
    stated: BaseOutcome
    alternatives: tuple[BaseOutcome, ...]
    holds: bool
    quantity: str
    unit: str
    series: str
    extreme: Extreme | None = None
    neighbourhood: tuple[str, str] | None = None

    @property
    def flips(self) -> bool:
        """At least one earlier base period gives another status than the stated one."""
        return not self.holds


@attrs.frozen(eq=False)
class SensitivityBatch:
    """One target's verdicts from every base period, for all areas (one row per base period).

    Row 0 is the stated baseline; rows 1… the earlier base periods, nearest first.
    """

    window: int
    quantity: str
    unit: str
    series: str
    periods: tuple[Period, ...]
    status: np.ndarray
    reason: np.ndarray
    value: np.ndarray
    available: np.ndarray
    extreme: np.ndarray
    near_first: np.ndarray
    near_last: np.ndarray

    def at(self, i: int) -> BaselineSensitivity | None:
        """The sensitivity in area ``i``; ``None`` when no earlier base period has data there."""
        outcomes = [
            BaseOutcome(
                p.label,
                p.time,
                _f(self.value[r, i]),
                Status.from_code(int(self.status[r, i])),
                str(self.reason[r, i]),
            )
            for r, p in enumerate(self.periods)
            if r == 0 or self.available[r, i]
        ]
        stated, alternatives = outcomes[0], tuple(outcomes[1:])
        if not alternatives:
            return None
        code = int(self.extreme[i])
        extreme: Extreme | None = "min" if code < 0 else "max" if code > 0 else None
        first, last = self.near_first[i], self.near_last[i]
        return BaselineSensitivity(
            window=self.window,
            stated=stated,
            alternatives=alternatives,
            holds=all(a.status is stated.status for a in alternatives),
            quantity=self.quantity,
            unit=self.unit,
            series=self.series,
            extreme=extreme,
            neighbourhood=(str(first), str(last)) if extreme is not None else None,
        )


def depends_on_base(target: Target) -> bool:
    """Whether the target's verdict is measured from a base period."""
    return target.kind in BASE_KINDS or target.baseline is not None


def baseline_sensitivity(
    target: Target,
    metric: Metric,
    rows: Rows,
    judgement: Judgement,
    *,
    rows_for: Callable[[Target], Rows],
    judge: Callable[[Rows, Target], Judgement],
) -> SensitivityBatch | None:
    """Judge ``target`` again from each earlier base period in its ``baseline_window``.

    Args:
        target, metric: the target and its metric.
        rows, judgement: the target's evidence and verdict from its stated baseline.
        rows_for: the evidence of a target (the evaluation's own reading of the data,
            so every base period is read by the same rules).
        judge: the target's policy and projection applied to the evidence of a target.

    Returns:
        ``None`` when the target is not measured from a base period, its window is 0,
        or no earlier base period has data in any area.
    """
    window = target.baseline_window
    if window <= 0 or not depends_on_base(target):
        return None
    stated = _stated_period(target, metric, rows)
    if stated is None:
        return None
    if target.kind is TargetKind.GROWTH_VS:
        # the metric's own series, as the target reads it (the rows hold the growth gap)
        series = rows_for(attrs.evolve(target, kind=TargetKind.LEVEL, other=None, value=0.0)).values
    else:
        series = rows.values
    earlier = [
        p
        for p, col in _same_in_year(rows.periods, stated, range(-1, -window - 1, -1))
        if _any(series[:, col])
    ]
    if not earlier:
        return None
    all_rows, judgements = [rows], [judgement]
    available = [np.ones(rows.values.shape[0], dtype=bool)]
    for period in earlier:
        moved = attrs.evolve(target, baseline=period.label)
        alt = rows_for(moved)
        all_rows.append(alt)
        judgements.append(judge(alt, moved))
        col = _column(alt.periods, period)
        available.append(np.isfinite(alt.values[:, col]) if col is not None else np.zeros_like(available[0]))
    extreme, first, last = _extreme(series, rows.periods, stated, window)
    quantity, unit = _quantity(target, metric)
    return SensitivityBatch(
        window=window,
        quantity=quantity,
        unit=unit,
        series=metric.id,
        periods=(stated, *earlier),
        status=np.stack([j.status for j in judgements]),
        reason=np.stack([j.reason for j in judgements]),
        value=np.stack([_value(target, r, j) for r, j in zip(all_rows, judgements, strict=True)]),
        available=np.stack(available),
        extreme=extreme,
        near_first=first,
        near_last=last,
    )


def _stated_period(target: Target, metric: Metric, rows: Rows) -> Period | None:
    if target.baseline:
        return metric.period.read(target.baseline)
    if target.kind is TargetKind.RECOVERY or not rows.base_time.size:
        return None  # a recovery's base time is its shock; without a stated baseline there is none to vary
    return _period_at(rows.periods, float(rows.base_time[0]))


def _shift(period: Period, years: int) -> Period | None:
    try:
        return Period(period.start.replace(year=period.start.year + years), period.kind)
    except ValueError:  # 29 February
        return None


def _same_in_year(
    periods: Sequence[Period], stated: Period, offsets: Sequence[int]
) -> list[tuple[Period, int]]:
    """The periods ``offsets`` years from ``stated`` that the series has, with their columns."""
    out = []
    for k in offsets:
        shifted = _shift(stated, k)
        col = _column(periods, shifted) if shifted is not None else None
        if col is not None:
            out.append((periods[col], col))
    return out


def _column(periods: Sequence[Period], period: Period | None) -> int | None:
    for j, p in enumerate(periods):
        if p == period:
            return j
    return None


def _period_at(periods: Sequence[Period], t: float) -> Period | None:
    for p in periods:
        if abs(p.time - t) < 1e-6:
            return p
    return None


def _any(column: np.ndarray) -> bool:
    return bool(np.isfinite(column).any())


def _extreme(
    series: np.ndarray, periods: Sequence[Period], stated: Period, window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per area: -1 where the baseline is the neighbourhood's low point, +1 its high point, else 0;
    and the labels of the first and last period observed in the neighbourhood."""
    n = series.shape[0]
    none = np.full(n, None, dtype=object)
    near = _same_in_year(periods, stated, range(-window, window + 1))
    base_col = _column(periods, stated)
    if base_col is None:
        return np.zeros(n, dtype=np.int8), none, none.copy()
    before = [c for p, c in near if p < stated]
    after = [c for p, c in near if p > stated]
    if not before or not after:
        return np.zeros(n, dtype=np.int8), none, none.copy()
    others = series[:, before + after]
    base = series[:, base_col]
    seen = np.isfinite(others)
    edges = np.isfinite(series[:, before]).any(axis=1) & np.isfinite(series[:, after]).any(axis=1)
    low = np.where(seen, others, np.inf).min(axis=1)
    high = np.where(seen, others, -np.inf).max(axis=1)
    ok = edges & np.isfinite(base)
    is_min = ok & (base <= low) & (base < high)
    is_max = ok & (base >= high) & (base > low)
    extreme = np.where(is_min, -1, np.where(is_max, 1, 0)).astype(np.int8)
    cols = [c for _, c in near]
    labels = np.array([periods[c].label for c in cols], dtype=object)
    observed = np.isfinite(series[:, cols])
    first = labels[np.argmax(observed, axis=1)]
    last = labels[len(cols) - 1 - np.argmax(observed[:, ::-1], axis=1)]
    first[extreme == 0] = None
    last[extreme == 0] = None
    return extreme, first, last


def _quantity(target: Target, metric: Metric) -> tuple[str, str]:
    """What the value of each base period is, and its unit."""
    kind = target.kind
    if kind is TargetKind.GROWTH_VS:
        return "gap", "pp"
    unit = unit_label(parse_unit(metric.unit))
    if unit == "%":
        unit = "pp"  # a change in a share is in percentage points
    if kind is TargetKind.RECOVERY:
        return "above_base", unit
    if kind is TargetKind.ANNUAL_TREND:
        return (
            ("annual_growth", "%")
            if target.relative and target.change is not None
            else ("annual_change", unit)
        )
    return ("growth", "%") if target.relative else ("change", unit)


def _value(target: Target, rows: Rows, judgement: Judgement) -> np.ndarray:
    """The number the verdict rests on, per area (see :attr:`BaselineSensitivity.quantity`)."""
    latest = np.asarray(judgement.latest_value, dtype=float)
    base = np.asarray(rows.base_value, dtype=float)
    kind = target.kind
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if kind is TargetKind.GROWTH_VS:
            out = latest
        elif kind is TargetKind.RECOVERY:
            out = latest - rows.facts.get("pre_shock", np.full(latest.shape, np.nan))
        elif kind is TargetKind.ANNUAL_TREND:
            years = judgement.latest_time - rows.base_time
            years = np.where(years > 0, years, np.nan)
            if target.relative and target.change is not None:
                out = np.where(base > 0, 100.0 * (np.power(latest / base, 1.0 / years) - 1.0), np.nan)
            else:
                out = (latest - base) / years
        elif target.relative:
            out = np.where(base != 0, 100.0 * (latest / base - 1.0), np.nan)
        else:
            out = latest - base
    return np.asarray(out, dtype=float)


def _f(x: float) -> float | None:
    v = float(x)
    return v if np.isfinite(v) else None
