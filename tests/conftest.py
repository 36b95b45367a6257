"""Shared fixtures and Hypothesis settings.

Hypothesis profiles: ``dev`` (the default, quick) and ``ci`` (more examples),
chosen with the environment variable ``HYPOTHESIS_PROFILE``.

The ``extensions`` fixture holds only the built-in plugins, so plugins installed
in the environment (entry points) cannot change what the core tests see.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import regionplan
from regionplan.data.sources import SourceContext
from regionplan.evaluation.evaluator import Evaluation
from regionplan.plan.model import Plan
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
EXAMPLE = TESTS.parent / "examples" / "gardermoregionen"
#: The date the example is evaluated at by the shared fixtures.
EXAMPLE_AS_OF = dt.date(2026, 11, 26)


@pytest.fixture(scope="session")
def extensions() -> Extensions:
    """The built-in plugins only: no entry points."""
    return Extensions.collect(make_plugin_manager(load_entrypoints=False))


@pytest.fixture(scope="session")
def example_plan() -> Plan:
    """The example plan, loaded once."""
    return regionplan.load_plan(EXAMPLE)


@pytest.fixture(scope="session")
def evaluate_example(
    example_plan: Plan, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., Evaluation]:
    """Evaluates the example offline from its bundled data (a cache folder of its own each
    time), at :data:`EXAMPLE_AS_OF`; keywords go to ``evaluate``."""

    def run(**kwargs: Any) -> Evaluation:
        context = SourceContext(base_dir=EXAMPLE, cache_dir=tmp_path_factory.mktemp("cache"), offline=True)
        return regionplan.evaluate(example_plan, as_of=EXAMPLE_AS_OF, context=context, **kwargs)

    return run


@pytest.fixture(scope="session")
def example_evaluation(evaluate_example: Callable[..., Evaluation]) -> Evaluation:
    """The example evaluated offline at :data:`EXAMPLE_AS_OF` (immutable: shared by the tests)."""
    return evaluate_example()
