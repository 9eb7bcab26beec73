"""Receiving signals, routing them to a team, and triage."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, col, select

from ..domain import Signal
from ..domain.case import (
    HouseholdIn,
)
from ..domain.events import (
    SignalReceived,
)
from ..interrupts import plugin_failure, where_raised
from ..store.tables import (
    HouseholdRow,
    PersonRow,
    SignalRow,
)
from .errors import (
    PluginFailure,
    RuleViolation,
)
from .inputs import require_born, require_known, require_not_future
from .process import (
    SIGNAL,
    CaseState,
    SignalState,
)
from .results import OperationResult, SignalReceipt
from .session import TEAM_ROLES, SessionBase

BSN_LOCK_NAMESPACE = 0x42530000
"""First key of the PostgreSQL advisory lock on a BSN, plus the municipality's number; the
second key is the BSN itself (nine digits fit in 32 bits)."""

_LOCK = text("SELECT pg_advisory_xact_lock(:namespace, :bsn)")


class SignalOps(SessionBase):
    """Receiving signals, routing them to a team, and triage."""

    def receive_signal(self, signal: Signal, household: HouseholdIn | int) -> SignalReceipt:
        """Record a signal about a new or known household and route it to a team.

        Returns the household and signal ids (it unpacks as ``household, signal``). The routing
        hook picks the team of the household's neighbourhood; a signal that no team serves is
        refused. A new household one of whose members' BSN is already in an open household of
        the municipality is that household: the signal is attached to it and goes to its team
        (audited as ``signal.matched``). BSNs in several open households are refused, and so is
        reopening a closed household while one of its BSNs is in another open household.
        """
        if self.actor.role not in TEAM_ROLES:
            with self._transaction() as db:
                self._refuse(
                    db, None, "role", f"a {self.actor.role.value} does not receive signals"
                )
        now = self._now()
        require_not_future(signal.received_at, now, "received_at")
        require_known(
            signal.indicators, [i.key for i in self.setup.indicators], "indicator(s)", "indicator"
        )
        if isinstance(household, HouseholdIn):
            for number, person in enumerate(household.members, start=1):
                require_born(person.birth_date, now, f"birth_date of member {number}")
        with self._transaction() as db:
            if isinstance(household, HouseholdIn):
                row = self._known_household(db, household)
                if row is None:
                    row = self._new_household(db, signal, household)
            else:
                row = self._household(db, household)
                if row.case_state == CaseState.CLOSED:
                    if row.team != self.actor.team:
                        self._refuse(
                            db,
                            row.id,
                            "team",
                            f"household {row.id} is closed and only its own team reopens it; "
                            "report the concern as a new intake (HouseholdIn) instead",
                        )
                    self._require_no_other_open(db, row)
            team = row.team or self._route(
                signal.model_copy(update={"postcode": signal.postcode or row.postcode})
            )
            if row.case_state in (CaseState.ANSWERED, CaseState.CLOSED):
                self._move(row, CaseState.SIGNALLED)
                row.closed_at = None
            assert row.id is not None
            record = SignalRow(
                municipality=self.actor.municipality,
                household_id=row.id,
                reporter=signal.reporter.value,
                received_at=signal.received_at,
                summary=signal.summary,
                indicators=sorted(signal.indicators),
                team=team,
                state=SignalState.RECEIVED,
            )
            db.add(record)
            db.flush()
            assert record.id is not None
            self._audit(
                db,
                "signal.received",
                row.id,
                detail={"signal": record.id, "reporter": record.reporter, "team": team},
            )
            household_id, signal_id = row.id, record.id
        self._announce(
            "wijkteamkit_signal_received",
            SignalReceived(
                municipality=self.actor.municipality,
                household=household_id,
                at=self._now(),
                actor=self.actor.id,
                signal=signal_id,
                reporter=signal.reporter.value,
                team=team,
            ),
        )
        return SignalReceipt(
            household=household_id, signal=signal_id, hook_failures=self.hook_failures
        )

    def _new_household(self, db: Session, signal: Signal, household: HouseholdIn) -> HouseholdRow:
        team = self._route(
            signal.model_copy(update={"postcode": signal.postcode or household.postcode})
        )
        row = HouseholdRow(
            municipality=self.actor.municipality,
            neighbourhood=self._team_neighbourhood(team),
            team=team,
            postcode=household.postcode,
            case_state=CaseState.SIGNALLED,
            created_at=self._now(),
        )
        db.add(row)
        db.flush()
        assert row.id is not None
        for person in household.members:
            db.add(
                PersonRow(
                    municipality=self.actor.municipality, household_id=row.id, **person.model_dump()
                )
            )
        return row

    def _known_household(self, db: Session, household: HouseholdIn) -> HouseholdRow | None:
        """The open household one of these members' BSNs is already in, if any (audited)."""
        found = self._open_households_with(db, household.bsns)
        if len(found) > 1:
            self._audit(
                db, "signal.refused", None, outcome="deny", reason="bsn_in_several_households"
            )
            self._commit(db)
            raise RuleViolation(
                "the members' BSNs are in more than one open household; close or merge those "
                "households first",
                rule="one-household-per-bsn",
            )
        if not found:
            return None
        row = self._get(db, HouseholdRow, found[0], "household")
        self._audit(db, "signal.matched", row.id, detail={"by": "bsn"})
        return row

    def _require_no_other_open(self, db: Session, household: HouseholdRow) -> None:
        """Reopening a closed household must not put a BSN in two open households."""
        bsns = db.exec(
            select(PersonRow.bsn).where(
                PersonRow.household_id == household.id,
                PersonRow.municipality == self.actor.municipality,
            )
        ).all()
        if self._open_households_with(db, frozenset(b for b in bsns if b), household.id):
            raise RuleViolation(
                f"a member of household {household.id} is in another open household; "
                "add the signal to that household instead",
                rule="one-household-per-bsn",
            )

    def _open_households_with(
        self, db: Session, bsns: frozenset[str], excluding: int | None = None
    ) -> list[int]:
        """Ids of the open households of the municipality with any of ``bsns`` among their
        members. On PostgreSQL each BSN is locked first (until commit), so two intakes of one
        BSN run one after the other; SQLite serialises writers already (``BEGIN IMMEDIATE``)."""
        if not bsns:
            return []
        municipality = self.actor.municipality
        if db.get_bind().dialect.name == "postgresql":
            namespace = BSN_LOCK_NAMESPACE + int(municipality[2:])
            for bsn in sorted(bsns):
                db.connection().execute(_LOCK, {"namespace": namespace, "bsn": int(bsn)})
        query = (
            select(PersonRow.household_id)
            .join(HouseholdRow, col(HouseholdRow.id) == PersonRow.household_id)
            .where(
                PersonRow.municipality == municipality,
                HouseholdRow.municipality == municipality,
                col(PersonRow.bsn).in_(sorted(bsns)),
                HouseholdRow.case_state != CaseState.CLOSED,
            )
            .distinct()
        )
        if excluding is not None:
            query = query.where(HouseholdRow.id != excluding)
        return sorted(db.exec(query).all())

    def _route(self, signal: Signal) -> str:
        hook = self.casework.loaded.plugins.manager.hook.wijkteamkit_route_signal
        try:
            team: str | None = hook(setup=self.setup, signal=signal)
        except BaseException as exc:  # a plugin may not end the operation with its own error
            if not plugin_failure(exc):
                raise
            raise PluginFailure(
                f"the routing hook wijkteamkit_route_signal failed: {where_raised(exc)}; "
                "nothing was written; fix the plugin or leave it out"
            ) from None
        if team is None or self.setup.get("teams", team) is None:
            raise RuleViolation(
                f"no team serves postcode {signal.postcode or '?'} in {self.setup.municipality.name}; "
                "add it to a neighbourhood's postcodes",
                rule="routing",
            )
        return team

    def _team_neighbourhood(self, team: str) -> str | None:
        found = self.setup.get("teams", team)
        return getattr(found, "neighbourhood", None)

    def triage(self, signal_id: int, integral: bool) -> OperationResult:
        """Triage a signal: a single question answered at once, or integral (a home visit)."""
        with self._transaction() as db:
            signal = self._get(db, SignalRow, signal_id, "signal")
            household = self._household(db, signal.household_id)
            self._require_team(db, household)
            SIGNAL.check(signal.state, SignalState.TRIAGED, f"signal {signal_id}")
            signal.state = SignalState.TRIAGED
            signal.triage = "integral" if integral else "single"
            self._move(household, CaseState.HOME_VISIT if integral else CaseState.ANSWERED)
            self._audit(
                db,
                "signal.triaged",
                household.id,
                detail={"signal": signal_id, "triage": signal.triage},
            )
        return self._result()
