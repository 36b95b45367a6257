"""Projections: where a series is heading at a target's deadline.

A :class:`Projector` fits the observations available at the evaluation date and
predicts the value at the deadline, with a prediction interval when there are
enough points (three or more). Projectors work on whole batches: ``times`` is
one axis shared by all rows, ``values`` a 2-D array with ``NaN`` where a row has
no observation, so thousands of targets are projected in one pass.

The evaluation shows a projection only where the data bear it: from at least a
metric's ``projection_min_points`` observations since the baseline (5 unless the
plan says otherwise), and marked *indicative* when it reaches further beyond the
last observation than the fitted observations span (:meth:`Projection.indicative`).

What the interval covers: the scatter of the observations around the fitted
curve, and the uncertainty of the fitted slope and level, assuming the curve is the
right model and the deviations are independent, of constant spread and normal.
Student's t with n − 2 degrees of freedom makes it exact under those assumptions
for any n ≥ 3, so a short series gets a wide interval; nothing narrows it further.
It does **not** cover what breaks the assumptions: structural breaks (a pandemic,
a municipal merger, a new employer), deviations that persist from one period to the
next (most yearly statistics), a curve of the wrong shape, or revised figures. Far
beyond the fitted span these dominate, which is why such a projection is indicative.

Built in (registered through
:func:`~regionplan.hookspecs.regionplan_register_projections`):

* ``linear`` — ordinary least squares on (time, value); the interval is the
  classical prediction interval for a new observation (Student's t, n − 2
  degrees of freedom).
* ``compound`` — least squares on (time, log value), i.e. constant annual
  growth; needs positive values; the interval is computed in log space.
"""

from __future__ import annotations

import abc
import functools
import math
from typing import ClassVar

import attrs
import numpy as np

__all__ = ["CompoundGrowth", "LinearTrend", "Projection", "Projector", "student_t_quantile"]

DEFAULT_CONFIDENCE = 0.8


