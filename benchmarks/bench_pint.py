"""pint_scalar_vs_array: why a Series is one numpy array with one unit.

Dividing jobs by persons, value by value: N scalar pint Quantities (one object per
value) against one array Quantity holding all N values, against plain numpy. The
registry is built before timing; each variant's result is checked against numpy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from _util import Row, median_time

NAME = "pint_scalar_vs_array"


def run(quick: bool) -> dict[str, Any]:
    from regionplan.plan.units import registry

    ureg = registry()
    job, person = ureg.job, ureg.person
    rng = np.random.default_rng(2024)
    rows = []
    details: dict[str, Any] = {}
    sizes = (1_000, 10_000) if quick else (1_000, 100_000)
    for n in sizes:
        jobs = rng.integers(100, 500_000, n).astype(float)
        persons = rng.integers(100, 800_000, n).astype(float)
        scalar_jobs = [ureg.Quantity(v, job) for v in jobs]
        scalar_persons = [ureg.Quantity(v, person) for v in persons]
        array_jobs = ureg.Quantity(jobs, job)
        array_persons = ureg.Quantity(persons, person)
        scalar_repeats = 1 if n > 10_000 else 3
        ts = median_time(
            lambda sj=scalar_jobs, sp=scalar_persons: [a / b for a, b in zip(sj, sp, strict=True)],
            scalar_repeats,
        )
        ta = median_time(lambda aj=array_jobs, ap=array_persons: aj / ap, 7, warmup=2, number=50)
        tn = median_time(lambda j=jobs, p=persons: j / p, 7, warmup=2, number=200)
        t_scalar, t_array, t_numpy = ts.wall, ta.wall, tn.wall
        scalar, array, plain = ts.result, ta.result, tn.result
        assert np.allclose([q.magnitude for q in scalar], plain, rtol=0, atol=0)
        assert np.array_equal(array.magnitude, plain)
        assert array.units == job / person
        label = f"{n:,} divisions"
        rows += [
            Row(f"{label}: scalar Quantities", t_scalar, "s", baseline=t_numpy, baseline_name="numpy"),
            Row(f"{label}: one array Quantity", t_array, "s", baseline=t_numpy, baseline_name="numpy"),
            Row(f"{label}: plain numpy", t_numpy, "s"),
        ]
        details[str(n)] = {
            "scalar_s": t_scalar,
            "array_s": t_array,
            "numpy_s": t_numpy,
            "scalar_over_array": t_scalar / t_array,
        }
    return {"rows": rows, "details": details}
