"""Hypothesis strategies for the escalation condition language, shared by the tests that
compare its evaluators (test_conditions) and its satisfiability decision with brute force
(test_accepts_satisfiability)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from wijkteamkit.domain.escalation import (
    AllOf,
    AnyOf,
    Condition,
    DomainScore,
    Flagged,
    ProblemDomains,
)

UNKNOWN_DOMAIN, UNKNOWN_INDICATOR = "onbekend-domein", "onbekende-indicator"
"""Rules may name keys the setup lacks: such a part never fires, in either evaluator."""


def conditions(
    domains: Sequence[str], indicators: Sequence[str], max_count: int, max_leaves: int
) -> st.SearchStrategy[Condition]:
    """Random nested conditions of every kind over ``domains`` and ``indicators`` (and one
    unknown key of each); a ``ProblemDomains`` asks for at most ``max_count`` domains."""
    domain_keys = st.sampled_from((*domains, UNKNOWN_DOMAIN))
    indicator_keys = st.sampled_from((*indicators, UNKNOWN_INDICATOR))
    thresholds = st.integers(1, 5)
    leaves: st.SearchStrategy[Condition] = st.one_of(
        st.builds(
            ProblemDomains,
            min_count=st.integers(1, max_count),
            at_most=thresholds,
            domains=st.lists(domain_keys, max_size=4).map(tuple),
        ),
        st.builds(DomainScore, domain=domain_keys, at_most=thresholds, at_least=thresholds),
        st.builds(Flagged, indicator=indicator_keys),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(AllOf, conditions=st.lists(inner, max_size=4).map(tuple)),
            st.builds(AnyOf, conditions=st.lists(inner, max_size=4).map(tuple)),
        ),
        max_leaves=max_leaves,
    )
