"""A regionplan plugin that adds units: households and dwellings.

With it, a plan can have metrics in ``household``, ``dwelling`` or
``person / household`` (persons per household), and ``households + persons`` is an
error when the plan loads, as ``jobs + persons`` is.

This file is the example of the how-to guide "Add a unit"; the documentation's
tests run it through ``make_plugin_manager``.
"""

from __future__ import annotations

from collections.abc import Callable

from regionplan import hookimpl

__all__ = ["regionplan_register_units"]


@hookimpl
def regionplan_register_units(register: Callable[[str], None]) -> None:
    # pint's syntax: name = definition = symbol = aliases...
    # "[household]" makes a new dimension: a household is not a person.
    register("household = [household] = households")
    register("dwelling = [dwelling] = dwellings = bolig = boliger")
