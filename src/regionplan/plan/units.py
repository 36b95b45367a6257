"""The unit registry of regionplan.

One pint registry, owned by the library and built lazily on first use, so that
``import regionplan`` stays fast; pint's parsed definitions are kept in the user's cache
folder, which makes that first use cheap in every later process. Counting units are their own dimensions: a job is
not a person, so ``jobs + persons`` raises :class:`pint.DimensionalityError` and
``job / person`` keeps its meaning.

Plugins add units through the :func:`~regionplan.hookspecs.regionplan_register_units`
hook. Redefining an existing unit is an error that names the plugin.

Pickling quantities made with this registry needs ``pint.set_application_registry(
regionplan.plan.units.registry())``; the library never calls it for you.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from regionplan.errors import UnitDefinitionError

if TYPE_CHECKING:
    import pint

__all__ = [
    "BASE_DEFINITIONS",
    "define_units",
    "defined_by_plugins",
    "localized_unit",
    "parse_unit",
    "registry",
    "unit_for",
    "unit_label",
]

#: Domain units of regional statistics, each a dimension of its own.
BASE_DEFINITIONS: tuple[str, ...] = (
    "person = [population] = persons = inhabitant = inhabitants = resident = residents",
    "job = [employment] = jobs",
    "enterprise = [enterprise] = enterprises = foretak",
    "establishment = [establishment] = establishments = bedrift",
    "institution = [institution] = institutions",
    "offering = [offering] = offerings",
    "NOK = [currency] = kr = krone = kroner",
    "kNOK = 1e3 * NOK",
    "MNOK = 1e6 * NOK",
    "BNOK = 1e9 * NOK",
    "percentage_point = 0.01 = _ = percentage_points",
    "index_point = 1 = index_points",
)

_lock = threading.Lock()
_extra: list[tuple[str, str]] = []  # (definition, plugin name), for registries built later


@functools.cache
def _build() -> pint.UnitRegistry[Any]:
    import pint

    try:
        # pint keeps its parsed default definitions in the user's cache folder: reading
        # them back is several times faster than parsing the definition files each process
        ureg: pint.UnitRegistry[Any] = pint.UnitRegistry(
            on_redefinition="raise", autoconvert_offset_to_baseunit=True, cache_folder=":auto:"
        )
    except Exception:  # no cache folder can be written or read: parse the definitions
        ureg = pint.UnitRegistry(
            on_redefinition="raise", autoconvert_offset_to_baseunit=True, cache_folder=None
        )
    for definition in BASE_DEFINITIONS:
        ureg.define(definition)
    return ureg


def registry() -> pint.UnitRegistry[Any]:
    """Return the library's unit registry, building it on first call."""
    return _build()


def define_units(definitions: Iterable[str], *, plugin: str) -> None:
    """Add unit definitions (pint syntax) contributed by ``plugin``.

    Raises:
        UnitDefinitionError: a definition redefines an existing unit or is malformed.
    """
    ureg = registry()
    with _lock:
        for definition in definitions:
            if (definition, plugin) in _extra:  # the same plugin collected again
                continue
            name = definition.split("=", 1)[0].strip()
            known = _known(ureg, name)
            if known:
                msg = f"plugin {plugin!r} redefines the unit {name!r}, which already exists"
                raise UnitDefinitionError(msg)
            try:
                ureg.define(definition)
            except Exception as exc:  # pint raises several types for bad syntax
                msg = f"plugin {plugin!r} gave a unit definition pint cannot read: {definition!r} ({exc})"
                raise UnitDefinitionError(msg) from exc
            _extra.append((definition, plugin))


def defined_by_plugins() -> list[str]:
    """The unit definitions plugins added in this process, in the order they were defined."""
    with _lock:
        return [definition for definition, _plugin in _extra]


def _known(ureg: pint.UnitRegistry[Any], name: str) -> bool:
    try:
        ureg.parse_units(name)
    except Exception:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit expression such as ``"job / person"`` or ``"percent"``.

    Raises:
        pint.UndefinedUnitError: the expression names a unit the registry lacks.
    """
    if text.strip() in {"", "1", "dimensionless"}:
        return registry().dimensionless
    return registry().parse_units(text)


@functools.lru_cache(maxsize=4096)
def unit_label(unit: Any) -> str:
    """A short human label for a unit: ``"%"``, ``"jobs"``, ``"MNOK"`` (formatted once per unit)."""
    text = f"{unit:~}" if unit is not None else ""
    if text in {"", "dimensionless"}:
        return ""
    return text


#: The domain units' labels in Norwegian (bokmål), word by word.
_NB_WORDS = {
    "persons": "personer",
    "jobs": "arbeidsplasser",
    "enterprises": "foretak",
    "establishments": "bedrifter",
    "institutions": "institusjoner",
    "offerings": "tilbud",
    "kNOK": "1000 kr",
    "MNOK": "mill. kr",
    "BNOK": "mrd. kr",
}


#: Unit words in the singular, by language (after a value of exactly one: "1 offering").
_SINGULAR = {
    "en": {
        "persons": "person",
        "jobs": "job",
        "enterprises": "enterprise",
        "establishments": "establishment",
        "institutions": "institution",
        "offerings": "offering",
    },
    "nb": {
        "personer": "person",
        "arbeidsplasser": "arbeidsplass",
        "bedrifter": "bedrift",
        "institusjoner": "institusjon",
    },
}


def unit_for(value: float | None, label: str, lang: str) -> str:
    """A unit label (in ``lang``) as it follows ``value``: singular after exactly one
    ("1 offering", "1 arbeidsplass"); compound labels ("jobs / persons") stay as they are."""
    if value is None or abs(value) != 1:
        return label
    return _SINGULAR.get(lang, _SINGULAR["en"]).get(label, label)


def localized_unit(label: str, lang: str) -> str:
    """A unit label (from :func:`unit_label`) in ``lang``: ``"jobs / persons"`` is
    ``"arbeidsplasser / personer"`` in nb. Labels other languages lack stay as they are."""
    if lang != "nb" or not label:
        return label
    return " ".join(_NB_WORDS.get(word, word) for word in label.split(" "))
