"""Stage 2 — the data: sources deliver observations, which become series for the plan's areas.

Sources (:mod:`~regionplan.data.sources`) fetch observations, :mod:`~regionplan.data.series`
holds them as one array with one unit, :mod:`~regionplan.data.areas` maps municipality codes
across reforms and aggregates members to regions, and :mod:`~regionplan.data.dataset` puts
it together for a plan, derived metrics included. Nothing here judges a target.
"""
