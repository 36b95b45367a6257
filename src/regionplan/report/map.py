"""The map of a region's members, drawn offline from bundled boundaries.

The boundaries are Kartverket's municipalities of 2024, simplified and bundled with their
provenance (``regionplan/_resources/geo/``; credit :data:`~regionplan.report.member.MAP_CREDIT`).
A member's code reaches its 2024 polygons through the KLASS change records
(:meth:`~regionplan.plan.codes.CodeChanges.successors`), so a plan whose members carry older
codes draws too. :func:`map_svg` draws a :class:`~regionplan.report.member.MapView` with
matplotlib as an inline ``<svg>``: members filled by status (or by value), their neighbours
in grey, every member named with its status symbol.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import html
import io
import json
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import numpy as np

from regionplan.plan.codes import CodeChanges
from regionplan.report.member import AreaFigure, MapView

__all__ = ["BOUNDARY_DATE", "MAP_FILLS", "boundaries", "boundary_codes", "map_svg"]

#: The day the bundled boundaries' codes are valid on.
BOUNDARY_DATE = dt.date(2024, 1, 1)
_FILE = "geo/kommuner_2024.geojson.gz"

#: Fill per status (light enough for black text on it); the symbol tells statuses apart too.
MAP_FILLS: dict[str, str] = {
    "achieved": "#7fbf7b",
    "on_track": "#d9f0d3",
    "off_track": "#f4a582",
    "insufficient_data": "#e0e0e0",
}
_NONE = "#ffffff"
_NEIGHBOUR = "#f2f2f2"
_VALUE_LOW, _VALUE_HIGH = np.array([0xDE, 0xEB, 0xF7]), np.array([0x42, 0x92, 0xC6])

Ring = np.ndarray
Polygons = tuple[tuple[Ring, ...], ...]


@functools.cache
def boundaries() -> Mapping[str, Polygons]:
    """The bundled 2024 municipality boundaries: code -> polygons (exterior ring, then holes)."""
    raw = resources.files("regionplan._resources").joinpath(_FILE).read_bytes()
    data = json.loads(gzip.decompress(raw))
    out: dict[str, Polygons] = {}
    for feature in data["features"]:
        code = feature["properties"]["kommunenummer"]
        out[code] = tuple(
            tuple(np.asarray(ring, dtype=float) for ring in polygon)
            for polygon in feature["geometry"]["coordinates"]
        )
    return out


def boundary_codes(code: str, changes: CodeChanges | None = None) -> tuple[str, ...]:
    """The 2024 codes whose polygons make up ``code``'s area (``()`` when none is bundled)."""
    known = boundaries()
    if code in known:
        return (code,)
    found = (changes or CodeChanges.bundled()).successors(code, BOUNDARY_DATE)
    return tuple(c for c in found if c in known)


def _area(ring: Ring) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2


def _path(polygons: Polygons, scale: float) -> Any:
    """One compound path: exteriors counter-clockwise, holes clockwise (nonzero fill)."""
    from matplotlib.path import Path

    parts = []
    for polygon in polygons:
        for i, ring in enumerate(polygon):
            xy = ring * (scale, 1.0)
            if not np.array_equal(xy[0], xy[-1]):  # a closed path ignores its last vertex
                xy = np.vstack([xy, xy[:1]])
            clockwise = _area(xy) < 0
            if clockwise == (i == 0):
                xy = xy[::-1]
            parts.append(Path(xy, closed=True))
    return Path.make_compound_path(*parts)


def _anchor(polygons: Polygons, scale: float) -> tuple[float, float]:
    """Where a member's name goes: the middle of its largest polygon's exterior."""
    ring = max((p[0] for p in polygons), key=lambda r: abs(_area(r)))
    x0, y0 = ring[:, 0].min(), ring[:, 1].min()
    x1, y1 = ring[:, 0].max(), ring[:, 1].max()
    return float((x0 + x1) / 2 * scale), float((y0 + y1) / 2)


def _clip(polygons: Polygons, box: tuple[float, float, float, float]) -> Polygons:
    """``polygons`` cut to the box (Sutherland–Hodgman per ring), so nothing is drawn outside it."""
    x0, x1, y0, y1 = box
    edges = ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False))
    out = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            pts = ring
            for axis, limit, above in edges:
                if len(pts) < 3:
                    break
                nxt = np.roll(pts, -1, axis=0)
                inside = pts[:, axis] >= limit if above else pts[:, axis] <= limit
                kept = []
                for p, q, a, b in zip(pts, nxt, inside, np.roll(inside, -1), strict=True):
                    if a:
                        kept.append(p)
                    if a != b:
                        kept.append(p + (q - p) * ((limit - p[axis]) / (q[axis] - p[axis])))
                pts = np.asarray(kept, dtype=float).reshape(-1, 2)
            if len(pts) >= 3:
                rings.append(pts)
            elif not rings:
                break
        if rings:
            out.append(tuple(rings))
    return tuple(out)


