"""regionplan-ssb: a regionplan data source for Statistics Norway (SSB).

Installing this package adds the ``ssb`` source: a plan names an SSB table and a
``ContentsCode``, and the source fetches the figures from SSB's PxWebApi v2 as
JSON-stat, one download per table for every metric the plan takes from it,
caching each response on disk::

    source:
      name: ssb
      table: "07459"
      contents: Personer1
      region: {codelist: agg_KommSummer}

See :class:`regionplan_ssb.source.SsbSource` for the options,
:mod:`regionplan_ssb.query` for the query and :mod:`regionplan_ssb.planning`
for how queries become requests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from regionplan import hookimpl
from regionplan_ssb.source import SsbSource

__all__ = ["SsbSource", "regionplan_register_sources"]

__version__ = "0.1.0"


@hookimpl
def regionplan_register_sources(register: Callable[..., Any]) -> None:
    register("ssb", SsbSource)
