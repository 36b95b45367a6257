"""The ``bundled`` source: Statistics Norway's figures for every municipality, shipped with regionplan.

So that a plan for any Norwegian region has real numbers at once, offline, regionplan carries
copies of two SSB tables for every municipality (``regionplan/_resources/norway/``, with
their provenance in ``PROVENANCE.md`` there). A metric names the copy after the live source,
as the fallback::

    source:
      - name: ssb                  # SSB's API when online: the newest figures
        table: "07459"
        contents: Personer1
        region: {codelist: agg_KommSummer, output: aggregated}
        unit: person
      - name: bundled              # else the copy that came with regionplan
        dataset: population

Datasets (``regionplan data list``, ``regionplan data info NAME``):

``population``
    SSB table 07459, population on 1 January, 2005–2024 (period labels ``2005``...).
``jobs``
    SSB table 11618, 4th quarter, ages 15–74, 2017–2022 (period labels ``2017K4``...), with
    the columns ``employed_by_workplace`` (jobs; the default), ``employed_by_residence`` and
    ``population_15_74_residence`` (persons).

Areas are the municipality codes valid in each year, as SSB published them; the plan's code
histories map them to today's municipalities. The source delivers the requested areas only.
Every batch carries the table, the credit "Kilde: Statistisk sentralbyrå", the licence
(CC BY 4.0) and the date the copy was made.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import gzip
import importlib.resources
import io
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from regionplan.data.provenance import Provenance
from regionplan.data.sources import DataSource, FailureKind, QueryKey, SourceFailed, SourceRequest
from regionplan.data.sources.tabular import query_text
from regionplan.errors import DataSourceError
from regionplan.markers import hookimpl
from regionplan.plan.periods import PeriodSpec

if TYPE_CHECKING:
    import numpy as np

    from regionplan.data.series import Observations

__all__ = [
    "BUNDLED_ON",
    "DATASETS",
    "BundledColumn",
    "BundledDataset",
    "BundledSource",
    "BundledTable",
    "bundled_query_for",
    "dataset",
    "describe",
    "describe_text",
    "list_text",
    "load",
]

#: The day the copies were made from the files named in their PROVENANCE.md.
BUNDLED_ON = dt.date(2026, 11, 30)
LICENCE = "CC BY 4.0"
PUBLISHER = "Statistics Norway (SSB)"
_RESOURCES = "regionplan._resources"
_FOLDER = "norway"

_PENDLING = (
    "statisticsnorway/pendling@b3d34483cc46755f683e2bb398853f32bf62783b : data/data_kommune{2017..2022}.rds"
)


@attrs.frozen
class BundledColumn:
    """One value column of a bundled dataset.

    Attributes:
        name: the column, as a query's ``column`` names it.
        unit: the unit of its values.
        title: what it counts.
        contents: the table's ``ContentsCode`` that publishes the same figures.
    """

    name: str
    unit: str
    title: str
    contents: str


@attrs.frozen
class BundledDataset:
    """A table of SSB figures for every municipality that regionplan ships.

    Attributes:
        name: the name a query's ``dataset`` gives.
        table: SSB's table number.
        title: what it counts.
        file: the file under ``regionplan/_resources/norway/``.
        period: how a metric should read its period labels (``1 January``, ``Q4``).
        label_suffix: what follows the year in a period label (``K4``, or nothing).
        columns: its value columns; the first is the default.
        select: the table's selection the figures are (``Kjonn: "0"``: both sexes).
        origin: the public files the figures were copied from.
        caveats: what a reader should know about gaps.
    """

    name: str
    table: str
    title: str
    file: str
    period: str
    label_suffix: str
    columns: tuple[BundledColumn, ...]
    select: tuple[tuple[str, str], ...]
    origin: str
    caveats: tuple[str, ...]

    @property
    def credit(self) -> str:
        return f"Kilde: Statistisk sentralbyrå, tabell {self.table}"

    @property
    def url(self) -> str:
        return f"https://www.ssb.no/statbank/table/{self.table}"

    def column(self, name: str | None = None) -> BundledColumn:
        """A column by name (``None``: the default one).

        Raises:
            DataSourceError: the dataset has no such column.
        """
        if name is None:
            return self.columns[0]
        for column in self.columns:
            if column.name == name:
                return column
        names = [c.name for c in self.columns]
        msg = f"the bundled dataset {self.name!r} has no column {name!r}"
        raise DataSourceError(msg + _known(name, names))


#: The datasets regionplan ships, by name.
DATASETS: dict[str, BundledDataset] = {
    d.name: d
    for d in (
        BundledDataset(
            name="population",
            table="07459",
            title="Population on 1 January, both sexes, all ages",
            file="population_07459_2005_2024.csv.gz",
            period="1 January",
            label_suffix="",
            columns=(BundledColumn("population", "person", "persons resident on 1 January", "Personer1"),),
            select=(),
            origin=(
                "SSB table 07459 exports saved in folkehelseinstituttet/fhidata@ea970681 "
                "(inst/rawdata/population/Personer2005-2009 ... Personer2021.csv) and niphr/csdata "
                "(Personer2022.csv @34a857c7, Personer2023.csv @90cd069b, Personer2024.csv @2dd16c1c); "
                "each value is the sum of the 106 age cells, both sexes"
            ),
            caveats=(
                "2005–2016 lack codes that had expired by 2017 (Sandefjord, Andebu, Stokke up to "
                "2016; Kristiansund, Frei up to 2007; Mosvik, Inderøy up to 2011; Harstad, Bjarkøy "
                "up to 2012; the 2005 predecessors of Vindafjord and Aure); from 2017 the yearly "
                "sums equal the national total",
            ),
        ),
        BundledDataset(
            name="jobs",
            table="11618",
            title="Employed persons aged 15–74 by place of work and of residence, 4th quarter",
            file="jobs_11618_2017_2022.csv.gz",
            period="Q4",
            label_suffix="K4",
            columns=(
                BundledColumn(
                    "employed_by_workplace",
                    "job",
                    "employed persons by place of work (jobs)",
                    "SysselArbsted",
                ),
                BundledColumn(
                    "employed_by_residence",
                    "person",
                    "employed persons by place of residence",
                    "SysselBosted",
                ),
                BundledColumn(
                    "population_15_74_residence", "person", "residents aged 15–74", "BefolkningBosted"
                ),
            ),
            select=(("Alder", "15-74"), ("Kjonn", "0")),
            origin=f"SSB table 11618 as saved in {_PENDLING}",
            caveats=("2019 lacks Rindal (5061): the saved 2019 file still used the old code 1567",),
        ),
    )
}


def _known(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=1)
    return f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(names)})"


def dataset(name: str) -> BundledDataset:
    """A bundled dataset by name.

    Raises:
        DataSourceError: no dataset of that name is bundled.
    """
    if name in DATASETS:
        return DATASETS[name]
    raise DataSourceError(f"no bundled dataset named {name!r}" + _known(name, list(DATASETS)))


@attrs.frozen(eq=False)
class BundledTable:
    """A bundled dataset read into arrays: one row per municipality code and period.

    Attributes:
        areas: the municipality codes (text).
        periods: the period labels (``2024``, ``2022K4``).
        values: column name -> float values.
    """

    areas: np.ndarray
    periods: np.ndarray
    values: Mapping[str, np.ndarray]


@functools.cache
def load(name: str) -> BundledTable:
    """Read a bundled dataset (once per process).

    Raises:
        DataSourceError: no dataset of that name is bundled.
    """
    import numpy as np  # numpy when data are read, not when a plan is checked

    ds = dataset(name)
    raw = importlib.resources.files(_RESOURCES).joinpath(_FOLDER, ds.file).read_bytes()
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8"))))
    areas = np.array([r["code"] for r in rows], dtype=object)
    periods = np.array([r["year"] + ds.label_suffix for r in rows], dtype=object)
    values = {c.name: np.array([float(r[c.name]) for r in rows]) for c in ds.columns}
    return BundledTable(areas, periods, values)


def _check(query: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    name = query.get("dataset")
    if "dataset" in query:
        if not isinstance(name, str) or name not in DATASETS:
            problems.append(
                f"the bundled source has no dataset {name!r} (it has: {', '.join(DATASETS)}; "
                "see regionplan data list)"
            )
        elif "column" in query:
            try:
                DATASETS[name].column(query["column"])
            except DataSourceError as exc:
                problems.append(str(exc))
    return problems


class BundledSource(DataSource):
    """SSB's figures for every municipality, copied into regionplan (``name: bundled``)."""

    name: ClassVar[str] = "bundled"
    required_keys: ClassVar[tuple[str, ...]] = ("dataset",)
    optional_keys: ClassVar[tuple[str, ...] | None] = ("column",)
    query_keys: ClassVar[tuple[QueryKey, ...]] = (
        QueryKey(
            "dataset",
            "text",
            "the bundled dataset: ``population`` (SSB table 07459, 1 January) or ``jobs`` "
            "(SSB table 11618, 4th quarter, ages 15–74); ``regionplan data list`` shows them",
            required=True,
        ),
        QueryKey(
            "column",
            "text",
            "the value column of ``jobs``: ``employed_by_workplace`` (jobs), "
            "``employed_by_residence`` or ``population_15_74_residence`` (persons)",
            default="the dataset's first column (``population``, ``employed_by_workplace``)",
        ),
    )

    @classmethod
    def check_query(cls, query: Mapping[str, Any]) -> list[str]:
        given: object = query  # a plan may hold anything here
        if not isinstance(given, Mapping):
            return [f"the bundled source's query must be a mapping, not {given!r}"]
        return super().check_query(query) + _check(query)

    def fetch(self, request: SourceRequest) -> Observations:
        import numpy as np  # numpy when data are read, not when a plan is checked

        from regionplan.data.series import Observations

        if problems := self.check_query(request.query):
            raise DataSourceError(f"metric {request.metric!r}: " + "; ".join(problems))
        ds = DATASETS[request.query["dataset"]]
        column = ds.column(request.query.get("column"))
        table = load(ds.name)
        keep = np.isin(table.areas, list(request.areas)) if request.areas else np.ones(len(table.areas), bool)
        if not keep.any():
            msg = (
                f"the bundled copy of SSB table {ds.table} has none of the areas "
                f"{', '.join(request.areas)} (it holds municipality codes such as 0301 or 5501)"
            )
            raise SourceFailed(msg, FailureKind.MISSING_AREAS)
        provenance = Provenance(
            source=self.name,
            table=ds.table,
            query=query_text(request.query),
            retrieved=dt.datetime.combine(BUNDLED_ON, dt.time(), tzinfo=dt.UTC),
            licence=LICENCE,
            credit=ds.credit,
            publisher=PUBLISHER,
            url=ds.url,
            notes=f"bundled copy of {BUNDLED_ON.isoformat()}: {column.title}; {'; '.join(ds.caveats)}",
        )
        return Observations(
            table.areas[keep], table.periods[keep], table.values[column.name][keep], column.unit, provenance
        )


