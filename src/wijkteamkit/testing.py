"""A pytest plugin for plugin authors.

Installing wijkteamkit registers it with pytest (a ``pytest11`` entry point; ``pip install
"wijkteamkit[testing]"`` brings pytest along), so no ``conftest.py`` is needed::

    def test_my_teams(wijkteamkit_plugins):
        wijkteamkit_plugins.register(my_plugin)          # a module or any object with hooks
        wijkteamkit_plugins.register(Path("extra.toml"))  # or a .py or .toml plugin file
        setup = wijkteamkit_plugins.setup()              # merged with the national defaults
        assert not wijkteamkit_plugins.errors(on=date(2015, 6, 1))

Each test gets a fresh :class:`PluginHarness`: a new plugin manager per load, so nothing
registered in one test leaks into another.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from .domain import Municipality, MunicipalitySetup
from .loading import LoadedMunicipality, MunicipalityLoadError, UnknownMunicipality, load_layers
from .plugins import NATIONAL_PLUGIN, Layer, LoadError, PluginSource, discover, import_plugin
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
        """Add ``plugin`` at ``layer``: a module, class or instance with ``wijkteamkit_*`` hooks,
        or the :class:`~pathlib.Path` of a ``.py`` or ``.toml`` plugin file (read on load)."""
        level = Layer[layer.upper()]
        if isinstance(plugin, Path):
            self._sources.append(PluginSource(name or str(plugin), level, path=plugin.resolve()))
            return
        label = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        self._sources.append(PluginSource(f"{label}#{len(self._sources)}", level, module=plugin))

    def register_installed(self, code: str) -> None:
        """Add the installed municipality plugin whose entry point is named ``code`` (its CBS
        code), as ``wijkteamkit validate`` finds it; raise :class:`UnknownMunicipality` if none
        is installed (``WIJKTEAMKIT_LOAD_PLUGINS`` applies)."""
        catalogue = discover()
        source = catalogue.municipalities.get(code.upper())
        if source is None:
            known = ", ".join(sorted(catalogue.municipalities)) or "none"
            raise UnknownMunicipality(
                f"no installed plugin has the entry point {code.upper()!r} in group "
                f"wijkteamkit.municipalities (installed: {known}); pip install your package first"
            )
        self._sources.append(source)

    def load(self, municipality: Municipality | None = None) -> LoadedMunicipality:
        """Merge the registered plugins; raise :class:`MunicipalityLoadError` if one fails."""
        ordered = sorted(self._sources, key=lambda s: s.layer)
        fresh = [
            PluginSource(s.name, s.layer, s.entry_point, s.path, module=s.module) for s in ordered
        ]
        failed: list[LoadError] = [s.error for s in fresh if import_plugin(s) is None and s.error]
        if failed:
            raise MunicipalityLoadError(failed)
        chosen = municipality or self._municipality(fresh)
        return load_layers(chosen, fresh)

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
