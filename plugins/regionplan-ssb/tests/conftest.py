"""A local stand-in for SSB's PxWebApi v2: a real HTTP server on 127.0.0.1.

It answers ``/tables/{id}/metadata`` and ``/tables/{id}/data`` from JSON-stat
documents, slicing the data by ``valueCodes[...]`` as SSB does: value codes and
the selection expressions ``*``, ``top(n)``, ``from(x)``, ``to(x)``,
``[range(x,y)]``; variables left out are eliminated with their total
(``eliminationValueCode``) or summed. Unknown variables and values, missing
mandatory variables and too many cells get SSB's documented 400 bodies, a code
asked twice a 500, an unknown table a 404. Tests queue faults for the next requests: slow replies,
error statuses, truncated, replaced or endless bodies. Every request is logged.
"""

from __future__ import annotations

import collections
import copy
import itertools
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from regionplan_ssb import SsbSource

from regionplan.data.sources import SourceContext

DATA = Path(__file__).parent / "data"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


ERRORS = load("error_responses.json")["v2"]["400_bodies"]


def error_body(title: str) -> dict[str, Any]:
    return next(b for b in ERRORS if b["title"] == title)


# -- a synthetic table (made-up values) for region code lists --------------------------

SYN_REGIONS = ["0", "0235", "3033", "3209", "0301"]
SYN_KOMMSUMMER = ["K-3209", "K-0301"]
SYN_YEARS = [str(y) for y in range(2019, 2025)]


def synthetic_value(region: int, kjonn: int, year: int, *, codelist: bool = False) -> int:
    """The made-up value of the synthetic table at category positions."""
    return (50_000 if codelist else 0) + 1000 * region + 100 * kjonn + year


def synthetic_table(codelist: bool = False) -> dict[str, Any]:
    """A SYNTHETIC 07459-shaped dataset (not SSB data): Region × Kjonn × ContentsCode × Tid."""
    regions = SYN_KOMMSUMMER if codelist else SYN_REGIONS
    dims = {
        "Region": regions,
        "Kjonn": ["1", "2"],
        "ContentsCode": ["Personer1"],
        "Tid": SYN_YEARS,
    }
    values = [
        synthetic_value(r, k, t, codelist=codelist)
        for r, k, _c, t in itertools.product(*(range(len(v)) for v in dims.values()))
    ]
    region_ext: dict[str, Any] = {"elimination": True}
    if not codelist:
        region_ext["codelists"] = [
            {"id": "agg_KommSummer", "label": "Kommuner, sammenslåtte", "type": "Aggregation"}
        ]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "SYNTHETIC test table shaped like 07459",
        "source": "regionplan tests (synthetic)",
        "id": list(dims),
        "size": [len(v) for v in dims.values()],
        "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {
            "Region": {
                "category": {"index": {c: i for i, c in enumerate(regions)}},
                "extension": region_ext,
            },
            "Kjonn": {
                "category": {"index": {"1": 0, "2": 1}},
                "extension": {"elimination": True},
            },
            "ContentsCode": {
                "category": {
                    "index": {"Personer1": 0},
                    "unit": {"Personer1": {"base": "personer", "decimals": 0}},
                },
                "extension": {"elimination": False},
            },
            "Tid": {
                "category": {"index": {c: i for i, c in enumerate(SYN_YEARS)}},
                "extension": {"elimination": False},
            },
        },
        "value": values,
    }


# -- the server ------------------------------------------------------------------------


@attrs.define
class Fault:
    """What to do instead of (or before) the normal answer to one request."""

    where: str = ""  # a substring of the path ("data", "metadata", "03024") or "" for any
    delay: float = 0.0  # seconds to wait before answering
    status: int | None = None
    body: bytes | None = None
    headers: dict[str, str] = attrs.field(factory=dict)
    truncate: str | None = None  # "length": Content-Length says more; "close": no length
    trickle: float = 0.0  # seconds between 200-byte pieces of the body
    endless: int = 0  # bytes of JSON-ish filler to stream with no Content-Length (a huge body)
    times: int = 1  # how many requests it applies to (-1: all)


