"""The plugin manager and the registries it fills.

:func:`make_plugin_manager` builds a fresh :class:`pluggy.PluginManager` with the
built-in plugins and, unless told otherwise, the plugins installed under the
``regionplan`` entry-point group. The environment variable
``REGIONPLAN_LOAD_PLUGINS`` chooses which installed plugins load: unset loads all,
an empty value loads none, ``"ssb,myregion"`` loads those names only.

:class:`Extensions` collects what the plugins register (units, loaders, sources,
renderers, projections, policies), refusing duplicate names and remembering who
registered what.

A plugin that raises, or returns what its contract does not allow, is reported as a
:class:`~regionplan.errors.PluginError` that names it and the package it came from:
:meth:`Extensions.guard` wraps a call, :meth:`Extensions.fault` builds the error
(:mod:`regionplan.plugins.faults`). The stages call plugins through these (they receive
the extensions as an argument), so the plugin at fault is named wherever it is called.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

import attrs
import pluggy

from regionplan import hookspecs
from regionplan.deferred import Deferred
from regionplan.errors import PluginError, PluginRenderError, UnitDefinitionError
from regionplan.plugins.faults import PluginCalls, _kind, _said

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRYPOINT_GROUP",
    "LOAD_PLUGINS_ENV",
    "Extensions",
    "Registry",
    "default_extensions",
    "make_plugin_manager",
    "reset_default_extensions",
    "set_default_extensions",
]

ENTRYPOINT_GROUP = "regionplan"
LOAD_PLUGINS_ENV = "REGIONPLAN_LOAD_PLUGINS"

#: Modules of the built-in plugins, registered like any other plugin.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "regionplan.plan.nodes",
    "regionplan.data.sources.tabular",
    "regionplan.data.sources.jsonstat",
    "regionplan.data.sources.inline",
    "regionplan.data.sources.bundled",
    "regionplan.evaluation.builtin",
    "regionplan.report.renderers.builtin",
)


def make_plugin_manager(
    *,
    load_entrypoints: bool | None = None,
    plugins: Iterable[object] = (),
) -> pluggy.PluginManager:
    """Build a plugin manager with the built-in plugins.

    Args:
        load_entrypoints: load installed plugins from the ``regionplan`` entry-point
            group. ``None`` (the default) follows ``REGIONPLAN_LOAD_PLUGINS``.
        plugins: extra plugin objects or modules to register (tests, embedding apps).

    Raises:
        PluginError: an installed plugin fails to import, a plugin is registered twice, or
            a plugin implements a hook that does not exist.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for module_name in DEFAULT_PLUGINS:
        module = importlib.import_module(module_name)
        pm.register(module, name=module_name)
    choice = os.environ.get(LOAD_PLUGINS_ENV)
    if load_entrypoints is None:
        load_entrypoints = True
    if load_entrypoints:
        if choice is None:
            _load_entrypoints(pm, None)
        else:
            for name in filter(None, (n.strip() for n in choice.split(","))):
                _load_entrypoints(pm, name)
    for plugin in plugins:
        try:
            pm.register(plugin, name=_name_for(pm, plugin))
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginError(f"cannot register the plugin {plugin!r}: {exc}") from exc
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"{exc}: a hook name is misspelled or unknown") from exc
    return pm


def _load_entrypoints(pm: pluggy.PluginManager, name: str | None) -> None:
    """Load installed plugins; one that fails to import is named with its package."""
    try:
        if name is None:
            pm.load_setuptools_entrypoints(ENTRYPOINT_GROUP)
        else:
            pm.load_setuptools_entrypoints(ENTRYPOINT_GROUP, name=name)
    except Exception as exc:
        # pluggy loads in the order of this walk and stops at the first failure, so the
        # first entry point not registered yet is the one that failed.
        for dist in importlib.metadata.distributions():
            for ep in dist.entry_points:
                if ep.group != ENTRYPOINT_GROUP or (name is not None and ep.name != name):
                    continue
                if pm.has_plugin(ep.name) or pm.is_blocked(ep.name):
                    continue
                package, version = dist.metadata["name"], dist.version
                msg = f"plugin {ep.name!r} ({package} {version}) failed to load: {_said(exc)}"
                raise PluginError(msg, plugin=ep.name, distribution=package, version=version) from exc
        raise PluginError(f"an installed plugin failed to load: {_said(exc)}") from exc


def _name_for(pm: pluggy.PluginManager, plugin: object) -> str | None:
    """A readable name for a plugin object that has none (pluggy would use its id)."""
    if getattr(plugin, "__name__", None):
        return None  # a module or a class: pluggy names it by its name
    base = f"{type(plugin).__module__}.{type(plugin).__qualname__}"
    name, n = base, 1
    while pm.has_plugin(name) or pm.is_blocked(name):
        n += 1
        name = f"{base}#{n}"
    return name


