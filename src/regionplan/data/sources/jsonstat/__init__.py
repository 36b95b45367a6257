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
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from regionplan.data.provenance import Provenance
from regionplan.data.sources import (
    DataSource,
    FailureKind,
    QueryKey,
    SourceFailed,
    SourceRequest,
    parse_retrieved,
    refused_file,
)
from regionplan.data.sources.jsonstat.dataset import Dimension, JsonStatDataset, JsonStatStructure, _preview
from regionplan.data.sources.jsonstat.units import resolve_unit
from regionplan.data.values import impossible_value, is_count
from regionplan.defaults import lazy_attributes
from regionplan.errors import DataSourceError
from regionplan.markers import hookimpl
from regionplan.plan.safefiles import FileRefusal, RefusedFile, bad_text, data_file_limit, read_bytes

if TYPE_CHECKING:
    from regionplan.data.series import Observations
    from regionplan.data.sources.jsonstat.decode import decode_jsonstat
    from regionplan.data.sources.jsonstat.parse import parse_jsonstat, parse_jsonstat_structure

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

# Reading a document needs numpy; checking a plan that names this source does not.
__getattr__, __dir__ = lazy_attributes(
    globals(),
    {
        "decode_jsonstat": "regionplan.data.sources.jsonstat.decode",
        "parse_jsonstat": "regionplan.data.sources.jsonstat.parse",
        "parse_jsonstat_structure": "regionplan.data.sources.jsonstat.parse",
    },
)


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
    query_keys: ClassVar[tuple[QueryKey, ...]] = (
        QueryKey("path", "text", "the JSON-stat 2.0 file, relative to the plan's folder", required=True),
        QueryKey(
            "contents",
            "text",
            "the category of the metric dimension to read",
            default="its only category (needed when it has several)",
        ),
        QueryKey(
            "select", "mapping", "``{dimension: code}`` for every other dimension with several categories"
        ),
        QueryKey(
            "area_dimension",
            "text",
            "the id of the area dimension",
            default="the dimension with the geo role",
        ),
        QueryKey(
            "time_dimension",
            "text",
            "the id of the time dimension",
            default="the dimension with the time role",
        ),
        QueryKey("area", "text", "a fixed area code, for a dataset without an area dimension"),
        QueryKey("unit", "text", "the unit of the values", default="the unit the file gives"),
        QueryKey(
            "table", "text", "the table's name or number, for the provenance", default="the file's name"
        ),
        QueryKey(
            "credit",
            "text",
            "the credit line to print with the figures",
            default="``Kilde: SOURCE`` from the file",
        ),
        QueryKey("licence", "text", "the data's licence"),
        QueryKey("retrieved", "date", "the day the file's figures were fetched (``2024-03-01``)"),
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
        from regionplan.data.series import first_impossible
        from regionplan.data.sources.jsonstat.decode import decode_jsonstat
        from regionplan.data.sources.jsonstat.parse import parse_jsonstat

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
        except DataSourceError as exc:  # keeps its kind: an impossible value is no malformed file
            raise SourceFailed.wrap(exc, f"{path}: {exc}") from None
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
        counted = unit or request.unit  # a count (persons, jobs...) is never below zero
        if is_count(counted) and (i := first_impossible(batch.values, counted)) is not None:
            where = f"area {batch.areas[i]!r}, period {batch.periods[i]!r}"
            msg = f"{path}: {where}: {impossible_value(batch.values[i], counted)}"
            raise SourceFailed(msg, FailureKind.IMPOSSIBLE_VALUE)
        return attrs.evolve(batch, unit=unit)


def _read_json(path: Path) -> Any:
    """A JSON file's document: a regular file within the limit of data files, UTF-8 text."""
    try:
        data = read_bytes(path, data_file_limit())
    except RefusedFile as exc:
        if exc.reason is FileRefusal.MISSING:
            raise SourceFailed(f"no file {path}", FailureKind.FILE_MISSING) from None
        raise refused_file(exc, str(path)) from None
    if (bad := bad_text(data, "utf-8", nul=False)) is not None and bad.byte is not None:
        looks = f"; it looks like {bad.looks_like}" if bad.looks_like else ""
        msg = f"{path}:{bad.line}:{bad.column}: cannot read the file as UTF-8 (the byte 0x{bad.byte:02X}){looks}"
        raise SourceFailed(msg, FailureKind.INVALID)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except json.JSONDecodeError as exc:
        msg = f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
        raise SourceFailed(msg, FailureKind.INVALID) from None
    except RecursionError:
        raise SourceFailed(f"{path} is not valid JSON: nested too deeply", FailureKind.INVALID) from None


def _describe(query: Mapping[str, Any]) -> str:
    return json.dumps(dict(query), sort_keys=True, ensure_ascii=False, default=os.fspath)


@hookimpl
def regionplan_register_sources(register: Any) -> None:
    register("jsonstat", JsonStatFileSource)