@attrs.define
class FakeSsb:
    tables: dict[str, dict[str | None, dict[str, Any]]] = attrs.field(factory=dict)
    faults: collections.deque[Fault] = attrs.field(factory=collections.deque)
    log: list[str] = attrs.field(factory=list)
    max_cells: int = 800_000
    base_url: str = ""
    headers: dict[str, str] = attrs.field(factory=dict)
    lock: threading.Lock = attrs.field(factory=threading.Lock)
    #: Bytes of the endless bodies sent before the client hung up.
    sent_bytes: int = 0
    #: The synthetic table's region codes, years and value rule, for tests.
    regions: tuple[str, ...] = tuple(SYN_REGIONS)
    years: tuple[str, ...] = tuple(SYN_YEARS)
    synthetic_value: Any = staticmethod(synthetic_value)

    def count(self, part: str = "") -> int:
        with self.lock:
            return sum(part in line for line in self.log)

    def fault(self, **kwargs: Any) -> None:
        self.faults.append(Fault(**kwargs))

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in list(self.faults):
                if fault.where in path:
                    if fault.times > 0:
                        fault.times -= 1
                        if fault.times == 0:
                            self.faults.remove(fault)
                    return fault
        return None

    # -- answers --------------------------------------------------------------------

    def answer(self, path: str, params: list[tuple[str, str]]) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if len(parts) < 3 or parts[-3] != "tables" or parts[-1] not in ("data", "metadata"):
            return 404, None
        table, kind = parts[-2], parts[-1]
        codelists = {k[9:-1]: v for k, v in params if k.startswith("codelist[")}
        variants = self.tables.get(table)
        if variants is None:
            return 404, None
        codelist = codelists.get("Region")
        if codelist is not None and codelist not in variants:
            return 400, error_body("Non-existent codelist")
        doc = variants[codelist]
        if kind == "metadata":
            return 200, {k: v for k, v in doc.items() if k not in ("value", "status")}
        return self.slice(doc, params)

    def slice(self, doc: dict[str, Any], params: list[tuple[str, str]]) -> tuple[int, Any]:
        asked = {k[11:-1]: v for k, v in params if k.startswith("valueCodes[")}
        ids, sizes = doc["id"], doc["size"]
        if any(var not in ids for var in asked):
            return 400, error_body("Non-existent variable")
        values = np.array(doc["value"], dtype=object).reshape(sizes)
        out = copy.deepcopy(doc)
        keep_ids = []
        for axis, var in reversed(list(enumerate(ids))):
            dim = doc["dimension"][var]
            index = dim["category"]["index"]
            codes = sorted(index, key=index.get)
            if var not in asked:
                if dim.get("extension", {}).get("elimination") is False:
                    return 400, error_body("Missing selection for mandantory variable")
                total = dim.get("extension", {}).get("eliminationValueCode")
                values = np.take(values, index[total], axis=axis) if total in index else values.sum(axis=axis)
                del out["dimension"][var]
                continue
            try:
                wanted = select_codes(codes, asked[var])
            except AskedTwice:
                return 500, None
            if wanted is None:
                return 400, error_body("Non-existent value")
            if not wanted:
                return 400, error_body("Missing selection for mandantory variable")
            values = np.take(values, [index[c] for c in wanted], axis=axis)
            cat = out["dimension"][var]["category"]
            cat["index"] = {c: i for i, c in enumerate(wanted)}
            if "label" in cat:
                cat["label"] = {c: cat["label"][c] for c in wanted}
            keep_ids.insert(0, var)
        if values.size > self.max_cells:
            return 400, error_body("Too many cells selected")
        out["id"] = keep_ids
        out["size"] = list(values.shape)
        out["value"] = values.reshape(-1).tolist()
        out["role"] = {r: [d for d in v if d in keep_ids] for r, v in doc["role"].items()}
        return 200, out


class AskedTwice(Exception):
    """A value code asked twice in one variable."""


def split_codes(text: str) -> list[str]:
    """``a,b,[range(x,y)]`` -> ``["a", "b", "range(x,y)"]``: commas inside brackets stay."""
    out, depth, part = [], 0, ""
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(part)
            part = ""
            continue
        if ch not in "[]":
            part += ch
    out.append(part)
    return out


