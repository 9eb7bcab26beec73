"""The escalation condition language: one definition, two evaluators that agree.

``holds``/``fires`` judge one assessment; ``mask`` judges a whole :class:`AssessmentTable` column
by column. The property test draws random assessments (some domains not scored) and random
nested rules of every kind and compares the two row by row; the examples pin each kind down with
a case that fires and one that does not.
"""

from __future__ import annotations

import subprocess
import sys

import condition_strategies
import numpy as np
import pytest
from condition_strategies import UNKNOWN_DOMAIN, UNKNOWN_INDICATOR
from hypothesis import given, settings
from hypothesis import strategies as st

from wijkteamkit.domain.escalation import (
    NOT_SCORED,
    AllOf,
    AnyOf,
    AssessmentTable,
    Condition,
    DomainScore,
    EscalationRule,
    Facts,
    Flagged,
    ProblemDomains,
)

DOMAINS = ("financien", "huisvesting", "justitie", "sociaal-netwerk", "taal")
INDICATORS = ("domestic-violence", "child-abuse", "veelpleger")
conditions = condition_strategies.conditions(DOMAINS, INDICATORS, max_count=6, max_leaves=12)
facts = st.builds(
    Facts,
    scores=st.dictionaries(st.sampled_from(DOMAINS), st.integers(1, 5)),
    indicators=st.frozensets(st.sampled_from(INDICATORS)),
)


def rule(when: Condition) -> EscalationRule:
    return EscalationRule.model_validate(
        {"key": "r", "name": "R", "when": when, "target": "t", "source": {"document": "x"}}
    )


@settings(max_examples=300, deadline=None)
@given(when=conditions, rows=st.lists(facts, min_size=1, max_size=25))
def test_columnar_and_per_assessment_evaluators_agree(when: Condition, rows: list[Facts]) -> None:
    table = AssessmentTable.of(rows, DOMAINS, INDICATORS)
    fired = rule(when).mask(table)
    assert fired.dtype == np.bool_ and fired.shape == (len(rows),)
    expected = [rule(when).fires(f.scores, f.indicators) for f in rows]
    assert fired.tolist() == expected


def one(scores: dict[str, int] | None = None, *indicators: str) -> AssessmentTable:
    return AssessmentTable.of(
        [Facts(scores=scores or {}, indicators=frozenset(indicators))], DOMAINS, INDICATORS
    )


@pytest.mark.parametrize(
    ("condition", "table", "fires"),
    [
        (ProblemDomains(min_count=2), one({"financien": 2, "taal": 1}), True),
        (ProblemDomains(min_count=2), one({"financien": 2, "taal": 3}), False),
        (ProblemDomains(min_count=1, domains=("taal",)), one({"taal": 2}), True),
        (ProblemDomains(min_count=1, domains=("taal",)), one({"financien": 1}), False),
        (ProblemDomains(min_count=2, domains=("taal", "taal")), one({"taal": 1}), True),
        (DomainScore(domain="taal", at_least=2, at_most=3), one({"taal": 3}), True),
        (DomainScore(domain="taal", at_least=2, at_most=3), one({"taal": 1}), False),
        (DomainScore(domain="taal", at_most=5), one({"financien": 1}), False),
        (Flagged(indicator="veelpleger"), one({}, "veelpleger"), True),
        (Flagged(indicator="veelpleger"), one({}, "child-abuse"), False),
        (Flagged(indicator=UNKNOWN_INDICATOR), one({}, *INDICATORS), False),
        (AllOf(conditions=(Flagged(indicator="veelpleger"),)), one({}, "veelpleger"), True),
        (
            AllOf(conditions=(Flagged(indicator="veelpleger"), DomainScore(domain="taal"))),
            one({}, "veelpleger"),
            False,
        ),
        (AllOf(conditions=()), one(), True),
        (
            AnyOf(conditions=(Flagged(indicator="veelpleger"), DomainScore(domain="taal"))),
            one({"taal": 4}),
            True,
        ),
        (AnyOf(conditions=(Flagged(indicator="veelpleger"),)), one({"taal": 4}), False),
        (AnyOf(conditions=()), one(), False),
    ],
)
def test_each_kind_fires_or_not(condition: Condition, table: AssessmentTable, fires: bool) -> None:
    assert condition.mask(table).tolist() == [fires]


def test_a_domain_without_a_column_reads_as_not_scored() -> None:
    table = one({"taal": 1})
    assert table.score(UNKNOWN_DOMAIN).tolist() == [NOT_SCORED]
    assert DomainScore(domain=UNKNOWN_DOMAIN).mask(table).tolist() == [False]
    assert table.score("taal").tolist() == [1]


def test_a_table_of_the_wrong_shape_or_type_is_refused() -> None:
    scores = np.full((2, 1), NOT_SCORED, dtype=np.int8)
    with pytest.raises(ValueError, match="one per domain"):
        AssessmentTable(("a", "b"), scores, (), np.zeros((2, 0), dtype=np.bool_))
    with pytest.raises(ValueError, match="one per indicator"):
        AssessmentTable(("a",), scores, ("x",), np.zeros((3, 1), dtype=np.bool_))
    with pytest.raises(ValueError, match="int8"):
        AssessmentTable(("a",), scores.astype(np.int64), (), np.zeros((2, 0), dtype=np.bool_))
    AssessmentTable(("a",), scores, ("x",), np.zeros((2, 1), dtype=np.bool_))


def test_a_score_outside_1_to_5_or_without_a_column_is_refused() -> None:
    with pytest.raises(ValueError, match="score of 1-5"):
        one({"taal": 0})
    with pytest.raises(ValueError, match="needs a column"):
        AssessmentTable.of([Facts(scores={UNKNOWN_DOMAIN: 1})], DOMAINS, INDICATORS)


def test_importing_the_conditions_does_not_import_numpy() -> None:
    code = (
        "import sys, wijkteamkit.domain.escalation as e; "
        "e.ProblemDomains(min_count=1).holds(e.Facts()); "
        "sys.exit('numpy' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
