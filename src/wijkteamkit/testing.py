"""A pytest plugin for plugin authors.

Enable it in your ``conftest.py`` with ``pytest_plugins = ["wijkteamkit.testing"]``; then::

    def test_my_teams(wijkteamkit_plugins):
        wijkteamkit_plugins.register(my_plugin)          # a module or any object with hooks
        setup = wijkteamkit_plugins.setup()              # merged with the national defaults
        assert not wijkteamkit_plugins.errors(on=date(2015, 6, 1))

Each test gets a fresh :class:`PluginHarness`: a new plugin manager per load, so nothing
registered in one test leaks into another.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from .domain import Municipality, MunicipalitySetup
from .loading import LoadedMunicipality, MunicipalityLoadError, assemble
from .manager import MunicipalityPlugins
from .plugins import NATIONAL_PLUGIN, Layer, PluginSource
from .validation import Finding, validate

__all__ = ["PluginHarness", "wijkteamkit_plugins"]


class PluginHarness:
    """Plugins registered for one test, loaded into a fresh manager on demand.

    The national defaults are always the first layer (pass ``national=False`` to leave them
    out); plugins are layered by ``layer``, then in the order they were registered.
    """

    def __init__(self, national: bool = True) -> None:
        self._sources: list[PluginSource] = []
        if national:
            self._sources.append(PluginSource(NATIONAL_PLUGIN, Layer.NATIONAL))

    def register(
        self, plugin: object, layer: str = "municipality", name: str | None = None
    ) -> None:
        """Add ``plugin`` (a module, class or instance with ``wijkteamkit_*`` hooks) at ``layer``."""
        level = Layer[layer.upper()]
        label = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        self._sources.append(PluginSource(f"{label}#{len(self._sources)}", level, module=plugin))

    def load(self, municipality: Municipality | None = None) -> LoadedMunicipality:
        """Merge the registered plugins; raise :class:`MunicipalityLoadError` if one fails."""
        ordered = sorted(self._sources, key=lambda s: s.layer)
        chosen = municipality or self._municipality(ordered)
        plugins = MunicipalityPlugins(chosen.code)
        fresh = [PluginSource(s.name, s.layer, module=s.module) for s in ordered]
        loaded = assemble(chosen, fresh, plugins)
        if loaded is None:
            raise MunicipalityLoadError(plugins.errors)
        return loaded

    def setup(self, municipality: Municipality | None = None) -> MunicipalitySetup:
        """The merged setup."""
        return self.load(municipality).setup

    def findings(self, on: date | None = None) -> list[Finding]:
        """Every validation finding about the merged setup on ``on``."""
        loaded = self.load()
        return validate(loaded.setup, on, loaded.issues)

    def errors(self, on: date | None = None) -> list[Finding]:
        """Only the findings of severity ``error``."""
        return [f for f in self.findings(on) if f.severity == "error"]

    @staticmethod
    def _municipality(sources: list[PluginSource]) -> Municipality:
        for source in reversed(sources):
            hook = getattr(source.module, "wijkteamkit_municipality", None)
            if callable(hook):
                result = hook()
                return (
                    result
                    if isinstance(result, Municipality)
                    else Municipality.model_validate(result)
                )
        return Municipality(code="GM0000", name="Testgemeente")


@pytest.fixture
def wijkteamkit_plugins() -> Iterator[PluginHarness]:
    """A fresh :class:`PluginHarness` with the national defaults registered."""
    yield PluginHarness()
