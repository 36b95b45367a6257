"""Data you already hold, as the evaluation takes it: a tidy pandas DataFrame or a mapping.

:func:`member_series` turns what ``evaluate(plan, data=...)`` is given into one
:class:`~regionplan.data.series.Series` per metric (members' raw values, any code
vintage), which :func:`~regionplan.data.dataset.build_dataset` maps, aggregates and
derives from as it does the sources' observations.

A **tidy DataFrame** has one observation per row, in these columns (names are matched
without regard to case or surrounding spaces; ``metric``, ``area`` and ``period`` may be
index levels instead):

``metric``
    the plan's metric id. A derived metric is computed from its inputs: give those.
``area``
    a municipality code as text (``"0301"``: numbers lose the zero and are refused), a
    member's id in the plan (read as its current code), or ``region`` (or a group's id)
    for a value of the whole region, as the ``csv`` source reads them.
``period``
    a label (``2020``, ``2020Q4`` or ``2020K4``, ``2020M03`` or ``2020-03``,
    ``2020-01-01``), a year as a number, or a pandas ``Period`` (annual, quarterly,
    monthly or daily). A year label is read by the metric's ``period`` (1 January, Q4...).
``value``
    a number; ``NaN`` (or ``None``) is "no value".
``unit`` (optional)
    the row's unit (``person``, ``kiloperson``, ``NOK``, ``kNOK``), converted to the metric's;
    empty means the metric's own unit.

A **mapping** goes from metric id to a :class:`~regionplan.data.series.Series` (taken as
it is), to :class:`~regionplan.data.series.Observations` or a list of them, to a
DataFrame of one metric (the columns above without ``metric``), or to a pandas Series
of its values indexed by ``area`` and ``period``.

Everything is converted in one pass over the frame (grouped once by metric and unit, one
numpy array per metric). Mistakes raise :class:`~regionplan.errors.DataSourceError`
naming the column and the row (by its index label): a missing column, an unknown or
derived metric, a value that is no number, a unit that does not fit the metric's,
a period label that is none, and two rows with the same metric, area and period.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np

from regionplan.data.dataset import DataSet, region_vintage
from regionplan.data.series import Observations, Provenance, Series, first_impossible, impossible_value
from regionplan.errors import DataSourceError
from regionplan.plan.model import Metric, Plan
from regionplan.plan.periods import parse_period

__all__ = ["FRAME_COLUMNS", "member_series", "series_from_frame"]

#: The columns of a tidy frame (``unit`` is optional).
FRAME_COLUMNS = ("metric", "area", "period", "value", "unit")
_REQUIRED = ("metric", "area", "period", "value")
_SSB_MONTH = re.compile(r"^(\d{4})M(\d{2})$")
_PROVENANCE = Provenance(source="dataframe", table="DataFrame")


def member_series(plan: Plan, data: Any) -> DataSet | dict[str, Series] | None:
    """``data`` as ``evaluate`` takes it: ``None`` and a data set unchanged, else series by metric id.

    Raises:
        DataSourceError: a frame or a mapping entry that cannot be read (see the module).
    """
    if data is None or isinstance(data, DataSet):
        return data
    if _is_frame(data):
        return series_from_frame(plan, data)
    if not isinstance(data, Mapping):
        msg = (
            f"data must be a DataSet, a pandas DataFrame or a mapping of metric id to series, "
            f"not {type(data).__name__}"
        )
        raise DataSourceError(msg)
    out: dict[str, Series] = {}
    for key, value in data.items():
        if isinstance(value, Series):
            out[key] = value
        elif _is_frame(value):
            out |= series_from_frame(plan, value, metric=key)
        elif _is_pandas_series(value):  # values indexed by area and period
            out |= series_from_frame(plan, value.rename("value").reset_index(), metric=key)
        else:
            batches = [value] if isinstance(value, Observations) else list(value)
            if not all(isinstance(b, Observations) for b in batches):
                msg = (
                    f"data[{key!r}]: give a regionplan Series, Observations, a DataFrame or a pandas "
                    f"Series indexed by area and period, not {type(value).__name__}"
                )
                raise DataSourceError(msg)
            metric = _metric(plan, str(key), f"data[{key!r}]")
            out[key] = _pivot(metric, batches, f"data[{key!r}]")
    return out


def series_from_frame(plan: Plan, frame: Any, *, metric: str | None = None) -> dict[str, Series]:
    """A tidy frame's rows as one series per metric (``metric``: every row is of that metric).

    Raises:
        DataSourceError: naming the column and row of the first mistake (see the module).
    """
    import pandas as pd

    table = _columns(frame, metric)
    labels = table.index
    metric_ids = table["metric"].astype(str).str.strip().to_numpy(dtype=object)
    metrics = {m: _metric(plan, m, _row(labels, metric_ids, m)) for m in dict.fromkeys(metric_ids)}
    areas = _areas(plan, table["area"], labels)
    periods = _periods(table["period"], labels)
    values = _values(table["value"], labels)
    units = (
        table["unit"].fillna("").astype(str).str.strip().to_numpy(dtype=object)
        if "unit" in table
        else np.full(len(table), "", dtype=object)
    )
    _refuse_duplicates(metric_ids, areas, periods, labels)
    out: dict[str, Series] = {}
    groups = pd.DataFrame({"m": metric_ids, "u": units}).groupby(["m", "u"], sort=False).indices
    by_metric: dict[str, list[tuple[str, np.ndarray]]] = {}
    for key, rows in groups.items():
        mid, unit = cast("tuple[str, str]", key)  # pandas types a group key as Hashable
        by_metric.setdefault(str(mid), []).append((str(unit), np.asarray(rows)))
    for mid, parts in by_metric.items():
        batches = []
        for unit, rows in parts:
            where = f"DataFrame row {labels[rows[0]]!r}"
            _check_counts(values[rows], unit or metrics[mid].unit, labels[rows])
            batches.append(Observations(areas[rows], periods[rows], values[rows], unit or None, _PROVENANCE))
            _check_unit(metrics[mid], unit, where)
        out[mid] = _pivot(metrics[mid], batches, f"DataFrame rows of {mid!r}")
    return out


# -- the columns ---------------------------------------------------------------------------


def _is_frame(value: Any) -> bool:
    return hasattr(value, "columns") and hasattr(value, "groupby") and hasattr(value, "index")


def _is_pandas_series(value: Any) -> bool:
    return not _is_frame(value) and all(hasattr(value, a) for a in ("reset_index", "rename", "index"))


def _columns(frame: Any, metric: str | None) -> Any:
    """The frame with its columns found by name (index levels become columns)."""
    names = {str(c).strip().lower(): c for c in frame.columns}
    levels = [n for n in frame.index.names if n is not None and str(n).strip().lower() in _REQUIRED]
    if levels and any(str(n).strip().lower() not in names for n in levels):
        frame = frame.reset_index(level=levels)
        names = {str(c).strip().lower(): c for c in frame.columns}
    wanted = [c for c in FRAME_COLUMNS if not (c == "metric" and metric is not None)]
    missing = [c for c in wanted if c in _REQUIRED and c not in names]
    if missing:
        shown = ", ".join(repr(str(c)) for c in frame.columns) or "none"
        msg = (
            f"the DataFrame has no column {' or '.join(repr(m) for m in missing)} "
            f"(it has {shown}); a tidy frame has the columns {', '.join(FRAME_COLUMNS)}"
        )
        raise DataSourceError(msg)
    table = frame[[names[c] for c in wanted if c in names]].copy()
    table.columns = [c for c in wanted if c in names]
    if metric is not None:
        table.insert(0, "metric", metric)
    return table


def _row(labels: Any, column: np.ndarray, value: Any) -> str:
    """``DataFrame row L`` of the first row whose ``column`` holds ``value``."""
    return f"DataFrame row {labels[int(np.flatnonzero(column == value)[0])]!r}"


def _metric(plan: Plan, metric_id: str, where: str) -> Metric:
    known = {m.id: m for m in plan.metrics}
    found = known.get(metric_id)
    if found is None:
        msg = f"{where}: column 'metric': the plan has no metric {metric_id!r} (it has {', '.join(known)})"
        raise DataSourceError(msg)
    if found.derived:
        msg = (
            f"{where}: column 'metric': {metric_id!r} is derived ({found.derived}) and computed "
            "from its inputs; give their values instead"
        )
        raise DataSourceError(msg)
    return found


def _areas(plan: Plan, column: Any, labels: Any) -> np.ndarray:
    """Area codes as text; a member's id becomes its current code."""
    if column.dtype.kind in "iuf":
        msg = (
            f"DataFrame row {labels[0]!r}: column 'area' holds numbers ({column.iloc[0]!r}); area codes "
            "are text, so that '0301' keeps its zero: frame['area'] = frame['area'].astype(str).str.zfill(4)"
        )
        raise DataSourceError(msg)
    texts: np.ndarray = column.astype(str).str.strip().to_numpy(dtype=object)
    empty = np.flatnonzero(column.isna().to_numpy() | (texts == ""))
    if len(empty):
        raise DataSourceError(f"DataFrame row {labels[empty[0]]!r}: column 'area' is empty")
    vintage = region_vintage(plan)
    for member in plan.region.municipalities:
        current = [c.code for c in member.codes if c.valid_on(vintage)] or [member.codes[-1].code]
        texts[texts == member.id] = current[0]
    return texts


