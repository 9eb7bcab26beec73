"""Reading a case as far as the actor may, the resident's right of access, erasure."""

from __future__ import annotations

from datetime import UTC

from sqlmodel import Session, col, select

from ..domain.case import (
    Role,
)
from ..store.tables import (
    AssessmentRow,
    AuditEntryRow,
    ConsentRow,
    DisclosureRow,
    EscalationRow,
    HouseholdRow,
    PersonRow,
    PlanRow,
    SignalRow,
    WithdrawalRow,
)
from .casefile import build_case_file, household_rows
from .errors import (
    ConsentRequired,
    RuleViolation,
)
from .process import (
    CaseState,
)
from .redaction import redact
from .session import CASEWORK, TEAM_ROLES, SessionBase
from .views import (
    AuditEntryView,
    CaseFile,
    DisclosureView,
    SubjectExport,
    WithdrawalView,
)

ACCESS_REQUESTED = "subject.access_requested"
"""The audit action that records a resident's request for their data (AVG art. 15)."""

SUBJECT_EXPORTED = "subject.exported"


class AccessOps(SessionBase):
    """Reading a case as far as the actor may, the resident's right of access, erasure."""

    def read_case(self, household_id: int, purpose: str = CASEWORK) -> CaseFile:
        """The case file, as far as the actor may see it.

        The resident and the plan's case director (by id, working in the household's team) see
        all of it. A member of another team sees only what the consent decision grants to their
        team, by life domain: every part of the file that reveals a domain not granted is left
        out (see :mod:`wijkteamkit.engine.redaction`). A refusal is audited and raised.
        """
        with self._transaction() as db:
            household = self._household(db, household_id)
            if self._reads_everything(db, household):
                self._audit(
                    db, "case.read", household_id, outcome="permit", reason="owner_or_director"
                )
                return build_case_file(db, self.setup, household)
            if self.actor.role not in TEAM_ROLES or self.actor.team is None:
                self._refuse(
                    db,
                    household_id,
                    "role",
                    f"a {self.actor.role.value} does not read case files; "
                    "an auditor reads the audit log",
                )
            recipient = self.actor.team
            scope = frozenset(d.key for d in self.setup.life_domains)
            decision = self._decide(db, household_id, recipient, purpose, scope, None)
            if not decision.permitted:
                self._commit(db)
                raise ConsentRequired(
                    f"team {recipient!r} may not read household {household_id}: "
                    f"{decision.reason.value}; {decision.explain()}"
                )
            full = build_case_file(db, self.setup, household)
            return redact(full, decision.granted, scope).model_copy(
                update={"granted": decision.granted}
            )

    def _reads_everything(self, db: Session, household: HouseholdRow) -> bool:
        if self.actor.role is Role.RESIDENT:
            return True  # _household() already checked it is their own
        plan = self._active_plan(db, household.id or 0)
        return (
            plan is not None
            and plan.case_director == self.actor.id
            and self.actor.role in TEAM_ROLES
            and self.actor.team == household.team
        )

    def record_access_request(self, household_id: int, channel: str) -> int:
        """Record that the resident asked for their data; returns the request's number.

        A member of the household's team records it (the resident asked at the counter, by
        letter, ...); :meth:`export_subject` then serves it once.
        """
        if not channel.strip() or len(channel) > 40 or not channel.isprintable():
            raise RuleViolation(
                "say how the request came in (channel): 1-40 printable characters, "
                "e.g. 'letter' or 'counter'",
                rule="access-request",
            )
        with self._transaction() as db:
            household = self._household(db, household_id)
            self._require_team(db, household)
            entry = self._audit(
                db, ACCESS_REQUESTED, household_id, detail={"channel": channel.strip()}
            )
            return entry.seq

    def export_subject(self, household_id: int, request: int | None = None) -> SubjectExport:
        """Everything about a household, with the audit entries about it (right of access).

        For the resident themselves, or for a member of the household's team serving the
        resident's recorded request (``request``, from :meth:`record_access_request`), once.
        Nobody else: not the team leader on their own initiative, not another team.
        """
        with self._transaction() as db:
            household = self._household(db, household_id)
            if self.actor.role is not Role.RESIDENT:
                self._require_team(db, household)
                self._require_open_request(db, household_id, request)
            document = build_case_file(db, self.setup, household)
            self._audit(
                db,
                SUBJECT_EXPORTED,
                household_id,
                detail={} if request is None else {"request": request},
            )
            db.flush()
            return SubjectExport(
                case_file=document,
                disclosures=tuple(
                    DisclosureView.model_validate(d, from_attributes=True)
                    for d in household_rows(
                        db, DisclosureRow, household_id, self.actor.municipality
                    )
                ),
                withdrawals=tuple(
                    WithdrawalView.model_validate(w, from_attributes=True)
                    for w in db.exec(
                        select(WithdrawalRow)
                        .join(ConsentRow)
                        .where(
                            ConsentRow.household_id == household_id,
                            ConsentRow.municipality == self.actor.municipality,
                        )
                        .order_by(col(WithdrawalRow.id))
                    ).all()
                ),
                audit=tuple(
                    AuditEntryView.model_validate(e, from_attributes=True)
                    for e in db.exec(
                        select(AuditEntryRow)
                        .where(
                            AuditEntryRow.subject == household_id,
                            AuditEntryRow.municipality == self.actor.municipality,
                        )
                        .order_by(col(AuditEntryRow.seq))
                    ).all()
                ),
            )

    def _require_open_request(self, db: Session, household_id: int, request: int | None) -> None:
        """A recorded, not yet served access request of this household, or an audited refusal."""
        entries = db.exec(
            select(AuditEntryRow).where(
                AuditEntryRow.municipality == self.actor.municipality,
                AuditEntryRow.subject == household_id,
                col(AuditEntryRow.action).in_([ACCESS_REQUESTED, SUBJECT_EXPORTED]),
            )
        ).all()
        requested = {e.seq for e in entries if e.action == ACCESS_REQUESTED}
        served = {e.detail.get("request") for e in entries if e.action == SUBJECT_EXPORTED}
        if request is None or request not in requested or request in served:
            self._refuse(
                db,
                household_id,
                "access-request",
                "the export goes to the resident, or to their team on the resident's recorded "
                "request: record it with record_access_request() and pass its number",
            )

    def erase_household(self, household_id: int) -> None:
        """Erase a closed household once the retention term has passed, leaving an audit entry."""
        years = self.setup.consent_policy.retention_years
        with self._transaction() as db:
            household = self._household(db, household_id)
            self._require_team(db, household, (Role.TEAM_LEADER,))
            if household.case_state != CaseState.CLOSED or household.closed_at is None:
                raise RuleViolation(
                    f"household {household_id} is not closed; close the case first",
                    rule="retention",
                )
            closed = household.closed_at.replace(tzinfo=household.closed_at.tzinfo or UTC)
            try:
                until = closed.replace(year=closed.year + years)
            except ValueError:  # 29 February
                until = closed.replace(year=closed.year + years, day=28)
            if self._now() < until:
                raise RuleViolation(
                    f"household {household_id} must be kept until {until.date()} "
                    f"({years} years after closing)",
                    rule="retention",
                )
            # The erasure entry comes first: the append-only triggers let a consent, withdrawal
            # or disclosure be deleted only while its household's erasure is the newest entry.
            self._audit(
                db,
                "household.erased",
                household_id,
                detail={"retention_years": years, "closed_at": closed.isoformat()},
            )
            db.flush()
            for table in (
                DisclosureRow,
                EscalationRow,
                PlanRow,
                AssessmentRow,
                SignalRow,
                PersonRow,
            ):
                for row in db.exec(select(table).where(table.household_id == household_id)).all():
                    db.delete(row)
            consents = db.exec(
                select(ConsentRow).where(ConsentRow.household_id == household_id)
            ).all()
            for withdrawal in db.exec(
                select(WithdrawalRow).where(
                    col(WithdrawalRow.consent_id).in_([c.id for c in consents])
                )
            ).all():
                db.delete(withdrawal)
            db.flush()
            for consent in consents:
                db.delete(consent)
            db.flush()
            db.delete(household)
