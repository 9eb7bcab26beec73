"""Case data as validated input: who acts, households, assessments, plans, consent, disclosure.

These are plain pydantic models, validated before anything is written; the store's tables are
separate and skip validation (sqlmodel ``table=True``), so nothing reaches the database that did
not pass through a model here first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictInt,
    field_serializer,
    field_validator,
    model_validator,
)

from .common import (
    EARLIEST,
    MAX_ENTRIES,
    ActorId,
    CaseInput,
    CbsCode,
    Email,
    HouseNumber,
    HouseNumberSuffix,
    Instant,
    Key,
    Line,
    Model,
    Phone,
    Postcode,
    Text,
    local_date,
)
from .funding import Delivery
from .lifedomain import Score


class Role(StrEnum):
    """What an acting person is, for access decisions."""

    WORKER = "worker"
    TEAM_LEADER = "team_leader"
    CASE_DIRECTOR = "case_director"
    RESIDENT = "resident"
    AUDITOR = "auditor"
    INTAKE = "intake"
    """A system account that receives signals in bulk (a debt early-warning feed) and reads
    nothing: every read refuses it."""


class Actor(Model):
    """The person on whose behalf a read or write happens; every store call names one.

    ``id`` is a stable identifier (an employee number within ``organisation``, a resident's
    account id), never a display name: access decisions compare ids, and audit entries record
    them. Names belong to the embedding system, not to the engine.
    """

    id: ActorId
    role: Role
    municipality: CbsCode
    organisation: Line
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


def _plausible_birth_date(value: date) -> date:
    # Against this machine's clock; the engine checks against its own clock as well.
    if value < EARLIEST:
        raise ValueError(f"birth_date lies before {EARLIEST.isoformat()}; give a real date")
    if value > local_date(datetime.now(UTC)):
        raise ValueError("birth_date lies in the future")
    return value


BirthDate = Annotated[date, AfterValidator(_plausible_birth_date)]
"""A birth date on or after 1900-01-01, not in the future."""


class PersonIn(CaseInput):
    """A household member. The BSN is optional and checked with python-stdnum (elfproef);
    phone and e-mail are optional contact details (personal data, erased with the household)."""

    role: MemberRole
    birth_date: BirthDate
    name: Line | None = None
    bsn: str | None = Field(default=None, max_length=20)
    phone: Phone | None = None
    email: Email | None = None

    @field_validator("bsn")
    @classmethod
    def _valid_bsn(cls, value: str | None) -> str | None:
        return None if value is None else valid_bsn(value)


def valid_bsn(value: str) -> str:
    """``value`` as a BSN in compact form, checked with python-stdnum (elfproef); a
    :class:`ValueError` says why not, without repeating the number."""
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.nl import bsn

    try:
        return str(bsn.validate(value))
    except StdnumError as exc:
        raise ValueError(f"not a valid BSN ({exc})") from None


class HouseholdIn(CaseInput):
    """A household: its address (postcode, and optionally house number and suffix) and members."""

    postcode: Postcode
    members: tuple[PersonIn, ...] = Field(min_length=1, max_length=MAX_ENTRIES)
    neighbourhood: Key | None = None
    house_number: HouseNumber | None = None
    house_number_suffix: HouseNumberSuffix | None = None

    @model_validator(mode="after")
    def _suffix_of_a_number(self) -> HouseholdIn:
        if self.house_number_suffix is not None and self.house_number is None:
            raise ValueError("house_number_suffix needs a house_number; give both")
        return self

    @model_validator(mode="after")
    def _bsn_once(self) -> HouseholdIn:
        seen: dict[str, int] = {}
        for number, member in enumerate(self.members, start=1):
            if member.bsn is None:
                continue
            if member.bsn in seen:
                raise ValueError(
                    f"members {seen[member.bsn]} and {number} have the same BSN; "
                    "a person appears once in a household"
                )
            seen[member.bsn] = number
        return self

    @property
    def bsns(self) -> frozenset[str]:
        """The BSNs of the members who have one."""
        return frozenset(m.bsn for m in self.members if m.bsn is not None)


class AssessmentIn(CaseInput):
    """A kitchen-table conversation: ZRM scores per life domain, network, carers, notes."""

    scores: dict[Key, Score] = Field(max_length=MAX_ENTRIES)
    indicators: frozenset[Key] = Field(default=frozenset(), max_length=MAX_ENTRIES)
    network: tuple[Line, ...] = Field(default=(), max_length=MAX_ENTRIES)
    informal_carers: tuple[Line, ...] = Field(default=(), max_length=MAX_ENTRIES)
    notes: dict[Key, Text] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    held_at: Instant

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
    """The covenant's ladder, lowest first: own strength, network, general provision (algemene
    voorziening), tailored provision (maatwerkvoorziening). The engine derives an action's rung
    (:func:`wijkteamkit.engine.ladder.rung_of`); members are listed in ladder order."""

    OWN_STRENGTH = "own_strength"
    NETWORK = "network"
    ALGEMENE_VOORZIENING = "algemene_voorziening"
    MAATWERKVOORZIENING = "maatwerkvoorziening"


class PlanAction(CaseInput):
    """One action in a plan: what, by whom, for which life domain, with which provision.

    Its rung is derived, not chosen: from the provision's kind, or without a provision from who
    carries it out (:mod:`wijkteamkit.engine.ladder`). ``rung`` may be given as a check (the
    engine refuses one that contradicts the derived rung, and stores the derived one).
    ``delivery`` is care in kind (``zin``, the default) or a personal budget (``pgb``).
    """

    description: Text
    domain: Key
    actor: ActionBy
    rung: Rung | None = None
    provision: Key | None = None
    delivery: Delivery = Delivery.ZIN
    organisation: Line | None = None
    """The organisation of the professional the action is assigned to (a professional's
    action only); none means the team's own work. See :mod:`wijkteamkit.engine.mandate`."""

    @model_validator(mode="after")
    def _organisation_of_a_professional(self) -> PlanAction:
        if self.organisation is not None and self.actor is not ActionBy.PROFESSIONAL:
            raise ValueError(
                "only an action by a professional names an organisation; drop 'organisation' "
                "or set 'actor' to 'professional'"
            )
        return self


