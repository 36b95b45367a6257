"""Rich display in Jupyter: ``Plan._repr_html_`` and ``Evaluation._repr_html_``.

Both return an HTML fragment (no ``<html>``, no script) with its own small, scoped
stylesheet, built from the same report model and templates as the ``html``
format, with plan text escaped. Charts are left out to keep notebooks light:
render the full report with ``regionplan.report.renderers.render(evaluation, "html")``.

The language is, in this order: the one asked for (``evaluation.display(lang="en")``),
the default set with :func:`set_display_language`, the plan's first language (``nb``
when it has neither ``nb`` nor ``en``). The evaluation's table has a column with each
target's explanation in that language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from regionplan.plan.model import ElementKind

if TYPE_CHECKING:
    from regionplan.evaluation.evaluator import Evaluation
    from regionplan.plan.model import Plan

__all__ = [
    "LANGUAGES",
    "NotebookDisplay",
    "evaluation_display",
    "evaluation_html",
    "plan_html",
    "set_display_language",
]

#: The languages a display is written in.
LANGUAGES = ("nb", "en")
_default_lang: str | None = None


def set_display_language(lang: str | None) -> None:
    """Show plans and evaluations in ``lang`` from now on (``None``: each plan's first language).

    Raises:
        ValueError: ``lang`` is not one of :data:`LANGUAGES`.
    """
    global _default_lang
    _default_lang = _checked(lang) if lang is not None else None


def _checked(lang: str) -> str:
    if lang not in LANGUAGES:
        msg = f"no display in {lang!r}: choose one of {', '.join(LANGUAGES)}"
        raise ValueError(msg)
    return lang


def _lang(plan: Plan, lang: str | None = None) -> str:
    if lang is not None:
        return _checked(lang)
    if _default_lang is not None:
        return _default_lang
    langs = plan.meta.languages
    return langs[0] if langs and langs[0] in LANGUAGES else "nb"


class NotebookDisplay:
    """An HTML fragment that Jupyter shows as it is (``_repr_html_``)."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<NotebookDisplay: {len(self.html):,} characters of HTML>"


def plan_html(plan: Plan, lang: str | None = None) -> str:
    """A plan at a glance: title, period, region, elements by kind and the goal hierarchy."""
    from regionplan.report.renderers.html import environment, words

    lang = _lang(plan, lang)
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


def evaluation_html(evaluation: Evaluation, lang: str | None = None) -> str:
    """An evaluation at a glance: the headline, counts per status, the targets and why."""
    from regionplan.report.build import build_report
    from regionplan.report.renderers.html import render_template

    report = build_report(evaluation, lang=_lang(evaluation.plan, lang))
    return render_template("notebook_evaluation.html.j2", report, charts=False)


def evaluation_display(evaluation: Evaluation, lang: str | None = None) -> NotebookDisplay:
    """What ``Evaluation.display(lang)`` shows: :func:`evaluation_html` in ``lang``."""
    return NotebookDisplay(evaluation_html(evaluation, lang))
