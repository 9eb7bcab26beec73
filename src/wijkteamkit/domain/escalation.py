"""Escalation targets and declarative escalation rules (opschaling).

A rule's ``when`` is a small condition language over an assessment's life-domain scores and the
indicators flagged on a signal or assessment. Conditions are data, so a setup can be validated
(does every rule refer to known domains, indicators and targets; can it ever fire?) and shown.

Each condition kind is evaluated two ways, defined side by side in its class: ``holds(facts)``
for one assessment (the interactive engine) and ``mask(table)`` for many at once, column by
column over an :class:`AssessmentTable` (screening a whole caseload). A property test keeps the
two equal. numpy is imported inside the columnar methods only: importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field

from .common import Item, Key, Model, NonEmptyText, Period
from .lifedomain import PROBLEM_THRESHOLD

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Mask = NDArray[np.bool_]


class Facts(Model):
    """What a rule is evaluated against: domain scores (1-5) and flagged indicators."""

    scores: Mapping[Key, int] = Field(default_factory=dict)
    indicators: frozenset[Key] = frozenset()


NOT_SCORED = 6
"""The score table's value for a domain an assessment did not score. It lies above every
threshold a condition can name (1-5), so no condition counts it, exactly as ``holds`` treats a
missing domain."""


@dataclass(frozen=True)
class AssessmentTable:
    """Many assessments as columns: what ``mask`` evaluates conditions over, one row each.

    ``scores`` is an int8 matrix with a column per key of ``domains`` holding 1-5, or
    :data:`NOT_SCORED`; ``flags`` a bool matrix with a column per key of ``indicators``. A domain
    or indicator without a column reads as not scored or not flagged. Both are kept
    column-major (each column contiguous, copied so if given otherwise): conditions read whole
    columns, 30 times faster so than with a row's values side by side.
    """

    domains: tuple[str, ...]
    scores: NDArray[np.int8]
    indicators: tuple[str, ...]
    flags: NDArray[np.bool_]

    def __post_init__(self) -> None:
        import numpy as np

        rows = self.scores.shape[0]
        if self.scores.dtype != np.int8 or self.scores.shape != (rows, len(self.domains)):
            raise ValueError(
                f"scores must be an int8 matrix of {len(self.domains)} column(s), one per domain; "
                f"got {self.scores.dtype} {self.scores.shape}"
            )
        if self.flags.dtype != np.bool_ or self.flags.shape != (rows, len(self.indicators)):
            raise ValueError(
                f"flags must be a bool matrix of {rows} row(s) and {len(self.indicators)} "
                f"column(s), one per indicator; got {self.flags.dtype} {self.flags.shape}"
            )
        object.__setattr__(self, "scores", np.asfortranarray(self.scores))
        object.__setattr__(self, "flags", np.asfortranarray(self.flags))

    @classmethod
    def of(
        cls, facts: Sequence[Facts], domains: Sequence[str], indicators: Sequence[str]
    ) -> AssessmentTable:
        """The table of ``facts``, one row each (for tests and comparisons; screening builds
        its tables straight from the database). Every scored domain must have a column."""
        import numpy as np

        scores = np.full((len(facts), len(domains)), NOT_SCORED, dtype=np.int8)
        flags = np.zeros((len(facts), len(indicators)), dtype=np.bool_)
        column = {key: i for i, key in enumerate(domains)}
        flag = {key: i for i, key in enumerate(indicators)}
        for row, fact in enumerate(facts):
            for domain, score in fact.scores.items():
                if domain not in column or not 1 <= score <= 5:
                    raise ValueError(f"row {row}: {domain!r} needs a column and a score of 1-5")
                scores[row, column[domain]] = score
            for indicator in fact.indicators:
                if indicator in flag:
                    flags[row, flag[indicator]] = True
        return cls(tuple(domains), scores, tuple(indicators), flags)

    @property
    def rows(self) -> int:
        """How many assessments the table holds."""
        return int(self.scores.shape[0])

    def score(self, domain: str) -> NDArray[np.int8]:
        """The domain's column (all :data:`NOT_SCORED` when the table has none)."""
        import numpy as np

        if domain in self.domains:
            return self.scores[:, self.domains.index(domain)]
        return np.full(self.rows, NOT_SCORED, dtype=np.int8)

    def flagged(self, indicator: str) -> Mask:
        """The indicator's column (all false when the table has none)."""
        import numpy as np

        if indicator in self.indicators:
            return self.flags[:, self.indicators.index(indicator)]
        return np.zeros(self.rows, dtype=np.bool_)


class ProblemDomains(Model):
    """Fires when at least ``min_count`` domains score at or below ``at_most`` (default 2).

    ``domains`` limits the count to those domains; empty means every scored domain.
    """

    kind: Literal["problem_domains"] = "problem_domains"
    """Names this condition kind."""
    min_count: int = Field(ge=1)
    """How many domains must score at or below at_most."""
    at_most: int = Field(default=PROBLEM_THRESHOLD, ge=1, le=5)
    """The score (1-5) at or below which a domain counts as a problem."""
    domains: tuple[Key, ...] = ()
    """Keys of the domains counted; empty counts every scored domain."""

    def holds(self, facts: Facts) -> bool:
        considered = self.domains or tuple(facts.scores)
        hits = sum(1 for d in considered if facts.scores.get(d, NOT_SCORED) <= self.at_most)
        return hits >= self.min_count

    def mask(self, table: AssessmentTable) -> Mask:
        """``holds`` for every row: a listed domain counts as often as it is listed."""
        import numpy as np

        columns = self.domains or table.domains
        hits = np.zeros(table.rows, dtype=np.int16)
        for domain in columns:
            hits += table.score(domain) <= self.at_most
        return hits >= self.min_count

    def describe(self) -> str:
        scope = f" of {', '.join(self.domains)}" if self.domains else ""
        return f"{self.min_count}+ domains{scope} scored <= {self.at_most}"


