"""The requests that share one table download, the downloads, and how to fetch them."""

from __future__ import annotations

import datetime as dt

import attrs

from regionplan.data.sources import SourceRequest
from regionplan.data.sources.jsonstat import JsonStatDataset
from regionplan.errors import DataSourceError
from regionplan_ssb.calls import Call, GroupKey
from regionplan_ssb.query import SsbQuery

__all__ = ["Download", "FetchPlan", "Group"]


@attrs.frozen(eq=False)
class Download:
    """One data response: its URL, the dataset and when it was fetched."""

    url: str
    dataset: JsonStatDataset
    fetched: dt.datetime


@attrs.define
class Group:
    """The requests that share one table download, and what came of it."""

    key: GroupKey
    requests: list[tuple[SourceRequest, SsbQuery]] = attrs.field(factory=list)
    downloads: list[Download] = attrs.field(factory=list)
    region_var: str | None = None
    time_var: str = "Tid"
    error: DataSourceError | None = None
    done: bool = False
    #: Variables the shared download holds but this group's queries leave out: the
    #: code of their total, or ``None`` to add up their values.
    eliminate: dict[str, str | None] = attrs.field(factory=dict)


@attrs.frozen(eq=False)
class FetchPlan:
    """One request built without metadata for some groups of a table, or a group's
    calls planned with the table's metadata."""

    groups: list[Group]
    direct: Call | None
    calls: list[Call] = attrs.field(factory=list)
