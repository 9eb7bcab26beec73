"""An inventory of every plugin that can be loaded, for ``wijkteamkit plugins``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .manager import HOOK_PREFIX, MunicipalityPlugins
from .plugins import NATIONAL_PLUGIN, Layer, LoadError, PluginSource, discover, import_plugin


def inventory(
    plugin_files: Sequence[str | Path] = (),
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every plugin with its layer, origin, hooks and status; and discovery errors.

    Each plugin is imported and registered in a throw-away manager of its own, so a plugin
    that breaks the hook contract is reported with why, and the others are still listed.
    """
    catalogue = discover(plugin_files)
    sources = [
        PluginSource(NATIONAL_PLUGIN, Layer.NATIONAL),
        *catalogue.regions.values(),
        *catalogue.municipalities.values(),
        *catalogue.files,
    ]
    entries = [_describe(source) for source in sources]
    errors = [{"plugin": e.plugin, "message": e.message} for e in catalogue.errors]
    return entries, errors


def _describe(source: PluginSource) -> dict[str, Any]:
    module = import_plugin(source)
    problems: list[LoadError] = [source.error] if source.error else []
    hooks: list[str] = []
    if module is not None:
        if source.layer is Layer.LOCAL and callable(
            getattr(module, "wijkteamkit_municipality", None)
        ):
            source.layer = Layer.MUNICIPALITY
        probe = MunicipalityPlugins(source.name)
        if probe.register(source):
            probe.check_unknown_hooks()
        problems += probe.errors
        hooks = sorted(
            name
            for name in dir(module)
            if name.startswith(HOOK_PREFIX)
            and probe.manager.parse_hookimpl_opts(module, name) is not None
        )
    dist = source.entry_point.dist if source.entry_point else None
    national = source.layer is Layer.NATIONAL
    return {
        "name": source.path.name if source.path else source.name,
        "layer": source.layer.label,
        "distribution": dist.name if dist else ("wijkteamkit" if national else None),
        "version": dist.version if dist else (__version__ if national else None),
        "entry_point": f"{source.entry_point.group}:{source.entry_point.name}"
        if source.entry_point
        else None,
        "file": str(source.path) if source.path else None,
        "hooks": hooks,
        "ok": not problems,
        "error": "; ".join((f"hook {p.hook}: " if p.hook else "") + p.message for p in problems)
        or None,
    }
