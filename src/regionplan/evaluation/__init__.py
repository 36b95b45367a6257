"""Stage 3 — the evaluation: targets judged on the data, and goals judged by roll-up.

:func:`evaluate` returns an :class:`Evaluation`: a status per target and area
(:mod:`~regionplan.evaluation.status`, with :mod:`~regionplan.evaluation.projection`),
rolled up the goal graph (:mod:`~regionplan.evaluation.rollup`) and explained in words
(:mod:`~regionplan.evaluation.explain`). Nothing here knows how a report looks.
"""

from regionplan.evaluation.evaluator import Evaluation, GoalResult, Point, TargetResult, evaluate

__all__ = ["Evaluation", "GoalResult", "Point", "TargetResult", "evaluate"]
