"""JSON-stat 2.0 datasets: a decoder and the ``jsonstat`` file source.

JSON-stat (https://json-stat.org/format/) is what Statistics Norway's PxWebApi v2
returns, and what Eurostat and many other statisticians publish. A dataset is one
flat ``value`` array over the cross product of its dimensions, in the order of
``id``: the last dimension varies fastest (row-major, like a C or numpy array).

:func:`parse_jsonstat` checks a document and reads it into a
:class:`JsonStatDataset` whose values are one numpy array of the dataset's shape.
:func:`decode_jsonstat` turns it into :class:`~regionplan.data.series.Observations`,
one batch per category of the metric dimension, without a Python loop over cells.

A plan reads a saved file like this::

    source:
      name: jsonstat
      path: data/07459.json
      contents: Personer1           # the metric dimension's category
      select: {Kjonn: "2"}           # one category of every other dimension
      unit: person                   # when the file's own unit is not enough
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs

from regionplan.data.series import Observations, Provenance
from regionplan.data.sources import DataSource, SourceRequest, parse_retrieved
from regionplan.data.sources.jsonstat.dataset import Dimension, JsonStatDataset, JsonStatStructure, _preview
from regionplan.data.sources.jsonstat.decode import decode_jsonstat
from regionplan.data.sources.jsonstat.parse import parse_jsonstat, parse_jsonstat_structure
from regionplan.data.sources.jsonstat.units import resolve_unit
from regionplan.errors import DataSourceError
from regionplan.markers import hookimpl

__all__ = [
    "Dimension",
    "JsonStatDataset",
    "JsonStatFileSource",
    "JsonStatStructure",
    "decode_jsonstat",
    "parse_jsonstat",
    "parse_jsonstat_structure",
    "resolve_unit",
]


class JsonStatFileSource(DataSource):
    """Reads a JSON-stat 2.0 dataset saved as a file.

    Query keys:
        path: the file, relative to the plan's folder (required).
        contents: the category of the metric dimension to read (needed when it has several).
        select: ``{dimension: code}`` for every other dimension with several categories.
        area_dimension, time_dimension: dimension ids, when the roles do not say.
        area: a fixed area code for a dataset without an area dimension.
        unit: the unit of the values; overrides the unit the file gives.
        table, credit, licence: what the provenance says (default: the file name,
            ``"Kilde: <source>"`` from the file, no licence).
    """

    name: ClassVar[str] = "jsonstat"
    required_keys: ClassVar[tuple[str, ...]] = ("path",)
    optional_keys: ClassVar[tuple[str, ...] | None] = (
        "contents",
        "select",
        "area_dimension",
        "time_dimension",
        "area",
        "unit",
        "table",
        "credit",
        "licence",
        "retrieved",
    )

    @classmethod
    def check_query(cls, query: Mapping[str, Any]) -> list[str]:
        problems = super().check_query(query)
        for key in ("path", "contents", "area_dimension", "time_dimension", "area", "unit"):
            if key in query and not isinstance(query[key], str):
                problems.append(f"the jsonstat source's '{key}' must be text")
        for key in ("table", "credit", "licence"):
            if key in query and not isinstance(query[key], str):
                problems.append(f"the jsonstat source's '{key}' must be text")
        select = query.get("select")
        if select is not None and not (
            isinstance(select, Mapping)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in select.items())
        ):
            problems.append(
                "the jsonstat source's 'select' maps dimension ids to one category code each "
                '(quote codes such as "01")'
            )
        if isinstance(query.get("unit"), str):
            try:
                resolve_unit(query["unit"])
            except DataSourceError:
                problems.append(f"the jsonstat source's unit {query['unit']!r} is not a known unit")
        return problems

    def fetch(self, request: SourceRequest) -> Observations:
        query = request.query
        path = self.context.resolve(str(query["path"]))
        doc = _read_json(path)
        # The file is a copy; when its figures were fetched is what the query says, if anything.
        retrieved = parse_retrieved(query.get("retrieved"))
        try:
            dataset = parse_jsonstat(doc)
            filters: dict[str, str | Sequence[str]] = dict(query.get("select") or {})
            metric_dim = dataset.role("metric")
            contents = query.get("contents")
            if contents is not None:
                if metric_dim is None:
                    raise DataSourceError("'contents' was given but the dataset has no metric role")
                filters[metric_dim] = str(contents)
            prov = Provenance(
                source=self.name,
                table=str(query.get("table") or path.name),
                query=_describe(query),
                retrieved=retrieved,
                licence=str(query.get("licence") or ""),
                credit=str(query.get("credit") or (f"Kilde: {dataset.source}" if dataset.source else "")),
                publisher=dataset.source,
                url=str(path),
            )
            batches = decode_jsonstat(
                dataset,
                area_dimension=query.get("area_dimension"),
                time_dimension=query.get("time_dimension"),
                filters=filters,
                area=query.get("area"),
                provenance=prov,
            )
        except DataSourceError as exc:
            raise DataSourceError(f"{path}: {exc}") from None
        if len(batches) != 1:
            assert metric_dim is not None
            msg = (
                f"{path}: the dataset has {len(batches)} contents in {metric_dim!r} "
                f"({_preview(list(batches))}); choose one with 'contents'"
            )
            raise DataSourceError(msg)
        batch = next(iter(batches.values()))
        try:
            unit = resolve_unit(query["unit"]) if query.get("unit") else resolve_unit(batch.unit)
        except DataSourceError as exc:
            raise DataSourceError(f"{path}: {exc}") from None
        return attrs.evolve(batch, unit=unit)


def _read_json(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        raise DataSourceError(f"no file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataSourceError(f"cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise DataSourceError(f"{path} is not valid JSON: {exc}") from None


def _describe(query: Mapping[str, Any]) -> str:
    return json.dumps(dict(query), sort_keys=True, ensure_ascii=False, default=os.fspath)


@hookimpl
def regionplan_register_sources(register: Any) -> None:
    register("jsonstat", JsonStatFileSource)
