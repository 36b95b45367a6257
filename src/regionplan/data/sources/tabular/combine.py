"""Several files of one ``csv`` or ``excel`` source as one batch.

A query's ``path`` may name several files or a pattern (``data/population_*.csv``); each
file is read and mapped on its own (:func:`~regionplan.data.sources.tabular.rows.observations`)
and :func:`combine` joins the batches, refusing an area and period that two files both hold,
named by file and line.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np

from regionplan.data.series import Observations
from regionplan.data.sources.tabular.query import TabularQuery
from regionplan.data.sources.tabular.rows import kept_rows
from regionplan.data.sources.tabular.table import Table
from regionplan.errors import DataSourceError

__all__ = ["combine"]


def combine(tables: Sequence[Table], batches: Sequence[Observations], q: TabularQuery) -> Observations:
    """The batches of several files as one, in the order of the files.

    Raises:
        DataSourceError: two files hold the same area and period (both places are named).
    """
    seen: dict[tuple[str, str], tuple[int, int]] = {}
    for f, batch in enumerate(batches):
        for n, key in enumerate(_keys(batch)):
            if np.isnan(batch.values[n]):
                continue
            if key in seen:
                first = _place(tables, q, *seen[key])
                msg = (
                    f"{first} and {_place(tables, q, f, n)} both hold area {key[0]!r}, period {key[1]!r}; "
                    "each area and period belongs in one of the files (or filter the rows apart)"
                )
                raise DataSourceError(msg)
            seen[key] = (f, n)
    # A "no value" cell ('..') gives way to a value of another file, and is kept once otherwise.
    kept: list[np.ndarray] = []
    for batch in batches:
        keep = np.ones(len(batch), dtype=bool)
        for n, key in enumerate(_keys(batch)):
            if np.isnan(batch.values[n]):
                keep[n] = key not in seen
                seen.setdefault(key, (-1, -1))
        kept.append(keep)
    units = {b.unit for b in batches}
    if len(units) > 1:
        listed = ", ".join(f"{b.unit!r} ({t.label})" for t, b in zip(tables, batches, strict=True))
        msg = f"the files hold values in several units: {listed}"
        raise DataSourceError(msg)
    provenance = batches[0].provenance
    if not q.table:  # named by its files, as a single file is
        provenance = attrs.evolve(provenance, table=", ".join(t.path.name for t in tables))
    return Observations(
        np.concatenate([b.areas[k] for b, k in zip(batches, kept, strict=True)]),
        np.concatenate([b.periods[k] for b, k in zip(batches, kept, strict=True)]),
        np.concatenate([np.asarray(b.values, dtype=float)[k] for b, k in zip(batches, kept, strict=True)]),
        batches[0].unit,
        provenance,
    )


def _keys(batch: Observations) -> list[tuple[str, str]]:
    return [(str(a), str(p)) for a, p in zip(batch.areas, batch.periods, strict=True)]


def _place(tables: Sequence[Table], q: TabularQuery, f: int, n: int) -> str:
    """``file:line`` of the ``n``-th observation of the ``f``-th file."""
    return tables[f].at(kept_rows(tables[f], q)[n])
