"""wijkteamkit: describe and run a municipality's social neighbourhood teams as a plugin.

The public API: :data:`hookimpl` to mark hook implementations, the domain models, and
:func:`load_municipality`. Heavy modules are imported on first use, so that importing the
package (and starting the CLI) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import pluggy

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("wijkteamkit")
"""Marks a function in a plugin as a hook implementation: ``@hookimpl``."""

_LAZY = {
    "load_municipality": "wijkteamkit.loading",
    "load": "wijkteamkit.loading",
    "UnknownMunicipality": "wijkteamkit.loading",
    "MunicipalityLoadError": "wijkteamkit.loading",
    "validate": "wijkteamkit.validation",
    "Finding": "wijkteamkit.validation",
}

__all__ = [
    "Finding",
    "MunicipalityLoadError",
    "UnknownMunicipality",
    "__version__",
    "hookimpl",
    "load",
    "load_municipality",
    "validate",
]
"""Besides these, every model in :mod:`wijkteamkit.domain` is importable from here."""

if TYPE_CHECKING:
    from .domain import *  # noqa: F403
    from .loading import MunicipalityLoadError, UnknownMunicipality, load, load_municipality
    from .validation import Finding, validate


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        domain = importlib.import_module("wijkteamkit.domain")
        if name in domain.__all__:
            return getattr(domain, name)
        raise AttributeError(f"module 'wijkteamkit' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    domain_names = importlib.import_module("wijkteamkit.domain").__all__
    return sorted({*globals(), *_LAZY, *domain_names})
