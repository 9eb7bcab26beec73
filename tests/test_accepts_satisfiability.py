"""The satisfiability decision agrees exactly with brute force over every assessment.

Brute force enumerates every assessment of a small setup (each domain scored 1-5 or not at all,
each indicator flagged or not) and asks ``holds``; the decision must say "satisfiable" exactly
when one of them satisfies the condition (or both conditions), and its witness must satisfy it.
"""

from __future__ import annotations

import itertools
import time
from datetime import date

import condition_strategies
import pytest
from hypothesis import given, settings

from wijkteamkit import load_municipality
from wijkteamkit.domain import AllOf, Condition, Facts
from wijkteamkit.domain.satisfiability import jointly_satisfiable, satisfiable, witness
from wijkteamkit.validation.escalation import (
    rules_that_never_fire,
    rules_whose_target_never_accepts,
)
from wijkteamkit.validation.finding import Check

ON = date(2016, 1, 1)

DOMAINS = ("financien", "huisvesting", "justitie")
INDICATORS = ("domestic-violence", "child-abuse")
conditions = condition_strategies.conditions(DOMAINS, INDICATORS, max_count=4, max_leaves=10)


def _every_assessment() -> list[Facts]:
    unscored = None
    found = []
    for values in itertools.product((*range(1, 6), unscored), repeat=len(DOMAINS)):
        scores = {d: v for d, v in zip(DOMAINS, values, strict=True) if v is not None}
        for n in range(len(INDICATORS) + 1):
            for flagged in itertools.combinations(INDICATORS, n):
                found.append(Facts(scores=scores, indicators=frozenset(flagged)))
    return found


EVERY = _every_assessment()


@settings(max_examples=400, deadline=None)
@given(condition=conditions)
def test_the_decision_agrees_with_brute_force(condition: Condition) -> None:
    expected = any(condition.holds(f) for f in EVERY)
    found = witness(condition, DOMAINS, INDICATORS)
    assert (found is not None) == expected
    if found is not None:
        assert condition.holds(found)
    assert satisfiable(condition, DOMAINS, INDICATORS) == expected


@settings(max_examples=300, deadline=None)
@given(first=conditions, second=conditions)
def test_two_conditions_together_agree_with_brute_force(
    first: Condition, second: Condition
) -> None:
    expected = any(first.holds(f) and second.holds(f) for f in EVERY)
    assert jointly_satisfiable(first, second, DOMAINS, INDICATORS) == expected


def test_ranges_that_only_meet_through_a_count_are_found() -> None:
    """Two of three domains must be problems, and the one listed twice must score 3 or more:
    only the other two can be the problems."""
    condition = AllOf.model_validate(
        {
            "conditions": [
                {"kind": "problem_domains", "min_count": 2, "domains": list(DOMAINS)},
                {"kind": "domain_score", "domain": "financien", "at_least": 3},
                {
                    "kind": "any_of",
                    "conditions": [
                        {"kind": "domain_score", "domain": "justitie", "at_least": 4},
                        {"kind": "domain_score", "domain": "huisvesting", "at_most": 2},
                    ],
                },
            ]
        }
    )
    found = witness(condition, DOMAINS, INDICATORS)
    assert found is not None and found.scores["financien"] >= 3
    assert found.scores["huisvesting"] <= 2 and found.scores["justitie"] <= 2
    stricter = AllOf(
        conditions=(
            condition,
            AllOf.model_validate(
                {"conditions": [{"kind": "domain_score", "domain": "justitie", "at_least": 3}]}
            ),
        )
    )
    assert witness(stricter, DOMAINS, INDICATORS) is None


@pytest.mark.parametrize("name", ["nijmegen", "zwolle", "s-hertogenbosch"])
def test_the_decisions_on_a_bundled_setup_take_under_50_ms(name: str) -> None:
    """They run in ``validate``: both rules that use them, over every rule of the setup."""
    setup = load_municipality(name)
    check = Check(setup, ON)
    started = time.perf_counter()
    for _ in range(10):
        list(rules_that_never_fire(check))
        list(rules_whose_target_never_accepts(check))
    assert (time.perf_counter() - started) / 10 < 0.05
