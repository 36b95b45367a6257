"""A regionplan source plugin: values from a JSON file keyed by area and period.

The file looks like this (area codes and period labels as keys)::

    {"3209": {"2023": 41562, "2024": 42317}, "3242": {"2023": 2876}}

A plan reads it with::

    source:
      name: keyed_json
      path: data/counts.json
      unit: person
      credit: "Kilde: Statistisk sentralbyrå, tabell 07459"

This file is the example of the how-to guide "Write a source plugin"; the
documentation's tests import it and run it through ``make_plugin_manager``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from regionplan import hookimpl
from regionplan.data.series import Observations, Provenance
from regionplan.data.sources import DataSource, SourceRequest, now_utc
from regionplan.errors import DataSourceError

__all__ = ["KeyedJsonSource", "regionplan_register_sources"]


class KeyedJsonSource(DataSource):
    """Values from a JSON file of ``{area: {period: value}}``."""

    name: ClassVar[str] = "keyed_json"
    required_keys: ClassVar[tuple[str, ...]] = ("path",)
    optional_keys: ClassVar[tuple[str, ...] | None] = ("unit", "credit", "licence")

    @classmethod
    def check_query(cls, query: Mapping[str, Any]) -> list[str]:
        # The default checks required and optional keys; add checks of the values.
        problems = super().check_query(query)
        path = query.get("path")
        if path is not None and not (isinstance(path, str) and path.endswith(".json")):
            problems.append(f"the {cls.name} source reads .json files, not {path!r}")
        return problems

    def fetch(self, request: SourceRequest) -> Observations:
        query = request.query
        path = self.context.resolve(query["path"])  # relative to the plan's folder
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataSourceError(f"{path} does not exist") from None
        except (OSError, ValueError) as exc:
            raise DataSourceError(f"cannot read {path}: {exc}") from None
        if not isinstance(document, dict):
            raise DataSourceError(f"{path} must hold an object of areas")

        areas: list[str] = []
        periods: list[str] = []
        values: list[float] = []
        for area, by_period in document.items():
            if request.areas and area not in request.areas:
                continue  # only the areas the plan needs
            if not isinstance(by_period, dict):
                raise DataSourceError(f"{path}: the value of {area!r} must be an object of periods")
            for period, value in by_period.items():
                if value is None:
                    number = math.nan  # missing values are NaN, never zero
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    number = float(value)
                else:
                    raise DataSourceError(f"{path}: {area} {period} is {value!r}, not a number")
                areas.append(str(area))  # area codes stay text: "0235" keeps its zero
                periods.append(str(period))  # raw labels; the metric's period rule reads them
                values.append(number)

        provenance = Provenance(
            source=self.name,
            table=path.name,
            query=json.dumps(dict(query), ensure_ascii=False, sort_keys=True),
            retrieved=now_utc(),
            licence=query.get("licence", ""),
            credit=query.get("credit", ""),
        )
        return Observations(areas, periods, values, query.get("unit"), provenance)


@hookimpl
def regionplan_register_sources(register: Callable[..., None]) -> None:
    register(KeyedJsonSource.name, KeyedJsonSource)
