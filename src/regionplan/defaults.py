"""What a stage uses when its caller gives it nothing: filled in from the top of the package.

The stages (plan, data, evaluation, report) never import the layers above them. Yet a
caller may load a plan or evaluate it without passing the plugins' extensions, and a
notebook shows a plan or an evaluation through the report. For those few places a stage
asks this module, and the package's top level (:mod:`regionplan`) says where each answer
lives, by name, before any stage runs. A program that wires the stages itself may
:func:`provide` other answers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["default_extensions", "lazy_attributes", "provide", "resolve"]

_PROVIDERS: dict[str, str] = {}


def provide(name: str, target: str) -> None:
    """Say that ``name`` is the object at ``target``, written ``"package.module:attribute"``."""
    _PROVIDERS[name] = target


def resolve(name: str) -> Any:
    """The object provided as ``name``, imported on first use.

    Raises:
        LookupError: nothing was provided under that name.
    """
    try:
        target = _PROVIDERS[name]
    except KeyError:
        msg = f"nothing provides {name!r}; import regionplan (the package) first"
        raise LookupError(msg) from None
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def default_extensions() -> Any:
    """The extensions of the default plugin manager (built once per process)."""
    return resolve("default_extensions")()


def lazy_attributes(
    namespace: dict[str, Any], names: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` that import each of ``names`` (name -> module)
    on first use and keep it in ``namespace`` (the package's ``globals()``), so importing the
    package stays cheap."""

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            msg = f"module {namespace['__name__']!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(names))

    return __getattr__, __dir__
