"""Shared fixtures and Hypothesis settings.

Hypothesis profiles: ``dev`` (the default, quick) and ``ci`` (more examples),
chosen with the environment variable ``HYPOTHESIS_PROFILE``.

The ``extensions`` fixture holds only the built-in plugins, so plugins installed
in the environment (entry points) cannot change what the core tests see.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from regionplan.plugins import Extensions, make_plugin_manager

settings.register_profile(
    "dev",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",  # for a long local search: HYPOTHESIS_PROFILE=thorough python -m pytest tests
    max_examples=2_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# No answer about units may come from a run before (regionplan.plan.unitcache): the tests, and
# the processes they start, ask pint; the tests of the cache give it a folder of their own.
os.environ["REGIONPLAN_UNIT_CACHE"] = "off"

TESTS = Path(__file__).parent
DATA = TESTS / "data"
PLANS = DATA / "plans"


@pytest.fixture(scope="session")
def extensions() -> Extensions:
    """The built-in plugins only: no entry points."""
    return Extensions.collect(make_plugin_manager(load_entrypoints=False))
