"""The tables. The core owns every table; plugins define none (``SQLModel.metadata`` is global).

Table models skip validation (sqlmodel ``table=True``), so rows are only built from the
validated input models in :mod:`wijkteamkit.domain.case`. Every row carries its municipality's
CBS code; every query filters on it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel, col


def _json() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class HouseholdRow(SQLModel, table=True):
    __tablename__ = "household"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    neighbourhood: str | None = Field(default=None, max_length=80)
    team: str | None = Field(default=None, index=True, max_length=80)
    postcode: str = Field(max_length=7)
    house_number: int | None = None
    house_number_suffix: str | None = Field(default=None, max_length=10)
    case_state: str = Field(max_length=30)
    created_at: datetime
    closed_at: datetime | None = None


class PersonRow(SQLModel, table=True):
    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=20)
    birth_date: date | None = None
    """Unknown for a person only a creditor reported without one (revision 0006)."""
    name: str | None = None
    bsn: str | None = Field(default=None, max_length=9)
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=254)


class SignalRow(SQLModel, table=True):
    __tablename__ = "signal"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    reporter: str = Field(max_length=30)
    received_at: datetime
    summary: str | None = None
    indicators: list[str] = _json()
    team: str | None = Field(default=None, max_length=80)
    state: str = Field(max_length=30)
    triage: str | None = Field(default=None, max_length=20)
    source: str | None = Field(default=None, max_length=80)
    """The feed or system the signal came from (revision 0006), with ``external_reference``
    the reference it was first received under; every reference it was received under, merged
    reports included, is in ``signal_reference``."""
    external_reference: str | None = Field(default=None, max_length=100)
    creditor_kind: str | None = Field(default=None, max_length=20)
    """A debt early-warning signal's creditor: its kind (housing, energy, water,
    health_insurer) and name, the arrears in integer cents and since when."""
    creditor: str | None = Field(default=None, max_length=200)
    arrears_cents: int | None = Field(default=None, sa_type=BigInteger)
    arrears_since: date | None = None


class SignalReferenceRow(SQLModel, table=True):
    """Every (source, external reference) a signal was received under, so a report merged
    into an earlier signal is recognised when it comes again. Deleted with its signal."""

    __tablename__ = "signal_reference"
    __table_args__ = (
        # The reference leads: a chunk's lookup (reference IN ...) is then an index condition
        # even before the planner has statistics on (municipality, source).
        UniqueConstraint(
            "external_reference", "source", "municipality", name="one_signal_per_reference"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=6)
    source: str = Field(max_length=80)
    external_reference: str = Field(max_length=100)
    signal_id: int = Field(foreign_key="signal.id", index=True, ondelete="CASCADE")


class AssessmentRow(SQLModel, table=True):
    __tablename__ = "assessment"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    held_at: datetime
    held_by: str
    scores: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    indicators: list[str] = _json()
    network: list[str] = _json()
    informal_carers: list[str] = _json()
    notes: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


_PLAN_VERSION = Column("version", Integer, nullable=False)
"""Optimistic locking: an UPDATE must match the version read, or it fails (StaleDataError)."""


class PlanRow(SQLModel, table=True):
    __tablename__ = "plan"
    __table_args__ = (
        Index(
            "one_active_plan_per_household",
            "household_id",
            unique=True,
            sqlite_where=text("state != 'closed'"),
            postgresql_where=text("state != 'closed'"),
        ),
    )
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _PLAN_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    team: str = Field(max_length=80)
    state: str = Field(max_length=20)
    case_director: str
    lead: str = Field(max_length=80)
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = Field(default=1, sa_column=_PLAN_VERSION)
    created_at: datetime
    finalised_at: datetime | None = None


class ConsentRow(SQLModel, table=True):
    __tablename__ = "consent"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    purpose: str
    recipients: list[str] = _json()
    scope: list[str] = _json()
    valid_from: datetime
    valid_to: datetime | None = None
    form: str = Field(max_length=10)
    given_at: datetime
    recorded_by: str


class WithdrawalRow(SQLModel, table=True):
    __tablename__ = "consent_withdrawal"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    consent_id: int = Field(foreign_key="consent.id", index=True, ondelete="CASCADE")
    at: datetime
    recorded_by: str


_ESCALATION_VERSION = Column("version", Integer, nullable=False)
"""Guarded transitions: confirm, reject and de-escalate must match the version read."""

OPEN_ESCALATION = "state IN ('proposed', 'active')"
ACTIVE_TRANSFER = "handover = 'transfer' AND state = 'active'"


class EscalationRow(SQLModel, table=True):
    __tablename__ = "escalation"
    __table_args__ = (
        Index(
            "one_open_proposal_per_target",
            "household_id",
            "target",
            unique=True,
            sqlite_where=text(OPEN_ESCALATION),
            postgresql_where=text(OPEN_ESCALATION),
        ),
        Index(
            "one_active_transfer_per_household",
            "household_id",
            unique=True,
            sqlite_where=text(ACTIVE_TRANSFER),
            postgresql_where=text(ACTIVE_TRANSFER),
        ),
    )
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _ESCALATION_VERSION}

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    plan_id: int | None = Field(default=None, foreign_key="plan.id", ondelete="CASCADE")
    rule: str = Field(max_length=80)
    target: str = Field(max_length=80)
    handover: str = Field(max_length=10)
    state: str = Field(max_length=20)
    direct: bool = False
    legal_basis: str | None = Field(default=None, max_length=80)
    responsible: str | None = None
    responsible_organisation: str | None = None
    confirmed_by: str | None = None
    previous_lead: str | None = Field(default=None, max_length=80)
    proposed_at: datetime
    confirmed_at: datetime | None = None
    ended_at: datetime | None = None
    rejected_because: str | None = Field(default=None, sa_type=Text)
    """Why the team leader rejected the proposal: case text, kept here (erasable), not in the
    append-only audit log."""
    version: int = Field(default=1, sa_column=_ESCALATION_VERSION)


class DisclosureRow(SQLModel, table=True):
    __tablename__ = "disclosure"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    requester: str
    recipient: str
    purpose: str
    scope: list[str] = _json()
    legal_basis: str | None = Field(default=None, max_length=80)
    outcome: str = Field(max_length=10)
    reason: str = Field(max_length=40)
    basis: str | None = None
    granted: list[str] = _json()
    at: datetime


class AuditEntryRow(SQLModel, table=True):
    """One audit entry. Append-only (triggers refuse UPDATE and DELETE); hash-chained."""

    __tablename__ = "audit_entry"
    __table_args__ = (UniqueConstraint("municipality", "seq", name="audit_chain_position"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    seq: int
    at: datetime
    actor: str
    actor_role: str = Field(max_length=20)
    actor_organisation: str
    action: str = Field(max_length=40)
    subject: int | None = Field(default=None, index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    outcome: str | None = Field(default=None, max_length=10)
    reason: str | None = Field(default=None, max_length=60)
    legal_basis: str | None = Field(default=None, max_length=80)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHeadRow(SQLModel, table=True):
    """The last entry of each municipality's audit chain; locked while appending."""

    __tablename__ = "audit_head"

    municipality: str = Field(primary_key=True, max_length=6)
    seq: int
    hash: str = Field(max_length=64)


