"""Reading a case as far as the actor may, the resident's right of access, erasure."""

from __future__ import annotations

from datetime import UTC
from typing import Any

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
from .errors import (
    AccessDenied,
    ConsentRequired,
    RuleViolation,
)
from .process import (
    CaseState,
)
from .session import CASEWORK, SessionBase


class AccessOps(SessionBase):
    """Reading a case as far as the actor may, the resident's right of access, erasure."""

    def read_case(self, household_id: int, purpose: str = CASEWORK) -> dict[str, Any]:
        """The case file, as far as the actor may see it.

        The resident and the plan's case director see all of it; anyone else only what the
        consent decision grants (by life domain), and a refusal is audited and raised.
        """
        with self._transaction() as db:
            household = self._household(db, household_id)
            plan = self._active_plan(db, household_id)
            if self.actor.role is Role.RESIDENT or (
                plan is not None and plan.case_director == self.actor.id
            ):
                self._audit(
                    db, "case.read", household_id, outcome="permit", reason="owner_or_director"
                )
                return self._case_file(db, household, None)
            if self.actor.role is Role.AUDITOR:
                raise AccessDenied("an auditor reads the audit log, not case files", rule="role")
            recipient = self.actor.team or self.actor.organisation
            scope = frozenset(d.key for d in self.setup.life_domains)
            decision = self._decide(db, household_id, recipient, purpose, scope, None)
            if not decision.permitted:
                self._commit(db)
                raise ConsentRequired(
                    f"{self.actor.id} ({recipient}) may not read household {household_id}: "
                    f"{decision.reason.value}"
                )
            return self._case_file(db, household, decision.granted)

    def _case_file(
        self, db: Session, household: HouseholdRow, granted: frozenset[str] | None
    ) -> dict[str, Any]:
        def allowed(domain: str) -> bool:
            return granted is None or domain in granted

        hid = household.id
        assessments = db.exec(
            select(AssessmentRow)
            .where(AssessmentRow.household_id == hid)
            .order_by(col(AssessmentRow.held_at))
        ).all()
        plans = db.exec(
            select(PlanRow).where(PlanRow.household_id == hid).order_by(col(PlanRow.id))
        ).all()
        file: dict[str, Any] = {
            "household": household.model_dump(mode="json"),
            "assessments": [
                {
                    **a.model_dump(mode="json", exclude={"scores", "notes"}),
                    "scores": {d: s for d, s in a.scores.items() if allowed(d)},
                    "notes": {d: n for d, n in a.notes.items() if allowed(d)},
                }
                for a in assessments
            ],
            "plans": [
                {
                    **p.model_dump(mode="json", exclude={"content"}),
                    "content": {
                        "goals": [g for g in p.content.get("goals", []) if allowed(g["domain"])],
                        "actions": [
                            a for a in p.content.get("actions", []) if allowed(a["domain"])
                        ],
                        "ladder_justification": p.content.get("ladder_justification"),
                    },
                }
                for p in plans
            ],
            "granted": None if granted is None else sorted(granted),
        }
        if granted is None:
            file["members"] = [
                p.model_dump(mode="json")
                for p in db.exec(select(PersonRow).where(PersonRow.household_id == hid)).all()
            ]
            file["signals"] = [
                s.model_dump(mode="json")
                for s in db.exec(select(SignalRow).where(SignalRow.household_id == hid)).all()
            ]
            file["escalations"] = [
                e.model_dump(mode="json")
                for e in db.exec(
                    select(EscalationRow).where(EscalationRow.household_id == hid)
                ).all()
            ]
            file["consents"] = [
                c.model_dump(mode="json")
                for c in db.exec(select(ConsentRow).where(ConsentRow.household_id == hid)).all()
            ]
        return file

    def export_subject(self, household_id: int) -> dict[str, Any]:
        """Everything about a household, with the audit entries about it (right of access)."""
        with self._transaction() as db:
            household = self._household(db, household_id)
            plan = self._active_plan(db, household_id)
            if not (
                self.actor.role is Role.RESIDENT
                or (plan is not None and plan.case_director == self.actor.id)
                or (self.actor.role is Role.TEAM_LEADER and household.team == self.actor.team)
            ):
                raise AccessDenied(
                    "only the resident, the case director or the team leader export a case",
                    rule="access",
                )
            document = self._case_file(db, household, None)
            document["disclosures"] = [
                d.model_dump(mode="json")
                for d in db.exec(
                    select(DisclosureRow).where(DisclosureRow.household_id == household_id)
                ).all()
            ]
            document["withdrawals"] = [
                w.model_dump(mode="json")
                for w in db.exec(
                    select(WithdrawalRow)
                    .join(ConsentRow)
                    .where(ConsentRow.household_id == household_id)
                ).all()
            ]
            self._audit(db, "subject.exported", household_id)
            db.flush()
            document["audit"] = [
                e.model_dump(mode="json")
                for e in db.exec(
                    select(AuditEntryRow)
                    .where(
                        AuditEntryRow.subject == household_id,
                        AuditEntryRow.municipality == self.actor.municipality,
                    )
                    .order_by(col(AuditEntryRow.seq))
                ).all()
            ]
            return document

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
            self._audit(
                db,
                "household.erased",
                household_id,
                detail={"retention_years": years, "closed_at": closed.isoformat()},
            )
