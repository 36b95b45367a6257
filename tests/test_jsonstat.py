"""The JSON-stat 2.0 decoder and the ``jsonstat`` file source."""

from __future__ import annotations

import copy
import itertools
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regionplan.data.sources import SourceContext, SourceRequest
from regionplan.data.sources.jsonstat import (
    JsonStatFileSource,
    decode_jsonstat,
    parse_jsonstat,
    regionplan_register_sources,
    resolve_unit,
)
from regionplan.errors import DataSourceError

DATA = Path(__file__).parent / "data" / "jsonstat"
SALMON = DATA / "ssb_v2_03024_jsonstat2_response.json"


@pytest.fixture(scope="module")
def salmon() -> dict[str, Any]:
    return json.loads(SALMON.read_text(encoding="utf-8"))


def _label_to_code(doc: dict[str, Any], dim: str, label: str) -> str:
    labels = doc["dimension"][dim]["category"]["label"]
    return next(code for code, text in labels.items() if text == label)


def _flat_position(doc: dict[str, Any], **labels: str) -> int:
    """Walk the dimensions by hand: position = sum(index * product of later sizes)."""
    position = 0
    for dim, size in zip(doc["id"], doc["size"], strict=True):
        code = _label_to_code(doc, dim, labels[dim])
        position = position * size + doc["dimension"][dim]["category"]["index"][code]
    return position


# -- the real SSB response ---------------------------------------------------------


@pytest.mark.parametrize(
    ("group", "contents", "week", "published"),
    [
        ("Fersk oppalen laks", "Vekt (tonn)", "2025U01", 11364),
        ("Fersk oppalen laks", "Kilopris (kr)", "2025U10", 87),
        ("Frosen oppalen laks", "Vekt (tonn)", "2025U10", 538),
        ("Frosen oppalen laks", "Kilopris (kr)", "2025U48", 77.24),
        ("Fersk oppalen laks", "Vekt (tonn)", "2025U48", 24188),
    ],
)
def test_real_response_decodes_to_published_values(
    salmon: dict[str, Any], group: str, contents: str, week: str, published: float
) -> None:
    position = _flat_position(salmon, VareGrupper2=group, ContentsCode=contents, Tid=week)
    assert salmon["value"][position] == published  # the hand walk agrees with the file
    group_code = _label_to_code(salmon, "VareGrupper2", group)
    contents_code = _label_to_code(salmon, "ContentsCode", contents)
    batches = decode_jsonstat(salmon, area="0", filters={"VareGrupper2": group_code})
    batch = batches[contents_code]
    (hit,) = np.flatnonzero(batch.periods == week)
    assert batch.values[hit] == published
    assert batch.areas[hit] == "0"


def test_real_response_shape_units_and_order(salmon: dict[str, Any]) -> None:
    batches = decode_jsonstat(salmon, area_dimension="VareGrupper2")
    assert list(batches) == ["Vekt", "Kilopris"]
    assert batches["Vekt"].unit == "tonn"
    assert batches["Kilopris"].unit == "kr"
    weight = batches["Vekt"]
    assert len(weight) == 96
    # area-major, time-minor: the first 48 rows are group 01, weeks in order
    assert list(weight.areas[:48]) == ["01"] * 48
    assert weight.periods[0] == "2025U01" and weight.periods[47] == "2025U48"
    assert weight.areas[48] == "02" and weight.values[48] == 255
    assert resolve_unit("tonn") == "tonne"
    assert resolve_unit("kr") == "kr"


def test_sum_over_a_dimension(salmon: dict[str, Any]) -> None:
    batches = decode_jsonstat(salmon, area="0", sum_dimensions=["VareGrupper2"])
    assert batches["Vekt"].values[0] == 11364 + 255


def test_a_dimension_with_several_categories_needs_a_choice(salmon: dict[str, Any]) -> None:
    with pytest.raises(DataSourceError, match=r"VareGrupper2.*2 categories"):
        decode_jsonstat(salmon, area="0")


def test_a_dataset_without_area_needs_one(salmon: dict[str, Any]) -> None:
    with pytest.raises(DataSourceError, match="no area dimension"):
        decode_jsonstat(salmon, filters={"VareGrupper2": "01"})


# -- malformed documents ------------------------------------------------------------


