"""Synthetic addresses inside a municipality's neighbourhoods: full postcodes, house numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from ..domain import MunicipalitySetup, Neighbourhood

LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
"""Letters used in Dutch postcodes (F, I, O, Q, U and Y are not)."""

_NOT_ISSUED = {"SA", "SD", "SS"}
"""Letter pairs never issued as a postcode."""

_PAIRS = tuple(a + b for a in LETTERS for b in LETTERS if a + b not in _NOT_ISSUED)

SUFFIXES = ("A", "B", "C", "1", "2", "3", "H", "BIS")
"""House letters and additions, as the engine normalises them."""


@dataclass(frozen=True)
class Area:
    """A neighbourhood that can take households: its key, its team, its postcode ranges."""

    neighbourhood: Neighbourhood
    team: str
    weight: float


@dataclass(frozen=True)
class Address:
    """Where a household lives."""

    postcode: str
    house_number: int
    suffix: str | None


def areas(setup: MunicipalitySetup) -> tuple[Area, ...]:
    """The neighbourhoods with postcodes and a team serving them, weighted by their households
    (equally when the setup does not give every neighbourhood's number).

    Raises :class:`LookupError` when there is none: no signal of the municipality can be routed.
    """
    served = []
    for n in setup.neighbourhoods:
        team = next((t.key for t in setup.teams if t.neighbourhood == n.key), None)
        if team is not None and n.postcodes:
            served.append((n, team))
    if not served:
        raise LookupError(
            f"{setup.municipality.name} has no neighbourhood with postcodes and a team serving "
            "it; add them to its setup before generating a caseload"
        )
    weighted = all(n.households for n, _ in served)
    return tuple(Area(n, team, float(n.households or 1) if weighted else 1.0) for n, team in served)


def postcode(rng: random.Random, entry: str) -> str:
    """A full postcode (``6535KT``) inside one range of a neighbourhood (``6535``, ``6535-6537``,
    ``6535AB`` or ``6535AB-6535KZ``): never outside it, so routing finds the neighbourhood."""
    low, _, high = entry.partition("-")
    high = high or low
    number = rng.randint(int(low[:4]), int(high[:4]))
    return f"{number:04d}" + rng.choice(_letters(low, high, number))


@cache
def _letters(low: str, high: str, number: int) -> tuple[str, ...]:
    digits = f"{number:04d}"
    inside = tuple(
        p for p in _PAIRS if low <= (digits + p)[: len(low)] and (digits + p)[: len(high)] <= high
    )
    return inside or (low[4:],)


def address(rng: random.Random, area: Area) -> Address:
    """An address in ``area``: a postcode in one of its ranges, a house number, now and then a
    suffix."""
    code = postcode(rng, rng.choice(area.neighbourhood.postcodes))
    number = min(int(rng.expovariate(1 / 40)) + 1, 999)
    suffix = rng.choice(SUFFIXES) if rng.random() < 0.1 else None
    return Address(code, number, suffix)
