"""Escalation targets and declarative escalation rules (opschaling).

A rule's ``when`` is a small condition language over an assessment's life-domain scores and the
indicators flagged on a signal or assessment. Conditions are data, so a setup can be validated
(does every rule refer to known domains, indicators and targets; can it ever fire?) and shown.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from .common import Item, Key, Model, NonEmptyText
from .lifedomain import PROBLEM_THRESHOLD


class Facts(Model):
    """What a rule is evaluated against: domain scores (1-5) and flagged indicators."""

    scores: Mapping[Key, int] = Field(default_factory=dict)
    indicators: frozenset[Key] = frozenset()


class ProblemDomains(Model):
    """Fires when at least ``min_count`` domains score at or below ``at_most`` (default 2).

    ``domains`` limits the count to those domains; empty means every scored domain.
    """

    kind: Literal["problem_domains"] = "problem_domains"
    min_count: int = Field(ge=1)
    at_most: int = Field(default=PROBLEM_THRESHOLD, ge=1, le=5)
    domains: tuple[Key, ...] = ()

    def holds(self, facts: Facts) -> bool:
        considered = self.domains or tuple(facts.scores)
        hits = sum(1 for d in considered if facts.scores.get(d, 6) <= self.at_most)
        return hits >= self.min_count

    def describe(self) -> str:
        scope = f" of {', '.join(self.domains)}" if self.domains else ""
        return f"{self.min_count}+ domains{scope} scored <= {self.at_most}"


class DomainScore(Model):
    """Fires when one domain's score lies within ``at_least``..``at_most``."""

    kind: Literal["domain_score"] = "domain_score"
    domain: Key
    at_most: int = Field(default=5, ge=1, le=5)
    at_least: int = Field(default=1, ge=1, le=5)

    def holds(self, facts: Facts) -> bool:
        score = facts.scores.get(self.domain)
        return score is not None and self.at_least <= score <= self.at_most

    def describe(self) -> str:
        return f"{self.domain} scored {self.at_least}..{self.at_most}"


class Flagged(Model):
    """Fires when the indicator is flagged on the signal or assessment."""

    kind: Literal["flagged"] = "flagged"
    indicator: Key

    def holds(self, facts: Facts) -> bool:
        return self.indicator in facts.indicators

    def describe(self) -> str:
        return f"flagged {self.indicator}"


class AllOf(Model):
    """Fires when every condition holds."""

    kind: Literal["all_of"] = "all_of"
    conditions: tuple[Condition, ...]

    def holds(self, facts: Facts) -> bool:
        return all(c.holds(facts) for c in self.conditions)

    def describe(self) -> str:
        return "(" + " and ".join(c.describe() for c in self.conditions) + ")"


class AnyOf(Model):
    """Fires when at least one condition holds."""

    kind: Literal["any_of"] = "any_of"
    conditions: tuple[Condition, ...]

    def holds(self, facts: Facts) -> bool:
        return any(c.holds(facts) for c in self.conditions)

    def describe(self) -> str:
        return "(" + " or ".join(c.describe() for c in self.conditions) + ")"


Condition = Annotated[
    ProblemDomains | DomainScore | Flagged | AllOf | AnyOf, Field(discriminator="kind")
]
AllOf.model_rebuild()
AnyOf.model_rebuild()


class TargetKind(StrEnum):
    """What sort of body an escalation target is."""

    MULTIPROBLEM_TEAM = "multiproblem_team"
    SAFETY_HOUSE = "safety_house"
    MENTAL_HEALTH_TEAM = "mental_health_team"
    CARE_CHAIN = "care_chain"
    DOMESTIC_VIOLENCE_SERVICE = "domestic_violence_service"
    PROVISION_OFFICE = "provision_office"
    OTHER = "other"


class Level(StrEnum):
    """The scale a target works on."""

    NEIGHBOURHOOD = "neighbourhood"
    DISTRICT = "district"
    CITY = "city"
    REGION = "region"
    NATIONAL = "national"


class EscalationTarget(Item):
    """A body a team escalates or refers to.

    ``handover="transfer"`` moves the lead to the target for a while (escalation proper, with a
    named responsible party); ``"referral"`` only shares the case and keeps the lead in the team.
    ``accepts`` lists the indicator keys or problem descriptions the target takes on.
    """

    name: NonEmptyText
    kind: TargetKind
    level: Level
    handover: Literal["transfer", "referral"] = "transfer"
    accepts: tuple[str, ...] = ()
    organisation: str | None = None


class EscalationRule(Item):
    """When ``when`` holds, propose handing the case to ``target``.

    Lower ``priority`` numbers are proposed first. ``direct=True`` means the worker may approach
    the target at once without first discussing the case in the team; ``legal_basis`` names the
    legal basis (a key of a :class:`~wijkteamkit.domain.consent.LegalBasis`) that allows it.
    """

    name: NonEmptyText
    when: Condition
    target: Key
    priority: int = Field(default=100, ge=0)
    direct: bool = False
    legal_basis: Key | None = None

    def fires(self, scores: Mapping[str, int], indicators: Collection[str] = ()) -> bool:
        """Whether this rule fires for the given domain scores and flagged indicators."""
        return self.when.holds(Facts(scores=dict(scores), indicators=frozenset(indicators)))