class PlanGoal(CaseInput):
    """A goal for one life domain."""

    domain: Key
    goal: Text


LOWER_RUNGS = (Rung.OWN_STRENGTH, Rung.NETWORK, Rung.ALGEMENE_VOORZIENING)
"""The rungs a plan that uses a maatwerkvoorziening considers first, in ladder order."""

LEGACY_FIELDS = frozenset({"ladder_justification"})
"""Fields of plans stored before the ladder was derived: read, never accepted as input."""


class PlanIn(CaseInput):
    """A plan's content. A final plan that uses a maatwerkvoorziening records, for each lower
    rung, why it does not suffice (``ladder_considerations``)."""

    goals: tuple[PlanGoal, ...] = Field(min_length=1, max_length=MAX_ENTRIES)
    actions: tuple[PlanAction, ...] = Field(min_length=1, max_length=MAX_ENTRIES)
    ladder_considerations: dict[Rung, Text] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _no_single_justification(cls, data: object) -> object:
        if isinstance(data, dict) and "ladder_justification" in data:
            raise ValueError(
                "ladder_justification is no longer accepted: give ladder_considerations, "
                "one text per lower rung (own_strength, network, algemene_voorziening)"
            )
        return data

    @field_validator("ladder_considerations")
    @classmethod
    def _lower_rungs_only(cls, value: dict[Rung, str]) -> dict[Rung, str]:
        if Rung.MAATWERKVOORZIENING in value:
            raise ValueError(
                "ladder_considerations are about the rungs below a maatwerkvoorziening "
                "(own_strength, network, algemene_voorziening)"
            )
        return value

    @field_serializer("ladder_considerations")
    def _ladder_order(self, value: dict[Rung, str]) -> dict[str, str]:
        return {rung.value: value[rung] for rung in LOWER_RUNGS if rung in value}


class ConsentIn(CaseInput):
    """Consent given by a resident: for what purpose, to whom, over which life domains, how long."""

    subject: StrictInt
    purpose: Line
    recipients: frozenset[Line] = Field(min_length=1, max_length=MAX_ENTRIES)
    scope: frozenset[Key] = Field(min_length=1, max_length=MAX_ENTRIES)
    valid_from: Instant
    valid_to: Instant | None = None
    form: Literal["spoken", "written"]

    @model_validator(mode="after")
    def _ordered(self) -> ConsentIn:
        if self.valid_to is not None and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must lie after valid_from")
        return self
