"""Writing a plan back as a plan file (``to_document``, ``dump_yaml``).

``load_plan`` of what :func:`dump_yaml` writes gives back an equal plan.
"""

from __future__ import annotations

from typing import Any

from regionplan.plan.model import Label, Metric, Plan, Target
from regionplan.plan.periods import PeriodKind
from regionplan.plan.schema import FORMAT_VERSION

__all__ = ["dump_yaml", "to_document"]


def _label_data(label: Label) -> Any:
    texts = label.as_dict()
    return texts


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", (), [], {})}


def to_document(plan: Plan) -> dict[str, Any]:
    """The plan as plain data in the plan-file schema (one document holding every section).

    ``load_plan`` of this document, written as YAML, gives back an equal plan.
    """
    meta = plan.meta
    doc: dict[str, Any] = {"regionplan": FORMAT_VERSION}
    doc["plan"] = _drop_empty(
        {
            "id": meta.id,
            "title": _label_data(meta.title),
            "period": {"start": meta.period_start, "end": meta.period_end},
            "status": meta.status.value,
            "version": meta.version,
            "languages": list(meta.languages),
            "owner": meta.owner,
            "adopted": meta.adopted.isoformat() if meta.adopted else None,
            "reporting_day": meta.reporting_day or None,
            "description": _label_data(meta.description),
            "source_document": meta.source_document,
            "allow_paths": list(meta.allow_paths),
            "comparators": [
                _drop_empty(
                    {
                        "id": c.id,
                        "kind": c.kind,
                        "name": _label_data(c.name),
                        "code": c.codes[0] if c.kind == "county" and c.codes else None,
                        "municipalities": list(c.codes) if c.kind == "region" else None,
                    }
                )
                for c in meta.comparators
            ],
        }
    )
    region = plan.region
    doc["region"] = _drop_empty(
        {
            "id": region.id,
            "name": _label_data(region.name),
            "county": _label_data(region.county),
            "description": _label_data(region.description),
            "municipalities": [
                {
                    "id": m.id,
                    "name": _label_data(m.name),
                    "codes": [
                        _drop_empty(
                            {
                                "code": c.code,
                                "from": c.valid_from.isoformat() if c.valid_from else None,
                                "until": c.valid_until.isoformat() if c.valid_until else None,
                            }
                        )
                        for c in m.codes
                    ],
                }
                for m in region.municipalities
            ],
        }
    )
    doc["actors"] = [
        _drop_empty(
            {
                "id": a.id,
                "name": _label_data(a.name),
                "kind": a.kind,
                "municipality": a.municipality,
                "description": _label_data(a.description),
            }
        )
        for a in plan.actors
    ]
    doc["elements"] = [
        _drop_empty(
            {
                "id": e.id,
                "kind": e.kind.value,
                "title": _label_data(e.title),
                "description": _label_data(e.description),
                "contributes_to": [{"id": c.parent, "weight": c.weight} for c in e.contributes_to],
                "responsible": [{"actor": r.actor, "role": r.role.value} for r in e.responsible],
                "sdg": list(e.sdg),
                "aligned_with": list(e.aligned_with),
                "timing": e.timing,
                "number": e.number,
                "notes": [_label_data(n) for n in e.notes],
            }
        )
        for e in plan.elements
    ]
    doc["metrics"] = [_metric_data(m) for m in plan.metrics]
    doc["targets"] = [_target_data(t) for t in plan.targets]
    return _drop_empty(doc)


def _metric_data(m: Metric) -> dict[str, Any]:
    spec = m.period
    period: dict[str, Any] = {"kind": spec.kind.value}
    if spec.kind is PeriodKind.QUARTER:
        period["quarter"] = spec.quarter
    elif spec.kind is PeriodKind.MONTH:
        period["month"] = spec.month
    elif spec.kind is PeriodKind.INSTANT:
        period.update(month=spec.month, day=spec.day)
    return _drop_empty(
        {
            "id": m.id,
            "title": _label_data(m.title),
            "unit": m.unit,
            "direction": m.direction.value,
            "aggregation": m.aggregation,
            "weight": m.weight,
            "source": [{"name": s.name, **s.query} for s in m.sources],
            "derived": m.derived,
            "period": period,
            "publication_lag_months": m.publication_lag_months,
            "description": _label_data(m.description),
            "decimals": m.decimals,
            "projection_min_points": m.projection_min_points if m.projection_min_points != 5 else None,
        }
    )


def _target_data(t: Target) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": t.id,
        "element": t.element,
        "metric": t.metric,
        "kind": t.kind.value,
        "title": _label_data(t.title),
        "value": t.value,
        "unit": t.value_unit,
        "change": t.change,
        "baseline": t.baseline,
        "deadline": t.deadline,
        "shock": t.shock,
        "other": t.other,
        "area": t.area,
    }
    if t.relative:
        data["relative"] = True
    if t.every_year:
        data["every_year"] = True
    if t.tolerance:
        data["tolerance"] = t.tolerance
    if t.weight != 1.0:
        data["weight"] = t.weight
    if t.projection != "linear":
        data["projection"] = t.projection
    if t.policy != "default":
        data["policy"] = t.policy
    if t.baseline_window != 3:
        data["baseline_window"] = t.baseline_window
    return _drop_empty(data)


def dump_yaml(plan: Plan) -> str:
    """The plan as one YAML plan file (every value that must stay text is quoted)."""
    import yaml

    # The safe writer quotes every text a YAML reader could take for something else
    # ('0235', 'NO', 'on'), so the file reads back the same in any YAML tool.
    text: str = yaml.safe_dump(to_document(plan), allow_unicode=True, sort_keys=False, width=110)
    return text