def _broken(doc: dict[str, Any], change: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    change(out)
    return out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["value"].pop(), "191 values but its sizes multiply to 192"),
        (lambda d: d["size"].__setitem__(2, 47), "48 categories but 'size' says 47"),
        (lambda d: d["dimension"].pop("Tid"), "'Tid' is in 'id' but not in 'dimension'"),
        (lambda d: d["id"].pop(), "3 sizes"),
        (lambda d: d.pop("value"), "needs 'value'"),
        (lambda d: d["value"].__setitem__(3, ".."), "value 3 is '..'"),
        (lambda d: d["value"].__setitem__(4, True), "value 4 is True"),
        (lambda d: d.__setitem__("class", "collection"), "only datasets"),
        (lambda d: d.__setitem__("value", {"192": 1}), "position 192, outside"),
        (lambda d: d.__setitem__("status", {"500": "."}), "position 500"),
        (lambda d: d["role"].__setitem__("time", ["Uke"]), "not a dimension"),
        (
            lambda d: d["dimension"]["Tid"]["category"]["index"].__setitem__("2025U01", 47),
            "positions must be",
        ),
    ],
)
def test_malformed_documents_raise(salmon: dict[str, Any], change: Any, message: str) -> None:
    with pytest.raises(DataSourceError, match=re.escape(message)):
        decode_jsonstat(_broken(salmon, change), area_dimension="VareGrupper2")


@pytest.mark.parametrize("doc", [[], "x", None, {"id": ["a"], "size": [1]}])
def test_not_a_dataset_raises(doc: Any) -> None:
    with pytest.raises(DataSourceError):
        parse_jsonstat(doc)


def test_unknown_dimension_and_category(salmon: dict[str, Any]) -> None:
    with pytest.raises(DataSourceError, match="no dimension 'Region'"):
        decode_jsonstat(salmon, area="0", filters={"Region": "0301"})
    with pytest.raises(DataSourceError, match="no category '03'"):
        decode_jsonstat(salmon, area="0", filters={"VareGrupper2": "03"})
    with pytest.raises(DataSourceError, match="no area dimension 'Region'"):
        decode_jsonstat(salmon, area_dimension="Region")


def test_status_and_sparse_values() -> None:
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["Region", "Tid"],
        "size": [2, 2],
        "role": {"geo": ["Region"], "time": ["Tid"]},
        "dimension": {
            "Region": {"category": {"index": ["0301", "3209"]}},
            "Tid": {"category": {"index": {"2020": 0, "2021": 1}}},
        },
        "value": {"0": 1.5, "3": 7},
        "status": {"1": ".."},
    }
    ds = parse_jsonstat(doc)
    assert ds.status[0, 1] == ".." and ds.status[1, 1] is None
    (batch,) = decode_jsonstat(doc).values()
    assert list(batch.areas) == ["0301", "3209"]
    assert list(batch.periods) == ["2020", "2021"]
    assert list(batch.values) == [1.5, 7.0]
    (full,) = decode_jsonstat(doc, keep_missing=True).values()
    assert len(full) == 4 and np.isnan(full.values[1])


# -- property: encode, then decode ---------------------------------------------------


@st.composite
def datasets(draw: st.DrawFn) -> tuple[dict[str, Any], dict[tuple[str, str, str], float | None]]:
    """A random dataset and, independently, the value of every (metric, area, period)."""
    n_area = draw(st.integers(1, 5))
    n_time = draw(st.integers(1, 5))
    n_metric = draw(st.integers(1, 3))
    n_extra = draw(st.integers(1, 3))  # a dimension that the test filters to one category
    dims = {
        "Region": [f"{i:04d}" for i in range(n_area)],
        "Tid": [str(2000 + i) for i in range(n_time)],
        "ContentsCode": [f"M{i}" for i in range(n_metric)],
        "Kjonn": [str(i) for i in range(n_extra)],
    }
    ids = draw(st.permutations(list(dims)))
    number = st.one_of(st.none(), st.integers(-(10**9), 10**9), st.floats(-1e12, 1e12))
    cells = list(itertools.product(*(dims[d] for d in ids)))  # row-major: last varies fastest
    values = draw(st.lists(number, min_size=len(cells), max_size=len(cells)))
    sparse = draw(st.booleans())
    index_as_list = draw(st.booleans())
    doc: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "id": list(ids),
        "size": [len(dims[d]) for d in ids],
        "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {
            d: {"category": {"index": codes if index_as_list else {c: i for i, c in enumerate(codes)}}}
            for d, codes in dims.items()
        },
        "value": ({str(i): v for i, v in enumerate(values) if v is not None} if sparse else values),
    }
    expected: dict[tuple[str, str, str], float | None] = {}
    for cell, value in zip(cells, values, strict=True):
        named = dict(zip(ids, cell, strict=True))
        if named["Kjonn"] == "0":
            expected[(named["ContentsCode"], named["Region"], named["Tid"])] = value
    return doc, expected


