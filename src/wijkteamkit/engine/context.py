"""What every casework operation is handed: the actor's context and, per transaction, a :class:`Tx`.

Operations are grouped by subject (signals, assessments, consents, plans, escalations, access,
queries); each group is composed with the actor's :class:`Context` rather than inheriting from a
common base. ``context.transaction(name)`` opens one transaction and yields a :class:`Tx`: the
database session, the tenant bound, the audit chain (its head locked once, at the first entry,
and written with one ``executemany`` at commit), and the events to announce once committed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, SQLModel

from ..domain import MunicipalitySetup
from ..domain.case import Actor, Role
from ..domain.common import local_date
from ..domain.events import Event
from ..store import tenancy
from ..store.audit import Chain
from ..store.tables import HouseholdRow
from .dberrors import translate
from .errors import AccessDenied, ConflictError, NotFound
from .hooks import Hooks
from .ids import in_range as id_in_range
from .policy import DisclosurePolicy
from .results import HookFailure, OperationResult

if TYPE_CHECKING:
    from .casework import Casework

log = logging.getLogger("wijkteamkit.engine")

Row = TypeVar("Row", bound=SQLModel)
E = TypeVar("E", bound=Event)

TEAM_ROLES = (Role.WORKER, Role.TEAM_LEADER, Role.CASE_DIRECTOR)
CASEWORK = "casework"
"""The purpose of sharing within the help given: reading by team members, hand-over on escalation."""


class InTeam(Protocol):
    """A household as far as the team check needs it (an ORM row or a bulk read)."""

    @property
    def id(self) -> int | None: ...

    @property
    def team(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Dated:
    """A municipality's setup as it stands on one day, and the disclosure policy of that day."""

    setup: MunicipalitySetup
    policy: DisclosurePolicy


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Tx:
    """One engine transaction on behalf of one actor (see the module)."""

    def __init__(self, db: Session, context: Context) -> None:
        self.db = db
        self.actor = context.actor
        self.hooks = context.hooks
        self.now = context.now()
        """The clock, read once when the transaction began: every entry of it carries this time."""
        dated = context.casework.on(local_date(self.now))
        self.setup = dated.setup
        """The setup as it stands on the transaction's local date (escalation targets and rules,
        legal bases, laws and funding valid that day)."""
        self.policy: DisclosurePolicy = dated.policy
        self._chain: Chain | None = None
        self.events: list[Event] = []
        """Events of what is not committed yet."""
        self.committed: list[Event] = []
        """Events of what is committed, to announce when the operation ends."""

    @property
    def connection(self) -> Connection:
        """The transaction's connection, for SQLAlchemy Core statements (bulk writes)."""
        return self.db.connection()

    def audit(self, action: str, subject: int | None, **fields: Any) -> int:
        """Append an audit entry (written at commit); return its sequence number."""
        if self._chain is None:
            self._chain = Chain.lock(self.connection, self.actor.municipality)
        return self._chain.append(self.actor, action, self.now, subject, **fields)

    def announce(self, event_type: type[E], household: int, **fields: Any) -> None:
        """Queue an event about ``household`` (who, where and when filled in), announced once
        this transaction has committed."""
        self.events.append(
            event_type(
                municipality=self.actor.municipality,
                household=household,
                at=self.now,
                actor=self.actor.id,
                **fields,
            )
        )

    def flush(self) -> None:
        """Write the pending audit entries (before commit, or before a query that reads them)."""
        if self._chain is not None:
            self._chain.flush()

    def keep(self) -> None:
        """Commit what this transaction wrote so far: at its end, or to keep an audited refusal
        before raising (nothing else follows then: the tenant binding ends with the commit)."""
        self.flush()
        self._chain = None
        self.db.commit()
        self.committed += self.events
        self.events = []

    def discard(self) -> None:
        """Roll back what this transaction wrote so far (entries and events included); what
        follows starts afresh, in a new transaction of the same tenant."""
        self.db.rollback()
        self._chain = None
        self.events = []

    def refuse(
        self, subject: int | None, rule: str, message: str, detail: dict[str, Any] | None = None
    ) -> NoReturn:
        """Audit a refused access, keep that entry alone (whatever else this transaction wrote,
        in a batch the items before, is rolled back), and raise :class:`AccessDenied`."""
        self.discard()
        self.audit("access.refused", subject, outcome="deny", reason=rule, detail=detail)
        self.keep()
        raise AccessDenied(message, rule=rule)

    def get(self, table: type[Row], key: int, what: str) -> Row:
        """The row of ``table`` with id ``key`` in the actor's municipality, or :class:`NotFound`."""
        row = self.db.get(table, key) if id_in_range(self.db, table, key) else None
        if row is None or getattr(row, "municipality", None) != self.actor.municipality:
            raise NotFound(f"no {what} {key!r:.40} in {self.setup.municipality.name}")
        return row

    def household(self, household_id: int) -> HouseholdRow:
        """The household, which a resident may only reach when it is their own."""
        household = self.get(HouseholdRow, household_id, "household")
        if self.actor.role is Role.RESIDENT and self.actor.household != household_id:
            raise NotFound(f"no household {household_id} for this resident")
        return household

    def require_team(self, household: InTeam, roles: Sequence[Role] = TEAM_ROLES) -> None:
        """The actor works in the household's team in one of ``roles``; a refusal is audited."""
        if self.actor.role not in roles:
            self.refuse(household.id, "role", f"a {self.actor.role.value} may not do this")
        if household.team != self.actor.team:
            self.refuse(household.id, "team", f"household {household.id} is another team's")


class Context:
    """One actor's work in one municipality: what each group of operations is composed with."""

    def __init__(self, casework: Casework, actor: Actor) -> None:
        self.casework = casework
        self.setup = casework.setup
        self.actor = actor
        self.hooks: Hooks = casework.hooks
        self.hook_failures: tuple[HookFailure, ...] = ()
        """The event hooks that raised after the last operation's commit (reads included)."""

    def now(self) -> datetime:
        """The engine's clock."""
        return self.casework.clock()

    def result(self) -> OperationResult:
        """The result of a write operation that returns nothing else."""
        return OperationResult(hook_failures=self.hook_failures)

    @contextmanager
    def transaction(self, operation: str) -> Iterator[Tx]:
        """One transaction for ``operation`` (named in logs): commit on success, then announce
        its events; roll back on any error. Database errors leave as casework errors.

        On SQLite the transaction begins with ``BEGIN IMMEDIATE`` (writers queue, see
        :mod:`wijkteamkit.store.database`); contention becomes :class:`ConflictError`.
        """
        self.hook_failures = ()
        with Session(self.casework.writer, expire_on_commit=False) as db:
            tenancy.bind(db, self.actor.municipality)
            tx = Tx(db, self)
            try:
                yield tx
                tx.keep()
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
                self._announce(tx.committed)

    def _announce(self, events: list[Event]) -> None:
        """Announce committed events; a hook that raises cannot undo the commit (it is logged
        and kept in :attr:`hook_failures`)."""
        failures: list[HookFailure] = []
        for event in events:
            failures += self.hooks.announce(event)
        self.hook_failures = tuple(failures)