def _periods(column: Any, labels: Any) -> np.ndarray:
    """Period labels as the sources give them, each distinct one checked once."""
    import pandas as pd

    if isinstance(column.dtype, pd.PeriodDtype):
        texts = np.array(column.map(_pandas_label), dtype=object)
    else:
        texts = np.array([_label(v) for v in column.to_numpy(dtype=object)], dtype=object)
    uniques, first = np.unique(texts.astype(str), return_index=True)
    for label, at in zip(uniques, first, strict=True):
        try:
            parse_period(label)
        except ValueError:
            msg = (
                f"DataFrame row {labels[at]!r}: column 'period': {column.iloc[at]!r} is no period "
                "(write 2020, 2020Q4, 2020M03, 2020-03 or 2020-01-01, or give a pandas Period)"
            )
            raise DataSourceError(msg) from None
    return texts


def _label(value: Any) -> str:
    """A period cell as a label: SSB's ``2020M03`` as ``2020-03``, a year number as text."""
    if hasattr(value, "freqstr") and hasattr(value, "ordinal"):
        return _pandas_label(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    text = "" if value is None else str(value).strip()
    if m := _SSB_MONTH.match(text):
        return f"{m[1]}-{m[2]}"
    return text


def _pandas_label(p: Any) -> str:
    if p is None or p != p:  # NaT
        return ""
    freq = str(p.freqstr).upper()
    if freq.startswith(("Y", "A")):
        return f"{p.year:04d}"
    if freq.startswith("Q"):
        return f"{p.year:04d}Q{p.quarter}"
    if freq.startswith("M"):
        return f"{p.year:04d}-{p.month:02d}"
    if freq.startswith("D"):
        return f"{p.year:04d}-{p.month:02d}-{p.day:02d}"
    return str(p)


def _values(column: Any, labels: Any) -> np.ndarray:
    import pandas as pd

    numbers = pd.to_numeric(column, errors="coerce")
    bad = np.flatnonzero(numbers.isna().to_numpy() & column.notna().to_numpy())
    if len(bad):
        at = bad[0]
        msg = f"DataFrame row {labels[at]!r}: column 'value': {column.iloc[at]!r} is not a number"
        raise DataSourceError(msg)
    values: np.ndarray = numbers.to_numpy(dtype=float)
    infinite = np.flatnonzero(np.isinf(values))
    if len(infinite):
        at = infinite[0]
        raise DataSourceError(
            f"DataFrame row {labels[at]!r}: column 'value': {values[at]} is not a finite number"
        )
    return values


def _refuse_duplicates(metric_ids: np.ndarray, areas: np.ndarray, periods: np.ndarray, labels: Any) -> None:
    """Two rows of one metric, area and period: which of them counts would be a guess."""
    import pandas as pd

    keys = pd.DataFrame({"m": metric_ids, "a": areas, "p": periods})
    twice = keys.duplicated(keep=False).to_numpy()
    if not twice.any():
        return
    first = int(np.flatnonzero(twice)[0])
    same = np.flatnonzero(
        (metric_ids == metric_ids[first]) & (areas == areas[first]) & (periods == periods[first])
    )
    msg = (
        f"DataFrame rows {labels[same[0]]!r} and {labels[same[1]]!r} both hold metric "
        f"{metric_ids[first]!r}, area {areas[first]!r}, period {periods[first]!r}"
    )
    more = int(keys.duplicated().sum()) - 1
    if more:
        msg += f" ({more} more such rows)"
    raise DataSourceError(msg)


def _check_counts(values: np.ndarray, unit: str, labels: Sequence[Any]) -> None:
    """A count (persons, jobs...) is never below zero."""
    if (n := first_impossible(values, unit)) is not None:
        raise DataSourceError(
            f"DataFrame row {labels[n]!r}: column 'value': {impossible_value(values[n], unit)}"
        )


def _check_unit(metric: Metric, unit: str, where: str) -> None:
    if not unit:
        return
    from regionplan.plan.units import parse_unit, registry

    try:
        registry().Quantity(1.0, parse_unit(unit)).to(parse_unit(metric.unit))
    except Exception as exc:  # pint raises several kinds for unknown or unfitting units
        msg = (
            f"{where}: column 'unit': {unit!r} cannot be converted to the unit of "
            f"{metric.id!r}, {metric.unit!r} ({exc})"
        )
        raise DataSourceError(msg) from None


def _pivot(metric: Metric, batches: list[Observations], where: str) -> Series:
    try:
        return Series.from_observations(batches, unit=metric.unit, period_spec=metric.period)
    except DataSourceError:
        raise
    except Exception as exc:  # pint's DimensionalityError and friends
        raise DataSourceError(f"{where}: the values do not fit {metric.unit!r}: {exc}") from None
