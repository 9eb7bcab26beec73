"""Case data as validated input: who acts, households, assessments, plans, consent, disclosure.

These are plain pydantic models, validated before anything is written; the store's tables are
separate and skip validation (sqlmodel ``table=True``), so nothing reaches the database that did
not pass through a model here first.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field, field_serializer, field_validator, model_validator

from .common import ActorId, CbsCode, Key, Model, NonEmptyText
from .lifedomain import Score


class Role(StrEnum):
    """What an acting person is, for access decisions."""

    WORKER = "worker"
    TEAM_LEADER = "team_leader"
    CASE_DIRECTOR = "case_director"
    RESIDENT = "resident"
    AUDITOR = "auditor"


class Actor(Model):
    """The person on whose behalf a read or write happens; every store call names one.

    ``id`` is a stable identifier (an employee number within ``organisation``, a resident's
    account id), never a display name: access decisions compare ids, and audit entries record
    them. Names belong to the embedding system, not to the engine.
    """

    id: ActorId
    role: Role
    municipality: CbsCode
    organisation: NonEmptyText
    team: Key | None = None
    household: int | None = None
    """For a resident: the household they belong to."""

    @model_validator(mode="after")
    def _scope_given(self) -> Actor:
        if self.role in (Role.WORKER, Role.TEAM_LEADER, Role.CASE_DIRECTOR) and self.team is None:
            raise ValueError(f"a {self.role.value} acts for a team; give 'team'")
        if self.role is Role.RESIDENT and self.household is None:
            raise ValueError("a resident acts for their own household; give 'household'")
        return self


class MemberRole(StrEnum):
    """A person's place in the household."""

    HEAD = "head"
    PARTNER = "partner"
    CHILD = "child"
    OTHER = "other"


class PersonIn(Model):
    """A household member. The BSN is optional and checked with python-stdnum (elfproef)."""

    role: MemberRole
    birth_date: date
    name: str | None = None
    bsn: str | None = None

    @field_validator("bsn")
    @classmethod
    def _valid_bsn(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from stdnum.exceptions import ValidationError as StdnumError
        from stdnum.nl import bsn

        try:
            return str(bsn.validate(value))
        except StdnumError as exc:
            raise ValueError(f"not a valid BSN ({exc})") from None

    @field_validator("birth_date")
    @classmethod
    def _not_in_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("birth_date lies in the future")
        return value


class HouseholdIn(Model):
    """A household: its address postcode and members."""

    postcode: str = Field(pattern=r"^\d{4}[A-Z]{2}$")
    members: tuple[PersonIn, ...] = Field(min_length=1)
    neighbourhood: Key | None = None

    @field_validator("postcode", mode="before")
    @classmethod
    def _normalise_postcode(cls, value: object) -> object:
        return value.replace(" ", "").upper() if isinstance(value, str) else value


class AssessmentIn(Model):
    """A kitchen-table conversation: ZRM scores per life domain, network, carers, notes."""

    scores: dict[Key, Score]
    indicators: frozenset[Key] = frozenset()
    network: tuple[NonEmptyText, ...] = ()
    informal_carers: tuple[NonEmptyText, ...] = ()
    notes: dict[Key, str] = Field(default_factory=dict)
    held_at: datetime

    @field_serializer("indicators")
    def _sorted(self, indicators: frozenset[str]) -> list[str]:
        return sorted(indicators)


class ActionBy(StrEnum):
    """Who carries out an action in a plan (the Basisontwerp's "wie wat doet")."""

    SELF = "self"
    INFORMAL_CARER = "informal_carer"
    NETWORK = "network"
    VOLUNTEER = "volunteer"
    PROFESSIONAL = "professional"


class Rung(StrEnum):
    """The covenant's ladder: own strength, network, general provision, tailored provision."""

    OWN_STRENGTH = "own_strength"
    NETWORK = "network"
    ALGEMENE_VOORZIENING = "algemene_voorziening"
    MAATWERKVOORZIENING = "maatwerkvoorziening"


class PlanAction(Model):
    """One action in a plan: what, by whom, on which rung, for which life domain."""

    description: NonEmptyText
    domain: Key
    actor: ActionBy
    rung: Rung
    provision: Key | None = None


class PlanGoal(Model):
    """A goal for one life domain."""

    domain: Key
    goal: NonEmptyText


class PlanIn(Model):
    """A plan's content. A plan using a maatwerkvoorziening says why lower rungs do not suffice."""

    goals: tuple[PlanGoal, ...] = Field(min_length=1)
    actions: tuple[PlanAction, ...] = Field(min_length=1)
    ladder_justification: str | None = None

    @property
    def uses_maatwerk(self) -> bool:
        """Whether any action relies on a maatwerkvoorziening."""
        return any(a.rung is Rung.MAATWERKVOORZIENING for a in self.actions)


class ConsentIn(Model):
    """Consent given by a resident: for what purpose, to whom, over which life domains, how long."""

    subject: int
    purpose: NonEmptyText
    recipients: frozenset[NonEmptyText] = Field(min_length=1)
    scope: frozenset[Key] = Field(min_length=1)
    valid_from: datetime
    valid_to: datetime | None = None
    form: Literal["spoken", "written"]

    @model_validator(mode="after")
    def _ordered(self) -> ConsentIn:
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must lie after valid_from")
        return self
