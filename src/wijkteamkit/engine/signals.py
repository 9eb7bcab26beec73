"""Receiving signals, routing them to a team, and triage."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Table, bindparam, text, update
from sqlmodel import col, select

from ..domain import Signal
from ..domain.case import (
    HouseholdIn,
    Role,
)
from ..domain.events import (
    SignalReceived,
)
from ..store.tables import (
    HouseholdRow,
    PersonRow,
    SignalRow,
)
from .context import TEAM_ROLES, Context, Tx
from .errors import (
    NotFound,
    RuleViolation,
    item,
)
from .ids import in_range
from .inputs import require_born, require_known, require_not_future
from .lookups import household_in, households
from .matching import households_at, lock_intake, received, record_references
from .moves import states, write_moves
from .process import (
    SIGNAL,
    CaseState,
    SignalState,
    move,
)
from .results import OperationResult, SignalReceipt

BSN_LOCK_NAMESPACE = 0x42530000
"""First key of the PostgreSQL advisory lock on a BSN, plus the municipality's number; the
second key is the BSN itself (nine digits fit in 32 bits)."""

_LOCK = text("SELECT pg_advisory_xact_lock(:namespace, :bsn)")

SIGNAL_TABLE: Table = SignalRow.__table__  # type: ignore[attr-defined]

RECEIVING_ROLES = (Role.INTAKE, *TEAM_ROLES)
"""Who receives signals: a member of a team, or the intake system account."""


class SignalOps:
    """Receiving signals, routing them to a team, and triage."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def receive_signal(self, signal: Signal, household: HouseholdIn | int) -> SignalReceipt:
        """Record a signal about a new or known household and route it to a team.

        Returns the household and signal ids (it unpacks as ``household, signal``). The routing
        hook picks the team of the household's neighbourhood; a signal that no team serves is
        refused. A new household one of whose members' BSN is already in an open household of
        the municipality is that household: the signal is attached to it and goes to its team
        (audited as ``signal.matched``). BSNs in several open households are refused, and so is
        reopening a closed household while one of its BSNs is in another open household. A new
        household without a BSN that gives its house number is the open household at that
        address, if there is one (``signal.matched`` by address, as in the bulk intake).

        A signal with a ``source`` and ``external_reference`` received before is that receipt:
        the first household and signal ids come back and nothing is written or audited.
        """
        if self.context.actor.role not in RECEIVING_ROLES:
            with self.context.transaction("receive_signal") as tx:
                tx.refuse(
                    None, "role", f"a {self.context.actor.role.value} does not receive signals"
                )
        self._check_signal(signal, household, self.context.now())
        with self.context.transaction("receive_signal") as tx:
            receipt = self._receive(tx, signal, household)
        return replace(receipt, hook_failures=self.context.hook_failures)

    def receive_signals_in(
        self, tx: Tx, items: Sequence[tuple[Signal, HouseholdIn | int]]
    ) -> list[SignalReceipt]:
        """Receive each (signal, household) of ``items`` in ``tx``, in order, with the rules of
        :meth:`receive_signal`; the receipts in order (their hook failures are the batch's).

        Every item's input is checked before anything is written; an error names the item that
        failed (``item 3: ...``) and leaves nothing of the batch. The items are then matched,
        routed and written one after the other, since an item may be about the household an
        earlier one made: a batch saves the transactions, not the statements.
        """
        if not items:
            return []
        if self.context.actor.role not in RECEIVING_ROLES:
            tx.refuse(None, "role", f"a {self.context.actor.role.value} does not receive signals")
        for index, (signal, household) in enumerate(items):
            with item(index, len(items)):
                self._check_signal(signal, household, tx.now)
        receipts = []
        for index, (signal, household) in enumerate(items):
            with item(index, len(items)):
                receipts.append(self._receive(tx, signal, household))
        return receipts

    def _check_signal(self, signal: Signal, household: HouseholdIn | int, now: datetime) -> None:
        """What a signal's input must satisfy against the setup and the engine's clock."""
        require_not_future(signal.received_at, now, "received_at")
        require_known(
            signal.indicators,
            [i.key for i in self.context.setup.indicators],
            "indicator(s)",
            "indicator",
        )
        if isinstance(household, HouseholdIn):
            for number, person in enumerate(household.members, start=1):
                require_born(person.birth_date, now, f"birth_date of member {number}")

    def _receive(self, tx: Tx, signal: Signal, household: HouseholdIn | int) -> SignalReceipt:
        """Match or make the household, route the signal and record it, in ``tx``."""
        first = self._received(tx, signal)
        if first is not None:
            return first
        if isinstance(household, HouseholdIn):
            row = self._known_household(tx, household)
            if row is None:
                row = self._new_household(tx, signal, household)
        else:
            row = tx.household(household)
            if row.case_state == CaseState.CLOSED:
                if row.team != self.context.actor.team:
                    tx.refuse(
                        row.id,
                        "team",
                        f"household {row.id} is closed and only its own team reopens it; "
                        "report the concern as a new intake (HouseholdIn) instead",
                    )
                self._require_no_other_open(tx, row)
        team = row.team or tx.hooks.route_signal(
            signal.model_copy(update={"postcode": signal.postcode or row.postcode})
        )
        if row.case_state in (CaseState.ANSWERED, CaseState.CLOSED):
            move(row, CaseState.SIGNALLED)
            row.closed_at = None
        assert row.id is not None
        record = SignalRow(
            municipality=self.context.actor.municipality,
            household_id=row.id,
            reporter=signal.reporter.value,
            received_at=signal.received_at,
            summary=signal.summary,
            indicators=sorted(signal.indicators),
            team=team,
            state=SignalState.RECEIVED,
            source=signal.source,
            external_reference=signal.external_reference,
        )
        if signal.debt is not None:
            record.creditor_kind = signal.debt.creditor_kind.value
            record.creditor = signal.debt.creditor
            record.arrears_cents = signal.debt.arrears_cents
            record.arrears_since = signal.debt.arrears_since
        tx.db.add(record)
        tx.db.flush()
        assert record.id is not None
        if signal.source is not None and signal.external_reference is not None:
            record_references(
                tx.connection,
                self.context.actor.municipality,
                signal.source,
                {signal.external_reference: record.id},
            )
        tx.audit(
            "signal.received",
            row.id,
            detail={"signal": record.id, "reporter": record.reporter, "team": team},
        )
        household_id, signal_id = row.id, record.id
        tx.announce(
            SignalReceived,
            household_id,
            signal=signal_id,
            reporter=signal.reporter.value,
            team=team,
        )
        return SignalReceipt(household=household_id, signal=signal_id, hook_failures=())

    def _received(self, tx: Tx, signal: Signal) -> SignalReceipt | None:
        """The first receipt of a signal whose source and reference were received before."""
        if signal.source is None or signal.external_reference is None:
            return None
        lock_intake(tx.connection, self.context.actor.municipality)
        found = received(
            tx.connection,
            self.context.actor.municipality,
            signal.source,
            [signal.external_reference],
        ).get(signal.external_reference)
        if found is None:
            return None
        return SignalReceipt(household=found.household, signal=found.signal, hook_failures=())

    def _new_household(self, tx: Tx, signal: Signal, household: HouseholdIn) -> HouseholdRow:
        team = tx.hooks.route_signal(
            signal.model_copy(update={"postcode": signal.postcode or household.postcode})
        )
        row = HouseholdRow(
            municipality=self.context.actor.municipality,
            neighbourhood=self._team_neighbourhood(team),
            team=team,
            postcode=household.postcode,
            house_number=household.house_number,
            house_number_suffix=household.house_number_suffix,
            case_state=CaseState.SIGNALLED,
            created_at=tx.now,
        )
        tx.db.add(row)
        tx.db.flush()
        assert row.id is not None
        for person in household.members:
            tx.db.add(
                PersonRow(
                    municipality=self.context.actor.municipality,
                    household_id=row.id,
                    **person.model_dump(),
                )
            )
        return row

    def _known_household(self, tx: Tx, household: HouseholdIn) -> HouseholdRow | None:
        """The open household one of these members' BSNs is already in, or without BSNs the
        open household at the address given, if any (audited)."""
        if not household.bsns:
            return self._household_at(tx, household)
        found = self._open_households_with(tx, household.bsns)
        if len(found) > 1:
            tx.audit("signal.refused", None, outcome="deny", reason="bsn_in_several_households")
            tx.keep()
            raise RuleViolation(
                "the members' BSNs are in more than one open household; close or merge those "
                "households first",
                rule="one-household-per-bsn",
            )
        if not found:
            return None
        row = tx.get(HouseholdRow, found[0], "household")
        tx.audit("signal.matched", row.id, detail={"by": "bsn"})
        return row

    def _household_at(self, tx: Tx, household: HouseholdIn) -> HouseholdRow | None:
        """The open household at the new household's address (the bulk intake's rule)."""
        if household.house_number is None:
            return None
        municipality = self.context.actor.municipality
        lock_intake(tx.connection, municipality)
        address = (household.postcode, household.house_number, household.house_number_suffix)
        found = households_at(tx.connection, municipality, [address]).get(address)
        if found is None:
            return None
        row = tx.get(HouseholdRow, found.id, "household")
        tx.audit("signal.matched", row.id, detail={"by": "address"})
        return row

    def _require_no_other_open(self, tx: Tx, household: HouseholdRow) -> None:
        """Reopening a closed household must not put a BSN in two open households."""
        bsns = tx.db.exec(
            select(PersonRow.bsn).where(
                PersonRow.household_id == household.id,
                PersonRow.municipality == self.context.actor.municipality,
            )
        ).all()
        if self._open_households_with(tx, frozenset(b for b in bsns if b), household.id):
            raise RuleViolation(
                f"a member of household {household.id} is in another open household; "
                "add the signal to that household instead",
                rule="one-household-per-bsn",
            )

    def _open_households_with(
        self, tx: Tx, bsns: frozenset[str], excluding: int | None = None
    ) -> list[int]:
        """Ids of the open households of the municipality with any of ``bsns`` among their
        members. On PostgreSQL each BSN is locked first (until commit), so two intakes of one
        BSN run one after the other; SQLite serialises writers already (``BEGIN IMMEDIATE``)."""
        if not bsns:
            return []
        municipality = self.context.actor.municipality
        if tx.db.get_bind().dialect.name == "postgresql":
            namespace = BSN_LOCK_NAMESPACE + int(municipality[2:])
            for bsn in sorted(bsns):
                tx.db.connection().execute(_LOCK, {"namespace": namespace, "bsn": int(bsn)})
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
        return sorted(tx.db.exec(query).all())

    def _team_neighbourhood(self, team: str) -> str | None:
        found = self.context.setup.get("teams", team)
        return getattr(found, "neighbourhood", None)

    def triage(self, signal_id: int, integral: bool) -> OperationResult:
        """Triage a signal: a single question answered at once, or integral (a home visit)."""
        with self.context.transaction("triage") as tx:
            self.triage_in(tx, [(signal_id, integral)])
        return self.context.result()

    def triage_in(self, tx: Tx, items: Sequence[tuple[int, bool]]) -> None:
        """Triage each (signal id, integral) of ``items`` in ``tx``, in order.

        Every item is checked before anything is written; an error names the item that failed
        (``item 3: ...``) and leaves nothing of the batch. One query reads the signals, one the
        households; one ``UPDATE ... WHERE id IN (...)`` per outcome writes the signals, and
        the case states as :mod:`.moves` does.
        """
        if not items:
            return
        found = _signals(tx, {signal_id for signal_id, _ in items})
        homes = households(tx, {signal.household_id for signal in found.values()})
        read = states(homes)
        triaged: list[str] = []
        for index, (signal_id, integral) in enumerate(items):
            with item(index, len(items)):
                signal = found.get(signal_id)
                if signal is None:
                    raise NotFound(f"no signal {signal_id!r:.40} in {tx.setup.municipality.name}")
                household = household_in(tx, homes, signal.household_id)
                tx.require_team(household)
                SIGNAL.check(signal.state, SignalState.TRIAGED, f"signal {signal_id}")
                signal.state = SignalState.TRIAGED
                move(household, CaseState.HOME_VISIT if integral else CaseState.ANSWERED)
                triaged.append("integral" if integral else "single")
        for outcome in sorted(set(triaged)):
            chosen = [s for (s, _), t in zip(items, triaged, strict=True) if t == outcome]
            tx.connection.execute(_TRIAGE, {"signals": chosen, "triage": outcome})
        write_moves(tx, homes, read)
        for (signal_id, _), outcome in zip(items, triaged, strict=True):
            household_id = found[signal_id].household_id
            tx.audit(
                "signal.triaged",
                household_id,
                detail={"signal": signal_id, "triage": outcome},
            )


@dataclass(slots=True)
class _Signal:
    """A signal as triage reads it."""

    household_id: int
    state: str


_TRIAGE = (
    update(SIGNAL_TABLE)
    .where(SIGNAL_TABLE.c.id.in_(bindparam("signals", expanding=True)))
    .values(state=SignalState.TRIAGED, triage=bindparam("triage"))
)


_SIGNALS = select(SIGNAL_TABLE.c.id, SIGNAL_TABLE.c.household_id, SIGNAL_TABLE.c.state).where(
    SIGNAL_TABLE.c.id.in_(bindparam("signals", expanding=True)),
    SIGNAL_TABLE.c.municipality == bindparam("municipality"),
)


def _signals(tx: Tx, ids: Collection[int]) -> dict[int, _Signal]:
    """The actor's municipality's signals among ``ids``, by id (one query)."""
    keys = sorted(key for key in ids if in_range(tx.db, SignalRow, key))
    if not keys:
        return {}
    found = tx.connection.execute(
        _SIGNALS, {"signals": keys, "municipality": tx.actor.municipality}
    )
    return {key: _Signal(household, state) for key, household, state in found}
