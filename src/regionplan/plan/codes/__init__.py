"""Area codes across reforms: which municipality codes exist when, and what became of them.

Norwegian municipality codes change: in the 2020 and 2024 reforms municipalities
were merged, split and renumbered (Ullensaker was ``0235`` until 2019, ``3033`` in
2020–2023 and ``3209`` from 2024; Nes in Akershus ``0236`` is not Nes in Buskerud
``0616``). A plan lists each member's codes with their validity, and a series read
from a statistics table holds, for each period, the codes valid in that period.

* :class:`CodeChanges` (:mod:`~regionplan.plan.codes.changes`) holds change records
  (old code, new code, date, names; :mod:`~regionplan.plan.codes.records`), by
  default the bundled SSB KLASS 131 records (:meth:`CodeChanges.bundled`), and
  answers when a code was valid and what became of it.
* :class:`CodeResolver` (:mod:`~regionplan.plan.codes.resolution`) follows one code
  to the codes valid on a later date, with split weights.

**Which vintage a period is in.** A value is read as being in the codes valid on
the *last day* its period covers (:func:`vintage_date`): the population on
1 January 2020 is in 2020 codes, jobs in Q4 2019 in 2019 codes.

Mapping series to one vintage and aggregating member areas to a region are the data
layer's: :mod:`regionplan.data.areas`.
"""

from __future__ import annotations

from regionplan.plan.codes.changes import CodeChanges
from regionplan.plan.codes.records import AreaError, ChangeRecord, CodeValidity, Split, vintage_date
from regionplan.plan.codes.resolution import CodeResolver, Resolution

__all__ = [
    "AreaError",
    "ChangeRecord",
    "CodeChanges",
    "CodeResolver",
    "CodeValidity",
    "Resolution",
    "Split",
    "vintage_date",
]
