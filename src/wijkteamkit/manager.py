"""One plugin manager per municipality, with its layers registered in a fixed order."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pluggy

from . import hookspecs
from .interrupts import plugin_failure
from .plugins import Layer, LoadError, PluginSource, describe_exception

HOOK_PREFIX = "wijkteamkit_"


class WijkteamPluginManager(pluggy.PluginManager):
    """A pluggy manager that also treats undecorated ``wijkteamkit_*`` functions as hooks.

    Like pytest with ``pytest_*`` names: a plugin file can define plain functions, and a
    misspelled hook name is caught by :meth:`check_pending` rather than silently ignored.
    """

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and name.startswith(HOOK_PREFIX):
            member = inspect.getattr_static(plugin, name, None)
            if inspect.isfunction(member) or inspect.ismethod(member):
                return {}
        return opts


def spec_names() -> list[str]:
    """The names of every hook specification, in definition order."""
    return [
        name
        for name, member in vars(hookspecs).items()
        if name.startswith(HOOK_PREFIX) and callable(member)
    ]


@dataclass(frozen=True)
class Registered:
    """A plugin registered in a municipality's manager, with its layer and label."""

    source: PluginSource
    name: str

    @property
    def layer(self) -> Layer:
        """The plugin's layer."""
        return self.source.layer


class MunicipalityPlugins:
    """The plugin manager of one municipality and the plugins in it, least specific first.

    A typed facade over the hooks: configuration hooks are called per plugin by
    :meth:`call_each` so the core can merge by layer; behaviour hooks through pluggy.
    """

    def __init__(self, code: str) -> None:
        self.code = code
        self.manager = WijkteamPluginManager()
        self.plugins: list[Registered] = []
        self.errors: list[LoadError] = []

    def register(self, source: PluginSource) -> bool:
        """Register an imported plugin; on a contract violation record a :class:`LoadError`."""
        assert source.module is not None
        name = f"{source.layer.label}:{source.name}"
        try:
            self.manager.register(source.module, name=name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            self.errors.append(LoadError(source.label, _first_line(exc), municipality=self.code))
            return False
        self.plugins.append(Registered(source, name))
        return True

    def check_unknown_hooks(self) -> None:
        """Report (and unregister) plugins implementing hooks that do not exist."""
        known = set(spec_names())
        for registered in list(self.plugins):
            unknown = [
                impl_name
                for impl_name in dir(registered.source.module)
                if impl_name.startswith(HOOK_PREFIX)
                and impl_name not in known
                and self.manager.parse_hookimpl_opts(registered.source.module, impl_name)
                is not None
            ]
            for impl_name in unknown:
                self.errors.append(
                    LoadError(
                        registered.source.label,
                        f"implements unknown hook {impl_name}{_suggest(impl_name, known)}",
                        hook=impl_name,
                        municipality=self.code,
                    )
                )
            if unknown:
                self.manager.unregister(name=registered.name)
                self.plugins.remove(registered)
        self.manager.check_pending()

    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[Registered, Any]]:
        """Call ``hook_name`` on each plugin in layer order, least specific first.

        A plugin whose implementation raises is recorded as a :class:`LoadError` and skipped.
        """
        caller = getattr(self.manager.hook, hook_name)
        by_plugin: dict[str, Callable[..., Any]] = {}
        argnames: dict[str, Sequence[str]] = {}
        for impl in caller.get_hookimpls():
            by_plugin[impl.plugin_name] = impl.function
            argnames[impl.plugin_name] = impl.argnames
        results: list[tuple[Registered, Any]] = []
        for registered in self.plugins:
            function = by_plugin.get(registered.name)
            if function is None:
                continue
            args = {name: kwargs[name] for name in argnames[registered.name]}
            try:
                results.append((registered, function(**args)))
            except BaseException as exc:  # a plugin's failure is reported, not raised
                if not plugin_failure(exc):
                    raise
                self.errors.append(
                    LoadError(
                        registered.source.label,
                        f"raised {describe_exception(exc)}",
                        hook=hook_name,
                        municipality=self.code,
                    )
                )
        return results


def _suggest(name: str, known: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else "; see docs/hooks.md for the hooks"


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