def _t_central(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with a whole number of degrees of freedom (exact series,
    Abramowitz and Stegun 26.7.3-4)."""
    theta = math.atan(t / math.sqrt(df))
    c, s = math.cos(theta), math.sin(theta)
    if df == 1:
        return 2.0 * theta / math.pi
    if df % 2:  # odd: (2/pi) (theta + sin(theta) (cos + 2/3 cos^3 + 2*4/(3*5) cos^5 + ...))
        term = total = c
        for j in range(1, (df - 3) // 2 + 1):
            term *= c * c * (2 * j) / (2 * j + 1)
            total += term
        return 2.0 / math.pi * (theta + s * total)
    term = total = 1.0  # even: sin(theta) (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ...)
    for j in range(1, (df - 2) // 2 + 1):
        term *= c * c * (2 * j - 1) / (2 * j)
        total += term
    return s * total


@functools.lru_cache(maxsize=1024)
def _t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile (``p > 0.5``) of Student's t, by bisection on the exact distribution."""
    target = 2.0 * p - 1.0
    low, high = 0.0, 1.0
    while _t_central(high, df) < target:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if _t_central(mid, df) < target:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0


def student_t_quantile(p: float, df: np.ndarray) -> np.ndarray:
    """Quantile ``p`` (``0.5 < p < 1``) of Student's t for each number of degrees of freedom.

    Degrees of freedom here are observations minus two, whole numbers; below 1 the
    quantile is ``NaN``. Exact to about twelve digits, with no dependency beyond numpy.
    """
    out = np.full(df.shape, np.nan)
    ok = df >= 1
    if ok.any():
        known = df[ok].astype(np.int64)
        most = int(known.max())
        if most <= _TABLE_UP_TO:  # the usual case: a few dozen yearly or quarterly points
            out[ok] = _t_table(p, most)[known]
        else:
            for value in np.unique(known):
                out[df == value] = _t_quantile(p, int(value))
    return out


#: Quantiles for up to this many degrees of freedom are kept as a table (each costs a
#: bisection whose steps grow with the degrees of freedom).
_TABLE_UP_TO = 64


@functools.lru_cache(maxsize=64)
def _t_table(p: float, most: int) -> np.ndarray:
    """The ``p`` quantiles for 0 (``NaN``) to ``most`` degrees of freedom, read-only."""
    table = np.array([np.nan] + [_t_quantile(p, k) for k in range(1, most + 1)])
    table.setflags(write=False)
    return table


@attrs.frozen(eq=False)
class Projection:
    """Projected values for a batch of rows at their deadlines.

    Attributes:
        method: the projector's name.
        value: the projected value per row (``NaN`` where it could not be projected).
        low, high: the prediction interval per row (``NaN`` with fewer than 3 points).
        slope: change per year per row (for ``compound``, the annual growth rate).
        n_points: observations used per row.
        confidence: the interval's coverage, e.g. 0.8.
        first, last: the times of the first and last observation fitted per row
            (``None`` from a projector that does not say).
    """

    method: str
    value: np.ndarray
    low: np.ndarray
    high: np.ndarray
    slope: np.ndarray
    n_points: np.ndarray
    confidence: float
    first: np.ndarray | None = None
    last: np.ndarray | None = None

    def indicative(self, at: np.ndarray) -> np.ndarray:
        """Rows projected further beyond their last observation (to ``at``) than the
        observations fitted span (last minus first): the fit says little that far out."""
        if self.first is None or self.last is None:
            return np.zeros(self.value.shape, dtype=bool)
        with np.errstate(invalid="ignore"):
            return np.asarray((at - self.last) > (self.last - self.first) + 1e-9)

    def masked(self, keep: np.ndarray) -> Projection:
        """The same projection with rows outside ``keep`` left unprojected (``NaN``); the
        counts of points stay, so a reader can say why."""

        def cut(a: np.ndarray) -> np.ndarray:
            return np.where(keep, a, np.nan)

        return attrs.evolve(
            self, value=cut(self.value), low=cut(self.low), high=cut(self.high), slope=cut(self.slope)
        )


class Projector(abc.ABC):
    """Base class of projection methods."""

    name: ClassVar[str] = ""
    #: The fewest observations a row needs to be projected at all (the evaluation asks
    #: for more: a metric's ``projection_min_points``).
    min_points: ClassVar[int] = 2

    @abc.abstractmethod
    def project(
        self,
        times: np.ndarray,
        values: np.ndarray,
        at: np.ndarray,
        confidence: float = DEFAULT_CONFIDENCE,
    ) -> Projection:
        """Project each row of ``values`` (over ``times``) to its time in ``at``."""

    def describe(self) -> str:
        return (self.__doc__ or self.name).strip().splitlines()[0]


def _down(values: np.ndarray) -> np.ndarray:
    """Rows as columns, contiguous: numpy reduces many short rows several times slower
    than the same numbers down columns."""
    return np.ascontiguousarray(values.T)


def _times_down(times: np.ndarray) -> np.ndarray:
    """The times to go with :func:`_down` values: one axis for all rows, or one per row."""
    return times[:, None] if times.ndim == 1 else _down(times)


def _ols_down(times: np.ndarray, y: np.ndarray, at: np.ndarray, confidence: float) -> tuple[np.ndarray, ...]:
    """Least squares of each column of ``y`` (the transposed values, shape ``(T, rows)``), NaN
    as missing; returns prediction, low, high, slope and number of points per row.

    The interval is the classical prediction interval of a new observation at ``at``:
    residual variance on n − 2 degrees of freedom, Student's t quantile on the same.
    """
    mask = ~np.isnan(y)
    n = np.count_nonzero(mask, axis=0).astype(float)
    t = _times_down(times)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_mean = np.where(mask, t, 0.0).sum(axis=0) / n
        y_mean = np.where(mask, y, 0.0).sum(axis=0) / n
        dt = np.where(mask, t - t_mean, 0.0)
        dy = np.where(mask, y - y_mean, 0.0)
        sxx = (dt * dt).sum(axis=0)
        slope = np.where(sxx > 0, (dt * dy).sum(axis=0) / np.where(sxx > 0, sxx, 1.0), np.nan)
        intercept = y_mean - slope * t_mean
        pred = intercept + slope * at
        resid = np.where(mask, y - (intercept + slope * t), 0.0)
        df = n - 2
        s2 = np.where(df > 0, (resid * resid).sum(axis=0) / np.where(df > 0, df, 1.0), np.nan)
        se = np.sqrt(s2 * (1.0 + 1.0 / n + (at - t_mean) ** 2 / sxx))
    q = student_t_quantile(0.5 + confidence / 2.0, df)
    half = q * se
    enough = n >= 2
    pred = np.where(enough, pred, np.nan)
    return pred, pred - half, pred + half, np.where(enough, slope, np.nan), n


def _span_down(times: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The time of each row's first and last observation (``NaN`` for an empty row), from the
    transposed values ``y`` (shape ``(T, rows)``)."""
    seen = ~np.isnan(y)
    t = _times_down(times)
    first = np.where(seen, t, np.inf).min(axis=0, initial=np.inf)
    last = np.where(seen, t, -np.inf).max(axis=0, initial=-np.inf)
    return np.where(np.isfinite(first), first, np.nan), np.where(np.isfinite(last), last, np.nan)


class LinearTrend(Projector):
    """Linear trend fitted by least squares."""

    name = "linear"

    def project(
        self,
        times: np.ndarray,
        values: np.ndarray,
        at: np.ndarray,
        confidence: float = DEFAULT_CONFIDENCE,
    ) -> Projection:
        down = _down(values)
        pred, low, high, slope, n = _ols_down(times, down, at, confidence)
        first, last = _span_down(times, down)
        return Projection(self.name, pred, low, high, slope, n, confidence, first, last)


class CompoundGrowth(Projector):
    """Constant annual growth fitted by least squares on the logarithm."""

    name = "compound"

    def project(
        self,
        times: np.ndarray,
        values: np.ndarray,
        at: np.ndarray,
        confidence: float = DEFAULT_CONFIDENCE,
    ) -> Projection:
        positive = np.where(values > 0, values, np.nan)
        # A row with any non-positive observation cannot be fitted on the log scale.
        bad = np.any(values <= 0, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log(positive)
        down = _down(logs)
        pred, low, high, slope, n = _ols_down(times, down, at, confidence)
        with np.errstate(over="ignore"):
            out = [np.where(bad, np.nan, np.exp(a)) for a in (pred, low, high)]
            rate = np.where(bad, np.nan, np.expm1(slope))
        first, last = _span_down(times, down)
        return Projection(self.name, out[0], out[1], out[2], rate, n, confidence, first, last)
