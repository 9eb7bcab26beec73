"""What every casework operation shares: one transaction, the actor's scope, audit, events.

The casework engine runs the work process on a real database, for one municipality.

Every operation runs as one transaction on behalf of an :class:`~wijkteamkit.domain.case.Actor`
and is audited; if it raises, nothing of it was written. Queries filter on the actor's
municipality, so nothing of another municipality is ever returned. Events are announced through
the event hooks after the transaction commits.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel, col, select

from ..domain.case import (
    Actor,
    Role,
)
from ..domain.events import (
    DisclosureDecided,
    Event,
)
from ..problems import describe
from ..store import audit, tenancy
from ..store.records import binding
from ..store.tables import (
    AuditEntryRow,
    ConsentRow,
    DisclosureRow,
    HouseholdRow,
    PlanRow,
    WithdrawalRow,
)
from .consent import Consent, Decision, DisclosureRequest, Withdrawal, decide
from .dberrors import translate
from .errors import (
    AccessDenied,
    ConflictError,
    NotFound,
    RuleViolation,
)
from .ids import in_range as id_in_range
from .process import (
    CASE,
    CaseState,
    PlanState,
)
from .results import HookFailure, OperationResult

if TYPE_CHECKING:
    from .casework import Casework

log = logging.getLogger("wijkteamkit.engine")

Row = TypeVar("Row", bound=SQLModel)

TEAM_ROLES = (Role.WORKER, Role.TEAM_LEADER, Role.CASE_DIRECTOR)
CASEWORK = "casework"
"""The purpose of sharing within the help given: reading by team members, hand-over on escalation."""


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class SessionBase:
    """Operations on behalf of one actor. Each public method is one audited transaction;
    events it causes are announced once that transaction has committed."""

    def __init__(self, casework: Casework, actor: Actor) -> None:
        self.casework = casework
        self.setup = casework.setup
        self.actor = actor
        self._events: list[tuple[str, Event]] = []
        self._hook_failures: list[HookFailure] = []
        self._in_transaction = False

    def _announce(self, hook: str, event: Event) -> None:
        """Announce an event now, or when the transaction in progress commits."""
        if self._in_transaction:
            self._events.append((hook, event))
        else:
            self._call_hook(hook, event)

    def _call_hook(self, hook: str, event: Event) -> None:
        self._hook_failures += self.casework.announce(hook, event)

    def _commit(self, db: Session) -> None:
        """Commit now (e.g. to keep an audited refusal before raising) and announce what is queued.

        A hook that raises cannot undo the commit: it is logged and kept in ``hook_failures``.
        """
        db.commit()
        events, self._events = self._events, []
        for hook, event in events:
            self._call_hook(hook, event)

    @property
    def hook_failures(self) -> tuple[HookFailure, ...]:
        """The event hooks that raised after the last operation's commit (reads included)."""
        return tuple(self._hook_failures)

    def _result(self) -> OperationResult:
        """The result of a write operation that returns nothing else."""
        return OperationResult(hook_failures=self.hook_failures)

    def _transaction(self) -> AbstractContextManager[Session]:
        """One transaction for the calling operation, named in logs by its method name."""
        return self._run(sys._getframe(1).f_code.co_name)

    @contextmanager
    def _run(self, operation: str) -> Iterator[Session]:
        """Commit on success, roll back on any error; database errors leave as casework errors.

        On SQLite the transaction begins with ``BEGIN IMMEDIATE`` (writers queue, see
        :mod:`wijkteamkit.store.database`); contention becomes :class:`ConflictError`.
        """
        self._hook_failures = []
        with Session(self.casework.writer, expire_on_commit=False) as db:
            tenancy.bind(db, self.actor.municipality)
            self._in_transaction = True
            try:
                yield db
                self._commit(db)
            except StaleDataError:
                db.rollback()
                log.warning("%s failed: the record changed since it was read", operation)
                raise ConflictError(
                    "the record was changed by someone else since you read it; reload and retry"
                ) from None
            except SQLAlchemyError as exc:
                db.rollback()
                raise translate(exc, operation) from None
            except BaseException:
                db.rollback()
                raise
            finally:
                self._events.clear()
                self._in_transaction = False

    def _now(self) -> datetime:
        return self.casework.clock()

    def _audit(self, db: Session, action: str, subject: int | None, **fields: Any) -> AuditEntryRow:
        return audit.append(db, self.actor, action, self._now(), subject, **fields)

    def _get(self, db: Session, table: type[Row], key: int, what: str) -> Row:
        row = db.get(table, key) if id_in_range(db, table, key) else None
        if row is None or getattr(row, "municipality", None) != self.actor.municipality:
            raise NotFound(f"no {what} {key!r:.40} in {self.setup.municipality.name}")
        return row

    def _household(self, db: Session, household_id: int) -> HouseholdRow:
        household = self._get(db, HouseholdRow, household_id, "household")
        if self.actor.role is Role.RESIDENT and self.actor.household != household_id:
            raise NotFound(f"no household {household_id} for this resident")
        return household

    def _require_team(
        self, db: Session, household: HouseholdRow, roles: Sequence[Role] = TEAM_ROLES
    ) -> None:
        """The actor works in the household's team in one of ``roles``; a refusal is audited."""
        if self.actor.role not in roles:
            self._refuse(db, household.id, "role", f"a {self.actor.role.value} may not do this")
        if household.team != self.actor.team:
            self._refuse(db, household.id, "team", f"household {household.id} is another team's")

    def _refuse(
        self,
        db: Session,
        subject: int | None,
        rule: str,
        message: str,
        detail: dict[str, Any] | None = None,
    ) -> NoReturn:
        """Audit a refused access, keep that entry, and raise :class:`AccessDenied`."""
        self._audit(db, "access.refused", subject, outcome="deny", reason=rule, detail=detail)
        self._commit(db)
        raise AccessDenied(message, rule=rule)

    def _move(self, household: HouseholdRow, target: CaseState) -> None:
        CASE.check(household.case_state, target, f"case of household {household.id}")
        household.case_state = target

    def _active_plan(self, db: Session, household_id: int) -> PlanRow | None:
        return db.exec(
            select(PlanRow).where(
                PlanRow.household_id == household_id,
                PlanRow.municipality == self.actor.municipality,
                PlanRow.state != PlanState.CLOSED,
            )
        ).first()

    def _records(self, db: Session, household_id: int) -> list[Consent | Withdrawal]:
        consents = db.exec(
            select(ConsentRow).where(
                ConsentRow.household_id == household_id,
                ConsentRow.municipality == self.actor.municipality,
            )
        ).all()
        records: list[Consent | Withdrawal] = [
            Consent(
                id=c.id or 0,
                subject=c.household_id,
                purpose=c.purpose,
                recipients=frozenset(c.recipients),
                scope=frozenset(c.scope),
                valid_from=c.valid_from,
                valid_to=c.valid_to,
                form=c.form,
                given_at=c.given_at,
            )
            for c in consents
        ]
        ids = [c.id for c in consents]
        if ids:
            withdrawals = db.exec(
                select(WithdrawalRow).where(col(WithdrawalRow.consent_id).in_(ids))
            ).all()
            records += [Withdrawal(consent_id=w.consent_id, at=w.at) for w in withdrawals]
        return records

    def _decide(
        self,
        db: Session,
        household_id: int,
        recipient: str,
        purpose: str,
        scope: frozenset[str],
        legal_basis: str | None,
    ) -> Decision:
        try:
            request = DisclosureRequest(
                subject=household_id,
                requester=self.actor,
                recipient=recipient,
                purpose=purpose,
                scope=scope,
                legal_basis=legal_basis,
            )
        except ValidationError as exc:
            raise RuleViolation(
                f"the disclosure request is not acceptable ({describe(exc)})", rule="disclosure"
            ) from None
        decision = decide(
            request, self._records(db, household_id), self.casework.policy, self._now()
        )
        row = DisclosureRow(
            municipality=self.actor.municipality,
            household_id=household_id,
            requester=self.actor.id,
            recipient=recipient,
            purpose=purpose,
            scope=sorted(scope),
            legal_basis=legal_basis,
            outcome=decision.outcome,
            reason=decision.reason.value,
            basis=decision.basis,
            granted=sorted(decision.granted),
            at=self._now(),
        )
        db.add(row)
        db.flush()
        self._audit(
            db,
            "disclosure.decided",
            household_id,
            detail={
                "recipient": recipient,
                "purpose": purpose,
                "scope": sorted(scope),
                "granted": sorted(decision.granted),
                "basis": decision.basis,
                "record": binding(row),
            },
            outcome=decision.outcome,
            reason=decision.reason.value,
            legal_basis=legal_basis,
        )
        self._announce(
            "wijkteamkit_disclosure_decided",
            DisclosureDecided(
                municipality=self.actor.municipality,
                household=household_id,
                at=self._now(),
                actor=self.actor.id,
                recipient=recipient,
                purpose=purpose,
                outcome=decision.outcome,
                reason=decision.reason.value,
                basis=decision.basis,
            ),
        )
        return decision