@settings(max_examples=150, deadline=None)
@given(datasets())
def test_encode_decode_round_trip(
    case: tuple[dict[str, Any], dict[tuple[str, str, str], float | None]],
) -> None:
    doc, expected = case
    batches = decode_jsonstat(doc, filters={"Kjonn": "0"})
    got: dict[tuple[str, str, str], float] = {}
    for metric, batch in batches.items():
        for area, period, value in zip(batch.areas, batch.periods, batch.values, strict=True):
            assert (metric, area, period) not in got
            got[(metric, area, period)] = float(value)
    assert got == {k: float(v) for k, v in expected.items() if v is not None}
    assert math.prod(doc["size"]) == len(expected) * len(doc["dimension"]["Kjonn"]["category"]["index"])


# -- the file source ------------------------------------------------------------------


def test_file_source_reads_the_real_file(tmp_path: Path) -> None:
    shutil.copy(SALMON, tmp_path / "laks.json")
    source = JsonStatFileSource(SourceContext(base_dir=tmp_path, cache_dir=tmp_path / "cache"))
    query = {
        "path": "laks.json",
        "contents": "Kilopris",
        "select": {"VareGrupper2": "02"},
        "area": "0",
        "table": "03024",
        "credit": "Kilde: Statistisk sentralbyrå, tabell 03024",
    }
    assert JsonStatFileSource.check_query(query) == []
    obs = source.fetch(SourceRequest(metric="price", query=query))
    assert obs.unit == "kr"
    assert obs.values[-1] == 77.24 and obs.periods[-1] == "2025U48"
    assert obs.provenance.table == "03024"
    assert obs.provenance.credit == "Kilde: Statistisk sentralbyrå, tabell 03024"
    assert obs.provenance.source == "jsonstat"
    assert obs.provenance.retrieved is None  # a copied file; the query may state the date
    dated = source.fetch(SourceRequest(metric="price", query={**query, "retrieved": "2025-12-01"}))
    assert dated.provenance.retrieved is not None and dated.provenance.retrieved.year == 2025

    weight = source.fetch(SourceRequest(metric="w", query={**query, "contents": "Vekt", "unit": "t"}))
    assert weight.unit == "t" and weight.values[0] == 255


def test_file_source_errors(tmp_path: Path) -> None:
    shutil.copy(SALMON, tmp_path / "laks.json")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    source = JsonStatFileSource(SourceContext(base_dir=tmp_path, cache_dir=tmp_path))

    def fetch(**query: Any) -> None:
        source.fetch(SourceRequest(metric="m", query=query))

    with pytest.raises(DataSourceError, match="no file"):
        fetch(path="missing.json")
    with pytest.raises(DataSourceError, match="not valid JSON"):
        fetch(path="bad.json")
    with pytest.raises(DataSourceError, match="choose one with 'contents'"):
        fetch(path="laks.json", select={"VareGrupper2": "01"}, area="0")
    with pytest.raises(DataSourceError, match="no category 'Pris'"):
        fetch(path="laks.json", contents="Pris", select={"VareGrupper2": "01"}, area="0")


def test_check_query() -> None:
    assert JsonStatFileSource.check_query({}) == ["the jsonstat source needs 'path'"]
    problems = JsonStatFileSource.check_query({"path": "x", "select": {"Kjonn": 1}, "colour": 1})
    assert any("select" in p for p in problems)
    assert any("'colour'" in p for p in problems)
    assert JsonStatFileSource.check_query({"path": "x", "unit": "bananas"})


def test_registers_itself() -> None:
    seen: dict[str, type] = {}
    regionplan_register_sources(lambda name, cls: seen.__setitem__(name, cls))
    assert seen == {"jsonstat": JsonStatFileSource}


def test_decoding_is_linear_in_the_categories() -> None:
    """A regression guard: selecting categories looked each code up in a tuple (quadratic).
    20,000 areas took seconds then; the bound is generous. Speed goals live in benchmarks/."""
    import time

    n = 20_000
    codes = [f"A{i:05d}" for i in range(n)]
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["area", "year"],
        "size": [n, 2],
        "role": {"geo": ["area"], "time": ["year"]},
        "dimension": {
            "area": {"category": {"index": codes}},
            "year": {"category": {"index": ["2023", "2024"]}},
        },
        "value": list(range(2 * n)),
    }
    dataset = parse_jsonstat(doc)
    start = time.perf_counter()
    everything = decode_jsonstat(dataset)[""]
    picked = decode_jsonstat(dataset, filters={"area": codes[::-2]})[""]
    elapsed = time.perf_counter() - start
    assert len(everything) == 2 * n and len(picked) == n
    assert picked.areas[0] == codes[-1] and picked.values[1] == 2 * n - 1
    assert elapsed < 1.0, elapsed
