"""Calling plugins: what a plugin raises or returns against its contract, named.

:class:`PluginCalls` gives :class:`~regionplan.plugins.Extensions` its ways to call a
plugin's code: :meth:`~PluginCalls.guard` turns what the code raises into a
:class:`~regionplan.errors.PluginError` naming the plugin and the package it came from
(:meth:`~PluginCalls.fault` builds one for a wrong return value). The stages call their
plugins through these, so a stage never imports this layer.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

import pluggy

from regionplan.errors import PluginError, PluginRenderError, RenderError

__all__ = ["PluginCalls"]


class PluginCalls:
    """Calling the plugins of :class:`~regionplan.plugins.Extensions` (a mixin)."""

    pm: pluggy.PluginManager
    renderers: Any

    def is_builtin(self, plugin: str) -> bool:
        """Whether ``plugin`` is part of regionplan (its faults are regionplan's bugs)."""
        from regionplan.plugins import DEFAULT_PLUGINS

        return plugin in DEFAULT_PLUGINS

    def distribution_of(self, plugin: str) -> tuple[str, str] | None:
        """The installed package ``plugin`` came from (its entry point's) and its version;
        ``None`` for a plugin handed to the plugin manager in code."""
        if self.is_builtin(plugin):
            return ("regionplan", _builtin_version())
        obj = self.pm.get_plugin(plugin)
        for registered, dist in self.pm.list_plugin_distinfo():
            if registered is obj:
                return (dist.project_name, dist.version)
        return None

    def describe(self, plugin: str) -> str:
        """``plugin 'ssb' (regionplan-ssb 0.3)``: a plugin as an error names it."""
        dist = self.distribution_of(plugin)
        return f"plugin {plugin!r}" + (f" ({dist[0]} {dist[1]})" if dist else "")

    def fault(
        self,
        plugin: str,
        what: str,
        cause: BaseException | None = None,
        *,
        error: type[PluginError] = PluginError,
    ) -> PluginError:
        """An error naming ``plugin`` and its package, to raise (``from cause``).

        With ``cause``, the plugin failed in ``what`` (``"the data source 'x' (fetch)"``);
        without, ``what`` says what it did wrong (``"the data source 'x' returned None
        from fetch, not Observations"``).
        """
        who = self.describe(plugin)
        message = f"{who} failed in {what}: {_said(cause)}" if cause is not None else f"{who}: {what}"
        builtin = self.is_builtin(plugin)
        if builtin:
            message += " (a bug in regionplan: please report it)"
        dist = self.distribution_of(plugin)
        return error(
            message,
            plugin=plugin,
            distribution=dist[0] if dist else None,
            version=dist[1] if dist else None,
            builtin=builtin,
        )

    @contextlib.contextmanager
    def guard(
        self,
        plugin: str,
        what: str,
        *,
        passes: type[BaseException] | tuple[type[BaseException], ...] = (),
        error: type[PluginError] = PluginError,
        builtin_too: bool = False,
    ) -> Iterator[None]:
        """Run a call of ``plugin``'s code: what it raises becomes a :meth:`fault`.

        Args:
            plugin: the plugin's registered name (``ext.sources.plugin_of(name)``).
            what: the call, for the message (``"the data source 'x' (fetch)"``).
            passes: exceptions the contract allows (a source's ``DataSourceError``):
                raised as they are.
            error: the class of the error raised.
            builtin_too: wrap a built-in plugin's exceptions as well; by default they pass
                unchanged, as any other bug in regionplan does.
        """
        try:
            yield
        except passes:
            raise
        except PluginError as exc:
            if exc.plugin is not None:  # a plugin called inside, named already
                raise
            if self.is_builtin(plugin) and not builtin_too:
                raise
            raise self.fault(plugin, what, exc, error=error) from exc
        except Exception as exc:
            if self.is_builtin(plugin) and not builtin_too:
                raise
            raise self.fault(plugin, what, exc, error=error) from exc

    def run_renderer(self, format: str, report: Any, options: Any) -> str | bytes:
        """Call the renderer of ``format`` on a built report, as :func:`~regionplan.report.renderers.render` does.

        Raises:
            RenderError: the renderer raised one (its own words), or failed otherwise or
                returned other than text (bytes from a ``binary`` renderer): then a
                :class:`~regionplan.errors.PluginRenderError` naming the plugin.
        """
        renderer = self.renderers.get(format)
        plugin = self.renderers.plugin_of(format)
        what = f"the renderer {format!r}"
        with self.guard(plugin, f"{what} (render)", passes=RenderError, error=PluginRenderError):
            out = renderer.render(report, options)
        binary = getattr(renderer, "binary", False) is True
        if not isinstance(out, bytes if binary else str):
            expected = "bytes (it is binary)" if binary else "text (str; set binary = True for bytes)"
            raise self.fault(
                plugin, f"{what} returned {_kind(out)} from render, not {expected}", error=PluginRenderError
            )
        return out

    def _checked_loader(
        self, plugin: str, suffix: str, load: Callable[[str, str], Any]
    ) -> Callable[[str, str], Any]:
        """A plugin's plan-file loader whose faults and results are checked (built-ins as they are)."""
        if self.is_builtin(plugin):
            return load
        from regionplan.plan.nodes import Node, SyntaxProblem

        what = f"the plan-file loader for {suffix!r}"

        @functools.wraps(load)
        def checked(path: str, text: str) -> Any:
            with self.guard(plugin, f"{what} (reading {path})", passes=SyntaxProblem):
                root = load(path, text)
            if not isinstance(root, Node):
                raise self.fault(plugin, f"{what} returned {_kind(root)} for {path}, not a Node tree")
            return root

        return checked


def _said(exc: BaseException, limit: int = 1000) -> str:
    """An exception as ``Type: message``, cut to ``limit`` characters."""
    text = str(exc)
    if len(text) > limit:
        text = text[:limit] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _kind(value: object) -> str:
    """What a plugin gave, for a message: ``None``, ``a list``, ``an Observations``."""
    if value is None:
        return "None"
    name = type(value).__qualname__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _builtin_version() -> str:
    from regionplan import __version__

    return __version__
