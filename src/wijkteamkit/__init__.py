"""wijkteamkit: describe and run a municipality's social neighbourhood teams as a plugin.

The public API: :data:`hookimpl` to mark hook implementations, the domain models,
:func:`load_municipality`, and for an embedding system the casework engine (:class:`Casework`),
its case inputs and its errors. Heavy modules are imported on first use, so that importing the
package (and starting the CLI) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import pluggy

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("wijkteamkit")
"""Marks a function in a plugin as a hook implementation: ``@hookimpl``."""

_ENGINE_ERRORS = (
    "AccessDenied",
    "CaseworkError",
    "ConflictError",
    "ConsentRequired",
    "IllegalTransition",
    "NotFound",
    "PluginFailure",
    "RuleViolation",
    "StorageError",
)
_CASE_INPUTS = ("Actor", "AssessmentIn", "ConsentIn", "HouseholdIn", "PersonIn", "PlanIn", "Role")

_LAZY = {
    "load_municipality": "wijkteamkit.loading",
    "load": "wijkteamkit.loading",
    "load_one": "wijkteamkit.loading",
    "UnknownMunicipality": "wijkteamkit.loading",
    "MunicipalityLoadError": "wijkteamkit.loading",
    "validate": "wijkteamkit.validation",
    "Finding": "wijkteamkit.validation",
    "Casework": "wijkteamkit.engine.casework",
    "CaseSession": "wijkteamkit.engine.casework",
    "RequestIn": "wijkteamkit.domain.requests",
    "StepIn": "wijkteamkit.domain.requests",
    **dict.fromkeys(_CASE_INPUTS, "wijkteamkit.domain.case"),
    **dict.fromkeys(_ENGINE_ERRORS, "wijkteamkit.engine.errors"),
}

__all__ = [
    "AccessDenied",
    "Actor",
    "AssessmentIn",
    "CaseSession",
    "Casework",
    "CaseworkError",
    "ConflictError",
    "ConsentIn",
    "ConsentRequired",
    "Finding",
    "HouseholdIn",
    "IllegalTransition",
    "MunicipalityLoadError",
    "NotFound",
    "PersonIn",
    "PlanIn",
    "PluginFailure",
    "RequestIn",
    "Role",
    "RuleViolation",
    "StepIn",
    "StorageError",
    "UnknownMunicipality",
    "__version__",
    "hookimpl",
    "load",
    "load_municipality",
    "load_one",
    "validate",
]
"""Besides these, every model in :mod:`wijkteamkit.domain` is importable from here."""

if TYPE_CHECKING:
    from .domain import *  # noqa: F403
    from .domain.case import Actor, AssessmentIn, ConsentIn, HouseholdIn, PersonIn, PlanIn, Role
    from .domain.requests import RequestIn, StepIn
    from .engine.casework import CaseSession, Casework
    from .engine.errors import (
        AccessDenied,
        CaseworkError,
        ConflictError,
        ConsentRequired,
        IllegalTransition,
        NotFound,
        PluginFailure,
        RuleViolation,
        StorageError,
    )
    from .loading import (
        MunicipalityLoadError,
        UnknownMunicipality,
        load,
        load_municipality,
        load_one,
    )
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
