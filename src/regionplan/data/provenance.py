"""Provenance: where a batch of observations came from, and the credit line to print.

Kept apart from :mod:`regionplan.data.series` (which needs numpy) so that the records of
attempts and the data sources' checks can name it without loading numpy.
"""

from __future__ import annotations

import datetime as dt

import attrs

__all__ = ["Provenance"]


@attrs.frozen
class Provenance:
    """Where a batch of observations came from, and the credit line to print.

    Attributes:
        source: name of the source plugin (``"csv"``, ``"ssb"``).
        table: the table or file it read (``"07459"``, ``"data/jobs.csv"``).
        query: the query as text (URL, column mapping), enough to repeat it.
        retrieved: when the data were read or fetched (UTC), if known.
        licence: the data's licence (``"CC BY 4.0"``).
        credit: the line to print with any figure (``"Kilde: Statistisk sentralbyrå, tabell 07459"``).
        publisher: who published the data.
        url: where a reader can find the table.
        notes: anything a reader should know (derived values, caveats).
    """

    source: str
    table: str = ""
    query: str = ""
    retrieved: dt.datetime | None = None
    licence: str = ""
    credit: str = ""
    publisher: str = ""
    url: str = ""
    notes: str = ""
