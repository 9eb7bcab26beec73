"""Synthetic household members: who lives together, when they were born, their BSNs."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from ..domain.case import MemberRole, PersonIn

SLOTS = 12
"""BSN slots reserved per household: members take the slots whose number passes the elfproef."""

_SPACE = 10**8
_STEP = 48_271_937
"""Odd and not a multiple of 5, so ``counter -> counter * _STEP + _OFFSET`` (mod 10^8) is a
permutation: every counter gets its own eight digits, scattered over the whole range."""
_OFFSET = 31_415_926


def bsn(counter: int) -> str | None:
    """The BSN of slot ``counter``: eight permuted digits and the elfproef check digit, or
    ``None`` when no check digit fits (the weighted sum leaves 10) or the number would be 0."""
    digits = f"{(counter * _STEP + _OFFSET) % _SPACE:08d}"
    check = sum((9 - i) * int(d) for i, d in enumerate(digits)) % 11
    if check == 10 or (check == 0 and digits == "00000000"):
        return None
    return digits + str(check)


def bsns(household: int, count: int = SLOTS) -> list[str]:
    """The first ``count`` BSNs reserved for the household numbered ``household`` (distinct for
    every number; fewer when its slots run out)."""
    numbers = (bsn(household * SLOTS + slot) for slot in range(SLOTS))
    return list(itertools.islice((n for n in numbers if n is not None), count))


_COMPOSITIONS: tuple[tuple[str, float], ...] = (
    ("single", 0.38),
    ("elderly", 0.12),
    ("couple", 0.15),
    ("single_parent", 0.15),
    ("family", 0.17),
    ("other", 0.03),
)


def _born(rng: random.Random, on: date, low: int, high: int) -> date:
    """A birth date of someone aged ``low`` to ``high`` (inclusive) on ``on``."""
    days = rng.randint(low * 365 + 1, high * 365 + 364)
    return on - timedelta(days=days)


def members(rng: random.Random, on: date, household: int) -> tuple[PersonIn, ...]:
    """The members of a household on ``on``: composition, birth dates, BSNs.

    The head always has a BSN (so the engine never takes the household for another one at the
    same address, which it does only for households without any); 5% of the others have none.
    """
    kind = rng.choices([k for k, _ in _COMPOSITIONS], [w for _, w in _COMPOSITIONS])[0]
    head_age = rng.randint(70, 94) if kind == "elderly" else rng.randint(19, 69)
    if kind in ("single_parent", "family"):
        head_age = rng.randint(22, 52)
    roles: list[tuple[MemberRole, int]] = [(MemberRole.HEAD, head_age)]
    if kind in ("couple", "family"):
        roles.append((MemberRole.PARTNER, max(18, head_age + rng.randint(-6, 6))))
    if kind in ("single_parent", "family"):
        for _ in range(rng.choices([1, 2, 3, 4], [0.4, 0.35, 0.18, 0.07])[0]):
            roles.append((MemberRole.CHILD, rng.randint(0, min(17, head_age - 18))))
    if kind == "other":
        roles.append((MemberRole.OTHER, rng.randint(18, 90)))
    numbers = bsns(household, len(roles))
    people = []
    for number, (role, age) in enumerate(roles):
        known = role is MemberRole.HEAD or rng.random() < 0.95
        given = numbers[number] if number < len(numbers) and known else None
        people.append(PersonIn(role=role, birth_date=_born(rng, on, age, age), bsn=given))
    return tuple(people)
