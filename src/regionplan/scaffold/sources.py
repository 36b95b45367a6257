"""The data sources of a new plan: what the template read that still fits the new members.

A template's local files (a ``csv`` or ``excel`` source's ``path``) hold the template region's
figures. In a new plan, metrics that Statistics Norway also publishes in regionplan's bundled
copy read SSB, then that copy (:func:`bundled_fallbacks`); a local file is kept only where it
has rows for every new member (:func:`drop_uncovering_files`), else it is left out and the
plan's ``ADAPT.md`` says so. A metric left with no source at all is dropped.
"""

from __future__ import annotations

import csv
import glob
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from regionplan.scaffold.members import Member

__all__ = [
    "SourceChange",
    "bundled_fallbacks",
    "drop_uncovering_files",
    "files_read",
    "plan_sources",
    "sources_of",
]


def sources_of(metric: Any) -> list[Any]:
    """A metric's sources as a list (one source may be written without one)."""
    source = metric.get("source") if isinstance(metric, dict) else None
    if source is None:
        return []
    return source if isinstance(source, list) else [source]


def bundled_fallbacks(metrics: list[Any]) -> None:
    """Metrics SSB also publishes in regionplan's bundled copy (population, jobs) read SSB, then
    that copy, which covers every municipality, instead of the old region's files."""
    from regionplan.data.sources.bundled import bundled_query_for

    for metric in metrics:
        sources = metric.get("source") if isinstance(metric, dict) else None
        if not isinstance(sources, list):
            continue
        live = [s for s in sources if isinstance(s, dict) and s.get("name") == "ssb"]
        copy = next((q for s in live if (q := bundled_query_for(s)) is not None), None)
        if copy is None:
            continue
        for i in reversed(range(len(sources))):  # in place, so comments stay
            if isinstance(sources[i], dict) and ("path" in sources[i] or sources[i].get("name") == "bundled"):
                del sources[i]
        sources.append({"name": "bundled", **copy})


def _paths(source: Any, base: Path) -> Iterator[Path]:
    """The files a source reads (``path``: a file, a glob or a list of them), relative to ``base``."""
    given = source.get("path") if isinstance(source, dict) else None
    for pattern in [given] if isinstance(given, str) else list(given or ()):
        found = sorted(glob.glob(str(base / str(pattern)))) if glob.has_magic(str(pattern)) else []
        yield from (Path(p) for p in found) if found else [base / str(pattern)]


def _areas(source: dict[str, Any], path: Path) -> set[str] | None:
    """The area codes in a csv source's file, or None when they cannot be read here."""
    column = (source.get("columns") or {}).get("area")
    if source.get("name") != "csv" or not isinstance(column, str) or not path.is_file():
        return None
    try:
        with path.open(encoding=str(source.get("encoding") or "utf-8-sig"), newline="") as f:
            rows = csv.DictReader(f, delimiter=str(source.get("delimiter") or ","))
            return {str(row.get(column) or "").strip() for row in rows}
    except (OSError, UnicodeError, csv.Error):
        return None


def drop_uncovering_files(
    metrics: list[Any], base: Path, members: Sequence[Member]
) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """Take out every file source without rows for each of ``members``, in place.

    Returns:
        ``(metric, file, why)`` for each source taken out, and the metrics left with no source
        (id -> why).
    """
    removed: list[tuple[str, str, str]] = []
    sourceless: dict[str, str] = {}
    for metric in metrics:
        if not isinstance(metric, dict) or "source" not in metric:
            continue
        sources = sources_of(metric)
        keep = []
        for source in sources:
            paths = list(_paths(source, base))
            if not paths:
                keep.append(source)
                continue
            found = [_areas(source, p) for p in paths]
            codes = set().union(*(a for a in found if a is not None))
            missing = [m.name for m in members if not any(c in codes for c, _, _ in m.codes)]
            if all(a is not None for a in found) and not missing:
                keep.append(source)
                continue
            shown = ", ".join(str(p.relative_to(base)) if p.is_relative_to(base) else str(p) for p in paths)
            why = (
                f"it has no rows for {', '.join(missing)}"
                if all(a is not None for a in found)
                else "its rows could not be checked against the new members"
            )
            removed.append((str(metric.get("id")), shown, why))
        if len(keep) == len(sources):
            continue
        if isinstance(metric["source"], list):
            for i in reversed(range(len(sources))):
                if not any(sources[i] is k for k in keep):
                    del metric["source"][i]
        else:
            del metric["source"]
        if not keep:
            sourceless[str(metric.get("id"))] = "its only sources were files of the template region"
    return removed, sourceless


def files_read(metrics: list[Any], base: Path) -> set[Path]:
    """The files the metrics' sources read."""
    return {p for metric in metrics for source in sources_of(metric) for p in _paths(source, base)}


@attrs.define
class SourceChange:
    """How a metric's source list changes: entries taken out, entries added at its end.

    Attributes:
        removed: the places in the template's list of the entries taken out.
        added: the entries added.
        note: the change in words, for ``ADAPT.md``.
        done: made in the text already (pass 2), so pass 3 leaves it.
    """

    removed: list[int] = attrs.field(factory=list)
    added: list[dict[str, Any]] = attrs.field(factory=list)
    note: str = ""
    done: bool = False


def _shown(source: Any) -> str:
    """A source in a few words: ``csv `data/x.csv```, ``ssb 07459``, ``bundled jobs``."""
    if not isinstance(source, dict):
        return "?"
    what = source.get("path") or source.get("table") or source.get("dataset") or ""
    what = f"`{what}`" if "path" in source else str(what)
    column = f"/{source['column']}" if source.get("column") else ""
    return f"{source.get('name', '?')} {what}{column}".strip()


def plan_sources(
    metrics: list[Any], base: Path, members: Sequence[Member]
) -> tuple[dict[str, SourceChange], dict[str, str]]:
    """Decide each metric's sources in a new plan (``metrics`` are left as they are).

    Returns:
        The change of each metric whose sources change, and the metrics left without a
        source (id -> why).
    """
    # the decisions change lists and fields: make them on copies of those
    metrics = [
        {**m, "source": list(m["source"]) if isinstance(m.get("source"), list) else m.get("source")}
        for m in metrics
        if isinstance(m, dict)
    ]
    before = {id(m): list(sources_of(m)) for m in metrics}
    bundled_fallbacks(metrics)
    removed, sourceless = drop_uncovering_files(metrics, base, members)
    why = {metric: f"{file}: {reason}" for metric, file, reason in removed}
    changes: dict[str, SourceChange] = {}
    for metric in metrics:
        old, new = before.get(id(metric), []), sources_of(metric)
        change = SourceChange(
            [i for i, e in enumerate(old) if not any(e is n for n in new)],
            [n for n in new if not any(n is e for e in old)],
        )
        for entry in list(change.added):  # taken out and put back as it was: left where it is
            same = next((i for i in change.removed if dict(old[i]) == dict(entry)), None)
            if same is not None:
                change.removed.remove(same)
                change.added.remove(entry)
        if not (change.removed or change.added):
            continue
        mid = str(metric.get("id"))
        gone = ", ".join(_shown(old[i]) for i in change.removed)
        change.note = f"reads {', '.join(_shown(s) for s in new)}" if new else "reads nothing"
        change.note += f"; left out: {gone}" if gone else ""
        change.note += f" ({why[mid]})" if mid in why else ""
        changes[mid] = change
    return changes, sourceless