T = TypeVar("T")


@attrs.frozen
class Registered(Generic[T]):
    """One contribution and the plugin that made it."""

    name: str
    value: T
    plugin: str


@attrs.define
class Registry(Generic[T]):
    """Contributions of one kind, by name. Duplicate names are refused.

    A contribution registered as a :class:`~regionplan.deferred.Deferred` is imported the
    first time :meth:`get` or :meth:`items` gives it; knowing its name imports nothing. What
    fails then is the fault of the plugin that registered it (a
    :class:`~regionplan.errors.PluginError` naming it and its package).

    Attributes:
        kind: what is registered, for messages (``"renderer"``).
        classes: contributions are classes (a data source, built per run), not instances.
        error: the class of the error a contribution that fails to load raises.
    """

    kind: str
    classes: bool = False
    error: type[PluginError] = PluginError
    _items: dict[str, Registered[T]] = attrs.field(factory=dict)
    _calls: PluginCalls | None = attrs.field(default=None, init=False, repr=False)

    def add(self, name: str, value: T | Deferred, plugin: str) -> None:
        if not name or not isinstance(name, str):
            msg = f"plugin {plugin!r} registered a {self.kind} without a name"
            raise PluginError(msg)
        if name in self._items:
            first = self._items[name].plugin
            msg = (
                f"plugin {plugin!r} registers a {self.kind} named {name!r}, "
                f"which plugin {first!r} registered already"
            )
            raise PluginError(msg)
        self._items[name] = Registered(name, value, plugin)  # type: ignore[arg-type]

    def get(self, name: str) -> T:
        try:
            item = self._items[name]
        except KeyError:
            raise PluginError(self.unknown_message(name)) from None
        if isinstance(item.value, Deferred):
            item = self._load(item, item.value)
        return item.value

    def _load(self, item: Registered[T], deferred: Deferred) -> Registered[T]:
        """Import a deferred contribution; a failure is the fault of the plugin that named it."""
        what = f"the {self.kind} {item.name!r} ({deferred.target})"
        try:
            value = deferred.load()
        except Exception as exc:
            raise self._fault(item.plugin, f"{what}, loading it", exc) from exc
        problem = None
        if self.classes and not isinstance(value, type):
            problem = f"is {_kind(value)}, not a class: register it without call=True"
        elif not self.classes and isinstance(value, type):
            problem = f"is the class {value.__qualname__}, not an instance: register it with call=True"
        elif deferred.format and getattr(value, "format", None) != deferred.format:
            problem = (
                f"writes the format {getattr(value, 'format', None)!r}, not {deferred.format!r} as registered"
            )
        if problem:
            raise self._fault(item.plugin, f"{what} {problem}")
        loaded = Registered(item.name, value, item.plugin)
        self._items[item.name] = loaded
        return loaded

    def _fault(self, plugin: str, what: str, cause: BaseException | None = None) -> PluginError:
        if self._calls is not None:
            return self._calls.fault(plugin, what, cause, error=self.error)
        said = f" failed in {what}: {_said(cause)}" if cause is not None else f": {what}"
        return self.error(f"plugin {plugin!r}{said}", plugin=plugin)

    def bind(self, calls: PluginCalls) -> None:
        """Name plugins through ``calls`` (their packages, and built-ins as regionplan's bugs)."""
        self._calls = calls

    def plugin_of(self, name: str) -> str:
        return self._items[name].plugin

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[Registered[T]]:
        """Every contribution, by name; deferred ones are imported."""
        for name in sorted(self._items):
            self.get(name)
        return [self._items[k] for k in sorted(self._items)]

    def unknown_message(self, name: str) -> str:
        msg = f"no {self.kind} named {name!r}"
        if close := difflib.get_close_matches(name, list(self._items), n=1):
            msg += f"; did you mean {close[0]!r}?"
        elif self._items:
            msg += f" (known: {', '.join(sorted(self._items))})"
        return msg


def _call_each(ext: Extensions, hook_name: str, make_register: Callable[[str], Any]) -> None:
    """Call every implementation of a register-hook with a callback bound to its plugin."""
    caller = getattr(ext.pm.hook, hook_name)
    for impl in caller.get_hookimpls():  # registration order
        register = make_register(impl.plugin_name)
        # PluginError passes: the registries name the plugin in theirs (a duplicate name)
        with ext.guard(impl.plugin_name, hook_name, passes=PluginError, builtin_too=True):
            impl.function(register=register)


