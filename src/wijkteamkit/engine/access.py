"""Reading a case as far as the actor may, the resident's right of access, erasure."""

from __future__ import annotations

from datetime import UTC

from sqlmodel import col, select

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
from .context import CASEWORK, TEAM_ROLES, Context, Tx
from .disclosures import decide_disclosure
from .errors import (
    ConsentRequired,
    RuleViolation,
)
from .lookups import active_plan
from .process import (
    CaseState,
)
from .redaction import redact
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


class AccessOps:
    """Reading a case as far as the actor may, the resident's right of access, erasure."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def read_case(self, household_id: int, purpose: str = CASEWORK) -> CaseFile:
        """The case file, as far as the actor may see it.

        The resident and the plan's case director (by id, working in the household's team) see
        all of it. A member of another team sees only what the consent decision grants to their
        team, by life domain: every part of the file that reveals a domain not granted is left
        out (see :mod:`wijkteamkit.engine.redaction`). A refusal is audited and raised.
        """

        with self.context.transaction("read_case") as tx:
            household = tx.household(household_id)
            if self._reads_everything(tx, household):
                tx.audit("case.read", household_id, outcome="permit", reason="owner_or_director")
                return build_case_file(tx.db, self.context.setup, household)
            if self.context.actor.role not in TEAM_ROLES or self.context.actor.team is None:
                tx.refuse(
                    household_id,
                    "role",
                    f"a {self.context.actor.role.value} does not read case files; "
                    "an auditor reads the audit log",
                )
            recipient = self.context.actor.team
            scope = frozenset(d.key for d in self.context.setup.life_domains)
            decision = decide_disclosure(tx, household_id, recipient, purpose, scope, None)
            if not decision.permitted:
                tx.keep()
                raise ConsentRequired(
                    f"team {recipient!r} may not read household {household_id}: "
                    f"{decision.reason.value}; {decision.explain()}"
                )
            full = build_case_file(tx.db, self.context.setup, household)
            return redact(full, decision.granted, scope).model_copy(
                update={"granted": decision.granted}
            )

    def _reads_everything(self, tx: Tx, household: HouseholdRow) -> bool:
        if self.context.actor.role is Role.RESIDENT:
            return True  # _household() already checked it is their own
        plan = active_plan(tx, household.id or 0)
        return (
            plan is not None
            and plan.case_director == self.context.actor.id
            and self.context.actor.role in TEAM_ROLES
            and self.context.actor.team == household.team
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
        with self.context.transaction("record_access_request") as tx:
            household = tx.household(household_id)
            tx.require_team(household)
            return tx.audit(ACCESS_REQUESTED, household_id, detail={"channel": channel.strip()})

    def export_subject(self, household_id: int, request: int | None = None) -> SubjectExport:
        """Everything about a household, with the audit entries about it (right of access).

        For the resident themselves, or for a member of the household's team serving the
        resident's recorded request (``request``, from :meth:`record_access_request`), once.
        Nobody else: not the team leader on their own initiative, not another team.
        """
        with self.context.transaction("export_subject") as tx:
            household = tx.household(household_id)
            if self.context.actor.role is not Role.RESIDENT:
                tx.require_team(household)
                self._require_open_request(tx, household_id, request)
            document = build_case_file(tx.db, self.context.setup, household)
            tx.audit(
                SUBJECT_EXPORTED,
                household_id,
                detail={} if request is None else {"request": request},
            )
            tx.flush()  # the export lists its own entry
            return SubjectExport(
                case_file=document,
                disclosures=tuple(
                    DisclosureView.model_validate(d, from_attributes=True)
                    for d in household_rows(
                        tx.db, DisclosureRow, household_id, self.context.actor.municipality
                    )
                ),
                withdrawals=tuple(
                    WithdrawalView.model_validate(w, from_attributes=True)
                    for w in tx.db.exec(
                        select(WithdrawalRow)
                        .join(ConsentRow)
                        .where(
                            ConsentRow.household_id == household_id,
                            ConsentRow.municipality == self.context.actor.municipality,
                        )
                        .order_by(col(WithdrawalRow.id))
                    ).all()
                ),
                audit=tuple(
                    AuditEntryView.model_validate(e, from_attributes=True)
                    for e in tx.db.exec(
                        select(AuditEntryRow)
                        .where(
                            AuditEntryRow.subject == household_id,
                            AuditEntryRow.municipality == self.context.actor.municipality,
                        )
                        .order_by(col(AuditEntryRow.seq))
                    ).all()
                ),
            )

    def _require_open_request(self, tx: Tx, household_id: int, request: int | None) -> None:
        """A recorded, not yet served access request of this household, or an audited refusal."""
        entries = tx.db.exec(
            select(AuditEntryRow).where(
                AuditEntryRow.municipality == self.context.actor.municipality,
                AuditEntryRow.subject == household_id,
                col(AuditEntryRow.action).in_([ACCESS_REQUESTED, SUBJECT_EXPORTED]),
            )
        ).all()
        requested = {e.seq for e in entries if e.action == ACCESS_REQUESTED}
        served = {e.detail.get("request") for e in entries if e.action == SUBJECT_EXPORTED}
        if request is None or request not in requested or request in served:
            tx.refuse(
                household_id,
                "access-request",
                "the export goes to the resident, or to their team on the resident's recorded "
                "request: record it with record_access_request() and pass its number",
            )

    def erase_household(self, household_id: int) -> None:
        """Erase a closed household once the retention term has passed, leaving an audit entry."""
        years = self.context.setup.consent_policy.retention_years
        with self.context.transaction("erase_household") as tx:
            household = tx.household(household_id)
            tx.require_team(household, (Role.TEAM_LEADER,))
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
            if tx.now < until:
                raise RuleViolation(
                    f"household {household_id} must be kept until {until.date()} "
                    f"({years} years after closing)",
                    rule="retention",
                )
            # The erasure entry comes first: the append-only triggers let a consent, withdrawal
            # or disclosure be deleted only while its household's erasure is the newest entry.
            tx.audit(
                "household.erased",
                household_id,
                detail={"retention_years": years, "closed_at": closed.isoformat()},
            )
            tx.flush()
            for table in (
                DisclosureRow,
                EscalationRow,
                PlanRow,
                AssessmentRow,
                SignalRow,
                PersonRow,
            ):
                for row in tx.db.exec(
                    select(table).where(table.household_id == household_id)
                ).all():
                    tx.db.delete(row)
            consents = tx.db.exec(
                select(ConsentRow).where(ConsentRow.household_id == household_id)
            ).all()
            for withdrawal in tx.db.exec(
                select(WithdrawalRow).where(
                    col(WithdrawalRow.consent_id).in_([c.id for c in consents])
                )
            ).all():
                tx.db.delete(withdrawal)
            tx.db.flush()
            for consent in consents:
                tx.db.delete(consent)
            tx.db.flush()
            tx.db.delete(household)
