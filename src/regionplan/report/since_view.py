"""The report's section "since the last report": what changed since an earlier report, as read.

Part of the report model (:mod:`regionplan.report.model`, which re-exports them), made by
:func:`regionplan.report.since_section.since_view` from the typed changes of
:func:`regionplan.report.since.compare_reports`.
"""

from __future__ import annotations

import attrs

__all__ = ["SinceGroup", "SinceItem", "SinceView"]


@attrs.frozen
class SinceItem:
    """One change, as a line in the report's language.

    ``change``: what kind of change (``"status"``, ``"data"``, ``"redefined"``, ``"added"``,
    ``"removed"``, ``"goal"``, ``"goal_added"``, ``"goal_removed"``); ``id``: the target's,
    metric's or element's id.
    """

    change: str
    id: str
    text: str


@attrs.frozen
class SinceGroup:
    """The changes of one kind, under their heading (``kind`` as :attr:`SinceItem.change`)."""

    kind: str
    heading: str
    items: tuple[SinceItem, ...]


@attrs.frozen
class SinceView:
    """What changed since an earlier report.

    Attributes:
        heading: "Siden forrige rapport" / "Since the last report".
        previous_as_of: the earlier report's evaluation date.
        intro: "Sammenlignet med rapporten per 2022-04-30." (and the earlier plan, if another).
        groups: the changes, by kind; empty when nothing changed.
        none_text: "Ingen endringer ..." when ``groups`` is empty, else "".
    """

    heading: str
    previous_as_of: str
    intro: str
    groups: tuple[SinceGroup, ...]
    none_text: str
