"""Rich display in Jupyter: ``Plan._repr_html_`` and ``Evaluation._repr_html_``.

Both return an HTML fragment (no ``<html>``, no script) with its own small, scoped
stylesheet, built from the same report model and templates as the ``html``
format, with plan text escaped. Charts are left out to keep notebooks light:
render the full report with ``regionplan.report.renderers.render(evaluation, "html")``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regionplan.plan.model import ElementKind

if TYPE_CHECKING:
    from regionplan.evaluation.evaluator import Evaluation
    from regionplan.plan.model import Plan

__all__ = ["evaluation_html", "plan_html"]


def _lang(plan: Plan) -> str:
    langs = plan.meta.languages
    return langs[0] if langs and langs[0] in {"nb", "en"} else "nb"


def plan_html(plan: Plan) -> str:
    """A plan at a glance: title, period, region, elements by kind and the goal hierarchy."""
    from regionplan.report.renderers.html import environment, words

    lang = _lang(plan)
    ids = {e.id for e in plan.elements}
    children: dict[str, list[str]] = {}
    for e in plan.elements:
        for parent in e.parents:
            if parent in ids:
                children.setdefault(parent, []).append(e.id)
    roots = [e.id for e in plan.elements if not any(p in ids for p in e.parents)]
    seen: set[str] = set()

    def grow(node: str, path: frozenset[str]) -> dict[str, object]:
        repeated = node in seen
        seen.add(node)
        kids = [] if repeated else [grow(c, path | {node}) for c in children.get(node, []) if c not in path]
        return {"id": node, "children": kids, "repeated": repeated}

    elements = {e.id: e for e in plan.elements}
    counts = [
        (kind.label.get(lang), len(plan.elements_of_kind(kind)))
        for kind in ElementKind
        if plan.elements_of_kind(kind)
    ]
    return (
        environment()
        .get_template("notebook_plan.html.j2")
        .render(
            plan=plan,
            lang=lang,
            w=words(lang),
            title=plan.meta.title.get(lang),
            region=plan.region.name.get(lang),
            members=[m.name.get(lang) for m in plan.region.municipalities],
            counts=counts,
            n_metrics=len(plan.metrics),
            n_targets=len(plan.targets),
            tree=[grow(r, frozenset()) for r in roots],
            elements={k: (e.kind.label.get(lang), e.title.get(lang)) for k, e in elements.items()},
        )
    )


def evaluation_html(evaluation: Evaluation) -> str:
    """An evaluation at a glance: the headline, counts per status and the table of targets."""
    from regionplan.report.build import build_report
    from regionplan.report.renderers.html import render_template

    report = build_report(evaluation, lang=_lang(evaluation.plan))
    return render_template("notebook_evaluation.html.j2", report, charts=False)
