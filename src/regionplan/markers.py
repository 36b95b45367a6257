"""The pluggy markers of the ``regionplan`` project.

They live apart from the hook specifications (:mod:`regionplan.hookspecs`) so that every
stage can mark its built-in plugins without importing the plugin machinery above it.
"""

from __future__ import annotations

import pluggy

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "regionplan"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Decorate a plugin's hook functions with this: ``from regionplan import hookimpl``.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
