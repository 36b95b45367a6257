"""What the report holds to compare the region with its county, Norway and others.

Plain frozen values, built by :mod:`regionplan.report.comparisons`: per metric the region's
figure beside each comparator's, and the lines of a comparison chart (an index, first
common period = 100, for counts, whose sizes differ; the values themselves otherwise).
"""

from __future__ import annotations

import attrs

__all__ = ["ComparedArea", "ComparisonsView", "MetricComparison"]


@attrs.frozen
class ComparedArea:
    """One area's figure for a metric.

    Attributes:
        id, name: the area (the region first, then the comparators in plan order).
        kind: ``region``, ``county``, ``norway``, ``region_group`` or ``member``.
        value, text: the value at the compared period (the region's latest, or this area's
            own latest when it has none then), and as text ("–" when none).
        period_text: the period of that value.
        change_text: its change from a year before: per cent for counts, the difference in
            the metric's unit otherwise ("–" when there is none).
        line: the chart's points as (time, value): an index or the values.
    """

    id: str
    name: str
    kind: str
    value: float | None
    text: str
    period_text: str
    change_text: str
    line: tuple[tuple[float, float], ...] = ()


@attrs.frozen
class MetricComparison:
    """A metric's figures for the region and its comparators.

    ``watch``: the metric has no target (shown as an indicator to watch). ``indexed``: the
    chart shows an index with ``index_base`` = 100; ``axis``: the chart's axis label.
    """

    metric: str
    title: str
    unit: str
    watch: bool
    indexed: bool
    index_base: str
    axis: str
    areas: tuple[ComparedArea, ...]
    description: str = ""


@attrs.frozen
class ComparisonsView:
    """The report's comparisons: headings and column names in the report's language, the
    metrics with targets (``compared``) and those without (``watch``)."""

    heading: str
    intro: str
    watch_heading: str
    watch_intro: str
    columns: tuple[str, ...]
    compared: tuple[MetricComparison, ...]
    watch: tuple[MetricComparison, ...]
