"""Settings every test of the repository shares, the plugins' included."""

from __future__ import annotations

import os

# No answer about units may come from a run before (regionplan.plan.unitcache): the tests, and
# the processes they start, ask pint; the tests of the cache give it a folder of their own.
os.environ["REGIONPLAN_UNIT_CACHE"] = "off"
