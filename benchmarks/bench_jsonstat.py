"""jsonstat_decode: decoding a JSON-stat answer is linear in the number of categories.

A SYNTHETIC dataset of N areas × 2 years × 1 content (the shape of an SSB answer with
every municipality or basic unit), parsed once; then ``decode_jsonstat`` with every
category, and with half of the areas picked by code. The baseline is numpy alone doing
what the decoder must at the least: taking the picked rows of the value array. The
exponent of time against N shows the growth (1.0 = linear; the decoder was quadratic).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from _util import Row, fit_exponent, median_time

NAME = "jsonstat_decode"


def _dataset(n: int) -> Any:
    from regionplan.data.sources.jsonstat import parse_jsonstat

    codes = [f"A{i:06d}" for i in range(n)]
    return codes, parse_jsonstat(
        {
            "version": "2.0",
            "class": "dataset",
            "id": ["area", "metric", "year"],
            "size": [n, 1, 2],
            "role": {"geo": ["area"], "time": ["year"], "metric": ["metric"]},
            "dimension": {
                "area": {"category": {"index": codes}},
                "metric": {"category": {"index": ["persons"]}},
                "year": {"category": {"index": ["2023", "2024"]}},
            },
            "value": list(range(2 * n)),
        }
    )


def run(quick: bool) -> dict[str, Any]:
    from regionplan.data.sources.jsonstat import decode_jsonstat

    sizes = (2_000, 8_000, 16_000) if quick else (2_000, 8_000, 16_000, 64_000)
    rows = []
    details: dict[str, Any] = {}
    times = []
    for n in sizes:
        codes, ds = _dataset(n)
        picked = codes[::2]
        positions = np.arange(0, n, 2)

        def decode(ds: Any = ds, picked: list[str] = picked) -> Any:
            return decode_jsonstat(ds, filters={"area": picked})

        t = median_time(decode, 3 if quick else 5, warmup=1)
        base = median_time(lambda ds=ds, p=positions: np.take(ds.values, p, axis=0), 5, warmup=1, number=20)
        batch = t.result["persons"]
        assert len(batch) == 2 * len(picked) and batch.areas[-1] == picked[-1]
        assert np.array_equal(batch.values[::2], base.result[:, 0, 0])
        times.append(t.wall)
        rows.append(
            Row(
                f"{n:,} areas, half picked by code",
                t.wall,
                "s",
                baseline=base.wall,
                baseline_name="numpy take",
                cpu=t.cpu,
                note=f"{t.wall / n * 1e6:,.2f} µs/area",
            )
        )
        details[str(n)] = {"decode_s": t.wall, "numpy_s": base.wall}
    exponent = fit_exponent(sizes, times)
    details["exponent"] = exponent
    rows.append(
        Row(
            "fitted exponent of time vs areas",
            exponent,
            "",
            goal="≈ 1 (linear)",
            ok=None if quick else exponent < 1.2,
        )
    )
    return {"rows": rows, "details": details}