class DomainScore(Model):
    """Fires when one domain's score lies within ``at_least``..``at_most``."""

    kind: Literal["domain_score"] = "domain_score"
    """Names this condition kind."""
    domain: Key
    """The key of the life domain whose score is tested."""
    at_most: int = Field(default=5, ge=1, le=5)
    """The highest score (1-5) that fires."""
    at_least: int = Field(default=1, ge=1, le=5)
    """The lowest score (1-5) that fires."""

    def holds(self, facts: Facts) -> bool:
        score = facts.scores.get(self.domain)
        return score is not None and self.at_least <= score <= self.at_most

    def mask(self, table: AssessmentTable) -> Mask:
        """``holds`` for every row (:data:`NOT_SCORED` lies outside every range)."""
        score = table.score(self.domain)
        return (score >= self.at_least) & (score <= self.at_most)

    def describe(self) -> str:
        return f"{self.domain} scored {self.at_least}..{self.at_most}"


class Flagged(Model):
    """Fires when the indicator is flagged on the signal or assessment."""

    kind: Literal["flagged"] = "flagged"
    """Names this condition kind."""
    indicator: Key
    """The key of the indicator that must be flagged."""

    def holds(self, facts: Facts) -> bool:
        return self.indicator in facts.indicators

    def mask(self, table: AssessmentTable) -> Mask:
        """``holds`` for every row."""
        return table.flagged(self.indicator).copy()

    def describe(self) -> str:
        return f"flagged {self.indicator}"


class AllOf(Model):
    """Fires when every condition holds."""

    kind: Literal["all_of"] = "all_of"
    """Names this condition kind."""
    conditions: tuple[Condition, ...]
    """The conditions that must all hold."""

    def holds(self, facts: Facts) -> bool:
        return all(c.holds(facts) for c in self.conditions)

    def mask(self, table: AssessmentTable) -> Mask:
        """``holds`` for every row (true when there are no conditions, as ``all``)."""
        import numpy as np

        result = np.ones(table.rows, dtype=np.bool_)
        for condition in self.conditions:
            result &= condition.mask(table)
        return result

    def describe(self) -> str:
        return "(" + " and ".join(c.describe() for c in self.conditions) + ")"


class AnyOf(Model):
    """Fires when at least one condition holds."""

    kind: Literal["any_of"] = "any_of"
    """Names this condition kind."""
    conditions: tuple[Condition, ...]
    """The conditions of which at least one must hold."""

    def holds(self, facts: Facts) -> bool:
        return any(c.holds(facts) for c in self.conditions)

    def mask(self, table: AssessmentTable) -> Mask:
        """``holds`` for every row (false when there are no conditions, as ``any``)."""
        import numpy as np

        result = np.zeros(table.rows, dtype=np.bool_)
        for condition in self.conditions:
            result |= condition.mask(table)
        return result

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


class EscalationTarget(Item, Period):
    """A body a team escalates or refers to, existing from ``valid_from`` to ``valid_to``
    (Veilig Thuis from 1 January 2015); the engine escalates only to a target valid that day.

    ``handover="transfer"`` moves the lead to the target for a while (escalation proper, with a
    named responsible party); ``"referral"`` only shares the case and keeps the lead in the team.
    ``accepts`` is the condition (the language of :attr:`EscalationRule.when`) a household must
    meet for the target to take it on, judged on the household's latest assessment; ``None``
    accepts every household.
    """

    name: NonEmptyText
    """The target's name."""
    kind: TargetKind
    """What sort of body it is; legal bases cover targets by kind."""
    level: Level
    """The scale it works on."""
    handover: Literal["transfer", "referral"] = "transfer"
    """transfer moves the lead to the target for a while; referral shares the case and keeps the
    lead in the team."""
    accepts: Condition | None = None
    """The condition a household must meet (on its latest assessment) for the target to take it on;
    none accepts every household."""
    organisation: str | None = None
    """The organisation behind the target."""

    def takes(self, facts: Facts) -> bool:
        """Whether this target accepts a household with ``facts`` (every one without ``accepts``)."""
        return self.accepts is None or self.accepts.holds(facts)


class EscalationRule(Item, Period):
    """When ``when`` holds, propose handing the case to ``target`` (the rule applies from
    ``valid_from`` to ``valid_to``; its target and legal basis must be valid whenever it is).

    Lower ``priority`` numbers are proposed first. ``direct=True`` means the worker may approach
    the target at once without first discussing the case in the team; ``legal_basis`` names the
    legal basis (a key of a :class:`~wijkteamkit.domain.consent.LegalBasis`) that allows it.
    """

    name: NonEmptyText
    """The rule's name."""
    when: Condition
    """The condition on which the rule fires."""
    target: Key
    """The key of the escalation target the rule proposes."""
    priority: int = Field(default=100, ge=0)
    """The order of proposals: lower numbers are proposed first."""
    direct: bool = False
    """Whether the worker may approach the target at once, without first discussing the case in the
    team."""
    legal_basis: Key | None = None
    """The key of the legal basis that allows the hand-over without consent, if any."""

    def fires(self, scores: Mapping[str, int], indicators: Collection[str] = ()) -> bool:
        """Whether this rule fires for the given domain scores and flagged indicators."""
        return self.when.holds(Facts(scores=dict(scores), indicators=frozenset(indicators)))

    def mask(self, table: AssessmentTable) -> Mask:
        """For every row of ``table``, whether this rule fires (``fires``, column-wise)."""
        return self.when.mask(table)
