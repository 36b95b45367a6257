"""Area codes across reforms, and aggregation from member areas to a region.

Norwegian municipality codes change: in the 2020 and 2024 reforms municipalities
were merged, split and renumbered (Ullensaker was ``0235`` until 2019, ``3033`` in
2020–2023 and ``3209`` from 2024; Nes in Akershus ``0236`` is not Nes in Buskerud
``0616``). A series read from a statistics table holds, for each period, the codes
valid in that period. Before values of different years can be compared or summed
to a region, they must be brought to one *vintage*: the codes valid on one date.

* :class:`CodeChanges` holds change records (old code, new code, date, names), by
  default the bundled SSB KLASS 131 records (:meth:`CodeChanges.bundled`), and
  answers when a code was valid and what became of it. The records are the plan's
  vocabulary too, so they live in :mod:`regionplan.plan.codes`; their names are
  re-exported here.
* :class:`CodeMapping` (from :meth:`CodeChanges.mapping`) maps a :class:`Series`
  of any earlier vintages to the vintage valid on one date, with a report
  (:class:`MappedSeries`): :mod:`~regionplan.data.areas.mapping`, whose docstring
  gives the rule.
* :func:`aggregate` combines member areas into regions by an explicit
  :class:`Aggregation` rule, with coverage per region and period:
  :mod:`~regionplan.data.areas.aggregation`.

**Which vintage a period is in.** A value is read as being in the codes valid on
the *last day* its period covers (:func:`vintage_date`): the population on
1 January 2020 is in 2020 codes, jobs in Q4 2019 in 2019 codes.
"""

from __future__ import annotations

from regionplan.data.areas.aggregation import Aggregated, Aggregation, aggregate
from regionplan.data.areas.mapping import CodeLink, CodeMapping, MappedSeries
from regionplan.plan.codes import (
    AreaError,
    ChangeRecord,
    CodeChanges,
    CodeResolver,
    CodeValidity,
    Resolution,
    Split,
    vintage_date,
)

__all__ = [
    "Aggregated",
    "Aggregation",
    "AreaError",
    "ChangeRecord",
    "CodeChanges",
    "CodeLink",
    "CodeMapping",
    "CodeResolver",
    "CodeValidity",
    "MappedSeries",
    "Resolution",
    "Split",
    "aggregate",
    "vintage_date",
]
