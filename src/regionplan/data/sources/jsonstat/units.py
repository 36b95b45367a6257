"""Units in JSON-stat data: reading a category's unit and naming it in regionplan's terms.

``_unit_text`` reads the unit a dataset gives (JSON-stat's ``symbol`` or ``label``,
Statistics Norway's ``base``); :func:`resolve_unit` turns that text into a unit
regionplan knows, including the Norwegian words Statistics Norway writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from regionplan.errors import DataSourceError

__all__ = ["resolve_unit"]

#: Unit words Statistics Norway writes in ``category.unit`` that the unit registry
#: does not know by that name, mapped to the registry's unit. Counts with no
#: countable noun ("antall") map to ``None``: the metric's own unit applies.
_UNIT_WORDS: dict[str, str | None] = {
    "personer": "person",
    "prosent": "percent",
    "kroner": "NOK",
    "1000 kr": "kNOK",
    "1 000 kr": "kNOK",
    "1000 kroner": "kNOK",
    "mill. kr": "MNOK",
    "millioner kroner": "MNOK",
    "mrd. kr": "BNOK",
    "tonn": "tonne",
    "foretak": "enterprise",
    "bedrifter": "establishment",
    "prosentpoeng": "percentage_point",
    "antall": None,
    "number": None,
}


def _unit_text(unit: Any) -> str | None:
    """The unit's name: JSON-stat's ``symbol`` or ``label``, else SSB's ``base``."""
    if isinstance(unit, str):
        return unit.strip() or None
    if isinstance(unit, Mapping):
        for key in ("symbol", "label", "base"):
            text = unit.get(key)
            if isinstance(text, str) and text.strip():
                return text.strip()
    return None


def resolve_unit(text: str | None) -> str | None:
    """The regionplan unit for a unit text found in data, ``None`` for a bare count.

    Tries the text as a unit expression first (``"NOK"``, ``"person"``), then the
    Norwegian words Statistics Norway uses (``"personer"``, ``"1000 kr"``, ``"tonn"``).

    Raises:
        DataSourceError: the text names no unit regionplan knows; the plan should
            say the unit with ``unit:`` in its query.
    """
    if text is None or not text.strip():
        return None
    from regionplan.plan.unitcache import unit_dimensions

    clean = " ".join(text.split())
    if unit_dimensions(clean) is None:  # pint cannot read it (asked once, across runs)
        key = clean.lower()
        if key in _UNIT_WORDS:
            return _UNIT_WORDS[key]
        msg = f"the data's unit {text!r} is not one regionplan knows; give 'unit:' in the query"
        raise DataSourceError(msg) from None
    return clean