# Indexes of lists and search (revision 0005; see wijkteamkit.engine.queries).
Index(
    "ix_household_listing",
    col(HouseholdRow.municipality),
    col(HouseholdRow.team),
    col(HouseholdRow.case_state),
)
Index("ix_person_bsn", col(PersonRow.municipality), col(PersonRow.bsn))
Index("ix_escalation_open", col(EscalationRow.municipality), col(EscalationRow.state))
# A team's households in id order: the keyset pages of its lists (revision 0007).
Index(
    "ix_household_team_listing",
    col(HouseholdRow.municipality),
    col(HouseholdRow.team),
    col(HouseholdRow.id),
)
# Finding a household by its address (revision 0006; see wijkteamkit.engine.intake).
Index(
    "ix_household_address",
    col(HouseholdRow.postcode),
    col(HouseholdRow.house_number),
    col(HouseholdRow.house_number_suffix),
    col(HouseholdRow.municipality),
)


class WmoRequestRow(SQLModel, table=True):
    """A request for a maatwerkvoorziening under the Wmo 2015 (revision 0010): the day of each
    step, recorded in order (report, investigation, application, decision), so the statutory
    terms can be checked. Deleted with its household."""

    __tablename__ = "wmo_request"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    team: str = Field(max_length=80)
    provision: str = Field(max_length=80)
    reported_on: date
    investigated_on: date | None = None
    applied_on: date | None = None
    decided_on: date | None = None
    decision: str | None = Field(default=None, max_length=10)
    recorded_by: str
    created_at: datetime


class ActionResponseRow(SQLModel, table=True):
    """An organisation's answer to an action a final plan requests of it (revision 0011): an
    action outside the organisation's mandate is a request it accepts or declines, once."""

    __tablename__ = "action_response"
    __table_args__ = (UniqueConstraint("plan_id", "action", name="one_response_per_action"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE")
    action: int
    """The action's position in the plan's actions, from 0."""
    organisation: str = Field(max_length=200)
    response: str = Field(max_length=10)
    responded_by: str = Field(max_length=80)
    responded_at: datetime


class DirectGrantRow(SQLModel, table=True):
    """A provision with direct access granted to a household without a signal, an assessment
    or the team (revision 0008; see wijkteamkit.engine.grants). Deleted with its household."""

    __tablename__ = "direct_grant"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    provision: str = Field(max_length=80)
    delivery: str = Field(max_length=10)
    granted_at: datetime
    granted_by: str
    """The id of the actor who recorded the grant (a worker, or the resident)."""
    granted_by_role: str = Field(max_length=20)


class IndicationRow(SQLModel, table=True):
    """An indication (revision 0009): a household's right to a provision, granted under a law
    (``awbz``, ``wmo-2015``...) with its original dates, imported or recorded; when it really
    ends follows from the setup's transitional law (:mod:`wijkteamkit.engine.indications`).
    Deleted with its household."""

    __tablename__ = "indication"
    __table_args__ = (
        UniqueConstraint(
            "household_id",
            "provision",
            "valid_from",
            "municipality",
            name="one_indication_per_start",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(index=True, max_length=6)
    household_id: int = Field(foreign_key="household.id", index=True, ondelete="CASCADE")
    provision: str = Field(max_length=80)
    law: str = Field(max_length=80)
    delivery: str = Field(max_length=3)
    valid_from: date
    valid_to: date | None = None
    recorded_by: str
    recorded_at: datetime


# Indications that end soon, by municipality (revision 0009; see wijkteamkit.engine.indications).
Index("ix_indication_ending", col(IndicationRow.municipality), col(IndicationRow.valid_to))
