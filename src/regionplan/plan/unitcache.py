"""What checking a plan asks of units, remembered across processes.

Checking a plan asks pint three things: whether a unit text parses, the dimensions of a
unit, and the unit (or the error) a derived metric's expression gives from the units of
its operands. Importing pint and building its registry costs more than the rest of
``regionplan validate``, and the answers never change for the same pint and the same unit
definitions. So the answers are kept in a small JSON file in the user's cache folder, and
pint is imported only for a question the file cannot answer.

Why it is safe: the file is named after a fingerprint of pint's version, the code that gives
the answers, the domain unit definitions and the units plugins defined in this process, so
any change of them reads another file. It holds plain JSON (text, numbers), checked entry by entry on reading; a
missing, corrupt, unreadable or unwritable file is ignored and the question goes to pint.
It is written to a temporary file and renamed into place, so a reader never sees half a file.

Where: ``$REGIONPLAN_UNIT_CACHE`` (a folder; ``off`` turns the cache off), else
``$REGIONPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/regionplan`` (``~/.cache/regionplan``).
Deleting the ``units-*.json`` files there clears it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from regionplan.plan import units as _units

__all__ = [
    "CACHE_ENV",
    "MAX_ENTRIES",
    "DerivedUnit",
    "Dimensions",
    "cache_file",
    "derived_unit",
    "forget",
    "save",
    "unit_dimensions",
]

CACHE_ENV = "REGIONPLAN_UNIT_CACHE"
_OFF = {"off", "0", "no", "false"}
#: Raised when the layout of the file changes, so an older layout is never read.
_FORMAT = 1

#: A unit's dimensions: base dimension -> exponent (``{"[employment]": 1, "[population]": -1}``).
Dimensions = dict[str, float]
#: What an expression gives: ``("unit", dimensions, label)`` or ``("error", message, "")``.
DerivedUnit = tuple[str, Dimensions, str]

#: The most answers of each kind the file keeps: beyond it, only those this process asked for
#: are kept, so unit texts no plan uses any more (or a test's random ones) do not pile up.
MAX_ENTRIES = 2000

_state: dict[str, Any] = {}  # "key", "units", "derived", "dirty", "asked": this process's answers


def cache_file() -> Path | None:
    """The file the answers live in, or ``None`` when the cache is turned off or pint is missing."""
    env = os.environ.get(CACHE_ENV)
    if env is not None and env.strip().lower() in _OFF | {""}:
        return None
    if env:
        folder = Path(env)
    elif other := os.environ.get("REGIONPLAN_CACHE_DIR"):
        folder = Path(other)
    else:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "regionplan"
    fingerprint = _fingerprint()
    return None if fingerprint is None else folder / f"units-{fingerprint}.json"


@functools.cache
def _pint_version() -> str | None:
    """pint's installed version, read from its metadata (once: reading it costs a millisecond)."""
    from importlib import metadata

    try:
        return metadata.version("pint")
    except metadata.PackageNotFoundError:
        return None


@functools.cache
def _code_digest() -> str | None:
    """A hash of the code that gives the answers (the registry, the units of expressions, this
    module): a changed rule, in a new release or a working copy, never reads an old answer."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    try:
        for name in ("units.py", "expressions.py", "unitcache.py"):
            digest.update((here / name).read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _fingerprint() -> str | None:
    pint_version, code = _pint_version(), _code_digest()
    if pint_version is None or code is None:
        return None
    extra = _units.defined_by_plugins()
    text = json.dumps([_FORMAT, pint_version, code, list(_units.BASE_DEFINITIONS), extra])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _answers() -> dict[str, Any]:
    """This process's answers, read from the file the first time (and again after a plugin
    defines a unit, which changes the fingerprint)."""
    path = cache_file()
    key = str(path)
    if _state.get("key") != key:
        units, derived = _read(path)
        _state.update(key=key, path=path, units=units, derived=derived, dirty=False, asked=set())
    return _state


def _read(path: Path | None) -> tuple[dict[str, Dimensions | None], dict[str, DerivedUnit]]:
    if path is None:
        return {}, {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        units = {text: _dims(value) for text, value in data["units"].items()}
        derived = {key: _derived(value) for key, value in data["derived"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}, {}  # no cache, or one this version cannot read: ask pint
    return units, derived


def _dims(value: Any) -> Dimensions | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
        for k, v in value.items()
    ):
        raise ValueError("not dimensions")
    return value


def _derived(value: Any) -> DerivedUnit:
    if not (isinstance(value, list) and len(value) == 3 and value[0] in {"unit", "error"}):
        raise ValueError("not a derived unit")
    kind, dims, text = value
    if not isinstance(text, str):
        raise ValueError("not a derived unit")
    return kind, _dims(dims) or {}, text


def unit_dimensions(text: str) -> Dimensions | None:
    """The dimensions of the unit ``text``, or ``None`` when pint cannot read it
    (:func:`~regionplan.plan.units.parse_unit` raises)."""
    answers = _answers()
    answers["asked"].add(("units", text))
    if text not in answers["units"]:
        try:
            unit = _units.parse_unit(text)
        except Exception:  # pint raises several types for a unit it cannot read
            found = None
        else:
            found = _dimensions_of(unit)
        answers["units"][text] = found
        answers["dirty"] = True
    result: Dimensions | None = answers["units"][text]
    return result


def derived_unit(expression: str, operand_units: Mapping[str, str]) -> DerivedUnit:
    """What pint says a readable ``expression`` gives, its metrics having ``operand_units``
    (metric -> unit text, each readable): its dimensions and label (``"%"``, ``"job / person"``),
    or the :class:`~regionplan.plan.expressions.ExpressionError` message."""
    answers = _answers()
    key = json.dumps([expression, sorted(operand_units.items())])
    answers["asked"].add(("derived", key))
    if key not in answers["derived"]:
        from regionplan.plan import expressions

        units = {name: _units.parse_unit(text) for name, text in operand_units.items()}
        try:
            got = expressions.result_unit(expressions.parse(expression), units)
        except expressions.ExpressionError as exc:
            found: DerivedUnit = ("error", {}, str(exc))
        else:
            found = ("unit", _dimensions_of(got), f"{got:~}")
        answers["derived"][key] = found
        answers["dirty"] = True
    result: DerivedUnit = answers["derived"][key]
    return result


def _dimensions_of(unit: Any) -> Dimensions:
    dims: Mapping[str, Any] = _units.registry().Quantity(1, unit).dimensionality
    return {str(name): float(exponent) for name, exponent in dims.items()}


def save() -> None:
    """Write this process's new answers to the cache file, merged with what is there
    (another process may have added some); any failure leaves the cache as it was."""
    if not _state.get("dirty") or _state.get("path") is None:
        return
    path: Path = _state["path"]
    units, derived = _read(path)
    units.update(_state["units"])
    derived.update(_state["derived"])
    asked = _state["asked"]
    if len(units) > MAX_ENTRIES:
        units = {k: v for k, v in units.items() if ("units", k) in asked}
    if len(derived) > MAX_ENTRIES:
        derived = {k: v for k, v in derived.items() if ("derived", k) in asked}
    text = json.dumps({"format": _FORMAT, "units": units, "derived": derived}, sort_keys=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".units-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)  # atomic: a reader sees the old file or the new one
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    except OSError:
        return  # a cache that cannot be written is no error: the answers were given already
    _state["dirty"] = False


def forget() -> None:
    """Drop this process's answers (tests; the file is read again on the next question)."""
    _state.clear()