def _plain_codes(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return (str(value),)
    if isinstance(value, list | tuple) and all(isinstance(v, str | int) for v in value):
        return tuple(str(v) for v in value)
    return None


def bundled_query_for(ssb_query: Mapping[str, Any]) -> dict[str, str] | None:
    """The ``bundled`` query that gives the same figures as an ``ssb`` query, or ``None``.

    The same figures: the same table and ``ContentsCode``, and the same selection of the
    table's other variables (both sexes, ages 15–74 for table 11618; nothing for 07459).
    """
    select = ssb_query.get("select") or {}
    if not isinstance(select, Mapping) or ssb_query.get("aggregate") is not None:
        return None
    chosen = {str(k): _plain_codes(v) for k, v in select.items()}
    for ds in DATASETS.values():
        if str(ssb_query.get("table")) != ds.table or chosen != {k: (v,) for k, v in ds.select}:
            continue
        for i, column in enumerate(ds.columns):
            if ssb_query.get("contents") == column.contents:
                return {"dataset": ds.name} | ({"column": column.name} if i else {})
    return None


def _last_day(ds: BundledDataset, label: str) -> dt.date:
    """The last day a period label of the dataset covers (the day itself for a count on a date)."""
    kind = {"1 January": PeriodSpec("instant", month=1, day=1), "Q4": PeriodSpec("quarter", quarter=4)}
    return kind[ds.period].read(label).end - dt.timedelta(days=1)


def describe(name: str, today: dt.date | None = None) -> dict[str, Any]:
    """What is bundled under ``name``: table, periods, municipalities, provenance, age (JSON-ready).

    Raises:
        DataSourceError: no dataset of that name is bundled.
    """
    import numpy as np

    ds = dataset(name)
    table = load(name)
    today = today or dt.date.today()
    periods = sorted(set(table.periods.tolist()))
    per_period = {p: int(np.unique(table.areas[table.periods == p]).size) for p in periods}
    latest_end = _last_day(ds, periods[-1])
    months = (
        (today.year - latest_end.year) * 12 + today.month - latest_end.month - (today.day < latest_end.day)
    )
    return {
        "name": ds.name,
        "table": ds.table,
        "title": ds.title,
        "url": ds.url,
        "period": ds.period,
        "columns": [{"name": c.name, "unit": c.unit, "title": c.title} for c in ds.columns],
        "periods": periods,
        "municipalities": per_period,
        "municipality_codes": int(np.unique(table.areas).size),
        "rows": len(table.areas),
        "latest": periods[-1],
        "latest_end": latest_end.isoformat(),
        "months_old": max(months, 0),
        "bundled_on": BUNDLED_ON.isoformat(),
        "origin": ds.origin,
        "caveats": list(ds.caveats),
        "credit": ds.credit,
        "licence": LICENCE,
        "file": f"regionplan/_resources/{_FOLDER}/{ds.file}",
    }


def list_text(infos: Sequence[Mapping[str, Any]]) -> str:
    """Several datasets' :func:`describe` facts, one line each, as ``regionplan data list`` prints them."""
    lines = [
        f"{i['name']:11} SSB table {i['table']}  {i['periods'][0]}–{i['latest']}  "
        f"{i['municipalities'][i['latest']]} municipalities in {i['latest']}  "
        f"latest figures {i['months_old']} months old (bundled copy of {i['bundled_on']})"
        for i in infos
    ]
    return "\n".join(
        [
            *lines,
            "Use one with `source: {name: bundled, dataset: NAME}`; details: regionplan data info NAME",
            "Kilde: Statistisk sentralbyrå (CC BY 4.0)",
        ]
    )


def describe_text(info: Mapping[str, Any]) -> str:
    """:func:`describe`'s facts as text, as ``regionplan data info`` prints them."""
    years, latest = info["periods"], info["latest"]
    columns = ", ".join(f"{c['name']} ({c['unit']})" for c in info["columns"])
    lines = [
        f"{info['name']}: SSB table {info['table']}, {info['title']}",
        f"  columns:        {columns}",
        f"  periods:        {years[0]}–{latest} ({len(years)}, counted {info['period']})",
        f"  municipalities: {info['municipalities'][latest]} in {latest}, "
        f"{info['municipality_codes']} codes over all periods ({info['rows']} rows)",
        f"  age:            latest figures {latest} ({info['latest_end']}), "
        f"{info['months_old']} months old; bundled copy of {info['bundled_on']}",
        f"  origin:         {info['origin']}",
        *(f"  caveat:         {c}" for c in info["caveats"]),
        f"  credit:         {info['credit']} ({info['licence']}); {info['url']}",
        f"  file:           {info['file']} (see PROVENANCE.md beside it)",
    ]
    return "\n".join(lines)


@hookimpl
def regionplan_register_sources(register: Callable[..., None]) -> None:
    register(BundledSource.name, BundledSource)
