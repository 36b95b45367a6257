"""Deferred contributions: a plugin names what it registers by where it lives, and regionplan
imports it the first time it is used.

A plugin registers every source, renderer, projection and policy when regionplan starts. A
contribution that needs heavy modules (numpy, a report model, a client library) can be
registered as a :class:`Deferred` instead, so that a command that never uses it (``regionplan
validate`` never renders) does not pay for importing it::

    @hookimpl
    def regionplan_register_projections(register):
        register("damped", Deferred("my_region.projections:DampedTrend", call=True))

    @hookimpl
    def regionplan_register_renderers(register):
        register(Deferred("my_region.pdf:PdfRenderer", call=True, format="pdf"))

Its name is known at once: a plan that names it checks without importing it. The registries
(:class:`regionplan.plugins.Registry`) give the object itself on ``get``; a target that
cannot be imported is a fault of the plugin that registered it, named then.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import attrs

__all__ = ["Deferred"]

_TARGET = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def _check_target(instance: Deferred, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _TARGET.fullmatch(value):
        msg = f"Deferred target must read 'package.module:name', got {value!r:.80}"
        raise ValueError(msg)


@attrs.frozen
class Deferred:
    """A contribution imported when first used.

    Attributes:
        target: where it lives, ``"package.module:name"`` (as in an entry point).
        call: call what is found there with no arguments (a class whose instance is the
            contribution: projections, policies, renderers).
        format: for a renderer, the format it writes (its ``format``), which names it before
            it is imported.
    """

    target: str = attrs.field(validator=_check_target)
    call: bool = False
    format: str = ""

    def load(self) -> Any:
        """Import the target (and call it if ``call``); an import's own exception passes."""
        module_name, _, path = self.target.partition(":")
        value: Any = importlib.import_module(module_name)
        for part in path.split("."):
            value = getattr(value, part)
        return value() if self.call else value