@attrs.define
class Extensions(PluginCalls):
    """Everything the plugins of one plugin manager contribute, and the way to call them
    (:class:`~regionplan.plugins.faults.PluginCalls`)."""

    pm: pluggy.PluginManager
    loaders: Registry[Any] = attrs.field(factory=lambda: Registry("plan-file loader"))
    sources: Registry[Any] = attrs.field(factory=lambda: Registry("data source", classes=True))
    renderers: Registry[Any] = attrs.field(factory=lambda: Registry("renderer", error=PluginRenderError))
    projections: Registry[Any] = attrs.field(factory=lambda: Registry("projection"))
    status_policies: Registry[Any] = attrs.field(factory=lambda: Registry("status policy"))
    rollup_policies: Registry[Any] = attrs.field(factory=lambda: Registry("roll-up policy"))
    units: list[tuple[str, str]] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        for registry in (
            self.loaders,
            self.sources,
            self.renderers,
            self.projections,
            self.status_policies,
            self.rollup_policies,
        ):
            registry.bind(self)

    @classmethod
    def collect(cls, pm: pluggy.PluginManager) -> Extensions:
        """Call every register-hook once and gather the results.

        Raises:
            PluginError: a duplicate name, a bad contribution, or a plugin that fails.
        """
        ext = cls(pm)

        def by_name(registry: Registry[Any]) -> Callable[[str], Any]:
            return lambda plugin: lambda name, value: registry.add(name, value, plugin)

        def loader(plugin: str) -> Callable[..., None]:
            def register(suffixes: Iterable[str], load: Any) -> None:
                if not callable(load):
                    raise ext.fault(
                        plugin, f"regionplan_register_loaders got {_kind(load)}, not a loader function"
                    )
                for suffix in suffixes:
                    ext.loaders.add(suffix.lower(), ext._checked_loader(plugin, suffix.lower(), load), plugin)

            return register

        def renderer(plugin: str) -> Callable[..., None]:
            def register(value: Any) -> None:
                if isinstance(value, Deferred) and not value.format:
                    msg = (
                        f"plugin {plugin!r} registered a renderer without a name "
                        "(a deferred renderer says its format: Deferred(..., format='NAME'))"
                    )
                    raise PluginError(msg)
                ext.renderers.add(getattr(value, "format", ""), value, plugin)

            return register

        def unit(plugin: str) -> Callable[[str], None]:
            def register(definition: Any) -> None:
                if not isinstance(definition, str):
                    what = f"regionplan_register_units got {_kind(definition)}, not a unit definition (str)"
                    raise ext.fault(plugin, what)
                ext.units.append((definition, plugin))

            return register

        _call_each(ext, "regionplan_register_loaders", loader)
        _call_each(ext, "regionplan_register_sources", by_name(ext.sources))
        _call_each(ext, "regionplan_register_renderers", renderer)
        _call_each(ext, "regionplan_register_projections", by_name(ext.projections))
        _call_each(ext, "regionplan_register_status_policies", by_name(ext.status_policies))
        _call_each(ext, "regionplan_register_rollup_policies", by_name(ext.rollup_policies))
        _call_each(ext, "regionplan_register_units", unit)
        if ext.units:
            from regionplan.plan.units import define_units

            for definition, plugin in ext.units:
                try:
                    define_units([definition], plugin=plugin)
                except UnitDefinitionError as exc:
                    said = str(exc).replace(f"plugin {plugin!r}", ext.describe(plugin), 1)
                    dist = ext.distribution_of(plugin) or (None, None)
                    raise UnitDefinitionError(
                        said, plugin=plugin, distribution=dist[0], version=dist[1]
                    ) from exc
        return ext

    def plugin_rows(self) -> list[dict[str, Any]]:
        """One row per plugin: name, version, hooks it implements (for ``regionplan plugins``)."""
        dists = {id(p): d for p, d in self.pm.list_plugin_distinfo()}
        rows = []
        for name, plugin in sorted(self.pm.list_name_plugin(), key=lambda x: x[0]):
            if plugin is None:
                continue
            dist = dists.get(id(plugin))
            hooks = sorted(h.name for h in self.pm.get_hookcallers(plugin) or [])
            version = dist.version if dist is not None else _builtin_version()
            rows.append(
                {
                    "name": name,
                    "version": version,
                    "builtin": name in DEFAULT_PLUGINS,
                    "hooks": hooks,
                }
            )
        return rows


def _builtin_version() -> str:
    from regionplan import __version__

    return __version__


_default: Extensions | None = None


def default_extensions() -> Extensions:
    """The extensions of the default plugin manager, built once per process."""
    global _default
    if _default is None:
        _default = Extensions.collect(make_plugin_manager())
    return _default


def reset_default_extensions() -> None:
    """Forget the cached default extensions (tests, or after installing a plugin)."""
    global _default
    _default = None


def set_default_extensions(extensions: Extensions) -> None:
    """Use ``extensions`` wherever the default ones are asked for, the command line included
    (a program that embeds regionplan, or a test of a plugin); undo with
    :func:`reset_default_extensions`."""
    global _default
    _default = extensions
