"""Stage 1 — the plan: plan files read into the model and its goal graph.

Plan files (:mod:`~regionplan.plan.files`, composed by :mod:`~regionplan.plan.nodes` and turned
into objects by :mod:`~regionplan.plan.schema`) become a :class:`~regionplan.plan.model.Plan`;
:mod:`~regionplan.plan.validation` checks it and :mod:`~regionplan.plan.graph` holds its goal
graph. The plan's own vocabulary lives here too: periods, units, derived-metric expressions,
municipality code histories and the SDG list. Nothing here reads data or judges targets.
"""
