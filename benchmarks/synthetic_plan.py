"""Synthetic plan folders of a given size, written by code (no real plan is copied).

A plan of ``n`` items has the mix of a large regional plan: one vision, main goals,
sub-goals, focus areas, actions (the action programme) with projects under them,
responsible actors, SDG links, metrics read from sources or derived from others,
and targets of every kind. ``n`` counts every entry of the ``actors``, ``elements``,
``metrics`` and ``targets`` lists. The region is Gardermoregionen with its real
municipality codes through the 2020 and 2024 reforms, so the plan validates
without errors. Files are split as a real plan folder is: ``plan.yaml`` includes
``region.yaml``, ``actors.yaml``, ``goals.yaml``, ``actions-1.yaml``... (at most
:data:`FILE_CHUNK` actions and projects each), ``metrics.yaml`` and ``targets.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["DATA_YEARS", "MIX", "counts", "synthetic_data", "write_plan"]

#: Share of the items of each kind.
MIX = {
    "main_goal": 0.01,
    "sub_goal": 0.05,
    "focus_area": 0.04,
    "action": 0.20,
    "project": 0.40,
    "actor": 0.03,
    "metric": 0.07,
    "target": 0.20,
}

#: Actions and projects per file. A large plan is split over files, and must be:
#: ``load_yaml`` refuses a file of more than 200,000 YAML nodes (its guard against
#: alias bombs), which one file of ~12,000 elements exceeds.
FILE_CHUNK = 2_000

_SDG = ("8.5", "9.1", "11.2", "4.4", "13.2", "17.17", "8", "11", "3.4", "7.2")
_BASE_UNITS = (("person", "population"), ("job", "jobs"), ("enterprise", "enterprises"), ("NOK", "income"))

_REGION = """region:
  id: gardermoregionen
  name: {nb: Gardermoregionen, en: The Gardermoen region}
  county: Akershus
  municipalities:
"""
_MUNICIPALITIES = (
    ("ullensaker", "Ullensaker", ("0235", "3033", "3209")),
    ("nes", "Nes", ("0236", "3034", "3228")),
    ("eidsvoll", "Eidsvoll", ("0237", "3035", "3240")),
    ("nannestad", "Nannestad", ("0238", "3036", "3238")),
    ("hurdal", "Hurdal", ("0239", "3037", "3242")),
    ("gjerdrum", "Gjerdrum", ("0234", "3032", "3230")),
)


def counts(n: int) -> dict[str, int]:
    """How many items of each kind a plan of ``n`` items has (the vision included)."""
    out = {kind: max(1, round(n * share)) for kind, share in MIX.items()}
    out["vision"] = 1
    out["project"] += n - sum(out.values())  # the rest, so the total is exactly n
    return out


def _region() -> str:
    lines = [_REGION]
    for mid, name, (old, mid_code, new) in _MUNICIPALITIES:
        lines.append(
            f"    - id: {mid}\n"
            f"      name: {name}\n"
            f"      codes:\n"
            f'        - {{code: "{old}", until: 2019-12-31}}\n'
            f'        - {{code: "{mid_code}", from: 2020-01-01, until: 2023-12-31}}\n'
            f'        - {{code: "{new}", from: 2024-01-01}}\n'
        )
    return "".join(lines)


def write_plan(folder: Path, n: int) -> dict[str, int]:
    """Write a synthetic plan of ``n`` items into ``folder``; return the counts by kind."""
    c = counts(n)
    folder.mkdir(parents=True, exist_ok=True)
    files = ["region.yaml", "actors.yaml", "goals.yaml"]
    plan_head = (
        "regionplan: 1\n"
        "plan:\n"
        f"  id: synthetic-{n}\n"
        f"  title: {{nb: Syntetisk regional plan ({n} elementer), en: Synthetic regional plan ({n} items)}}\n"
        "  period: {start: 2021, end: 2030}\n"
        "  status: adopted\n"
        "  version: '1.0'\n"
        "  owner: Gardermoregionen regional council\n"
    )
    (folder / "region.yaml").write_text(_region(), encoding="utf-8")

    actors = [f"actor-{i}" for i in range(c["actor"])]
    out = ["actors:\n"]
    for i, a in enumerate(actors):
        m = _MUNICIPALITIES[i % len(_MUNICIPALITIES)]
        kind = ("municipality", "business", "county", "research", "ngo")[i % 5]
        extra = f"\n    municipality: {m[0]}" if kind == "municipality" else ""
        out.append(f"  - id: {a}\n    name: {{nb: Aktør {i}, en: Actor {i}}}\n    kind: {kind}{extra}\n")
    (folder / "actors.yaml").write_text("".join(out), encoding="utf-8")

    main = [f"main-{i}" for i in range(c["main_goal"])]
    subs = [f"sub-{i}" for i in range(c["sub_goal"])]
    areas = [f"area-{i}" for i in range(c["focus_area"])]
    out = ["elements:\n", "  - id: vision\n    kind: vision\n    title: {nb: Visjon, en: Vision}\n"]
    for i, e in enumerate(main):
        out.append(
            f"  - id: {e}\n    kind: main_goal\n    number: '{i + 1}'\n"
            f"    title: {{nb: Hovedmål {i}, en: Main goal {i}}}\n"
            f"    description: Regionen skal vokse bærekraftig, del {i}.\n"
            f"    contributes_to: [vision]\n    sdg: ['{_SDG[i % len(_SDG)]}']\n"
        )
    for i, e in enumerate(subs):
        out.append(
            f"  - id: {e}\n    kind: sub_goal\n    number: '{i % len(main) + 1}.{i + 1}'\n"
            f"    title: {{nb: Delmål {i}, en: Sub-goal {i}}}\n"
            f"    contributes_to: [{main[i % len(main)]}]\n"
            f"    sdg: ['{_SDG[i % len(_SDG)]}', '{_SDG[(i + 3) % len(_SDG)]}']\n"
            f"    aligned_with: [regional planning strategy]\n"
        )
    for i, e in enumerate(areas):
        parent = subs[i % len(subs)]
        second = subs[(i + 1) % len(subs)]
        out.append(
            f"  - id: {e}\n    kind: focus_area\n    title: {{nb: Satsingsområde {i}, en: Focus area {i}}}\n"
            f"    contributes_to:\n      - {parent}\n      - {{id: {second}, weight: 0.5}}\n"
        )
    (folder / "goals.yaml").write_text("".join(out), encoding="utf-8")

    actions = [f"action-{i}" for i in range(c["action"])]
    entries = []
    for i, e in enumerate(actions):
        owner = actors[i % len(actors)]
        partner = actors[(i + 7) % len(actors)]
        entries.append(
            f"  - id: {e}\n    kind: action\n    number: 'T{i + 1}'\n"
            f"    title: {{nb: Tiltak {i}, en: Action {i}}}\n"
            f"    contributes_to: [{areas[i % len(areas)]}]\n"
            f"    responsible:\n      - {owner}\n      - {{actor: {partner}, role: contributor}}\n"
            f"    timing: 202{i % 4 + 2}-202{i % 4 + 5}\n"
        )
    for i in range(c["project"]):
        parent = actions[i % len(actions)]
        responsible = f"\n    responsible: [{actors[(i + 3) % len(actors)]}]" if i % 3 else ""
        entries.append(
            f"  - id: project-{i}\n    kind: project\n    title: {{nb: Prosjekt {i}, en: Project {i}}}\n"
            f"    contributes_to: [{parent}]{responsible}\n"
            f"    sdg: ['{_SDG[(i + 5) % len(_SDG)]}']\n"
        )
    for k in range(0, len(entries), FILE_CHUNK):
        name = f"actions-{k // FILE_CHUNK + 1}.yaml"
        (folder / name).write_text("elements:\n" + "".join(entries[k : k + FILE_CHUNK]), encoding="utf-8")
        files.append(name)

    n_metrics = c["metric"]
    n_base = max(2, (n_metrics * 3) // 5)
    base = [f"m{i}_{_BASE_UNITS[i % len(_BASE_UNITS)][1]}" for i in range(n_base)]
    units = {m: _BASE_UNITS[i % len(_BASE_UNITS)][0] for i, m in enumerate(base)}
    out = ["metrics:\n"]
    for i, m in enumerate(base):
        period = "1 January" if units[m] == "person" else "Q4"
        out.append(
            f"  - id: {m}\n    title: {{nb: Indikator {i}, en: Indicator {i}}}\n    unit: {units[m]}\n"
            f"    direction: {'increase' if i % 5 else 'decrease'}\n    period: {period}\n"
            f"    publication_lag_months: {2 if period == '1 January' else 12}\n"
            f"    source:\n      name: csv\n      path: data/{m}.csv\n"
            f"      columns: {{area: code, period: year, value: value}}\n"
        )
    derived = []
    for i in range(n_metrics - n_base):
        num, den = base[i % n_base], base[(i + 1) % n_base]
        mid = f"d{i}_{num}_per_{den}"
        derived.append(mid)
        out.append(
            f"  - id: {mid}\n    title: {{nb: Forholdstall {i}, en: Ratio {i}}}\n"
            f"    unit: {units[num]} / {units[den]}\n    direction: increase\n"
            f"    derived: {num} / {den}\n"
        )
    (folder / "metrics.yaml").write_text("".join(out), encoding="utf-8")
    files.append("metrics.yaml")

    metrics = base + derived
    goals = main + subs
    out = ["targets:\n"]
    for i in range(c["target"]):
        m = metrics[i % len(metrics)]
        head = f"  - id: target-{i}\n    element: {goals[i % len(goals)]}\n    metric: {m}\n"
        kind = i % 6
        if kind == 0:
            body = "    kind: level\n    value: 1500\n    deadline: '2030'\n    baseline: '2015'\n"
        elif kind == 1:
            body = "    kind: change\n    change: 10\n    relative: true\n    baseline: '2021'\n    deadline: '2030'\n"
        elif kind == 2:
            body = (
                "    kind: annual_trend\n    every_year: true\n    baseline: '2019'\n    deadline: '2030'\n"
            )
        elif kind == 3:
            other = base[(i + 1) % n_base]
            other = other if other != m else base[(i + 2) % n_base]
            body = f"    kind: growth_vs\n    other: {other}\n    baseline: '2019'\n"
        elif kind == 4:
            body = "    kind: recovery\n    baseline: '2019'\n    shock: '2020'\n    deadline: '2026'\n"
        else:
            body = "    kind: level\n    value: 2000\n    deadline: '2030'\n    policy: open_sdg\n    baseline: '2015'\n"
        out.append(head + body)
    (folder / "targets.yaml").write_text("".join(out), encoding="utf-8")
    files.append("targets.yaml")
    (folder / "plan.yaml").write_text(
        plan_head + "include:\n" + "".join(f"  - {f}\n" for f in files), encoding="utf-8"
    )
    return c


#: Years of synthetic data: from before every baseline of the synthetic targets to the latest.
DATA_YEARS = tuple(range(2010, 2025))


def synthetic_data(plan: Any, *, seed: int = 0) -> dict[str, Any]:
    """Synthetic raw series (random walks, generated here) for every metric of ``plan``
    read from a source, in the region's 2024 municipality codes; derived metrics are
    computed from them by ``build_dataset``."""
    import numpy as np

    from regionplan.data.series import Observations, Provenance, Series

    rng = np.random.default_rng(seed)
    codes = [c for _, _, (_, _, c) in _MUNICIPALITIES]
    provenance = Provenance("synthetic", credit="synthetic benchmark data")
    areas = [c for c in codes for _ in DATA_YEARS]
    labels = [str(y) for _ in codes for y in DATA_YEARS]
    raw: dict[str, Any] = {}
    for metric in plan.metrics:
        if metric.derived:
            continue
        start = rng.uniform(1_000, 50_000, size=len(codes))
        steps = rng.normal(0.01, 0.02, size=(len(codes), len(DATA_YEARS)))
        values = (start[:, None] * np.cumprod(1 + steps, axis=1)).round().ravel()
        batch = Observations(areas, labels, values, metric.unit, provenance)
        raw[metric.id] = Series.from_observations([batch], unit=metric.unit, period_spec=metric.period)
    return raw