def select_codes(codes: list[str], text: str) -> list[str] | None:
    """The codes a ``valueCodes`` value selects, as PxWebApi v2 reads it (PxTools/PxWebApi,
    ``SelectionExpressions``): codes and ``*``, ``x*``, ``*x``, ``top(n)``, ``from(x)``, ``to(x)``,
    ``range(x,y)``, matched without regard to case, in the table's order. ``None``: a code or
    a bound the table lacks (SSB: 400 "Non-existent value").

    Raises:
        AskedTwice: a code is asked twice (SSB answers HTTP 500 with an empty body).
    """
    lower = [c.lower() for c in codes]

    def at(code: str) -> int | None:
        return lower.index(code.lower()) if code.lower() in lower else None

    chosen: set[int] = set()
    literal: list[str] = []
    for token in split_codes(text):
        low = token.lower()
        if token == "*":
            chosen.update(range(len(codes)))
        elif token.startswith("*"):
            chosen.update(i for i, c in enumerate(lower) if c.endswith(low[1:]))
        elif token.endswith("*"):
            chosen.update(i for i, c in enumerate(lower) if c.startswith(low[:-1]))
        elif m := re.fullmatch(r"top\((\d+)\)", low):
            chosen.update(range(max(0, len(codes) - int(m.group(1))), len(codes)))
        elif m := re.fullmatch(r"(from|to)\((.+)\)", low):
            i = at(m.group(2))
            if i is None:
                return None
            chosen.update(range(i, len(codes)) if m.group(1) == "from" else range(i + 1))
        elif m := re.fullmatch(r"range\(([^,]+),([^,]+)\)", low):
            i, j = at(m.group(1)), at(m.group(2))
            if i is None or j is None:
                return None
            chosen.update(range(min(i, j), max(i, j) + 1))
        else:
            i = at(token)
            if i is None:
                return None
            if low in literal:
                raise AskedTwice(token)
            literal.append(low)
            chosen.add(i)
    return [codes[i] for i in sorted(chosen)]


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        fake = self.server.fake
        parsed = urllib.parse.urlsplit(self.path)
        with fake.lock:
            fake.log.append(self.path)
        fault = fake.take_fault(parsed.path)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        status, doc = fake.answer(parsed.path, urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        body = b"" if doc is None else json.dumps(doc, ensure_ascii=False).encode("utf-8")
        headers = dict(fake.headers)
        if fault is not None:
            if fault.status is not None:
                status, body = fault.status, fault.body or b""
            elif fault.body is not None:
                body = fault.body
            headers.update(fault.headers)
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            if fault is not None and fault.endless:
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b'{"value": [')
                piece = b"1," * 32_768
                for _ in range(fault.endless // len(piece)):
                    self.wfile.write(piece)
                    fake.sent_bytes += len(piece)
                self.close_connection = True
                return
            if fault is not None and fault.truncate == "close":
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if fault is not None and fault.trickle:
                for start in range(0, len(body), 200):
                    self.wfile.write(body[start : start + 200])
                    self.wfile.flush()
                    time.sleep(fault.trickle)
                return
            if fault is not None and fault.truncate == "length":
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSsb


@attrs.define
class FakeTime:
    """A clock and a sleep that only pretend: sleeping advances the clock."""

    now: float = 1000.0
    sleeps: list[float] = attrs.field(factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def ssb() -> Iterator[FakeSsb]:
    """A fake SSB with table 03024 (the real captured response) and a synthetic 07459."""
    fake = FakeSsb()
    fake.tables["03024"] = {None: load("ssb_v2_03024_jsonstat2_response.json")}
    fake.tables["07459"] = {None: synthetic_table(), "agg_KommSummer": synthetic_table(True)}
    server = Server(("127.0.0.1", 0), Handler)
    server.fake = fake
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/api/pxwebapi/v2"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_source(ssb: FakeSsb, fake_time: FakeTime, tmp_path: Path) -> Callable[..., SsbSource]:
    def make(offline: bool = False, progress: Any = None, **options: Any) -> SsbSource:
        opts = {
            "base_url": ssb.base_url,
            "timeout": 0.5,
            "max_retries": 3,
            "backoff": 0.5,
            "clock": fake_time.clock,
            "sleep": fake_time.sleep,
            **options,
        }
        context = SourceContext(
            base_dir=tmp_path,
            cache_dir=tmp_path / "cache",
            offline=offline,
            options={"ssb": opts},
            progress=progress,
        )
        return SsbSource(context)

    return make
