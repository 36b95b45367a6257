"""Stage 3 — the evaluation: targets judged on the data, and goals judged by roll-up.

:func:`evaluate` returns an :class:`Evaluation`: a status per target and area
(:mod:`~regionplan.evaluation.status`, judged by :mod:`~regionplan.evaluation.status_policies`
with :mod:`~regionplan.evaluation.projection`),
rolled up the goal graph (:mod:`~regionplan.evaluation.rollup`) and explained in words
(:mod:`~regionplan.evaluation.explain`). Nothing here knows how a report looks.
"""

from regionplan.evaluation.evaluator import Evaluation, evaluate
from regionplan.evaluation.results import GoalResult, Point, TargetResult

__all__ = ["Evaluation", "GoalResult", "Point", "TargetResult", "evaluate"]