def value_fill(value: float | None, low: float, high: float) -> str:
    """A blue from light (lowest) to dark (highest); white without a value."""
    if value is None:
        return _NONE
    share = 0.5 if high <= low else (value - low) / (high - low)
    rgb = _VALUE_LOW + (_VALUE_HIGH - _VALUE_LOW) * min(max(share, 0.0), 1.0)
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


def _fill(view: MapView, f: AreaFigure, values: Sequence[float]) -> str:
    if view.by == "value":
        return value_fill(f.value, min(values, default=0.0), max(values, default=0.0))
    return MAP_FILLS.get(f.status.value, _NONE) if f.status else _NONE


def _mpl_text(text: str) -> str:
    return text.replace("$", r"\$")


def map_svg(view: MapView, *, element_id: str, title: str) -> str | None:
    """The map as an inline ``<svg>`` (``None`` when no member has a bundled boundary).

    Args:
        view: what the map shows.
        element_id: a document-unique id; the SVG's ``<title>`` gets ``{element_id}-title``.
        title: the map's text alternative.
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch

    known = boundaries()
    members = [(f, tuple(p for c in boundary_codes(f.code) for p in known[c])) for f in view.members]
    members = [(f, polys) for f, polys in members if polys]
    if not members:
        return None
    points = np.vstack([p[0] for _, polys in members for p in polys])
    (lon0, lat0), (lon1, lat1) = points.min(axis=0), points.max(axis=0)
    scale = float(np.cos(np.radians((lat0 + lat1) / 2)))
    pad_x, pad_y = (lon1 - lon0) * 0.08 + 0.02, (lat1 - lat0) * 0.08 + 0.02
    box = (lon0 - pad_x, lon1 + pad_x, lat0 - pad_y, lat1 + pad_y)
    width, height = (box[1] - box[0]) * scale, box[3] - box[2]
    size = (3.6, max(2.0, min(5.0, 3.6 * height / width)))
    values = [f.value for f, _ in members if f.value is not None]
    member_codes = {c for f, _ in members for c in boundary_codes(f.code)}
    rc: dict[str, Any] = {
        "svg.hashsalt": f"regionplan-{element_id}",
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
        "font.size": 9,
        "text.usetex": False,
    }
    with mpl.rc_context(rc):  # type: ignore[arg-type]
        fig = Figure(figsize=size)
        ax = fig.add_axes((0, 0, 1, 1))
        for code, polys in known.items():
            if code in member_codes:
                continue
            ring_box = np.vstack([p[0] for p in polys])
            if (
                ring_box[:, 0].max() < box[0]
                or ring_box[:, 0].min() > box[1]
                or ring_box[:, 1].max() < box[2]
                or ring_box[:, 1].min() > box[3]
            ):
                continue
            inside = _clip(polys, box)
            if inside:
                patch = PathPatch(
                    _path(inside, scale), facecolor=_NEIGHBOUR, edgecolor="#bdbdbd", linewidth=0.4
                )
                ax.add_patch(patch)
        for f, polys in members:
            own = bool(view.highlight) and f.code == view.highlight
            ax.add_patch(
                PathPatch(
                    _path(polys, scale),
                    facecolor=_fill(view, f, values),
                    edgecolor="#111111" if own else "#4d4d4d",
                    linewidth=1.8 if own else 0.7,
                    zorder=3 if own else 2,
                )
            )
        for f, polys in members:
            symbol = f.status.symbol if f.status and view.by == "status" else f.text
            ax.annotate(
                _mpl_text(f"{f.name}\n{symbol}"),
                _anchor(polys, scale),
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold" if f.code == view.highlight else "normal",
                color="#111111",
                zorder=4,
            )
        ax.set_xlim(box[0] * scale, box[1] * scale)
        ax.set_ylim(box[2], box[3])
        ax.set_aspect("equal")
        ax.set_axis_off()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return _tidy(buf.getvalue(), element_id, title)


_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_STYLE = re.compile(r"\s*<style type=\"text/css\">.*?</style>", re.S)
_OPEN = re.compile(r"<svg\b([^>]*)>")
_ID = re.compile(r'(\sid=)"([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')


def _tidy(svg: str, element_id: str, title: str) -> str:
    svg = _METADATA.sub("", _STYLE.sub("", _PROLOGUE.sub("", svg, count=1)))
    # matplotlib's own ids (figure_1, patch_1...) made unique in the page
    svg = _ID.sub(lambda m: f'{m.group(1)}"{element_id}-{m.group(2)}"', svg)
    svg = _REF.sub(lambda m: f"{m.group(1)}{element_id}-{m.group(2)}", svg)
    title_id = f"{element_id}-title"

    def opening(m: re.Match[str]) -> str:
        attrs = re.sub(r'\s(width|height)="[^"]*"', "", m.group(1))
        return (
            f'<svg{attrs} id="{html.escape(element_id)}" class="map" role="img" '
            f'aria-labelledby="{html.escape(title_id)}" focusable="false">'
            f'<title id="{html.escape(title_id)}">{html.escape(title)}</title>'
        )

    return _OPEN.sub(opening, svg, count=1).strip()
