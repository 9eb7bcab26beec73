"""Plausible ZRM scores and indicators: most life domains fine, a few in trouble, debt with housing.

ZRM scores run from 1 (acute problem) to 5 (fully self-reliant); 2 or lower counts as a problem
(the default of the escalation rules' ``problem_domains``).
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping

from ..domain.signal import Reporter

TROUBLE_WEIGHT: Mapping[str, float] = {
    "financien": 3.0,
    "geestelijke-gezondheid": 2.0,
    "sociaal-netwerk": 1.8,
    "huisvesting": 1.5,
    "werk-opleiding": 1.5,
    "opvoeding": 1.5,
    "lichamelijke-gezondheid": 1.2,
    "tijdsbesteding": 1.0,
    "huiselijke-relaties": 1.0,
    "maatschappelijke-participatie": 0.9,
    "middelengebruik": 0.7,
    "instrumentele-adl": 0.6,
    "basale-adl": 0.4,
    "justitie": 0.4,
}
"""How often a life domain is among a household's problems, relative to the others (a domain
not listed weighs 0.5)."""

REPORTED: Mapping[Reporter, tuple[str, ...]] = {
    Reporter.DEBT_EARLY_WARNING: ("financien",),
    Reporter.HOUSING: ("huisvesting", "financien"),
    Reporter.POLICE: ("huiselijke-relaties", "justitie"),
    Reporter.SCHOOL: ("opvoeding",),
    Reporter.GP: ("geestelijke-gezondheid", "lichamelijke-gezondheid"),
    Reporter.INFORMAL_CARER: ("instrumentele-adl", "sociaal-netwerk"),
}
"""The domains a reporter usually worries about: one of them is a problem in most households."""

PROBLEM_COUNT = ((0, 0.18), (1, 0.30), (2, 0.27), (3, 0.13), (4, 0.07), (5, 0.03), (6, 0.02))
"""How many domains are in trouble (2 or lower): about one household in four has three or more."""

CORRELATED = (("financien", "huisvesting", 0.55), ("huisvesting", "financien", 0.6))
"""Debts and housing go together: a problem in the first brings one in the second this often."""


def scores(
    rng: random.Random, domains: Collection[str], reporter: Reporter, children: bool
) -> dict[str, int]:
    """ZRM scores for every applicable domain (``opvoeding`` only with children)."""
    scored = [d for d in domains if d != "opvoeding" or children]
    wanted = rng.choices([n for n, _ in PROBLEM_COUNT], [w for _, w in PROBLEM_COUNT])[0]
    trouble: list[str] = []
    reported = [d for d in REPORTED.get(reporter, ()) if d in scored]
    if reported and rng.random() < 0.8:
        trouble.append(rng.choice(reported))
    rest = [d for d in scored if d not in trouble]
    while len(trouble) < wanted and rest:
        pick = rng.choices(rest, [TROUBLE_WEIGHT.get(d, 0.5) for d in rest])[0]
        trouble.append(pick)
        rest.remove(pick)
    for first, second, chance in CORRELATED:
        if first in trouble and second in rest and rng.random() < chance:
            trouble.append(second)
            rest.remove(second)
    return {d: (rng.choices((1, 2), (0.3, 0.7))[0] if d in trouble else _fine(rng)) for d in scored}


def _fine(rng: random.Random) -> int:
    return rng.choices((3, 4, 5), (0.25, 0.4, 0.35))[0]


SIGNAL_INDICATORS: Mapping[Reporter, tuple[tuple[str, float], ...]] = {
    Reporter.POLICE: (("domestic-violence", 0.25), ("justice-involved", 0.2), ("veelpleger", 0.05)),
    Reporter.SCHOOL: (("child-abuse", 0.06),),
    Reporter.GP: (("severe-psychiatric", 0.05), ("domestic-violence", 0.02)),
    Reporter.HOUSING: (("domestic-violence", 0.02),),
}
"""What a reporter flags on a signal, and how often (only indicators the setup knows)."""


def signal_indicators(
    rng: random.Random, reporter: Reporter, known: Collection[str], children: bool
) -> frozenset[str]:
    """The indicators a reporter flags on the signal."""
    return frozenset(
        key
        for key, chance in SIGNAL_INDICATORS.get(reporter, ())
        if key in known and (key != "child-abuse" or children) and rng.random() < chance
    )


ASSESSED_INDICATORS = (
    ("geestelijke-gezondheid", 1, "severe-psychiatric", 0.4),
    ("huiselijke-relaties", 1, "domestic-violence", 0.3),
    ("justitie", 2, "justice-involved", 0.5),
)
"""An indicator the kitchen-table conversation brings up when a domain scores this low."""


def assessed_indicators(
    rng: random.Random, scored: Mapping[str, int], known: Collection[str]
) -> frozenset[str]:
    """The indicators flagged at the assessment, following its lowest scores."""
    return frozenset(
        key
        for domain, at_most, key, chance in ASSESSED_INDICATORS
        if key in known and scored.get(domain, 5) <= at_most and rng.random() < chance
    )
