"""The UN Sustainable Development Goals and their 169 targets.

Bundled from Open SDG's translations (English; Norwegian bokmål where available,
with its status: most target texts are community translations, a few are the
official wording). Plans align elements with goals (``"8"``) or targets (``"8.5"``).
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources

import attrs

from regionplan.plan.model import Label

__all__ = ["SdgEntry", "catalogue", "lookup"]


@attrs.frozen
class SdgEntry:
    """A goal or a target."""

    code: str
    level: str  # "goal" or "target"
    goal: str
    title: Label
    short: Label
    nb_status: str


@functools.cache
def catalogue() -> dict[str, SdgEntry]:
    """Every goal and target by code."""
    text = resources.files("regionplan._resources").joinpath("sdg_goals_targets.csv").read_text("utf-8")
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        nb = row["title_nb_official"] or row["title_nb"]
        out[row["id"]] = SdgEntry(
            code=row["id"],
            level=row["level"],
            goal=row["goal"],
            title=Label({"en": row["title_en"], "nb": nb}),
            short=Label({k: v for k, v in (("en", row["short_en"]), ("nb", row["short_nb"])) if v}),
            nb_status="official" if row["title_nb_official"] else row["title_nb_status"],
        )
    return out


def lookup(code: str) -> SdgEntry | None:
    return catalogue().get(code)
