"""The keys a plugin can refer to: every keyed item of a setup, with its name and origin.

Used by ``wijkteamkit keys`` and by the generated docs/reference.md. :func:`national_setup`
assembles the national layer alone, so its keys can be listed before any municipality exists.
"""

from __future__ import annotations

from typing import NamedTuple

from .domain import COLLECTIONS, Municipality, MunicipalitySetup

PLACEHOLDER = Municipality(code="GM0000", name="(national layer only)")
"""The municipality the national layer is assembled for when no municipality is given."""


class KeyEntry(NamedTuple):
    """One key of a collection: its name (or ``""``) and the plugin that supplied it."""

    collection: str
    key: str
    name: str
    origin: str


def national_setup() -> MunicipalitySetup:
    """The national layer (``wijkteamkit.defaults.national``) merged on its own."""
    from .loading import layers_below

    return layers_below(PLACEHOLDER)


def keys_of(setup: MunicipalitySetup) -> dict[str, list[KeyEntry]]:
    """Every collection of :data:`~wijkteamkit.domain.COLLECTIONS` (empty ones too) with the
    keys it holds, in merge order."""
    return {
        c.name: [
            KeyEntry(
                c.name,
                item.key,
                str(getattr(item, "name", "")),
                setup.origin(f"{c.name}/{item.key}"),
            )
            for item in getattr(setup, c.name)
        ]
        for c in COLLECTIONS
    }
