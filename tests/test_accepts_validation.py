"""Validation of what targets accept: a rule that can never satisfy its target's ``accepts`` is
``rule-target-never-accepts``, and ``rule-never-fires`` decides exactly whether a rule can fire."""

from __future__ import annotations

from typing import Any

import pytest
from sample_town import ON, SRC, SampleTown, defaults

from wijkteamkit import EscalationRule, EscalationTarget, load_municipality, validate
from wijkteamkit.domain import Facts
from wijkteamkit.testing import PluginHarness

REGIETEAM = {"kind": "problem_domains", "min_count": 3}


def findings(**parts: Any) -> list[tuple[str, str]]:
    harness = PluginHarness()
    harness.register(SampleTown(**parts))
    return [(f.code, f.message) for f in harness.findings(ON)]


def codes(**parts: Any) -> list[str]:
    return [code for code, _ in findings(**parts)]


def target(accepts: Any) -> list[EscalationTarget]:
    """The sample town's targets, the regieteam accepting ``accepts``."""
    regieteam, *others = defaults()["escalation_targets"]
    changed = EscalationTarget.model_validate({**regieteam.model_dump(), "accepts": accepts})
    return [changed, *others]


def rule(when: Any) -> list[EscalationRule]:
    return [
        EscalationRule.model_validate(
            {"key": "r", "name": "R", "when": when, "target": "regieteam", "source": SRC}
        )
    ]


CASES: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    # the rule fires on one problem domain of two; the target wants three of any
    (
        {"kind": "problem_domains", "min_count": 1, "domains": ["financien", "justitie"]},
        {
            "kind": "all_of",
            "conditions": [
                {"kind": "domain_score", "domain": "financien", "at_least": 3},
                {"kind": "domain_score", "domain": "justitie", "at_least": 3},
            ],
        },
        {"kind": "domain_score", "domain": "financien", "at_least": 3},
    ),
    # a score range that misses the target's
    (
        {"kind": "domain_score", "domain": "financien", "at_most": 2},
        {"kind": "domain_score", "domain": "financien", "at_least": 3},
        {"kind": "domain_score", "domain": "financien", "at_least": 2},
    ),
    # an indicator the target does not take, and not alongside the scores it asks
    (
        {"kind": "domain_score", "domain": "geestelijke-gezondheid", "at_most": 2},
        {
            "kind": "all_of",
            "conditions": [
                {"kind": "flagged", "indicator": "severe-psychiatric"},
                {"kind": "domain_score", "domain": "geestelijke-gezondheid", "at_least": 3},
            ],
        },
        {
            "kind": "any_of",
            "conditions": [
                {"kind": "flagged", "indicator": "severe-psychiatric"},
                {"kind": "domain_score", "domain": "geestelijke-gezondheid", "at_least": 2},
            ],
        },
    ),
]


@pytest.mark.parametrize(("accepts", "never", "sometimes"), CASES)
def test_a_rule_its_target_never_accepts_is_an_error(
    accepts: dict[str, Any], never: dict[str, Any], sometimes: dict[str, Any]
) -> None:
    failing = findings(escalation_targets=target(accepts), escalation_rules=rule(never))
    reported = [message for code, message in failing if code == "rule-target-never-accepts"]
    assert len(reported) == 1
    assert "escalation rule 'r'" in reported[0] and "target 'regieteam'" in reported[0]
    assert "rule-never-fires" not in [code for code, _ in failing]
    passing = codes(escalation_targets=target(accepts), escalation_rules=rule(sometimes))
    assert "rule-target-never-accepts" not in passing


def test_a_target_without_accepts_accepts_every_rule() -> None:
    found = codes(escalation_targets=target(None), escalation_rules=rule(CASES[0][1]))
    assert "rule-target-never-accepts" not in found


def test_a_rule_that_never_fires_is_not_reported_twice() -> None:
    never = {"kind": "flagged", "indicator": "onbekend"}
    found = codes(escalation_targets=target(REGIETEAM), escalation_rules=rule(never))
    assert found.count("rule-never-fires") == 1 and "rule-target-never-accepts" not in found


def test_rule_never_fires_finds_parts_that_contradict_only_in_combination() -> None:
    """Each part can hold, and no two score ranges on one domain clash, yet together they
    never hold: two of two domains must be problems while one of them scores 4 or 5."""
    contradictory = {
        "kind": "all_of",
        "conditions": [
            {"kind": "problem_domains", "min_count": 2, "domains": ["financien", "justitie"]},
            {
                "kind": "any_of",
                "conditions": [{"kind": "domain_score", "domain": "justitie", "at_least": 4}],
            },
        ],
    }
    failing = findings(escalation_rules=rule(contradictory))
    assert [m for c, m in failing if c == "rule-never-fires"] == [
        "escalation rule 'r' can never fire: its parts contradict each other: no assessment "
        "satisfies them together."
    ]
    fine = {**contradictory, "kind": "any_of"}
    assert "rule-never-fires" not in codes(escalation_rules=rule(fine))


def test_a_domain_listed_twice_counts_twice_as_the_engine_counts_it() -> None:
    twice = {"kind": "problem_domains", "min_count": 2, "domains": ["financien", "financien"]}
    assert "rule-never-fires" not in codes(escalation_rules=rule(twice))


@pytest.mark.parametrize("name", ["nijmegen", "zwolle", "s-hertogenbosch"])
def test_every_bundled_target_accepts_what_its_rules_fire_on(name: str) -> None:
    setup = load_municipality(name)
    assert all(t.accepts is not None for t in setup.escalation_targets)
    found = [f.code for f in validate(setup)]
    assert "rule-target-never-accepts" not in found and "rule-never-fires" not in found


def test_nijmegens_fact_team_accepts_severe_psychiatric_problems() -> None:
    """Uitvoeringsnotitie §5: 'FACT-teams voor mensen met ernstige psychiatrische aandoening'."""
    fact = load_municipality("nijmegen").get("escalation_targets", "fact")
    assert isinstance(fact, EscalationTarget) and fact.accepts is not None
    assert fact.accepts.holds(Facts(scores={"geestelijke-gezondheid": 2}))
    assert fact.accepts.holds(Facts(indicators=frozenset({"severe-psychiatric"})))
    assert not fact.accepts.holds(Facts(scores={"geestelijke-gezondheid": 3, "financien": 1}))
