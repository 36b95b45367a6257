"""Stage 3 — the evaluation: targets judged on the data, and goals judged by roll-up.

:func:`evaluate` returns an :class:`Evaluation`: a status per target and area
(:mod:`~regionplan.evaluation.status`, judged by :mod:`~regionplan.evaluation.status_policies`
with :mod:`~regionplan.evaluation.projection`),
rolled up the goal graph (:mod:`~regionplan.evaluation.rollup`) and explained in words
(:mod:`~regionplan.evaluation.explain`). Nothing here knows how a report looks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regionplan.defaults import lazy_attributes as _lazy_attributes

if TYPE_CHECKING:
    from regionplan.evaluation.evaluator import Evaluation, evaluate
    from regionplan.evaluation.results import GoalResult, Point, TargetResult

__all__ = ["Evaluation", "GoalResult", "Point", "TargetResult", "evaluate"]

# Imported on first use: the built-in plugins in this package (projections, status policies)
# are loaded by every command, `regionplan validate` too, which needs no evaluator.
_LAZY = {
    "Evaluation": "regionplan.evaluation.evaluator",
    "evaluate": "regionplan.evaluation.evaluator",
    "GoalResult": "regionplan.evaluation.results",
    "Point": "regionplan.evaluation.results",
    "TargetResult": "regionplan.evaluation.results",
}


__getattr__, __dir__ = _lazy_attributes(globals(), _LAZY)
